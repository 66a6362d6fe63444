package placement

import (
	"sort"

	"github.com/go-logr/logr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"

	"github.com/everynode/everynode/internal/hostport"
)

// This file mirrors the DaemonSet controller's decision, Kubernetes
// v1.37.2 pkg/controller/daemon: NodeShouldRunDaemonPod, which is
//
//	nodeName set and not this node            → (false, false)
//	nodeSelector or required affinity fail     → (false, false)
//	a NoSchedule or NoExecute taint untolerated → (false, no NoExecute one untolerated)
//	otherwise                                  → (true, true)
//
// with the template's tolerations plus those the controller adds to every
// daemon pod (daemonPodTolerations → util.AddOrUpdateDaemonPodTolerations).
// The matching itself is Kubernetes' own code: nodeaffinity from
// k8s.io/component-helpers and Toleration.ToleratesTaint from k8s.io/api.
// The differential test in the conformance module holds this file equal
// to the controller on every fixture pair and on generated ones.

// daemonTolerations are the tolerations AddOrUpdateDaemonPodTolerations
// adds to every daemon pod, in its order; networkUnavailable is added only
// to pods in the host's network namespace.
var daemonTolerations = []corev1.Toleration{
	{Key: corev1.TaintNodeNotReady, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeUnreachable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute},
	{Key: corev1.TaintNodeDiskPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeMemoryPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodePIDPressure, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
	{Key: corev1.TaintNodeUnschedulable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule},
}

var networkUnavailableToleration = corev1.Toleration{
	Key: corev1.TaintNodeNetworkUnavailable, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
}

// DaemonPodTolerations returns the tolerations of the pods a DaemonSet
// creates: the template's own, then the ones the controller adds
// (not-ready and unreachable for NoExecute; disk, memory and PID pressure
// and unschedulable for NoSchedule; network-unavailable for NoSchedule
// when the pod uses the host's network). A template toleration equal to
// one of those is not repeated. The template is not modified.
func DaemonPodTolerations(spec *corev1.PodSpec) []corev1.Toleration {
	out := append([]corev1.Toleration(nil), spec.Tolerations...)
	for i := range daemonTolerations {
		out = addOrUpdateToleration(out, &daemonTolerations[i])
	}
	if spec.HostNetwork {
		out = addOrUpdateToleration(out, &networkUnavailableToleration)
	}
	return out
}

// addOrUpdateToleration is v1helper.AddOrUpdateTolerationInPodSpec: if
// the list has t already (equal in every field) it is unchanged;
// otherwise tolerations with t's key, effect, operator and value (which
// differ only in TolerationSeconds) are replaced by t, or t is appended.
func addOrUpdateToleration(list []corev1.Toleration, t *corev1.Toleration) []corev1.Toleration {
	out := make([]corev1.Toleration, 0, len(list)+1)
	updated := false
	for i := range list {
		if t.MatchToleration(&list[i]) {
			if equalSeconds(list[i].TolerationSeconds, t.TolerationSeconds) {
				return list
			}
			out = append(out, *t)
			updated = true
			continue
		}
		out = append(out, list[i])
	}
	if !updated {
		out = append(out, *t)
	}
	return out
}

func equalSeconds(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// daemon is a DaemonSet with what every node decision needs, built once:
// the controller builds its tolerations and parsed affinity once per
// DaemonSet too (nodeShouldRunDaemonPod), and so does the explanation.
type daemon struct {
	src         DaemonSetSource
	spec        *corev1.PodSpec
	tolerations []corev1.Toleration
	affinity    nodeaffinity.RequiredNodeAffinity
	cmpOps      bool
	requests    corev1.ResourceList
	ports       []hostport.Port

	// For explain: the nodeSelector's keys in order, the required node
	// affinity (nil without one) and its non-empty terms, parsed.
	selectorKeys []string
	required     *nodeaffinity.LazyErrorNodeSelector
	terms        []parsedTerm
}

func newDaemon(src DaemonSetSource, opts Options) *daemon {
	spec := &src.DaemonSet.Spec.Template.Spec
	d := &daemon{
		src:         src,
		spec:        spec,
		tolerations: DaemonPodTolerations(spec),
		affinity:    nodeaffinity.NewRequiredNodeAffinity(spec.NodeSelector, spec.Affinity),
		cmpOps:      opts.TaintTolerationComparisonOperators,
		requests:    podRequests(spec),
		ports:       hostport.Of(spec),
	}
	for k := range spec.NodeSelector {
		d.selectorKeys = append(d.selectorKeys, k)
	}
	sort.Strings(d.selectorKeys)
	if a := spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		required := a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
		d.required = nodeaffinity.NewLazyErrorNodeSelector(required)
		for i := range required.NodeSelectorTerms {
			if t := &required.NodeSelectorTerms[i]; len(t.MatchExpressions) > 0 || len(t.MatchFields) > 0 {
				d.terms = append(d.terms, parseTerm(i, t))
			}
		}
	}
	return d
}

// discard is the logger Toleration.ToleratesTaint gets: it logs only
// unparsable Gt/Lt values, which the reason explains instead.
var discard = logr.Discard()

// tolerated reports whether some toleration of the daemon pod tolerates t.
func (d *daemon) tolerated(t *corev1.Taint) bool {
	for i := range d.tolerations {
		if d.tolerations[i].ToleratesTaint(discard, t, d.cmpOps) {
			return true
		}
	}
	return false
}

// decide is NodeShouldRunDaemonPod: runs is shouldRun (the controller
// wants a daemon pod on the node), keeps is shouldContinueRunning (a
// daemon pod already there is left alone).
func (d *daemon) decide(n *corev1.Node) (runs, keeps bool) {
	if name := d.spec.NodeName; name != "" && name != n.Name {
		return false, false
	}
	// Parse errors are ignored, as the controller ignores them: a term
	// that does not parse matches nothing.
	fitsAffinity, _ := d.affinity.Match(n)
	if !fitsAffinity {
		return false, false
	}
	untolerated, noExecute := false, false
	for i := range n.Spec.Taints {
		t := &n.Spec.Taints[i]
		if t.Effect != corev1.TaintEffectNoSchedule && t.Effect != corev1.TaintEffectNoExecute {
			continue
		}
		if !d.tolerated(t) {
			untolerated = true
			if t.Effect == corev1.TaintEffectNoExecute {
				noExecute = true
			}
		}
	}
	if untolerated {
		return false, !noExecute
	}
	return true, true
}

// ShouldRun is the controller's decision for one DaemonSet and one node,
// NodeShouldRunDaemonPod of Kubernetes v1.37.2: shouldRun says whether
// the controller wants a daemon pod on the node, shouldContinueRunning
// whether a daemon pod already there is kept. Compute calls the same
// code for every pair; this entry point is for tests and callers that
// need one answer.
func ShouldRun(ds *appsv1.DaemonSet, n *corev1.Node, opts Options) (shouldRun, shouldContinueRunning bool) {
	return newDaemon(DaemonSetSource{DaemonSet: ds}, opts).decide(n)
}
