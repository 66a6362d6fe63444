package kustomize

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// memFS is the file system kustomize builds from: the files everynode
// resolved and read, and nothing else, read-only. kyaml has an in-memory
// file system, but it refuses names outside [a-zA-Z0-9-_.:] (a checkout
// in "My Projects" or a Jenkins workspace@2 could not be built), and
// writes.
type memFS struct {
	files map[string][]byte // by clean absolute path
	dirs  map[string]bool   // every ancestor of a file
}

var _ filesys.FileSystem = (*memFS)(nil)

func newMemFS(files map[string][]byte) *memFS {
	m := &memFS{files: map[string][]byte{}, dirs: map[string]bool{}}
	for p, data := range files {
		p = m.clean(p)
		m.files[p] = data
		for d := filepath.Dir(p); !m.dirs[d]; d = filepath.Dir(d) {
			m.dirs[d] = true
			if d == filepath.Dir(d) {
				break
			}
		}
	}
	return m
}

// clean makes a path absolute (relative paths are from the root, as in
// kyaml's in-memory file system) and clean.
func (m *memFS) clean(p string) string {
	if !filepath.IsAbs(p) {
		p = string(filepath.Separator) + p
	}
	return filepath.Clean(p)
}

var errReadOnly = errors.New("the build's file system is read-only")

func (m *memFS) Create(p string) (filesys.File, error) {
	return nil, &fs.PathError{Op: "create", Path: p, Err: errReadOnly}
}
func (m *memFS) Mkdir(p string) error {
	return &fs.PathError{Op: "mkdir", Path: p, Err: errReadOnly}
}
func (m *memFS) MkdirAll(p string) error {
	return &fs.PathError{Op: "mkdir", Path: p, Err: errReadOnly}
}
func (m *memFS) RemoveAll(p string) error {
	return &fs.PathError{Op: "remove", Path: p, Err: errReadOnly}
}
func (m *memFS) WriteFile(p string, _ []byte) error {
	return &fs.PathError{Op: "write", Path: p, Err: errReadOnly}
}

func (m *memFS) IsDir(p string) bool { return m.dirs[m.clean(p)] }

func (m *memFS) Exists(p string) bool {
	p = m.clean(p)
	_, ok := m.files[p]
	return ok || m.dirs[p]
}

func (m *memFS) ReadFile(p string) ([]byte, error) {
	data, ok := m.files[m.clean(p)]
	if !ok {
		if m.dirs[m.clean(p)] {
			return nil, &fs.PathError{Op: "read", Path: p, Err: errors.New("is a directory")}
		}
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return slices.Clone(data), nil
}

func (m *memFS) Open(p string) (filesys.File, error) {
	data, err := m.ReadFile(p)
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{name: filepath.Base(p), size: int64(len(data))}}, nil
}

func (m *memFS) ReadDir(p string) ([]string, error) {
	p = m.clean(p)
	if !m.dirs[p] {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: fs.ErrNotExist}
	}
	var out []string
	for _, set := range []map[string]bool{m.dirs, m.fileSet()} {
		for q := range set {
			if q != p && filepath.Dir(q) == p {
				out = append(out, filepath.Base(q))
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func (m *memFS) fileSet() map[string]bool {
	out := make(map[string]bool, len(m.files))
	for p := range m.files {
		out[p] = true
	}
	return out
}

func (m *memFS) CleanedAbs(p string) (filesys.ConfirmedDir, string, error) {
	p = m.clean(p)
	if m.dirs[p] {
		return filesys.ConfirmedDir(p), "", nil
	}
	if _, ok := m.files[p]; ok {
		return filesys.ConfirmedDir(filepath.Dir(p)), filepath.Base(p), nil
	}
	return "", "", &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
}

func (m *memFS) Glob(pattern string) ([]string, error) {
	pattern = m.clean(pattern)
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	var out []string
	for _, set := range []map[string]bool{m.dirs, m.fileSet()} {
		for p := range set {
			if ok, _ := filepath.Match(pattern, p); ok {
				out = append(out, p)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

func (m *memFS) Walk(root string, fn filepath.WalkFunc) error {
	root = m.clean(root)
	var all []string
	for _, set := range []map[string]bool{m.dirs, m.fileSet()} {
		for p := range set {
			if p == root || strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator)) {
				all = append(all, p)
			}
		}
	}
	if len(all) == 0 {
		return fn(root, nil, &fs.PathError{Op: "walk", Path: root, Err: fs.ErrNotExist})
	}
	slices.Sort(all)
	var skip []string // directories whose contents are skipped
	for _, p := range all {
		if slices.ContainsFunc(skip, func(d string) bool { return strings.HasPrefix(p, d) }) {
			continue
		}
		info := memInfo{name: filepath.Base(p), dir: m.dirs[p], size: int64(len(m.files[p]))}
		err := fn(p, info, nil)
		switch {
		case errors.Is(err, filepath.SkipAll):
			return nil
		case errors.Is(err, filepath.SkipDir) && info.dir:
			skip = append(skip, p+string(filepath.Separator))
		case errors.Is(err, filepath.SkipDir):
			skip = append(skip, filepath.Dir(p)+string(filepath.Separator))
		case err != nil:
			return err
		}
	}
	return nil
}

// memFile is an open file of memFS.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Write([]byte) (int, error)  { return 0, errReadOnly }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Stat() (os.FileInfo, error) { return f.info, nil }

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }
