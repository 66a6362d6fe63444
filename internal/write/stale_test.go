package write

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteRemovesStaleTemps: a run killed between creating its temporary
// file and renaming it leaves ".NAME.tmp-XXXXXXXXXXXX" behind; the next
// Write of NAME removes it, and nothing else (another file's temporary
// file, a user's dotfile, a name that only looks similar).
func TestWriteRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		".a.yaml.tmp-0123456789ab": "half of a",
		".b.yaml.tmp-0123456789ab": "half of b",
		".a.yaml.tmp-notours":      "keep",
		".a.yaml.swp":              "keep",
		"a.yaml":                   "old",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Write([]File{{Dir: dir, Name: "a.yaml", Data: []byte("new\n")}}); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(readDir(t, dir), " ")
	if want := ".a.yaml.swp .a.yaml.tmp-notours .b.yaml.tmp-0123456789ab a.yaml"; got != want {
		t.Errorf("directory holds %s\nwant %s", got, want)
	}
	if _, err := Check([]File{{Dir: dir, Name: "b.yaml", Data: []byte("b\n")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".b.yaml.tmp-0123456789ab")); err != nil {
		t.Errorf("Check removed a file: %v", err)
	}
}

func TestTempFor(t *testing.T) {
	for tmp, want := range map[string]string{
		".a.yaml.tmp-0123456789ab":       "a.yaml",
		".a.tmp-b.yaml.tmp-abcdef012345": "a.tmp-b.yaml",
		"a.yaml.tmp-0123456789ab":        "",
		".a.yaml.tmp-0123456789":         "",
		".a.yaml.tmp-0123456789xy":       "",
		"..tmp-0123456789ab":             "",
	} {
		got, ok := tempFor(tmp)
		if got != want || ok != (want != "") {
			t.Errorf("tempFor(%q) = %q, %v; want %q", tmp, got, ok, want)
		}
	}
}
