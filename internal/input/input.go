// Package input finds and reads what `everynode lint` is given: files,
// directories walked recursively, and standard input. It knows nothing of
// YAML; it turns command-line paths into a deterministic list of sources
// and reads each one within a size limit.
//
// Walking follows kubeconform and kube-linter: only .yaml, .yml and .json
// files are read from directories (a file named on the command line is read
// whatever its name); hidden directories (.git, .github, .terraform ...)
// are not entered unless named; symbolic links are followed, a link that
// leads back into a directory being walked is reported instead of
// followed, and a directory reached twice is walked once.
//
// Every source carries its root (internal/safefs): the repository around
// the working directory for paths in it, else the repository (or the
// directory) around the path named. What the tree holds is read through
// that root only, so a committed symbolic link cannot lead a read out of
// the repository, nor to a device or a named pipe.
package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/everynode/everynode/internal/safefs"
)

// StdinName is how standard input is named in findings.
const StdinName = "stdin"

// Source is one input.
type Source struct {
	// Name is how the source is reported: slash-separated and relative to
	// the working directory when it lies below it.
	Name string
	// Path is the file (or directory, for a kustomization) on disk; empty
	// for standard input.
	Path  string
	Stdin bool
	// Kustomization marks a directory that holds a kustomization file and
	// is to be linted as kustomize renders it.
	Kustomization bool
	// Err is set for an entry met while walking that cannot be read: a
	// dangling symbolic link, a directory without permission. The engine
	// reports it as an unreadable-file finding and goes on.
	Err error
	// Loop is set when Err is a symbolic link leading back into a directory
	// being walked (reported, but less severe than an unreadable file).
	Loop bool
	// Outside is set when Err is a symbolic link met while walking that
	// leads out of the tree (and out of the working directory): not
	// followed, and reported less severely than an unreadable file.
	Outside bool
	// Stream marks a path named on the command line that is not a regular
	// file: a named pipe, a process substitution (<(kustomize build)),
	// /dev/stdin. It can be read only once, and reading may block until a
	// writer comes; it is never opened again. A symbolic link in the
	// repository that leads to such a file is refused instead: a pull
	// request can commit a link to /dev/zero.
	Stream bool
	// Skip, when set, says why a directory met while walking is not
	// linted at all (a Helm chart): the engine lists it as skipped.
	Skip string
	// Named marks a file named on the command line (not met while
	// walking a directory).
	Named bool
	// Root is what reads of this source (and of what it names: the files
	// of a kustomization) must stay in; nil for standard input and
	// streams.
	Root *safefs.Root
}

// Read reads a file source through its root, within limit bytes.
func (s Source) Read(limit int64) ([]byte, error) {
	if s.Root == nil {
		return ReadFile(s.Path, limit)
	}
	return s.Root.ReadFile(s.Path, limit)
}

// Pattern is an exclude glob with the directory it is relative to.
type Pattern struct {
	Glob string
	// Base is the directory the glob is relative to (the working
	// directory for --exclude, the config file's directory for excludes in
	// .everynode.yaml). Empty means the working directory.
	Base string
}

// Options control a walk.
type Options struct {
	// WorkDir is the directory paths are reported relative to; empty
	// means the process's working directory.
	WorkDir string
	// Exclude lists globs with doublestar semantics (** crosses
	// directories); a glob without a slash matches a file or directory name
	// at any depth, as in .gitignore.
	Exclude []Pattern
	// IsKustomization reports whether a directory is a kustomization to be
	// rendered; nil means kustomizations are walked as plain directories.
	IsKustomization func(dir string) bool
	// NoIgnoreFiles walks what .gitignore, .everynodeignore and
	// .git/info/exclude ignore too (ignore.go).
	NoIgnoreFiles bool
}

// SkippedDirs are directory names never walked into (they can still be
// named on the command line): vendored dependencies, whose manifests are
// someone else's, as ruff leaves node_modules and venv alone.
var SkippedDirs = []string{"vendor", "node_modules"}

