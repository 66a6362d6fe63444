// Package hostport says which ports of the node a pod claims, as the
// scheduler's NodePorts filter sees them, and when two claims collide.
// Placement warns about DaemonSets that collide on a node, and the lint
// rule host-port-clash about DaemonSets that can both run on one: both
// read the same claims here.
package hostport

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Port is one port of the node a pod claims: an empty IP is 0.0.0.0, an
// empty protocol TCP (the API server's defaults).
type Port struct {
	IP       string
	Protocol corev1.Protocol
	Port     int32
	// Path is where the claim is written, relative to the pod spec: the
	// hostPort, or the containerPort when hostNetwork gives the port its
	// hostPort.
	Path fieldpath.Path
}

// String is "9100/TCP", or "10.0.0.1:9100/TCP" for a port bound to one
// address.
func (p Port) String() string {
	s := strconv.Itoa(int(p.Port)) + "/" + string(p.Protocol)
	if p.IP != "0.0.0.0" {
		s = p.IP + ":" + s
	}
	return s
}

// Of lists the host ports of a pod as the scheduler's NodePorts filter
// sees them (schedutil.GetHostPorts): the ports of the app containers and
// of sidecars (restartPolicy: Always init containers), after the API
// server's defaulting, which gives every port of a hostNetwork pod its
// containerPort as hostPort.
func Of(spec *corev1.PodSpec) []Port {
	var out []Port
	add := func(field string, i int, c *corev1.Container) {
		for j, p := range c.Ports {
			hp, at := p.HostPort, "hostPort"
			if spec.HostNetwork && hp == 0 {
				hp, at = p.ContainerPort, "containerPort"
			}
			if hp <= 0 {
				continue
			}
			ip, proto := p.HostIP, p.Protocol
			if ip == "" {
				ip = "0.0.0.0"
			}
			if proto == "" {
				proto = corev1.ProtocolTCP
			}
			out = append(out, Port{IP: ip, Protocol: proto, Port: hp, Path: fieldpath.New(field).Index(i).Child("ports").Index(j).Child(at)})
		}
	}
	for i := range spec.InitContainers {
		c := &spec.InitContainers[i]
		if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
			add("initContainers", i, c)
		}
	}
	for i := range spec.Containers {
		add("containers", i, &spec.Containers[i])
	}
	return out
}

// Conflict reports whether two claims collide, as
// HostPortInfo.CheckConflict decides: the same protocol and port, and the
// same IP or either bound to 0.0.0.0.
func Conflict(p, q Port) bool {
	return p.Port == q.Port && p.Protocol == q.Protocol && (p.IP == q.IP || p.IP == "0.0.0.0" || q.IP == "0.0.0.0")
}

// Clash returns the first claim of a that collides with one of b.
func Clash(a, b []Port) (Port, bool) {
	for _, p := range a {
		for _, q := range b {
			if Conflict(p, q) {
				return p, true
			}
		}
	}
	return Port{}, false
}
