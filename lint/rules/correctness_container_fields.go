package rules

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Values Kubernetes 1.37 accepts for a container's restart and resize
// policies. Older releases accept fewer: before 1.34 only an init container
// may set restartPolicy, and only to Always (1.34 drops the others, as
// ContainerRestartRules is off by default there); before 1.36 (RestartAllContainersOnContainerExits off by
// default) a rule's action is only Restart and a sidecar has no rules. The
// Check asks the target release for those.
var (
	containerRestartPolicies = []string{"Always", "Never", "OnFailure"}
	restartRuleActions       = []string{"Restart", "RestartAllContainers"}
	exitCodeOperators        = []string{"In", "NotIn"}
	resizeResources          = []string{"cpu", "memory"}
	resizeRestartPolicies    = []string{"NotRequired", "RestartContainer"}
)

var invalidContainerRule = &rule.Rule{
	ID:       "invalid-container",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a container's restartPolicy, restartPolicyRules or resizePolicy the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container or init container whose restartPolicy is not Always, Never or OnFailure (for a target before " +
			"Kubernetes 1.34: a container that sets restartPolicy at all, or an init container that sets it to anything but Always), or that has " +
			"restartPolicyRules without a restartPolicy, more than 20 of them, a rule whose action is not Restart or " +
			"RestartAllContainers (before 1.36: not Restart, or rules on a sidecar), without exitCodes, or with an exitCodes operator other than In and NotIn; a resizePolicy " +
			"entry without a resourceName or restartPolicy, for a resource other than cpu and memory, with a restartPolicy " +
			"other than NotRequired and RestartContainer (RestartContainer only for containers that keep running, from Kubernetes 1.36), or for a resource listed twice. The message names the check.",
		Why: "The API server rejects the DaemonSet; the published schema types these fields as plain strings.",
		In:  rule.InContainer,
		Bad: `resizePolicy:
  - {resourceName: cpu, restartPolicy: notrequired}
  - {resourceName: cpu, restartPolicy: RestartContainer}`,
		Good: `resizePolicy:
  - {resourceName: cpu, restartPolicy: NotRequired}
  - {resourceName: memory, restartPolicy: RestartContainer}`,
		Fix:     "Use the values the message lists, spelled exactly, and each resource once.",
		Mirrors: "validateResizePolicy, validateContainerRestartPolicy and validateInitContainerRestartPolicy in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			ctr := c.C
			rp := c.Path.Child("restartPolicy")
			switch {
			case ctr.RestartPolicy != nil && !p.Object.AtLeast(34) && !c.Init:
				p.Reportf(rp, "%s sets restartPolicy, which before Kubernetes 1.34 only an init container may set: remove it (the pod's restartPolicy applies)", containerName(c))
			case ctr.RestartPolicy != nil && !p.Object.AtLeast(34) && *ctr.RestartPolicy != corev1.ContainerRestartPolicyAlways:
				p.Report(rule.Diagnostic{Path: rp, AtValue: true,
					Message: fmt.Sprintf("restartPolicy %q of %s is not supported before Kubernetes 1.34: an init container's restartPolicy may only be Always, which makes it a sidecar", *ctr.RestartPolicy, containerName(c))})
			case ctr.RestartPolicy == nil && len(ctr.RestartPolicyRules) > 0:
				p.Reportf(rp, "%s has restartPolicyRules but no restartPolicy, which they need: set restartPolicy", containerName(c))
			case ctr.RestartPolicy != nil && !slices.Contains(containerRestartPolicies, string(*ctr.RestartPolicy)):
				v := string(*ctr.RestartPolicy)
				allowed := containerRestartPolicies
				p.Report(rule.Diagnostic{Path: rp, AtValue: true,
					Message: fmt.Sprintf("restartPolicy %q of %s is not supported%s: use one of %s", v, containerName(c), didYouMean(v, allowed), strings.Join(allowed, ", "))})
			}
			rules := c.Path.Child("restartPolicyRules")
			actions := restartRuleActions
			if !p.Object.AtLeast(36) {
				actions = []string{"Restart"}
				if len(ctr.RestartPolicyRules) > 0 && isSidecar(c) {
					p.Reportf(rules, "%s is a sidecar (restartPolicy: Always), and before Kubernetes 1.36 a sidecar may not have restartPolicyRules: remove them", containerName(c))
				}
			}
			if n := len(ctr.RestartPolicyRules); n > 20 {
				p.Reportf(rules, "%s has %d restartPolicyRules, more than the 20 allowed", containerName(c), n)
			}
			for i, r := range ctr.RestartPolicyRules {
				at := rules.Index(i)
				if !slices.Contains(actions, string(r.Action)) {
					p.Report(rule.Diagnostic{Path: at.Child("action"), AtValue: true,
						Message: fmt.Sprintf("restart rule action %q is not supported%s: use one of %s", r.Action, didYouMean(string(r.Action), actions), strings.Join(actions, ", "))})
				}
				switch {
				case r.ExitCodes == nil:
					p.Reportf(at.Child("exitCodes"), "this restart rule has no exitCodes, which say when it applies: add exitCodes with an operator and values")
				case !slices.Contains(exitCodeOperators, string(r.ExitCodes.Operator)):
					p.Report(rule.Diagnostic{Path: at.Child("exitCodes", "operator"), AtValue: true,
						Message: fmt.Sprintf("exitCodes operator %q is not supported%s: use In or NotIn", r.ExitCodes.Operator, didYouMean(string(r.ExitCodes.Operator), exitCodeOperators))})
				case len(r.ExitCodes.Values) > 255:
					p.Reportf(at.Child("exitCodes", "values"), "exitCodes lists %d values, more than the 255 allowed", len(r.ExitCodes.Values))
				}
			}
			checkResizePolicy(p, c, ctr.ResizePolicy)
		}
	},
}

// checkResizePolicy checks a container's resizePolicy. Kubernetes names
// the list for a missing or unsupported value and the entry for a
// repeated resource; the message names the entry.
func checkResizePolicy(p *rule.Pass, c containerRef, list []corev1.ContainerResizePolicy) {
	at := c.Path.Child("resizePolicy")
	seen := map[corev1.ResourceName]bool{}
	for i, r := range list {
		if seen[r.ResourceName] {
			p.Report(rule.Diagnostic{Path: at.Index(i), Message: fmt.Sprintf("resizePolicy lists %s twice in %s: keep one entry per resource", r.ResourceName, containerName(c))})
		}
		seen[r.ResourceName] = true
		enum := func(field, v string, allowed []string) {
			switch {
			case v == "":
				p.Reportf(at, "resizePolicy[%d] of %s has no %s: set one of %s", i, containerName(c), field, strings.Join(allowed, ", "))
			case !slices.Contains(allowed, v):
				p.Reportf(at, "resizePolicy[%d] of %s: %s %q is not supported%s: use one of %s", i, containerName(c), field, v, didYouMean(v, allowed), strings.Join(allowed, ", "))
			}
		}
		enum("resourceName", string(r.ResourceName), resizeResources)
		enum("restartPolicy", string(r.RestartPolicy), resizeRestartPolicies)
		// Kubernetes refuses this from 1.36; older releases accept it.
		if c.Init && !isSidecar(c) && r.RestartPolicy == corev1.RestartContainer && p.Object.AtLeast(36) {
			p.Report(rule.Diagnostic{Path: at.Index(i).Child("restartPolicy"), AtValue: true,
				Message: fmt.Sprintf("%s runs to completion, so it cannot be restarted to resize it: use NotRequired, or make it a sidecar (restartPolicy: Always)", containerName(c))})
		}
	}
}
