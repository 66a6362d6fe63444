package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// hostMount is what the pod does with one hostPath volume.
type hostMount struct {
	writable      bool // some container mounts it without readOnly: true
	bidirectional bool // some container mounts it with Bidirectional propagation
}

// hostMounts collects, per volume name, how the containers mount it.
func hostMounts(ps *corev1.PodSpec) map[string]hostMount {
	out := map[string]hostMount{}
	for _, c := range containers(ps, podSpecPath) {
		for _, m := range c.C.VolumeMounts {
			hm := out[m.Name]
			if !m.ReadOnly {
				hm.writable = true
			}
			if m.MountPropagation != nil && *m.MountPropagation == corev1.MountPropagationBidirectional {
				hm.bidirectional = true
			}
			out[m.Name] = hm
		}
	}
	return out
}

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// exposes reports whether mounting p exposes target: p is target, inside
// it, or one of its parent directories other than "/" (the root is judged
// on its own: a read-only view of it is the documented node-exporter way).
func exposes(p, target string) bool {
	if p == "/" {
		return false
	}
	return under(p, target) || under(target, p)
}

var runtimeSockets = &rule.Param[[]string]{
	Name: "runtimeSockets",
	Doc:  "container runtime sockets: mounting one, or a directory that holds one, is a warning even read-only",
	Default: []string{
		"/var/run/docker.sock", "/run/docker.sock", "/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock",
		"/run/crio/crio.sock", "/var/run/crio/crio.sock", "/run/cri-dockerd.sock", "/var/run/cri-dockerd.sock",
		"/run/k3s/containerd/containerd.sock", "/run/podman/podman.sock", "/var/run/dockershim.sock",
	},
}

var credentialPaths = &rule.Param[[]string]{
	Name:    "credentialPaths",
	Doc:     "paths holding node or cluster credentials: mounting one, a path inside it or a directory above it (other than /) is a warning even read-only",
	Default: []string{"/etc/kubernetes", "/var/lib/kubelet/pki", "/var/lib/etcd", "/etc/shadow", "/root"},
}

var kubeletRootDir = &rule.Param[string]{
	Name:    "kubeletDir",
	Doc:     "the kubelet's root directory: a warning unless mounted with Bidirectional propagation, as a CSI node plugin does",
	Default: "/var/lib/kubelet",
}

var systemPaths = &rule.Param[[]string]{
	Name:    "systemPaths",
	Doc:     "paths where a writable mount is a warning (exact match); / is a warning even read-only",
	Default: []string{"/", "/etc", "/boot", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/var", "/var/lib", "/proc", "/sys", "/dev"},
}

var hostPathRule = &rule.Rule{
	ID:          "host-path",
	Category:    rule.Security,
	Severity:    finding.Info,
	Summary:     "a hostPath volume: say why (warning for runtime sockets, credentials and writable system paths)",
	Kinds:       []string{"DaemonSet"},
	PodSecurity: rule.Baseline,
	Params:      []rule.Parameter{runtimeSockets, credentialPaths, kubeletRootDir, systemPaths},
	Doc: rule.Doc{
		What: "A hostPath volume. Most are info, asking for the reason; a warning when the mount is " +
			"clearly dangerous: a container runtime socket (or a directory holding one, such as /run), " +
			"node credentials (/etc/kubernetes, the kubelet's pki, or a parent such as /etc), the " +
			"kubelet's directory without the Bidirectional propagation of a CSI node plugin, the node's " +
			"whole filesystem (/, read-only or not: it holds all of the above), or a writable mount of a " +
			"system path (/etc, /usr, /proc, /sys, /dev with the node's raw disks, ...). A read-only " +
			"/boot, /lib, /proc, /sys or /usr stays info, and the message says what it holds.",
		Why: "A hostPath volume reaches past the container onto the node: every node, for a DaemonSet. " +
			"Log shippers read /var/log, node exporters read /proc and /sys, CNI agents write " +
			"/etc/cni/net.d and /opt/cni/bin: that is normal, and a reason next to it helps the next " +
			"reviewer. Some mounts are root on the node whatever the agent does: the runtime socket " +
			"starts privileged containers (read-only does not help, a socket needs no write access to " +
			"the mount), credentials let the pod act as the node or the cluster admin, and a writable " +
			"/etc or / lets it change the node's configuration and binaries. Pod Security baseline " +
			"forbids every hostPath volume.",
		Bad: "spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          volumeMounts:\n" +
			"            - {name: docker, mountPath: /var/run/docker.sock}\n" +
			"            - {name: etc, mountPath: /host/etc}   # writable\n" +
			"      volumes:\n" +
			"        - name: docker\n" +
			"          hostPath: {path: /var/run/docker.sock}\n" +
			"        - name: etc\n" +
			"          hostPath: {path: /etc, type: Directory}\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    ignore.everynode.dev/host-path: \"tails container logs under /var/log\"\n" +
			"spec:\n" +
			"  template:\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - name: agent\n" +
			"          image: registry.example.com/agent:1.4.2\n" +
			"          volumeMounts:\n" +
			"            - {name: varlog, mountPath: /var/log, readOnly: true}\n" +
			"      volumes:\n" +
			"        - name: varlog\n" +
			"          hostPath: {path: /var/log, type: Directory}\n",
		Fix: "Mount the narrowest path the agent needs, read-only (`readOnly: true` on every volumeMount), " +
			"and say why with `ignore.everynode.dev/host-path: \"<reason>\"` on the DaemonSet's metadata. " +
			"Talk to the container runtime through the CRI API only if the agent must, and never mount " +
			"credentials it does not use.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || !slices.ContainsFunc(ps.Volumes, func(v corev1.Volume) bool { return v.HostPath != nil }) {
			return
		}
		sockets := runtimeSockets.Get(p)
		creds := credentialPaths.Get(p)
		system := systemPaths.Get(p)
		kubeletDir := kubeletRootDir.Get(p)
		mounts := hostMounts(ps)
		for i, v := range ps.Volumes {
			if v.HostPath == nil || !strings.HasPrefix(v.HostPath.Path, "/") {
				continue
			}
			hp := path.Clean(v.HostPath.Path)
			m := mounts[v.Name]
			access := "read-only"
			if m.writable {
				access = "writable"
			}
			at := base.Child("volumes").Index(i).Child("hostPath", "path")
			danger := hostPathDanger(hp, m, sockets, creds, system, kubeletDir)
			if danger == "" {
				what := ""
				if w := hostPathWhat[hp]; w != "" {
					what = ": " + w
				}
				p.Reportf(at, "hostPath volume %q mounts the node's %s (%s)%s; %s", v.Name, hp, access, what, askReason("host-path"))
				continue
			}
			p.Report(rule.Diagnostic{
				Path:     at,
				Severity: finding.Warning,
				Danger:   true,
				Message:  fmt.Sprintf("hostPath volume %q mounts the node's %s (%s): %s; %s", v.Name, hp, access, danger, askReason("host-path")),
			})
		}
	},
	Fix:   fixWritableHostPath,
	Fixes: rule.UnsafeFix,
}

