package rules

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Rules for the kernel's confinement of a container: seccomp, AppArmor,
// SELinux, /proc masking, sysctls, and the Pod Security controls that go
// with them.

const (
	seccompPodAnnotation             = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotationPrefix = "container.seccomp.security.alpha.kubernetes.io/"
	appArmorAnnotationPrefix         = "container.apparmor.security.beta.kubernetes.io/"
)

var templateAnnotationsPath = templatePath.Child("metadata", "annotations")

var seccompUnconfinedRule = &rule.Rule{
	ID:          "seccomp-unconfined",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "seccomp is explicitly turned off (Unconfined)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "`seccompProfile.type: Unconfined` in the pod's or a container's securityContext, or the " +
			"legacy `seccomp.security.alpha.kubernetes.io/pod` / `container.seccomp.security.alpha.kubernetes.io/<name>` " +
			"template annotations set to `unconfined`.",
		Why: "Seccomp filters the system calls a container may make; the runtime's default profile " +
			"blocks the ones most kernel exploits start from (keyctl, unshare, bpf for unprivileged " +
			"users, ...). Turning it off explicitly widens the kernel attack surface of every node. " +
			"Pod Security baseline forbids it.",
		In:   rule.InContainer,
		Bad:  "securityContext:\n  seccompProfile:\n    type: Unconfined\n",
		Good: "securityContext:\n  seccompProfile:\n    type: RuntimeDefault   # or Localhost with a profile that allows what the agent needs\n",
		Fix: "Use `RuntimeDefault`, or a `Localhost` profile that allows the extra system calls the agent " +
			"needs. If it truly needs no filter, say why with `ignore.everynode.dev/seccomp-unconfined: \"<reason>\"`.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		if sc := ps.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
			p.Reportf(base.Child("securityContext", "seccompProfile", "type"),
				"seccomp is turned off for the whole pod (Unconfined); use RuntimeDefault or a Localhost profile")
		}
		for _, c := range containers(ps, base) {
			if sc := c.C.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeUnconfined {
				p.Reportf(securityContextPath(c).Child("seccompProfile", "type"),
					"seccomp is turned off for %s (Unconfined); use RuntimeDefault or a Localhost profile", containerName(c))
			}
		}
		ds := p.Object.DaemonSet()
		for _, k := range sortedKeys(ds.Spec.Template.Annotations) {
			v := ds.Spec.Template.Annotations[k]
			// The API server accepts exactly "unconfined" (any other
			// spelling is rejected, not unconfined).
			if (k == seccompPodAnnotation || strings.HasPrefix(k, seccompContainerAnnotationPrefix)) && v == "unconfined" {
				p.Reportf(templateAnnotationsPath.Child(k),
					"annotation %s turns seccomp off; remove it and set securityContext.seccompProfile.type: RuntimeDefault", k)
			}
		}
	},
}

