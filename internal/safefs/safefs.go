// Package safefs is the one reader through which everynode reads what a
// repository holds: manifests, kustomizations and everything they name,
// Daemon specs, the configuration found in the tree. Everything in a
// linted repository is untrusted (a pull request from a fork can commit
// any file, symbolic link or name), so a read is allowed, not refused:
//
//   - the path, as named, must be inside the root (a lexical check: no
//     "..", no absolute path that leaves it);
//   - its real path, after every symbolic link, must be inside the root's
//     real path too (a committed link to /etc/passwd, /proc/self/environ
//     or ../../other-repo is refused), and the file is opened through an
//     os.Root, so no link swapped in between the check and the open can
//     lead out either;
//   - it must be a regular file: named pipes (which would block), devices
//     (/dev/zero, which never ends), sockets and directories are refused,
//     and so is anything under /proc, /sys or /dev even when the root
//     itself is there;
//   - it is read up to a size limit, and a file that grows while being
//     read is cut off one byte past it, so memory stays bounded.
//
// What the root is, is the caller's decision (see RootFor): for everynode
// it is the repository (the nearest directory holding .git) around the
// working directory, or the working directory itself outside any
// repository. Paths named on the command line by whoever runs everynode
// are trusted to name a root; what the repository names inside files is
// not.
//
// Hard links are not detected: git cannot commit one, so a checkout never
// holds a hard link to a file outside it.
package safefs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Root is a directory tree that reads may not leave. The zero value is
// not usable; a Root is safe for concurrent use.
type Root struct {
	dir  string // absolute and clean, as named
	real string // dir with symbolic links resolved
}

// New returns the root at dir, which must be a directory.
func New(dir string) (*Root, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: errors.New("not a directory")}
	}
	return &Root{dir: abs, real: real}, nil
}

// roots caches New: a run asks for the same few roots for every file.
var roots sync.Map // dir → *Root

// Cached is New, remembered per directory for the life of the process.
func Cached(dir string) (*Root, error) {
	if r, ok := roots.Load(dir); ok {
		return r.(*Root), nil
	}
	r, err := New(dir)
	if err != nil {
		return nil, err
	}
	roots.Store(dir, r)
	return r, nil
}

// Dir is the root's directory, absolute, as it was named.
func (r *Root) Dir() string { return r.dir }

// Real is the root's directory with symbolic links resolved.
func (r *Root) Real() string { return r.real }

// Within reports whether p is dir or below it (both clean and absolute,
// or both relative); no file system access.
func Within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && filepath.IsLocal(rel) || rel == "."
}

// Contains reports whether the path, as named, is inside the root (a
// lexical check only).
func (r *Root) Contains(path string) bool {
	_, ok := r.rel(path)
	return ok
}

// rel returns path relative to the root, as named or by its real path.
func (r *Root) rel(path string) (string, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", false
	}
	for _, base := range []string{r.dir, r.real} {
		if rel, err := filepath.Rel(base, abs); err == nil && (rel == "." || filepath.IsLocal(rel)) {
			return rel, true
		}
	}
	return "", false
}

// OutsideError is a path that leads out of the root: named outside it,
// or a symbolic link (Link is then its target as written) whose target is.
type OutsideError struct {
	Path string
	Link string
	// Special is set for /proc, /sys and /dev, refused wherever the root.
	Special bool
}

func (e *OutsideError) Error() string {
	switch {
	case e.Special:
		return "it is under /proc, /sys or /dev, which are never read"
	case e.Link != "":
		return fmt.Sprintf("it is a symbolic link to %q, which leads outside the repository", e.Link)
	}
	return "it is outside the repository"
}

// NotRegularError is a file that is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return "it is " + TypeName(e.Mode) + ", not a regular file"
}

// TypeName says what kind of file a mode describes, with an article.
func TypeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsRegular():
		return "a regular file"
	}
	return "a special file"
}

// TooLargeError is a file over the size limit; it was not read.
type TooLargeError struct {
	// Size is -1 when the file grew past the limit while being read.
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

// check resolves path for a read: its real path relative to the root's
// real path, after the lexical and the real-path checks. Opening that
// through an os.Root (open, Stat) follows no link that existed at the
// check, so an absolute link inside the tree works, and one swapped in
// afterwards is refused by os.Root if it leads out.
func (r *Root) check(path string) (string, error) {
	rel, ok := r.rel(path)
	if !ok {
		return "", &OutsideError{Path: path}
	}
	full := filepath.Join(r.dir, rel)
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", err
	}
	if !Within(real, r.real) {
		return "", &OutsideError{Path: path, Link: firstLeavingLink(r.dir, rel)}
	}
	if special(real) {
		return "", &OutsideError{Path: path, Special: true}
	}
	realRel, err := filepath.Rel(r.real, real)
	if err != nil {
		return "", &OutsideError{Path: path}
	}
	return realRel, nil
}

