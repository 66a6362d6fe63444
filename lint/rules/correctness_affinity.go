package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var nodeFieldOps = []string{"In", "NotIn"}

var invalidAffinityRule = &rule.Rule{
	ID:       "invalid-affinity",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a node affinity, pod affinity or pod anti-affinity term the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Every check the API server makes of `affinity`: a required node affinity without terms; a node selector " +
			"requirement with an unknown operator, with values its operator forbids or without those it needs (In and NotIn " +
			"need some, Exists and DoesNotExist none, Gt and Lt exactly one), with a key or (for required terms, from Kubernetes 1.33) a value that " +
			"is not a valid label; a matchFields requirement on anything but `metadata.name`, with an operator other than In " +
			"or NotIn or not exactly one value, or with a value that is not a node name; a weight outside 1-100; a pod " +
			"affinity term with an invalid label or namespace selector, an invalid namespace name, an empty or invalid " +
			"topologyKey, or matchLabelKeys and mismatchLabelKeys that are invalid, set without a labelSelector, or name the " +
			"same key. The message says which check failed.",
		Why: "The API server rejects the DaemonSet. Affinity is written by hand more than most of a pod template, and the " +
			"schema checks none of this.",
		In: rule.InPodSpec,
		Bad: `affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/os, operator: Exists, values: [linux]}`,
		Good: `affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions:
            - {key: kubernetes.io/os, operator: In, values: [linux]}`,
		Fix: "Do what the message says: In or NotIn with values, Exists or DoesNotExist without, Gt or Lt with one integer; " +
			"matchFields only on metadata.name with In or NotIn and one node name; weights from 1 to 100; a topologyKey " +
			"that is a label key such as kubernetes.io/hostname.",
		Mirrors: "validateAffinity in pkg/apis/core/validation (ValidateNodeSelector, ValidateNodeSelectorRequirement, " +
			"ValidateNodeFieldSelectorRequirement, ValidatePreferredSchedulingTerms, validatePodAffinityTerm, " +
			"ValidateMatchLabelKeysAndMismatchLabelKeys), called by ValidatePodSpec",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.Affinity == nil {
			return
		}
		r := reporter{p}
		a, ap := ps.Affinity, base.Child("affinity")
		if na := a.NodeAffinity; na != nil {
			np := ap.Child("nodeAffinity")
			if req := na.RequiredDuringSchedulingIgnoredDuringExecution; req != nil {
				rp := np.Child("requiredDuringSchedulingIgnoredDuringExecution")
				if len(req.NodeSelectorTerms) == 0 {
					r.at(rp.Child("nodeSelectorTerms"), "required node affinity has no nodeSelectorTerms: add at least one term, or remove requiredDuringSchedulingIgnoredDuringExecution")
				}
				// The values of required terms are checked as label
				// values from 1.33; older releases accept any string.
				anyValue := !p.Object.AtLeast(33)
				for i, term := range req.NodeSelectorTerms {
					checkNodeSelectorTerm(r, rp.Child("nodeSelectorTerms").Index(i), term, anyValue)
				}
			}
			pp := np.Child("preferredDuringSchedulingIgnoredDuringExecution")
			for i, t := range na.PreferredDuringSchedulingIgnoredDuringExecution {
				checkWeight(r, p.Object, pp.Index(i).Child("weight"), "preferred node affinity")
				// Preferred terms may name any value: a node that
				// cannot match one is only less preferred.
				checkNodeSelectorTerm(r, pp.Index(i).Child("preference"), t.Preference, true)
			}
		}
		for _, pa := range []struct {
			field     string
			required  []corev1.PodAffinityTerm
			preferred []corev1.WeightedPodAffinityTerm
		}{
			{"podAffinity", podAffinityRequired(a), podAffinityPreferred(a)},
			{"podAntiAffinity", podAntiAffinityRequired(a), podAntiAffinityPreferred(a)},
		} {
			pp := ap.Child(pa.field)
			for i, t := range pa.required {
				checkPodAffinityTerm(r, p.Object, pp.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i), pa.field, t)
			}
			for i, t := range pa.preferred {
				tp := pp.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
				checkWeight(r, p.Object, tp.Child("weight"), "preferred "+pa.field)
				checkPodAffinityTerm(r, p.Object, tp.Child("podAffinityTerm"), pa.field, t.PodAffinityTerm)
			}
		}
	},
}

func podAffinityRequired(a *corev1.Affinity) []corev1.PodAffinityTerm {
	if a.PodAffinity == nil {
		return nil
	}
	return a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution
}

func podAffinityPreferred(a *corev1.Affinity) []corev1.WeightedPodAffinityTerm {
	if a.PodAffinity == nil {
		return nil
	}
	return a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution
}

func podAntiAffinityRequired(a *corev1.Affinity) []corev1.PodAffinityTerm {
	if a.PodAntiAffinity == nil {
		return nil
	}
	return a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution
}

func podAntiAffinityPreferred(a *corev1.Affinity) []corev1.WeightedPodAffinityTerm {
	if a.PodAntiAffinity == nil {
		return nil
	}
	return a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
}

// checkWeight reports a preference weight outside 1-100, read as written:
// the typed decoding wraps a number beyond int32 into the range.
func checkWeight(r reporter, o *rule.Object, path fieldpath.Path, what string) {
	// Missing or null, the weight is 0.
	n, fits, ok := int64(0), true, true
	if o.Get(path) != nil {
		n, fits, ok = intAt(o, path)
	}
	if !ok {
		return
	}
	if !fits || n < 1 || n > 100 {
		r.value(path, "%s weight %d is out of range: use 1 to 100 (a higher weight counts for more among the preferences)", what, n)
	}
}

