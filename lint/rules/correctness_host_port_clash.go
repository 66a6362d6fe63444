package rules

import (
	"fmt"
	"slices"
	"sort"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/internal/hostport"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var hostPortClashRule = &rule.Rule{
	ID:       "host-port-clash",
	Category: rule.Correctness,
	Severity: finding.Warning,
	Summary:  "two DaemonSets claim the same hostPort and protocol on nodes where both run",
	Kinds:    []string{"DaemonSet"},
	Deferred: true,
	Facts:    []*rule.Fact{hostPortFact},
	Doc: rule.Doc{
		What: "A DaemonSet claims a port of the node (a `hostPort`, or with `hostNetwork: true` a `containerPort`) that " +
			"another linted DaemonSet claims too, with the same protocol and an overlapping `hostIP`, and their " +
			"`nodeSelector`, required node affinity and `nodeName` let both run on one node. Taints are not " +
			"considered: a node without taints takes both.",
		Why: "Only one process can bind a port on a node. The scheduler places a pod only where its host ports are " +
			"free, so on every node that runs both DaemonSets one of the two pods stays Pending for good; which one " +
			"depends on which was scheduled first, and changes with every node replacement. `everynode placement` " +
			"shows the nodes where it happens for a given cluster.",
		In: rule.InFile,
		Bad: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec:
      hostNetwork: true
      containers:
        - {name: node-exporter, image: quay.io/prometheus/node-exporter:v1.8.2, ports: [{containerPort: 9100}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - {name: agent, image: example.com/agent:1.0, ports: [{containerPort: 9100, hostPort: 9100}]}
`,
		Good: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: node-exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: node-exporter}}
  template:
    metadata: {labels: {app: node-exporter}}
    spec:
      hostNetwork: true
      containers:
        - {name: node-exporter, image: quay.io/prometheus/node-exporter:v1.8.2, ports: [{containerPort: 9100}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: monitoring}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers:
        - {name: agent, image: example.com/agent:1.0, ports: [{containerPort: 9100, hostPort: 9101}]}
`,
		Fix: "Give one of the two another port, or keep them on disjoint nodes (a nodeSelector or node affinity " +
			"that no node can satisfy for both), or run one process instead of two.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		ports := hostport.Of(ps)
		if len(ports) == 0 {
			return
		}
		self := p.Object.Resource
		where := nodeConstraintsOf(ps)
		for _, port := range ports {
			p.ReportLaterVerdict(slices.Concat(base, port.Path), func(set *rule.Set) (rule.Verdict, bool) {
				var others []string
				var related []finding.Related
				for _, f := range set.Facts(hostPortFact) {
					o := f.(*hostPortClaim)
					if o.res.Name == self.Name && sameNamespace(o.res.Namespace, self.Namespace) {
						continue // itself, or the same object read twice (a base and its overlay)
					}
					for i, q := range o.ports {
						if hostport.Conflict(port, q) && where.overlaps(o.where) {
							name := o.res.Name
							if o.res.Namespace != "" {
								name = o.res.Namespace + "/" + name
							}
							others = append(others, "DaemonSet "+name)
							related = append(related, o.at[i])
							break
						}
					}
				}
				if len(others) == 0 {
					return rule.Verdict{}, false
				}
				// Facts come in the order files were read: sort, so that
				// the report is the same on every run.
				sort.Sort(byName{others, related})
				both := "both"
				if len(others) > 1 {
					both = "two of them"
				}
				return rule.Verdict{Related: related, Message: fmt.Sprintf("host port %s is also claimed by %s: on a node that runs %s, "+
					"one of the pods never starts (it stays Pending); give one another port or keep them on different nodes", port, joinAnd(others), both)}, true
			})
		}
	},
}

// hostPortClaim is the fact the rule keeps of each DaemonSet that claims
// host ports: the ports, where each is written, and where its pods may
// run; not the object.
type hostPortClaim struct {
	res   finding.Resource
	ports []hostport.Port
	at    []finding.Related
	where nodeConstraints
}

var hostPortFact = &rule.Fact{
	Kind: "DaemonSet",
	Compute: func(o *rule.Object) any {
		ps, base := daemonSetPod(o)
		if ps == nil {
			return nil
		}
		ports := hostport.Of(ps)
		if len(ports) == 0 {
			return nil
		}
		c := &hostPortClaim{res: o.Resource, ports: ports, where: nodeConstraintsOf(ps)}
		for _, q := range ports {
			c.at = append(c.at, rule.Place(o, slices.Concat(base, q.Path), fmt.Sprintf("host port %s is claimed here", q)))
		}
		return c
	},
}

// byName sorts the DaemonSets a report names, with their places.
type byName struct {
	names   []string
	related []finding.Related
}

func (b byName) Len() int           { return len(b.names) }
func (b byName) Less(i, j int) bool { return b.names[i] < b.names[j] }
func (b byName) Swap(i, j int) {
	b.names[i], b.names[j] = b.names[j], b.names[i]
	b.related[i], b.related[j] = b.related[j], b.related[i]
}

// nodeConstraints are where a pod may run, as far as the node's labels
// and name decide: any one of the terms (the required node affinity's
// terms, each with the nodeSelector and nodeName added), each a
// conjunction of requirements. No terms: no node at all.
type nodeConstraints []nodeTerm

type nodeTerm []nodeRequirement

// nodeRequirement is a NodeSelectorRequirement on a label, or on the
// node's name (key metadataName).
type nodeRequirement struct {
	key    string
	op     corev1.NodeSelectorOperator
	values []string
}

// metadataName stands for the node's name (matchFields, nodeName), kept
// apart from labels: no label key has a NUL in it.
const metadataName = "\x00metadata.name"

func nodeConstraintsOf(ps *corev1.PodSpec) nodeConstraints {
	var common nodeTerm
	for k, v := range ps.NodeSelector {
		common = append(common, nodeRequirement{k, corev1.NodeSelectorOpIn, []string{v}})
	}
	if ps.NodeName != "" {
		common = append(common, nodeRequirement{metadataName, corev1.NodeSelectorOpIn, []string{ps.NodeName}})
	}
	var required *corev1.NodeSelector
	if a := ps.Affinity; a != nil && a.NodeAffinity != nil {
		required = a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	if required == nil {
		return nodeConstraints{common}
	}
	var out nodeConstraints
	for _, t := range required.NodeSelectorTerms {
		// A term with no requirement matches no node (nodeaffinity's
		// NodeSelector skips it).
		if len(t.MatchExpressions) == 0 && len(t.MatchFields) == 0 {
			continue
		}
		term := slices.Clone(common)
		for _, e := range t.MatchExpressions {
			term = append(term, nodeRequirement{e.Key, e.Operator, e.Values})
		}
		for _, f := range t.MatchFields {
			if f.Key != "metadata.name" {
				term = append(term, nodeRequirement{metadataName, "invalid", nil})
				continue
			}
			term = append(term, nodeRequirement{metadataName, f.Operator, f.Values})
		}
		out = append(out, term)
	}
	return out
}

// overlaps reports whether some node could satisfy both: a term of each
// whose requirements together some labels and name satisfy.
func (c nodeConstraints) overlaps(d nodeConstraints) bool {
	for _, a := range c {
		for _, b := range d {
			if satisfiable(slices.Concat(a, b)) {
				return true
			}
		}
	}
	return false
}

// satisfiable reports whether some node's labels (and name) meet every
// requirement, with the operators' meanings in nodeaffinity: In and
// Exists need the label, NotIn and DoesNotExist are met without it, Gt
// and Lt compare the label's value as an integer. A requirement with an
// unknown operator or a malformed Gt/Lt value matches no node.
func satisfiable(reqs []nodeRequirement) bool {
	byKey := map[string][]nodeRequirement{}
	for _, r := range reqs {
		byKey[r.key] = append(byKey[r.key], r)
	}
	for _, rs := range byKey {
		if !keySatisfiable(rs) {
			return false
		}
	}
	return true
}

func keySatisfiable(rs []nodeRequirement) bool {
	mustExist, mustNot := false, false
	var in []string // nil: any value
	inSet := false
	notIn := map[string]bool{}
	var gt, lt int64
	hasGt, hasLt := false, false
	for _, r := range rs {
		switch r.op {
		case corev1.NodeSelectorOpIn:
			mustExist = true
			if !inSet {
				in, inSet = slices.Clone(r.values), true
			} else {
				in = slices.DeleteFunc(in, func(v string) bool { return !slices.Contains(r.values, v) })
			}
		case corev1.NodeSelectorOpNotIn:
			for _, v := range r.values {
				notIn[v] = true
			}
		case corev1.NodeSelectorOpExists:
			mustExist = true
		case corev1.NodeSelectorOpDoesNotExist:
			mustNot = true
		case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
			if len(r.values) != 1 {
				return false
			}
			n, err := strconv.ParseInt(r.values[0], 10, 64)
			if err != nil {
				return false
			}
			mustExist = true
			if r.op == corev1.NodeSelectorOpGt && (!hasGt || n > gt) {
				gt, hasGt = n, true
			}
			if r.op == corev1.NodeSelectorOpLt && (!hasLt || n < lt) {
				lt, hasLt = n, true
			}
		default:
			return false
		}
	}
	switch {
	case mustExist && mustNot:
		return false
	case mustNot || !mustExist:
		return true // the label absent meets NotIn and DoesNotExist
	case inSet:
		for _, v := range in {
			if notIn[v] {
				continue
			}
			if hasGt || hasLt {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || hasGt && n <= gt || hasLt && n >= lt {
					continue
				}
			}
			return true
		}
		return false
	case hasGt && hasLt:
		// Integers strictly between, more of them than NotIn excludes.
		if lt <= gt || lt-gt-1 <= 0 {
			return false
		}
		excluded := int64(0)
		for v := range notIn {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > gt && n < lt {
				excluded++
			}
		}
		return lt-gt-1 > excluded
	}
	return true // Exists, or one bound: infinitely many values
}
