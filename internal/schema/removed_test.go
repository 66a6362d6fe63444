package schema

import (
	"strings"
	"testing"
)

func TestRemovedAPI(t *testing.T) {
	tests := []struct {
		apiVersion, kind, k8s  string
		removedIn, replacement string
		ok                     bool
	}{
		{"extensions/v1beta1", "DaemonSet", "", "1.16", "apps/v1", true},
		{"apps/v1beta2", "DaemonSet", "1.30", "1.16", "apps/v1", true},
		{"apps/v1beta1", "Deployment", "v1.36", "1.16", "apps/v1", true},
		{"extensions/v1beta1", "Ingress", "1.30", "1.22", "networking.k8s.io/v1", true},
		{"networking.k8s.io/v1beta1", "Ingress", "1.30", "1.22", "networking.k8s.io/v1", true},
		{"rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.30", "1.22", "rbac.authorization.k8s.io/v1", true},
		{"policy/v1beta1", "PodSecurityPolicy", "1.30", "1.25", "", true},
		{"policy/v1beta1", "PodDisruptionBudget", "1.30", "1.25", "policy/v1", true},
		{"batch/v1beta1", "CronJob", "1.30", "1.25", "batch/v1", true},
		{"autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.30", "1.25", "autoscaling/v2", true},
		{"autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.30", "1.26", "autoscaling/v2", true},
		{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.30", "1.26", "flowcontrol.apiserver.k8s.io/v1", true},
		{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.30", "1.29", "flowcontrol.apiserver.k8s.io/v1", true},
		{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32", "1.32", "flowcontrol.apiserver.k8s.io/v1", true},
		{"storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.30", "1.27", "storage.k8s.io/v1", true},
		// Still served by the target release.
		{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.31", "", "", false},
		// Releases older than the embedded ones still use the table.
		{"batch/v1beta1", "CronJob", "1.24", "", "", false},
		{"batch/v1beta1", "CronJob", "1.25", "1.25", "batch/v1", true},
		// Not in the guide, but dropped between embedded releases.
		{"resource.k8s.io/v1alpha2", "ResourceClass", "1.36", "1.31", "", true},
		{"storage.k8s.io/v1alpha1", "VolumeAttributesClass", "1.36", "", "storage.k8s.io/v1", true},
		// Current APIs and custom resources.
		{"apps/v1", "DaemonSet", "", "", "", false},
		{"example.com/v1", "Widget", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.apiVersion+"/"+tt.kind+"@"+tt.k8s, func(t *testing.T) {
			removedIn, replacement, ok := RemovedAPI(tt.apiVersion, tt.kind, tt.k8s)
			if ok != tt.ok || replacement != tt.replacement || (tt.removedIn != "" && removedIn != tt.removedIn) {
				t.Errorf("got %q, %q, %v; want %q, %q, %v", removedIn, replacement, ok, tt.removedIn, tt.replacement, tt.ok)
			}
		})
	}
}

func TestVersionRank(t *testing.T) {
	order := []string{"v1alpha1", "v1alpha2", "v1beta1", "v1beta2", "v1", "v2beta1", "v2"}
	for i := 1; i < len(order); i++ {
		if versionRank(order[i-1]) >= versionRank(order[i]) {
			t.Errorf("%s should rank below %s", order[i-1], order[i])
		}
	}
}

func TestIncomplete(t *testing.T) {
	v, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	md := map[string]any{"name": "x"}
	tests := []struct {
		obj  map[string]any
		want string
	}{
		{map[string]any{"kind": "DaemonSet", "metadata": md}, "this DaemonSet has no apiVersion, so kubectl cannot tell where to send it: add apiVersion: apps/v1"},
		{map[string]any{"apiVersion": "apps/v1", "metadata": md}, "this apps/v1 object has no kind"},
		// Not Kubernetes objects: no metadata, a foreign kind or group,
		// or both halves (the validator's business).
		{map[string]any{"kind": "DaemonSet"}, ""},
		{map[string]any{"kind": "Config", "metadata": md}, ""},
		{map[string]any{"apiVersion": "example.com/v1", "metadata": md}, ""},
		{map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": md}, ""},
	}
	for _, tt := range tests {
		e := v.Incomplete(tt.obj)
		switch {
		case tt.want == "" && e != nil:
			t.Errorf("%v: got %s, want nothing", tt.obj, e)
		case tt.want != "" && (e == nil || !strings.HasPrefix(e.Message, tt.want)):
			t.Errorf("%v: got %v, want %q", tt.obj, e, tt.want)
		}
	}
}
