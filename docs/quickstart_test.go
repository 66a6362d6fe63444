package docs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/app"
)

// TestReadmeFirstSteps walks the README's "First steps" as a new user
// would: every everynode command of its sh blocks runs, in order, in a
// copy of docs/examples/quickstart, and must succeed. Commands fed by
// another program (kustomize build ... | everynode lint -) are left out:
// the other program is not everynode.
func TestReadmeFirstSteps(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## First steps\n")
	if !ok {
		t.Fatal(`README.md has no "## First steps" section`)
	}
	if i := strings.Index(section, "\n## "); i >= 0 {
		section = section[:i]
	}
	var cmds [][]string
	inSh := false
	for l := range strings.SplitSeq(section, "\n") {
		switch {
		case strings.HasPrefix(l, "```sh"):
			inSh = true
			continue
		case strings.HasPrefix(l, "```"):
			inSh = false
			continue
		}
		if !inSh || !strings.HasPrefix(l, "everynode ") {
			continue
		}
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		args, err := shellWords(strings.TrimSpace(l))
		if err != nil {
			t.Fatalf("README.md: %q: %v", l, err)
		}
		cmds = append(cmds, args[1:])
	}
	if len(cmds) < 10 {
		t.Fatalf("only %d everynode commands found in the README's first steps", len(cmds))
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	copyDir(t, filepath.Join(rootAbs, "docs", "examples", "quickstart"), work)
	if err := os.MkdirAll(filepath.Join(work, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	for _, args := range cmds {
		var out bytes.Buffer
		if code := app.Run(append([]string{"everynode"}, args...), strings.NewReader(""), &out, &out); code != 0 {
			t.Errorf("$ everynode %s: exit %d\n%s", strings.Join(args, " "), code, out.String())
		}
	}
	// What the steps promise is there.
	for _, f := range []string{"everynode.sarif", ".everynode-baseline.json", "node-exporter.yaml", "deploy/generated/nginx.yaml"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("after the first steps: %v", err)
		}
	}
}
