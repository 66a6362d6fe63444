package input

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExcluded(t *testing.T) {
	wd := t.TempDir()
	m, err := NewMatcher(wd, []Pattern{{Glob: "vendor"}, {Glob: "**/gen/*.yaml"}, {Glob: "./deploy/old/"}, {Glob: "*.tmpl.yaml"}, {Glob: "x", Base: filepath.Join(wd, "sub")}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want bool
	}{
		{"vendor", true},
		{"a/vendor/b.yaml", true},
		{"a/gen/b.yaml", true},
		{"gen/b.yaml", true},
		{"a/gen/sub/b.yaml", false},
		{"deploy/old/ds.yaml", true},
		{"deploy/new/ds.yaml", false},
		{"a/ds.tmpl.yaml", true},
		{"sub/x", true},
		{"x", false},
		{"ds.yaml", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			if got := m.Excluded(filepath.Join(wd, filepath.FromSlash(tt.path))); got != tt.want {
				t.Errorf("Excluded(%s) = %v, want %v", tt.path, got, tt.want)
			}
		})
	}
	if _, err := NewMatcher(wd, []Pattern{{Glob: "a/[b"}}); err == nil {
		t.Error("a bad glob was accepted")
	}
}

func TestWalk(t *testing.T) {
	wd := t.TempDir()
	for _, f := range []string{"b.yaml", "a.yml", "c.json", "d.txt", "Kptfile", ".hidden/x.yaml", ".pre-commit-config.yaml", "sub/z.yaml", "sub/a.YAML", "k/kustomization.yaml", "k/res.yaml", "k/sub/y.yaml"} {
		p := filepath.Join(wd, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(wd, "sub"), filepath.Join(wd, "link")); err != nil {
		t.Skip(err)
	}
	isK := func(dir string) bool { _, err := os.Stat(filepath.Join(dir, "kustomization.yaml")); return err == nil }
	w, err := NewWalker(Options{WorkDir: wd, IsKustomization: isK})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = w.Walk(context.Background(), []string{".", "d.txt", "-"}, func(s Source) error {
		name := s.Name
		if s.Kustomization {
			name += " (kustomization)"
		}
		got = append(got, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// link/ is the same directory as sub/: walked once, by the first name
	// in order. Files of a
	// kustomization are reached through its rendering; its
	// subdirectories are still walked. d.txt is named, so it is read.
	want := []string{".pre-commit-config.yaml", "a.yml", "b.yaml", "c.json", "k (kustomization)", "k/sub/y.yaml", "link/a.YAML", "link/z.yaml", "d.txt", "stdin"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if err := w.Check([]string{"b.yaml", "nope"}); !errors.As(err, new(*PathError)) {
		t.Errorf("Check: %v, want a PathError", err)
	}
}

func TestReadFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f.yaml")
	if err := os.WriteFile(p, make([]byte, 2048), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(p, 2048); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	var tl *TooLargeError
	if _, err := ReadFile(p, 2047); !errors.As(err, &tl) || tl.Size != 2048 {
		t.Errorf("over the limit: %v", err)
	}
}

func TestReadLimited(t *testing.T) {
	tests := []struct {
		name    string
		size    int
		limit   int64
		tooBig  bool
		wantLen int
	}{
		{"empty", 0, 10, false, 0},
		{"under", 5000, 10000, false, 5000},
		{"at the limit", 10000, 10000, false, 10000},
		{"over", 10001, 10000, true, 0},
		{"far over", 1 << 20, 10000, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := ReadLimited(bytes.NewReader(make([]byte, tt.size)), tt.limit)
			var tl *TooLargeError
			if tt.tooBig != errors.As(err, &tl) {
				t.Fatalf("err = %v, want too large %v", err, tt.tooBig)
			}
			if !tt.tooBig && len(data) != tt.wantLen {
				t.Errorf("read %d bytes, want %d", len(data), tt.wantLen)
			}
		})
	}
}

func TestFileContains(t *testing.T) {
	marker := []byte("CustomResourceDefinition")
	filler := bytes.Repeat([]byte("x"), 40<<10)
	// at puts the marker at an offset in a file larger than the read
	// buffer, so that it may span two reads.
	at := func(off int) []byte {
		b := append([]byte{}, filler...)
		copy(b[off:], marker)
		return b
	}
	tests := []struct {
		name  string
		data  []byte
		limit int64
		want  bool
		err   bool
	}{
		{"empty", nil, 1 << 20, false, false},
		{"small file", []byte("kind: CustomResourceDefinition\n"), 1 << 20, true, false},
		{"absent", filler, 1 << 20, false, false},
		{"at the start", at(0), 1 << 20, true, false},
		{"across the first read", at(32<<10 - 10), 1 << 20, true, false},
		{"right after the first read", at(32 << 10), 1 << 20, true, false},
		{"at the end", at(len(filler) - len(marker)), 1 << 20, true, false},
		{"a partial marker at the end", append(append([]byte{}, filler...), marker[:10]...), 1 << 20, false, false},
		{"over the limit", filler, 1 << 10, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f.yaml")
			if err := os.WriteFile(p, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := FileContains(p, marker, tt.limit)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("FileContains = %v, %v; want %v, error %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// BenchmarkReadFile reads a corpus file whole (every file is read once
// per run) and scans one for a marker (the CRD pre-pass).
func BenchmarkReadFile(b *testing.B) {
	p := filepath.Join(b.TempDir(), "agent.yaml")
	if err := os.WriteFile(p, bytes.Repeat([]byte("key: value with some text\n"), 400), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ReadFile(p, 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := FileContains(p, []byte("CustomResourceDefinition"), 1<<20); err != nil {
				b.Fatal(err)
			}
		}
	})
}
