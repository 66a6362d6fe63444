package spec

import (
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/lint/fieldpath"
)

// UpdateStrategy is how the DaemonSet replaces its pods.
type UpdateStrategy struct {
	At
	appsv1.DaemonSetUpdateStrategy
}

// Forms implements Shorthand.
func (UpdateStrategy) Forms() Forms {
	return Forms{Doc: "RollingUpdate (default), OnDelete, or a DaemonSetUpdateStrategy", List: []Form{
		{Type: "string", Schema: M{"enum": []any{"RollingUpdate", "OnDelete"}}},
		{Type: "object", Syntax: appsv1.DaemonSetUpdateStrategy{}},
	}}
}

func (x *UpdateStrategy) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		x.Type = appsv1.DaemonSetUpdateStrategyType(s)
		return true
	}
	if !d.into(p, v, &x.DaemonSetUpdateStrategy) {
		return false
	}
	if x.Type == "" {
		x.Type = appsv1.RollingUpdateDaemonSetStrategyType
	}
	return true
}

// IntOrPercent is a number of pods, or a percentage of them ("10%").
type IntOrPercent struct {
	At
	intstr.IntOrString
}

// Forms implements Shorthand.
func (IntOrPercent) Forms() Forms {
	return Forms{List: []Form{{Type: "integer"}, {Type: "string"}}}
}

func (x *IntOrPercent) decode(_ *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		x.IntOrString = intstr.FromString(s)
	} else {
		n, _ := asInt(v)
		x.IntOrString = intstr.FromInt32(int32(n))
	}
	return true
}
