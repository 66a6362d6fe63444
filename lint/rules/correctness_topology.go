package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	whenUnsatisfiableValues = []string{"DoNotSchedule", "ScheduleAnyway"}
	nodeInclusionPolicies   = []string{"Honor", "Ignore"}
)

var invalidTopologySpreadRule = &rule.Rule{
	ID:       "invalid-topology-spread",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a topology spread constraint the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Every check the API server makes of `topologySpreadConstraints`: maxSkew below 1; an empty topologyKey; " +
			"whenUnsatisfiable, nodeAffinityPolicy or nodeTaintsPolicy set to an unknown value; two constraints with the same " +
			"topologyKey and whenUnsatisfiable; minDomains below 1 or without whenUnsatisfiable: DoNotSchedule; an invalid " +
			"labelSelector; matchLabelKeys that are not label keys, set without a labelSelector, or (before Kubernetes 1.34) " +
			"already in the labelSelector. The message says which check failed.",
		Why: "The API server rejects the DaemonSet. A DaemonSet places one pod per node whatever the constraints say, so " +
			"they are usually copied from a Deployment; they must still be valid.",
		In: rule.InPodSpec,
		Bad: `topologySpreadConstraints:
  - maxSkew: 0
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    minDomains: 3`,
		Good: `topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    minDomains: 3`,
		Fix: "Do what the message says. For a DaemonSet, consider removing the constraints: the controller puts one pod on " +
			"every eligible node, and the scheduler cannot spread them any other way.",
		Mirrors: "validateTopologySpreadConstraints in pkg/apis/core/validation (ValidatePositiveField, ValidateTopologyKey, " +
			"ValidateWhenUnsatisfiable, ValidateSpreadConstraintNotRepeat, validateMinDomains, validateNodeInclusionPolicy, " +
			"ValidateMatchLabelKeysAndMismatchLabelKeys or, before 1.34, ValidateMatchLabelKeysInTopologySpread, ValidateLabelSelector)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		r := reporter{p}
		cs := ps.TopologySpreadConstraints
		for i, c := range cs {
			cp := base.Child("topologySpreadConstraints").Index(i)
			checkPositive(r, p.Object, cp.Child("maxSkew"), "maxSkew", "the largest difference in matching pods allowed between two domains", true)
			if c.TopologyKey == "" {
				r.at(cp.Child("topologyKey"), "topologyKey is empty: name the node label that defines the domains, such as topology.kubernetes.io/zone")
			}
			switch string(c.WhenUnsatisfiable) {
			case "DoNotSchedule", "ScheduleAnyway":
			default:
				r.value(cp.Child("whenUnsatisfiable"), "whenUnsatisfiable %q is not supported%s", c.WhenUnsatisfiable, oneOf(string(c.WhenUnsatisfiable), whenUnsatisfiableValues))
			}
			for j := i + 1; j < len(cs); j++ {
				if cs[j].TopologyKey == c.TopologyKey && cs[j].WhenUnsatisfiable == c.WhenUnsatisfiable {
					r.at(cp, "two constraints spread by topologyKey %q with whenUnsatisfiable %q (this one and number %d): merge them into one", c.TopologyKey, c.WhenUnsatisfiable, j+1)
					break
				}
			}
			if c.MinDomains != nil || p.Object.Has(cp.Child("minDomains")) && p.Object.Get(cp.Child("minDomains")) != nil {
				mp := cp.Child("minDomains")
				checkPositive(r, p.Object, mp, "minDomains", "the number of domains the scheduler assumes at least", false)
				if c.WhenUnsatisfiable != corev1.DoNotSchedule {
					r.value(mp, "minDomains applies only with whenUnsatisfiable: DoNotSchedule, not %q: set DoNotSchedule or remove minDomains", c.WhenUnsatisfiable)
				}
			}
			for _, pol := range []struct {
				field string
				v     *corev1.NodeInclusionPolicy
			}{{"nodeAffinityPolicy", c.NodeAffinityPolicy}, {"nodeTaintsPolicy", c.NodeTaintsPolicy}} {
				if pol.v != nil && *pol.v != corev1.NodeInclusionPolicyHonor && *pol.v != corev1.NodeInclusionPolicyIgnore {
					r.value(cp.Child(pol.field), "%s %q is not supported%s", pol.field, *pol.v, oneOf(string(*pol.v), nodeInclusionPolicies))
				}
			}
			checkSpreadMatchLabelKeys(r, p.Object, cp, c)
			checkLabelSelector(r, cp.Child("labelSelector"), "topology spread labelSelector", c.LabelSelector, false)
		}
	},
}

// checkSpreadMatchLabelKeys mirrors the two validations of a constraint's
// matchLabelKeys: from 1.34 (MatchLabelKeysInPodTopologySpreadSelectorMerge)
// a key may also be in the labelSelector, unless the selector names it
// twice; before, it may not be there at all.
func checkSpreadMatchLabelKeys(r reporter, o *rule.Object, path fieldpath.Path, c corev1.TopologySpreadConstraint) {
	if len(c.MatchLabelKeys) == 0 {
		return
	}
	kp := path.Child("matchLabelKeys")
	sel := c.LabelSelector
	if sel == nil {
		r.at(kp, "matchLabelKeys needs a labelSelector (it adds to it): add labelSelector, or remove matchLabelKeys")
		if o.AtLeast(34) {
			return
		}
	}
	for i, k := range c.MatchLabelKeys {
		checkLabelKey(r, kp.Index(i), "matchLabelKeys item", k)
	}
	if sel == nil {
		return
	}
	if !o.AtLeast(34) {
		for i, k := range c.MatchLabelKeys {
			_, inLabels := sel.MatchLabels[k]
			inExpr := false
			for _, e := range sel.MatchExpressions {
				inExpr = inExpr || e.Key == k
			}
			if inLabels || inExpr {
				r.value(kp.Index(i), "matchLabelKeys names %q, which the labelSelector already selects: remove it from one of them", k)
			}
		}
		return
	}
	keysSelectedTwice(c.MatchLabelKeys, sel, func(i int, key string) {
		r.at(path.Index(i), "matchLabelKeys names %q, which the labelSelector already selects twice: remove it from matchLabelKeys", key)
	})
}

// checkPositive reports an integer field below 1, or one the API server
// cannot decode into an int32, read as written (the typed decoding wraps
// it). A missing field counts as 0 when zeroMissing says the API server
// reads it so.
func checkPositive(r reporter, o *rule.Object, path fieldpath.Path, field, what string, zeroMissing bool) {
	if o.Get(path) == nil {
		if zeroMissing {
			r.at(path, "%s is missing (0): set it to at least 1 (%s)", field, what)
		}
		return
	}
	n, fits, ok := intAt(o, path)
	switch {
	case !ok:
	case !fits:
		r.value(path, "%s %s does not fit in a 32-bit integer: use a small positive number (%s)", field, fmt.Sprint(o.Get(path)), what)
	case n < 1:
		r.value(path, "%s %d must be at least 1 (%s)", field, n, what)
	}
}
