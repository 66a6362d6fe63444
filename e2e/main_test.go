package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/everynode/everynode/internal/app"
)

// Versions of the clients the tests install with go install.
const (
	kustomizeModule = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.0"
	actionlintCmd   = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
)

var (
	// binDir holds the everynode binary built for this run; it goes first
	// on PATH, since the examples name the function "everynode".
	binDir string
	// repoRoot is the module root, as an absolute path.
	repoRoot string
)

// TestMain builds the everynode binary for the tests that run the real
// clients. Run with EVERYNODE_CLI=1, the test binary is the CLI itself
// (the same code as cmd/everynode), so tests can start it as a process
// and kill it without waiting for that build.
func TestMain(m *testing.M) {
	if os.Getenv("EVERYNODE_CLI") == "1" {
		os.Exit(app.Run(append([]string{"everynode"}, os.Args[1:]...), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := filepath.Abs("..")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "everynode-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "everynode"), "./cmd/everynode")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building everynode: %v\n%s", err, out)
		return 1
	}
	code := m.Run()
	tools.cleanup()
	return code
}

// strictE2E is set in CI: a missing client is a failure, not a skip.
func strictE2E() bool { return os.Getenv("EVERYNODE_E2E") == "1" }

// missing skips the test, or fails it under EVERYNODE_E2E=1.
func missing(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if strictE2E() {
		t.Fatalf("%s (EVERYNODE_E2E=1: every client must be available)", msg)
	}
	t.Skip(msg)
}

// lookPath finds a client on PATH or skips (fails in CI).
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, "%s is not on PATH", name)
	}
	return p
}

// goTools installs Go-built clients once per test run.
type goTools struct {
	mu   sync.Mutex
	dir  string
	done map[string]result
}

type result struct {
	path string
	err  error
}

var tools = &goTools{done: map[string]result{}}

// install returns the path of the binary go install builds from pkg
// (module@version), installing it on first use.
func (g *goTools) install(t *testing.T, pkg string) string {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	r, ok := g.done[pkg]
	if !ok {
		r = g.installLocked(pkg)
		g.done[pkg] = r
	}
	if r.err != nil {
		missing(t, "cannot install %s: %v", pkg, r.err)
	}
	return r.path
}

func (g *goTools) installLocked(pkg string) result {
	if g.dir == "" {
		dir, err := os.MkdirTemp("", "everynode-e2e-tools-")
		if err != nil {
			return result{err: err}
		}
		g.dir = dir
	}
	cmd := exec.Command("go", "install", pkg)
	// Outside the module, and without the module's GOFLAGS, so go install
	// builds the tool from its own go.mod.
	cmd.Dir = g.dir
	cmd.Env = append(os.Environ(), "GOBIN="+g.dir, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		return result{err: fmt.Errorf("%w\n%s", err, out)}
	}
	name := pkg[:strings.LastIndex(pkg, "@")]
	name = name[strings.LastIndex(name, "/")+1:]
	if name == "v5" {
		name = "kustomize"
	}
	return result{path: filepath.Join(g.dir, name)}
}

func (g *goTools) cleanup() {
	if g.dir != "" {
		os.RemoveAll(g.dir)
	}
}

// runResult is what a command did.
type runResult struct {
	stdout, stderr string
	code           int
}

func (r runResult) String() string {
	return fmt.Sprintf("exit status %d\n--- stdout:\n%s\n--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// command runs name with args in dir, with everynode first on PATH and
// extra environment variables; stdin may be nil.
func command(t *testing.T, dir string, env []string, stdin []byte, name string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(withPath(os.Environ()), env...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res := runResult{stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running %s %s: %v", name, strings.Join(args, " "), err)
		}
		res.code = ee.ExitCode()
	}
	t.Logf("%s %s: exit %d in %s", filepath.Base(name), strings.Join(args, " "), res.code, time.Since(start).Round(time.Millisecond))
	return res
}

// withPath puts binDir first on PATH.
func withPath(env []string) []string {
	out := make([]string, 0, len(env)+1)
	path := binDir
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path += string(os.PathListSeparator) + v
			continue
		}
		out = append(out, kv)
	}
	return append(out, "PATH="+path)
}

// copyDir copies the tree at src (relative to the repository root, or
// absolute) into a new temporary directory, or into dst when given.
func copyDir(t *testing.T, src, dst string) string {
	t.Helper()
	if !filepath.IsAbs(src) {
		src = filepath.Join(repoRoot, src)
	}
	if dst == "" {
		dst = t.TempDir()
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatalf("copying %s: %v", src, err)
	}
	return dst
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot reads every file of a tree, for "nothing changed" checks.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		files[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func diffSnapshots(before, after map[string]string) []string {
	var changed []string
	for k, v := range before {
		if w, ok := after[k]; !ok {
			changed = append(changed, "removed "+k)
		} else if w != v {
			changed = append(changed, "changed "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			changed = append(changed, "added "+k)
		}
	}
	return changed
}

// updateGolden rewrites golden files (UPDATE_GOLDEN=1 go test ./...).
func updateGolden() bool { return os.Getenv("UPDATE_GOLDEN") == "1" }

// golden compares got with testdata/name, or rewrites it.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updateGolden() {
		writeFile(t, path, got)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 go test ./e2e/ writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (UPDATE_GOLDEN=1 rewrites it):\n--- got:\n%s\n--- want:\n%s", name, got, want)
	}
}
