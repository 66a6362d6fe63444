package rules

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidPortNameRule = &rule.Rule{
	ID:       "invalid-port-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a container port name that is not an IANA service name",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container port name longer than 15 characters, or with characters other than lowercase letters, digits and '-', " +
			"without a letter, starting or ending with '-', or with '--'.",
		Why: "Port names are IANA service names so that Services and probes can refer to them; the API server rejects the DaemonSet.",
		In:  rule.InContainer,
		Bad: `ports:
  - {name: prometheus-metrics, containerPort: 9100}`,
		Good: `ports:
  - {name: metrics, containerPort: 9100}`,
		Fix:     "Use a short lowercase name of at most 15 characters, such as metrics or http.",
		Mirrors: "validateContainerPorts in pkg/apis/core/validation (IsValidPortName)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for j, port := range c.C.Ports {
				if port.Name == "" {
					continue
				}
				if msgs := validation.IsValidPortName(port.Name); len(msgs) > 0 {
					p.Report(rule.Diagnostic{Path: c.Path.Child("ports").Index(j).Child("name"), AtValue: true,
						Message: fmt.Sprintf("port name %q is not a valid IANA service name: %s", port.Name, labelProblem(port.Name, msgs))})
				}
			}
		}
	},
}

var duplicatePortNameRule = &rule.Rule{
	ID:       "duplicate-port-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "two ports with the same name in a container (across containers: warning)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two ports of one container with the same name (an error), or of two containers of the pod (a warning).",
		Why: "Within a container the API server rejects it. Across containers it is accepted, but a Service's targetPort or a " +
			"probe that names the port resolves to whichever container comes first, which is rarely what was meant.",
		In: rule.InContainer,
		Bad: `ports:
  - {name: metrics, containerPort: 9100}
  - {name: metrics, containerPort: 9101}`,
		Good: `ports:
  - {name: metrics, containerPort: 9100}
  - {name: admin, containerPort: 9101}`,
		Fix:     "Give every port of the pod its own name.",
		Mirrors: "validateContainerPorts in pkg/apis/core/validation (names unique within a container)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		inPod := map[string]fieldpath.Path{}
		for _, c := range containers(ps, base) {
			inContainer := map[string]fieldpath.Path{}
			for j, port := range c.C.Ports {
				if port.Name == "" || len(validation.IsValidPortName(port.Name)) > 0 {
					continue
				}
				path := c.Path.Child("ports").Index(j)
				if prev, ok := inContainer[port.Name]; ok {
					p.Report(rule.Diagnostic{Path: path.Child("name"), AtValue: true,
						Related: []rule.RelatedPath{{Path: prev.Child("name"), Message: "first used here"}},
						Message: fmt.Sprintf("port name %q is already used by %s in the same container: names must be unique within a container; rename one",
							port.Name, prev)})
					continue
				}
				inContainer[port.Name] = path
				if prev, ok := inPod[port.Name]; ok {
					p.Report(rule.Diagnostic{Path: path.Child("name"), AtValue: true, Severity: finding.Warning,
						Related: []rule.RelatedPath{{Path: prev.Child("name"), Message: "first used here"}},
						Message: fmt.Sprintf("port name %q is also used by %s: a Service targetPort or probe naming it resolves to the first container only; rename one",
							port.Name, prev)})
					continue
				}
				inPod[port.Name] = path
			}
		}
	},
}

