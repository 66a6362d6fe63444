// Package rules is everynode's rule catalog: every rule is a value
// (rule.Rule), and All lists them in one explicit list, in the order
// `everynode rules` and docs/rules.md present them, so that the catalog is
// one place to read and a test can check every entry. There is no init()
// registration: a rule that is not in the list does not exist.
//
// # Adding a rule
//
// A rule is one file plus one line:
//
//  1. Write the rule as a package-level value in a file of its family
//     (correctness_*.go, reliability_*.go, security_*.go, references_*.go),
//     or in a file of its own: an ID that says what is wrong, a category,
//     a severity, a summary, a complete Doc (what, why, a Bad and a Good
//     example written where Doc.In says, see rule.ExampleIn, the fix), its
//     parameters (rule.Param values declared next to it) and a Check that
//     reports through pass.Report with a field path.
//  2. Add it to the list below, in its family.
//  3. Add fixtures in testdata/<rule-id>/: fire-*.yaml with a
//     "# want" comment on each line that must carry a finding, and
//     dont-fire-*.yaml that must give none (see package ruletest).
//  4. Run UPDATE_GOLDEN=1 go test ./internal/ruledoc to regenerate
//     docs/rules.md.
//
// TestRules runs every rule on its fixtures with no further test code;
// TestCatalogComplete fails until the rule has fixtures that fire and do
// not fire and a complete doc; the engine's TestCatalogExamples lints the
// rule's Bad example, which must give a finding of the rule, and its Good
// example, which must not.
//
// The engine's own findings (yaml-syntax, schema, unused-suppression, ...)
// are rules of category rule.Engine in the same list (engine.go): they
// have no Check, the engine reports them, and they are listed so that
// every rule ID a finding can carry is documented from one place.
package rules

import (
	"slices"

	"github.com/everynode/everynode/lint/rule"
)

// All returns every rule, in catalog order. The slice is new on each call;
// the rules are shared and must not be modified.
func All() []*rule.Rule { return slices.Clone(catalog) }

// ByID returns the rule with the given ID.
func ByID(id string) (*rule.Rule, bool) {
	i := slices.IndexFunc(catalog, func(r *rule.Rule) bool { return r.ID == id })
	if i < 0 {
		return nil, false
	}
	return catalog[i], true
}

// catalog is the one list of rules.
var catalog = []*rule.Rule{
	// Correctness: the object's identity, the DaemonSet spec, then its pod
	// template from the pod down to containers, ports, probes, volumes and
	// resources.
	invalidObjectNameRule,
	invalidNamespaceRule,
	invalidLabelRule,
	invalidAnnotationKeyRule,
	invalidMetadataRule,
	missingSelectorRule,
	invalidSelectorRule,
	selectorMismatchRule,
	deploymentFieldInDaemonSetRule,
	invalidDaemonSetSpecRule,
	invalidUpdateStrategyRule,
	rollingUpdateIgnoredRule,
	maxSurgeWithHostPortRule,
	invalidRestartPolicyRule,
	activeDeadlineInTemplateRule,
	ephemeralContainersInTemplateRule,
	invalidReferenceNameRule,
	dnsNoneWithoutConfigRule,
	unsupportedValueRule,
	invalidTolerationRule,
	invalidAffinityRule,
	invalidTopologySpreadRule,
	invalidNodeSelectorRule,
	invalidDNSConfigRule,
	invalidHostnameRule,
	invalidPodSpecRule,
	missingContainersRule,
	invalidContainerNameRule,
	duplicateContainerNameRule,
	missingImageRule,
	invalidContainerRule,
	duplicateEnvNameRule,
	invalidEnvRule,
	privilegeEscalationConflictRule,
	runAsNonRootConflictRule,
	invalidSecurityContextRule,
	invalidPortRule,
	invalidPortNameRule,
	duplicatePortNameRule,
	hostPortMismatchRule,
	hostPortConflictRule,
	hostPortClashRule,
	probePortNotDeclaredRule,
	probeOnUDPPortRule,
	invalidSuccessThresholdRule,
	probeInInitContainerRule,
	invalidProbeRule,
	invalidVolumeNameRule,
	duplicateVolumeNameRule,
	invalidVolumeSourceRule,
	missingVolumeRule,
	duplicateMountPathRule,
	invalidVolumeMountRule,
	bidirectionalPropagationRule,
	invalidHostPathTypeRule,
	requestsExceedLimitsRule,
	invalidResourcesRule,
	configMapKeyNotFoundRule,
	secretKeyNotFoundRule,
	imageRunsAsRootRule,

	// Reliability.
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

	// Security: host access first (info, asking for a reason), then the
	// container hardening rules.
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

	// References: rules that look across objects (deferred: they decide
	// once every file has been read).
	serviceAccountNotFoundRule,
	configMapNotFoundRule,
	secretNotFoundRule,
	priorityClassNotFoundRule,
	clusterAdminBindingRule,

	// The DaemonSet's service account: what the roles bound to it grant
	// (deferred, reported at the role's rule), and how the pod names it.
	clusterWideSecretAccessRule,
	podCreateAccessRule,
	podExecAccessRule,
	nodeProxyAccessRule,
	wildcardRBACRule,
	rbacEscalationRule,
	nodeWriteAccessRule,
	defaultServiceAccountRBACRule,
	deprecatedServiceAccountFieldRule,

	// The engine's own findings (engine.go).
	yamlSyntaxRule,
	schemaRule,
	removedAPIVersionRule,
	noSchemaRule,
	limitExceededRule,
	unreadableFileRule,
	internalErrorRule,
	kustomizeBuildRule,
	kustomizePathRule,
	kustomizeLogRule,
	noObjectsRule,
	unusedSuppressionRule,
	suppressionWithoutReasonRule,
}
