package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var duplicateVolumeNameRule = &rule.Rule{
	ID:       "duplicate-volume-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "two volumes with the same name",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two entries of spec.template.spec.volumes with the same name.",
		Why:  "volumeMounts refer to volumes by name, so names must be unique; the API server rejects the DaemonSet.",
		In:   rule.InPodSpec,
		Bad: `volumes:
  - {name: config, configMap: {name: agent}}
  - {name: config, hostPath: {path: /etc/agent}}`,
		Good: `volumes:
  - {name: config, configMap: {name: agent}}
  - {name: host-config, hostPath: {path: /etc/agent}}`,
		Fix:     "Rename one of the volumes and its volumeMounts.",
		Mirrors: "ValidateVolumes in pkg/apis/core/validation (names unique)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		first := map[string]int{}
		for i, v := range ps.Volumes {
			if v.Name == "" {
				continue
			}
			if j, ok := first[v.Name]; ok {
				p.Report(rule.Diagnostic{Path: base.Child("volumes").Index(i).Child("name"), AtValue: true,
					Related: []rule.RelatedPath{{Path: base.Child("volumes").Index(j).Child("name"), Message: "first used here"}},
					Message: fmt.Sprintf("volume name %q is already used by %s: volume names must be unique; rename one and its volumeMounts",
						v.Name, base.Child("volumes").Index(j))})
				continue
			}
			first[v.Name] = i
		}
	},
}

var invalidVolumeNameRule = &rule.Rule{
	ID:       "invalid-volume-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a volume without a name, or a name that is not a DNS-1123 label",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A volume with no name, or a name that is not a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters).",
		Why:  "The API server rejects the DaemonSet.",
		In:   rule.InPodSpec,
		Bad: `volumes:
  - {name: host_root, hostPath: {path: /}}`,
		Good: `volumes:
  - {name: host-root, hostPath: {path: /}}`,
		Fix:     "Use a lowercase name with letters, digits and hyphens, and the same name in the volumeMounts.",
		Mirrors: "ValidateVolumes in pkg/apis/core/validation (ValidateDNS1123Label)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i, v := range ps.Volumes {
			path := base.Child("volumes").Index(i).Child("name")
			if v.Name == "" {
				p.Reportf(path, "this volume has no name, which is required: add a name and refer to it from the volumeMounts")
				continue
			}
			if msgs := validation.IsDNS1123Label(v.Name); len(msgs) > 0 {
				msg := fmt.Sprintf("volume name %q is not a valid DNS-1123 label: %s", v.Name, labelProblem(v.Name, msgs))
				if placeholder(v.Name) == "" {
					msg += fmt.Sprintf("; use e.g. %q", suggestLabel(v.Name))
				}
				p.Report(rule.Diagnostic{Path: path, AtValue: true, Message: msg})
			}
		}
	},
}

var missingVolumeRule = &rule.Rule{
	ID:       "missing-volume",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a volumeMount naming no volume",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A volumeMount of a container or init container whose name matches no entry of spec.template.spec.volumes.",
		Why:  "The API server rejects the DaemonSet (\"volumeMounts[0].name: Not found\").",
		In:   rule.InPodSpec,
		Bad: `containers:
  - name: agent
    volumeMounts: [{name: config, mountPath: /etc/agent}]
volumes:
  - {name: agent-config, configMap: {name: agent}}`,
		Good: `containers:
  - name: agent
    volumeMounts: [{name: agent-config, mountPath: /etc/agent}]
volumes:
  - {name: agent-config, configMap: {name: agent}}`,
		Fix:     "Fix the mount's name, or add the volume it refers to.",
		Mirrors: "ValidateVolumeMounts in pkg/apis/core/validation (the name must be a volume of the pod)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		names := make([]string, 0, len(ps.Volumes))
		have := map[string]bool{}
		for _, v := range ps.Volumes {
			names = append(names, v.Name)
			have[v.Name] = true
		}
		for _, c := range containers(ps, base) {
			for k, m := range c.C.VolumeMounts {
				if m.Name == "" || have[m.Name] {
					continue
				}
				msg := fmt.Sprintf("volumeMount %q of %s names no volume", m.Name, containerName(c))
				if len(names) > 0 {
					msg += fmt.Sprintf(" (volumes: %s)%s", strings.Join(names, ", "), didYouMean(m.Name, names))
				}
				p.Report(rule.Diagnostic{Path: c.Path.Child("volumeMounts").Index(k).Child("name"), AtValue: true,
					Message: msg + fmt.Sprintf(": add a volume named %q to spec.template.spec.volumes or fix the name", m.Name)})
			}
		}
	},
}

