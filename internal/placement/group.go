package placement

import (
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// A group is a set of nodes that every DaemonSet treats alike, so that
// the text formats show 500 nodes as a handful of columns. Nodes are
// grouped by everything the decisions and warnings read:
//
//   - the values of the labels some DaemonSet selects on (nodeSelector
//     and required node affinity keys; other labels do not matter),
//   - the node's name, if some DaemonSet names it (spec.nodeName, or a
//     matchFields term on metadata.name),
//   - all taints, cordoned or not, the Ready condition, and allocatable.
//
// Nodes with the same key get identical Placements (a test checks this
// on every inventory), so a group's outcome is every member's.
type group struct {
	name    string // G1, G2, ... in the order of their first node
	members []int  // indexes into Result.nodes
	// labels are the values of the selected-on labels (key=value, or
	// key with no value when the node lacks it: "no key").
	labels []string
}

// selectedOn is what the DaemonSets look at on a node.
type selectedOn struct {
	labels []string        // label keys, sorted
	names  map[string]bool // node names some DaemonSet names
}

func selectedBy(ds []*daemon) selectedOn {
	keys := map[string]bool{}
	s := selectedOn{names: map[string]bool{}}
	for _, d := range ds {
		for k := range d.spec.NodeSelector {
			keys[k] = true
		}
		if d.spec.NodeName != "" {
			s.names[d.spec.NodeName] = true
		}
		a := d.spec.Affinity
		if a == nil || a.NodeAffinity == nil || a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution == nil {
			continue
		}
		for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
			for _, e := range t.MatchExpressions {
				keys[e.Key] = true
			}
			for _, e := range t.MatchFields {
				if e.Key == "metadata.name" {
					for _, v := range e.Values {
						s.names[v] = true
					}
				}
			}
		}
	}
	for k := range keys {
		s.labels = append(s.labels, k)
	}
	sort.Strings(s.labels)
	return s
}

func groupNodes(nodes []*Node, ds []*daemon) []*group {
	sel := selectedBy(ds)
	byKey := map[string]*group{}
	var groups []*group
	var b strings.Builder
	for i, n := range nodes {
		b.Reset()
		field := func(s string) {
			b.WriteString(strconv.Itoa(len(s)))
			b.WriteByte(':')
			b.WriteString(s)
		}
		if sel.names[n.Name] {
			field("name=" + n.Name)
		}
		var labels []string
		for _, k := range sel.labels {
			if v, ok := n.Labels[k]; ok {
				labels = append(labels, k+"="+v)
				field("label")
				field(k)
				field(v)
			} else {
				labels = append(labels, "no "+k)
				field("nolabel")
				field(k)
			}
		}
		taints := append([]corev1.Taint(nil), n.Spec.Taints...)
		sort.Slice(taints, func(i, j int) bool {
			if taints[i].Key != taints[j].Key {
				return taints[i].Key < taints[j].Key
			}
			if taints[i].Effect != taints[j].Effect {
				return taints[i].Effect < taints[j].Effect
			}
			return taints[i].Value < taints[j].Value
		})
		for _, t := range taints {
			field("taint")
			field(t.Key)
			field(t.Value)
			field(string(t.Effect))
		}
		field(strconv.FormatBool(n.Spec.Unschedulable))
		for _, c := range n.Status.Conditions {
			if c.Type == corev1.NodeReady {
				field("ready")
				field(string(c.Status))
				field(c.Reason)
			}
		}
		if n.Status.Allocatable == nil {
			field("noalloc")
		}
		for _, r := range sortedNames(n.Status.Allocatable) {
			q := n.Status.Allocatable[r]
			field(string(r))
			field(q.String())
		}
		key := b.String()
		g := byKey[key]
		if g == nil {
			g = &group{name: "G" + strconv.Itoa(len(groups)+1), labels: labels}
			byKey[key] = g
			groups = append(groups, g)
		}
		g.members = append(g.members, i)
	}
	return groups
}

// Groups returns the node groups the text formats show: each a list of
// node names that every DaemonSet treats alike, in the order of the
// columns (G1, G2, ...).
func (r *Result) Groups() [][]string {
	out := make([][]string, len(r.groups))
	for i, g := range r.groups {
		for _, m := range g.members {
			out[i] = append(out[i], r.nodes[m].Name)
		}
	}
	return out
}
