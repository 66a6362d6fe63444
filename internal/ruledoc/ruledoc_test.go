package ruledoc

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// referencePath is docs/rules.md, relative to this package.
var referencePath = filepath.Join("..", "..", "docs", "rules.md")

// TestReferenceUpToDate fails when docs/rules.md is not what the registry
// renders; UPDATE_GOLDEN=1 rewrites it.
func TestReferenceUpToDate(t *testing.T) {
	var buf bytes.Buffer
	if err := Reference(&buf, rules.All()); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := writeFile(referencePath, buf.Bytes()); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(referencePath)
	if err != nil {
		t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./internal/ruledoc to generate it)", err)
	}
	if !bytes.Equal(got, buf.Bytes()) {
		t.Errorf("docs/rules.md is stale: run UPDATE_GOLDEN=1 go test ./internal/ruledoc")
	}
}

// writeFile replaces a file through a temporary file, so a failed write
// never leaves half a document.
func writeFile(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".rules-*.md")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// TestReferenceAnchors checks that every rule has a heading whose anchor
// is the one rule.URL points at, and only one.
func TestReferenceAnchors(t *testing.T) {
	var buf bytes.Buffer
	all := rules.All()
	if err := Reference(&buf, all); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	for _, r := range all {
		t.Run(r.ID, func(t *testing.T) {
			if n := strings.Count(doc, "\n### "+r.ID+"\n"); n != 1 {
				t.Errorf("%d headings for %s, want 1", n, r.ID)
			}
			if !strings.HasSuffix(r.URL(), "docs/rules.md#"+r.ID) {
				t.Errorf("URL %s does not point at the reference's anchor", r.URL())
			}
		})
	}
}

// TestExplainEveryRule renders every rule's page and checks it has what
// `everynode explain` promises.
func TestExplainEveryRule(t *testing.T) {
	for _, r := range rules.All() {
		t.Run(r.ID, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Explain(&buf, r); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if flat := strings.Join(strings.Fields(out), " "); !strings.HasPrefix(flat, r.ID+": "+strings.Join(strings.Fields(r.Summary), " ")) {
				t.Errorf("explain %s does not start with its ID and summary:\n%s", r.ID, out)
			}
			want := []string{"What it flags", "Why it matters", "How to fix", "How to suppress"}
			if r.Doc.Bad != "" {
				want = append(want, "Bad", "Good")
			}
			if !suppress.Meta(r.ID) {
				want = append(want, "ignore.everynode.dev/"+r.ID+`: "<reason>"`, "# everynode:ignore "+r.ID+" -- <reason>")
			}
			for _, p := range r.Params {
				want = append(want, p.Info().Name+" (default: ")
			}
			if r.Doc.Mirrors != "" {
				want = append(want, "What it mirrors")
			}
			if r.Disabled {
				want = append(want, r.ID+": {enabled: true}")
			}
			for _, w := range want {
				if !strings.Contains(out, w) {
					t.Errorf("explain %s lacks %q:\n%s", r.ID, w, out)
				}
			}
			for i, l := range strings.Split(out, "\n") {
				// Prose wraps at the width; only unbreakable words and
				// examples may run past it.
				if n := utf8.RuneCountInString(l); n > width && !strings.HasPrefix(l, "    ") && strings.Contains(strings.TrimSpace(l), " ") {
					t.Errorf("line %d is %d wide: %q", i+1, n, l)
				}
			}
		})
	}
}

