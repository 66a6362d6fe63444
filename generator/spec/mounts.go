package spec

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Mount is a volume and where the main container mounts it.
type Mount struct {
	At
	// Mount's Name is the volume's, unless Named is false: the generator
	// then derives one from the mount path.
	Mount corev1.VolumeMount
	Named bool
	// Source is the volume's; nil when the mount names a volume of
	// spec.volumes.
	Source *corev1.VolumeSource
}

type mountSyntax struct {
	Name             *string                      `json:"name" doc:"the volume's name (default: derived from mountPath)"`
	MountPath        string                       `json:"mountPath" jsonschema:"required,minLength=1" doc:"where the volume appears in the container"`
	ReadOnly         *bool                        `json:"readOnly" doc:"hostPath mounts default to true, others to false"`
	SubPath          string                       `json:"subPath"`
	SubPathExpr      string                       `json:"subPathExpr"`
	MountPropagation *corev1.MountPropagationMode `json:"mountPropagation" jsonschema:"enum=None|HostToContainer|Bidirectional"`

	HostPath  *HostPathSource              `json:"hostPath"`
	ConfigMap *ConfigMapSource             `json:"configMap"`
	Secret    *SecretSource                `json:"secret"`
	EmptyDir  *corev1.EmptyDirVolumeSource `json:"emptyDir"`
}

// mountSources are mountSyntax's volume sources, at most one of which is
// set.
var mountSources = []string{"hostPath", "configMap", "secret", "emptyDir"}

// Forms implements Shorthand.
func (Mount) Forms() Forms {
	return Forms{List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: mountSyntax{}, Schema: M{"description": "a volume and where the main container mounts it: Kubernetes Volume and VolumeMount fields together"}},
	}}
}

func (x *Mount) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		hm, err := parseHostMount(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		typ := hm.typ
		if typ == "" {
			typ = corev1.HostPathDirectory
		}
		// Host paths are mounted read-only unless the spec says otherwise.
		x.Mount = corev1.VolumeMount{MountPath: hm.container, ReadOnly: hm.readOnly == nil || *hm.readOnly, MountPropagation: hm.propagation}
		x.Source = &corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: hm.host, Type: &typ}}
		return true
	}
	m := v.(map[string]any)
	var sources []string
	for _, k := range mountSources {
		if _, ok := m[k]; ok {
			sources = append(sources, k)
		}
	}
	if len(sources) > 1 {
		d.errorf(p, "the mount sets %s: a mount has one volume source", strings.Join(sources, " and "))
		return false
	}
	var s mountSyntax
	d.into(p, v, &s)
	x.Mount = corev1.VolumeMount{MountPath: s.MountPath, SubPath: s.SubPath, SubPathExpr: s.SubPathExpr, MountPropagation: s.MountPropagation}
	if s.ReadOnly != nil {
		x.Mount.ReadOnly = *s.ReadOnly
	}
	if s.Name != nil {
		x.Mount.Name, x.Named = *s.Name, true
	}
	if len(sources) == 0 {
		if s.Name == nil {
			d.errorf(p, "the mount has no volume: add hostPath, configMap, secret or emptyDir, or name a volume from spec.volumes")
			return false
		}
		return true
	}
	x.Source = &corev1.VolumeSource{}
	switch sources[0] {
	case "hostPath":
		if s.HostPath == nil {
			return false
		}
		x.Source.HostPath = &s.HostPath.HostPathVolumeSource
		if s.ReadOnly == nil {
			x.Mount.ReadOnly = true
		}
	case "configMap":
		if s.ConfigMap == nil {
			return false
		}
		x.Source.ConfigMap = &s.ConfigMap.ConfigMapVolumeSource
	case "secret":
		if s.Secret == nil {
			return false
		}
		x.Source.Secret = &s.Secret.SecretVolumeSource
	case "emptyDir":
		if s.EmptyDir == nil {
			if m["emptyDir"] != nil {
				return false
			}
			// emptyDir: with no value is an empty directory with defaults.
			s.EmptyDir = &corev1.EmptyDirVolumeSource{}
		}
		x.Source.EmptyDir = s.EmptyDir
	}
	return true
}

// HostPathSource is a directory or file of the node.
type HostPathSource struct{ corev1.HostPathVolumeSource }

// Forms implements Shorthand.
func (HostPathSource) Forms() Forms {
	return Forms{Doc: "a host path (type Directory), or a HostPathVolumeSource", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.HostPathVolumeSource{}},
	}}
}

func (x *HostPathSource) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		typ := corev1.HostPathDirectory
		x.HostPathVolumeSource = corev1.HostPathVolumeSource{Path: s, Type: &typ}
		return true
	}
	return d.into(p, v, &x.HostPathVolumeSource)
}

// ConfigMapSource is a ConfigMap mounted as files.
type ConfigMapSource struct{ corev1.ConfigMapVolumeSource }

// Forms implements Shorthand.
func (ConfigMapSource) Forms() Forms {
	return Forms{Doc: "a ConfigMap name, or a ConfigMapVolumeSource", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.ConfigMapVolumeSource{}},
	}}
}

func (x *ConfigMapSource) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		x.Name = s
		return true
	}
	return d.into(p, v, &x.ConfigMapVolumeSource)
}

// SecretSource is a Secret mounted as files.
type SecretSource struct{ corev1.SecretVolumeSource }

// Forms implements Shorthand.
func (SecretSource) Forms() Forms {
	return Forms{Doc: "a Secret name, or a SecretVolumeSource", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.SecretVolumeSource{}},
	}}
}

func (x *SecretSource) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		x.SecretName = s
		return true
	}
	return d.into(p, v, &x.SecretVolumeSource)
}