// Extensions are the file name endings read from directories.
var Extensions = []string{".yaml", ".yml", ".json"}

// HasManifestExt reports whether a file name ends in a manifest extension.
func HasManifestExt(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return slices.Contains(Extensions, ext)
}

// PathError is a path named on the command line that does not exist or
// cannot be read: a usage error (exit 2), unlike unreadable files met while
// walking.
type PathError struct {
	Path string
	Err  error
}

func (e *PathError) Error() string {
	if errors.Is(e.Err, fs.ErrNotExist) {
		return fmt.Sprintf("%s: no such file or directory", e.Path)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}
func (e *PathError) Unwrap() error { return e.Err }

// Matcher decides exclusions.
type Matcher struct {
	patterns []compiled
}

type compiled struct {
	glob     string
	base     string
	nameOnly bool
}

// NewMatcher checks every glob and returns a matcher over them.
func NewMatcher(workDir string, patterns []Pattern) (*Matcher, error) {
	m := &Matcher{}
	for _, p := range patterns {
		g := filepath.ToSlash(strings.TrimSpace(p.Glob))
		g = strings.TrimPrefix(g, "./")
		g = strings.TrimSuffix(g, "/")
		if g == "" {
			continue
		}
		if !doublestar.ValidatePattern(g) {
			return nil, fmt.Errorf("exclude pattern %q is not a valid glob", p.Glob)
		}
		base := p.Base
		if base == "" {
			base = workDir
		}
		abs, err := filepath.Abs(base)
		if err != nil {
			return nil, fmt.Errorf("exclude pattern %q: %w", p.Glob, err)
		}
		m.patterns = append(m.patterns, compiled{glob: g, base: abs, nameOnly: !strings.Contains(g, "/")})
	}
	return m, nil
}

// Excluded reports whether the file or directory at abs (an absolute path)
// or any of its parents below a pattern's base is excluded.
func (m *Matcher) Excluded(abs string) bool {
	if m == nil {
		return false
	}
	for _, p := range m.patterns {
		rel, err := filepath.Rel(p.base, abs)
		if err != nil {
			continue
		}
		rel = filepath.ToSlash(rel)
		if rel == "." || rel == ".." || strings.HasPrefix(rel, "../") {
			continue
		}
		if p.nameOnly {
			for _, seg := range strings.Split(rel, "/") {
				if ok, _ := path.Match(p.glob, seg); ok {
					return true
				}
			}
			continue
		}
		// A pattern that names a directory excludes what is inside it.
		for q := rel; q != "."; q = path.Dir(q) {
			if ok, _ := doublestar.Match(p.glob, q); ok {
				return true
			}
		}
	}
	return false
}

// Walker turns command-line paths into sources.
type Walker struct {
	opts    Options
	workDir string
	// workReal is workDir with symbolic links resolved.
	workReal string
	match    *Matcher
}

// NewWalker validates the options.
func NewWalker(opts Options) (*Walker, error) {
	wd := opts.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, fmt.Errorf("finding the working directory: %w", err)
		}
	}
	wd, err := filepath.Abs(wd)
	if err != nil {
		return nil, fmt.Errorf("working directory: %w", err)
	}
	m, err := NewMatcher(wd, opts.Exclude)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(wd)
	if err != nil {
		real = wd
	}
	return &Walker{opts: opts, workDir: wd, workReal: real, match: m}, nil
}

// WorkDir is the absolute directory paths are reported relative to.
func (w *Walker) WorkDir() string { return w.workDir }

// Check reports the first path named on the command line that does not
// exist or cannot be read, before any linting starts.
func (w *Walker) Check(paths []string) error {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		fi, err := os.Stat(w.abs(p))
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		if fi.IsDir() {
			if _, err := os.ReadDir(w.abs(p)); err != nil {
				return &PathError{Path: p, Err: err}
			}
		} else if !fi.Mode().IsRegular() {
			// Opening a named pipe blocks until a writer comes, and
			// closing it again loses what the writer sends: it is read
			// once, later.
			continue
		} else if f, err := os.Open(w.abs(p)); err != nil {
			return &PathError{Path: p, Err: err}
		} else {
			f.Close()
		}
	}
	return nil
}