func TestExplainText(t *testing.T) {
	r := &rule.Rule{
		ID: "demo-rule", Category: rule.Security, Severity: finding.Info, Disabled: true, PodSecurity: rule.Restricted,
		Summary: "a demo",
		Doc:     rule.Doc{What: "What.", Why: "Why.", Bad: "a: 1\n", Good: "a: 2\n", Fix: "Fix.", Mirrors: "Nothing."},
		Params: []rule.Parameter{
			&rule.Param[[]string]{Name: "names", Doc: "some names", Default: []string{"a", "b"}},
			&rule.Param[string]{Name: "dir", Doc: "a dir", Default: "/x"},
		},
	}
	var buf bytes.Buffer
	if err := Explain(&buf, r); err != nil {
		t.Fatal(err)
	}
	want := `demo-rule: a demo

  security · info · off by default · Pod Security restricted
  https://github.com/everynode/everynode/blob/main/docs/rules.md#demo-rule

What it flags
  What.

Why it matters
  Why.

Pod Security
  This rule implements a Pod Security Standards restricted control: with
  ` + "`podSecurity: restricted`" + ` in .everynode.yaml it is enabled and its findings
  are at least warnings.

Bad
    a: 1

Good
    a: 2

How to fix
  Fix.

What it mirrors
  Nothing.

How to suppress
  On the object's own metadata, with the reason as the value (a suppression
  without a reason is itself reported):
    metadata:
      annotations:
        ignore.everynode.dev/demo-rule: "<reason>"
  or with a comment on the offending line or the line above it:
    # everynode:ignore demo-rule -- <reason>
  In an everynode Daemon spec: ignore: [{rule: demo-rule, reason: "<reason>"}].

Parameters
  names (default: a, b)
      some names
  dir (default: "/x")
      a dir
  Set them in .everynode.yaml:
    lint:
      rules:
        demo-rule:
          params:
            names: ["a", "b"]

Enabling it
  Off by default. In .everynode.yaml:
    lint:
      rules:
        demo-rule: {enabled: true}
`
	if got := buf.String(); got != want {
		t.Errorf("explain:\n%s\nwant:\n%s", got, want)
	}
}

func TestTable(t *testing.T) {
	var buf bytes.Buffer
	all := rules.All()
	if err := Table(&buf, all); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(all)+1 {
		t.Fatalf("%d lines for %d rules", len(lines), len(all))
	}
	header := regexp.MustCompile(`^ID +CATEGORY +SEVERITY +DEFAULT +SUMMARY$`)
	if !header.MatchString(lines[0]) {
		t.Errorf("header %q", lines[0])
	}
	for i, r := range all {
		row := regexp.MustCompile(`^` + regexp.QuoteMeta(r.ID) + ` +` + string(r.Category) + ` +` + r.Severity.String() + ` +(on|off|always) +` + regexp.QuoteMeta(r.Summary) + `$`)
		if !row.MatchString(lines[i+1]) {
			t.Errorf("row %d: %q", i+1, lines[i+1])
		}
	}
}

func TestJSON(t *testing.T) {
	var buf bytes.Buffer
	all := rules.All()
	if err := JSON(&buf, all); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Rules []struct {
			ID, Category, Severity, Summary, URL, PodSecurity string
			Enabled                                           bool
			Params                                            []struct{ Name, Doc string }
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Rules) != len(all) {
		t.Fatalf("%d rules in JSON, want %d", len(got.Rules), len(all))
	}
	for i, r := range all {
		g := got.Rules[i]
		if g.ID != r.ID || g.Category != string(r.Category) || g.Severity != r.Severity.String() || g.Enabled == r.Disabled || g.URL != r.URL() || len(g.Params) != len(r.Params) {
			t.Errorf("rule %d: %+v does not match %s", i, g, r.ID)
		}
		if (g.PodSecurity != "") != (r.PodSecurity != rule.PodSecurityNone) {
			t.Errorf("%s: podSecurity %q", r.ID, g.PodSecurity)
		}
	}
}

func TestMarkdownTable(t *testing.T) {
	var buf bytes.Buffer
	all := rules.All()
	if err := MarkdownTable(&buf, all); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, r := range all {
		if !strings.Contains(out, "| [`"+r.ID+"`]("+r.URL()+") |") {
			t.Errorf("no row for %s", r.ID)
		}
	}
}

func TestSuggest(t *testing.T) {
	rs := []*rule.Rule{{ID: "host-network"}, {ID: "host-pid"}, {ID: "host-ipc"}, {ID: "privileged-container"}, {ID: "latest-image-tag"}}
	tests := []struct {
		in   string
		want []string
	}{
		{"host-netwrok", []string{"host-network"}},
		{"privileged", []string{"privileged-container"}},
		{"host-pdi", []string{"host-pid"}},
		{"HOST-PID", []string{"host-pid"}},
		{"host", []string{"host-network", "host-pid", "host-ipc"}},
		{"completely-unrelated", nil},
		{"", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := Suggest(tc.in, rs); !slices.Equal(got, tc.want) {
				t.Errorf("Suggest(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
