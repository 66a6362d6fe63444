package placement

import (
	"fmt"
	"sort"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/internal/hostport"
)

// DaemonSetSource is one DaemonSet to place and where it was read.
type DaemonSetSource struct {
	// File is the file as it is reported: slash-separated, relative to
	// the working directory, as lint's JSON has it.
	File string
	// Document is the 0-based index of the YAML document in File.
	Document int
	// DaemonSet is the object, as decoded; it is not modified.
	DaemonSet *appsv1.DaemonSet
}

// Options change how placement decides.
type Options struct {
	// TaintTolerationComparisonOperators lets tolerations with operator
	// Gt or Lt compare integer taint values, as the feature gate of that
	// name does in the controller (alpha since Kubernetes 1.35 and off by
	// default; without it such a toleration tolerates nothing).
	TaintTolerationComparisonOperators bool
}

// Result is the outcome for every DaemonSet and node. Its JSON form is a
// public contract (the placement command's --format json):
//
//	{"nodes": N,
//	 "daemonsets": [{"file", "document", "namespace", "name", "desired",
//	                 "nodes": [{"node", "runs", "keepsRunning", "reason", "warnings"}]}],
//	 "nodeTotals": [{"node", "requests": {...}, "allocatable": {...}}]}
//
// Key names and meanings change only with a version bump.
type Result struct {
	// Nodes is the number of nodes in the inventory.
	Nodes int `json:"nodes"`
	// DaemonSets is one entry per DaemonSet, in the order given.
	DaemonSets []DaemonSetResult `json:"daemonsets"`
	// NodeTotals is one entry per node, in name order: what the daemon
	// pods placed there request, against what the node has.
	NodeTotals []NodeTotal `json:"nodeTotals"`

	// For the text and Markdown formats: the inventory (in name order,
	// as in every Placements list) and its groups.
	nodes  []*Node
	groups []*group
	// nodeWarnings are the warnings about a node itself, by node index,
	// shown once per group by the text formats (JSON repeats them in the
	// entry of every DaemonSet placed there).
	nodeWarnings [][]string
	// pending counts the warnings that a placed pod stays Pending.
	pending int
}

// PendingWarnings is the number of warnings, over all DaemonSets and
// nodes, that say a placed pod will stay Pending: requests beyond a
// node's allocatable and host-port clashes. Warnings about the node's
// state (cordoned, NotReady) are not counted: they inform, and a
// `--fail-on warning` should not fail on them.
func (r *Result) PendingWarnings() int { return r.pending }

