// Package kustomize renders a kustomization the way `kustomize build`
// does, in-process with sigs.k8s.io/kustomize/api/krusty, and maps every
// rendered object back to the file and line it came from, so the linter
// reports findings in the sources people edit.
//
// A kustomization in a pull request is hostile input, and kustomize will
// follow it anywhere: clone a git repository (running git, whose options
// a "?ref=" can set), fetch a URL, read any file. So kustomize never sees
// the disk. everynode reads every kustomization itself, with kustomize's
// own decoder, and resolves every entry that names a file (see fields.go:
// resources, bases, components, patches, generators and their files,
// openapi, crds, configurations, replacements, plugin configurations) to
// an existing regular file or directory inside the repository, through
// the one reader (internal/safefs: real paths, no devices, size limits).
// Anything else, a URL or a git repository in any spelling, an absolute
// path, a path out of the repository, a missing file, is refused with a
// kustomize-path finding at the entry, and nothing is built. The entries
// kustomize is then given are rewritten to "./" or "../" paths, which it
// never takes for a repository to clone, and it builds from an in-memory
// file system holding only the resolved files. Helm charts are refused;
// plugins (exec, KRM functions) stay disabled as krusty's defaults have
// them. everynode's own Daemon generator is the exception, run in-process
// through Options.Generate. What kustomize prints while building (its
// log, and warnings it writes to standard error) is captured and returned
// as messages, never written raw.
//
// Origins come from kustomize itself: the root kustomization is served
// with buildMetadata: [originAnnotations] added, which makes kustomize
// annotate every object with the file it was read from, or the
// kustomization whose generator made it. Everything kustomize forgets on
// the way (the object's name before namePrefix, which patches touched
// it) is recovered from our own reading of the kustomization tree; see
// Locate.
package kustomize

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
)

// Rule IDs of what a build reports (the lint engine documents them).
const (
	// RuleBuild: kustomize cannot build the kustomization.
	RuleBuild = "kustomize-build"
	// RulePath: an entry names something that is not a file or directory
	// inside the repository.
	RulePath = "kustomize-path"
	// RuleLog: kustomize printed a message while building.
	RuleLog = "kustomize-log"
	// RuleLimit: an input of the build is over a size limit.
	RuleLimit = "limit-exceeded"
)

// Default limits of a build.
const (
	// DefaultMaxFileSize bounds each file a build reads, as the linter
	// bounds each file it lints.
	DefaultMaxFileSize = 32 << 20
	// DefaultMaxBuildSize bounds all files of one build together:
	// kustomize holds every input as a tree of nodes, some hundred times
	// its size, so this keeps a build under a few hundred MiB.
	DefaultMaxBuildSize = 4 << 20
	// DefaultMaxBuildDocuments bounds the documents of all files of one
	// build together: a large application renders a few thousand objects,
	// and kustomize takes time quadratic in their number (2,000 took it
	// half a minute on two cores).
	DefaultMaxBuildDocuments = 5_000
)

// Options configure Render.
type Options struct {
	// WorkDir is what OriginFile and error paths are relative to; "" is
	// the process's working directory.
	WorkDir string
	// Root is what every file of the build must be inside; nil means the
	// repository around WorkDir, or WorkDir outside any (safefs.RootFor).
	Root *safefs.Root
	// Generate renders an everynode Daemon spec, named under generators:
	// in a kustomization, to a YAML stream of Kubernetes objects. file is
	// the spec's path relative to WorkDir, data its content (one or more
	// Daemon documents). When nil, such a kustomization fails with an
	// error that says so.
	Generate func(file string, data []byte) ([]byte, error)
	// Limits apply to the rendered output and to the sources parsed for
	// positions; the zero value is document.DefaultLimits.
	Limits document.Limits
	// MaxFileSize bounds each file read (0: DefaultMaxFileSize);
	// MaxBuildSize all of them together (0: DefaultMaxBuildSize), and
	// MaxBuildDocuments their documents (0: DefaultMaxBuildDocuments).
	MaxFileSize, MaxBuildSize int64
	MaxBuildDocuments         int
}

func (o Options) maxDocs() int {
	if o.MaxBuildDocuments > 0 {
		return o.MaxBuildDocuments
	}
	return DefaultMaxBuildDocuments
}

func (o Options) maxFile() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

func (o Options) maxTotal() int64 {
	if o.MaxBuildSize > 0 {
		return o.MaxBuildSize
	}
	return DefaultMaxBuildSize
}

