package everynode

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/internal/placement"
)

// Placement is everynode's decision for one DaemonSet on one node, as
// `everynode placement` reports it.
type Placement struct {
	Node string
	// Runs and KeepsRunning are the controller's shouldRun and
	// shouldContinueRunning as everynode computes them.
	Runs, KeepsRunning bool
	// Reason is why not, when Runs is false.
	Reason string
}

// ReadNodes reads a nodes file (what `kubectl get nodes -o yaml` or
// `-o json` prints) as `everynode placement --nodes` does.
func ReadNodes(name string, data []byte) ([]corev1.Node, error) {
	nodes, err := placement.ReadNodes(name, data)
	if err != nil {
		return nil, err
	}
	out := make([]corev1.Node, len(nodes))
	for i := range nodes {
		out[i] = nodes[i].Node
	}
	return out, nil
}

// Place decides where ds (as decoded, not defaulted) runs on nodes, in
// node-name order. comparisonOperators turns on the Gt/Lt tolerations of
// the TaintTolerationComparisonOperators feature gate.
func Place(ds *appsv1.DaemonSet, nodes []corev1.Node, comparisonOperators bool) []Placement {
	in := make([]placement.Node, len(nodes))
	for i := range nodes {
		in[i] = placement.Node{Node: nodes[i]}
	}
	res := placement.Compute([]placement.DaemonSetSource{{File: "daemonset.yaml", DaemonSet: ds}}, in,
		placement.Options{TaintTolerationComparisonOperators: comparisonOperators})
	var out []Placement
	for _, p := range res.DaemonSets[0].Nodes {
		out = append(out, Placement{Node: p.Node, Runs: p.Runs, KeepsRunning: p.KeepsRunning, Reason: p.Reason})
	}
	return out
}

// DaemonPodTolerations are the tolerations everynode says the controller
// gives the pods of a DaemonSet with this template.
func DaemonPodTolerations(spec *corev1.PodSpec) []corev1.Toleration {
	return placement.DaemonPodTolerations(spec)
}
