package lint

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/internal/yamledit"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// run is the state of one Lint, LintDocuments or LintObjects call.
type run struct {
	l *Linter

	mu         sync.Mutex
	findings   []finding.Finding
	directives []*suppress.Directive
	summary    finding.Summary
	objects    []ObjectRef
	skipped    []Skipped
	set        *rule.Set
	intern     *interner
	later      []*laterReport
	// locMu guards the file parsed last to position paths of set objects
	// kept as records (deferred.go).
	locMu   sync.Mutex
	locPath string
	locDocs []*document.Document
	// pending are objects linted before a schema for their kind was
	// known (crd.go); final is set once every file has been read.
	pending []*pendingObject
	final   bool
	// crdGen counts the CRDs registered, crdKinds the generation at
	// which each kind they define was registered (crd.go).
	crdGen   atomic.Int64
	crdMu    sync.Mutex
	crdKinds map[string]int64
	// setObjects are the set's records of objects of SetKinds, until
	// runDeferred orders them and hands them to the set.
	setObjects []setObject
	// memory holds files that exist only in memory (stdin, LintDocuments);
	// onDisk maps the reported name of other files to their path, for
	// Result.Source.
	memory map[string][]byte
	onDisk map[string]diskFile

	stdin    []byte
	stdinErr error
	// streams holds the inputs read once before linting (stream.go).
	streams map[string]streamData

	// helmDirs and patchFiles cache per-directory answers across workers.
	helmDirs  sync.Map // dir → bool (dir is a chart's templates/ tree)
	patchDirs sync.Map // dir → map[string]bool (absolute patch paths)
}

// fileResult is what one worker found in one source; it is merged into
// the run under the lock.
type fileResult struct {
	findings   []finding.Finding
	directives []*suppress.Directive
	summary    finding.Summary
	objects    []ObjectRef
	skipped    []Skipped
	idents     []finding.Resource
	later      []*laterReport
	setObjects []setObject
	facts      []checker.FactValue
	pending    []*pendingObject
	// interned: everything above is interned already (lintData interns
	// as it goes, so that a large file's findings share their strings
	// while it is linted).
	interned bool
	// sources maps the reported names of the files on disk this result
	// read to where they are, for Result.Source.
	sources map[string]diskFile
}

// diskFile is a file of a linted tree: its path and the root reads of it
// must stay in (nil for paths named on the command line that are not in
// a tree: streams, --crd files).
type diskFile struct {
	path string
	root *safefs.Root
	// rendered: the file was read through a kustomization (a base or a
	// patch), so it is linted as part of what kustomize builds, not alone.
	rendered bool
}

// readDisk reads a file through its root.
func readDisk(root *safefs.Root, path string, limit int64) ([]byte, error) {
	if root == nil {
		return input.ReadFile(path, limit)
	}
	return root.ReadFile(path, limit)
}

func (l *Linter) newRun() *run {
	return &run{
		l:      l,
		set:    rule.NewSet(),
		memory: map[string][]byte{},
		onDisk: map[string]diskFile{},
		intern: newInterner(),
	}
}

func (r *run) add(fr *fileResult) {
	if fr == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !fr.interned {
		r.internFrom(fr, resultMark{})
	}
	r.findings = append(r.findings, fr.findings...)
	r.directives = append(r.directives, fr.directives...)
	s := &r.summary
	s.Files += fr.summary.Files
	s.Documents += fr.summary.Documents
	s.Resources += fr.summary.Resources
	s.Skipped += fr.summary.Skipped
	r.objects = append(r.objects, fr.objects...)
	r.skipped = append(r.skipped, fr.skipped...)
	for _, id := range fr.idents {
		r.set.AddIdentity(id)
	}
	r.setObjects = append(r.setObjects, fr.setObjects...)
	for _, f := range fr.facts {
		r.set.AddFact(f.Fact, f.Value)
	}
	for _, p := range fr.pending {
		if p.sub.sources == nil {
			p.sub.sources = fr.sources
		}
	}
	r.pending = append(r.pending, fr.pending...)
	r.later = append(r.later, fr.later...)
	for _, f := range fr.findings {
		if p, ok := fr.sources[f.File]; ok {
			r.onDisk[f.File] = p
		}
		if f.Fix != nil {
			for _, e := range f.Fix.Edits {
				if p, ok := fr.sources[e.File]; ok {
					r.onDisk[e.File] = p
				}
			}
		}
	}
	for _, d := range fr.directives {
		if p, ok := fr.sources[d.File]; ok {
			r.onDisk[d.File] = p
		}
	}
}