var missingSeccompProfileRule = &rule.Rule{
	ID:          "missing-seccomp-profile",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "no seccomp profile is set (RuntimeDefault or Localhost)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Restricted,
	Doc: rule.Doc{
		What: "A container for which neither its own securityContext nor the pod's sets " +
			"`seccompProfile.type` to `RuntimeDefault` or `Localhost`. Privileged containers (which " +
			"run without seccomp whatever the profile) and Windows pods are left out; an explicit " +
			"`Unconfined` is seccomp-unconfined's finding.",
		Why: "Unless the kubelet runs with `--seccomp-default`, a container without a profile runs " +
			"unconfined: every system call is open to it. Pod Security restricted requires a profile.",
		Bad:  "spec:\n  template:\n    spec:\n      containers:\n        - name: agent\n",
		Good: "spec:\n  template:\n    spec:\n      securityContext:\n        seccompProfile:\n          type: RuntimeDefault\n      containers:\n        - name: agent\n",
		Fix:  "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (it applies to every container).",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		var podProfile *corev1.SeccompProfile
		if ps.SecurityContext != nil {
			podProfile = ps.SecurityContext.SeccompProfile
		}
		if podProfile != nil {
			// A valid pod profile covers every container that does not
			// override it; an invalid one is another rule's finding.
			return
		}
		var missing []containerRef
		total := 0
		for _, c := range containers(ps, base) {
			if privilegedContainer(c.C) {
				continue
			}
			total++
			if c.C.SecurityContext == nil || c.C.SecurityContext.SeccompProfile == nil {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			return
		}
		if len(missing) == total {
			p.Reportf(base.Child("securityContext", "seccompProfile"),
				"no seccomp profile: unless the kubelet defaults one, the pod's containers run unconfined; set securityContext.seccompProfile.type: RuntimeDefault on the pod")
			return
		}
		for _, c := range missing {
			p.Reportf(securityContextPath(c).Child("seccompProfile"),
				"%s sets no seccomp profile and the pod sets none either; set seccompProfile.type: RuntimeDefault", containerName(c))
		}
	},
	Fix:   fixSeccomp,
	Fixes: rule.UnsafeFix,
}

var appArmorUnconfinedRule = &rule.Rule{
	ID:          "apparmor-unconfined",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "AppArmor is explicitly turned off (Unconfined)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "`appArmorProfile.type: Unconfined` in the pod's or a container's securityContext, or a " +
			"`container.apparmor.security.beta.kubernetes.io/<name>: unconfined` template annotation.",
		Why: "On nodes with AppArmor, the runtime's default profile denies writes to /proc and /sys " +
			"files and mounts that container escapes rely on. Turning it off widens what a " +
			"compromised agent can do on every node. Pod Security baseline forbids it.",
		In:   rule.InContainer,
		Bad:  "securityContext:\n  appArmorProfile:\n    type: Unconfined\n",
		Good: "securityContext:\n  appArmorProfile:\n    type: RuntimeDefault\n",
		Fix:  "Remove the override, or use a `Localhost` profile that allows what the agent needs.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		if sc := ps.SecurityContext; sc != nil && sc.AppArmorProfile != nil && sc.AppArmorProfile.Type == corev1.AppArmorProfileTypeUnconfined {
			p.Reportf(base.Child("securityContext", "appArmorProfile", "type"),
				"AppArmor is turned off for the whole pod (Unconfined); use RuntimeDefault or a Localhost profile")
		}
		for _, c := range containers(ps, base) {
			if sc := c.C.SecurityContext; sc != nil && sc.AppArmorProfile != nil && sc.AppArmorProfile.Type == corev1.AppArmorProfileTypeUnconfined {
				p.Reportf(securityContextPath(c).Child("appArmorProfile", "type"),
					"AppArmor is turned off for %s (Unconfined); use RuntimeDefault or a Localhost profile", containerName(c))
			}
		}
		ds := p.Object.DaemonSet()
		for _, k := range sortedKeys(ds.Spec.Template.Annotations) {
			// Exactly "unconfined", as the API server accepts it.
			if strings.HasPrefix(k, appArmorAnnotationPrefix) && ds.Spec.Template.Annotations[k] == "unconfined" {
				p.Reportf(templateAnnotationsPath.Child(k),
					"annotation %s turns AppArmor off; remove it (or use securityContext.appArmorProfile with a Localhost profile)", k)
			}
		}
	},
}

var selinuxTypes = &rule.Param[[]string]{
	Name:    "types",
	Doc:     "SELinux types that are not reported (Pod Security baseline's list)",
	Default: []string{"container_t", "container_init_t", "container_kvm_t", "container_engine_t"},
}

var customSELinuxRule = &rule.Rule{
	ID:          "custom-selinux-options",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "custom SELinux user, role or type (spc_t, ...): say why",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Params:      []rule.Parameter{selinuxTypes},
	Doc: rule.Doc{
		What: "`seLinuxOptions` in the pod's or a container's securityContext that sets a `user` or " +
			"`role`, or a `type` outside the container types Pod Security baseline allows.",
		Why: "The SELinux type decides what the process may touch on an SELinux node; `spc_t` " +
			"(super-privileged container) is unconfined. Node agents on SELinux distributions " +
			"sometimes need it, so the finding asks for a reason.",
		Bad: "spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      securityContext:\n" +
			"        seLinuxOptions:\n" +
			"          type: spc_t\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/custom-selinux-options: \"reads container logs labelled for the runtime\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      securityContext:\n" +
			"        seLinuxOptions:\n" +
			"          type: spc_t\n",
		Fix: "Remove `seLinuxOptions` (the runtime assigns container_t), or keep it and say why with " +
			"`ignore.everynode.dev/custom-selinux-options: \"<reason>\"` on the DaemonSet's metadata.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		allowed := selinuxTypes.Get(p)
		check := func(o *corev1.SELinuxOptions, at fieldpath.Path, who string) {
			if o == nil {
				return
			}
			if o.User != "" {
				p.Reportf(at.Child("user"), "%s sets SELinux user %q; %s", who, o.User, askReason("custom-selinux-options"))
			}
			if o.Role != "" {
				p.Reportf(at.Child("role"), "%s sets SELinux role %q; %s", who, o.Role, askReason("custom-selinux-options"))
			}
			if o.Type != "" && !slices.Contains(allowed, o.Type) {
				p.Reportf(at.Child("type"), "%s runs with SELinux type %q instead of a container type; %s", who, o.Type, askReason("custom-selinux-options"))
			}
		}
		if ps.SecurityContext != nil {
			check(ps.SecurityContext.SELinuxOptions, base.Child("securityContext", "seLinuxOptions"), "the pod")
		}
		for _, c := range containers(ps, base) {
			if c.C.SecurityContext != nil {
				check(c.C.SecurityContext.SELinuxOptions, securityContextPath(c).Child("seLinuxOptions"), containerName(c))
			}
		}
	},
}

