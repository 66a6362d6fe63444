package placement

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

func rl(kv ...string) corev1.ResourceList {
	l := corev1.ResourceList{}
	for i := 0; i < len(kv); i += 2 {
		l[corev1.ResourceName(kv[i])] = resource.MustParse(kv[i+1])
	}
	return l
}

func container(name string, requests, limits corev1.ResourceList, ports ...corev1.ContainerPort) corev1.Container {
	return corev1.Container{Name: name, Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}, Ports: ports}
}

var always = corev1.ContainerRestartPolicyAlways

// TestPodRequests checks the scheduler's arithmetic, with the examples of
// the sidecar KEP (753) among them.
func TestPodRequests(t *testing.T) {
	sidecar := func(c corev1.Container) corev1.Container { c.RestartPolicy = &always; return c }
	cases := []struct {
		name string
		spec corev1.PodSpec
		want corev1.ResourceList
	}{
		{"nothing requested: one pod", corev1.PodSpec{Containers: []corev1.Container{container("a", nil, nil)}}, rl("pods", "1")},
		{"app containers add up", corev1.PodSpec{Containers: []corev1.Container{
			container("a", rl("cpu", "100m", "memory", "64Mi"), nil), container("b", rl("cpu", "250m"), nil)}},
			rl("cpu", "350m", "memory", "64Mi", "pods", "1")},
		{"a limit without a request is the request", corev1.PodSpec{Containers: []corev1.Container{
			container("a", rl("cpu", "100m"), rl("cpu", "1", "memory", "128Mi"))}},
			rl("cpu", "100m", "memory", "128Mi", "pods", "1")},
		{"init containers: the largest alone", corev1.PodSpec{
			InitContainers: []corev1.Container{container("i1", rl("cpu", "2"), nil), container("i2", rl("cpu", "500m", "memory", "1Gi"), nil)},
			Containers:     []corev1.Container{container("a", rl("cpu", "1", "memory", "256Mi"), nil)}},
			rl("cpu", "2", "memory", "1Gi", "pods", "1")},
		{"sidecars run beside everything after them", corev1.PodSpec{
			InitContainers: []corev1.Container{
				container("fetch", rl("cpu", "1", "memory", "64Mi"), nil),
				sidecar(container("proxy", rl("cpu", "100m", "memory", "32Mi"), nil)),
				container("migrate", rl("cpu", "1", "memory", "64Mi"), nil),
			},
			Containers: []corev1.Container{container("app", nil, rl("cpu", "200m", "memory", "128Mi"))}},
			// app 200m + proxy 100m = 300m; fetch 1; migrate 1 + proxy 100m = 1100m.
			rl("cpu", "1100m", "memory", "160Mi", "pods", "1")},
		{"pod-level requests win for cpu and memory", corev1.PodSpec{
			Resources:  &corev1.ResourceRequirements{Requests: rl("cpu", "2", "memory", "1Gi")},
			Containers: []corev1.Container{container("a", rl("cpu", "100m", "memory", "64Mi", "ephemeral-storage", "1Gi"), nil)}},
			rl("cpu", "2", "memory", "1Gi", "ephemeral-storage", "1Gi", "pods", "1")},
		{"a pod-level limit alone becomes the request", corev1.PodSpec{
			Resources:  &corev1.ResourceRequirements{Limits: rl("cpu", "2", "memory", "1Gi")},
			Containers: []corev1.Container{container("a", rl("cpu", "100m"), nil)}},
			rl("cpu", "100m", "memory", "1Gi", "pods", "1")},
		{"overhead is added", corev1.PodSpec{Overhead: rl("cpu", "250m", "memory", "120Mi"),
			Containers: []corev1.Container{container("a", rl("cpu", "100m"), nil)}},
			rl("cpu", "350m", "memory", "120Mi", "pods", "1")},
		{"extended resources count", corev1.PodSpec{Containers: []corev1.Container{container("a", nil, rl("nvidia.com/gpu", "1"))}},
			rl("nvidia.com/gpu", "1", "pods", "1")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.spec.DeepCopy()
			got := podRequests(&c.spec)
			if len(got) != len(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			for k, q := range c.want {
				if g := got[k]; g.Cmp(q) != 0 {
					t.Errorf("%s = %s, want %s", k, g.String(), q.String())
				}
			}
			if !equalSpec(before, &c.spec) {
				t.Error("the template was modified")
			}
		})
	}
}

