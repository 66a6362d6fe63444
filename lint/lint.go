// Package lint is everynode's linter engine: a small pipeline in the manner
// of kubeconform, each stage its own function.
//
//	inputs (internal/input) → read, size-bounded → document.Parse (positions)
//	→ classify each document → schema validation → rules → suppressions
//	→ findings, sorted, deduplicated and counted
//
// Files are linted concurrently by a pool of GOMAXPROCS workers; output
// is deterministic because findings are sorted at the end. Each file is
// parsed once, and each document linted as the parser hands it over and
// then dropped (a large file is cut at document markers so that every
// worker lints a part of it): a run holds one document's tree per worker,
// not a file's. Cross-object (deferred) rules look at each object as it
// is read and leave only small decisions for the end
// (rule.Pass.ReportLater); the objects those decisions read
// (rule.Rule.SetKinds) are kept as compact records of the fields the rules
// declare (rule.Rule.SetFields), see deferred.go. What a run holds grows
// with its findings and one identity per object, not with the documents.
//
// Custom resources and their CRDs: a CRD is registered when its document
// is parsed, before the documents after it are linted. An object that has
// no schema when it is linted keeps its results aside; at the end, if a
// CRD for its kind was registered after it, its file is parsed again and
// the object linted against the CRD (crd.go). So a custom resource is
// validated against its CRD whatever the order of files, and a file is
// parsed twice only when it holds custom resources read before their CRD.
// A kustomization registers the CRDs it renders before validating what it
// renders; LintDocuments and LintObjects register the CRDs among their
// input first.
package lint

import (
	"context"
	"io"
	"runtime"
	"sync"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/schemas"
)

// DefaultMaxFileSize is the largest file read (a full CNI install is about
// 1 MiB; a file beyond this is generated data, not a manifest).
const DefaultMaxFileSize = 32 << 20

// DefaultMaxInFlight is the input linted at once: one file of the largest
// size, or many small ones.
const DefaultMaxInFlight = 32 << 20

func (l *Linter) maxInFlight() int64 {
	if l.opts.MaxInFlight > 0 {
		return l.opts.MaxInFlight
	}
	return DefaultMaxInFlight
}

// Options configure a Linter. The zero value lints with the embedded
// schemas of the newest Kubernetes release, the whole rule catalog and the
// default configuration. Kustomizations are walked as plain directories
// and Daemon specs are skipped: the everynode command renders the one and
// checks the other through hooks that are not part of this API.
type Options struct {
	// Config is the configuration (LoadConfig; nil: config.Default()).
	// The settings below override it.
	Config *config.Config
	// KubernetesVersion, when set, overrides the configuration's.
	KubernetesVersion string
	// Strict, when set, overrides the configuration's (default true).
	Strict *bool
	// PodSecurity, when set (none, baseline, restricted), overrides the
	// configuration's.
	PodSecurity string
	// Enable and Disable name rules to turn on or off, after the
	// configuration.
	Enable, Disable []string
	// Excludes are globs relative to WorkDir, in addition to the
	// configuration's (which are relative to its directory).
	Excludes []string
	// CRDs are files or directories of CustomResourceDefinitions to load
	// before linting (--crd).
	CRDs []string
	// SchemaOnly turns every rule off: schema validation only.
	SchemaOnly bool
	// Gate, when set (default or strict), overrides the configuration's
	// lint.gate: strict makes clearly dangerous host access an error.
	Gate string
	// CheckReferences makes reference rules speak even when the
	// referenced kind does not appear in the linted set.
	CheckReferences bool
	// FailIfNoObjects adds an error finding when nothing was linted.
	FailIfNoObjects bool
	// NoIgnoreFiles lints what .gitignore, .everynodeignore and
	// .git/info/exclude ignore too, when walking directories.
	NoIgnoreFiles bool
	// Changed says the paths are the files a change touched, as
	// pre-commit names them: a named file that is not a manifest (.yaml,
	// .yml, .json) is linted only through the kustomizations that read
	// it (a ConfigMap generator's input), and skipped otherwise.
	Changed bool
	// Workers is the number of files linted at once (0: GOMAXPROCS).
	Workers int
	// Stdin is read for the path "-".
	Stdin io.Reader
	// WorkDir is what reported paths are relative to ("" is the process's
	// working directory).
	WorkDir string
	// MaxFileSize bounds each input (0: DefaultMaxFileSize).
	MaxFileSize int64
	// MaxInFlight bounds the bytes of input linted at once by all workers
	// together (0: DefaultMaxInFlight): a file is held whole while it is
	// linted (with one document's tree at a time), so this, not the
	// number of cores, bounds the input a run holds.
	MaxInFlight int64
	// Rules is the catalog to run (nil: rules.All()).
	Rules []*rule.Rule

	// hooks are what only the module's own programs set
	// (internal/lintinternal).
	hooks lintinternal.Hooks
}

