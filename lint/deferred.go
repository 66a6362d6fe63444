package lint

import (
	"cmp"
	"slices"

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
// The set holds the identity of every object, and of the kinds some rule
// reads (rule.Rule.SetKinds: ServiceAccounts, bindings, DaemonSets) a
// compact record: only the fields those rules declare
// (rule.Rule.SetFields), taken from the values already parsed. Nothing is
// read or parsed again.

// laterReport is a finding a cross-object rule reports if its decision
// says so once the set is complete, with the suppressions of its object.
type laterReport struct {
	checker.Later
	directives []*suppress.Directive
}

// runDeferred decides the later reports, now that the set is complete.
func (r *run) runDeferred() {
	// In file order, so that rules see the set in the same order on every
	// run whatever order the workers finished in.
	slices.SortStableFunc(r.setObjects, func(a, b setObject) int {
		if c := cmp.Compare(a.file, b.file); c != 0 {
			return c
		}
		if c := cmp.Compare(a.index, b.index); c != 0 {
			return c
		}
		return cmp.Compare(a.obj.Base.String(), b.obj.Base.String())
	})
	for _, o := range r.setObjects {
		r.set.AddObject(o.obj)
	}
	r.setObjects = nil
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

// setObject is the record the set keeps of an object of SetKinds, and
// where it is, to order the set.
type setObject struct {
	file  string
	index int
	obj   *rule.Object
	// disk is where to find the object again to position a path of it.
	disk *diskPlace
}

// diskPlace is where an object of a file on disk is: its document index
// and base inside it (items[i] of a List).
type diskPlace struct {
	path, file string
	root       *safefs.Root
	index      int
	base       fieldpath.Path
}

// addSetObject adds an object that rules read from the set, as the
// fields they declared. A decision may point at it (rule.Place): an object
// that exists only in memory keeps its document for that; one on disk is
// found again in its file when, and only if, that happens.
func (r *run) addSetObject(fr *fileResult, obj *rule.Object, pl place) {
	kept := &rule.Object{Base: pl.base, Resource: obj.Resource, Map: r.l.checker.ForSet(obj.Resource.Kind, obj.Map), Invalid: obj.Invalid, KubernetesVersion: obj.KubernetesVersion, NoSchema: obj.NoSchema}
	so := setObject{file: pl.file, index: pl.index, obj: kept}
	if pl.path == "" || pl.doc == nil || pl.doc.File == nil || pl.locator != nil {
		kept.Locate = pl.locate
	} else {
		dp := &diskPlace{path: pl.path, file: pl.file, index: pl.index, base: pl.base}
		so.disk = dp
		kept.Locate = func(path fieldpath.Path) (string, int, int) { return r.locateOnDisk(dp, path) }
	}
	fr.setObjects = append(fr.setObjects, so)
}

// locateOnDisk positions a path of an object of the set kept as a record,
// parsing its file again (the last file parsed is kept: decisions that
// point at objects of one file come together). A file that changed
// during the run gives no position.
func (r *run) locateOnDisk(dp *diskPlace, path fieldpath.Path) (string, int, int) {
	r.locMu.Lock()
	defer r.locMu.Unlock()
	if r.locPath != dp.path {
		r.locPath, r.locDocs = dp.path, nil
		if data, err := readDisk(dp.root, dp.path, r.l.opts.MaxFileSize); err == nil {
			r.locDocs = document.Parse(dp.file, data, r.l.opts.hooks.Limits).Docs
		}
	}
	for _, d := range r.locDocs {
		if d.Index == dp.index {
			return place{file: dp.file, doc: d, index: dp.index, base: dp.base}.locate(path)
		}
	}
	return dp.file, 0, 0
}
