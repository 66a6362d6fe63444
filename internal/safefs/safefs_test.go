//go:build unix

package safefs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// tree makes root/ (with a file, a subdirectory, links in and out) and
// a secret next to it.
func tree(t *testing.T) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "root")
	outside = filepath.Join(base, "secret.yaml")
	for _, d := range []string{"sub", "deep/er"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{"a.yaml": "a: 1\n", "sub/b.yaml": "b: 2\n", "big.yaml": "0123456789"}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(outside, []byte("SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"in.yaml":        "sub/b.yaml",
		"abs-in.yaml":    filepath.Join(root, "a.yaml"),
		"out.yaml":       "../secret.yaml",
		"abs-out.yaml":   outside,
		"zero.yaml":      "/dev/zero",
		"environ.yaml":   "/proc/self/environ",
		"dir-out":        "..",
		"deep/er/up":     "../../sub",
		"loop.yaml":      "loop.yaml",
		"dangling.yaml":  "nowhere.yaml",
		"sub/climb.yaml": "../../secret.yaml",
	}
	for link, target := range links {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root, outside
}

func TestReadFile(t *testing.T) {
	dir, outside := tree(t)
	r, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want string // content, or the kind of error
	}{
		{"a.yaml", "a: 1\n"},
		{"sub/b.yaml", "b: 2\n"},
		{"in.yaml", "b: 2\n"},
		{"abs-in.yaml", "a: 1\n"},
		{"deep/er/up/b.yaml", "b: 2\n"},
		{"sub/../a.yaml", "a: 1\n"},
		{"out.yaml", "outside"},
		{"abs-out.yaml", "outside"},
		{"sub/climb.yaml", "outside"},
		{"zero.yaml", "outside"},
		{"environ.yaml", "outside"},
		{"dir-out/secret.yaml", "outside"},
		{"../secret.yaml", "outside"},
		{outside, "outside"},
		{"/etc/passwd", "outside"},
		{"pipe.yaml", "not regular"},
		{"sub", "not regular"},
		{"loop.yaml", "error"},
		{"dangling.yaml", "not found"},
		{"big.yaml", "too large"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			p := tc.path
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			data, err := r.ReadFile(p, 9)
			var (
				oe *OutsideError
				nr *NotRegularError
				tl *TooLargeError
			)
			got := string(data)
			switch {
			case err == nil:
			case errors.As(err, &oe):
				got = "outside"
			case errors.As(err, &nr):
				got = "not regular"
			case errors.As(err, &tl):
				got = "too large"
			case errors.Is(err, fs.ErrNotExist):
				got = "not found"
			default:
				got = "error"
			}
			if got != tc.want {
				t.Errorf("ReadFile(%s) = %q (%v), want %s", tc.path, got, err, tc.want)
			}
			if string(data) == "SECRET\n" {
				t.Errorf("ReadFile(%s) read the file outside", tc.path)
			}
		})
	}
}

func TestStatAndContains(t *testing.T) {
	dir, _ := tree(t)
	r, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.IsDir(filepath.Join(dir, "deep/er/up")) || r.IsDir(filepath.Join(dir, "dir-out")) {
		t.Error("IsDir does not follow links inside only")
	}
	if !r.IsFile(filepath.Join(dir, "in.yaml")) || r.IsFile(filepath.Join(dir, "out.yaml")) || r.IsFile(filepath.Join(dir, "pipe.yaml")) {
		t.Error("IsFile is wrong")
	}
	if r.Contains(filepath.Join(dir, "..", "x")) || !r.Contains(filepath.Join(dir, "x", "..", "y")) {
		t.Error("Contains is wrong")
	}
	found, err := r.FileContains(filepath.Join(dir, "sub", "b.yaml"), []byte("b:"), 100)
	if err != nil || !found {
		t.Errorf("FileContains = %v, %v", found, err)
	}
	if _, err := r.FileContains(filepath.Join(dir, "out.yaml"), []byte("S"), 100); err == nil {
		t.Error("FileContains read outside")
	}
}

func TestRootFor(t *testing.T) {
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	for _, d := range []string{filepath.Join(repo, ".git"), filepath.Join(repo, "deploy", "prod"), filepath.Join(base, "plain", "dir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ wd, path, want string }{
		{filepath.Join(repo, "deploy", "prod"), ".", repo},
		{filepath.Join(repo, "deploy", "prod"), "../../x.yaml", repo},
		{repo, filepath.Join(base, "plain", "dir"), filepath.Join(base, "plain", "dir")},
		{repo, filepath.Join(base, "plain", "dir", "f.yaml"), filepath.Join(base, "plain", "dir")},
		{filepath.Join(base, "plain"), "dir", filepath.Join(base, "plain")},
		{filepath.Join(base, "plain"), filepath.Join(repo, "deploy"), repo},
	} {
		if got := RootFor(tc.wd, tc.path); got != tc.want {
			t.Errorf("RootFor(%s, %s) = %s, want %s", tc.wd, tc.path, got, tc.want)
		}
	}
}