var unmaskedProcMountRule = &rule.Rule{
	ID:          "unmasked-proc-mount",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "a container sees the unmasked /proc (procMount: Unmasked)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "A container with `securityContext.procMount: Unmasked`.",
		Why: "The runtime masks and makes read-only parts of /proc (kcore, sysrq-trigger, /proc/sys) " +
			"that let a process read kernel memory or change node-wide settings. Unmasked is meant " +
			"for nested containers in user namespaces only. Pod Security baseline forbids it.",
		In:   rule.InContainer,
		Bad:  "securityContext:\n  procMount: Unmasked\n",
		Good: "securityContext:\n  procMount: Default\n",
		Fix:  "Remove `procMount` or set it to `Default`.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if sc := c.C.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount == corev1.UnmaskedProcMount {
				p.Reportf(securityContextPath(c).Child("procMount"),
					"%s sees the unmasked /proc, including files that change the node's kernel settings; remove procMount", containerName(c))
			}
		}
	},
}

var safeSysctls = &rule.Param[[]string]{
	Name: "allowed",
	Doc:  "sysctls that are not reported (the kubelet's safe set, which Pod Security baseline allows)",
	Default: []string{
		"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
		"net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports",
		"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
		"net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
	},
}

var unsafeSysctlRule = &rule.Rule{
	ID:          "unsafe-sysctl",
	Category:    rule.Security,
	Severity:    finding.Warning,
	Summary:     "the pod sets a sysctl outside the safe set",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Params:      []rule.Parameter{safeSysctls},
	Doc: rule.Doc{
		What: "An entry of `spec.template.spec.securityContext.sysctls` whose name is not in the safe set.",
		Why: "Unsafe sysctls are not isolated per pod: they change the node for every pod on it, or " +
			"can starve it. The kubelet refuses to start a pod that sets one unless it was started " +
			"with `--allowed-unsafe-sysctls` naming it, so on most clusters the DaemonSet's pods fail " +
			"with SysctlForbidden. Pod Security baseline forbids them.",
		In:   rule.InPodSpec,
		Bad:  "securityContext:\n  sysctls:\n    - {name: net.core.somaxconn, value: \"4096\"}\n",
		Good: "securityContext:\n  sysctls:\n    - {name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}\n",
		Fix: "Remove the sysctl, or set it on the node (a node-tuning agent that writes /proc/sys with " +
			"a reason for its host access) rather than per pod.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.SecurityContext == nil {
			return
		}
		allowed := safeSysctls.Get(p)
		for i, s := range ps.SecurityContext.Sysctls {
			// The kubelet accepts slashes as separators too.
			name := strings.ReplaceAll(s.Name, "/", ".")
			if !slices.Contains(allowed, name) {
				p.Reportf(base.Child("securityContext", "sysctls").Index(i).Child("name"),
					"sysctl %s is not in the safe set: the kubelet refuses the pod unless it allows it with --allowed-unsafe-sysctls, and it affects the whole node", s.Name)
			}
		}
	},
}

