package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var privilegeEscalationRule = &rule.Rule{
	ID:          "privilege-escalation-allowed",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "a container does not set allowPrivilegeEscalation: false",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Restricted,
	Doc: rule.Doc{
		What: "A container whose securityContext does not set `allowPrivilegeEscalation: false` " +
			"(it defaults to true). Privileged containers and containers that add SYS_ADMIN are " +
			"left out: the API server rejects `false` for them, and other rules cover them. " +
			"Windows pods are left out too.",
		Why: "With privilege escalation allowed, a setuid binary or file capability in the image " +
			"(or one an attacker drops into a writable path) gives the process more privileges " +
			"than it started with. Setting it to false sets the kernel's no_new_privs flag, at no " +
			"cost to almost every agent. Pod Security restricted requires it.",
		In:   rule.InPodSpec,
		Bad:  "containers:\n  - name: agent\n    securityContext:\n      runAsNonRoot: true\n",
		Good: "containers:\n  - name: agent\n    securityContext:\n      runAsNonRoot: true\n      allowPrivilegeEscalation: false\n",
		Fix:  "Set `allowPrivilegeEscalation: false` in the container's securityContext.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		for _, c := range containers(ps, base) {
			if privilegedContainer(c.C) || addsCapability(c.C, "SYS_ADMIN") {
				continue
			}
			sc := c.C.SecurityContext
			if sc != nil && sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
				continue
			}
			msg := "%s may gain privileges through setuid binaries: set allowPrivilegeEscalation: false in its securityContext"
			if sc != nil && sc.AllowPrivilegeEscalation != nil {
				msg = "%s allows privilege escalation through setuid binaries: set allowPrivilegeEscalation: false"
			}
			p.Reportf(securityContextPath(c).Child("allowPrivilegeEscalation"), msg, containerName(c))
		}
	},
	Fix:   setTo("set allowPrivilegeEscalation: false", false),
	Fixes: rule.UnsafeFix,
}

var runsAsRootRule = &rule.Rule{
	ID:          "runs-as-root",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "a container runs as root, or nothing stops it from doing so",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Restricted,
	Doc: rule.Doc{
		What: "A container that runs as user 0 (`runAsUser: 0`, on the container or the pod) or with " +
			"root's group (`runAsGroup: 0`, as kube-linter's run-as-non-root counts it), that " +
			"sets `runAsNonRoot: false`, or for which nothing requires a non-root user (neither " +
			"`runAsNonRoot: true` nor a non-zero `runAsUser`, so the image decides). Under " +
			"`podSecurity: restricted` a non-zero `runAsUser` is not enough: restricted requires " +
			"`runAsNonRoot: true`. Windows pods are left out.",
		Why: "Root in a container is root on the node as soon as anything else gives way: a " +
			"hostPath mount, a capability, a kernel bug. A DaemonSet runs on every node, so one " +
			"weakness is everywhere at once. Agents that really need root (reading root-owned host " +
			"files, for instance) should say so.",
		In:   rule.InContainer,
		Bad:  "securityContext:\n  runAsUser: 0\n",
		Good: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 65534\n  runAsGroup: 65534\n",
		Fix: "Set `runAsNonRoot: true` and a non-zero `runAsUser` in the pod's securityContext (or each " +
			"container's). If the agent must run as root, say why with " +
			"`ignore.everynode.dev/runs-as-root: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		restricted := podSecurity(p) >= rule.Restricted
		podSC := ps.SecurityContext
		var podUser *int64
		var podNonRoot *bool
		if podSC != nil {
			podUser, podNonRoot = podSC.RunAsUser, podSC.RunAsNonRoot
		}
		scPath := base.Child("securityContext")
		// Pod-level settings that are wrong for every container that
		// inherits them are reported once, at the pod.
		podReported := false
		if podUser != nil && *podUser == 0 {
			p.Reportf(scPath.Child("runAsUser"), "the pod runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true")
			podReported = true
		} else if podNonRoot != nil && !*podNonRoot {
			p.Reportf(scPath.Child("runAsNonRoot"), "the pod allows root (runAsNonRoot: false); set runAsNonRoot: true and a non-zero runAsUser")
			podReported = true
		}
		reportRootGroup(p, ps, base)
		var unset []containerRef
		for _, c := range containers(ps, base) {
			user, nonRoot := podUser, podNonRoot
			var ownUser, ownNonRoot bool
			if sc := c.C.SecurityContext; sc != nil {
				if sc.RunAsUser != nil {
					user, ownUser = sc.RunAsUser, true
				}
				if sc.RunAsNonRoot != nil {
					nonRoot, ownNonRoot = sc.RunAsNonRoot, true
				}
			}
			cPath := securityContextPath(c)
			switch {
			case user != nil && *user == 0:
				if ownUser {
					p.Reportf(cPath.Child("runAsUser"), "%s runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true", containerName(c))
				} else if !podReported {
					p.Reportf(scPath.Child("runAsUser"), "%s runs as root (runAsUser: 0 on the pod)", containerName(c))
				}
			case nonRoot != nil && !*nonRoot:
				if ownNonRoot {
					p.Reportf(cPath.Child("runAsNonRoot"), "%s allows root (runAsNonRoot: false); set runAsNonRoot: true and a non-zero runAsUser", containerName(c))
				} else if !podReported {
					p.Reportf(scPath.Child("runAsNonRoot"), "%s allows root (runAsNonRoot: false on the pod)", containerName(c))
				}
			case nonRoot != nil && *nonRoot:
				// Required non-root: the kubelet refuses to start a root image.
			case user != nil:
				// A non-zero user: not root, but restricted also wants runAsNonRoot.
				if restricted {
					at := cPath.Child("runAsNonRoot")
					if !ownUser {
						at = scPath.Child("runAsNonRoot")
					}
					p.Reportf(at, "%s sets runAsUser but not runAsNonRoot: true, which Pod Security restricted requires", containerName(c))
				}
			default:
				unset = append(unset, c)
			}
		}
		if len(unset) == 0 {
			return
		}
		if len(unset) == len(ps.InitContainers)+len(ps.Containers) && len(unset) > 1 {
			names := make([]string, len(unset))
			for i, c := range unset {
				names[i] = c.C.Name
			}
			p.Reportf(scPath.Child("runAsNonRoot"),
				"nothing stops containers %s from running as root (the image decides); set runAsNonRoot: true and a non-zero runAsUser in the pod's securityContext",
				quoteList(names))
			return
		}
		for _, c := range unset {
			p.Report(rule.Diagnostic{
				Path: securityContextPath(c).Child("runAsNonRoot"),
				Message: fmt.Sprintf("nothing stops %s from running as root (the image decides); set runAsNonRoot: true and a non-zero runAsUser",
					containerName(c)),
			})
		}
	},
}

