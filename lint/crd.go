package lint

import (
	"bytes"
	"context"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/input"
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

// registerCRDsFrom is the pre-pass of Lint: every CRD in the linted files
// is registered before any object is validated.
func (r *run) registerCRDsFrom(ctx context.Context, sources []input.Source) error {
	weight := func(i int) int64 { return r.sourceWeight(sources[i]) }
	return r.parallel(ctx, len(sources), weight, func(i int) *fileResult {
		s := sources[i]
		var data []byte
		switch {
		case s.Err != nil || s.Kustomization:
			return nil
		case s.Stdin:
			data = r.stdin
		case s.Stream:
			data = r.streams[s.Path].data
		default:
			// Most files hold no CRD: scan them without reading them whole.
			if s.Root == nil {
				return nil
			}
			if ok, err := s.Root.FileContains(s.Path, crdMarker, r.l.opts.MaxFileSize); !ok || err != nil {
				return nil // errors are reported by the main pass
			}
			var err error
			if data, err = s.Read(r.l.opts.MaxFileSize); err != nil {
				return nil
			}
		}
		r.registerCRDsIn(s.Name, data)
		return nil
	})
}

// registerCRDsIn registers the CRDs of one file (also items of Lists).
func (r *run) registerCRDsIn(name string, data []byte) {
	if !bytes.Contains(data, crdMarker) || looksLikeHelm(data) {
		return
	}
	s := document.Parse(name, data, r.l.opts.hooks.Limits)
	for _, d := range s.Docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		pl := place{file: name, doc: d, index: d.Index}
		if isCRD(m) {
			r.addFindings(r.addCRD(m, pl))
			continue
		}
		if items, ok := listItems(m); ok {
			for i, it := range items {
				if im, ok := it.(map[string]any); ok && isCRD(im) {
					ipl := pl
					ipl.base = pl.base.Child("items").Index(i)
					r.addFindings(r.addCRD(im, ipl))
				}
			}
		}
	}
}

// addCRD registers one CRD with the schema validator.
func (r *run) addCRD(m map[string]any, pl place) []finding.Finding {
	if r.l.schema == nil {
		return nil
	}
	r.l.schemaMu.Lock()
	errs := r.l.schema.AddCRD(m)
	r.l.schemaMu.Unlock()
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
