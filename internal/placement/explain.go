package placement

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// explain says, in words a user can act on, why the controller places no
// pod of d on n (decide returned runs false). It names every cause, not
// only the first the controller meets, so that one fix is enough; a
// nodeName that names another node is the exception: nothing else
// matters then. The matching is Kubernetes' own (labels.Requirement,
// nodeaffinity, Toleration.ToleratesTaint); this code only describes it.
func (d *daemon) explain(n *corev1.Node) string {
	if name := d.spec.NodeName; name != "" && name != n.Name {
		return "spec.template.spec.nodeName is " + name
	}
	var parts []string
	parts = d.explainNodeSelector(n, parts)
	parts = d.explainAffinity(n, parts)
	parts = d.explainTaints(n, parts)
	if len(parts) == 0 {
		// decide and explain disagree: never expected (a test checks),
		// but a reason must never be empty.
		return "the DaemonSet controller places no pod on this node"
	}
	return strings.Join(parts, "; ")
}

func (d *daemon) explainNodeSelector(n *corev1.Node, parts []string) []string {
	for _, k := range d.selectorKeys {
		want := d.spec.NodeSelector[k]
		have, ok := n.Labels[k]
		switch {
		case !ok:
			parts = append(parts, "nodeSelector "+k+"="+want+": the node has no "+k+" label")
		case have != want:
			parts = append(parts, "nodeSelector "+k+"="+want+": the node has "+describeValue(have))
		}
	}
	return parts
}

// parsedTerm is one non-empty node selector term, parsed once: its
// 0-based index, its requirements, or why it does not parse.
type parsedTerm struct {
	index   int
	term    *corev1.NodeSelectorTerm
	reqs    []labels.Requirement
	invalid string
}

// parseTerm parses a term as the nodeaffinity package does; a term that
// does not parse matches nothing (the controller ignores the error).
func parseTerm(i int, term *corev1.NodeSelectorTerm) parsedTerm {
	pt := parsedTerm{index: i, term: term}
	for j, e := range term.MatchExpressions {
		r, err := requirement(e)
		if err != nil {
			pt.invalid = fmt.Sprintf("matchExpressions[%d] is invalid, so the term matches no node: %v", j, err)
			return pt
		}
		pt.reqs = append(pt.reqs, *r)
	}
	for j, e := range term.MatchFields {
		if e.Operator != corev1.NodeSelectorOpIn && e.Operator != corev1.NodeSelectorOpNotIn {
			pt.invalid = fmt.Sprintf("matchFields[%d] is invalid, so the term matches no node: operator %s is not supported (only In and NotIn)", j, e.Operator)
			return pt
		}
		if len(e.Values) != 1 {
			pt.invalid = fmt.Sprintf("matchFields[%d] is invalid, so the term matches no node: %s needs exactly one value", j, e.Operator)
			return pt
		}
	}
	return pt
}

func (d *daemon) explainAffinity(n *corev1.Node, parts []string) []string {
	if d.required == nil {
		return parts
	}
	if ok, _ := d.required.Match(n); ok {
		return parts
	}
	if len(d.terms) == 0 {
		return append(parts, "required node affinity has no term with matchExpressions or matchFields, so it matches no node")
	}
	for i := range d.terms {
		prefix := "term "
		if i == 0 {
			prefix = "required node affinity term "
		}
		parts = append(parts, prefix+strconv.Itoa(d.terms[i].index+1)+": "+d.terms[i].explain(n))
	}
	return parts
}

// explain says why the term does not match n: every requirement the node
// fails is named.
func (pt *parsedTerm) explain(n *corev1.Node) string {
	if pt.invalid != "" {
		return pt.invalid
	}
	var fails []string
	set := labels.Set(n.Labels)
	for i := range pt.reqs {
		if !pt.reqs[i].Matches(set) {
			fails = append(fails, describeRequirement(pt.term.MatchExpressions[i], n.Labels))
		}
	}
	if n.Name != "" {
		// The matching code reads only metadata.name from a node.
		for _, e := range pt.term.MatchFields {
			have := ""
			if e.Key == "metadata.name" {
				have = n.Name
			}
			in := have == e.Values[0]
			if in != (e.Operator == corev1.NodeSelectorOpIn) {
				// Words that do not name the node itself, so that all
				// the nodes of a group read alike.
				what := "the node is not " + e.Values[0]
				switch {
				case e.Key != "metadata.name":
					what = "nodes have no field " + e.Key + " to match (only metadata.name)"
				case in:
					what = "the node is " + e.Values[0]
				}
				fails = append(fails, "matchFields "+e.Key+" "+strings.ToLower(string(e.Operator))+" ("+e.Values[0]+"): "+what)
			}
		}
	}
	if len(fails) == 0 {
		return "it does not match"
	}
	return strings.Join(fails, ", ")
}

