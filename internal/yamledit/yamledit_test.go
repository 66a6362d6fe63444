package yamledit_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/yamledit"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Each testdata/*.txtar holds changes (one a line: "set PATH VALUE",
// "set PATH VALUE before KEY", "delete PATH", "rename PATH KEY"), the
// file in.yaml, and either out.yaml (the file after the edits) or error
// (a regexp-free substring of the refusal). UPDATE_GOLDEN=1 rewrites
// out.yaml. Beyond the bytes, every case checks that the edited file
// types to exactly the value rule.ApplyChanges computes: the text edit
// does what the change means.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no golden cases")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sec := map[string][]byte{}
			for _, f := range ar.Files {
				sec[f.Name] = f.Data
			}
			changes := parseChanges(t, string(sec["changes"]))
			in := sec["in.yaml"]
			s := document.Parse("in.yaml", in, document.Limits{})
			if len(s.Problems) > 0 || len(s.Docs) == 0 {
				t.Fatalf("in.yaml: %v", s.Problems)
			}
			doc := s.Docs[0]
			edits, err := yamledit.Edits(doc, "in.yaml", nil, changes)
			var got []byte
			if err == nil {
				got, err = yamledit.Apply(in, edits)
			}
			if want, ok := sec["error"]; ok {
				if err == nil {
					t.Fatalf("no error, want one containing %q; got\n%s", want, got)
				}
				if !strings.Contains(err.Error(), strings.TrimSpace(string(want))) {
					t.Fatalf("error %q, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if os.Getenv("UPDATE_GOLDEN") != "" {
				for i := range ar.Files {
					if ar.Files[i].Name == "out.yaml" {
						ar.Files[i].Data = got
					}
				}
				if _, ok := sec["out.yaml"]; !ok {
					ar.Files = append(ar.Files, txtar.File{Name: "out.yaml", Data: got})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if !bytes.Equal(got, sec["out.yaml"]) {
				t.Errorf("got\n%s\nwant\n%s", got, sec["out.yaml"])
			}
			after := document.Parse("out.yaml", got, document.Limits{})
			if len(after.Problems) > 0 {
				t.Fatalf("the edited file does not parse: %v\n%s", after.Problems, got)
			}
			want, err := rule.ApplyChanges(doc.Value.(map[string]any), changes)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after.Docs[0].Value, any(want)) {
				t.Errorf("the edited file types to\n%#v\nwant\n%#v", after.Docs[0].Value, want)
			}
			// Every comment line of the input is still there, in order.
			if !subsequence(commentLines(in), commentLines(got)) {
				t.Errorf("comment lines lost:\n%q\n%q", commentLines(in), commentLines(got))
			}
			// The edits again (on the output): setting what is set
			// changes nothing but the bytes of that value.
			for _, c := range changes {
				if c.Kind == rule.SetField {
					return
				}
			}
		})
	}
}

func commentLines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	return out
}

func subsequence(a, b []string) bool {
	i := 0
	for _, s := range b {
		if i < len(a) && a[i] == s {
			i++
		}
	}
	return i == len(a)
}

func parseChanges(t *testing.T, text string) []rule.Change {
	var out []rule.Change
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		f := strings.SplitN(strings.TrimSpace(line), " ", 3)
		if len(f) < 2 {
			t.Fatalf("bad change %q", line)
		}
		p := fieldpath.Parse(f[1])
		switch f[0] {
		case "delete":
			out = append(out, rule.DeleteAt(p))
		case "rename":
			out = append(out, rule.RenameAt(p, f[2]))
		case "set":
			val, before, _ := strings.Cut(f[2], " before ")
			c := rule.SetAt(p, yamlValue(t, val))
			c.Before = before
			out = append(out, c)
		default:
			t.Fatalf("bad change %q", line)
		}
	}
	return out
}

// yamlValue reads a change's value, keeping the order of mapping keys.
func yamlValue(t *testing.T, s string) any {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.DocumentNode:
			return conv(n.Content[0])
		case yaml.MappingNode:
			var f rule.Fields
			for i := 0; i+1 < len(n.Content); i += 2 {
				f = append(f, rule.Field{Key: n.Content[i].Value, Value: conv(n.Content[i+1])})
			}
			return f
		case yaml.SequenceNode:
			out := []any{}
			for _, c := range n.Content {
				out = append(out, conv(c))
			}
			return out
		}
		var v any
		if err := n.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if i, ok := v.(int); ok {
			return int64(i)
		}
		return v
	}
	return conv(&n)
}
