package rules

import "github.com/everynode/everynode/lint/rule"

// correctness lists the correctness rules in catalog order: the object's
// identity, the DaemonSet spec, then its pod template from the pod down to
// containers, ports, probes, volumes and resources.
func correctness() []*rule.Rule {
	return []*rule.Rule{
		invalidObjectNameRule,
		invalidNamespaceRule,
		invalidLabelRule,
		invalidAnnotationKeyRule,
		missingSelectorRule,
		invalidSelectorRule,
		selectorMismatchRule,
		deploymentFieldInDaemonSetRule,
		invalidUpdateStrategyRule,
		rollingUpdateIgnoredRule,
		maxSurgeWithHostPortRule,
		invalidRestartPolicyRule,
		activeDeadlineInTemplateRule,
		dnsNoneWithoutConfigRule,
		unsupportedValueRule,
		invalidTolerationRule,
		missingContainersRule,
		invalidContainerNameRule,
		duplicateContainerNameRule,
		missingImageRule,
		duplicateEnvNameRule,
		invalidEnvRule,
		privilegeEscalationConflictRule,
		invalidPortRule,
		invalidPortNameRule,
		duplicatePortNameRule,
		hostPortMismatchRule,
		hostPortConflictRule,
		probePortNotDeclaredRule,
		invalidSuccessThresholdRule,
		probeInInitContainerRule,
		invalidProbeRule,
		invalidVolumeNameRule,
		duplicateVolumeNameRule,
		invalidVolumeSourceRule,
		missingVolumeRule,
		duplicateMountPathRule,
		bidirectionalPropagationRule,
		invalidHostPathTypeRule,
		requestsExceedLimitsRule,
	}
}
