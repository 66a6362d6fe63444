package input

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWalkDoesNotLeaveTheTree: links met while walking are followed inside
// the tree and the working directory, and reported, not followed, when
// they lead elsewhere: a tree under review must not make the linter read
// files outside it.
func TestWalkDoesNotLeaveTheTree(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links")
	}
	base := t.TempDir()
	wd := filepath.Join(base, "repo")
	outside := filepath.Join(base, "secrets")
	for _, d := range []string{filepath.Join(wd, "tree", "sub"), filepath.Join(wd, "shared"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"repo/tree/a.yaml", "repo/shared/s.yaml", "secrets/token.yaml"} {
		if err := os.WriteFile(filepath.Join(base, f), []byte("a: 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"repo/tree/in-tree.yaml":   "a.yaml",
		"repo/tree/in-repo.yaml":   "../shared/s.yaml",
		"repo/tree/sub/shared":     "../../shared",
		"repo/tree/token.yaml":     "../../secrets/token.yaml",
		"repo/tree/secrets":        "../../secrets",
		"repo/tree/absolute.yaml":  filepath.Join(outside, "token.yaml"),
		"repo/tree/not-a-manifest": "../../secrets/token.yaml",
	} {
		if err := os.Symlink(target, filepath.Join(base, link)); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWalker(Options{WorkDir: wd})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = w.Walk(context.Background(), []string{"tree"}, func(s Source) error {
		line := s.Name
		if s.Err != nil {
			line += " outside=" + map[bool]string{true: "yes", false: "no"}[s.Outside]
		}
		got = append(got, line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := "tree/a.yaml tree/absolute.yaml outside=yes tree/in-repo.yaml tree/in-tree.yaml tree/secrets outside=yes tree/sub/shared/s.yaml tree/token.yaml outside=yes"
	if strings.Join(got, " ") != want {
		t.Errorf("walked:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.ReplaceAll(want, " tree/", "\ntree/"))
	}

	// Named on the command line, a link in the repository that leads out
	// of it is still refused (a pull request names its files to
	// pre-commit); the file it points to, named itself, is read.
	for _, tc := range []struct {
		path    string
		outside bool
	}{
		{"tree/token.yaml", true},
		{filepath.Join(outside, "token.yaml"), false},
		{"../secrets/token.yaml", false},
	} {
		var got []Source
		if err := w.Walk(context.Background(), []string{tc.path}, func(s Source) error {
			got = append(got, s)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || (got[0].Err != nil) != tc.outside || got[0].Outside != tc.outside {
			t.Errorf("%s: %+v", tc.path, got)
			continue
		}
		if !tc.outside {
			if data, err := got[0].Read(1 << 20); err != nil || string(data) != "a: 1\n" {
				t.Errorf("%s: read %q, %v", tc.path, data, err)
			}
		}
	}
}
