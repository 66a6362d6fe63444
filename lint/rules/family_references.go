package rules

import "github.com/everynode/everynode/lint/rule"

// references lists the references rules in catalog order.
func references() []*rule.Rule {
	return []*rule.Rule{}
}
