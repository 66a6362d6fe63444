// Package write puts generated files into output directories without ever
// leaving a half-written file or writing outside the directory: each file
// is written to a temporary file in the same directory and renamed over
// the old one, through an os.Root so that no symlink leads elsewhere.
package write

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

// File is one generated file.
type File struct {
	// Dir is the output directory (absolute, or relative to the process's
	// working directory).
	Dir string
	// Name is the file's name inside Dir: one path element.
	Name string
	Data []byte
	// Label is how messages and diffs call Dir (relative to the user's
	// working directory); empty means Dir.
	Label string
	// Within, when set, is a directory Dir must be inside, physically:
	// Dir is created and opened through it, so a symbolic link on the way
	// (committed in a pull request) cannot lead a write, or the read of
	// the old content for a diff, out of it. For output directories that
	// a repository's configuration names.
	Within string
}

// openDir opens (and with create, makes) the file's directory, through
// Within when it is set.
func openDir(f File, create bool) (*os.Root, error) {
	if f.Within == "" {
		if create {
			if err := os.MkdirAll(f.Dir, 0o755); err != nil {
				return nil, fmt.Errorf("creating the output directory: %w", err)
			}
		}
		return os.OpenRoot(f.Dir)
	}
	rel, err := filepath.Rel(f.Within, f.Dir)
	if err != nil || !(rel == "." || filepath.IsLocal(rel)) {
		return nil, fmt.Errorf("%s is outside %s", f.Dir, f.Within)
	}
	outer, err := os.OpenRoot(f.Within)
	if err != nil {
		return nil, err
	}
	defer outer.Close()
	if create {
		if err := outer.MkdirAll(rel, 0o755); err != nil {
			return nil, escapes(fmt.Errorf("creating the output directory: %w", err))
		}
	}
	r, err := outer.OpenRoot(rel)
	return r, escapes(err)
}

// escapes words os.Root's refusal of a link out of the tree.
func escapes(err error) error {
	if err != nil && strings.Contains(err.Error(), "escapes") {
		return errors.New("a symbolic link on the way leads outside the repository: nothing is written (or read) there")
	}
	return err
}

// Display is the file's slash-separated path for messages and diffs.
func (f File) Display() string {
	dir := f.Label
	if dir == "" {
		dir = f.Dir
	}
	return filepath.ToSlash(filepath.Join(dir, f.Name))
}