// Object is an object that is already parsed, for LintObjects: the items
// of a KRM ResourceList.
type Object struct {
	// Value is the object.
	Value map[string]any
	// File and Index are how findings name the object's origin (KRM's
	// internal.config.kubernetes.io/path and index).
	File  string
	Index int

	// doc, when set, gives positions: the object is at base in it
	// (internal/lintinternal.SetDocument).
	doc  *document.Document
	base fieldpath.Path
}

func init() {
	lintinternal.SetHooks = func(opts any, h lintinternal.Hooks) { opts.(*Options).hooks = h }
	lintinternal.SetDocument = func(obj any, doc *document.Document, base fieldpath.Path) {
		o := obj.(*Object)
		o.doc, o.base = doc, base
	}
}

// Result is what a run found.
type Result struct {
	// Findings are sorted by file and position and deduplicated;
	// suppressed ones are kept with Suppressed set.
	Findings []finding.Finding
	Summary  finding.Summary
	// Objects lists every resource linted (JUnit's passing testcases).
	Objects []ObjectRef
	// Skipped lists what was not linted and why (a Helm chart, a
	// patch, a document that is not a Kubernetes object), by file.
	Skipped []Skipped
	// InternalErrors counts internal-error findings: the CLI exits 2.
	InternalErrors int
	// Source returns a file's text for reporters' source lines: files in
	// memory (stdin, LintDocuments) are kept, files on disk are read again
	// when asked for, so the run holds no file it is done with.
	Source func(file string) []byte

	// disk says where a reported file is on disk (Fix writes it there).
	disk func(file string) (diskFile, bool)
}

// Skipped is a file, or a document of one, that was not linted.
type Skipped struct {
	// File is named as findings name files; a directory for a Helm chart.
	File string
	// Document is the document's index in the file, -1 for the whole
	// file.
	Document int
	Reason   string
}

// ObjectRef identifies one linted resource.
type ObjectRef struct {
	File     string
	Document int
	Resource finding.Resource
}

// Linter lints. It is safe for concurrent use by one caller at a time per
// method call; Lint itself is concurrent inside.
type Linter struct {
	opts     Options
	workers  int
	checker  *checker.Checker
	schema   lintinternal.SchemaValidator
	schemaMu sync.RWMutex
	walker   *input.Walker
	excludes []input.Pattern
	// version is the target Kubernetes release, normalised ("1.37"),
	// which the rules see on every object.
	version string
	// crdFindings are about the --crd files, reported by Lint.
	crdFindings []finding.Finding
}