// resultMark is how much of a fileResult is interned already.
type resultMark struct{ findings, later, objects, idents int }

func (fr *fileResult) mark() resultMark {
	return resultMark{len(fr.findings), len(fr.later), len(fr.objects), len(fr.idents)}
}

// internFrom shares the strings and paths of what fr gained since m with
// the rest of the run (r.mu held).
func (r *run) internFrom(fr *fileResult, m resultMark) {
	for i := m.findings; i < len(fr.findings); i++ {
		r.intern.finding(&fr.findings[i])
	}
	for _, lr := range fr.later[m.later:] {
		r.intern.finding(&lr.Finding)
	}
	for i := m.objects; i < len(fr.objects); i++ {
		r.intern.resource(&fr.objects[i].Resource)
	}
	for i := m.idents; i < len(fr.idents); i++ {
		r.intern.resource(&fr.idents[i])
	}
}

func (r *run) addFindings(fs []finding.Finding) { r.add(&fileResult{findings: fs}) }

func (r *run) keepSource(name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.memory[name]; !ok {
		r.memory[name] = data
	}
}

func (r *run) readStdin() {
	if r.l.opts.Stdin == nil {
		r.stdinErr = errors.New("no standard input")
		return
	}
	r.stdin, r.stdinErr = input.ReadLimited(r.l.opts.Stdin, r.l.opts.MaxFileSize)
	if r.stdinErr == nil {
		r.keepSource(input.StdinName, r.stdin)
	}
}

// parallel runs fn for 0..n-1 on the linter's workers and merges results.
// A panic in fn (the engine's own code, since rules are guarded
// separately) becomes an error rather than a crash.
//
// weight, when not nil, is what input i costs in bytes: inputs are
// admitted to the workers only while their weights together stay within
// the linter's budget (Options.MaxInFlight), so memory is bounded by the
// input being linted, not by the number of cores times the largest file.
func (r *run) parallel(ctx context.Context, n int, weight func(i int) int64, fn func(i int) *fileResult) error {
	workers := min(r.l.workers, n)
	if workers <= 1 {
		for i := range n {
			if err := ctx.Err(); err != nil {
				return err
			}
			fr, err := guarded(fn, i)
			if err != nil {
				return err
			}
			r.add(fr)
		}
		return nil
	}
	budget := newBudget(r.l.maxInFlight())
	weigh := func(i int) int64 {
		if weight == nil {
			return 0
		}
		return weight(i)
	}
	jobs := make(chan int)
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				w := budget.acquire(weigh(i))
				fr, err := guarded(fn, i)
				if err != nil {
					budget.release(w)
					errc <- err
					continue
				}
				r.add(fr)
				budget.release(w)
			}
		}()
	}
	var err error
