package suite

import (
	"testing"

	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/oracle"
)

func TestNormalizePath(t *testing.T) {
	for in, want := range map[string]string{
		"spec.template.spec.containers[0].ports[12].containerPort": "spec.template.spec.containers[*].ports[*].containerPort",
		"metadata.labels[app.kubernetes.io/name]":                  "metadata.labels[*]",
		"": "",
	} {
		if got := NormalizePath(in); got != want {
			t.Errorf("NormalizePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeyDropsTheValue(t *testing.T) {
	r := Result{K8s: oracle.Verdict{Stage: oracle.StageValidate, Errors: []oracle.Error{{
		Field: "spec.template.spec.containers[0].env[1].valueFrom.fieldRef.fieldPath", Type: "Invalid value",
		Reason: "error converting fieldPath: field label not supported: Bogus"}}}}
	want := "spec.template.spec.containers[*].env[*].valueFrom.fieldRef.fieldPath: Invalid value: error converting fieldPath: field label not supported"
	if got := r.Key(); got != want {
		t.Errorf("Key() = %q, want %q", got, want)
	}
}

func TestPathMatches(t *testing.T) {
	ev := everynode.Verdict{Errors: []everynode.Error{{Path: "spec.template.spec.containers[1].ports[0].containerPort"}}}
	if !pathMatches(oracle.Error{Field: "spec.template.spec.containers[1].ports[0].containerPort"}, ev) {
		t.Error("same path does not match")
	}
	if pathMatches(oracle.Error{Field: "spec.template.spec.containers[0].ports[0].containerPort"}, ev) {
		t.Error("another index matches")
	}
	// The decoder names fields without indices.
	if !pathMatches(oracle.Error{Field: "spec.template.spec.containers.ports.containerPort"}, ev) {
		t.Error("a decoder path does not match")
	}
	if pathMatches(oracle.Error{}, ev) {
		t.Error("an error without a field matches")
	}
	// A map key in brackets is the same key as after a dot.
	keyed := everynode.Verdict{Errors: []everynode.Error{{Path: "spec.template.spec.containers[0].resources.limits.cpu"}}}
	if !pathMatches(oracle.Error{Field: "spec.template.spec.containers[0].resources.limits[cpu]"}, keyed) {
		t.Error("limits[cpu] does not match limits.cpu")
	}
	if pathMatches(oracle.Error{Field: "spec.template.spec.containers[0].resources.limits[memory]"}, keyed) {
		t.Error("another key matches")
	}
	// Validation that names a list for the field of one of its items.
	mount := everynode.Verdict{Errors: []everynode.Error{{Path: "spec.template.spec.containers[0].volumeMounts[2].subPath"}}}
	if !pathMatches(oracle.Error{Field: "spec.template.spec.containers[0].volumeMounts.subPath"}, mount) {
		t.Error("an item's field does not match the list's")
	}
	for _, other := range []string{
		"spec.template.spec.containers[1].volumeMounts.subPath", // another container
		"spec.template.spec.containers[0].volumeMounts",         // the list itself
		"spec.template.spec.containers[0].volumeMounts[2]",      // the item
		"spec.template.spec.containers[0].volumeMounts.mountPath",
	} {
		if pathMatches(oracle.Error{Field: other}, mount) {
			t.Errorf("%s matches %s", other, mount.Errors[0].Path)
		}
	}
}

func TestAllowList(t *testing.T) {
	fe := Result{Outcome: FalseError, Everynode: everynode.Verdict{Errors: []everynode.Error{{Path: "spec.template.spec.evictionResponders[0]"}}},
		K8s: oracle.Verdict{Dropped: []string{"spec.template.spec.evictionResponders"}}}
	if allowed(fe) == "" {
		t.Error("an error inside a dropped alpha field is not allowed")
	}
	fe.Everynode.Errors = append(fe.Everynode.Errors, everynode.Error{Path: "spec.template.spec.volumes[0]"})
	if allowed(fe) != "" {
		t.Error("an error outside the dropped field is allowed")
	}
	if allowed(Result{Outcome: Missed}) != "" {
		t.Error("a plain miss is allowed")
	}
}

func TestMergeOverrideOnly(t *testing.T) {
	for in, want := range map[string]bool{
		"a: &x {b: 1}\nc:\n  <<: *x\n  b: 2\n": true,  // overrides a merged key
		"a: &x {b: 1}\nc:\n  <<: *x\n":         true,  // a merge, no override
		"a: 1\na: 2\n":                         false, // no merge key
		"c:\n  <<: {b: 1}\n  d: 1\n  d: 2\n":   false, // a duplicate of its own
	} {
		if got := mergeOverrideOnly([]byte(in)); got != want {
			t.Errorf("mergeOverrideOnly(%q) = %v, want %v", in, got, want)
		}
	}
}