// ValidName reports whether name can only ever mean a file directly inside
// the output directory: no separators, no "..", not absolute, not hidden
// (temporary files are hidden), nothing a shell or editor would trip on.
func ValidName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return fmt.Errorf("invalid output file name %q", name)
	case strings.ContainsAny(name, `/\`) || filepath.IsAbs(name) || !filepath.IsLocal(name):
		return fmt.Errorf("output file name %q must not contain a path", name)
	case strings.HasPrefix(name, "."):
		return fmt.Errorf("output file name %q must not start with a dot", name)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return fmt.Errorf("output file name %q contains a control character", name)
		}
	}
	return nil
}

// Write writes each file atomically, creating directories as needed, and
// skips files whose content is already right (their modification time is
// kept, so build tools do not rebuild). It returns the files it wrote.
// Temporary files that a killed run left for these files are removed.
func Write(files []File) (written []File, err error) {
	roots := map[string]*os.Root{}
	defer func() {
		for _, r := range roots {
			r.Close()
		}
	}()
	names := map[string]map[string]bool{}
	for _, f := range files {
		if names[f.Dir] == nil {
			names[f.Dir] = map[string]bool{}
		}
		names[f.Dir][f.Name] = true
	}
	for _, f := range files {
		if err := ValidName(f.Name); err != nil {
			return written, err
		}
		root, ok := roots[f.Dir]
		if !ok {
			root, err = openDir(f, true)
			if err != nil {
				return written, fmt.Errorf("output directory %s: %w", filepath.ToSlash(cmp.Or(f.Label, f.Dir)), err)
			}
			roots[f.Dir] = root
			removeStaleTemps(root, names[f.Dir])
		}
		changed, err := writeFile(root, f)
		if err != nil {
			return written, fmt.Errorf("writing %s: %w", f.Display(), err)
		}
		if changed {
			written = append(written, f)
		}
	}
	return written, nil
}

// removeStaleTemps removes the temporary files (".NAME.tmp-" and 12 hex
// digits) that a run killed mid-write left for the given names. Output
// names never start with a dot, so nothing else is named like that.
func removeStaleTemps(root *os.Root, names map[string]bool) {
	d, err := root.Open(".")
	if err != nil {
		return
	}
	entries, _ := d.ReadDir(-1)
	d.Close()
	for _, e := range entries {
		if name, ok := tempFor(e.Name()); ok && names[name] && e.Type().IsRegular() {
			_ = root.Remove(e.Name())
		}
	}
}

// tempFor returns the file a temporary file name was made for.
func tempFor(tmp string) (name string, ok bool) {
	i := strings.LastIndex(tmp, ".tmp-")
	if !strings.HasPrefix(tmp, ".") || i < 2 {
		return "", false
	}
	suffix := tmp[i+len(".tmp-"):]
	if _, err := hex.DecodeString(suffix); err != nil || len(suffix) != 12 {
		return "", false
	}
	return tmp[1:i], true
}

func writeFile(root *os.Root, f File) (changed bool, err error) {
	perm := fs.FileMode(0o644)
	if fi, err := root.Lstat(f.Name); err == nil {
		if !fi.Mode().IsRegular() {
			return false, fmt.Errorf("it exists and is not a regular file (%s): refusing to replace it", typeName(fi.Mode()))
		}
		perm = fi.Mode().Perm()
		if old, err := root.ReadFile(f.Name); err == nil && bytes.Equal(old, f.Data) {
			return false, nil
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := "." + f.Name + ".tmp-" + hex.EncodeToString(rnd[:])
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return false, err
	}
	cleanup := func(e error) (bool, error) {
		out.Close()
		root.Remove(tmp)
		return false, e
	}
	if _, err := out.Write(f.Data); err != nil {
		return cleanup(err)
	}
	// The data must be on disk before the rename makes it the file: after
	// a crash the name points at the old content or the new, never at a
	// truncated file.
	if err := out.Sync(); err != nil {
		return cleanup(err)
	}
	if err := out.Close(); err != nil {
		root.Remove(tmp)
		return false, err
	}
	if err := root.Rename(tmp, f.Name); err != nil {
		root.Remove(tmp)
		return false, err
	}
	if d, err := root.Open("."); err == nil {
		_ = d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return true, nil
}

// typeName says what a file that is not a regular file is.
func typeName(m fs.FileMode) string {
	switch {
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m.IsDir():
		return "directory"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
}

// Stale is a file whose content on disk differs from what would be
// written, with a unified diff of the change.
type Stale struct {
	File File
	Diff string
}

// Check compares files with the disk and writes nothing.
func Check(files []File) ([]Stale, error) {
	var stale []Stale
	for _, f := range files {
		if err := ValidName(f.Name); err != nil {
			return nil, err
		}
		old, err := readExisting(f)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", f.Display(), err)
		}
		if old != nil && bytes.Equal(old, f.Data) {
			continue
		}
		name := strings.TrimPrefix(f.Display(), "/")
		from := "a/" + name
		if old == nil {
			from = "/dev/null"
		}
		diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: lines(old), B: lines(f.Data),
			FromFile: from, ToFile: "b/" + name, Context: 3,
		})
		if err != nil {
			return nil, err
		}
		stale = append(stale, Stale{File: f, Diff: diff})
	}
	return stale, nil
}

// lines splits text into lines that keep their "\n"; a last line without
// one gets it, with a marker, so that it does not run into the next line
// of the diff.
func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	out := strings.SplitAfter(string(b), "\n")
	if out[len(out)-1] == "" {
		return out[:len(out)-1]
	}
	out[len(out)-1] += "\n\\ No newline at end of file\n"
	return out
}

// readExisting returns the file's content, or nil when it does not exist.
func readExisting(f File) ([]byte, error) {
	root, err := openDir(f, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	fi, err := root.Lstat(f.Name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("it exists and is not a regular file (%s)", typeName(fi.Mode()))
	}
	b, err := root.ReadFile(f.Name)
	if b == nil && err == nil {
		b = []byte{}
	}
	return b, err
}

// ErrExists is returned by Create when the file is already there.
var ErrExists = errors.New("file exists")

// Create writes a new file atomically and never replaces an existing one:
// the temporary file is hard-linked into place, which fails if the name
// is taken, even when another process creates it at the same moment.
func Create(f File) error {
	if err := ValidName(f.Name); err != nil {
		return err
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return fmt.Errorf("creating the directory: %w", err)
	}
	root, err := os.OpenRoot(f.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	if _, err := root.Lstat(f.Name); err == nil {
		return fmt.Errorf("%s: %w", f.Display(), ErrExists)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	tmp := "." + f.Name + ".tmp-" + hex.EncodeToString(rnd[:])
	out, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer root.Remove(tmp)
	if _, err := out.Write(f.Data); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	if err := root.Link(tmp, f.Name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s: %w", f.Display(), ErrExists)
		}
		// File systems without hard links: the Lstat above is the check.
		if err := root.Rename(tmp, f.Name); err != nil {
			return err
		}
	}
	return nil
}

// Existing lists the regular files of dir's directory (dir.Dir, through
// dir.Within as Write would open it) whose names end in .yaml or .yml,
// each with its content in Data; files over limit bytes are left out.
// A directory that does not exist holds nothing.
func Existing(dir File, limit int64) ([]File, error) {
	root, err := openDir(dir, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer root.Close()
	d, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	var out []File
	for _, e := range entries {
		name := e.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if !e.Type().IsRegular() || (ext != ".yaml" && ext != ".yml") || ValidName(name) != nil {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.Size() > limit {
			continue
		}
		data, err := root.ReadFile(name)
		if err != nil {
			continue
		}
		f := dir
		f.Name, f.Data = name, data
		out = append(out, f)
	}
	return out, nil
}

// Remove removes files from their directories (through Within, as Write
// writes them), and returns those it removed; a file already gone is
// not an error.
func Remove(files []File) (removed []File, err error) {
	for _, f := range files {
		if err := ValidName(f.Name); err != nil {
			return removed, err
		}
		root, err := openDir(f, false)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return removed, fmt.Errorf("output directory %s: %w", filepath.ToSlash(cmp.Or(f.Label, f.Dir)), err)
		}
		err = root.Remove(f.Name)
		root.Close()
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return removed, fmt.Errorf("removing %s: %w", f.Display(), err)
		default:
			removed = append(removed, f)
		}
	}
	return removed, nil
}

// RemovalDiff is the unified diff that removes a file whose content is
// f.Data, as Check shows a change.
func RemovalDiff(f File) (string, error) {
	name := strings.TrimPrefix(f.Display(), "/")
	return difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: lines(f.Data), FromFile: "a/" + name, ToFile: "/dev/null", Context: 3,
	})
}