var hostPortMismatchRule = &rule.Rule{
	ID:       "host-port-mismatch",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "hostNetwork with a hostPort different from its containerPort",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A pod with hostNetwork: true whose container declares a hostPort that differs from the containerPort.",
		Why: "With hostNetwork the container listens on the node's network directly, so there is no port mapping: the API server " +
			"rejects a hostPort that differs from the containerPort (\"must match `hostPort` when `hostNetwork` is true\").",
		In: rule.InPodSpec,
		Bad: `hostNetwork: true
containers:
  - name: agent
    ports: [{containerPort: 9100, hostPort: 19100}]`,
		Good: `hostNetwork: true
containers:
  - name: agent
    ports: [{containerPort: 19100}]`,
		Fix:     "Remove hostPort (it defaults to the containerPort) and make the process listen on the port you want on the node.",
		Mirrors: "validateHostNetwork in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || !ps.HostNetwork {
			return
		}
		for j := range ps.Containers {
			c := &ps.Containers[j]
			for k, port := range c.Ports {
				if port.HostPort != 0 && port.HostPort != port.ContainerPort {
					p.Report(rule.Diagnostic{Path: base.Child("containers").Index(j).Child("ports").Index(k).Child("hostPort"), AtValue: true,
						Message: fmt.Sprintf("with hostNetwork, hostPort %d must equal containerPort %d (the container listens on the node's network, there is no mapping): remove hostPort and listen on the port you want",
							port.HostPort, port.ContainerPort)})
				}
			}
		}
	},
}

var hostPortConflictRule = &rule.Rule{
	ID:       "host-port-conflict",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "the same hostPort and protocol twice in a pod (with hostNetwork: the same containerPort)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two container ports of the pod with the same hostPort, protocol and hostIP; with hostNetwork, two ports with the " +
			"same containerPort and protocol (their hostPort defaults to the containerPort).",
		Why: "Only one process can bind a port on the node. The API server rejects the DaemonSet when the hostPorts are written " +
			"out; with hostNetwork it defaults them on each pod, so it rejects every pod the DaemonSet creates instead, and the " +
			"DaemonSet reports FailedCreate on every node.",
		In: rule.InPodSpec,
		Bad: `hostNetwork: true
containers:
  - name: agent
    ports: [{containerPort: 9100}]
  - name: exporter
    ports: [{containerPort: 9100}]`,
		Good: `hostNetwork: true
containers:
  - name: agent
    ports: [{containerPort: 9100}]
  - name: exporter
    ports: [{containerPort: 9101}]`,
		Fix:     "Give each port its own number, or declare a port shared by two processes only once.",
		Mirrors: "AccumulateUniqueHostPorts / checkHostPortConflicts in pkg/apis/core/validation, after SetDefaults_PodSpec's hostNetwork port defaulting",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		type use struct {
			path      fieldpath.Path
			defaulted bool
		}
		seen := map[string]use{}
		for j := range ps.Containers {
			c := &ps.Containers[j]
			for k, port := range c.Ports {
				hostPort, defaulted := port.HostPort, false
				if hostPort == 0 && ps.HostNetwork {
					hostPort, defaulted = port.ContainerPort, true
				}
				if hostPort == 0 {
					continue
				}
				protocol := port.Protocol
				if protocol == "" {
					protocol = corev1.ProtocolTCP
				}
				key := fmt.Sprintf("%s/%s/%d", protocol, port.HostIP, hostPort)
				path := base.Child("containers").Index(j).Child("ports").Index(k)
				prev, ok := seen[key]
				if !ok {
					seen[key] = use{path, defaulted}
					continue
				}
				field, prevField := "hostPort", "hostPort"
				if defaulted {
					field = "containerPort"
				}
				if prev.defaulted {
					prevField = "containerPort"
				}
				msg := fmt.Sprintf("hostPort %d/%s is already used by %s: only one port can bind it on the node, so the API server rejects the DaemonSet; change one",
					hostPort, protocol, prev.path)
				if defaulted || prev.defaulted {
					msg = fmt.Sprintf("port %d/%s is also declared by %s: with hostNetwork both bind the node's port %d, so the API server rejects every pod the DaemonSet creates; declare it once or change one",
						hostPort, protocol, prev.path, hostPort)
				}
				p.Report(rule.Diagnostic{Path: path.Child(field), AtValue: true,
					Related: []rule.RelatedPath{{Path: prev.path.Child(prevField), Message: "first used here"}},
					Message: msg})
			}
		}
	},
}