// hostPathDanger says why a host path is clearly dangerous, or "".
func hostPathDanger(hp string, m hostMount, sockets, creds, system []string, kubeletDir string) string {
	for _, s := range sockets {
		if exposes(hp, path.Clean(s)) {
			if hp == path.Clean(s) {
				return "it is a container runtime socket, which starts and enters any container on the node, privileged ones included (read-only does not help)"
			}
			return fmt.Sprintf("it holds the container runtime socket %s, which starts and enters any container on the node (read-only does not help)", s)
		}
	}
	if kubeletDir != "" && hp == path.Clean(kubeletDir) && !m.bidirectional {
		return "the kubelet's directory holds its client certificate and every pod's volumes, secrets included; only a CSI node plugin (with Bidirectional propagation) needs all of it, mount the subdirectory the agent uses"
	}
	for _, c := range creds {
		c = path.Clean(c)
		if kubeletDir != "" && hp == path.Clean(kubeletDir) && under(c, hp) {
			// A CSI plugin's kubelet directory: judged above.
			continue
		}
		if exposes(hp, c) {
			return fmt.Sprintf("it exposes %s, where the node keeps credentials", c)
		}
	}
	if hp == "/" {
		// Every other path is under it: judged at least as severely as
		// /etc, /var and /run, read-only or not.
		access := "even read-only, it reads them all, and connects to the socket"
		if m.writable {
			access = "writable, it can also change any file of the node"
		}
		return "it is the node's whole filesystem, with its credentials (/etc/kubernetes, the kubelet's pki), the container runtime socket and every pod's volumes and Secrets; " + access +
			"; mount the directories the agent reads instead"
	}
	if m.writable && hp == "/dev" {
		return "a writable /dev gives raw access to the node's disks and devices; mount the device the agent needs, or add readOnly: true"
	}
	if m.writable && slices.Contains(system, hp) {
		return "a writable mount of a system path lets the pod change the node's configuration or binaries; add readOnly: true to its volumeMounts"
	}
	return ""
}

// hostPathWhat says what a read-only system path holds, for the info
// finding's message.
var hostPathWhat = map[string]string{
	"/boot": "the kernel and its boot configuration",
	"/dev":  "the node's devices",
	"/lib":  "the node's libraries and kernel modules",
	"/proc": "every process of the node, whose command lines and environments often hold secrets",
	"/sys":  "kernel, cgroup and device settings",
	"/usr":  "the node's programs and libraries",
}

var hostPathWithoutTypeRule = &rule.Rule{
	ID:       "host-path-without-type",
	Category: rule.Security,
	Severity: finding.Info,
	Summary:  "a hostPath volume has no type, so a wrong or missing path goes unnoticed",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A hostPath volume without `type` (or with `type: \"\"`).",
		Why: "Without a type the kubelet checks nothing: when the path does not exist on a node, it " +
			"creates an empty root-owned directory there and starts the pod. A DaemonSet meets every " +
			"kind of node, so this is how an agent ends up watching an empty /var/log/journal, or " +
			"finds a directory named docker.sock on a containerd node. With `Directory`, `File` or " +
			"`Socket` the pod fails with a clear event instead. It is info rather than a warning " +
			"because the mount works wherever the path exists, which is most nodes.",
		In:   rule.InPodSpec,
		Bad:  "volumes:\n  - name: varlog\n    hostPath:\n      path: /var/log\n",
		Good: "volumes:\n  - name: varlog\n    hostPath:\n      path: /var/log\n      type: Directory\n",
		Fix: "Set `type`: `Directory` or `File` for something that must exist, `Socket` for a socket, " +
			"`DirectoryOrCreate` only when the agent really owns the directory.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i, v := range ps.Volumes {
			if v.HostPath == nil || (v.HostPath.Type != nil && *v.HostPath.Type != "") {
				continue
			}
			want := "Directory"
			if strings.HasSuffix(v.HostPath.Path, ".sock") {
				want = "Socket"
			}
			p.Reportf(base.Child("volumes").Index(i).Child("hostPath", "type"),
				"hostPath volume %q has no type: where %s is missing, the kubelet creates an empty directory and starts the pod anyway; set type: %s",
				v.Name, v.HostPath.Path, want)
		}
	},
	Fix:   fixHostPathType,
	Fixes: rule.MixedFix,
}