// firstLeavingLink names the target of the first symbolic link on the way
// from dir to rel, for the message; "" when there is none to read.
func firstLeavingLink(dir, rel string) string {
	cur := dir
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		if fi, err := os.Lstat(cur); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			t, _ := os.Readlink(cur)
			return t
		}
	}
	return ""
}

// special reports the kernel's pseudo file systems, which hold files
// that look regular (/proc/self/environ) or never end (/dev/zero).
func special(real string) bool {
	if runtime.GOOS == "windows" {
		return false
	}
	for _, d := range []string{"/proc", "/sys", "/dev"} {
		if real == d || strings.HasPrefix(real, d+"/") {
			return true
		}
	}
	return false
}

// open opens a checked path through an os.Root.
func (r *Root) open(rel string) (*os.File, error) {
	osr, err := os.OpenRoot(r.real)
	if err != nil {
		return nil, err
	}
	defer osr.Close()
	// Non-blocking: a named pipe swapped in after the check must not
	// block the open; the type is checked right after.
	f, err := osr.OpenFile(rel, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, rootError(rel, err)
	}
	return f, nil
}

// rootError turns os.Root's refusal of a link (an absolute one, or one
// that changed since the check) into an OutsideError.
func rootError(rel string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes") {
		return &OutsideError{Path: rel, Link: "an absolute or escaping link"}
	}
	return err
}

// Stat returns what path is, following symbolic links that stay inside
// the root.
func (r *Root) Stat(path string) (fs.FileInfo, error) {
	rel, err := r.check(path)
	if err != nil {
		return nil, err
	}
	osr, err := os.OpenRoot(r.real)
	if err != nil {
		return nil, err
	}
	defer osr.Close()
	fi, err := osr.Stat(rel)
	if err != nil {
		return nil, rootError(rel, err)
	}
	return fi, nil
}

// IsDir reports whether path is a directory inside the root.
func (r *Root) IsDir(path string) bool {
	fi, err := r.Stat(path)
	return err == nil && fi.IsDir()
}

// IsFile reports whether path is a regular file inside the root.
func (r *Root) IsFile(path string) bool {
	fi, err := r.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

// OpenFile opens a regular file for reading.
func (r *Root) OpenFile(path string) (*os.File, fs.FileInfo, error) {
	rel, err := r.check(path)
	if err != nil {
		return nil, nil, err
	}
	f, err := r.open(rel)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return f, fi, nil
}

// ReadFile reads a regular file of at most limit bytes.
func (r *Root) ReadFile(path string, limit int64) ([]byte, error) {
	f, fi, err := r.OpenFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadSized(f, fi.Size(), limit)
}

// FileContains reports whether a regular file holds marker, reading it
// through a small buffer.
func (r *Root) FileContains(path string, marker []byte, limit int64) (bool, error) {
	f, _, err := r.OpenFile(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return ReaderContains(f, marker, limit)
}

// ReaderContains reports whether r holds marker before limit bytes.
func ReaderContains(r io.Reader, marker []byte, limit int64) (bool, error) {
	bufp := scanBuffers.Get().(*[]byte)
	defer scanBuffers.Put(bufp)
	buf := *bufp
	keep, read := 0, int64(0) // keep: bytes carried over from the last read
	for {
		n, err := r.Read(buf[keep:])
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

// ReadSized is ReadLimited for a reader of a known size: one buffer of
// that size (plus a byte to see the end) instead of one grown from
// nothing, which would copy a large file several times.
func ReadSized(r io.Reader, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, &TooLargeError{Size: size, Limit: limit}
	}
	return readAll(r, make([]byte, 0, size+1), limit)
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

// Repository returns the nearest directory at or above dir that holds
// .git (a directory, or the file of a worktree or submodule), or "".
func Repository(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// RootFor returns the root that reads for a path named on the command line
// must stay in: the repository around the working directory (or the
// working directory outside any) when the path is in it; else the
// repository around the path, or the path itself (a file's directory).
// Nothing in a repository can widen it: .git cannot be committed.
func RootFor(workDir, path string) string {
	wd, err := filepath.Abs(workDir)
	if err != nil {
		wd = filepath.Clean(workDir)
	}
	wdRoot := Repository(wd)
	if wdRoot == "" {
		wdRoot = wd
	}
	abs := path
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(wd, path)
	}
	abs = filepath.Clean(abs)
	if Within(abs, wdRoot) {
		return wdRoot
	}
	dir := abs
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		dir = filepath.Dir(abs)
	}
	if r := Repository(dir); r != "" {
		return r
	}
	return dir
}