func (w *Walker) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(w.workDir, p)
}

// Name is how a path on disk is reported: slash-separated, relative to the
// working directory when below it, absolute otherwise.
func (w *Walker) Name(abs string) string {
	rel, err := filepath.Rel(w.workDir, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// Walk calls fn for every source under paths, in order: the paths as given,
// each directory's entries sorted by name. A path named on the command line
// that cannot be read is a *PathError; unreadable entries met while walking
// are sources with Err set. Walk stops at the first error fn returns or
// when ctx is done.
func (w *Walker) Walk(ctx context.Context, paths []string, fn func(Source) error) error {
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == "-" {
			if err := fn(Source{Name: StdinName, Stdin: true}); err != nil {
				return err
			}
			continue
		}
		abs := w.abs(p)
		fi, err := os.Stat(abs)
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		if abs != w.workDir && w.match.Excluded(abs) {
			continue
		}
		root, err := safefs.Cached(safefs.RootFor(w.workDir, abs))
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		if !fi.IsDir() {
			src := Source{Name: w.Name(abs), Path: abs, Root: root, Named: true}
			if !fi.Mode().IsRegular() {
				// A pipe or device the user made and named is read once.
				// A symbolic link to one in the repository is refused:
				// git can commit a link to /dev/zero, not a device.
				if lfi, err := os.Lstat(abs); err == nil && lfi.Mode()&fs.ModeSymlink != 0 && w.inRepository(abs) {
					src.Err = fmt.Errorf("symbolic link to %q, %s: only regular files are read from the repository", readlink(abs), (&safefs.NotRegularError{Mode: fi.Mode()}).Error()[len("it is "):])
					src.Outside = true
				} else {
					src.Stream, src.Root = true, nil
				}
			} else if _, err := root.Stat(abs); err != nil {
				src.Err, src.Outside = outsideError(abs, err)
			}
			if err := fn(src); err != nil {
				return err
			}
			continue
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		if !safefs.Within(real, root.Real()) {
			// A directory named on the command line that is a link out
			// of the repository it is in.
			src := Source{Name: w.Name(abs), Path: abs}
			src.Err, src.Outside = outsideError(abs, &safefs.OutsideError{Path: abs, Link: readlink(abs)})
			if err := fn(src); err != nil {
				return err
			}
			continue
		}
		st := &walkState{visited: map[string]bool{}, root: root}
		if err := w.ancestorIgnores(abs, st, fn); err != nil {
			return err
		}
		if err := w.walkDir(ctx, abs, real, st, fn); err != nil {
			return err
		}
	}
	return nil
}

type walkState struct {
	// visited holds the real paths of directories walked in this tree, so
	// a directory reached through two links is walked once.
	visited map[string]bool
	// stack holds the real paths of the directories being walked: a link
	// into one of them is a loop.
	stack []string
	// root is what the tree's links must stay in.
	root *safefs.Root
	// ignores are the ignore files' patterns in force, lowest precedence
	// first: the directories being walked push theirs.
	ignores ignoreSet
}

// ancestorIgnores loads the ignore files that apply to a directory named
// on the command line from above it: .git/info/exclude and those of the
// directories from the root down to its parent, as git applies them.
func (w *Walker) ancestorIgnores(dir string, st *walkState, fn func(Source) error) error {
	if w.opts.NoIgnoreFiles {
		return nil
	}
	top := st.root.Dir()
	if err := w.loadIgnore(filepath.Join(top, ".git", "info", "exclude"), top, st, fn); err != nil {
		return err
	}
	rel, err := filepath.Rel(top, dir)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return nil
	}
	d := top
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		if err := w.loadIgnores(d, st, fn); err != nil {
			return err
		}
		d = filepath.Join(d, part)
	}
	return nil
}

