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
package input

import (
	"bytes"
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
	"sync"

	"github.com/bmatcuk/doublestar/v4"
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
	// file: a named pipe, a process substitution (<(kustomize build)), a
	// device. It can be read only once, and reading may block until a
	// writer comes; it is never opened again.
	Stream bool
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
}

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
		if !fi.IsDir() {
			if err := fn(Source{Name: w.Name(abs), Path: abs, Stream: !fi.Mode().IsRegular()}); err != nil {
				return err
			}
			continue
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return &PathError{Path: p, Err: err}
		}
		st := &walkState{visited: map[string]bool{}, root: real}
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
	// root is the real path of the directory named on the command line.
	root string
}

// within reports whether the real path p is dir or below it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
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
		if err := fn(Source{Name: w.Name(dir), Path: dir, Kustomization: true}); err != nil {
			return err
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fn(Source{Name: w.Name(dir), Path: dir, Err: fmt.Errorf("cannot read directory: %w", err)})
	}
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		if w.match.Excluded(p) {
			continue
		}
		typ := e.Type()
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
			if !within(r, st.root) && !within(r, w.workReal) {
				target, _ := os.Readlink(p)
				if err := fn(Source{Name: w.Name(p), Path: p, Outside: true,
					Err: fmt.Errorf("symbolic link to %q, which is outside %s and the working directory: not followed (name the target on the command line to lint it)", target, w.Name(st.root))}); err != nil {
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
			if err := w.walkDir(ctx, p, targetReal, st, fn); err != nil {
				return err
			}
			continue
		}
		if kustomization || !HasManifestExt(name) {
			continue
		}
		if err := fn(Source{Name: w.Name(p), Path: p}); err != nil {
			return err
		}
	}
	return nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// TooLargeError is a file over the size limit; it was not read.
type TooLargeError struct {
	Size, Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("input is larger than the %s limit; it was not read", FormatSize(e.Limit))
	}
	return fmt.Sprintf("file is %s, larger than the %s limit; it was not read", FormatSize(e.Size), FormatSize(e.Limit))
}

// FormatSize prints a byte count the way people write limits.
func FormatSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// ReadFile reads a file of at most limit bytes. A larger file is not read:
// its size is known from stat, and a file that grows while being read is
// cut off at limit+1 bytes, so memory stays bounded either way.
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
	if fi.Size() > limit {
		return nil, &TooLargeError{Size: fi.Size(), Limit: limit}
	}
	// One buffer of the file's size, plus a byte to see the end: every file
	// is read at least once per run, and growing a buffer from nothing
	// would copy it several times.
	return readAll(f, make([]byte, 0, fi.Size()+1), limit)
}

// FileContains reports whether a file holds marker, reading it through a
// small buffer: a scan of every input (for CustomResourceDefinitions
// before anything is validated) allocates nothing per file.
func FileContains(name string, marker []byte, limit int64) (bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return false, err
	}
	defer f.Close()
	bufp := scanBuffers.Get().(*[]byte)
	defer scanBuffers.Put(bufp)
	buf := *bufp
	keep, read := 0, int64(0) // keep: bytes carried over from the last read
	for {
		n, err := f.Read(buf[keep:])
		read += int64(n)
		if bytes.Contains(buf[:keep+n], marker) {
			return true, nil
		}
		if read > limit {
			return false, &TooLargeError{Size: -1, Limit: limit}
		}
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		// Carry the tail over, in case the marker spans two reads.
		if t := len(marker) - 1; keep+n >= t {
			keep = copy(buf, buf[keep+n-t:keep+n])
		} else {
			keep += n
		}
	}
}

var scanBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// ReadLimited reads r to the end, failing once it passes limit bytes.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	return readAll(r, make([]byte, 0, 512), limit)
}

// readAll appends r to data until the end, failing once it passes limit
// bytes.
func readAll(r io.Reader, data []byte, limit int64) ([]byte, error) {
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, &TooLargeError{Size: -1, Limit: limit}
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
