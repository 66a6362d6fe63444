package generator

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// scheduling renders where the pods run: node selector, affinity,
// tolerations, priority, and how long they get to stop.
func (r *renderer) scheduling() {
	s := r.spec
	if len(s.NodeSelector) > 0 {
		r.pod.NodeSelector = s.NodeSelector
		r.rec(podPath.Child("nodeSelector"), specRoot.Child("nodeSelector"))
	}
	if s.Affinity != nil {
		r.pod.Affinity = s.Affinity
		r.rec(podPath.Child("affinity"), specRoot.Child("affinity"))
	}
	if s.NodeAffinity != nil {
		if r.pod.Affinity != nil && r.pod.Affinity.NodeAffinity != nil {
			r.errorAtKey(specRoot.Child("nodeAffinity"), "node affinity is set twice, here and in affinity.nodeAffinity: keep one")
		}
		r.nodeAffinity()
	}
	for _, t := range s.Tolerations {
		r.pod.Tolerations = append(r.pod.Tolerations, t.Toleration)
		r.rec(podPath.Child("tolerations").Index(len(r.pod.Tolerations)-1), t.Path)
	}
	if s.PriorityClassName != "" {
		r.pod.PriorityClassName = s.PriorityClassName
		r.rec(podPath.Child("priorityClassName"), specRoot.Child("priorityClassName"))
	}
	if s.TerminationGracePeriodSeconds != nil {
		r.pod.TerminationGracePeriodSeconds = s.TerminationGracePeriodSeconds
		r.rec(podPath.Child("terminationGracePeriodSeconds"), specRoot.Child("terminationGracePeriodSeconds"))
	}
}

// nodeAffinity renders spec.nodeAffinity's terms as the pod's node
// affinity.
func (r *renderer) nodeAffinity() {
	na := r.spec.NodeAffinity
	aff := &corev1.NodeAffinity{}
	out := podPath.Child("affinity", "nodeAffinity")
	for _, t := range na.Required {
		if aff.RequiredDuringSchedulingIgnoredDuringExecution == nil {
			aff.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
		}
		req := aff.RequiredDuringSchedulingIgnoredDuringExecution
		req.NodeSelectorTerms = append(req.NodeSelectorTerms, t.NodeSelectorTerm)
		r.rec(out.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").Index(len(req.NodeSelectorTerms)-1), t.Path)
	}
	for _, t := range na.Preferred {
		aff.PreferredDuringSchedulingIgnoredDuringExecution = append(aff.PreferredDuringSchedulingIgnoredDuringExecution, t.PreferredSchedulingTerm)
		r.rec(out.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(len(aff.PreferredDuringSchedulingIgnoredDuringExecution)-1), t.Path)
	}
	if aff.RequiredDuringSchedulingIgnoredDuringExecution == nil && aff.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return
	}
	if r.pod.Affinity == nil {
		r.pod.Affinity = &corev1.Affinity{}
	}
	r.pod.Affinity.NodeAffinity = aff
	r.rec(out, fieldpath.New("spec", "nodeAffinity"))
}