// checkNodeSelectorTerm mirrors ValidateNodeSelectorTerm: its label
// requirements (matchExpressions) and field requirements (matchFields).
func checkNodeSelectorTerm(r reporter, path fieldpath.Path, term corev1.NodeSelectorTerm, anyValue bool) {
	for j, e := range term.MatchExpressions {
		ep := path.Child("matchExpressions").Index(j)
		switch e.Operator {
		case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
			if len(e.Values) == 0 {
				r.at(ep.Child("values"), "node affinity: operator %s needs at least one value: add values, or use Exists", e.Operator)
			}
		case corev1.NodeSelectorOpExists, corev1.NodeSelectorOpDoesNotExist:
			if len(e.Values) > 0 {
				r.at(ep.Child("values"), "node affinity: operator %s takes no values: remove values, or use In or NotIn", e.Operator)
			}
		case corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt:
			if len(e.Values) != 1 {
				r.at(ep.Child("values"), "node affinity: operator %s compares the label with exactly one integer value, not %d", e.Operator, len(e.Values))
			}
		default:
			r.value(ep.Child("operator"), "node affinity: operator %q is not a node selector operator%s", e.Operator, oneOf(string(e.Operator), nodeSelectorOps))
		}
		checkLabelKey(r, ep.Child("key"), "node affinity key", e.Key)
		if anyValue {
			continue
		}
		for k, v := range e.Values {
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				r.value(ep.Child("values").Index(k), "node affinity value %q is not a valid label value, so no node can match it: %s", v, labelProblem(v, msgs))
			}
		}
	}
	for j, e := range term.MatchFields {
		fp := path.Child("matchFields").Index(j)
		switch e.Operator {
		case corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn:
			if len(e.Values) != 1 {
				r.at(fp.Child("values"), "node affinity matchFields: operator %s takes exactly one node name, not %d", e.Operator, len(e.Values))
			}
		default:
			r.value(fp.Child("operator"), "node affinity matchFields: operator %q is not supported for a node field%s", e.Operator, oneOf(string(e.Operator), nodeFieldOps))
		}
		if e.Key != "metadata.name" {
			r.value(fp.Child("key"), "node affinity matchFields: key %q is not a node field a pod can select on: the only one is metadata.name (select on labels with matchExpressions)", e.Key)
			continue
		}
		for k, v := range e.Values {
			if msgs := validation.IsDNS1123Subdomain(v); len(msgs) > 0 {
				r.value(fp.Child("values").Index(k), "node affinity matchFields: %q is not a valid node name: %s", v, labelProblem(v, msgs))
			}
		}
	}
}

// checkPodAffinityTerm mirrors validatePodAffinityTerm.
func checkPodAffinityTerm(r reporter, o *rule.Object, path fieldpath.Path, what string, t corev1.PodAffinityTerm) {
	checkLabelSelector(r, path.Child("labelSelector"), what+" labelSelector", t.LabelSelector, false)
	checkLabelSelector(r, path.Child("namespaceSelector"), what+" namespaceSelector", t.NamespaceSelector, false)
	for i, ns := range t.Namespaces {
		// The API server's error names "namespace" for every item; the
		// item itself is a related place.
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			r.p.Report(rule.Diagnostic{Path: path.Child("namespace"),
				Message: fmt.Sprintf("%s: namespaces lists %q, which is not a valid namespace name: %s", what, ns, labelProblem(ns, msgs)),
				Related: []rule.RelatedPath{{Path: path.Child("namespaces").Index(i), Message: "the namespace"}}})
		}
	}
	// matchLabelKeys and mismatchLabelKeys are validated from 1.31 (beta);
	// before, the API server drops them.
	if o.AtLeast(31) {
		checkMatchLabelKeys(r, path, what, t)
	}
	if t.TopologyKey == "" {
		r.at(path.Child("topologyKey"), "%s: topologyKey is empty: name the node label that defines the domain, such as kubernetes.io/hostname or topology.kubernetes.io/zone", what)
	} else {
		checkLabelKey(r, path.Child("topologyKey"), what+" topologyKey", t.TopologyKey)
	}
}

func checkMatchLabelKeys(r reporter, path fieldpath.Path, what string, t corev1.PodAffinityTerm) {
	for _, l := range []struct {
		field string
		keys  []string
	}{{"matchLabelKeys", t.MatchLabelKeys}, {"mismatchLabelKeys", t.MismatchLabelKeys}} {
		if len(l.keys) == 0 {
			continue
		}
		if t.LabelSelector == nil {
			r.at(path.Child(l.field), "%s: %s needs a labelSelector (it adds to it): add labelSelector, or remove %s", what, l.field, l.field)
			continue
		}
		for i, k := range l.keys {
			checkLabelKey(r, path.Child(l.field).Index(i), what+" "+l.field+" item", k)
		}
	}
	if sel := t.LabelSelector; sel != nil {
		keysSelectedTwice(t.MatchLabelKeys, sel, func(i int, key string) {
			r.at(path.Index(i), "%s: matchLabelKeys names %q, which the labelSelector already selects twice: remove it from matchLabelKeys", what, key)
		})
	}
	mismatch := map[string]bool{}
	for _, k := range t.MismatchLabelKeys {
		mismatch[k] = true
	}
	for i, k := range t.MatchLabelKeys {
		if mismatch[k] {
			r.value(path.Child("matchLabelKeys").Index(i), "%s: %q is in both matchLabelKeys and mismatchLabelKeys, which contradict each other: keep it in one", what, k)
		}
	}
}