feed:
	for i := range n {
		select {
		case jobs <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		case err = <-errc:
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

func guarded(fn func(int) *fileResult, i int) (fr *fileResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return fn(i), nil
}

// lintSource lints one input.
func (r *run) lintSource(src input.Source) *fileResult {
	switch {
	case src.Err != nil:
		sev := finding.Error
		if src.Loop || src.Outside {
			sev = finding.Warning
		}
		return &fileResult{findings: []finding.Finding{{Rule: finding.RuleUnreadable, Severity: sev, File: src.Name,
			Line: 1, Column: 1, Message: src.Err.Error()}}}
	case src.Stdin:
		if r.stdinErr != nil {
			return r.readFailure(src.Name, r.stdinErr)
		}
		return r.lintData(src.Name, "", r.stdin)
	case src.Stream:
		sd := r.streams[src.Path]
		if sd.err != nil {
			return r.readFailure(src.Name, sd.err)
		}
		return r.lintData(src.Name, "", sd.data)
	case src.Kustomization:
		return r.lintKustomization(src)
	case src.Skip != "":
		return &fileResult{skipped: []Skipped{{File: src.Name, Document: -1, Reason: src.Skip}}}
	}
	if n := r.helmTemplateDir(src.Path); n {
		return r.skipFile(src, skipHelmTemplate)
	}
	if r.isPatchFile(src.Path, src.Root) {
		return r.skipFile(src, skipPatch)
	}
	data, err := src.Read(r.l.opts.MaxFileSize)
	if err != nil {
		return r.readFailure(src.Name, err)
	}
	fr := r.lintData(src.Name, src.Path, data)
	fr.sources = map[string]diskFile{src.Name: {src.Path, src.Root, false}}
	for _, o := range fr.setObjects {
		if o.disk != nil {
			o.disk.root = src.Root
		}
	}
	for _, p := range fr.pending {
		p.root = src.Root
	}
	return fr
}

func (r *run) readFailure(name string, err error) *fileResult {
	var tl *input.TooLargeError
	if errors.As(err, &tl) {
		return &fileResult{summary: finding.Summary{Files: 1}, findings: []finding.Finding{{Rule: finding.RuleLimit, Severity: finding.Error,
			File: name, Line: 1, Column: 1,
			Message: err.Error() + " (split it, or exclude it if it is not a manifest)"}}}
	}
	sev := finding.Error
	var oe *safefs.OutsideError
	if errors.As(err, &oe) {
		// A link out of the repository is refused, not broken.
		sev = finding.Warning
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &fileResult{findings: []finding.Finding{{Rule: finding.RuleUnreadable, Severity: sev, File: name, Line: 1, Column: 1,
		Message: fmt.Sprintf("cannot read the file: %v", err)}}}
}

// skipFile counts a file that is skipped whole (a Helm template, a
// kustomize patch) without linting it: one skipped document per
// document marker, read cheaply without parsing.
func (r *run) skipFile(src input.Source, reason string) *fileResult {
	data, err := src.Read(r.l.opts.MaxFileSize)
	if err != nil {
		return r.readFailure(src.Name, err)
	}
	n := countDocuments(data)
	return &fileResult{summary: finding.Summary{Files: 1, Documents: n, Skipped: n},
		skipped: []Skipped{{File: src.Name, Document: -1, Reason: reason}}}
}

// skip records a document that is not linted, and why.
func (fr *fileResult) skip(file string, doc int, reason string) {
	fr.summary.Skipped++
	fr.skipped = append(fr.skipped, Skipped{File: file, Document: doc, Reason: reason})
}

// countDocuments counts the non-empty "---"-separated parts of a file.
func countDocuments(data []byte) int {
	n, content := 0, false
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		t := bytes.TrimSpace(line)
		switch {
		case bytes.HasPrefix(line, []byte("---")):
			if content {
				n++
			}
			content = false
		case len(t) > 0 && t[0] != '#':
			content = true
		}
	}
	if content {
		n++
	}
	return n
}

// splitSize is the smallest part of a file linted by a goroutine of its
// own: below it, the other workers have other files to do.
const splitSize = 1 << 20

// lintData lints the bytes of one file: name is how findings name it,
// path is where it is on disk ("" in memory). Each document is linted as
// it is parsed and dropped, so a file costs its text and one document's
// tree at a time; a large file is cut at document markers and its parts
// linted by the linter's workers at once.
func (r *run) lintData(name, path string, data []byte) *fileResult {
	fr := &fileResult{summary: finding.Summary{Files: 1}}
	if looksLikeHelm(data) {
		n := countDocuments(data)
		fr.summary.Documents, fr.summary.Skipped = n, n
		fr.skipped = append(fr.skipped, Skipped{File: name, Document: -1, Reason: skipHelmSyntax})
		return fr
	}
	f := document.NewFile(name, data)
	if p := document.Precheck(f, r.l.opts.hooks.Limits); p != nil {
		return r.finishData(fr, f, []document.Problem{*p}, nil)
	}
	parts := document.Split(f, r.l.workers, splitSize)
	results, problems, starts := r.lintParts(path, f, parts)
	if len(parts) > 1 && len(problems) > 0 {
		// The parser's recovery from a syntax error may skip a marker
		// that the split counted: lint the file again whole.
		results, problems, starts = r.lintParts(path, f, []document.Part{{From: 1, To: f.Lines() + 1}})
	}
	for _, pr := range results {
		fr.merge(pr)
	}
	return r.finishData(fr, f, problems, starts)
}

// docStart is where a document of a file starts, for placing comments.
type docStart struct {
	line, index int
	content     bool
}

// lintParts parses and lints the parts of a file, each on a goroutine.
func (r *run) lintParts(path string, f *document.File, parts []document.Part) ([]*fileResult, []document.Problem, []docStart) {
	results := make([]*fileResult, len(parts))
	partStarts := make([][]docStart, len(parts))
	partProblems := make([][]document.Problem, len(parts))
	var (
		panicMu sync.Mutex
		panicV  any
	)
	forEach(len(parts), r.l.workers, func(i int) {
		// A panic on a goroutine of its own would end the process: it is
		// raised again on the worker's, which turns it into an error.
		defer func() {
			if p := recover(); p != nil {
				panicMu.Lock()
				panicV = p
				panicMu.Unlock()
			}
		}()
		pr := &fileResult{}
		partProblems[i] = document.ParsePart(f, parts[i], r.l.opts.hooks.Limits, func(doc *document.Document) {
			partStarts[i] = append(partStarts[i], docStart{line: doc.Line, index: doc.Index, content: doc.Node != nil})
			r.lintDocument(pr, path, doc)
		})
		results[i] = pr
	})
	if panicV != nil {
		panic(panicV)
	}
	var (
		problems []document.Problem
		starts   []docStart
	)
	for i := range parts {
		problems = append(problems, partProblems[i]...)
		starts = append(starts, partStarts[i]...)
	}
	return results, problems, starts
}

// lintDocument lints one document of a file as it is parsed.
func (r *run) lintDocument(fr *fileResult, path string, doc *document.Document) {
	if doc.Node == nil {
		return
	}
	m0 := fr.mark()
	defer func() {
		r.mu.Lock()
		r.internFrom(fr, m0)
		r.mu.Unlock()
	}()
	fr.summary.Documents++
	name := doc.File.Name
	// A CRD is registered before the objects after it are linted; those
	// before it wait for it (crd.go).
	fr.findings = append(fr.findings, r.registerCRDs(name, []*document.Document{doc})...)
	pl := place{file: name, doc: doc, index: doc.Index, path: path}
	if r.everynodeKind(fr, pl, doc) {
		return
	}
	m, ok := doc.Value.(map[string]any)
	if !ok {
		fr.skip(name, doc.Index, skipNotMapping)
		return
	}
	r.lintValue(fr, pl, m)
}

// finishData adds what is about the file as a whole: its problems and
// its suppression comments. A file of Go templates that does not parse
// as YAML (a chart's template outside templates/, a file of some other
// template tool) is skipped whole instead.
func (r *run) finishData(fr *fileResult, f *document.File, problems []document.Problem, starts []docStart) *fileResult {
	name := f.Name
	if len(problems) > 0 && bytes.Contains(f.Data, []byte("{{")) {
		n := countDocuments(f.Data)
		return &fileResult{summary: finding.Summary{Files: 1, Documents: n, Skipped: n},
			skipped: []Skipped{{File: name, Document: -1, Reason: skipTemplate}}}
	}
	m0 := fr.mark()
	for _, p := range problems {
		rule := finding.RuleSyntax
		if p.Limit {
			rule = finding.RuleLimit
		}
		line, col := f.Clamp(p.Line, p.Column)
		fr.findings = append(fr.findings, finding.Finding{Rule: rule, Severity: finding.Error, Message: p.Msg,
			File: name, Line: line, Column: col, Document: p.Document})
	}
	r.mu.Lock()
	r.internFrom(fr, m0)
	r.mu.Unlock()
	fr.interned = true
	comments := suppress.FromComments(f, name)
	// Documents with content, in order, by their first line.
	var content []int
	for i, s := range starts {
		if s.content {
			content = append(content, i)
		}
	}
	for _, d := range comments {
		d.Document = documentAt(starts, content, d.Line)
	}
	fr.directives = append(fr.directives, comments...)
	return fr
}

// documentAt returns the index of the document holding a line: the last
// document before the first one with content that starts after it.
func documentAt(starts []docStart, content []int, line int) int {
	k := sort.Search(len(content), func(k int) bool { return starts[content[k]].line > line })
	p := len(starts)
	if k < len(content) {
		p = content[k]
	}
	if p == 0 {
		return 0
	}
	return starts[p-1].index
}

// merge adds what one part of a file gave.
func (fr *fileResult) merge(pr *fileResult) {
	fr.findings = append(fr.findings, pr.findings...)
	fr.directives = append(fr.directives, pr.directives...)
	fr.summary.Files += pr.summary.Files
	fr.summary.Documents += pr.summary.Documents
	fr.summary.Resources += pr.summary.Resources
	fr.summary.Skipped += pr.summary.Skipped
	fr.skipped = append(fr.skipped, pr.skipped...)
	fr.objects = append(fr.objects, pr.objects...)
	fr.idents = append(fr.idents, pr.idents...)
	fr.later = append(fr.later, pr.later...)
	fr.setObjects = append(fr.setObjects, pr.setObjects...)
	fr.pending = append(fr.pending, pr.pending...)
	fr.facts = append(fr.facts, pr.facts...)
}

// lintValue lints the value of one document (or one KRM item): an object,
// a List of objects, or something that is not an object and is skipped.
func (r *run) lintValue(fr *fileResult, pl place, m map[string]any) {
	if items, ok := listItems(m); ok {
		for i, it := range items {
			im, ok := it.(map[string]any)
			if !ok {
				fr.skip(pl.file, pl.index, fmt.Sprintf("items[%d] is not a mapping", i))
				continue
			}
			ipl := pl
			ipl.base = pl.base.Child("items").Index(i)
			r.lintObject(fr, ipl, im)
		}
		return
	}
	r.lintObject(fr, pl, m)
}

// place is where an object is, for positions and names in findings.
type place struct {
	file  string
	doc   *document.Document // nil: positions unknown
	index int
	base  fieldpath.Path
	// path is the file on disk ("" in memory).
	path string
	// locator, when set, positions paths instead of doc: a rendered
	// object's fields may be written in several files (its source, a
	// patch).
	locator lintinternal.Locator
	// where, for a rendered object, says where a fix of a path is
	// written (kustomizeEdits).
	where func(fieldpath.Path) (string, *document.Document, fieldpath.Path, string)
}

// at sets a finding's path and position (and its file and document when
// a locator finds the path written in another file); path is relative to
// the object.
func (p place) at(f *finding.Finding, path fieldpath.Path, atValue bool) {
	p.position(f, p.full(path), atValue)
}

// full makes a path relative to the object relative to the document.
func (p place) full(path fieldpath.Path) fieldpath.Path {
	if len(p.base) == 0 {
		return path
	}
	return append(append(make(fieldpath.Path, 0, len(p.base)+len(path)), p.base...), path...)
}

// position sets a finding's path and position for a path relative to the
// document; 0, 0 when the object has no document (KRM items without
// source). It is the checker's Target.Locate.
func (p place) position(f *finding.Finding, full fieldpath.Path, atValue bool) {
	f.Path, f.Line, f.Column = full, 0, 0
	if p.doc != nil {
		f.Line, f.Column = p.doc.Place(full, atValue)
	}
	if p.locator != nil {
		file, line, col, doc, _ := p.locator(full)
		if file != "" {
			f.File, f.Line, f.Column = file, line, col
			if doc != nil {
				f.Document = doc.Index
			}
		}
	}
}

// locate says where a path of the object (relative to it) is written:
// rule.Object.Locate.
func (p place) locate(path fieldpath.Path) (file string, line, col int) {
	f := finding.Finding{File: p.file}
	p.at(&f, path, false)
	return f.File, f.Line, f.Column
}

// target is the object at this place, for the checker.
func (p place) target(obj *rule.Object) *checker.Target {
	return &checker.Target{Object: obj, File: p.file, Document: p.index, Locate: p.position, Fix: p.fix}
}

// fix turns a rule's fix into text edits of the file the object is
// written in (internal/yamledit); a fix that cannot be written there says
// why.
func (p place) fix(fx *rule.Fix) *finding.Fix {
	out := &finding.Fix{Safe: !fx.Unsafe, Message: fx.Message, Edits: []finding.Edit{}}
	if p.locator != nil || p.where != nil {
		if edits, why := p.kustomizeEdits(fx); why == "" {
			out.Edits = edits
		} else {
			out.Unavailable = why
		}
		return out
	}
	if p.doc == nil {
		out.Unavailable = "the object has no source file"
		return out
	}
	edits, err := yamledit.Edits(p.doc, p.file, p.base, fx.Changes)
	if err != nil {
		out.Unavailable = err.Error()
		return out
	}
	out.Edits = edits
	return out
}

func (r *run) objectPlace(o Object) place {
	name := o.File
	if name == "" && o.doc != nil && o.doc.File != nil {
		name = o.doc.File.Name
	}
	return place{file: name, doc: o.doc, index: o.Index, base: o.base}
}

// finish runs the deferred rules, applies suppressions, sorts and counts.
func (r *run) finish() *Result {
	r.settlePending()
	r.runDeferred()
	if r.l.opts.FailIfNoObjects && r.summary.Resources == 0 {
		r.findings = append(r.findings, finding.Finding{Rule: finding.RuleNoObjects, Severity: finding.Error,
			Message: fmt.Sprintf("no Kubernetes objects were linted (%d files, %d documents skipped) and --fail-if-no-objects is set",
				r.summary.Files, r.summary.Skipped)})
	}
	ds := suppress.Dedupe(r.directives)
	for i := range r.findings {
		shortenQuoted(&r.findings[i])
	}
	fs := finding.SortAndDedupe(r.findings)
	suppress.Apply(fs, ds)
	fs = append(fs, suppress.Check(ds, r.l.status, r.l.checker.Known())...)
	fs = finding.SortAndDedupe(fs)
	slices.SortStableFunc(r.skipped, func(a, b Skipped) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Document, b.Document))
	})
	res := &Result{Findings: fs, Summary: r.summary, Objects: r.objects, Skipped: r.skipped}
	res.Summary.Count(fs)
	for _, f := range fs {
		if f.Rule == finding.RuleInternal {
			res.InternalErrors++
		}
	}
	memory, onDisk, limit := r.memory, r.onDisk, r.l.opts.MaxFileSize
	res.disk = func(file string) (diskFile, bool) {
		p, ok := onDisk[file]
		return p, ok
	}
	var (
		mu       sync.Mutex
		lastName string
		last     []byte
	)
	res.Source = func(file string) []byte {
		mu.Lock()
		defer mu.Unlock()
		if data, ok := memory[file]; ok {
			return data
		}
		if last != nil && lastName == file {
			return last
		}
		p, ok := onDisk[file]
		if !ok {
			return nil
		}
		data, err := readDisk(p.root, p.path, limit)
		if err != nil {
			return nil
		}
		lastName, last = file, data
		return last
	}
	return res
}

