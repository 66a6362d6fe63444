package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidRestartPolicyRule = &rule.Rule{
	ID:       "invalid-restart-policy",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a pod template restartPolicy other than Always",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "spec.template.spec.restartPolicy set to OnFailure or Never.",
		Why: "A DaemonSet keeps one pod running on every node; a pod that may stop for good contradicts that, and the API " +
			"server rejects the DaemonSet (\"supported values: Always\"). Run-to-completion work on every node belongs in a Job per node.",
		In: rule.InSpec,
		Bad: `template:
  spec:
    restartPolicy: OnFailure`,
		Good: `template:
  spec:
    restartPolicy: Always`,
		Fix:     "Remove restartPolicy (it defaults to Always) or set it to Always.",
		Mirrors: "ValidateDaemonSetSpec in pkg/apis/apps/validation (restartPolicy must be Always)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.RestartPolicy == "" || ps.RestartPolicy == corev1.RestartPolicyAlways {
			return
		}
		p.Report(rule.Diagnostic{Path: base.Child("restartPolicy"), AtValue: true,
			Message: fmt.Sprintf("restartPolicy %s is not allowed in a DaemonSet, whose pods must always restart: remove it or set Always", ps.RestartPolicy)})
	},
	Fix:   setTo("set restartPolicy: Always", "Always"),
	Fixes: rule.SafeFix,
}

var activeDeadlineInTemplateRule = &rule.Rule{
	ID:       "active-deadline-in-template",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "activeDeadlineSeconds in a DaemonSet's pod template",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "spec.template.spec.activeDeadlineSeconds set on a DaemonSet.",
		Why: "A deadline would kill every daemon pod after a fixed time and the controller would recreate it, forever; the API " +
			"server rejects it (\"activeDeadlineSeconds in DaemonSet is not Supported\").",
		In: rule.InSpec,
		Bad: `template:
  spec:
    activeDeadlineSeconds: 3600`,
		Good: `template:
  spec:
    terminationGracePeriodSeconds: 30`,
		Fix:     "Remove activeDeadlineSeconds. For work that must finish, use a Job.",
		Mirrors: "ValidateDaemonSetSpec in pkg/apis/apps/validation (activeDeadlineSeconds is forbidden)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.ActiveDeadlineSeconds == nil {
			return
		}
		p.Reportf(base.Child("activeDeadlineSeconds"), "activeDeadlineSeconds is not supported in a DaemonSet's pod template (the API server rejects it): a daemon pod runs as long as its node; remove it")
	},
	Fix:   removeIt("remove activeDeadlineSeconds"),
	Fixes: rule.SafeFix,
}

var dnsNoneWithoutConfigRule = &rule.Rule{
	ID:       "dns-none-without-config",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "dnsPolicy None without dnsConfig nameservers",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "dnsPolicy: None without a dnsConfig, or with a dnsConfig that lists no nameserver.",
		Why: "dnsPolicy None gives the pod no DNS settings at all except those in dnsConfig; the API server requires dnsConfig " +
			"and at least one nameserver, and rejects the DaemonSet otherwise.",
		In: rule.InSpec,
		Bad: `template:
  spec:
    dnsPolicy: None`,
		Good: `template:
  spec:
    dnsPolicy: None
    dnsConfig:
      nameservers: [169.254.20.10]`,
		Fix:     "Add dnsConfig.nameservers, or use ClusterFirst (ClusterFirstWithHostNet with hostNetwork) or Default.",
		Mirrors: "validatePodDNSConfig in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.DNSPolicy != corev1.DNSNone {
			return
		}
		switch {
		// Reported where the API server's error is: at the missing
		// dnsConfig (placed at the pod spec) or its nameservers.
		case ps.DNSConfig == nil:
			p.Report(rule.Diagnostic{Path: base.Child("dnsConfig"),
				Message: "dnsPolicy None needs dnsConfig with at least one nameserver (the pod gets no other DNS settings): add dnsConfig.nameservers, or use ClusterFirst",
				Related: []rule.RelatedPath{{Path: base.Child("dnsPolicy"), Message: "dnsPolicy None"}}})
		case len(ps.DNSConfig.Nameservers) == 0:
			p.Reportf(base.Child("dnsConfig", "nameservers"), "dnsConfig lists no nameserver, which dnsPolicy None requires: add dnsConfig.nameservers")
		}
	},
}

// deploymentFields are DaemonSet spec fields copied from a Deployment, with
// what a DaemonSet uses instead.
var deploymentFields = []struct{ field, instead string }{
	{"replicas", "a DaemonSet runs one pod on every eligible node; choose the nodes with spec.template.spec.nodeSelector, affinity and tolerations"},
	{"strategy", "a DaemonSet's rollout is set by spec.updateStrategy (type RollingUpdate with rollingUpdate.maxUnavailable or maxSurge, or OnDelete)"},
	{"progressDeadlineSeconds", "a DaemonSet has no progress deadline; wait with kubectl rollout status --timeout instead"},
	{"paused", "a DaemonSet cannot be paused; use updateStrategy.type OnDelete to hold back a rollout"},
	{"rollbackTo", "roll back a DaemonSet with kubectl rollout undo"},
}

var deploymentFieldInDaemonSetRule = &rule.Rule{
	ID:       "deployment-field-in-daemonset",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a Deployment field (replicas, strategy, progressDeadlineSeconds, paused) in a DaemonSet",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "spec.replicas, spec.strategy, spec.progressDeadlineSeconds, spec.paused or spec.rollbackTo in a DaemonSet: " +
			"leftovers from a Deployment the manifest was copied from.",
		Why: "A DaemonSet has no such fields. With strict field validation (kubectl's default) the API server rejects the object " +
			"(\"unknown field\"); without it the field is silently dropped, so a maxUnavailable under strategy never takes effect.",
		Bad: `spec:
  replicas: 3
  strategy:
    rollingUpdate: {maxUnavailable: 1}`,
		Good: `spec:
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}`,
		Fix: "Remove replicas (a DaemonSet runs one pod per eligible node) and move strategy to updateStrategy.",
		Mirrors: "the API server's strict field validation (kubectl apply --validate=strict, the default), which rejects fields " +
			"the DaemonSetSpec schema does not define",
	},
	Check: func(p *rule.Pass) {
		// A DaemonSet without a spec (or with a spec that is not a map)
		// is the schema's finding, not this rule's.
		spec, _ := p.Object.Map["spec"].(map[string]any)
		for _, f := range deploymentFields {
			if _, ok := spec[f.field]; ok {
				p.Reportf(specPath.Child(f.field), "spec.%s is a Deployment field that a DaemonSet does not have: %s", f.field, f.instead)
			}
		}
	},
	Fix:   fixDeploymentField,
	Fixes: rule.SafeFix,
}
