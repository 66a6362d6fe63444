package document

import (
	"reflect"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
)

func TestParseTypesLikeKubectl(t *testing.T) {
	src := "a: yes\nb: 010\nc: 1_000\nd: '010'\ne: 0.5\nf: ~\ng: 2024-01-02\nh: on\n"
	s := Parse("x.yaml", []byte(src), Limits{})
	if len(s.Problems) != 0 {
		t.Fatalf("problems: %+v", s.Problems)
	}
	want := map[string]any{"a": true, "b": int64(8), "c": int64(1000), "d": "010", "e": 0.5, "f": nil, "g": "2024-01-02", "h": true}
	if !reflect.DeepEqual(s.Docs[0].Value, want) {
		t.Errorf("got %#v\nwant %#v", s.Docs[0].Value, want)
	}
}

func TestLocateAcrossDocuments(t *testing.T) {
	src := "a: 1\n---\nkind: X\nspec:\n  list:\n  - name: a\n    image: b\n  labels:\n    app.kubernetes.io/name: x\n"
	s := Parse("x.yaml", []byte(src), Limits{})
	if len(s.Docs) != 2 {
		t.Fatalf("docs = %d", len(s.Docs))
	}
	d := s.Docs[1]
	for _, tc := range []struct {
		path      string
		line, col int
		found     string
	}{
		{"spec.list[0].image", 7, 5, "spec.list[0].image"},
		{"spec.list[0]", 6, 5, "spec.list[0]"},
		{"spec.list[3].image", 5, 3, "spec.list"},
		{"spec.labels[app.kubernetes.io/name]", 9, 5, "spec.labels[app.kubernetes.io/name]"},
		{"spec.missing", 4, 1, "spec"},
	} {
		line, col, found := d.Locate(fieldpath.Parse(tc.path))
		if line != tc.line || col != tc.col || found.String() != tc.found {
			t.Errorf("%s: got %d:%d %s, want %d:%d %s", tc.path, line, col, found, tc.line, tc.col, tc.found)
		}
	}
}

func TestSyntaxErrorThenRecover(t *testing.T) {
	src := "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n"
	s := Parse("x.yaml", []byte(src), Limits{})
	if len(s.Problems) != 1 {
		t.Fatalf("problems = %+v", s.Problems)
	}
	if len(s.Docs) != 2 || s.Docs[1].Index != 2 || s.Docs[1].Line != 6 {
		t.Fatalf("docs: %d, %+v", len(s.Docs), s.Docs[len(s.Docs)-1])
	}
	t.Logf("%+v", s.Problems[0])
}

func TestDuplicateKey(t *testing.T) {
	s := Parse("x.yaml", []byte("a: 1\nb: 2\na: 3\n"), Limits{})
	if len(s.Problems) != 1 || s.Problems[0].Line != 3 {
		t.Fatalf("problems = %+v", s.Problems)
	}
}

func TestDuplicateKeyAfterResumeNamesFileLines(t *testing.T) {
	src := "a: [1\n---\nx: 1\ny: 2\nx: 3\n"
	s := Parse("x.yaml", []byte(src), Limits{})
	var dup *Problem
	for i := range s.Problems {
		if s.Problems[i].Line == 5 {
			dup = &s.Problems[i]
		}
	}
	if dup == nil {
		t.Fatalf("no duplicate-key problem at line 5: %+v", s.Problems)
	}
	if want := "first defined at line 3"; !strings.Contains(dup.Msg, want) {
		t.Errorf("message %q does not say %q", dup.Msg, want)
	}
}
