package kustomize

import (
	"os"
	"path/filepath"

	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// overlayFS is the disk as kustomize reads it, except for a few files
// whose content we replace (the root kustomization, with origin
// annotations switched on; kustomizations whose Daemon generators we
// render) and a few that exist only in memory (the rendered Daemons).
// Nothing is ever written: the write methods fail.
type overlayFS struct {
	filesys.FileSystem // the disk
	// files maps a cleaned absolute path to the content to serve.
	files map[string][]byte
	// virtual marks the files that do not exist on disk.
	virtual map[string]bool
}

func newOverlayFS() *overlayFS {
	return &overlayFS{FileSystem: filesys.MakeFsOnDisk(), files: map[string][]byte{}, virtual: map[string]bool{}}
}

// set serves data at path. kustomize reads through paths with symlinks
// resolved (CleanedAbs), callers name them as given: both are recorded.
func (o *overlayFS) set(path string, data []byte, virtual bool) {
	for _, p := range pathForms(path) {
		o.files[p] = data
		if virtual {
			o.virtual[p] = true
		}
	}
}

// pathForms returns path absolute and, when it differs, with the symlinks
// of its directory resolved.
func pathForms(path string) []string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return []string{filepath.Clean(path)}
	}
	out := []string{abs}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		if real := filepath.Join(dir, filepath.Base(abs)); real != abs {
			out = append(out, real)
		}
	}
	return out
}

func (o *overlayFS) lookup(path string) ([]byte, bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, false
	}
	b, ok := o.files[abs]
	return b, ok
}

func (o *overlayFS) ReadFile(path string) ([]byte, error) {
	if b, ok := o.lookup(path); ok {
		return b, nil
	}
	return o.FileSystem.ReadFile(path)
}

func (o *overlayFS) Exists(path string) bool {
	if _, ok := o.lookup(path); ok {
		return true
	}
	return o.FileSystem.Exists(path)
}

// CleanedAbs must answer for virtual files, which the disk would reject
// (it resolves symlinks, and they have none to resolve).
func (o *overlayFS) CleanedAbs(path string) (filesys.ConfirmedDir, string, error) {
	if abs, err := filepath.Abs(path); err == nil && o.virtual[abs] {
		dir, err := filepath.EvalSymlinks(filepath.Dir(abs))
		if err != nil {
			return "", "", err
		}
		return filesys.ConfirmedDir(dir), filepath.Base(abs), nil
	}
	return o.FileSystem.CleanedAbs(path)
}

func (o *overlayFS) Open(path string) (filesys.File, error) {
	if _, ok := o.lookup(path); ok {
		// Nothing in a build opens files; refuse rather than serve the
		// disk's content for a replaced file.
		return nil, &os.PathError{Op: "open", Path: path, Err: os.ErrPermission}
	}
	return o.FileSystem.Open(path)
}

func (o *overlayFS) Create(path string) (filesys.File, error) {
	return nil, &os.PathError{Op: "create", Path: path, Err: os.ErrPermission}
}

func (o *overlayFS) Mkdir(path string) error {
	return &os.PathError{Op: "mkdir", Path: path, Err: os.ErrPermission}
}

func (o *overlayFS) MkdirAll(path string) error {
	return &os.PathError{Op: "mkdir", Path: path, Err: os.ErrPermission}
}

func (o *overlayFS) RemoveAll(path string) error {
	return &os.PathError{Op: "remove", Path: path, Err: os.ErrPermission}
}

func (o *overlayFS) WriteFile(path string, _ []byte) error {
	return &os.PathError{Op: "write", Path: path, Err: os.ErrPermission}
}
