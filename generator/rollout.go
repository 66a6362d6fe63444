package generator

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/lint/fieldpath"
)

// rollout renders the update strategy. For RollingUpdate exactly one of
// maxUnavailable and maxSurge is non-zero; maxUnavailable defaults to 1
// on the API server, so when maxSurge is set the output says
// maxUnavailable: 0, and otherwise it states the 1 explicitly.
func (r *renderer) rollout() {
	s := r.spec
	if s.MinReadySeconds != nil {
		r.ds.Spec.MinReadySeconds = *s.MinReadySeconds
		r.rec(fieldpath.New("spec", "minReadySeconds"), specRoot.Child("minReadySeconds"))
	}
	if s.RevisionHistoryLimit != nil {
		r.ds.Spec.RevisionHistoryLimit = s.RevisionHistoryLimit
		r.rec(fieldpath.New("spec", "revisionHistoryLimit"), specRoot.Child("revisionHistoryLimit"))
	}
	out := fieldpath.New("spec", "updateStrategy")
	st := appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType}
	if s.UpdateStrategy != nil {
		st = *s.UpdateStrategy.DaemonSetUpdateStrategy.DeepCopy()
		r.rec(out, s.UpdateStrategy.Path)
	}
	if st.Type == appsv1.OnDeleteDaemonSetStrategyType {
		onDelete := func(name string) {
			r.errorAtKey(specRoot.Child(name), "%s applies to RollingUpdate only, and updateStrategy is OnDelete: remove it", name)
		}
		if s.MaxSurge != nil {
			onDelete("maxSurge")
		}
		if s.MaxUnavailable != nil {
			onDelete("maxUnavailable")
		}
		r.ds.Spec.UpdateStrategy = st
		return
	}
	ru := st.RollingUpdate
	if (s.MaxSurge != nil || s.MaxUnavailable != nil) && ru != nil && (ru.MaxSurge != nil || ru.MaxUnavailable != nil) {
		r.errorAtKey(specRoot.Child("updateStrategy"), "maxSurge and maxUnavailable are set both here and as spec.maxSurge/spec.maxUnavailable: keep one place")
		return
	}
	if ru == nil {
		ru = &appsv1.RollingUpdateDaemonSet{}
	}
	ruOut := out.Child("rollingUpdate")
	if s.MaxSurge != nil {
		ru.MaxSurge = &s.MaxSurge.IntOrString
		r.rec(ruOut.Child("maxSurge"), s.MaxSurge.Path)
	}
	if s.MaxUnavailable != nil {
		ru.MaxUnavailable = &s.MaxUnavailable.IntOrString
		r.rec(ruOut.Child("maxUnavailable"), s.MaxUnavailable.Path)
	}
	if ru.MaxUnavailable == nil {
		if ru.MaxSurge != nil && !isZero(*ru.MaxSurge) {
			zero := intstr.FromInt32(0)
			ru.MaxUnavailable = &zero
			if s.MaxSurge != nil {
				r.rec(ruOut.Child("maxUnavailable"), s.MaxSurge.Path)
			}
		} else {
			one := intstr.FromInt32(1)
			ru.MaxUnavailable = &one
		}
	}
	st.RollingUpdate = ru
	r.ds.Spec.UpdateStrategy = st
}

func isZero(v intstr.IntOrString) bool {
	if v.Type == intstr.Int {
		return v.IntVal == 0
	}
	return v.StrVal == "0%" || v.StrVal == "0"
}