var writableRootFilesystemRule = &rule.Rule{
	ID:       "writable-root-filesystem",
	Category: rule.Security,
	Severity: finding.Info,
	Summary:  "a container's root filesystem is writable (no readOnlyRootFilesystem: true)",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container whose securityContext does not set `readOnlyRootFilesystem: true` (Windows pods are left out: Windows does not support it).",
		Why: "A writable image lets an attacker who gets code execution drop tools and change " +
			"binaries, and lets the agent fill the node's disk through its writable layer. With a " +
			"read-only root, scratch space is explicit (an emptyDir) and bounded.",
		In:  rule.InPodSpec,
		Bad: "containers:\n  - name: agent\n    securityContext:\n      runAsNonRoot: true\n",
		Good: "containers:\n  - name: agent\n    securityContext:\n      readOnlyRootFilesystem: true\n" +
			"    volumeMounts:\n      - {name: tmp, mountPath: /tmp}\nvolumes:\n  - {name: tmp, emptyDir: {sizeLimit: 64Mi}}\n",
		Fix: "Set `readOnlyRootFilesystem: true` and mount an emptyDir where the agent writes (/tmp, a cache directory).",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		for _, c := range containers(ps, base) {
			sc := c.C.SecurityContext
			if sc != nil && sc.ReadOnlyRootFilesystem != nil && *sc.ReadOnlyRootFilesystem {
				continue
			}
			p.Reportf(securityContextPath(c).Child("readOnlyRootFilesystem"),
				"%s can write to its root filesystem: set readOnlyRootFilesystem: true and mount an emptyDir where it writes", containerName(c))
		}
	},
	Fix:   setTo("set readOnlyRootFilesystem: true", true),
	Fixes: rule.UnsafeFix,
}

// reportRootGroup reports runAsGroup: 0 where containers get it: once at
// the pod when some container inherits it, and at each container that sets
// it. Group 0 owns much of a node's and an image's files (group-writable
// ones included), so a non-root user in group root still reaches them.
func reportRootGroup(p *rule.Pass, ps *corev1.PodSpec, base fieldpath.Path) {
	var podGroup *int64
	if ps.SecurityContext != nil {
		podGroup = ps.SecurityContext.RunAsGroup
	}
	var inherit []string
	for _, c := range containers(ps, base) {
		if sc := c.C.SecurityContext; sc != nil && sc.RunAsGroup != nil {
			if *sc.RunAsGroup == 0 {
				p.Reportf(securityContextPath(c).Child("runAsGroup"),
					"%s runs with root's group (runAsGroup: 0): it can read and write what group root may on its mounts and in the image; set a non-zero runAsGroup", containerName(c))
			}
			continue
		}
		inherit = append(inherit, c.C.Name)
	}
	if podGroup != nil && *podGroup == 0 && len(inherit) > 0 {
		p.Reportf(base.Child("securityContext", "runAsGroup"),
			"the pod runs containers %s with root's group (runAsGroup: 0): they can read and write what group root may on their mounts and in the image; set a non-zero runAsGroup", quoteList(inherit))
	}
}