var probeHostRule = &rule.Rule{
	ID:          "probe-with-host",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a probe or lifecycle hook sends the kubelet to another host",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Doc: rule.Doc{
		What: "An `httpGet.host` or `tcpSocket.host` in a container's liveness, readiness or startup " +
			"probe or in a postStart/preStop hook.",
		Why: "The kubelet makes these requests from the node, with the node's network access: a host " +
			"field lets a pod make the kubelet connect wherever it says. Pod Security baseline forbids " +
			"it from Kubernetes 1.34. With hostNetwork the pod's own address is the node's, so the " +
			"field is not needed to probe the agent.",
		In:   rule.InContainer,
		Bad:  "readinessProbe:\n  httpGet:\n    host: 127.0.0.1\n    path: /healthz\n    port: 8080\n",
		Good: "readinessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080\n",
		Fix:  "Remove `host`: the kubelet then probes the pod's IP.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			probes := []struct {
				name  string
				probe *corev1.Probe
			}{{"livenessProbe", c.C.LivenessProbe}, {"readinessProbe", c.C.ReadinessProbe}, {"startupProbe", c.C.StartupProbe}}
			for _, pr := range probes {
				if pr.probe == nil {
					continue
				}
				if h := pr.probe.HTTPGet; h != nil && h.Host != "" {
					p.Reportf(c.Path.Child(pr.name, "httpGet", "host"), "%s's %s sends the kubelet to host %q; remove host to probe the pod", containerName(c), pr.name, h.Host)
				}
				if t := pr.probe.TCPSocket; t != nil && t.Host != "" {
					p.Reportf(c.Path.Child(pr.name, "tcpSocket", "host"), "%s's %s sends the kubelet to host %q; remove host to probe the pod", containerName(c), pr.name, t.Host)
				}
			}
			if c.C.Lifecycle == nil {
				continue
			}
			hooks := []struct {
				name string
				h    *corev1.LifecycleHandler
			}{{"postStart", c.C.Lifecycle.PostStart}, {"preStop", c.C.Lifecycle.PreStop}}
			for _, hk := range hooks {
				if hk.h == nil {
					continue
				}
				if h := hk.h.HTTPGet; h != nil && h.Host != "" {
					p.Reportf(c.Path.Child("lifecycle", hk.name, "httpGet", "host"), "%s's %s hook sends the kubelet to host %q; remove host", containerName(c), hk.name, h.Host)
				}
				if t := hk.h.TCPSocket; t != nil && t.Host != "" {
					p.Reportf(c.Path.Child("lifecycle", hk.name, "tcpSocket", "host"), "%s's %s hook sends the kubelet to host %q; remove host", containerName(c), hk.name, t.Host)
				}
			}
		}
	},
}

// restrictedVolumeSources are the volume types Pod Security restricted
// allows (hostPath is host-path's finding).
var restrictedVolumeSources = []string{"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image", "hostPath", "name"}

var disallowedVolumeTypeRule = &rule.Rule{
	ID:          "disallowed-volume-type",
	Category:    rule.Security,
	Severity:    finding.Info,
	Disabled:    true,
	Summary:     "a volume type Pod Security restricted does not allow (nfs, iscsi, gitRepo, ...)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Restricted,
	Doc: rule.Doc{
		What: "A pod volume of a type other than configMap, csi, downwardAPI, emptyDir, ephemeral, " +
			"persistentVolumeClaim, projected, secret or image (hostPath is host-path's finding). " +
			"Off by default; `podSecurity: restricted` turns it on.",
		Why: "Inline volume types such as nfs, iscsi or gitRepo mount storage directly from the node " +
			"with the kubelet's privileges, bypassing the PersistentVolume admission and access " +
			"controls; gitRepo runs git on the node. Pod Security restricted forbids them.",
		In:   rule.InPodSpec,
		Bad:  "volumes:\n  - name: data\n    nfs: {server: nfs.example.com, path: /exports}\n",
		Good: "volumes:\n  - name: data\n    persistentVolumeClaim: {claimName: data}\n",
		Fix:  "Use a PersistentVolumeClaim (or a CSI volume) instead of the inline volume source.",
	},
	Check: func(p *rule.Pass) {
		if _, base := daemonSetPod(p.Object); base == nil {
			return
		}
		vols, _ := p.Object.Get(podSpecPath.Child("volumes")).([]any)
		for i, v := range vols {
			m, ok := v.(map[string]any)
			if !ok {
				continue
			}
			for _, k := range sortedKeys(m) {
				if !slices.Contains(restrictedVolumeSources, k) {
					p.Reportf(podSpecPath.Child("volumes").Index(i).Child(k),
						"volume %s uses type %s, which Pod Security restricted does not allow; use a PersistentVolumeClaim or CSI volume", volumeName(m), k)
				}
			}
		}
	},
}

func volumeName(m map[string]any) string {
	n, _ := m["name"].(string)
	return fmt.Sprintf("%q", n)
}
