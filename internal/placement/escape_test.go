package placement

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
)

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain-name.example", "plain-name.example"},
		{"tab\there", `tab\x09here`},
		{"line\nbreak\r", `line\x0abreak\x0d`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"del\x7f", `del\x7f`},
		{"c1\u009b2J", `c1\x9b2J`},
		{"rtl\u202eevil", `rtl\u202eevil`},
		{"isolate\u2066x\u2069", `isolate\u2066x\u2069`},
		{"sep\u2028", `sep\u2028`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"日本語のノード", "日本語のノード"},
	}
	for _, c := range cases {
		if got := escape(c.in); got != c.want {
			t.Errorf("escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestOutputsEscapeHostileNames places a DaemonSet whose names and a
// node whose name, labels and taints carry terminal escapes, line breaks
// and bidirectional controls, and checks that no format lets one through
// raw, while JSON still decodes to the exact strings.
func TestOutputsEscapeHostileNames(t *testing.T) {
	evil := "x\x1b]8;;http://evil\x07\u202e\nFAKE | **bold** <b>"
	d := ds(corev1.PodSpec{NodeSelector: map[string]string{"role": evil}})
	d.Name, d.Namespace = evil, evil
	node := Node{Node: *testNode(evil, map[string]string{"role": "a" + evil}, taint("k"+evil, evil, "NoSchedule"))}
	node.Status.Allocatable = rl("cpu", "1")
	res := Compute([]DaemonSetSource{{File: evil + ".yaml", DaemonSet: d}}, []Node{node}, Options{})
	for _, f := range formats {
		var buf bytes.Buffer
		if err := f.write(res, &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for i, r := range out {
			if r == '\n' {
				continue
			}
			if unsafeRune(r) || r == utf8.RuneError {
				t.Errorf("%s: raw %U at byte %d:\n%s", f.ext, r, i, out)
				break
			}
		}
		if strings.Contains(out, "\nFAKE") {
			t.Errorf("%s: a name broke a line:\n%s", f.ext, out)
		}
		if f.ext == "md" && strings.Contains(out, "**bold**") {
			t.Errorf("md: Markdown in a name is not escaped:\n%s", out)
		}
		if f.ext == "json" {
			var back Result
			if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.DaemonSets[0].Name != evil || back.DaemonSets[0].Nodes[0].Node != evil || back.DaemonSets[0].File != evil+".yaml" {
				t.Errorf("json: strings changed: %+v", back.DaemonSets[0])
			}
		}
	}
}
