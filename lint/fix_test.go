package lint_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
)

// fixDir runs Fix over dir and writes the result.
func fixDir(t *testing.T, dir string, unsafe bool) *lint.FixResult {
	t.Helper()
	l, err := lint.New(lint.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.Fix(context.Background(), []string{"."}, lint.FixOptions{Unsafe: unsafe})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestFixGolden: each testdata/fix/*.txtar has in.yaml, the file after
// `lint --fix` as out.yaml, and optionally a section "unsafe" for
// --unsafe-fixes. UPDATE_GOLDEN=1 rewrites out.yaml. A second --fix must
// change nothing, and every comment line must survive in order.
func TestFixGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/fix/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string][]byte{}
			for _, f := range ar.Files {
				sec[f.Name] = f.Data
			}
			_, unsafe := sec["unsafe"]
			dir := t.TempDir()
			in := filepath.Join(dir, "in.yaml")
			if err := os.WriteFile(in, sec["in.yaml"], 0o644); err != nil {
				t.Fatal(err)
			}
			res := fixDir(t, dir, unsafe)
			got, _ := os.ReadFile(in)
			if os.Getenv("UPDATE_GOLDEN") != "" {
				found := false
				for i := range ar.Files {
					if ar.Files[i].Name == "out.yaml" {
						ar.Files[i].Data, found = got, true
					}
				}
				if !found {
					ar.Files = append(ar.Files, txtar.File{Name: "out.yaml", Data: got})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if !bytes.Equal(got, sec["out.yaml"]) {
				t.Errorf("after --fix:\n%s\nwant:\n%s", got, sec["out.yaml"])
			}
			if res.Changed() == 0 {
				t.Errorf("no fix applied")
			}
			for _, d := range res.Dropped {
				t.Logf("dropped: %s [%s]: %s", d.Finding.Message, d.Finding.Rule, d.Reason)
			}
			checkComments(t, sec["in.yaml"], got)
			again := fixDir(t, dir, unsafe)
			if len(again.Files) > 0 {
				t.Errorf("a second --fix changed the file again:\n%s", again.Diff())
			}
		})
	}
}

// commentLines are the lines that hold only a comment.
func commentLines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

func checkComments(t *testing.T, before, after []byte) {
	t.Helper()
	want, got := commentLines(before), commentLines(after)
	i := 0
	for _, s := range got {
		if i < len(want) && want[i] == s {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("comment line %q lost or moved out of order", want[i])
	}
}

// TestFixCorpus is a property test over every fixture and agent of the
// repository: after --fix --unsafe-fixes, every comment line of a fixed
// file survives in order, files with nothing to fix are byte-identical,
// no fixed file has a finding it did not have, and a second run changes
// nothing.
func TestFixCorpus(t *testing.T) {
	dir := t.TempDir()
	before := map[string][]byte{}
	for _, src := range []string{"testdata/corpus", "rules/testdata", "testdata/fix"} {
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			dst := filepath.Join(dir, filepath.FromSlash(strings.ReplaceAll(filepath.ToSlash(p), "/", "__")))
			before[dst] = data
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(before) < 100 {
		t.Fatalf("only %d files in the corpus", len(before))
	}
	l, err := lint.New(lint.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(name string, data []byte) map[string]int {
		res, err := l.LintDocuments(name, data)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, f := range res.Findings {
			if !f.Suppressed {
				out[key(f)]++
			}
		}
		return out
	}
	res := fixDir(t, dir, true)
	fixed := map[string]bool{}
	for _, f := range res.Files {
		fixed[filepath.Join(dir, filepath.FromSlash(f.Name))] = true
	}
	if len(fixed) < 10 {
		t.Errorf("only %d files fixed", len(fixed))
	}
	for p, old := range before {
		now, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !fixed[p] {
			if !bytes.Equal(old, now) {
				t.Errorf("%s changed but was not fixed", p)
			}
			continue
		}
		checkComments(t, old, now)
		had := keys(filepath.Base(p), old)
		for k, n := range keys(filepath.Base(p), now) {
			if had[k] < n {
				t.Errorf("%s: a new finding after --fix: %q", filepath.Base(p), k)
			}
		}
	}
	t.Logf("%d files, %d fixed, %d fixes applied, %d dropped", len(before), len(fixed), res.Changed(), len(res.Dropped))
	if again := fixDir(t, dir, true); len(again.Files) > 0 {
		t.Errorf("a second --fix changed %d files:\n%s", len(again.Files), again.Diff())
	}
}

func key(f finding.Finding) string {
	return f.Rule + " " + f.Path.String() + " " + f.Message
}
