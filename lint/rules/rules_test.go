package rules

import (
	"testing"

	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// TestRules runs every rule with a Check on its fixtures in
// testdata/<rule-id>/ (see package ruletest): a new rule needs no test
// code.
func TestRules(t *testing.T) {
	t.Parallel()
	ruletest.Run(t, "testdata", checked()...)
}

// TestCatalogComplete fails when a rule has no fixtures or an incomplete
// doc, or when a fixture directory names no rule, so the catalog and its
// tests cannot drift apart.
func TestCatalogComplete(t *testing.T) {
	ruletest.Complete(t, "testdata", All(), "agents", "rbac-agents")
}

// checked returns the rules with a Check: the catalog without the
// engine's own findings, which the engine's tests cover.
func checked() []*rule.Rule {
	var out []*rule.Rule
	for _, r := range All() {
		if r.Check != nil {
			out = append(out, r)
		}
	}
	return out
}
