package lint

import (
	"bytes"
	"context"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

var crdMarker = []byte("CustomResourceDefinition")

// loadCRDs registers the CustomResourceDefinitions of --crd files and
// directories. Problems with their schemas are reported by Lint.
func (l *Linter) loadCRDs(paths []string) error {
	if len(paths) == 0 {
		return nil
	}
	w, err := input.NewWalker(input.Options{WorkDir: l.opts.WorkDir})
	if err != nil {
		return err
	}
	if err := w.Check(paths); err != nil {
		return err
	}
	r := l.newRun()
	err = w.Walk(context.Background(), paths, func(s input.Source) error {
		if s.Err != nil || s.Stdin {
			return nil
		}
		// --crd names a path, but what a directory in the repository
		// holds is the repository's: read through its root.
		data, err := s.Read(l.opts.MaxFileSize)
		if err != nil {
			return &input.PathError{Path: s.Name, Err: err}
		}
		r.registerCRDsIn(s.Name, data)
		return nil
	})
	l.crdFindings = r.findings
	return err
}

// registerCRDsIn registers the CRDs of one file (also items of Lists):
// the --crd files, which are not linted.
func (r *run) registerCRDsIn(name string, data []byte) {
	if !bytes.Contains(data, crdMarker) || looksLikeHelm(data) {
		return
	}
	s := document.Parse(name, data, r.l.opts.hooks.Limits)
	r.addFindings(r.registerCRDs(name, s.Docs))
}

// registerCRDs registers the CRDs among a file's parsed documents (also
// items of Lists), before the file's objects are linted, and returns the
// findings about their schemas.
func (r *run) registerCRDs(name string, docs []*document.Document) []finding.Finding {
	var out []finding.Finding
	for _, d := range docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		pl := place{file: name, doc: d, index: d.Index}
		if isCRD(m) {
			out = append(out, r.addCRD(m, pl)...)
			continue
		}
		if items, ok := listItems(m); ok {
			for i, it := range items {
				if im, ok := it.(map[string]any); ok && isCRD(im) {
					ipl := pl
					ipl.base = pl.base.Child("items").Index(i)
					out = append(out, r.addCRD(im, ipl)...)
				}
			}
		}
	}
	return out
}

// addCRD registers one CRD with the schema validator.
func (r *run) addCRD(m map[string]any, pl place) []finding.Finding {
	if r.l.schema == nil {
		return nil
	}
	r.l.schemaMu.Lock()
	errs := r.l.schema.AddCRD(m)
	r.l.schemaMu.Unlock()
	r.definedKinds(m)
	res := finding.ResourceOf(m)
	out := make([]finding.Finding, 0, len(errs))
	for _, e := range errs {
		f := finding.Finding{Rule: e.Rule, Severity: e.Severity, Message: e.Message, File: pl.file, Document: pl.index, Resource: res}
		if f.Severity == 0 {
			f.Severity = finding.Error
		}
		pl.at(&f, e.Path, false)
		out = append(out, f)
	}
	return out
}

// Custom resources and their CRDs, in one pass over the files. A CRD is
// registered when its file is parsed, before the file's objects are
// linted; an object that has no schema when it is linted (a custom
// resource whose CRD is in a file not read yet, or nowhere) is linted as
// it is, and its results are held back (pendingObject). At the end, if a
// CRD for its kind came later, its file is parsed again and the object
// linted again, now against the CRD; otherwise its results stand. So
// files are parsed once, except the few whose custom resources were read
// before their CRD.

// pendingObject is an object linted before a schema for its kind was
// known, with what linting it gave.
type pendingObject struct {
	kind string
	gen  int64 // r.crdGen when it was validated
	res  finding.Resource
	sub  *fileResult
	// Where to find it again: file (reported name), path on disk and
	// root, document index and base (items[i] of a List). Objects that
	// exist only in memory keep their value and place instead.
	file, path string
	root       *safefs.Root
	index      int
	base       fieldpath.Path
	m          map[string]any
	pl         *place
}

// definedKinds records the kind a CRD defines, with the generation after
// which objects of it are validated against it. Kinds are recorded by
// name alone: an object of a kind that some later CRD defines in another
// group is linted again for nothing, which changes nothing.
func (r *run) definedKinds(m map[string]any) {
	spec, _ := m["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	kind, _ := names["kind"].(string)
	if kind == "" {
		return
	}
	gen := r.crdGen.Add(1)
	r.crdMu.Lock()
	defer r.crdMu.Unlock()
	if r.crdKinds == nil {
		r.crdKinds = map[string]int64{}
	}
	r.crdKinds[kind] = gen
}

// hasNoSchema reports a no-schema error: the kind may be a custom
// resource whose CRD is still to come.
func hasNoSchema(errs []schema.Error) bool {
	for _, e := range errs {
		if e.Rule == finding.RuleNoSchema {
			return true
		}
	}
	return false
}

// hold records an object linted without a schema, and what it gave.
func (r *run) hold(fr *fileResult, pl place, m map[string]any, gen int64, sub *fileResult) {
	res := finding.ResourceOf(m)
	p := &pendingObject{kind: res.Kind, gen: gen, res: res, sub: sub,
		file: pl.file, path: pl.path, index: pl.index, base: pl.base}
	if pl.path == "" || pl.doc == nil || pl.locator != nil {
		p.m, p.pl = m, &pl
	}
	fr.pending = append(fr.pending, p)
}

// settlePending merges the results of the objects held back, linting
// again those whose CRD was registered after they were validated.
func (r *run) settlePending() {
	pending := r.pending
	r.pending = nil
	r.final = true
	byFile := map[string][]*pendingObject{}
	var files []string
	for _, p := range pending {
		r.crdMu.Lock()
		gen, ok := r.crdKinds[p.kind]
		r.crdMu.Unlock()
		switch {
		case !ok || gen <= p.gen:
			r.add(p.sub)
		case p.m != nil:
			fr := &fileResult{sources: p.sub.sources}
			r.lintObject(fr, *p.pl, p.m)
			r.add(fr)
		default:
			if byFile[p.path] == nil {
				files = append(files, p.path)
			}
			byFile[p.path] = append(byFile[p.path], p)
		}
	}
	for _, path := range files {
		r.relint(byFile[path])
	}
}

// relint parses a file again and lints the held objects of it; an object
// the file no longer holds (it changed during the run) keeps its first
// results.
func (r *run) relint(ps []*pendingObject) {
	first := ps[0]
	data, err := readDisk(first.root, first.path, r.l.opts.MaxFileSize)
	if err != nil {
		for _, p := range ps {
			r.add(p.sub)
		}
		return
	}
	s := document.Parse(first.file, data, r.l.opts.hooks.Limits)
	for _, p := range ps {
		var doc *document.Document
		for _, d := range s.Docs {
			if d.Index == p.index {
				doc = d
				break
			}
		}
		var m map[string]any
		if doc != nil {
			m, _ = document.ValueAt(doc.Value, p.base).(map[string]any)
		}
		if m == nil || finding.ResourceOf(m) != p.res {
			r.add(p.sub)
			continue
		}
		fr := &fileResult{sources: p.sub.sources}
		r.lintObject(fr, place{file: p.file, doc: doc, index: p.index, base: p.base, path: p.path}, m)
		r.add(fr)
	}
}
