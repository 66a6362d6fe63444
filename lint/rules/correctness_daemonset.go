package rules

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Checks of the DaemonSet's own spec fields and of the pod template's
// references to other objects by name: what ValidateDaemonSetSpec and
// ValidatePodSpec check there that no other rule covers.

var invalidDaemonSetSpecRule = &rule.Rule{
	ID:       "invalid-daemonset-spec",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a negative minReadySeconds or revisionHistoryLimit",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "spec.minReadySeconds or spec.revisionHistoryLimit below zero.",
		Why:  "The API server rejects the DaemonSet: neither a time nor a count of kept revisions can be negative.",
		In:   rule.InSpec,
		Bad:  "minReadySeconds: -1\nrevisionHistoryLimit: -1",
		Good: "minReadySeconds: 10\nrevisionHistoryLimit: 10",
		Fix:  "Use 0 or more: minReadySeconds 0 counts a pod as available as soon as it is ready; revisionHistoryLimit 0 keeps no old revisions.",
		Mirrors: "ValidateDaemonSetSpec in pkg/apis/apps/validation (ValidateNonnegativeField on minReadySeconds and " +
			"revisionHistoryLimit)",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil {
			return
		}
		if v := ds.Spec.MinReadySeconds; v < 0 {
			p.Report(rule.Diagnostic{Path: specPath.Child("minReadySeconds"), AtValue: true,
				Message: fmt.Sprintf("minReadySeconds %d is negative: use 0 or more seconds", v)})
		}
		if v := ds.Spec.RevisionHistoryLimit; v != nil && *v < 0 {
			p.Report(rule.Diagnostic{Path: specPath.Child("revisionHistoryLimit"), AtValue: true,
				Message: fmt.Sprintf("revisionHistoryLimit %d is negative: use 0 or more (the default keeps 10 old revisions)", *v)})
		}
	},
}

var ephemeralContainersInTemplateRule = &rule.Rule{
	ID:       "ephemeral-containers-in-template",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "ephemeralContainers in a pod template",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "spec.template.spec.ephemeralContainers set, even to an empty list entry.",
		Why: "The API server rejects the DaemonSet: ephemeral containers are added to a running pod for debugging " +
			"(kubectl debug), through the pod's ephemeralcontainers subresource, and never come from a template.",
		In: rule.InPodSpec,
		Bad: `ephemeralContainers:
  - name: debug
    image: busybox:1.36`,
		Good: `containers:
  - name: agent
    image: registry.example.com/agent:1.4.2`,
		Fix:     "Remove ephemeralContainers; use kubectl debug on a running pod when a debugging container is needed.",
		Mirrors: "ValidatePodTemplateSpec in pkg/apis/core/validation (\"ephemeral containers not allowed in pod template\")",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || len(ps.EphemeralContainers) == 0 {
			return
		}
		p.Reportf(base.Child("ephemeralContainers"), "a pod template cannot have ephemeral containers (they are added to running pods by kubectl debug): remove ephemeralContainers")
	},
}

var invalidReferenceNameRule = &rule.Rule{
	ID:       "invalid-reference-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a priorityClassName, runtimeClassName or serviceAccountName that cannot be an object's name",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod template's priorityClassName, runtimeClassName or serviceAccountName that is not a DNS-1123 subdomain " +
			"(lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters).",
		Why: "These name other objects (a PriorityClass, a RuntimeClass, a ServiceAccount), whose names are DNS-1123 " +
			"subdomains; the API server rejects a DaemonSet whose template names one that cannot exist.",
		In:      rule.InPodSpec,
		Bad:     "serviceAccountName: Node_Agent\npriorityClassName: system:node-critical",
		Good:    "serviceAccountName: node-agent\npriorityClassName: system-node-critical",
		Fix:     "Use the object's exact name: lowercase, with '-' instead of '_' or ':'.",
		Mirrors: "ValidatePodSpec in pkg/apis/core/validation (ValidateServiceAccountName, ValidatePriorityClassName, ValidateRuntimeClassName)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		refs := []struct{ field, value, what string }{
			{"serviceAccountName", ps.ServiceAccountName, "ServiceAccount"},
			{"priorityClassName", ps.PriorityClassName, "PriorityClass"},
		}
		if ps.ServiceAccountName == "" {
			// The deprecated field stands in for serviceAccountName when
			// that is empty: the API server copies it over and checks it.
			refs = append(refs, struct{ field, value, what string }{"serviceAccount", ps.DeprecatedServiceAccount, "ServiceAccount"})
		}
		for _, f := range refs {
			if f.value == "" {
				continue
			}
			if msgs := validation.IsDNS1123Subdomain(f.value); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: base.Child(f.field), AtValue: true,
					Message: fmt.Sprintf("%s %q cannot name a %s: %s", f.field, f.value, f.what, labelProblem(f.value, msgs))})
			}
		}
		// An empty runtimeClassName is refused too (it is a pointer: set
		// means set).
		if rc := ps.RuntimeClassName; rc != nil {
			if msgs := validation.IsDNS1123Subdomain(*rc); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: base.Child("runtimeClassName"), AtValue: true,
					Message: fmt.Sprintf("runtimeClassName %q cannot name a RuntimeClass: %s", *rc, labelProblem(*rc, msgs))})
			}
		}
	},
}
