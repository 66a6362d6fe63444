package generator

import (
	"fmt"
	"maps"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/generator/spec"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/lint/fieldpath"
)

// Output paths every rendering step writes under.
var (
	podPath  = fieldpath.New("spec", "template", "spec")
	mainPath = podPath.Child("containers").Index(0)
	specRoot = fieldpath.New("spec")
)

// renderer turns one decoded spec into Kubernetes objects, one file per
// section of the spec: metadata.go, container.go, scheduling.go, host.go,
// volumes.go, config.go, security.go, identity.go, rollout.go. Each step
// records the Provenance of what it writes, so that a finding on the
// output is reported where the spec wrote it. What only the combination
// of sections can say is wrong (an HTTP probe with no port when the
// container declares none, node affinity set twice) is a problem here.
type renderer struct {
	spec  *spec.DaemonSpec
	probs []gojson.Error
	prov  *Provenance // the DaemonSet's

	name, namespace string
	labels          map[string]string // on every object
	selector        map[string]string

	ds   *appsv1.DaemonSet
	pod  *corev1.PodSpec
	main *corev1.Container

	configMap    *corev1.ConfigMap
	configProv   *Provenance
	configVolume string
	rbacObjects  []Object
}

func (r *renderer) errorf(p fieldpath.Path, format string, args ...any) {
	r.probs = append(r.probs, gojson.Error{Path: p, Message: fmt.Sprintf(format, args...)})
}

func (r *renderer) errorAtKey(p fieldpath.Path, format string, args ...any) {
	r.probs = append(r.probs, gojson.Error{Path: p, Message: fmt.Sprintf(format, args...), AtKey: true})
}

func (r *renderer) rec(out, spec fieldpath.Path) { r.prov.Record(out, spec) }

// render decodes a spec and renders it. It renders what it can of a spec
// with problems, so that every problem is reported at once; the objects
// of such a spec are never written.
func render(s *Spec) (*Rendered, []gojson.Error) {
	d, decodeProblems := spec.Decode(s.doc.Value, s.doc)
	r := &renderer{spec: &d.Spec, prov: NewProvenance(), name: d.Metadata.Name, namespace: d.Metadata.Namespace}
	for _, p := range decodeProblems {
		r.probs = append(r.probs, gojson.Error{Path: p.Path, Message: p.Message, AtKey: p.AtKey})
	}

	r.metadata(d.Metadata)
	r.container()
	r.scheduling()
	r.hostAccess()
	r.volumes()
	r.config()
	r.security()
	r.identity()
	r.rollout()
	r.extraContainers()
	r.ignores()

	out := &Rendered{Spec: s}
	out.Objects = append(out.Objects, r.rbacObjects...)
	if r.configMap != nil {
		out.Objects = append(out.Objects, Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: r.namespace, Name: r.configMap.Name, Value: r.configMap, Provenance: r.configProv})
	}
	out.Objects = append(out.Objects, Object{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: r.namespace, Name: r.name, Value: r.ds, Provenance: r.prov})
	// Kind order: ServiceAccount, Role, ClusterRole, RoleBinding,
	// ClusterRoleBinding, ConfigMap, DaemonSet.
	order := map[string]int{"ServiceAccount": 0, "Role": 1, "ClusterRole": 2, "RoleBinding": 3, "ClusterRoleBinding": 4, "ConfigMap": 5, "DaemonSet": 6}
	slices.SortStableFunc(out.Objects, func(a, b Object) int { return order[a.Kind] - order[b.Kind] })
	return out, r.probs
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	return maps.Clone(m)
}