// New prepares a linter: rule selection, schema validator, CRDs. It fails
// on a bad option (unknown rule, bad glob, unreadable --crd path).
func New(opts Options) (*Linter, error) {
	if opts.Config == nil {
		opts.Config = config.Default()
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	l := &Linter{opts: opts, workers: opts.Workers}
	if l.workers <= 0 {
		l.workers = runtime.GOMAXPROCS(0)
	}
	c, err := newChecker(opts)
	if err != nil {
		return nil, err
	}
	l.checker = c
	for _, g := range opts.Excludes {
		l.excludes = append(l.excludes, input.Pattern{Glob: g, Base: opts.WorkDir})
	}
	for _, g := range opts.Config.Lint.Exclude {
		l.excludes = append(l.excludes, input.Pattern{Glob: g, Base: opts.Config.Dir()})
	}
	wopts := input.Options{WorkDir: opts.WorkDir, Exclude: l.excludes, NoIgnoreFiles: opts.NoIgnoreFiles}
	if opts.hooks.Kustomize != nil {
		wopts.IsKustomization = opts.hooks.Kustomize.IsKustomization
	}
	if l.walker, err = input.NewWalker(wopts); err != nil {
		return nil, err
	}
	l.version = l.kubernetesVersion()
	if v, err := schemas.NormalizeVersion(l.version); err == nil {
		l.version = v
	}
	l.schema = opts.hooks.Schema
	if l.schema == nil {
		if l.schema, err = newSchema(l.kubernetesVersion(), l.strict()); err != nil {
			return nil, err
		}
	}
	if err := l.loadCRDs(opts.CRDs); err != nil {
		return nil, publicError(err)
	}
	return l, nil
}

func (l *Linter) kubernetesVersion() string {
	if l.opts.KubernetesVersion != "" {
		return l.opts.KubernetesVersion
	}
	return l.opts.Config.Lint.KubernetesVersion
}

func (l *Linter) strict() bool {
	if l.opts.Strict != nil {
		return *l.opts.Strict
	}
	return l.opts.Config.Lint.IsStrict()
}

// PathError is a path given to Lint (or as a CRD source) that does not
// exist or cannot be read: the caller's mistake, unlike a file met while
// walking a directory that cannot be read, which is a finding.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string { return (&input.PathError{Path: e.Path, Err: e.Err}).Error() }
func (e *PathError) Unwrap() error { return e.Err }

// publicError turns the walker's PathError into the public one.
func publicError(err error) error {
	if pe, ok := err.(*input.PathError); ok {
		return &PathError{Path: pe.Path, Err: pe.Err}
	}
	return err
}

// Lint lints files, directories and "-" (standard input). A path that
// does not exist or cannot be read is an error (*PathError), as is a
// cancelled context; everything wrong inside the inputs is a finding.
func (l *Linter) Lint(ctx context.Context, paths []string) (*Result, error) {
	res, err := l.lint(ctx, paths)
	return res, publicError(err)
}

func (l *Linter) lint(ctx context.Context, paths []string) (*Result, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	if err := l.walker.Check(paths); err != nil {
		return nil, err
	}
	var sources []input.Source
	err := l.walker.Walk(ctx, paths, func(s input.Source) error {
		sources = append(sources, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if sources, err = l.withReaching(ctx, sources); err != nil {
		return nil, err
	}
	r := l.newRun()
	r.add(&fileResult{findings: l.crdFindings})
	// Standard input is read once, before the pre-pass needs it.
	for i := range sources {
		if sources[i].Stdin {
			r.readStdin()
			break
		}
	}
	r.readStreams(sources)
	weight := func(i int) int64 { return r.sourceWeight(sources[i]) }
	if err := r.parallel(ctx, len(sources), weight, func(i int) *fileResult { return r.lintSource(sources[i]) }); err != nil {
		return nil, err
	}
	return r.finish(), nil
}

// LintDocuments lints one file held in memory (the generator's output, a
// test's input); name is how findings name it.
func (l *Linter) LintDocuments(name string, data []byte) (*Result, error) {
	r := l.newRun()
	r.keepSource(name, data)
	r.add(r.lintData(name, "", data))
	return r.finish(), nil
}

// LintObjects lints objects that are already parsed (the items of a KRM
// ResourceList). Findings name each object's File and Index, with a field
// path and no position.
func (l *Linter) LintObjects(objs []Object) (*Result, error) {
	r := l.newRun()
	for _, o := range objs {
		if isCRD(o.Value) {
			r.addFindings(r.addCRD(o.Value, r.objectPlace(o)))
		}
	}
	for _, o := range objs {
		if o.doc != nil && o.doc.File != nil {
			r.keepSource(o.doc.File.Name, o.doc.File.Data)
		}
		fr := &fileResult{}
		pl := r.objectPlace(o)
		r.lintValue(fr, pl, o.Value)
		r.add(fr)
	}
	return r.finish(), nil
}
