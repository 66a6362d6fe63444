package write

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestValidName(t *testing.T) {
	for name, ok := range map[string]bool{
		"agent.yaml": true, "a-b_c.1.yaml": true,
		"": false, ".": false, "..": false, "../x.yaml": false, "a/b.yaml": false, `a\b.yaml`: false,
		"/etc/passwd": false, ".hidden.yaml": false, "a\x00b": false, "a\nb": false,
	} {
		if err := ValidName(name); (err == nil) != ok {
			t.Errorf("ValidName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func readDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "nested")
	files := []File{{Dir: dir, Name: "a.yaml", Data: []byte("a: 1\n")}, {Dir: dir, Name: "b.yaml", Data: []byte("b: 1\n")}}
	written, err := Write(files)
	if err != nil || len(written) != 2 {
		t.Fatalf("first write: %v, %d written", err, len(written))
	}
	if got := strings.Join(readDir(t, dir), " "); got != "a.yaml b.yaml" {
		t.Errorf("directory holds %s (a temporary file left behind?)", got)
	}
	// Unchanged files are not rewritten: their modification time stays.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "a.yaml"), old, old); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "b.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	files[1].Data = []byte("b: 2\n")
	written, err = Write(files)
	if err != nil || len(written) != 1 || written[0].Name != "b.yaml" {
		t.Fatalf("second write: %v, %v", err, written)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "a.yaml")); !fi.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten")
	}
	fi, _ := os.Stat(filepath.Join(dir, "b.yaml"))
	if runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the file's mode changed to %v", fi.Mode().Perm())
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.yaml")); string(b) != "b: 2\n" {
		t.Errorf("b.yaml holds %q", b)
	}
}

func TestWriteRefusesEscapes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	base := t.TempDir()
	dir := filepath.Join(base, "out")
	outside := filepath.Join(base, "outside.yaml")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(outside, []byte("precious\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []File{
		{Dir: dir, Name: "../outside.yaml", Data: []byte("x")},
		{Dir: dir, Name: outside, Data: []byte("x")},
		{Dir: dir, Name: "link.yaml", Data: []byte("x")},
	} {
		if _, err := Write([]File{f}); err == nil {
			t.Errorf("Write(%q) succeeded", f.Name)
		}
		if _, err := Check([]File{f}); err == nil {
			t.Errorf("Check(%q) succeeded", f.Name)
		}
	}
	if b, _ := os.ReadFile(outside); string(b) != "precious\n" {
		t.Errorf("the file outside the directory was changed: %q", b)
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "same.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old.yaml"), []byte("a: 1\nb: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stale, err := Check([]File{
		{Dir: dir, Name: "same.yaml", Data: []byte("a: 1\n")},
		{Dir: dir, Name: "old.yaml", Data: []byte("a: 1\nb: 2\n")},
		{Dir: dir, Name: "new.yaml", Data: []byte("c: 1\n")},
		{Dir: filepath.Join(dir, "missing"), Name: "new.yaml", Data: []byte("d: 1\n")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stale) != 3 {
		t.Fatalf("%d stale, want 3", len(stale))
	}
	d := strings.TrimPrefix(filepath.ToSlash(dir), "/")
	wantOld := "--- a/" + d + "/old.yaml\n+++ b/" + d + "/old.yaml\n@@ -1,2 +1,2 @@\n a: 1\n-b: 1\n+b: 2\n"
	if stale[0].Diff != wantOld {
		t.Errorf("diff:\n%s\nwant:\n%s", stale[0].Diff, wantOld)
	}
	if !strings.HasPrefix(stale[1].Diff, "--- /dev/null\n+++ b/"+d+"/new.yaml\n@@ -0,0 +1 @@\n+c: 1\n") {
		t.Errorf("diff of a new file:\n%s", stale[1].Diff)
	}
	if got := readDir(t, dir); strings.Join(got, " ") != "old.yaml same.yaml" {
		t.Errorf("Check wrote something: %v", got)
	}
}

func TestCreate(t *testing.T) {
	dir := t.TempDir()
	f := File{Dir: dir, Name: "spec.yaml", Data: []byte("first\n")}
	if err := Create(f); err != nil {
		t.Fatal(err)
	}
	f.Data = []byte("second\n")
	if err := Create(f); !errors.Is(err, ErrExists) {
		t.Errorf("second Create: %v, want ErrExists", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "spec.yaml")); string(b) != "first\n" {
		t.Errorf("the file was overwritten: %q", b)
	}
	if got := readDir(t, dir); len(got) != 1 {
		t.Errorf("temporary files left: %v", got)
	}
}

// TestKilledMidWrite kills a process that keeps rewriting a large file and
// checks, each time, that the file holds one whole version or the other.
func TestKilledMidWrite(t *testing.T) {
	if os.Getenv("EVERYNODE_WRITE_LOOP") != "" {
		writeLoop(os.Getenv("EVERYNODE_WRITE_LOOP"))
		return
	}
	if testing.Short() {
		t.Skip("short")
	}
	dir := t.TempDir()
	a, b := versions()
	if _, err := Write([]File{{Dir: dir, Name: "big.yaml", Data: a}}); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		cmd := exec.Command(exe, "-test.run=^TestKilledMidWrite$")
		cmd.Env = append(os.Environ(), "EVERYNODE_WRITE_LOOP="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+i*37) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		got, err := os.ReadFile(filepath.Join(dir, "big.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, a) && !bytes.Equal(got, b) {
			t.Fatalf("kill %d: the file holds %d bytes that are neither version", i, len(got))
		}
	}
}

func versions() (a, b []byte) {
	return bytes.Repeat([]byte("a: version one\n"), 1<<18), bytes.Repeat([]byte("b: version two, longer\n"), 1<<18)
}

func writeLoop(dir string) {
	a, b := versions()
	for i := 0; ; i++ {
		data := a
		if i%2 == 1 {
			data = b
		}
		if _, err := Write([]File{{Dir: dir, Name: "big.yaml", Data: data}}); err != nil {
			os.Exit(1)
		}
	}
}
