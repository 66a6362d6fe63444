package lint

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/lint/finding"
)

// TestLoadFallsBack checks how a kept object is found again when its
// bytes no longer hold it: by its document index in the whole file, or
// not at all when the file changed.
func TestLoadFallsBack(t *testing.T) {
	file := "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: first}\n---\n" +
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: second}\n"
	path := filepath.Join(t.TempDir(), "sa.yaml")
	if err := os.WriteFile(path, []byte(file), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := New(Options{SchemaOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	r := l.newRun()
	second := finding.Resource{APIVersion: "v1", Kind: "ServiceAccount", Name: "second"}
	tests := []struct {
		name   string
		k      keptObject
		wantOK bool
	}{
		{"its own bytes", keptObject{res: second, index: 1, lo: 64, hi: int64(len(file))}, true},
		{"the wrong bytes, found by index", keptObject{res: second, index: 1, lo: 0, hi: 60}, true},
		{"no bytes, found by index", keptObject{res: second, index: 1}, true},
		{"gone from the file", keptObject{res: finding.Resource{APIVersion: "v1", Kind: "ServiceAccount", Name: "third"}, index: 1, lo: 64, hi: int64(len(file))}, false},
		{"past the end", keptObject{res: second, index: 2, lo: 500, hi: 600}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.k.path, tt.k.file = path, "sa.yaml"
			o := r.load(&tt.k)
			if (o != nil) != tt.wantOK {
				t.Fatalf("load = %v, want found %v", o, tt.wantOK)
			}
			if o != nil && o.Resource != second {
				t.Errorf("loaded %v, want %v", o.Resource, second)
			}
		})
	}
}
