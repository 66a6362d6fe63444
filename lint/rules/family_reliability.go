package rules

import "github.com/everynode/everynode/lint/rule"

// reliability lists the reliability rules in catalog order.
func reliability() []*rule.Rule {
	return []*rule.Rule{
		missingResourceRequestsRule,
		missingMemoryLimitRule,
		missingReadinessProbeRule,
		missingLivenessProbeRule,
		identicalProbesRule,
		missingMinReadySecondsRule,
		latestImageTagRule,
		imageWithoutDigestRule,
		hostNetworkDNSPolicyRule,
		versionLabelInSelectorRule,
		missingUpdateStrategyRule,
		missingPriorityClassRule,
		missingControlPlaneTolerationRule,
		toleratesAllTaintsRule,
		missingNamespaceRule,
	}
}