// DaemonSetResult is where one DaemonSet's pods go.
type DaemonSetResult struct {
	File      string `json:"file"`
	Document  int    `json:"document"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Desired is the number of nodes the controller wants a pod on: its
	// status.desiredNumberScheduled once applied to this inventory.
	Desired int `json:"desired"`
	// Nodes is one entry per node of the inventory, in name order.
	Nodes []Placement `json:"nodes"`
}

// Placement is the decision for one DaemonSet on one node.
type Placement struct {
	Node string `json:"node"`
	// Runs is the controller's shouldRun: it wants a daemon pod here.
	Runs bool `json:"runs"`
	// KeepsRunning is its shouldContinueRunning: a daemon pod already
	// on the node stays (true whenever Runs is; also when only NoSchedule
	// taints are not tolerated).
	KeepsRunning bool `json:"keepsRunning"`
	// Reason says why not, in words a user can act on; it is non-empty
	// exactly when Runs is false.
	Reason string `json:"reason"`
	// Warnings are what keeps a placed pod from starting, or what is worth
	// knowing about the node: requests beyond the node's allocatable, a
	// host port another DaemonSet claims, a cordoned or NotReady node.
	// Empty when Runs is false.
	Warnings []string `json:"warnings"`
}

// NodeTotal is the sum of the requests of the daemon pods placed on a
// node (pods counted as one each) and the node's status.allocatable.
type NodeTotal struct {
	Node        string              `json:"node"`
	Requests    corev1.ResourceList `json:"requests"`
	Allocatable corev1.ResourceList `json:"allocatable"`
}

// Compute decides, for every DaemonSet and every node, what the
// DaemonSet controller of Kubernetes 1.37 decides (NodeShouldRunDaemonPod),
// explains every node left out, and adds what the scheduler will do with
// the pods placed: requests beyond a node's allocatable and host-port
// clashes between DaemonSets. DaemonSets with a nil object are skipped.
// Neither argument is modified; the Result refers to the nodes (for the
// text formats), so they must not change until it is written. A Result
// decoded from JSON writes only JSON: the groups are not part of it.
func Compute(daemonsets []DaemonSetSource, nodes []Node, opts Options) *Result {
	order := make([]*Node, len(nodes))
	for i := range nodes {
		order[i] = &nodes[i]
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].Name < order[j].Name })

	var ds []*daemon
	for _, src := range daemonsets {
		if src.DaemonSet != nil {
			ds = append(ds, newDaemon(src, opts))
		}
	}
	res := &Result{
		Nodes:        len(order),
		DaemonSets:   make([]DaemonSetResult, len(ds)),
		NodeTotals:   make([]NodeTotal, len(order)),
		nodes:        order,
		nodeWarnings: make([][]string, len(order)),
	}
	for i, d := range ds {
		obj := d.src.DaemonSet
		res.DaemonSets[i] = DaemonSetResult{
			File: d.src.File, Document: d.src.Document,
			Namespace: obj.Namespace, Name: obj.Name,
			Nodes: make([]Placement, len(order)),
		}
	}

	// Host-port clashes depend on the two DaemonSets only: they collide
	// on every node both are placed on.
	type clash struct {
		other   int
		warning string
	}
	clashes := make([][]clash, len(ds))
	for i := range ds {
		for j := range ds {
			if i == j {
				continue
			}
			if port, ok := hostport.Clash(ds[i].ports, ds[j].ports); ok {
				clashes[i] = append(clashes[i], clash{j, "hostPort " + port.String() + " is also claimed by " + ds[j].describe() +
					": only one of the two pods can run on this node, the other stays Pending"})
			}
		}
	}

	placed := make([]bool, len(ds))
	var onNode []*daemon
	for ni, n := range order {
		onNode = onNode[:0]
		for di, d := range ds {
			runs, keeps := d.decide(&n.Node)
			p := &res.DaemonSets[di].Nodes[ni]
			*p = Placement{Node: n.Name, Runs: runs, KeepsRunning: keeps, Warnings: []string{}}
			placed[di] = runs
			if runs {
				res.DaemonSets[di].Desired++
				onNode = append(onNode, d)
			} else {
				p.Reason = d.explain(&n.Node)
			}
		}

		total := corev1.ResourceList{}
		for _, d := range onNode {
			addTo(total, d.requests)
		}
		alloc := n.Status.Allocatable
		if alloc == nil {
			alloc = corev1.ResourceList{}
		}
		res.NodeTotals[ni] = NodeTotal{Node: n.Name, Requests: total, Allocatable: alloc}

		nodeWarn := stateWarnings(&n.Node)
		fit, own := fitWarnings(&n.Node, onNode, total)
		if fit != "" {
			nodeWarn = append(nodeWarn, fit)
			res.pending += len(onNode)
		}
		if len(onNode) > 0 {
			res.nodeWarnings[ni] = nodeWarn
		}
		for di, d := range ds {
			if !placed[di] {
				continue
			}
			p := &res.DaemonSets[di].Nodes[ni]
			p.Warnings = append(p.Warnings, own[d]...)
			res.pending += len(own[d])
			for _, c := range clashes[di] {
				if placed[c.other] {
					p.Warnings = append(p.Warnings, c.warning)
					res.pending++
				}
			}
			p.Warnings = append(p.Warnings, nodeWarn...)
		}
	}
	res.groups = groupNodes(order, ds)
	return res
}

// describe names a DaemonSet in a message: namespace/name (file#doc).
func (d *daemon) describe() string {
	return fmt.Sprintf("%s (%s)", qualifiedName(d.src.DaemonSet.Namespace, d.src.DaemonSet.Name), sourceName(d.src.File, d.src.Document))
}

func qualifiedName(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

func sourceName(file string, doc int) string {
	if file == "" {
		file = "<input>"
	}
	return fmt.Sprintf("%s, document %d", file, doc)
}

// stateWarnings are what is worth knowing about a node that takes daemon
// pods: a cordoned node still gets them (the controller tolerates
// node.kubernetes.io/unschedulable), and a node that is not Ready gets
// them but does not start them.
func stateWarnings(n *corev1.Node) []string {
	var out []string
	if n.Spec.Unschedulable {
		out = append(out, "the node is cordoned (spec.unschedulable), but daemon pods are still placed on it: they tolerate node.kubernetes.io/unschedulable")
	}
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady && c.Status != corev1.ConditionTrue {
			msg := fmt.Sprintf("the node is NotReady (Ready=%s", c.Status)
			if c.Reason != "" {
				msg += ", " + c.Reason
			}
			out = append(out, msg+"): the pod is placed there but starts only once the node is Ready")
		}
	}
	return out
}
