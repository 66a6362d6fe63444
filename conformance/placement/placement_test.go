package placement

import (
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func node(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
}

func ds(mutate func(*corev1.PodSpec)) *appsv1.DaemonSet {
	d := &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "agent", Namespace: "kube-system"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "agent"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "agent"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "agent", Image: "agent:v1"}}},
			},
		},
	}
	if mutate != nil {
		mutate(&d.Spec.Template.Spec)
	}
	return d
}

var (
	controlPlane  = corev1.Taint{Key: "node-role.kubernetes.io/control-plane", Effect: corev1.TaintEffectNoSchedule}
	gpuNoExecute  = corev1.Taint{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoExecute}
	unschedulable = corev1.Taint{Key: "node.kubernetes.io/unschedulable", Effect: corev1.TaintEffectNoSchedule}
	diskPressure  = corev1.Taint{Key: "node.kubernetes.io/disk-pressure", Effect: corev1.TaintEffectNoSchedule}
	notReady      = corev1.Taint{Key: "node.kubernetes.io/not-ready", Effect: corev1.TaintEffectNoExecute}
	preferNo      = corev1.Taint{Key: "spot", Effect: corev1.TaintEffectPreferNoSchedule}
)

func TestShouldRun(t *testing.T) {
	linux := map[string]string{"kubernetes.io/os": "linux"}
	tests := []struct {
		name        string
		ds          *appsv1.DaemonSet
		node        *corev1.Node
		runs, keeps bool
	}{
		{"plain node", ds(nil), node("n1", linux), true, true},
		{"control-plane taint not tolerated", ds(nil), node("cp", linux, controlPlane), false, true},
		{"control-plane taint tolerated", ds(func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Key: controlPlane.Key, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}}
		}), node("cp", linux, controlPlane), true, true},
		{"NoExecute taint not tolerated", ds(nil), node("gpu", linux, gpuNoExecute), false, false},
		{"tolerate everything", ds(func(s *corev1.PodSpec) {
			s.Tolerations = []corev1.Toleration{{Operator: corev1.TolerationOpExists}}
		}), node("gpu", linux, gpuNoExecute, controlPlane), true, true},
		{"default tolerations: unschedulable, disk pressure, not ready", ds(nil), node("n2", linux, unschedulable, diskPressure, notReady), true, true},
		{"PreferNoSchedule is not a placement taint", ds(nil), node("spot", linux, preferNo), true, true},
		{"node selector matches", ds(func(s *corev1.PodSpec) { s.NodeSelector = linux }), node("n1", linux), true, true},
		{"node selector does not match", ds(func(s *corev1.PodSpec) { s.NodeSelector = map[string]string{"gpu": "true"} }), node("n1", linux), false, false},
		{"required node affinity", ds(func(s *corev1.PodSpec) {
			s.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "kubernetes.io/os", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"linux"}}}}},
			}}}
		}), node("n1", linux), false, false},
		{"nodeName pins another node", ds(func(s *corev1.PodSpec) { s.NodeName = "n2" }), node("n1", linux), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ShouldRun(tt.ds, tt.node)
			if got.Runs != tt.runs || got.KeepsRunning != tt.keeps {
				t.Errorf("ShouldRun = %+v, want runs=%v keepsRunning=%v", got, tt.runs, tt.keeps)
			}
		})
	}
}

func TestTolerations(t *testing.T) {
	d := ds(func(s *corev1.PodSpec) {
		s.HostNetwork = true
		s.Tolerations = []corev1.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: new(int64(30))}}
	})
	got := map[string]corev1.Toleration{}
	for _, tol := range Tolerations(d) {
		got[tol.Key+"/"+string(tol.Effect)] = tol
	}
	for _, want := range []string{
		"node.kubernetes.io/not-ready/NoExecute", "node.kubernetes.io/unreachable/NoExecute",
		"node.kubernetes.io/disk-pressure/NoSchedule", "node.kubernetes.io/memory-pressure/NoSchedule",
		"node.kubernetes.io/pid-pressure/NoSchedule", "node.kubernetes.io/unschedulable/NoSchedule",
		"node.kubernetes.io/network-unavailable/NoSchedule",
	} {
		if _, ok := got[want]; !ok {
			t.Errorf("missing default toleration %s in %v", want, got)
		}
	}
	// The controller replaces the template's bounded not-ready toleration
	// with an unbounded one: daemon pods are never evicted for it.
	if s := got["node.kubernetes.io/not-ready/NoExecute"].TolerationSeconds; s != nil {
		t.Errorf("not-ready toleration keeps tolerationSeconds %d", *s)
	}
	if len(d.Spec.Template.Spec.Tolerations) != 1 {
		t.Errorf("Tolerations modified the DaemonSet: %v", d.Spec.Template.Spec.Tolerations)
	}
}
