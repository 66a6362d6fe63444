package yamledit_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/yamledit"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// TestCorpusEdits is a property test over every manifest of the
// repository's test data, with edits nobody chose by hand: for every
// field of every document, replace its value, delete it, rename it and
// add a sibling. Each edit is either refused with a reason or gives a
// file that parses, whose edited document types to exactly what
// rule.ApplyChanges says, whose other documents are unchanged, and which
// keeps every comment line in order.
func TestCorpusEdits(t *testing.T) {
	var files []string
	for _, root := range []string{"../../lint/testdata/corpus", "../../lint/rules/testdata", "../../testdata", "../../templates"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 100 {
		t.Fatalf("only %d files", len(files))
	}
	var made, refused int
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		s := document.Parse(file, data, document.Limits{})
		if len(s.Problems) > 0 || !bytes.Equal(s.File.Data, data) {
			continue
		}
		for di, doc := range s.Docs {
			m, ok := doc.Value.(map[string]any)
			if !ok {
				continue
			}
			for _, c := range changesFor(m, 40) {
				edits, err := yamledit.Edits(doc, file, nil, []rule.Change{c})
				if err != nil {
					refused++
					continue
				}
				made++
				out, err := yamledit.Apply(data, edits)
				if err != nil {
					t.Fatalf("%s: %v: %v", file, c, err)
				}
				after := document.Parse(file, out, document.Limits{})
				if len(after.Problems) > 0 || len(after.Docs) != len(s.Docs) {
					t.Errorf("%s: %s %s: the edited file does not parse: %v\n%s", file, kind(c), c.Path, after.Problems, out)
					continue
				}
				want, err := rule.ApplyChanges(m, []rule.Change{c})
				if err != nil {
					t.Fatal(err)
				}
				for i := range s.Docs {
					exp := s.Docs[i].Value
					if i == di {
						exp = want
					}
					if !reflect.DeepEqual(after.Docs[i].Value, exp) {
						t.Errorf("%s: %s %s: document %d types to\n%v\nwant\n%v\n%s", file, kind(c), c.Path, i, after.Docs[i].Value, exp, out)
					}
				}
				if !bytes.ContainsAny(data, "|>") && !subsequence(commentLines(data), commentLines(out)) {
					t.Errorf("%s: %s %s: comment lines lost\n%s", file, kind(c), c.Path, out)
				}
			}
		}
	}
	t.Logf("%d files: %d edits made and checked, %d refused", len(files), made, refused)
	if made < 1000 {
		t.Errorf("only %d edits made", made)
	}
}

func kind(c rule.Change) string {
	return map[rule.ChangeKind]string{rule.SetField: "set", rule.DeleteField: "delete", rule.RenameField: "rename"}[c.Kind]
}

// changesFor lists edits of the fields of m, at most n.
func changesFor(m map[string]any, n int) []rule.Change {
	var out []rule.Change
	var walk func(v any, p fieldpath.Path)
	walk = func(v any, p fieldpath.Path) {
		if len(out) >= n {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			if len(p) > 0 {
				out = append(out, rule.SetAt(p.Child("zzAdded"), rule.Fields{{Key: "a", Value: "b"}, {Key: "n", Value: int64(1)}}))
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				e := x[k]
				c := p.Child(k)
				if len(x) > 1 {
					out = append(out, rule.DeleteAt(c))
				}
				if _, clash := x[k+"Renamed"]; !clash {
					out = append(out, rule.RenameAt(c, k+"Renamed"))
				}
				walk(e, c)
			}
		case []any:
			for i, e := range x {
				walk(e, p.Index(i))
			}
		default:
			if len(p) > 0 {
				out = append(out, rule.SetAt(p, "new value: with 'quotes'"), rule.SetAt(p, int64(42)))
			}
		}
	}
	walk(m, nil)
	if len(out) > n {
		out = out[:n]
	}
	return out
}
