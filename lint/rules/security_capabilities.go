package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// baselineCapabilities are the capabilities Pod Security baseline lets a
// container add: the container runtimes' default set, minus NET_RAW.
var baselineCapabilities = []string{
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

// capabilityPowers says in a few words what a dangerous capability grants.
var capabilityPowers = map[string]string{
	"ALL":             "every capability, as good as privileged",
	"SYS_ADMIN":       "mount, namespaces, BPF and much more: close to root on the node",
	"NET_ADMIN":       "reconfigure interfaces, routes and firewall rules of its network namespace",
	"SYS_PTRACE":      "trace and inspect other processes",
	"SYS_MODULE":      "load kernel modules",
	"SYS_RAWIO":       "raw I/O to devices and memory",
	"SYS_BOOT":        "reboot the node",
	"SYS_TIME":        "set the node's clock",
	"DAC_READ_SEARCH": "read any file, bypassing permissions (and open files by handle)",
	"BPF":             "load BPF programs",
	"PERFMON":         "performance monitoring, including kernel addresses",
	"MAC_ADMIN":       "change the mandatory access control policy",
	"MAC_OVERRIDE":    "bypass mandatory access control",
	"SYSLOG":          "read and clear the kernel log",
	"NET_RAW":         "craft raw packets (spoofing)",
}

var dangerousCapabilities = &rule.Param[[]string]{
	Name:    "capabilities",
	Doc:     "capabilities reported when added (with or without the CAP_ prefix)",
	Default: []string{"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME", "DAC_READ_SEARCH", "BPF", "PERFMON", "MAC_ADMIN", "MAC_OVERRIDE", "SYSLOG"},
}

var dangerousCapabilityRule = &rule.Rule{
	ID:          "dangerous-capability",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a container adds a powerful Linux capability (SYS_ADMIN, NET_ADMIN, ...): say why",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Params:      []rule.Parameter{dangerousCapabilities},
	Doc: rule.Doc{
		What: "An entry of `securityContext.capabilities.add` that is in the rule's list of powerful " +
			"capabilities. Under `podSecurity: baseline` it reports every capability outside the " +
			"baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, " +
			"NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT); under `restricted`, " +
			"everything but NET_BIND_SERVICE.",
		Why: "Each of these capabilities breaks part of the container boundary: SYS_ADMIN alone is " +
			"close to privileged. Node agents do need some of them (a CNI agent needs NET_ADMIN, a " +
			"profiler needs PERFMON and BPF), so the finding asks for a reason instead of calling it " +
			"wrong; adding a capability is still much narrower than `privileged: true`.",
		Bad: "spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          securityContext:\n" +
			"            capabilities:\n" +
			"              add: [SYS_ADMIN]\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/dangerous-capability: \"programs the node's routing table\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          securityContext:\n" +
			"            capabilities:\n" +
			"              drop: [ALL]\n" +
			"              add: [NET_ADMIN]\n",
		Fix: "Add only the capabilities the agent needs, drop ALL first, and say why with " +
			"`ignore.everynode.dev/dangerous-capability: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		listed := dangerousCapabilities.Get(p)
		level := podSecurity(p)
		for _, c := range containers(ps, base) {
			sc := c.C.SecurityContext
			if sc == nil || sc.Capabilities == nil {
				continue
			}
			for i, a := range sc.Capabilities.Add {
				name := capabilityName(string(a))
				var why string
				switch {
				case containsFold(listed, name) || containsFold(listed, "CAP_"+name):
					why = capabilityPowers[name]
					if why == "" {
						why = "a capability listed as dangerous"
					}
				case level >= rule.Restricted && name != "NET_BIND_SERVICE":
					why = "Pod Security restricted allows only NET_BIND_SERVICE"
				case level >= rule.Baseline && !containsFold(baselineCapabilities, name):
					why = "outside the set Pod Security baseline allows"
				default:
					continue
				}
				p.Report(rule.Diagnostic{
					Path:    securityContextPath(c).Child("capabilities", "add").Index(i),
					AtValue: true,
					Message: fmt.Sprintf("%s adds capability %s (%s); %s", containerName(c), name, why, askReason("dangerous-capability")),
				})
			}
		}
	},
}

// runtimeDefaultCapabilities is the set a container runtime gives a
// container that drops nothing: containerd's and Docker's default (the
// OCI spec's defaults in containerd's oci package, which the CRI plugin
// starts from); CRI-O's default since 1.18 is a subset of it.
var runtimeDefaultCapabilities = []string{
	"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
	"SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
}

var capabilitiesNotDroppedRule = &rule.Rule{
	ID:          "capabilities-not-dropped",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a container keeps the runtime's default capabilities (no drop: [ALL])",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Restricted,
	Doc: rule.Doc{
		What: "A container whose `securityContext.capabilities.drop` contains neither `ALL` nor every " +
			"capability of the container runtimes' default set by name (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, " +
			"FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, NET_RAW, SETFCAP, SETGID, SETPCAP, SETUID, " +
			"SYS_CHROOT). Under `podSecurity: restricted` only `ALL`, spelled so, satisfies it. Privileged " +
			"containers and Windows pods are left out (privileged-container covers the first; capabilities " +
			"do not exist on Windows).",
		Why: "Without a drop, the process keeps the runtime's default set (CHOWN, DAC_OVERRIDE, " +
			"FOWNER, SETUID, SETGID, NET_RAW, ...), which an attacker in the container can use. " +
			"Dropping each default capability by name leaves the same empty set on containerd, Docker and " +
			"CRI-O (whose defaults are that list or part of it), so it is accepted, as Polaris accepts it; " +
			"`ALL` is still better, since it also covers a node whose runtime was configured with more " +
			"defaults. Pod Security restricted requires the literal `ALL` (its check compares the string " +
			"exactly, so neither `all` nor the list passes) and adding back at most NET_BIND_SERVICE.",
		In:         rule.InContainer,
		Bad:        "securityContext:\n  capabilities:\n    add: [NET_ADMIN]\n",
		Good:       "securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_ADMIN]\n",
		Fix:        "Add `capabilities: {drop: [ALL]}` to the container's securityContext and add back only what it needs.",
		References: []string{"https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"},
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		restricted := podSecurity(p) >= rule.Restricted
		for _, c := range containers(ps, base) {
			if privilegedContainer(c.C) {
				continue
			}
			at := securityContextPath(c).Child("capabilities", "drop")
			switch literal, folded, named := drops(c.C); {
			case literal:
			case restricted && folded:
				p.Reportf(at, "%s drops all capabilities, but Pod Security restricted accepts only drop: [\"ALL\"], spelled so", containerName(c))
			case restricted && named:
				p.Reportf(at, "%s drops every default capability by name, which leaves the same set at run time, but Pod Security restricted requires drop: [\"ALL\"] itself", containerName(c))
			case folded || named:
			default:
				p.Reportf(at, "%s does not drop ALL capabilities: it keeps the runtime's default set; add capabilities: {drop: [ALL]} to its securityContext", containerName(c))
			}
		}
	},
	Fix:   fixDropAll,
	Fixes: rule.UnsafeFix,
}

// drops says how a container drops capabilities: literal "ALL" (what Pod
// Security accepts), "ALL" in another case (what the runtimes accept), or
// every default capability by name.
func drops(c *corev1.Container) (literal, folded, named bool) {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return false, false, false
	}
	dropped := map[string]bool{}
	for _, d := range c.SecurityContext.Capabilities.Drop {
		switch {
		case string(d) == "ALL":
			literal = true
		case strings.EqualFold(string(d), "ALL"):
			folded = true
		}
		dropped[capabilityName(string(d))] = true
	}
	named = true
	for _, name := range runtimeDefaultCapabilities {
		named = named && dropped[name]
	}
	return literal, folded || literal, named
}