// loadIgnores adds the patterns of dir's ignore files.
func (w *Walker) loadIgnores(dir string, st *walkState, fn func(Source) error) error {
	if w.opts.NoIgnoreFiles {
		return nil
	}
	for _, n := range IgnoreFileNames {
		if err := w.loadIgnore(filepath.Join(dir, n), dir, st, fn); err != nil {
			return err
		}
	}
	return nil
}

// loadIgnore reads one ignore file through the root. One that cannot be
// read (too large, a link out of the repository) is reported and
// skipped; one that does not exist is nothing.
func (w *Walker) loadIgnore(file, base string, st *walkState, fn func(Source) error) error {
	if _, err := os.Lstat(file); err != nil {
		return nil
	}
	data, err := st.root.ReadFile(file, MaxIgnoreFileSize)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		src := Source{Name: w.Name(file), Path: file}
		src.Err, src.Outside = outsideError(file, err)
		return fn(src)
	}
	st.ignores = append(st.ignores, parseIgnore(base, data)...)
	return nil
}

// inRepository reports whether a path named on the command line is in the
// working directory's root, where the repository decides what it is.
func (w *Walker) inRepository(abs string) bool {
	return safefs.Within(abs, safefs.RootFor(w.workDir, w.workDir))
}

// outsideError words a path that a root refuses; outside is true when it
// leads out of the repository (reported less severely than a file that
// cannot be read).
func outsideError(abs string, err error) (error, bool) {
	var oe *safefs.OutsideError
	if errors.As(err, &oe) {
		if oe.Link == "" {
			oe.Link = readlink(abs)
		}
		if oe.Link != "" && !oe.Special {
			return fmt.Errorf("symbolic link to %q, which leads outside the repository: not followed (name the target on the command line to lint it)", oe.Link), true
		}
		return fmt.Errorf("%v: not read", oe), true
	}
	return fmt.Errorf("cannot read the file: %w", unwrapPathErr(err)), false
}

func readlink(p string) string {
	t, _ := os.Readlink(p)
	return t
}

