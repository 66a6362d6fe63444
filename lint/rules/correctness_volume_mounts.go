package rules

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// What ValidateVolumeMounts and ValidateVolumeDevices check that the
// missing-volume, duplicate-mount-path and propagation rules do not.

var recursiveReadOnlyModes = []string{"Disabled", "Enabled", "IfPossible"}

var invalidVolumeMountRule = &rule.Rule{
	ID:       "invalid-volume-mount",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a volumeMount or volumeDevice the API server rejects: no path, a subPath leaving the volume, a bad recursiveReadOnly",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container's volumeMount with no name or mountPath; a subPath or subPathExpr that is absolute or contains " +
			"'..', or both set; a recursiveReadOnly other than Disabled, Enabled or IfPossible, or Enabled/IfPossible without " +
			"readOnly: true or with a mountPropagation other than None. A volumeDevice with no name or devicePath, naming no " +
			"volume or a volume that is not a persistentVolumeClaim or ephemeral volume, a devicePath with '..', a name or " +
			"devicePath used twice, or used by a volumeMount too.",
		Why: "The API server rejects the DaemonSet. A subPath must stay inside its volume: '..' or an absolute path would " +
			"reach the rest of the node's filesystem.",
		In: rule.InContainer,
		Bad: `volumeMounts:
  - {name: config, mountPath: /etc/agent, subPath: ../secrets}`,
		Good: `volumeMounts:
  - {name: config, mountPath: /etc/agent, subPath: agent}`,
		Fix: "Use a relative subPath inside the volume; give recursiveReadOnly only with readOnly: true; use volumeDevices " +
			"only for block-mode persistentVolumeClaim or ephemeral volumes.",
		Mirrors: "ValidateVolumeMounts and ValidateVolumeDevices in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		volumes := volumesByName(ps)
		for _, c := range containers(ps, base) {
			checkVolumeMounts(p, c, volumes)
			checkVolumeDevices(p, c, volumes)
		}
	},
}

// localPathProblem is what makes a path not a relative path inside its
// volume, or "".
func localPathProblem(s string) string {
	if path.IsAbs(s) {
		return "must be a relative path"
	}
	for _, part := range strings.Split(filepath.ToSlash(s), "/") {
		if part == ".." {
			return "must not contain '..'"
		}
	}
	return ""
}

func checkVolumeMounts(p *rule.Pass, c containerRef, volumes map[string]*corev1.Volume) {
	devices := map[string]string{} // name → devicePath
	for _, d := range c.C.VolumeDevices {
		devices[d.Name] = d.DevicePath
	}
	for i, m := range c.C.VolumeMounts {
		mp := c.Path.Child("volumeMounts").Index(i)
		if m.Name == "" {
			p.Reportf(mp.Child("name"), "a volumeMount of %s has no name: name the volume to mount", containerName(c))
		}
		if m.MountPath == "" {
			p.Reportf(mp.Child("mountPath"), "volumeMount %q of %s has no mountPath: give the directory to mount it at", m.Name, containerName(c))
		}
		if _, ok := devices[m.Name]; ok && m.Name != "" {
			p.Report(rule.Diagnostic{Path: mp.Child("name"), AtValue: true,
				Message: fmt.Sprintf("volume %q is both mounted and used as a volumeDevice by %s: use one or the other", m.Name, containerName(c))})
		}
		for _, dp := range devices {
			if dp == m.MountPath && dp != "" {
				p.Report(rule.Diagnostic{Path: mp.Child("mountPath"), AtValue: true,
					Message: fmt.Sprintf("mountPath %q is also a volumeDevice's devicePath in %s: use different paths", m.MountPath, containerName(c))})
				break
			}
		}
		for _, f := range []struct{ name, value string }{{"subPath", m.SubPath}, {"subPathExpr", m.SubPathExpr}} {
			if f.value == "" {
				continue
			}
			if problem := localPathProblem(f.value); problem != "" {
				p.Report(rule.Diagnostic{Path: mp.Child(f.name), AtValue: true,
					Message: fmt.Sprintf("%s %q %s inside the volume: %s", f.name, f.value, problem, "use a path relative to the volume's root, without '..'")})
			}
		}
		if m.SubPath != "" && m.SubPathExpr != "" {
			p.Report(rule.Diagnostic{Path: mp.Child("subPathExpr"), AtValue: true,
				Message: "subPath and subPathExpr cannot both be set: keep subPathExpr if the path uses $(VAR), else subPath"})
		}
		if rro := m.RecursiveReadOnly; rro != nil {
			rp := mp.Child("recursiveReadOnly")
			switch v := string(*rro); {
			case !slices.Contains(recursiveReadOnlyModes, v):
				p.Report(rule.Diagnostic{Path: rp, AtValue: true,
					Message: fmt.Sprintf("recursiveReadOnly %q is not supported%s: use one of %s", v, didYouMean(v, recursiveReadOnlyModes), strings.Join(recursiveReadOnlyModes, ", "))})
			case v == "Disabled":
			default:
				if !m.ReadOnly {
					p.Reportf(rp, "recursiveReadOnly %s needs readOnly: true on the mount: add it", v)
				}
				if m.MountPropagation != nil && *m.MountPropagation != corev1.MountPropagationNone {
					p.Reportf(rp, "recursiveReadOnly %s cannot be combined with mountPropagation %s: remove one", v, *m.MountPropagation)
				}
			}
		}
	}
}

