//go:build linux

package e2e

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestUnreadableFileAsNobody is the unreadable-file case for root, who
// reads any file whatever its mode (CI runs as root): the CLI runs as user
// nobody on a tree holding a file with mode 000, and must report it as an
// unreadable-file error (exit 1) while linting the rest.
func TestUnreadableFileAsNobody(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to run a process as nobody; testdata/bad-input/lint/unreadable-file.txtar covers other users")
	}
	for dir := os.TempDir(); ; dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm()&0o001 == 0 {
			t.Skipf("user nobody cannot reach %s (not world-searchable): set TMPDIR elsewhere", dir)
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	base := t.TempDir()
	// The copy of the test binary and the tree must be reachable by
	// nobody: t.TempDir's directories are private.
	// t.TempDir is two levels below os.TempDir (…/TestName123/001); the
	// temporary directory itself is left as it is.
	for _, dir := range []string{base, filepath.Dir(base)} {
		if err := os.Chmod(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := filepath.Join(base, "everynode")
	copyFile(t, exe, 0o755)
	tree := filepath.Join(base, "tree")
	if err := os.Mkdir(tree, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]os.FileMode{"locked.yaml": 0, "other.yaml": 0o644} {
		data := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + strings.TrimSuffix(name, ".yaml") + "}\n"
		if err := os.WriteFile(filepath.Join(tree, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(tree, name), mode); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(exe, "lint", "tree")
	cmd.Dir = base
	cmd.Env = []string{"EVERYNODE_CLI=1", "NO_COLOR=1", "HOME=" + base, "PATH=/usr/bin:/bin"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	if code != 1 ||
		!strings.Contains(got, "tree/locked.yaml:1:1: error: cannot read the file: permission denied [unreadable-file]") ||
		!strings.Contains(got, "tree/other.yaml:3:1: info: ") {
		t.Errorf("exit %d, output:\n%s\nwant exit 1, locked.yaml unreadable and other.yaml linted", code, got)
	}
}

func copyFile(t *testing.T, to string, mode os.FileMode) {
	t.Helper()
	from, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
