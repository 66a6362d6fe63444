// Package rules is everynode's rule catalog. Each rule is a value in its
// own file; All lists them explicitly, family by family, so the catalog is
// one place to read and a test can check every entry.
package rules

import (
	"slices"

	"github.com/everynode/everynode/lint/rule"
)

// All returns every rule, in catalog order. The slice is new on each call;
// the rules are shared and must not be modified.
func All() []*rule.Rule {
	return slices.Concat(correctness(), reliability(), security(), references())
}

// ByID returns the rule with the given ID.
func ByID(id string) (*rule.Rule, bool) {
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return nil, false
}