// root returns the root for a kustomization directory (absolute).
func (o Options) root(dir string) (*safefs.Root, error) {
	if o.Root != nil {
		return o.Root, nil
	}
	work := o.WorkDir
	if work == "" {
		var err error
		if work, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	return safefs.Cached(safefs.RootFor(work, dir))
}

// Resource is one rendered object.
type Resource struct {
	// Object is the object as `kustomize build` prints it and kubectl
	// would read it, typed like internal/document values (map[string]any,
	// []any, string, int64, float64, bool, nil), with kustomize's origin
	// annotation removed.
	Object map[string]any
	// OriginFile is the file the object came from, slash-separated and
	// relative to Options.WorkDir: the resource file, or for a generated
	// object the kustomization (configMapGenerator, secretGenerator) or
	// Daemon spec that generated it. "" when kustomize recorded none.
	OriginFile string
	// Generated is true when OriginFile is a generator's configuration
	// rather than the object's own source.
	Generated bool
	// Kustomization is the kustomization file that was rendered, relative
	// to Options.WorkDir.
	Kustomization string

	origin origin
	src    *source
}

// origin is kustomize's config.kubernetes.io/origin annotation.
type origin struct {
	Path         string `yaml:"path"`
	Repo         string `yaml:"repo"`
	ConfiguredIn string `yaml:"configuredIn"`
	ConfiguredBy struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Name       string `yaml:"name"`
	} `yaml:"configuredBy"`
}

const originAnnotation = "config.kubernetes.io/origin"

