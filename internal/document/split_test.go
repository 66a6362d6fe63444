package document

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// parseParts parses a file part by part, as a caller of Split does.
func parseParts(f *File, parts []Part) ([]*Document, []Problem) {
	var docs []*Document
	var problems []Problem
	for _, p := range parts {
		problems = append(problems, ParsePart(f, p, Limits{}, func(d *Document) { docs = append(docs, d) })...)
	}
	return docs, problems
}

// sameParse reports how parsing in parts differs from parsing whole
// ("" when it does not): the same documents, indexes, lines and values.
func sameParse(data []byte, n, minSize int) string {
	whole := Parse("f.yaml", data, Limits{})
	if len(whole.Problems) > 0 {
		return "" // callers parse a file with problems again whole
	}
	f := NewFile("f.yaml", data)
	parts := Split(f, n, minSize)
	docs, problems := parseParts(f, parts)
	if len(problems) > 0 {
		return fmt.Sprintf("parts %v: problems %v where the whole file has none", parts, problems)
	}
	if len(docs) != len(whole.Docs) {
		return fmt.Sprintf("parts %v: %d documents, want %d", parts, len(docs), len(whole.Docs))
	}
	for i, d := range docs {
		w := whole.Docs[i]
		if d.Index != w.Index || d.Line != w.Line || !reflect.DeepEqual(d.Value, w.Value) || (d.Node == nil) != (w.Node == nil) {
			return fmt.Sprintf("parts %v: document %d is %d at line %d (%v), want %d at line %d (%v)", parts, i, d.Index, d.Line, d.Value, w.Index, w.Line, w.Value)
		}
	}
	return ""
}

func TestSplit(t *testing.T) {
	obj := func(i int) string {
		return fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d}\ndata:\n  k: |\n    line\n    # not a comment\n", i)
	}
	var many []string
	for i := range 40 {
		many = append(many, obj(i))
	}
	tests := []struct {
		name  string
		data  string
		split bool
	}{
		{"content before the first marker", strings.Join(many, "---\n"), true},
		{"leading marker", "---\n" + strings.Join(many, "---\n"), true},
		{"comments before the first marker", "# header\n\n---\n" + strings.Join(many, "---\n"), true},
		{"empty documents", "---\n---\n" + strings.Join(many, "---\n---\n"), true},
		{"content on marker lines", "--- " + strings.Join(many[:10], "--- !!map\n") + "--- {a: 1}\n--- [1, 2]\n---\n" + strings.Join(many[10:], "---\n"), true},
		{"CRLF", strings.ReplaceAll(strings.Join(many, "---\n"), "\n", "\r\n"), true},
		{"a byte-order mark", "\ufeff---\n" + strings.Join(many, "---\n"), true},
		{"document end markers", strings.Join(many, "...\n---\n"), false},
		{"a directive", "%YAML 1.1\n---\n" + strings.Join(many, "---\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			for _, n := range []int{2, 3, 7} {
				parts := Split(NewFile("f.yaml", data), n, 64)
				if got := len(parts) > 1; got != tt.split {
					t.Errorf("n=%d: split into %d parts, want split=%v", n, len(parts), tt.split)
				}
				if diff := sameParse(data, n, 64); diff != "" {
					t.Errorf("n=%d: %s", n, diff)
				}
			}
			if parts := Split(NewFile("f.yaml", data), 2, len(data)); len(parts) != 1 {
				t.Errorf("a file under twice minSize is split: %v", parts)
			}
		})
	}
}

// FuzzSplit checks that parsing a file in the parts Split gives is parsing
// it whole, for every file that parses without problems.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("a: 1\n---\nb: 2\n---\n---\nc: [3]\n"), uint8(2))
	f.Add([]byte("# c\n---\na: |\n  x\n---\n--- {b: 1}\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, n uint8) {
		if diff := sameParse(data, int(n%8)+1, 1); diff != "" {
			t.Error(diff)
		}
	})
}
