package suppress

import (
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

func TestParseComment(t *testing.T) {
	tests := []struct {
		line   string
		ok     bool
		col    int
		rules  []string
		reason string
	}{
		{"# everynode:ignore host-network -- node metrics", true, 1, []string{"host-network"}, "node metrics"},
		{"  hostPID: true  # everynode:ignore host-pid,host-ipc -- reads /proc", true, 18, []string{"host-pid", "host-ipc"}, "reads /proc"},
		{"# everynode:ignore host-pid, host-ipc", true, 1, []string{"host-pid", "host-ipc"}, ""},
		{"#everynode:ignore host-pid -- a -- b", true, 1, []string{"host-pid"}, "a -- b"},
		{"# everynode:ignored host-pid -- x", false, 0, nil, ""},
		{`  url: http://example.com/#everynode:ignore x`, false, 0, nil, ""},
		{"# see everynode:ignore in the docs", false, 0, nil, ""},
		{"hostPID: true", false, 0, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			col, rules, reason, ok := parseComment(tt.line)
			if ok != tt.ok || col != tt.col || !slices.Equal(rules, tt.rules) || reason != tt.reason {
				t.Errorf("got %v %d %q %q, want %v %d %q %q", ok, col, rules, reason, tt.ok, tt.col, tt.rules, tt.reason)
			}
		})
	}
}

func TestFromCommentsCovers(t *testing.T) {
	src := strings.Join([]string{
		"spec:",                           // 1
		"  # everynode:ignore a -- above", // 2
		"",                                // 3
		"  # an ordinary comment",         // 4
		"  x: 1",                          // 5: covered by line 2
		"  y: 2 # everynode:ignore b -- trailing", // 6
		"  z: 3", // 7: not covered by 6
		"  # everynode:ignore c -- at the very end", // 8: covers nothing
	}, "\n")
	ds := FromComments(document.NewFile("f.yaml", []byte(src)), "f.yaml")
	var got []string
	for _, d := range ds {
		got = append(got, d.Rule+":"+string(rune('0'+d.Line))+">"+string(rune('0'+d.Covers)))
	}
	want := []string{"a:2>5", "b:6>0", "c:8>0"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	fs := []finding.Finding{{Rule: "a", File: "f.yaml", Line: 5}, {Rule: "b", File: "f.yaml", Line: 7}, {Rule: "a", File: "other.yaml", Line: 5}}
	Apply(fs, ds)
	if !fs[0].Suppressed || fs[1].Suppressed || fs[2].Suppressed {
		t.Errorf("suppressed: %v %v %v, want true false false", fs[0].Suppressed, fs[1].Suppressed, fs[2].Suppressed)
	}
}

func TestCheck(t *testing.T) {
	ds := []*Directive{
		{Rule: "used", Reason: "r", Kind: Annotation, Used: true},
		{Rule: "unused", Reason: "r", Kind: Annotation},
		{Rule: "disabled", Reason: "r", Kind: Annotation},
		{Rule: "no-reason", Kind: Comment, Used: true},
		{Rule: "unusedd", Reason: "r", Kind: Comment},
	}
	status := func(id string) Status {
		switch id {
		case "disabled":
			return Disabled
		case "used", "unused", "no-reason":
			return Enabled
		}
		return Unknown
	}
	var got []string
	for _, f := range Check(ds, status, []string{"used", "unused", "disabled", "no-reason"}) {
		got = append(got, f.Severity.String()+" "+f.Rule+": "+f.Message)
	}
	want := []string{
		`info unused-suppression: suppression annotation of "unused" matched no finding; remove it`,
		`warning suppression-without-reason: suppression comment of "no-reason" gives no reason: add one after " -- "`,
		`warning unused-suppression: suppression comment names rule "unusedd", which does not exist (did you mean "unused"?)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFromObject(t *testing.T) {
	obj := map[string]any{
		"metadata": map[string]any{"annotations": map[string]any{"ignore.everynode.dev/b": "why", "ignore.everynode.dev/a": "", "other": "x"}},
		"spec":     map[string]any{"template": map[string]any{"metadata": map[string]any{"annotations": map[string]any{"ignore.everynode.dev/c": "pod"}}}},
	}
	ds := FromObject(obj, nil, fieldpath.New("items").Index(1), "f.yaml", 2, finding.Resource{Kind: "DaemonSet"})
	var got []string
	for _, d := range ds {
		got = append(got, d.Rule+"="+d.Reason+"@"+fieldpath.Path(append(d.Base, d.Path()...)).String())
	}
	want := []string{
		"a=@items[1].metadata.annotations[ignore.everynode.dev/a]",
		"b=why@items[1].metadata.annotations[ignore.everynode.dev/b]",
		"c=pod@items[1].spec.template.metadata.annotations[ignore.everynode.dev/c]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
