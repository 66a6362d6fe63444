package lint

import (
	"cmp"
	"os"
	"slices"
	"sync"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Cross-object (Deferred) rules look at each object as it is read, like
// the others; what they cannot tell before every file is read they hand
// to Pass.ReportLater, which the engine keeps, positioned, as a
// laterReport, and decides in finish with the whole set. So no object is
// kept for them, however large the corpus.
//
// The set holds the identity of every object, and in full the objects of
// the kinds some rule reads (rule.Rule.SetKinds: ServiceAccounts,
// bindings, DaemonSets). A parsed document is some twenty times its text,
// so an object read from a file on disk is kept as where to find it
// again, and parsed again only if a rule asks for its kind, a few at a
// time (rule.Set.Each); objects that exist only in memory (standard input,
// LintDocuments, kustomize output, KRM items) are kept as they are.

// laterReport is a finding a cross-object rule reports if its decision
// says so once the set is complete, with the suppressions of its object.
type laterReport struct {
	checker.Later
	directives []*suppress.Directive
}

// runDeferred decides the later reports, now that the set is complete.
func (r *run) runDeferred() {
	for kind, ks := range r.setOnDisk {
		// In file order, so that rules see the set in the same order on
		// every run whatever order the workers finished in.
		slices.SortFunc(ks, func(a, b *keptObject) int {
			if c := cmp.Compare(a.file, b.file); c != 0 {
				return c
			}
			if c := cmp.Compare(a.lo, b.lo); c != 0 {
				return c
			}
			return cmp.Compare(a.base.String(), b.base.String())
		})
		r.set.AddLoader(kind, func(each func(*rule.Object)) { r.loadSet(ks, each) })
	}
	r.setOnDisk = nil
	for _, lr := range r.later {
		if f, ok := r.decide(lr); ok {
			r.intern.finding(&f)
			r.findings = append(r.findings, f)
		}
	}
	r.later = nil
}

// decide runs one later report's decision (a panic is an internal-error
// finding) and applies its object's suppressions.
func (r *run) decide(lr *laterReport) (finding.Finding, bool) {
	f, ok := checker.Decide(&lr.Later, r.set)
	if !ok {
		return f, false
	}
	fs := []finding.Finding{f}
	suppress.ApplyObject(fs, lr.directives)
	return fs[0], true
}

// addFacts computes what cross-object rules keep of an object
// (rule.Fact), while its document is in memory; a Compute that fails is an
// internal error on the object.
func (r *run) addFacts(fr *fileResult, t *checker.Target, pl place) {
	if t.Object.Locate == nil {
		t.Object.Locate = func(path fieldpath.Path) (string, int, int) {
			f := finding.Finding{File: pl.file}
			pl.at(&f, path, false)
			return f.File, f.Line, f.Column
		}
	}
	facts, failed := r.l.checker.Facts(t)
	fr.facts = append(fr.facts, facts...)
	fr.findings = append(fr.findings, failed...)
}

// keptObject is an object of the set kept on disk: bytes lo to hi of the
// file path (reported as file), the document index there, and base
// inside it (items[i] of a List).
type keptObject struct {
	res        finding.Resource
	path, file string
	root       *safefs.Root
	index      int
	base       fieldpath.Path
	lo, hi     int64
	invalid    []fieldpath.Path
	// line is the document's first line in the file: positions in the
	// bytes lo to hi, parsed alone, are that many lines down.
	line int
}

// addSetObject adds an object that rules read from the set: in full when
// it exists only in memory, and otherwise as where to find it again.
func (r *run) addSetObject(fr *fileResult, obj *rule.Object, pl place) {
	if pl.path == "" || pl.doc == nil || pl.doc.File == nil || pl.locator != nil {
		// A deferred decision may point at it (rule.Place).
		obj.Locate = func(path fieldpath.Path) (string, int, int) {
			f := finding.Finding{File: pl.file}
			pl.at(&f, path, false)
			return f.File, f.Line, f.Column
		}
		fr.setObjects = append(fr.setObjects, obj)
		return
	}
	f := pl.doc.File
	fr.setOnDisk = append(fr.setOnDisk, &keptObject{res: obj.Resource, path: pl.path, file: pl.file, index: pl.index, base: pl.base,
		lo: int64(f.LineOffset(pl.doc.Line)), hi: int64(f.LineOffset(pl.end)), invalid: obj.Invalid, line: pl.doc.Line})
}

// loadSet parses again the set's objects of one kind kept on disk, a few
// at a time on the linter's workers, and hands them to each in order.
// They carry no Doc: rules read the values of the set's objects, and a
// decision that points at one positions it through its Locate.
func (r *run) loadSet(ks []*keptObject, each func(*rule.Object)) {
	const batch = 256
	objs := make([]*rule.Object, batch)
	for start := 0; start < len(ks); start += batch {
		part := ks[start:min(start+batch, len(ks))]
		forEach(len(part), r.l.workers, func(i int) { objs[i] = r.load(part[i]) })
		for _, o := range objs[:len(part)] {
			if o != nil {
				each(o)
			}
		}
	}
}

// load parses a kept object again; nil when the file no longer holds it
// (it changed during the run).
func (r *run) load(k *keptObject) *rule.Object {
	// offset is how many lines down the parsed document starts in the file.
	found := func(d *document.Document, offset int) *rule.Object {
		if d == nil {
			return nil
		}
		// base is items[i] for an item of a List.
		if m, ok := document.ValueAt(d.Value, k.base).(map[string]any); ok && finding.ResourceOf(m) == k.res {
			return &rule.Object{Base: k.base, Resource: k.res, Map: m, Invalid: k.invalid,
				Locate: func(path fieldpath.Path) (string, int, int) {
					line, col, _ := d.Locate(append(append(fieldpath.Path{}, k.base...), path...))
					return k.file, line + offset, col
				}}
		}
		return nil
	}
	if o := found(r.parseRange(k), max(k.line-1, 0)); o != nil {
		return o
	}
	// The document does not stand alone on its lines (an unusual layout):
	// parse the whole file.
	data, err := readDisk(k.root, k.path, r.l.opts.MaxFileSize)
	if err != nil {
		return nil
	}
	for _, d := range document.Parse(k.file, data, r.l.opts.hooks.Limits).Docs {
		if d.Index == k.index {
			return found(d, 0)
		}
	}
	return nil
}

// parseRange reads a kept object's bytes and parses them.
func (r *run) parseRange(k *keptObject) *document.Document {
	if k.hi <= k.lo {
		return nil
	}
	var (
		f   *os.File
		err error
	)
	if k.root != nil {
		f, _, err = k.root.OpenFile(k.path)
	} else {
		f, err = os.Open(k.path)
	}
	if err != nil {
		return nil
	}
	defer f.Close()
	buf := make([]byte, k.hi-k.lo)
	if _, err := f.ReadAt(buf, k.lo); err != nil {
		return nil
	}
	for _, d := range document.Parse(k.file, buf, r.l.opts.hooks.Limits).Docs {
		if d.Node != nil {
			return d
		}
	}
	return nil
}

// forEach calls fn for 0..n-1 on up to workers goroutines.
func forEach(n, workers int, fn func(i int)) {
	workers = max(1, min(workers, n))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