// path is where a reported name is on disk.
func (r *run) path(name string) string {
	p := filepath.FromSlash(name)
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.l.walker.WorkDir(), p)
}

// name reports a path on disk relative to the working directory.
func (r *run) name(p string) string {
	if !filepath.IsAbs(p) {
		if abs, err := filepath.Abs(filepath.Join(r.l.walker.WorkDir(), p)); err == nil {
			p = abs
		}
	}
	return r.l.walker.Name(p)
}

// shortenQuoted cuts the values a finding's messages quote to
// safetext.MaxQuoted characters: a manifest can hold a name of megabytes,
// and every format would repeat it.
func shortenQuoted(f *finding.Finding) {
	f.Message = safetext.TruncateQuoted(f.Message)
	for i := range f.Related {
		f.Related[i].Message = safetext.TruncateQuoted(f.Related[i].Message)
	}
	if f.Fix != nil {
		f.Fix.Message = safetext.TruncateQuoted(f.Fix.Message)
	}
}

// budget is a semaphore counted in bytes.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	free  int64
	total int64
}

func newBudget(total int64) *budget {
	b := &budget{free: total, total: total}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until w bytes are free (w is capped at the total: the
// largest input runs alone) and returns what it took.
func (b *budget) acquire(w int64) int64 {
	w = min(max(w, 0), b.total)
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < w {
		b.cond.Wait()
	}
	b.free -= w
	return w
}

func (b *budget) release(w int64) {
	b.mu.Lock()
	b.free += w
	b.mu.Unlock()
	b.cond.Broadcast()
}

// sourceWeight is what linting a source costs, for the budget: its size,
// and for a kustomization the most its build may read.
func (r *run) sourceWeight(s input.Source) int64 {
	switch {
	case s.Err != nil || s.Skip != "":
		return 0
	case s.Stdin:
		return int64(len(r.stdin))
	case s.Stream:
		return int64(len(r.streams[s.Path].data))
	case s.Kustomization:
		// kustomize holds its inputs as node trees, some hundred times
		// their size; the build's own limit bounds them.
		return r.l.maxInFlight() / 2
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// forEach calls fn for 0..n-1 on up to workers goroutines.
func forEach(n, workers int, fn func(i int)) {
	if n == 1 || workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	workers = min(workers, n)
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