func checkVolumeDevices(p *rule.Pass, c containerRef, volumes map[string]*corev1.Volume) {
	names, paths := map[string]bool{}, map[string]bool{}
	for i, d := range c.C.VolumeDevices {
		dp := c.Path.Child("volumeDevices").Index(i)
		namePath := dp.Child("name")
		v, found := volumes[d.Name]
		switch {
		case d.Name == "":
			p.Reportf(namePath, "a volumeDevice of %s has no name: name the persistentVolumeClaim or ephemeral volume to attach", containerName(c))
		case names[d.Name]:
			p.Report(rule.Diagnostic{Path: namePath, AtValue: true, Message: fmt.Sprintf("volumeDevice %q is listed twice in %s: remove one", d.Name, containerName(c))})
		case !found:
			p.Report(rule.Diagnostic{Path: namePath, AtValue: true,
				Message: fmt.Sprintf("volumeDevice %q of %s names no volume: add it to spec.template.spec.volumes or fix the name", d.Name, containerName(c))})
		case v.PersistentVolumeClaim == nil && v.Ephemeral == nil:
			p.Report(rule.Diagnostic{Path: namePath, AtValue: true,
				Message: fmt.Sprintf("volumeDevice %q is not a persistentVolumeClaim or ephemeral volume, the only ones that attach as block devices: mount it with volumeMounts instead", d.Name)})
		}
		// A name both mounted and a device is reported at the mount.
		checkDevicePath(p, c, dp.Child("devicePath"), d.DevicePath, paths)
		if d.Name != "" {
			names[d.Name] = true
		}
	}
}

func checkDevicePath(p *rule.Pass, c containerRef, at fieldpath.Path, devPath string, seen map[string]bool) {
	switch {
	case devPath == "":
		p.Reportf(at, "a volumeDevice of %s has no devicePath: give the device file to create, such as /dev/xvda", containerName(c))
		return
	case seen[devPath]:
		p.Report(rule.Diagnostic{Path: at, AtValue: true, Message: fmt.Sprintf("devicePath %q is used twice in %s: give each device its own", devPath, containerName(c))})
	case localPathProblem(strings.TrimPrefix(devPath, "/")) == "must not contain '..'":
		p.Report(rule.Diagnostic{Path: at, AtValue: true, Message: fmt.Sprintf("devicePath %q contains '..': write the path without it", devPath)})
		return
	}
	seen[devPath] = true // a path both mounted and a device is reported at the mount
}
