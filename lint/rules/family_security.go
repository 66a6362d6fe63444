package rules

import "github.com/everynode/everynode/lint/rule"

// security lists the security rules in catalog order.
func security() []*rule.Rule {
	return []*rule.Rule{}
}
