package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var missingPriorityClassRule = &rule.Rule{
	ID:       "missing-priority-class",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "no priorityClassName (node agents usually want system-node-critical)",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A pod template without `priorityClassName`.",
		Why: "Without a priority class the agent has the default priority (0): on a full node it " +
			"cannot preempt anything to get scheduled, and under node pressure the kubelet evicts it " +
			"as readily as any workload. Agents the node depends on (CNI, CSI, log and metrics " +
			"collection) are usually `system-node-critical`.",
		In: rule.InPodSpec,
		Bad: "containers:\n" +
			"  - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Good: "priorityClassName: system-node-critical\n" +
			"containers:\n" +
			"  - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Fix: "Set `priorityClassName`: `system-node-critical` for agents a node cannot work without, " +
			"or a PriorityClass of your own above your workloads.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.PriorityClassName != "" {
			return
		}
		p.Reportf(base.Child("priorityClassName"),
			"no priorityClassName: the agent cannot preempt its way onto a full node and is evicted like any workload; node agents usually use system-node-critical")
	},
}

// osArchLabels select nodes by platform, which every agent may do without
// meaning "only some nodes".
var osArchLabels = []string{"kubernetes.io/os", "kubernetes.io/arch", "beta.kubernetes.io/os", "beta.kubernetes.io/arch"}

// targetsSomeNodes reports whether a pod selects a subset of nodes beyond
// OS and architecture: such an agent does not want the control plane.
func targetsSomeNodes(ps *corev1.PodSpec) bool {
	for k := range ps.NodeSelector {
		if !containsFold(osArchLabels, k) {
			return true
		}
	}
	if a := ps.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
			if len(t.MatchFields) > 0 {
				return true
			}
			for _, e := range t.MatchExpressions {
				if !containsFold(osArchLabels, e.Key) {
					return true
				}
			}
		}
	}
	return false
}

// tolerates reports whether a toleration lets a pod on a node with a
// NoSchedule taint of the key and no value (as the control-plane taint is).
func tolerates(t corev1.Toleration, key string) bool {
	if t.Effect != "" && t.Effect != corev1.TaintEffectNoSchedule {
		return false
	}
	switch t.Operator {
	case corev1.TolerationOpExists:
		return t.Key == "" || t.Key == key
	case corev1.TolerationOpEqual, "":
		return t.Key == key && t.Value == ""
	}
	return false
}

var controlPlaneTaints = &rule.Param[[]string]{
	Name:    "taints",
	Doc:     "taint keys that mark control-plane nodes",
	Default: []string{"node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"},
}

var missingControlPlaneTolerationRule = &rule.Rule{
	ID:       "missing-control-plane-toleration",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "no toleration for the control-plane taint: the agent skips control-plane nodes",
	Kinds:    []string{"DaemonSet"},
	Params:   []rule.Parameter{controlPlaneTaints},
	Doc: rule.Doc{
		What: "A DaemonSet that does not tolerate the control-plane taint " +
			"(`node-role.kubernetes.io/control-plane:NoSchedule`). DaemonSets that select a subset of " +
			"nodes (a nodeSelector or required node affinity on labels other than OS and " +
			"architecture) are left out.",
		Why: "The DaemonSet controller adds tolerations for not-ready, unreachable and pressure taints, " +
			"but not for the control plane's. An agent meant for every node (metrics, logs, security " +
			"monitoring, CNI) then silently skips the control-plane nodes, the ones you least want " +
			"unobserved.",
		In:   rule.InPodSpec,
		Bad:  "tolerations: []\n",
		Good: "tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n",
		Fix: "Add a toleration for `node-role.kubernetes.io/control-plane` with `operator: Exists` and " +
			"`effect: NoSchedule`, or a nodeSelector if the agent should not run there.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || targetsSomeNodes(ps) {
			return
		}
		keys := controlPlaneTaints.Get(p)
		for _, t := range ps.Tolerations {
			for _, k := range keys {
				if tolerates(t, k) {
					return
				}
			}
		}
		taint := "node-role.kubernetes.io/control-plane"
		if len(keys) > 0 {
			taint = keys[0]
		}
		p.Reportf(base.Child("tolerations"),
			"no toleration for the %s:NoSchedule taint: the agent will not run on control-plane nodes; add one if it should run on every node", taint)
	},
}

var toleratesAllTaintsRule = &rule.Rule{
	ID:       "tolerates-all-taints",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "a toleration without a key tolerates every taint: say why",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A toleration with `operator: Exists` and no `key`, which matches every taint (of its " +
			"effect, or of every effect when it has none).",
		Why: "Taints keep pods off nodes for a reason: dedicated pools, GPU or Windows nodes the image " +
			"may not run on, nodes being drained or retired. A blanket toleration ignores all of " +
			"them, today's and tomorrow's. Agents that must run on every node, tainted or not, use it " +
			"on purpose: say so.",
		In:  rule.InPodSpec,
		Bad: "tolerations:\n  - operator: Exists\n",
		Good: "tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n" +
			"  - key: dedicated\n    operator: Exists\n",
		Fix: "List the taints the agent must tolerate, or keep the blanket toleration and say why with " +
			"`ignore.everynode.dev/tolerates-all-taints: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i, t := range ps.Tolerations {
			if t.Key != "" || t.Operator != corev1.TolerationOpExists {
				continue
			}
			scope := "every taint"
			if t.Effect != "" {
				scope = fmt.Sprintf("every %s taint", t.Effect)
			}
			p.Reportf(base.Child("tolerations").Index(i),
				"this toleration has no key and tolerates %s, including dedicated pools and nodes its image may not run on; %s",
				scope, askReason("tolerates-all-taints"))
		}
	},
}