func (w *Walker) walkDir(ctx context.Context, dir, real string, st *walkState, fn func(Source) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if st.visited[real] {
		return nil
	}
	st.visited[real] = true
	st.stack = append(st.stack, real)
	defer func() { st.stack = st.stack[:len(st.stack)-1] }()

	// A kustomization is linted as rendered: its own files are reached
	// through the rendering (with their positions), its subdirectories are
	// still walked.
	kustomization := w.opts.IsKustomization != nil && w.opts.IsKustomization(dir)
	if kustomization {
		if err := fn(Source{Name: w.Name(dir), Path: dir, Kustomization: true, Root: st.root}); err != nil {
			return err
		}
	}
	// A Helm chart's templates are Go templates, not manifests: they are
	// not walked, and the chart is listed as skipped with what to run
	// instead. Its other files (values, Chart.yaml, crds/) are walked as
	// usual.
	chart := IsHelmChart(dir)
	if chart {
		if err := fn(Source{Name: w.Name(dir), Path: dir, Skip: HelmChartSkip(w.Name(dir))}); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fn(Source{Name: w.Name(dir), Path: dir, Err: fmt.Errorf("cannot read directory: %w", err)})
	}
	defer func(n int) { st.ignores = st.ignores[:n] }(len(st.ignores))
	if err := w.loadIgnores(dir, st, fn); err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if w.match.Excluded(p) {
			continue
		}
		typ := e.Type()
		// git does not follow symbolic links: one is a file to it, which
		// a directory pattern ("build/") does not match.
		if st.ignores.ignored(p, typ.IsDir()) {
			continue
		}
		if typ.IsDir() && slices.Contains(SkippedDirs, name) {
			continue
		}
		isDir := typ.IsDir()
		targetReal := filepath.Join(real, name)
		if typ&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				if HasManifestExt(name) {
					target, _ := os.Readlink(p)
					if err := fn(Source{Name: w.Name(p), Path: p, Err: fmt.Errorf("dangling symbolic link to %q: %w", target, unwrapPathErr(err))}); err != nil {
						return err
					}
				}
				continue
			}
			isDir = fi.IsDir()
			if !isDir && (!fi.Mode().IsRegular() || !HasManifestExt(name)) {
				continue
			}
			r, err := filepath.EvalSymlinks(p)
			if err != nil {
				if err := fn(Source{Name: w.Name(p), Path: p, Err: fmt.Errorf("cannot resolve symbolic link: %w", unwrapPathErr(err))}); err != nil {
					return err
				}
				continue
			}
			// A tree being linted (a pull request's) must not make
			// everynode read, and print lines of, files elsewhere on the
			// machine: /proc/self/environ, credentials in the home.
			if !safefs.Within(r, st.root.Real()) {
				target, _ := os.Readlink(p)
				if err := fn(Source{Name: w.Name(p), Path: p, Outside: true,
					Err: fmt.Errorf("symbolic link to %q, which leads outside the repository: not followed (name the target on the command line to lint it)", target)}); err != nil {
					return err
				}
				continue
			}
			if isDir {
				if slices.Contains(st.stack, r) {
					if err := fn(Source{Name: w.Name(p), Path: p, Loop: true,
						Err: fmt.Errorf("symbolic link loop: it leads back to %s, which is being walked; not followed", w.Name(r))}); err != nil {
						return err
					}
					continue
				}
				targetReal = r
			}
		} else if !isDir && !typ.IsRegular() {
			continue // sockets, devices, pipes met while walking
		}
		if isDir {
			if strings.HasPrefix(name, ".") {
				continue
			}
			if chart && name == "templates" {
				continue // Go templates: the chart's note says what to do
			}
			if err := w.walkDir(ctx, p, targetReal, st, fn); err != nil {
				return err
			}
			continue
		}
		if kustomization || !HasManifestExt(name) {
			continue
		}
		if err := fn(Source{Name: w.Name(p), Path: p, Root: st.root}); err != nil {
			return err
		}
	}
	return nil
}

// IsHelmChart reports whether dir is a Helm chart: it holds a Chart.yaml.
func IsHelmChart(dir string) bool {
	fi, err := os.Lstat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && fi.Mode().IsRegular()
}

// HelmChartSkip says why a chart is not linted, and what to run instead.
func HelmChartSkip(name string) string {
	return fmt.Sprintf("Helm chart skipped (render it with helm template %s | everynode lint -)", name)
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// TooLargeError is a file over the size limit; it was not read.
type TooLargeError = safefs.TooLargeError

// FormatSize prints a byte count the way people write limits.
func FormatSize(n int64) string { return safefs.FormatSize(n) }

// ReadFile reads a file of at most limit bytes. A larger file is not read:
// its size is known from stat, and a file that grows while being read is
// cut off at limit+1 bytes, so memory stays bounded either way.
//
// It reads what it is given, anywhere: it is for paths whoever runs
// everynode named (streams, --crd). What a repository holds is read
// through its root (Source.Read, internal/safefs).
func ReadFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("is a directory")
	}
	if !fi.Mode().IsRegular() {
		return ReadLimited(f, limit)
	}
	return safefs.ReadSized(f, fi.Size(), limit)
}

// FileContains reports whether a file holds marker, reading it through a
// small buffer: a scan of every input (for CustomResourceDefinitions
// before anything is validated) allocates nothing per file. Like
// ReadFile, it is for paths named on the command line.
func FileContains(name string, marker []byte, limit int64) (bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return safefs.ReaderContains(f, marker, limit)
}

// ReadLimited reads r to the end, failing once it passes limit bytes.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	return safefs.ReadLimited(r, limit)
}
