package spec

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// NodeAffinity is node affinity in label-selector syntax.
type NodeAffinity struct {
	Required  []NodeSelectorTerm `json:"required" doc:"terms, any of which a node must match; each a label selector (key=value,key in (a,b),key,!key) or a NodeSelectorTerm"`
	Preferred []PreferredTerm    `json:"preferred" doc:"weighted terms the scheduler prefers"`
}

// NodeSelectorTerm is a term a node must match.
type NodeSelectorTerm struct {
	At
	corev1.NodeSelectorTerm
}

// Forms implements Shorthand.
func (NodeSelectorTerm) Forms() Forms {
	return Forms{List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.NodeSelectorTerm{}},
	}}
}

func (x *NodeSelectorTerm) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		t, err := parseSelectorTerm(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.NodeSelectorTerm = t
		return true
	}
	return d.into(p, v, &x.NodeSelectorTerm)
}

// PreferredTerm is a weighted term the scheduler prefers.
type PreferredTerm struct {
	At
	corev1.PreferredSchedulingTerm
}

type preferredSyntax struct {
	Weight     int32                    `json:"weight" jsonschema:"required,minimum=1,maximum=100"`
	Match      *string                  `json:"match" jsonschema:"minLength=1" doc:"a label selector"`
	Preference *corev1.NodeSelectorTerm `json:"preference"`
}

// Forms implements Shorthand.
func (PreferredTerm) Forms() Forms {
	return Forms{List: []Form{{Type: "object", Syntax: preferredSyntax{}}}}
}

func (x *PreferredTerm) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	m := v.(map[string]any)
	var s preferredSyntax
	switch {
	case m["match"] != nil && m["preference"] != nil:
		d.errorf(p, "set match or preference, not both")
		return false
	case m["match"] == nil && m["preference"] == nil:
		d.errorf(p, "a preferred term needs match (a label selector) or preference (a NodeSelectorTerm)")
		return false
	}
	d.into(p, v, &s)
	x.Weight = s.Weight
	switch {
	case s.Match != nil:
		t, err := parseSelectorTerm(*s.Match)
		if err != nil {
			d.errorf(p.Child("match"), "%v", err)
			return false
		}
		x.Preference = t
	case s.Preference != nil:
		x.Preference = *s.Preference
	default:
		return false
	}
	return true
}

// Toleration lets the pod run on nodes with a taint.
type Toleration struct {
	At
	corev1.Toleration
}

// Forms implements Shorthand.
func (Toleration) Forms() Forms {
	return Forms{List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.Toleration{}},
	}}
}

func (x *Toleration) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		t, err := parseToleration(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.Toleration = t
		return true
	}
	return d.into(p, v, &x.Toleration)
}
