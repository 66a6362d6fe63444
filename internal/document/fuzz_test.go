package document

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/everynode/everynode/internal/testkit/fuzztest"
	"github.com/everynode/everynode/lint/fieldpath"
)

// FuzzTypingMatchesKubectl holds the document model to what kubectl sends:
// wherever both sigs.k8s.io/yaml and our parser accept a document, the
// first document's value must be the same JSON. (The two use different
// YAML parsers, yaml.v2 and yaml.v3, which disagree on some malformed
// input; those cases are not comparable and are skipped.)
func FuzzTypingMatchesKubectl(f *testing.F) {
	for _, s := range typingSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		want, err := sigsyaml.YAMLToJSON(data)
		s := Parse("fuzz.yaml", data, Limits{})
		checkPositions(t, s)
		if err != nil {
			return
		}
		for _, p := range s.Problems {
			if p.Document == 0 {
				return
			}
		}
		var v any
		if len(s.Docs) > 0 {
			v = s.Docs[0].Value
		}
		got, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("our value does not marshal: %v (%#v)", err, v)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("typed differently from sigs.k8s.io/yaml\ninput: %q\n got: %s\nwant: %s", data, got, want)
		}
	})
}

// checkPositions asserts that every problem points inside the file.
func checkPositions(t *testing.T, s *Stream) {
	t.Helper()
	for _, p := range s.Problems {
		if p.Line < 1 || p.Line > s.File.Lines() || p.Column < 1 {
			t.Fatalf("problem outside the file (%d lines): %+v", s.File.Lines(), p)
		}
	}
}

var typingSeeds = []string{
	"",
	"a: yes\nb: no\nc: on\nd: off\ne: y\nf: N\n",
	"a: 010\nb: 0x1F\nc: 0o17\nd: 1_000\ne: -0b101\nf: 0b11\n",
	"a: 1.5\nb: .5\nc: 1e3\nd: -.inf\ne: 6.02e+23\nf: 1.\n",
	"a: ~\nb: null\nc:\nd: Null\n",
	"a: 2024-01-02\nb: 2001-12-14t21:59:43.10-05:00\n",
	"a: '010'\nb: \"yes\"\nc: |\n  text\nd: >\n  folded\n",
	"a: !!str 10\nb: !!float 1\nc: !!int '12'\nd: !!binary aGVsbG8=\n",
	"base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
	"m:\n  <<: [{a: 1}, {a: 2, b: 2}]\n  c: 3\n",
	"1: a\ntrue: b\n1.5: c\nyes: d\n",
	"- a\n- [b, c]\n- {d: e}\n",
	"a: 9223372036854775807\nb: 9223372036854775808\nc: 18446744073709551616\n",
	"a: +1\nb: -0\nc: +.5\nd: 0.0\n",
	"apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: x\nspec:\n  template:\n    spec:\n      nodeSelector:\n        gpu: yes\n",
	"a: 1\n---\nb: 2\n",
	"\xef\xbb\xbfa: 1\n",
	"a: 1\r\nb: 2\r\n",
}

// FuzzParsePositions holds Parse to its promise on any bytes: it returns
// (no panic, no hang), every problem is at a line and column inside the
// file, every node on a line of it, documents are numbered in order, and
// Locate and LocateValue never leave the file.
func FuzzParsePositions(f *testing.F) {
	for _, s := range typingSeeds {
		f.Add([]byte(s))
	}
	for _, s := range positionSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		s := Parse("fuzz.yaml", data, Limits{MaxDepth: 64, MaxNodes: 10_000})
		checkPositions(t, s)
		last := -1
		for _, d := range s.Docs {
			if d.Index <= last {
				t.Fatalf("document %d follows document %d", d.Index, last)
			}
			last = d.Index
			if d.Line < 1 || d.Line > s.File.Lines() {
				t.Fatalf("document %d starts at line %d of %d", d.Index, d.Line, s.File.Lines())
			}
			if d.Node == nil {
				continue
			}
			// Node lines are inside the file; columns can be past the end
			// of a line on odd input (a stray U+FEFF before U+2028), which
			// is why positions leave the package through Locate, clamped.
			walkNodes(d.Node, func(n *yaml.Node) {
				if n.Line < 1 || n.Line > s.File.Lines() || n.Column < 1 {
					t.Fatalf("node %q at %d:%d is outside the file (%d lines)", n.Value, n.Line, n.Column, s.File.Lines())
				}
			})
			for _, p := range []string{"metadata.name", "spec.template.spec.containers[0].image", "a", "[0]", "a.b[1].c", "b"} {
				path := fieldpath.Parse(p)
				line, col, _ := d.Locate(path)
				if !inFile(s.File, line, col) {
					t.Fatalf("Locate(%s) = %d:%d, outside the file", p, line, col)
				}
				line, col, _ = d.LocateValue(path)
				if !inFile(s.File, line, col) {
					t.Fatalf("LocateValue(%s) = %d:%d, outside the file", p, line, col)
				}
			}
		}
		for _, p := range s.Problems {
			if p.Document < 0 || p.Document >= len(s.Docs)+len(s.Problems) {
				t.Fatalf("problem in document %d of at most %d: %+v", p.Document, len(s.Docs)+len(s.Problems), p)
			}
			if p.Msg == "" {
				t.Fatalf("problem without a message at %d:%d", p.Line, p.Column)
			}
		}
	})
}

// inFile reports whether line:col exists: columns run to one past the
// last character (where an empty value or the end of the line is).
func inFile(f *File, line, col int) bool {
	if line < 1 || line > f.Lines() || col < 1 {
		return false
	}
	text := f.Line(line)
	if line == 1 {
		text = strings.TrimPrefix(text, "\uFEFF")
	}
	return col <= utf8.RuneCountInString(text)+1
}

func walkNodes(n *yaml.Node, fn func(*yaml.Node)) {
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		fn(n)
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}

var positionSeeds = []string{
	"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a, b\ndata: {}\n",
	"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b\ndata:\n  x: y\n",
	"metadata:\n  name: a\n   namespace: b\n",
	"metadata:\n  name: \"a\n  namespace: b\n",
	"metadata:\n  name: a: b\n",
	"metadata:\n  name: *nope\n",
	"metadata:\n  name: &\n",
	"metadata:\n\tname: a\n",
	"metadata:\n  name: a\n...\n  namespace: b\n",
	"a: [1\n---\nb: 2\n---\nc: {\n---\nd: 4\n",
	"schedule: * * * * *\n",
	"a: \xff\xfe\n---\nb: 1\n",
	"\xff\xfea\x00:\x00 \x001\x00\n\x00",
	"\xfe\xff\x00a\x00:\x00 \x001\x00\n",
	"a: 1\r\nb: [2\r\n---\r\nc: 3\r\n",
	"a: 1\rb: 2\r",
	"a: 1\u2028b: 2\u0085c: 3\n",
	"\xef\xbb\xbfapiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
	"base: &b {x: 1}\nlist: [*b, *b, *b]\nm:\n  <<: *b\n",
	"a: &a [*a]\n",
	"---\n# only a comment\n---\n...\n",
	"~\n---\nnull\n---\n- 1\n---\n42\n",
	"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"x\"}}\n",
	"{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n",
	"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	"%YAML 1.1\n%YAML 1.1\n---\na: 1\n",
	"%TAG ! tag:x,2024:\n--- !foo\na: 1\n",
	"a: !!binary aGVsbG8=\nb: !!binary '%%'\n",
	"a:\n  b:\n    c: 1\n   d: 2\n",
	"key: |\n  text\n line\n",
	"? [a, b]\n: c\n",
}