func equalSpec(a, b *corev1.PodSpec) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestFit checks the warnings about a node's allocatable: the total of
// the daemon pods placed, one pod alone, the pod count, and a resource
// the node does not list.
func TestFit(t *testing.T) {
	mk := func(name string, reqs corev1.ResourceList) DaemonSetSource {
		return DaemonSetSource{File: name + ".yaml", DaemonSet: ds(corev1.PodSpec{Containers: []corev1.Container{container("c", reqs, nil)}})}
	}
	a, b, c := mk("a", rl("cpu", "600m", "memory", "1Gi")), mk("b", rl("cpu", "600m")), mk("c", rl("memory", "3Gi", "example.com/dongle", "1"))
	a.DaemonSet.Name, b.DaemonSet.Name, c.DaemonSet.Name = "a", "b", "c"
	node := Node{Node: *testNode("small", nil)}
	node.Status.Allocatable = rl("cpu", "1", "memory", "2Gi", "pods", "2")
	res := Compute([]DaemonSetSource{a, b, c}, []Node{node}, Options{})
	want := map[string][]string{
		"a": {"the 3 DaemonSet pods placed on this node request more than its allocatable (cpu 1200m of 1, pods 3 of 2): at least one stays Pending"},
		"b": {"the 3 DaemonSet pods placed on this node request more than its allocatable (cpu 1200m of 1, pods 3 of 2): at least one stays Pending"},
		"c": {
			"requests memory 3Gi, more than the node's allocatable 2Gi: the pod stays Pending",
			"requests example.com/dongle 1, more than the node's allocatable 0 (status.allocatable has no example.com/dongle): the pod stays Pending",
			"the 3 DaemonSet pods placed on this node request more than its allocatable (cpu 1200m of 1, pods 3 of 2): at least one stays Pending",
		},
	}
	for _, d := range res.DaemonSets {
		got := d.Nodes[0].Warnings
		if strings.Join(got, "\n") != strings.Join(want[d.Name], "\n") {
			t.Errorf("%s warnings:\n got  %q\n want %q", d.Name, got, want[d.Name])
		}
	}
	if got := res.PendingWarnings(); got != 5 { // 3 for the total, 2 for c alone
		t.Errorf("PendingWarnings = %d, want 5", got)
	}
	tot := res.NodeTotals[0].Requests
	for k, v := range map[corev1.ResourceName]string{"cpu": "1200m", "memory": "4Gi", "pods": "3", "example.com/dongle": "1"} {
		if q := tot[k]; q.Cmp(resource.MustParse(v)) != 0 {
			t.Errorf("total %s = %s, want %s", k, q.String(), v)
		}
	}

	// A node that does not say what it has is not judged.
	node.Status.Allocatable = nil
	res = Compute([]DaemonSetSource{a, b, c}, []Node{node}, Options{})
	for _, d := range res.DaemonSets {
		if len(d.Nodes[0].Warnings) > 0 {
			t.Errorf("%s: warnings on a node without allocatable: %v", d.Name, d.Nodes[0].Warnings)
		}
	}
}

func TestHuman(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"memory", "15613308Ki", "14.9Gi"},
		{"memory", "8Gi", "8Gi"},
		{"memory", "1491732Ki", "1.42Gi"},
		{"ephemeral-storage", "94580335255", "88.1Gi"},
		{"memory", "512", "512"},
		{"cpu", "3800m", "3800m"},
		{"hugepages-2Mi", "0", "0"},
	}
	for _, c := range cases {
		if got := human(corev1.ResourceName(c.name), resource.MustParse(c.in)); got != c.want {
			t.Errorf("human(%s %s) = %s, want %s", c.name, c.in, got, c.want)
		}
	}
	a, b := humanPair("memory", resource.MustParse("1491732Ki"), resource.MustParse("1491733Ki"))
	if a == b {
		t.Errorf("humanPair made two amounts look equal: %s", a)
	}
}