var duplicateMountPathRule = &rule.Rule{
	ID:       "duplicate-mount-path",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "two volumeMounts of one container at the same mountPath",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two volumeMounts of one container with the same mountPath.",
		Why:  "Only one volume can be mounted at a path; the API server rejects the DaemonSet (\"must be unique\").",
		In:   rule.InContainer,
		Bad: `volumeMounts:
  - {name: config, mountPath: /etc/agent}
  - {name: certs, mountPath: /etc/agent}`,
		Good: `volumeMounts:
  - {name: config, mountPath: /etc/agent}
  - {name: certs, mountPath: /etc/agent/certs}`,
		Fix:     "Mount each volume at its own path, or combine them with a projected volume.",
		Mirrors: "ValidateVolumeMounts in pkg/apis/core/validation (mountPath unique within a container)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			first := map[string]int{}
			for k, m := range c.C.VolumeMounts {
				if m.MountPath == "" {
					continue
				}
				if j, ok := first[m.MountPath]; ok {
					mp := c.Path.Child("volumeMounts")
					p.Report(rule.Diagnostic{Path: mp.Index(k).Child("mountPath"), AtValue: true,
						Related: []rule.RelatedPath{{Path: mp.Index(j).Child("mountPath"), Message: "first mounted here"}},
						Message: fmt.Sprintf("mountPath %s is already used by %s (volume %q) in %s: mount each volume at its own path, or combine them with a projected volume",
							m.MountPath, mp.Index(j), c.C.VolumeMounts[j].Name, containerName(c))})
					continue
				}
				first[m.MountPath] = k
			}
		}
	},
}

var bidirectionalPropagationRule = &rule.Rule{
	ID:       "bidirectional-propagation-without-privileged",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "mountPropagation Bidirectional in a container that is not privileged",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A volumeMount with mountPropagation: Bidirectional in a container without securityContext.privileged: true.",
		Why: "Bidirectional propagation lets the container's mounts appear on the host, which only a privileged container may " +
			"do; the API server rejects the DaemonSet (\"Bidirectional mount propagation is available only to privileged containers\").",
		In: rule.InContainer,
		Bad: `volumeMounts:
  - {name: kubelet-dir, mountPath: /var/lib/kubelet, mountPropagation: Bidirectional}`,
		Good: `securityContext:
  privileged: true
volumeMounts:
  - {name: kubelet-dir, mountPath: /var/lib/kubelet, mountPropagation: Bidirectional}`,
		Fix: "If the container must mount volumes for the host (a CSI node plugin), make it privileged; if it only needs to see " +
			"the host's mounts, use HostToContainer.",
		Mirrors: "validateMountPropagation in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if privilegedContainer(c.C) {
				continue
			}
			for k, m := range c.C.VolumeMounts {
				if m.MountPropagation != nil && *m.MountPropagation == corev1.MountPropagationBidirectional {
					p.Report(rule.Diagnostic{Path: c.Path.Child("volumeMounts").Index(k).Child("mountPropagation"), AtValue: true,
						Message: fmt.Sprintf("Bidirectional mount propagation needs a privileged container, and %s is not: set securityContext.privileged: true if it mounts volumes for the host, or use HostToContainer",
							containerName(c))})
				}
			}
		}
	},
}

// hostPathTypes are the values of hostPath.type the API server accepts.
var hostPathTypes = []string{
	"DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice",
}

var invalidHostPathTypeRule = &rule.Rule{
	ID:       "invalid-host-path-type",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a hostPath type the API server does not know",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A hostPath volume whose type is not one of \"\", DirectoryOrCreate, Directory, FileOrCreate, File, Socket, " +
			"CharDevice or BlockDevice (the names are case-sensitive).",
		Why: "The API server rejects the DaemonSet.",
		In:  rule.InVolume,
		Bad: `hostPath:
  path: /var/run/containerd/containerd.sock
  type: socket`,
		Good: `hostPath:
  path: /var/run/containerd/containerd.sock
  type: Socket`,
		Fix:     "Use one of the listed types, spelled exactly.",
		Mirrors: "validateHostPathType in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for i, v := range ps.Volumes {
			if v.HostPath == nil || v.HostPath.Type == nil || *v.HostPath.Type == "" {
				continue
			}
			t := string(*v.HostPath.Type)
			valid := false
			for _, ok := range hostPathTypes {
				valid = valid || t == ok
			}
			if !valid {
				p.Report(rule.Diagnostic{Path: base.Child("volumes").Index(i).Child("hostPath", "type"), AtValue: true,
					Message: fmt.Sprintf("hostPath type %q is not supported%s: use one of %s", t, didYouMean(t, hostPathTypes), strings.Join(hostPathTypes, ", "))})
			}
		}
	},
	Fix:   fixHostPathTypeCase,
	Fixes: rule.SafeFix,
}