// requirement parses one match expression as the nodeaffinity package does.
func requirement(e corev1.NodeSelectorRequirement) (*labels.Requirement, error) {
	var op selection.Operator
	switch e.Operator {
	case corev1.NodeSelectorOpIn:
		op = selection.In
	case corev1.NodeSelectorOpNotIn:
		op = selection.NotIn
	case corev1.NodeSelectorOpExists:
		op = selection.Exists
	case corev1.NodeSelectorOpDoesNotExist:
		op = selection.DoesNotExist
	case corev1.NodeSelectorOpGt:
		op = selection.GreaterThan
	case corev1.NodeSelectorOpLt:
		op = selection.LessThan
	default:
		return nil, fmt.Errorf("operator %q is not supported (In, NotIn, Exists, DoesNotExist, Gt, Lt)", e.Operator)
	}
	return labels.NewRequirement(e.Key, op, e.Values)
}

// describeRequirement is "KEY OP (VALUES): what the node has", for a
// requirement the node fails.
func describeRequirement(e corev1.NodeSelectorRequirement, nodeLabels map[string]string) string {
	have, ok := nodeLabels[e.Key]
	var req string
	switch e.Operator {
	case corev1.NodeSelectorOpExists:
		req = e.Key + " exists"
	case corev1.NodeSelectorOpDoesNotExist:
		req = e.Key + " does not exist"
	case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
		req = e.Key + " " + strings.ToLower(string(e.Operator)) + " " + strings.Join(e.Values, "")
	default:
		req = e.Key + " " + strings.ToLower(string(e.Operator)) + " (" + strings.Join(e.Values, ", ") + ")"
	}
	switch {
	case !ok:
		return req + ": the node has no " + e.Key + " label"
	case e.Operator == corev1.NodeSelectorOpDoesNotExist && have == "":
		return req + ": the node has this label"
	case e.Operator == corev1.NodeSelectorOpDoesNotExist:
		return req + ": the node has this label (" + e.Key + "=" + have + ")"
	case e.Operator == corev1.NodeSelectorOpGt || e.Operator == corev1.NodeSelectorOpLt:
		if !isInteger(have) {
			return req + ": the node has " + describeValue(have) + ", not an integer"
		}
	}
	return req + ": the node has " + describeValue(have)
}

// isInteger is how labels.Requirement reads a label for Gt and Lt.
func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// describeValue shows a label value; an empty one would read as nothing.
func describeValue(v string) string {
	if v == "" {
		return `"" (empty)`
	}
	return v
}

func (d *daemon) explainTaints(n *corev1.Node, parts []string) []string {
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if d.tolerated(t) {
			continue
		}
		msg := "taint " + taintString(t) + " is not tolerated"
		if why := d.taintHint(t); why != "" {
			msg += " (" + why + ")"
		}
		parts = append(parts, msg)
	}
	return parts
}

// taintHint explains an untolerated taint further where the reason is
// not obvious: a taint the controller tolerates in another form, or a
// toleration for the same key that misses.
func (d *daemon) taintHint(t *corev1.Taint) string {
	switch {
	case t.Key == corev1.TaintNodeNotReady && t.Effect == corev1.TaintEffectNoSchedule:
		return "the node is not ready; daemon pods tolerate only the NoExecute form of this taint"
	case t.Key == corev1.TaintNodeUnreachable && t.Effect == corev1.TaintEffectNoSchedule:
		return "the node is unreachable; daemon pods tolerate only the NoExecute form of this taint"
	case t.Key == corev1.TaintNodeNetworkUnavailable && !d.spec.HostNetwork:
		return "the node's network is not ready; daemon pods tolerate this taint only with hostNetwork: true"
	}
	for _, tol := range d.spec.Tolerations {
		if tol.Key != t.Key {
			continue
		}
		switch {
		case tol.Effect != "" && tol.Effect != t.Effect:
			return fmt.Sprintf("the toleration for %s is for effect %s", t.Key, tol.Effect)
		case tol.Operator == "" || tol.Operator == corev1.TolerationOpEqual:
			return fmt.Sprintf("the toleration for %s wants value %s", t.Key, describeValue(tol.Value))
		case tol.Operator == corev1.TolerationOpGt || tol.Operator == corev1.TolerationOpLt:
			if !d.cmpOps {
				return fmt.Sprintf("the toleration for %s uses operator %s, which works only with the TaintTolerationComparisonOperators feature gate (alpha, off by default)", t.Key, tol.Operator)
			}
			return fmt.Sprintf("the toleration for %s wants an integer value %s %s", t.Key, strings.ToLower(string(tol.Operator)), tol.Value)
		case tol.Operator != corev1.TolerationOpExists:
			return fmt.Sprintf("the toleration for %s has operator %q, which matches nothing", t.Key, tol.Operator)
		}
	}
	return ""
}

// taintString is Taint.ToString (key=value:effect, or key:effect), without
// fmt: it is written for every node a DaemonSet does not tolerate.
func taintString(t *corev1.Taint) string {
	if t.Value == "" {
		return t.Key + ":" + string(t.Effect)
	}
	return t.Key + "=" + t.Value + ":" + string(t.Effect)
}
