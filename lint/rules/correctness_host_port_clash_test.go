package rules

import (
	"fmt"
	"os"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// TestNodeConstraintsOverlap: whether some node can run both pods, from
// their nodeSelector, required node affinity and nodeName alone.
func TestNodeConstraintsOverlap(t *testing.T) {
	sel := func(kv ...string) *corev1.PodSpec {
		ps := &corev1.PodSpec{NodeSelector: map[string]string{}}
		for i := 0; i+1 < len(kv); i += 2 {
			ps.NodeSelector[kv[i]] = kv[i+1]
		}
		return ps
	}
	req := func(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorRequirement {
		return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
	}
	aff := func(terms ...[]corev1.NodeSelectorRequirement) *corev1.PodSpec {
		ns := &corev1.NodeSelector{}
		for _, t := range terms {
			ns.NodeSelectorTerms = append(ns.NodeSelectorTerms, corev1.NodeSelectorTerm{MatchExpressions: t})
		}
		return &corev1.PodSpec{Affinity: &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: ns}}}
	}
	terms := func(rs ...corev1.NodeSelectorRequirement) []corev1.NodeSelectorRequirement { return rs }
	in, notIn, exists, absent, gt, lt := corev1.NodeSelectorOpIn, corev1.NodeSelectorOpNotIn, corev1.NodeSelectorOpExists,
		corev1.NodeSelectorOpDoesNotExist, corev1.NodeSelectorOpGt, corev1.NodeSelectorOpLt
	pinned := func(name string) *corev1.PodSpec { return &corev1.PodSpec{NodeName: name} }

	cases := []struct {
		name string
		a, b *corev1.PodSpec
		want bool
	}{
		{"no constraints", &corev1.PodSpec{}, &corev1.PodSpec{}, true},
		{"same selector", sel("os", "linux"), sel("os", "linux"), true},
		{"different keys", sel("os", "linux"), sel("arch", "arm64"), true},
		{"different values", sel("os", "linux"), sel("os", "windows"), false},
		{"In meets NotIn of another value", sel("os", "linux"), aff(terms(req("os", notIn, "windows"))), true},
		{"In meets NotIn of the value", sel("os", "linux"), aff(terms(req("os", notIn, "linux"))), false},
		{"In against DoesNotExist", sel("gpu", "true"), aff(terms(req("gpu", absent))), false},
		{"NotIn against DoesNotExist", aff(terms(req("gpu", notIn, "a"))), aff(terms(req("gpu", absent))), true},
		{"Exists against DoesNotExist", aff(terms(req("gpu", exists))), aff(terms(req("gpu", absent))), false},
		{"one term of several overlaps", sel("os", "windows"), aff(terms(req("os", in, "linux")), terms(req("os", in, "windows"))), true},
		{"no term overlaps", sel("os", "darwin"), aff(terms(req("os", in, "linux")), terms(req("os", in, "windows"))), false},
		{"In sets that meet", aff(terms(req("zone", in, "a", "b"))), aff(terms(req("zone", in, "b", "c"))), true},
		{"In sets that do not", aff(terms(req("zone", in, "a", "b"))), aff(terms(req("zone", in, "c"))), false},
		{"Gt and Lt with room", aff(terms(req("n", gt, "2"))), aff(terms(req("n", lt, "4"))), true},
		{"Gt and Lt without", aff(terms(req("n", gt, "2"))), aff(terms(req("n", lt, "3"))), false},
		{"Gt and Lt, the one value excluded", aff(terms(req("n", gt, "2"), req("n", notIn, "3"))), aff(terms(req("n", lt, "4"))), false},
		{"Gt against an In value", sel("n", "10"), aff(terms(req("n", gt, "9"))), true},
		{"Gt against a smaller In value", sel("n", "9"), aff(terms(req("n", gt, "9"))), false},
		{"Gt against a value that is no number", sel("n", "x"), aff(terms(req("n", gt, "1"))), false},
		{"Gt with a malformed value matches nothing", &corev1.PodSpec{}, aff(terms(req("n", gt, "x"))), false},
		{"unknown operator matches nothing", &corev1.PodSpec{}, aff(terms(req("n", "Bogus", "x"))), false},
		{"an empty term matches nothing", &corev1.PodSpec{}, aff(terms()), false},
		{"no terms match nothing", &corev1.PodSpec{}, aff(), false},
		{"the same pinned node", pinned("n1"), pinned("n1"), true},
		{"two pinned nodes", pinned("n1"), pinned("n2"), false},
		{"a label named metadata.name is not the name", pinned("n1"), sel("metadata.name", "n2"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, b := nodeConstraintsOf(c.a), nodeConstraintsOf(c.b)
			if got := a.overlaps(b); got != c.want {
				t.Errorf("overlaps = %v, want %v", got, c.want)
			}
			if got := b.overlaps(a); got != c.want {
				t.Errorf("the other way round: overlaps = %v, want %v", got, c.want)
			}
		})
	}
}

// TestHostPortClashRelated: each report points at the other DaemonSet's
// claim, as a related location with its position.
func TestHostPortClashRelated(t *testing.T) {
	name := "testdata/host-port-clash/fire-host-network-and-host-port.yaml"
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	fs := ruletest.Findings(t, name, data, []*rule.Rule{hostPortClashRule}, ruletest.Settings{})
	var got []string
	for _, f := range fs {
		for _, r := range f.Related {
			got = append(got, fmt.Sprintf("%d:%d -> %d:%d %s %s", f.Line, f.Column, r.Line, r.Column, r.Path, r.Message))
		}
	}
	want := []string{
		"16:15 -> 33:15 spec.template.spec.containers[0].ports[0].hostPort host port 9100/TCP is claimed here",
		"33:15 -> 16:15 spec.template.spec.containers[0].ports[0].containerPort host port 9100/TCP is claimed here",
	}
	if !slices.Equal(got, want) {
		t.Errorf("related:\n got %q\nwant %q", got, want)
	}
}
