package document

import (
	"bytes"
	"encoding/json"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
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
