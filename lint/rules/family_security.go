package rules

import "github.com/everynode/everynode/lint/rule"

// security lists the security rules in catalog order: host access first
// (info, asking for a reason), then the container hardening rules.
func security() []*rule.Rule {
	return []*rule.Rule{
		hostNetworkRule,
		hostPIDRule,
		hostIPCRule,
		hostPathRule,
		hostPathWithoutTypeRule,
		hostPortRule,
		privilegedContainerRule,
		hostProcessRule,
		dangerousCapabilityRule,
		capabilitiesNotDroppedRule,
		privilegeEscalationRule,
		runsAsRootRule,
		writableRootFilesystemRule,
		seccompUnconfinedRule,
		missingSeccompProfileRule,
		appArmorUnconfinedRule,
		customSELinuxRule,
		unmaskedProcMountRule,
		unsafeSysctlRule,
		probeHostRule,
		disallowedVolumeTypeRule,
		secretInEnvRule,
		automountedTokenRule,
	}
}
