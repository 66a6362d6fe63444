package checker_test

import (
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// TestFacts checks that Run computes each fact once per object of its
// kind, hands it to the set, and turns a Compute that panics into an
// internal error on that object.
func TestFacts(t *testing.T) {
	calls := 0
	names := &rule.Fact{Kind: "ConfigMap", Compute: func(o *rule.Object) any {
		calls++
		if o.Resource.Name == "explodes" {
			panic("boom")
		}
		return o.Resource.Name
	}}
	doc := rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"}
	var got []string
	mk := func(id string) *rule.Rule {
		return &rule.Rule{ID: id, Category: rule.Reliability, Severity: finding.Info, Summary: "s", Doc: doc,
			Kinds: []string{"DaemonSet"}, Deferred: true, Facts: []*rule.Fact{names},
			Check: func(p *rule.Pass) {
				p.ReportLater(fieldpath.New("metadata"), func(set *rule.Set) (string, bool) {
					for _, f := range set.Facts(names) {
						got = append(got, f.(string))
					}
					return "seen", true
				})
			}}
	}
	// Two rules share the fact: it is computed once per object.
	c, err := checker.New([]*rule.Rule{mk("first"), mk("second")}, checker.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var targets []*checker.Target
	for _, r := range []finding.Resource{
		{APIVersion: "v1", Kind: "ConfigMap", Name: "a"}, {APIVersion: "v1", Kind: "ConfigMap", Name: "explodes"},
		{APIVersion: "v1", Kind: "ConfigMap", Name: "b"}, {APIVersion: "apps/v1", Kind: "DaemonSet", Name: "ds"},
	} {
		targets = append(targets, &checker.Target{Object: &rule.Object{Resource: r, Map: map[string]any{}}})
	}
	fs := c.Run(targets)
	if calls != 3 {
		t.Errorf("Compute ran %d times, want once per ConfigMap (3)", calls)
	}
	if want := "a b a b"; strings.Join(got, " ") != want {
		t.Errorf("the rules saw facts %q, want %q", got, want)
	}
	internal := 0
	for _, f := range fs {
		if f.Rule == finding.RuleInternal {
			internal++
			if f.Resource.Name != "explodes" || !strings.Contains(f.Message, "boom") {
				t.Errorf("internal error on the wrong object or without the cause: %+v", f)
			}
		}
	}
	if internal != 1 {
		t.Errorf("want one internal-error finding, got %d in %v", internal, fs)
	}
	if err := rule.Validate([]*rule.Rule{{ID: "not-deferred", Category: rule.Reliability, Severity: finding.Info, Summary: "s", Doc: doc,
		Facts: []*rule.Fact{names}, Check: func(*rule.Pass) {}}}); err == nil || !strings.Contains(err.Error(), "Facts without Deferred") {
		t.Errorf("Validate accepted facts on a rule that is not deferred: %v", err)
	}
}
