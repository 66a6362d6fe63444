package rules

import "github.com/everynode/everynode/lint/rule"

// references lists the rules that look across objects, in catalog order.
// They are deferred: they run once every file has been read.
func references() []*rule.Rule {
	return []*rule.Rule{
		serviceAccountNotFoundRule,
		configMapNotFoundRule,
		secretNotFoundRule,
		priorityClassNotFoundRule,
		clusterAdminBindingRule,
	}
}
