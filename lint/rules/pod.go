package rules

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Paths every DaemonSet rule starts from.
var (
	specPath     = fieldpath.New("spec")
	templatePath = fieldpath.New("spec", "template")
	podSpecPath  = fieldpath.New("spec", "template", "spec")
)

// containerRef is one container of a pod spec with its path, so a rule
// can report at spec.template.spec.initContainers[1].image.
type containerRef struct {
	C *corev1.Container
	// Init is true for initContainers.
	Init bool
	Path fieldpath.Path
}

// containers returns the init containers then the containers of a pod
// spec rooted at base (base is the path of the PodSpec).
func containers(ps *corev1.PodSpec, base fieldpath.Path) []containerRef {
	out := make([]containerRef, 0, len(ps.InitContainers)+len(ps.Containers))
	for i := range ps.InitContainers {
		out = append(out, containerRef{C: &ps.InitContainers[i], Init: true, Path: containerPath(base, "initContainers", i)})
	}
	for i := range ps.Containers {
		out = append(out, containerRef{C: &ps.Containers[i], Path: containerPath(base, "containers", i)})
	}
	return out
}

// Paths of the first containers of a DaemonSet's pod template, built once:
// most rules ask for them on every object, and paths are never modified
// (Child and Index copy).
var (
	podContainerPaths     = indexedPaths(podSpecPath.Child("containers"), 8)
	podInitContainerPaths = indexedPaths(podSpecPath.Child("initContainers"), 8)
)

func indexedPaths(list fieldpath.Path, n int) []fieldpath.Path {
	out := make([]fieldpath.Path, n)
	for i := range out {
		out[i] = list.Index(i)
	}
	return out
}

// containerPath is base.Child(field).Index(i).
func containerPath(base fieldpath.Path, field string, i int) fieldpath.Path {
	if base.Equal(podSpecPath) {
		paths := podContainerPaths
		if field == "initContainers" {
			paths = podInitContainerPaths
		}
		if i < len(paths) {
			return paths[i]
		}
	}
	return base.Child(field).Index(i)
}

// daemonSetPod returns the pod spec of a DaemonSet object and its path, or
// nil when the object is not a DaemonSet that decodes.
func daemonSetPod(o *rule.Object) (*corev1.PodSpec, fieldpath.Path) {
	ds := o.DaemonSet()
	if ds == nil {
		return nil, nil
	}
	return &ds.Spec.Template.Spec, podSpecPath
}
