package rules

import (
	"fmt"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// The host-access rules. A node agent often needs the host's network, PID
// or IPC namespace, a host port or privileged mode, so these are info
// findings that ask for a reason; a suppression with a reason answers them.
// Under podSecurity: baseline the engine raises them to warnings.

// hostNamespaceRule builds one of host-network, host-pid and host-ipc.
func hostNamespaceRule(id, field, namespace, what, why, good string) *rule.Rule {
	return &rule.Rule{
		ID:          id,
		Category:    rule.Security,
		Severity:    finding.Info,
		Summary:     "the pod shares the node's " + namespace + " namespace (" + field + "): say why",
		Kinds:       []string{"DaemonSet"},
		PodSecurity: rule.Baseline,
		Doc: rule.Doc{
			What: "A pod template that sets `" + field + ": true`. " + what,
			Why: why + " Pod Security baseline forbids it. Many node agents need it all the same, so " +
				"everynode does not call it wrong: it asks for the reason, which a suppression records " +
				"next to the manifest for the next reviewer.",
			Bad: "spec:\n  template:\n    spec:\n      " + field + ": true\n",
			Good: "metadata:\n  annotations:\n    ignore.everynode.dev/" + id + ": \"" + good + "\"\n" +
				"spec:\n  template:\n    spec:\n      " + field + ": true\n",
			Fix: "If the agent does not need the host's " + namespace + " namespace, remove `" + field +
				"`. If it does, keep it and say why with the annotation `ignore.everynode.dev/" + id +
				": \"<reason>\"` on the DaemonSet's metadata (or `ignore: [{rule: " + id +
				", reason: ...}]` in an everynode Daemon spec).",
		},
		Check: func(p *rule.Pass) {
			ps, base := daemonSetPod(p.Object)
			if ps == nil {
				return
			}
			var on bool
			switch field {
			case "hostNetwork":
				on = ps.HostNetwork
			case "hostPID":
				on = ps.HostPID
			case "hostIPC":
				on = ps.HostIPC
			}
			if on {
				p.Reportf(base.Child(field), "the pod shares the node's %s namespace (%s: true); %s", namespace, field, askReason(id))
			}
		},
	}
}

var hostNetworkRule = hostNamespaceRule("host-network", "hostNetwork", "network",
	"The pod then sees every interface of the node and can bind any of its ports.",
	"A process in the host network namespace can reach services bound to the node's loopback "+
		"(the kubelet's read-only port, a local etcd, cloud metadata endpoints), sniff traffic with "+
		"the right capabilities, and its ports collide with the node's own.",
	"node metrics come from the host's network namespace")

var hostPIDRule = hostNamespaceRule("host-pid", "hostPID", "PID",
	"The pod then sees, and can signal, every process of the node.",
	"With the host's PID namespace a container sees every process on the node, reads their "+
		"environment and command lines (secrets often live there), and with enough privilege can "+
		"ptrace or kill them, or enter their namespaces with nsenter.",
	"per-process metrics need the host's PID namespace")

var hostIPCRule = hostNamespaceRule("host-ipc", "hostIPC", "IPC",
	"The pod then shares System V IPC and POSIX shared memory with every process of the node.",
	"Shared memory segments of host processes become readable and writable from the container.",
	"the agent attaches to the host's shared-memory segments")

var hostPortRule = &rule.Rule{
	ID:          "host-port",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a container binds a port on the node (hostPort): say why",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "A container port with a non-zero `hostPort`.",
		Why: "A host port exposes the container on every node's address, outside of Services and most " +
			"NetworkPolicy implementations, and takes the port away from everything else on the node. " +
			"Pod Security baseline forbids it. Node agents that other pods reach on their own node " +
			"(a log collector, a local DNS cache) use it on purpose, so everynode asks for the reason.",
		Bad: "spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          ports:\n" +
			"            - containerPort: 9100\n" +
			"              hostPort: 9100\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-port: \"pods send traces to the agent on their own node\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          ports:\n" +
			"            - containerPort: 9100\n" +
			"              hostPort: 9100\n",
		Fix: "Remove `hostPort` and reach the agent through a Service (with `internalTrafficPolicy: Local` " +
			"to stay on the node), or keep it and say why with `ignore.everynode.dev/host-port: \"<reason>\"` " +
			"on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for i, port := range c.C.Ports {
				if port.HostPort != 0 {
					p.Reportf(c.Path.Child("ports").Index(i).Child("hostPort"),
						"%s binds port %d on the node (hostPort); %s", containerName(c), port.HostPort, askReason("host-port"))
				}
			}
		}
	},
}

var privilegedContainerRule = &rule.Rule{
	ID:          "privileged-container",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a container runs privileged: say why",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "A container (or init container) with `securityContext.privileged: true`.",
		Why: "A privileged container has every capability, every host device, no seccomp or AppArmor " +
			"confinement and a writable /sys: it is root on the node in all but name. Pod Security " +
			"baseline forbids it. CNI and CSI node plugins often need it, so everynode asks for the " +
			"reason; most other agents need one or two capabilities instead.",
		In:  rule.InPodSpec,
		Bad: "containers:\n  - name: agent\n    securityContext:\n      privileged: true\n",
		Good: "containers:\n  - name: agent\n    securityContext:\n      privileged: false\n      capabilities:\n" +
			"        drop: [ALL]\n        add: [NET_ADMIN]   # only what the agent needs\n",
		Fix: "Replace `privileged: true` with the capabilities the agent actually needs, or keep it and say why " +
			"with `ignore.everynode.dev/privileged-container: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if privilegedContainer(c.C) {
				p.Report(rule.Diagnostic{Path: securityContextPath(c).Child("privileged"), Danger: true,
					Message: fmt.Sprintf("%s runs privileged: every capability and host device, no confinement; %s", containerName(c), askReason("privileged-container"))})
			}
		}
	},
}

var hostProcessRule = &rule.Rule{
	ID:          "host-process-container",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a Windows HostProcess container runs directly on the node: say why",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "`windowsOptions.hostProcess: true` in the pod's or a container's securityContext.",
		Why: "A HostProcess container is a process on the Windows node with the node's network and " +
			"file system: the Windows counterpart of a privileged container. Pod Security baseline " +
			"forbids it; Windows node agents (CNI, CSI, log collectors) use it on purpose.",
		Bad: "spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      hostNetwork: true\n" +
			"      securityContext:\n" +
			"        windowsOptions:\n" +
			"          hostProcess: true\n" +
			"          runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-process-container: \"configures the node's HNS networks\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      hostNetwork: true\n" +
			"      securityContext:\n" +
			"        windowsOptions:\n" +
			"          hostProcess: true\n" +
			"          runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"\n",
		Fix: "Remove `hostProcess` if the agent can run as a normal Windows container; otherwise say why with " +
			"`ignore.everynode.dev/host-process-container: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		if sc := ps.SecurityContext; sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.HostProcess != nil && *sc.WindowsOptions.HostProcess {
			p.Reportf(base.Child("securityContext", "windowsOptions", "hostProcess"),
				"the pod runs as Windows HostProcess containers, directly on the node; %s", askReason("host-process-container"))
		}
		for _, c := range containers(ps, base) {
			if sc := c.C.SecurityContext; sc != nil && sc.WindowsOptions != nil && sc.WindowsOptions.HostProcess != nil && *sc.WindowsOptions.HostProcess {
				p.Reportf(securityContextPath(c).Child("windowsOptions", "hostProcess"),
					"%s is a Windows HostProcess container, running directly on the node; %s", containerName(c), askReason("host-process-container"))
			}
		}
	},
}
