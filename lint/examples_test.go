package lint_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// TestCatalogExamples lints each rule's Bad and Good examples as a user
// would meet them, through the whole engine with the embedded schemas:
// the Bad example must give a finding of the rule, the Good one must not
// (a suppressed finding does not count: a Good example may be the Bad one
// with its reason given). The rule is turned on whatever its default, and
// reference checks are on, so that an example need not carry the objects
// a reference rule would otherwise need to see first.
func TestCatalogExamples(t *testing.T) {
	for _, r := range rules.All() {
		if r.Doc.Bad == "" {
			// Only engine rules may have none (rule.Validate): no snippet
			// of YAML shows an unreadable file.
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			opts := lint.Options{CheckReferences: true, WorkDir: t.TempDir()}
			if r.Category != rule.Engine {
				opts.Enable = []string{r.ID}
			}
			l, err := lint.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, ex := range []struct {
				name, text string
				fire       bool
			}{{"Bad", r.Doc.Bad, true}, {"Good", r.Doc.Good, false}} {
				data, err := rule.Example(r.Doc.In, ex.text)
				if err != nil {
					t.Fatalf("Doc.%s: %v", ex.name, err)
				}
				res, err := l.LintDocuments(strings.ToLower(ex.name)+".yaml", data)
				if err != nil {
					t.Fatal(err)
				}
				var own, all []string
				for _, f := range res.Findings {
					all = append(all, f.String())
					if f.Rule == r.ID && !f.Suppressed {
						own = append(own, f.String())
					}
				}
				switch {
				case ex.fire && len(own) == 0:
					t.Errorf("Doc.%s gives no %s finding; linted as:\n%s\nfindings:\n  %s", ex.name, r.ID, data, strings.Join(all, "\n  "))
				case !ex.fire && len(own) > 0:
					t.Errorf("Doc.%s gives %s findings:\n  %s\nlinted as:\n%s", ex.name, r.ID, strings.Join(own, "\n  "), data)
				}
			}
		})
	}
}

// TestExampleSkeleton: the skeleton the examples are merged into is a
// valid DaemonSet with no error of its own (it has warnings: probes and limits are the examples' to show).
func TestExampleSkeleton(t *testing.T) {
	data, err := rule.Example(rule.InObject, "metadata: {name: example}\n")
	if err != nil {
		t.Fatal(err)
	}
	l, err := lint.New(lint.Options{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := l.LintDocuments("skeleton.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Severity >= finding.Error {
			t.Errorf("the skeleton has a finding: %s\n%s", f, data)
		}
	}
}

// A rule's finding at the field a "missing required field" error names
// replaces the schema's error at the parent: Kubernetes names the field.
func TestRuleReplacesMissingFieldError(t *testing.T) {
	src := `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a, namespace: b}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:v1
          readinessProbe:
            tcpSocket: {}
`
	res, err := mustNew(t, lint.Options{WorkDir: t.TempDir()}).LintDocuments("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			got = append(got, f.Rule+" "+f.Path.String())
		}
	}
	want := []string{"invalid-probe spec.template.spec.containers[0].readinessProbe.tcpSocket.port"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func mustNew(t *testing.T, opts lint.Options) *lint.Linter {
	t.Helper()
	l, err := lint.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}
