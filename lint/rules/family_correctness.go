package rules

import "github.com/everynode/everynode/lint/rule"

// correctness lists the correctness rules in catalog order.
func correctness() []*rule.Rule {
	return []*rule.Rule{}
}
