package hostport

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestOf(t *testing.T) {
	always := corev1.ContainerRestartPolicyAlways
	ports := func(name string, ps ...corev1.ContainerPort) corev1.Container {
		return corev1.Container{Name: name, Ports: ps}
	}
	sidecar := ports("sidecar", corev1.ContainerPort{ContainerPort: 8443, Protocol: "TCP"})
	sidecar.RestartPolicy = &always
	spec := &corev1.PodSpec{
		HostNetwork:    true,
		InitContainers: []corev1.Container{ports("init", corev1.ContainerPort{ContainerPort: 1000}), sidecar},
		Containers: []corev1.Container{ports("a",
			corev1.ContainerPort{ContainerPort: 9100},
			corev1.ContainerPort{ContainerPort: 53, Protocol: "UDP"},
			corev1.ContainerPort{ContainerPort: 80, HostPort: 8080, HostIP: "127.0.0.1"})},
	}
	var got []string
	for _, p := range Of(spec) {
		got = append(got, p.String()+"@"+p.Path.String())
	}
	want := "8443/TCP@initContainers[1].ports[0].containerPort 9100/TCP@containers[0].ports[0].containerPort " +
		"53/UDP@containers[0].ports[1].containerPort 127.0.0.1:8080/TCP@containers[0].ports[2].hostPort"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %v\nwant %s", got, want)
	}
	spec.HostNetwork = false
	if got := Of(spec); len(got) != 1 || got[0].Port != 8080 {
		t.Errorf("without hostNetwork only the explicit hostPort: %v", got)
	}
}

func TestClash(t *testing.T) {
	p := func(ip string, proto corev1.Protocol, port int32) []Port {
		return []Port{{IP: ip, Protocol: proto, Port: port}}
	}
	cases := []struct {
		name  string
		a, b  []Port
		clash bool
	}{
		{"same port", p("0.0.0.0", "TCP", 9100), p("0.0.0.0", "TCP", 9100), true},
		{"other protocol", p("0.0.0.0", "TCP", 53), p("0.0.0.0", "UDP", 53), false},
		{"other port", p("0.0.0.0", "TCP", 80), p("0.0.0.0", "TCP", 81), false},
		{"one on all addresses", p("0.0.0.0", "TCP", 80), p("10.0.0.1", "TCP", 80), true},
		{"the other on all addresses", p("10.0.0.1", "TCP", 80), p("0.0.0.0", "TCP", 80), true},
		{"two addresses", p("10.0.0.1", "TCP", 80), p("10.0.0.2", "TCP", 80), false},
		{"same address", p("10.0.0.1", "SCTP", 80), p("10.0.0.1", "SCTP", 80), true},
	}
	for _, c := range cases {
		if _, got := Clash(c.a, c.b); got != c.clash {
			t.Errorf("%s: clash = %v, want %v", c.name, got, c.clash)
		}
	}
}
