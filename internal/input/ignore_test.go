package input

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIgnorePatterns(t *testing.T) {
	base := filepath.FromSlash("/repo")
	for _, tc := range []struct {
		pattern string
		path    string
		dir     bool
		want    bool
	}{
		{"build", "build", true, true},
		{"build", "a/b/build", false, true},
		{"build/", "build", false, false},
		{"build/", "x/build", true, true},
		{"/build", "x/build", true, false},
		{"/build", "build", true, true},
		{"a/b", "a/b", false, true},
		{"a/b", "x/a/b", false, false},
		{"*.yaml", "x/y.yaml", false, true},
		{"x/*.yaml", "x/y/z.yaml", false, false},
		{"**/gen", "a/b/gen", true, true},
		{"**/gen", "gen", true, true},
		{"a/**", "a", true, false},
		{"a/**", "a/b/c", false, true},
		{"a/**/b", "a/b", false, true},
		{"a/**/b", "a/x/y/b", false, true},
		{"a/**/b", "a/x/y/c", false, false},
		{"[!a]*", "b.yaml", false, true},
		{"[!a]*", "a.yaml", false, false},
		{"[^a]*", "a.yaml", false, false},
		{`\#x`, "#x", false, true},
		{`\!x`, "!x", false, true},
		{"x\\ ", "x ", false, true},
		{"x  ", "x", false, true},
		{"a**b", "axxb", false, true},
		{"[", "[", false, false}, // malformed: matches nothing
		{"# comment", "# comment", false, false},
	} {
		t.Run(tc.pattern+" "+tc.path, func(t *testing.T) {
			ps := parseIgnore(base, []byte(tc.pattern+"\n"))
			got := ignoreSet(ps).ignored(filepath.Join(base, filepath.FromSlash(tc.path)), tc.dir)
			if got != tc.want {
				t.Errorf("%q on %s (dir %v) = %v, want %v (parsed %+v)", tc.pattern, tc.path, tc.dir, got, tc.want, ps)
			}
		})
	}
}

// TestIgnoreHostile: patterns built to make backtracking matchers take
// exponential time are matched in time linear in pattern times path;
// the test would not finish otherwise.
func TestIgnoreHostile(t *testing.T) {
	base := filepath.FromSlash("/repo")
	long := strings.Repeat("a", 5000)
	pats := strings.Repeat("*a", 2000) + "b\n" +
		strings.Repeat("**/", 2000) + "b\n" +
		strings.Repeat("a/**/", 500) + "c\n" +
		"[" + strings.Repeat("a-", 1000) + "\n"
	ps := ignoreSet(parseIgnore(base, []byte(pats)))
	path := filepath.Join(base, long, strings.Repeat("a/", 200)+long)
	if ps.ignored(path, false) {
		t.Error("a hostile pattern matched")
	}
}

// TestIgnoreAgainstGit walks random trees with random ignore files and
// compares what the walker yields with what git itself leaves untracked
// and not ignored (git ls-files --others --exclude-standard): nested
// .gitignore files, negations, anchors, directory patterns and **.
func TestIgnoreAgainstGit(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	names := []string{"a", "b", "ab", "build", "out"}
	patterns := []string{"a", "/a", "a/", "b/", "*.yaml", "!*.yaml", "b/**", "**/ab", "!a/x.yaml", "a/**/b",
		"[ab]*", "[!a]*", "?b", "build/", "!build/", "!build/keep.yaml", "out", "/out/", "ab/*.yaml", "*/x.yaml",
		"!ab", "**/build/**", "x.yaml", "!x.yaml", "a/b/", "/b/a", "*b", "a*"}
	rng := rand.New(rand.NewPCG(1, 2))
	iterations := 100
	if testing.Short() {
		iterations = 20
	}
	// One repository, one tree per iteration below it, one git run: the
	// trees' ignore files are nested ones to git, anchored at their own
	// directories.
	repo := t.TempDir()
	cmd := exec.Command(git, "init", "-q")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	described := map[string]map[string]string{}
	written := 0
	for it := range iterations {
		tree := fmt.Sprintf("t%d", it)
		var files []string
		for range 12 {
			depth := 1 + rng.IntN(3)
			var parts []string
			for range depth - 1 {
				parts = append(parts, names[rng.IntN(len(names))])
			}
			parts = append(parts, []string{"x.yaml", "keep.yaml", "y.yaml"}[rng.IntN(3)])
			files = append(files, strings.Join(parts, "/"))
		}
		ignoreFiles := map[string]string{}
		for range 1 + rng.IntN(3) {
			d := ""
			if f := files[rng.IntN(len(files))]; rng.IntN(2) == 0 && strings.Contains(f, "/") {
				d = f[:strings.LastIndex(f, "/")+1]
			}
			var lines []string
			for range 1 + rng.IntN(4) {
				lines = append(lines, patterns[rng.IntN(len(patterns))])
			}
			ignoreFiles[d+".gitignore"] += strings.Join(lines, "\n") + "\n"
		}
		described[tree] = ignoreFiles
		for f, content := range ignoreFiles {
			writeTestFile(t, filepath.Join(repo, tree, f), content)
		}
		for _, f := range files {
			writeTestFile(t, filepath.Join(repo, tree, f), "")
		}
		slices.Sort(files)
		written += len(slices.Compact(files))
	}
	cmd = exec.Command(git, "-c", "core.excludesFile=/dev/null", "ls-files", "--others", "--exclude-standard")
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	want := map[string][]string{}
	for l := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if tree, rest, ok := strings.Cut(l, "/"); ok && strings.HasSuffix(l, ".yaml") {
			want[tree] = append(want[tree], rest)
		}
	}
	walked := 0
	defer func() {
		// The trees must exercise both sides: some files ignored, some not.
		if walked == 0 || walked == written {
			t.Errorf("%d of %d files walked: the random trees test nothing", walked, written)
		}
	}()
	for it := range iterations {
		tree := fmt.Sprintf("t%d", it)
		w, err := NewWalker(Options{WorkDir: filepath.Join(repo, tree)})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = w.Walk(context.Background(), []string{"."}, func(s Source) error {
			if s.Err != nil {
				return fmt.Errorf("%s: %v", s.Name, s.Err)
			}
			got = append(got, s.Name)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		slices.Sort(want[tree])
		walked += len(got)
		if !slices.Equal(got, want[tree]) {
			t.Errorf("%s: walked %q\ngit leaves %q\nignore files %q", tree, got, want[tree], described[tree])
		}
	}
}

func writeTestFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
