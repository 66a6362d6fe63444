package generator

import (
	"path"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// volumes renders spec.mounts (a volume and a mount each) and
// spec.volumes. Derived volume names avoid the names the spec chose.
func (r *renderer) volumes() {
	taken := map[string]bool{}
	for _, m := range r.spec.Mounts {
		if m.Named {
			taken[m.Mount.Name] = true
		}
	}
	for _, v := range r.spec.Volumes {
		taken[v.Name] = true
	}
	unique := func(base string) string {
		name := base
		for i := 2; taken[name]; i++ {
			name = base + "-" + strconv.Itoa(i)
		}
		taken[name] = true
		return name
	}
	r.configVolume = unique("config")

	for _, m := range r.spec.Mounts {
		vm := m.Mount
		if !m.Named {
			vm.Name = unique(volumeName(vm.MountPath))
		}
		if m.Source != nil {
			r.pod.Volumes = append(r.pod.Volumes, corev1.Volume{Name: vm.Name, VolumeSource: *m.Source})
			r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), m.Path)
		}
		r.main.VolumeMounts = append(r.main.VolumeMounts, vm)
		r.rec(mainPath.Child("volumeMounts").Index(len(r.main.VolumeMounts)-1), m.Path)
	}
	for i, v := range r.spec.Volumes {
		r.pod.Volumes = append(r.pod.Volumes, v)
		r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), specRoot.Child("volumes").Index(i))
	}
}

// volumeName derives a DNS-label volume name from a mount path:
// /var/log → var-log, / → root.
func volumeName(mountPath string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(path.Clean(mountPath)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	name := b.String()
	if name == "" {
		return "root"
	}
	if name[0] >= '0' && name[0] <= '9' {
		name = "v-" + name
	}
	if len(name) > 55 {
		name = strings.TrimRight(name[:55], "-")
	}
	return name
}