// Error is a build that failed, or an entry of a kustomization that
// stops it, with where it is.
type Error struct {
	// File is slash-separated, relative to the working directory.
	File string
	// Line and Column are 1-based; 0 when kustomize did not say where.
	Line, Column int
	Msg          string
	// Rule is RuleBuild ("" means it too), RulePath or RuleLimit.
	Rule string
	Err  error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Errors are several problems that stop one build, each with its place:
// every refused entry of a tree is reported, not only the first.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

// Rendered is what Render produced: the objects, and what kustomize
// printed on the way.
type Rendered struct {
	Resources []Resource
	// Messages are kustomize's log lines and warnings, one per entry, as
	// it wrote them (the caller escapes them).
	Messages []string
	// Kustomization is the rendered kustomization file, relative to
	// Options.WorkDir.
	Kustomization string
}

// buildMu serialises builds: kustomize keeps its OpenAPI schema in
// package state, which a kustomization's openapi: field changes, and
// what it prints is captured from process-wide writers.
var buildMu sync.Mutex

// Render builds the kustomization in dir. An error names the kustomization
// file (or the entry in it) and what is wrong; it is an *Error or Errors
// except for I/O failures outside the tree.
func Render(dir string, opts Options) (*Rendered, error) {
	work := opts.WorkDir
	if work == "" {
		var err error
		if work, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return nil, err
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := opts.root(absDir)
	if err != nil {
		return nil, err
	}
	src := &source{work: work, lim: opts.Limits, files: map[string]*document.Stream{}, virtual: map[string]string{}}

	buildMu.Lock()
	defer buildMu.Unlock()
	captured := startCapture()
	defer func() {
		if captured != nil {
			captured.stop()
		}
	}()

	w := newWalker(root, opts, src.rel, true)
	rk, err := w.walk(absDir)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, &Error{File: src.rel(absDir), Msg: err.Error(), Err: err}
	}
	if len(w.problems) > 0 {
		return nil, sortedErrors(w.problems)
	}
	src.root = rk
	src.data = w.files
	for p, s := range w.parsed {
		src.files[p] = s
	}
	kfile := src.rel(rk.abs)

	if err := src.generateDaemons(rk, opts.Generate, w.files); err != nil {
		return nil, err
	}
	// The root asks for origin annotations (krusty has no option for it);
	// they are inherited by every kustomization below.
	if !slices.Contains(rk.k.BuildMetadata, types.OriginAnnotations) {
		rk.k.BuildMetadata = append(rk.k.BuildMetadata, types.OriginAnnotations)
	}
	// kustomize reads what was resolved, and the kustomizations as
	// rewritten: nothing else exists for it.
	served := make(map[string][]byte, len(w.files))
	for p, data := range w.files {
		served[p] = data
	}
	for _, k := range rk.all() {
		data, err := sigsyaml.Marshal(k.k)
		if err != nil {
			return nil, &Error{File: src.rel(k.abs), Msg: err.Error(), Err: err}
		}
		served[k.abs] = data
	}

	out, err := build(newMemFS(served), rk.dir)
	msgs := captured.stop()
	captured = nil
	if err != nil {
		return nil, &Error{File: kfile, Msg: "kustomize build failed: " + src.cleanMessage(err.Error()), Err: err}
	}

	s := document.Parse(kfile+" (rendered)", out, opts.Limits)
	if len(s.Problems) > 0 {
		p := s.Problems[0]
		return nil, &Error{File: kfile, Msg: fmt.Sprintf("the rendered output does not parse (document %d): %s", p.Document, p.Msg)}
	}
	res := make([]Resource, 0, len(s.Docs))
	for _, d := range s.Docs {
		obj, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		r := Resource{Object: obj, Kustomization: kfile, src: src}
		r.origin = takeOrigin(obj)
		switch {
		case r.origin.Path != "" && r.origin.Repo == "":
			p := filepath.Join(rk.dir, filepath.FromSlash(r.origin.Path))
			if spec, ok := src.virtual[p]; ok {
				r.OriginFile, r.Generated = src.rel(spec), true
			} else {
				r.OriginFile = src.rel(p)
			}
		case r.origin.ConfiguredIn != "" && r.origin.Repo == "":
			r.OriginFile = src.rel(filepath.Join(rk.dir, filepath.FromSlash(r.origin.ConfiguredIn)))
			r.Generated = true
		}
		res = append(res, r)
	}
	for i, m := range msgs {
		msgs[i] = src.cleanMessage(m)
	}
	return &Rendered{Resources: res, Messages: msgs, Kustomization: kfile}, nil
}

// sortedErrors orders problems by place, one per place and message.
func sortedErrors(es []*Error) Errors {
	slices.SortStableFunc(es, func(a, b *Error) int {
		switch {
		case a.File != b.File:
			return strings.Compare(a.File, b.File)
		case a.Line != b.Line:
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	return slices.CompactFunc(es, func(a, b *Error) bool { return *a == *b })
}

// build runs kustomize and prints its result as `kustomize build` does.
// kustomize panics on some inputs it considers impossible (and calls
// log.Fatal on others, which the capture turns into a panic); a linter in
// a pre-commit hook must report those, not crash.
func build(fsys filesys.FileSystem, dir string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize failed on this input: %v", r)
		}
	}()
	m, err := krusty.MakeKustomizer(&krusty.Options{
		Reorder:          krusty.ReorderOptionNone,
		LoadRestrictions: types.LoadRestrictionsRootOnly,
		PluginConfig:     types.DisabledPluginConfig(),
	}).Run(fsys, dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// takeOrigin removes kustomize's origin annotation from obj and returns
// it; an annotations map left empty goes too, as kustomize would print it.
func takeOrigin(obj map[string]any) origin {
	var o origin
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, ok := ann[originAnnotation].(string)
	if !ok {
		return o
	}
	delete(ann, originAnnotation)
	if len(ann) == 0 {
		delete(md, "annotations")
	}
	_ = yaml.Unmarshal([]byte(s), &o)
	return o
}

// generateDaemons renders the Daemon specs named under generators: with
// generate into in-memory files listed under resources: instead, so that
// the kustomization's transformers apply to them as to any generator's
// output.
func (src *source) generateDaemons(rk *kust, generate func(string, []byte) ([]byte, error), files map[string][]byte) error {
	for _, k := range rk.all() {
		if len(k.daemons) == 0 {
			continue
		}
		drop := map[int]bool{}
		for _, d := range k.daemons {
			line, col := k.locate(d.pos)
			if generate == nil {
				return &Error{File: src.rel(k.abs), Line: line, Column: col,
					Msg: fmt.Sprintf("%s: %q is an everynode Daemon spec, but this build cannot run the Daemon generator", d.pos, d.entry)}
			}
			// The generator names the spec in its messages: relative to
			// the working directory, like every other path we report.
			out, err := generate(src.rel(d.spec), files[d.spec])
			if err != nil {
				return &Error{File: src.rel(k.abs), Line: line, Column: col,
					Msg: fmt.Sprintf("%s: generating from %q: %v", d.pos, d.entry, err), Err: err}
			}
			virtual := filepath.Join(filepath.Dir(d.spec), ".everynode-generated."+filepath.Base(d.spec))
			files[virtual] = out
			src.virtual[virtual] = d.spec
			k.resources = append(k.resources, virtual)
			k.k.Resources = append(k.k.Resources, localPath(k.dir, virtual))
			drop[d.index] = true
		}
		kept := k.k.Generators[:0]
		for i, g := range k.k.Generators {
			if !drop[i] {
				kept = append(kept, g)
			}
		}
		k.k.Generators = kept
	}
	return nil
}