var probePortNotDeclaredRule = &rule.Rule{
	ID:       "probe-port-not-declared",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a probe names a port its own container does not declare",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A liveness, readiness or startup probe (httpGet or tcpSocket) whose port is a name that the same container's " +
			"ports do not declare, or a quoted number such as \"8080\".",
		Why: "The kubelet resolves a named probe port only among the probing container's own ports. When the name is declared " +
			"by another container, or nowhere, every probe fails: a readiness probe keeps the pod unready so the rollout never " +
			"progresses, and a liveness probe restarts the container forever. A quoted number is read as a name, which the API " +
			"server rejects.",
		In: rule.InPodSpec,
		Bad: `containers:
  - name: agent
    readinessProbe:
      httpGet: {path: /ready, port: metrics}
  - name: exporter
    ports: [{name: metrics, containerPort: 9100}]`,
		Good: `containers:
  - name: exporter
    ports: [{name: metrics, containerPort: 9100}]
    readinessProbe:
      httpGet: {path: /ready, port: metrics}`,
		Fix:     "Declare the named port in the probing container, move the probe to the container that serves it, or use the port number.",
		Mirrors: "the kubelet's probe port lookup (findPortByName in pkg/kubelet/prober) and, for quoted numbers, ValidatePortNumOrName in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for _, pr := range probesOf(c) {
				var port intstr.IntOrString
				var portPath fieldpath.Path
				switch {
				case pr.probe.HTTPGet != nil:
					port, portPath = pr.probe.HTTPGet.Port, pr.path.Child("httpGet", "port")
				case pr.probe.TCPSocket != nil:
					port, portPath = pr.probe.TCPSocket.Port, pr.path.Child("tcpSocket", "port")
				default:
					continue
				}
				if port.Type != intstr.String {
					continue
				}
				if _, err := strconv.Atoi(port.StrVal); err == nil {
					p.Report(rule.Diagnostic{Path: portPath, AtValue: true,
						Message: fmt.Sprintf("%s port %q is a quoted number, which is read as a port name and rejected: write %s without quotes", pr.name, port.StrVal, port.StrVal)})
					continue
				}
				// A malformed name is invalid-probe's finding.
				if containerDeclares(c.C, port.StrVal) || len(validation.IsValidPortName(port.StrVal)) > 0 {
					continue
				}
				msg := fmt.Sprintf("%s port %q names no port of %s", pr.name, port.StrVal, containerName(c))
				if names := portNames(c.C); len(names) > 0 {
					msg += fmt.Sprintf(" (it declares %s%s)", strings.Join(names, ", "), didYouMean(port.StrVal, names))
				}
				if other := declaredElsewhere(ps, base, c, port.StrVal); other != nil {
					msg += fmt.Sprintf("; %s declares it, but the kubelet looks only in the probe's own container", other)
				}
				msg += ": the probe always fails; declare the port in this container or use its number"
				p.Report(rule.Diagnostic{Path: portPath, AtValue: true, Message: msg})
			}
		}
	},
}

type probeRef struct {
	name  string
	probe *corev1.Probe
	path  fieldpath.Path
}

// probesOf lists a container's probes with their paths.
func probesOf(c containerRef) []probeRef {
	var out []probeRef
	for _, pr := range []probeRef{
		{"livenessProbe", c.C.LivenessProbe, nil},
		{"readinessProbe", c.C.ReadinessProbe, nil},
		{"startupProbe", c.C.StartupProbe, nil},
	} {
		if pr.probe != nil {
			pr.path = c.Path.Child(pr.name)
			out = append(out, pr)
		}
	}
	return out
}

func containerDeclares(c *corev1.Container, name string) bool {
	for _, port := range c.Ports {
		if port.Name == name {
			return true
		}
	}
	return false
}

func portNames(c *corev1.Container) []string {
	var names []string
	for _, port := range c.Ports {
		if port.Name != "" {
			names = append(names, port.Name)
		}
	}
	return names
}

func declaredElsewhere(ps *corev1.PodSpec, base fieldpath.Path, self containerRef, name string) fieldpath.Path {
	for _, c := range containers(ps, base) {
		if !c.Path.Equal(self.Path) && containerDeclares(c.C, name) {
			return c.Path
		}
	}
	return nil
}
