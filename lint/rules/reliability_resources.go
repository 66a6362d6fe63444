package rules

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// requested reports whether a resource is requested, directly or through
// a limit (a limit without a request defaults the request to the limit).
func requested(r corev1.ResourceRequirements, name corev1.ResourceName) bool {
	_, req := r.Requests[name]
	_, lim := r.Limits[name]
	return req || lim
}

var missingResourceRequestsRule = &rule.Rule{
	ID:       "missing-resource-requests",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "a container requests no CPU or no memory",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container (or sidecar init container) with no CPU or no memory request. A limit " +
			"counts, since a limit without a request sets the request to the limit. Run-once init " +
			"containers are left out: the pod's request is the larger of theirs and the containers'.",
		Why: "The scheduler reserves nothing for what is not requested, so the agent competes with " +
			"every pod on the node without a share of its own; a pod without any request is " +
			"BestEffort, the first the kubelet evicts under node pressure: exactly when a node agent " +
			"is needed. Capacity planning cannot see it either: on a DaemonSet the cost is paid on " +
			"every node.",
		In:   rule.InPodSpec,
		Bad:  "containers:\n  - name: agent\n    image: example.com/agent:1.4.2\n",
		Good: "containers:\n  - name: agent\n    image: example.com/agent:1.4.2\n    resources:\n      requests: {cpu: 50m, memory: 64Mi}\n      limits: {memory: 128Mi}\n",
		Fix:  "Set `resources.requests.cpu` and `resources.requests.memory` from the agent's observed usage.",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range longRunning(ps) {
			var missing []string
			if !requested(c.C.Resources, corev1.ResourceCPU) {
				missing = append(missing, "CPU")
			}
			if !requested(c.C.Resources, corev1.ResourceMemory) {
				missing = append(missing, "memory")
			}
			if len(missing) == 0 {
				continue
			}
			p.Reportf(c.Path.Child("resources", "requests"),
				"%s requests no %s: the scheduler reserves nothing for it, and a pod without requests is the first evicted under node pressure; set resources.requests",
				containerName(c), strings.Join(missing, " and no "))
		}
	},
}

var missingMemoryLimitRule = &rule.Rule{
	ID:       "missing-memory-limit",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "a container has no memory limit",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container (or sidecar init container) without `resources.limits.memory`.",
		Why: "Without a limit, a leak or a burst in the agent takes memory from every other pod on " +
			"the node until the kernel's OOM killer picks a victim, which may be the workload rather " +
			"than the agent. With a limit only the agent is killed and restarted. A DaemonSet carries " +
			"the risk to every node at once.",
		In:   rule.InContainer,
		Bad:  "resources:\n  requests: {cpu: 50m, memory: 64Mi}\n",
		Good: "resources:\n  requests: {cpu: 50m, memory: 64Mi}\n  limits: {memory: 128Mi}\n",
		Fix:  "Set `resources.limits.memory` above the agent's peak usage. (A CPU limit is not needed: CPU is throttled, not killed.)",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range longRunning(ps) {
			if _, ok := c.C.Resources.Limits[corev1.ResourceMemory]; ok {
				continue
			}
			p.Reportf(c.Path.Child("resources", "limits"),
				"%s has no memory limit: a leak takes memory from every pod on the node; set resources.limits.memory", containerName(c))
		}
	},
}
