package placement

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	resourcehelper "k8s.io/component-helpers/resource"
)

// podRequests is what the scheduler counts for one daemon pod: the pod's
// requests as the API server defaults them (a container with a limit and
// no request requests its limit; pod-level requests default from
// pod-level limits), aggregated as the scheduler's NodeResourcesFit does
// with resourcehelper.PodRequests (app containers summed, init containers
// as the maximum of each alone, sidecars - restartPolicy: Always init
// containers - added to both, pod-level requests where set, plus
// spec.overhead), and one pod.
func podRequests(spec *corev1.PodSpec) corev1.ResourceList {
	pod := &corev1.Pod{Spec: *spec}
	pod.Spec.Containers = defaultRequests(spec.Containers)
	pod.Spec.InitContainers = defaultRequests(spec.InitContainers)
	if r := spec.Resources; r != nil && len(r.Limits) > 0 {
		pod.Spec.Resources = defaultPodRequests(pod, r)
	}
	reqs := resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{})
	for name, q := range reqs {
		if q.IsZero() {
			delete(reqs, name)
		}
	}
	reqs[corev1.ResourcePods] = *resource.NewQuantity(1, resource.DecimalSI)
	return reqs
}

// defaultRequests is SetDefaults_Pod for containers: a resource with a
// limit and no request requests its limit. The template is not modified.
func defaultRequests(cs []corev1.Container) []corev1.Container {
	out := make([]corev1.Container, len(cs))
	for i, c := range cs {
		out[i] = c
		if len(c.Resources.Limits) == 0 {
			continue
		}
		reqs := make(corev1.ResourceList, len(c.Resources.Requests)+len(c.Resources.Limits))
		for k, v := range c.Resources.Requests {
			reqs[k] = v
		}
		for k, v := range c.Resources.Limits {
			if _, ok := reqs[k]; !ok {
				reqs[k] = v
			}
		}
		out[i].Resources.Requests = reqs
	}
	return out
}

// defaultPodRequests is SetDefaults_Pod's defaultPodRequests (the
// PodLevelResources feature, beta and on in 1.37): a pod-level limit on
// a resource that neither the pod nor any container requests becomes the
// pod-level request. (Where containers do request it, the default is
// their aggregate, which is what PodRequests counts anyway.)
func defaultPodRequests(pod *corev1.Pod, r *corev1.ResourceRequirements) *corev1.ResourceRequirements {
	out := r.DeepCopy()
	aggregate := resourcehelper.AggregateContainerRequests(pod, resourcehelper.PodResourcesOptions{})
	for name, limit := range r.Limits {
		if !resourcehelper.IsSupportedPodLevelResource(name) {
			continue
		}
		if _, ok := out.Requests[name]; ok {
			continue
		}
		if _, ok := aggregate[name]; ok {
			continue
		}
		if out.Requests == nil {
			out.Requests = corev1.ResourceList{}
		}
		out.Requests[name] = limit
	}
	return out
}

// addTo adds reqs into sum.
func addTo(sum, reqs corev1.ResourceList) {
	for name, q := range reqs {
		s := sum[name]
		s.Add(q)
		sum[name] = s
	}
}

// fitWarnings compares the requests of the daemon pods placed on a node
// with its status.allocatable, as the scheduler's NodeResourcesFit and
// the pod count check do. The node-level warning names the total; a
// daemon pod that alone asks more than the node has gets its own. A node
// without status.allocatable is not judged (nothing is known of it).
func fitWarnings(n *corev1.Node, placed []*daemon, total corev1.ResourceList) (node string, own map[*daemon][]string) {
	alloc := n.Status.Allocatable
	if len(alloc) == 0 {
		return "", nil
	}
	var over []string
	for _, name := range sortedNames(total) {
		want := total[name]
		have := alloc[name] // missing: zero, as the scheduler counts it
		if want.Cmp(have) <= 0 {
			continue
		}
		alone := false
		for _, d := range placed {
			q, ok := d.requests[name]
			if ok && q.Cmp(have) > 0 {
				alone = true
				if own == nil {
					own = map[*daemon][]string{}
				}
				qs, hs := humanPair(name, q, have)
				own[d] = append(own[d], fmt.Sprintf("requests %s %s, more than the node's allocatable %s: the pod stays Pending", name, qs, allocText(hs, alloc, name)))
			}
		}
		if !alone {
			ws, hs := humanPair(name, want, have)
			over = append(over, fmt.Sprintf("%s %s of %s", name, ws, allocText(hs, alloc, name)))
		}
	}
	if len(over) > 0 {
		node = fmt.Sprintf("the %d DaemonSet pods placed on this node request more than its allocatable (%s): at least one stays Pending",
			len(placed), strings.Join(over, ", "))
	}
	return node, own
}

func allocText(have string, alloc corev1.ResourceList, name corev1.ResourceName) string {
	if _, ok := alloc[name]; !ok {
		return "0 (status.allocatable has no " + string(name) + ")"
	}
	return have
}

// resourceOrder puts the resources everyone has first.
var resourceOrder = map[corev1.ResourceName]int{
	corev1.ResourceCPU: 0, corev1.ResourceMemory: 1, corev1.ResourceEphemeralStorage: 2, corev1.ResourcePods: 3,
}

func sortedNames(l corev1.ResourceList) []corev1.ResourceName {
	names := make([]corev1.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		oi, iok := resourceOrder[names[i]]
		oj, jok := resourceOrder[names[j]]
		switch {
		case iok && jok:
			return oi < oj
		case iok != jok:
			return iok
		}
		return names[i] < names[j]
	})
	return names
}

// formatResources is "cpu 4, memory 8Gi, pods 110" for the text formats;
// resources the node has none of (hugepages-1Gi 0) are left out.
func formatResources(l corev1.ResourceList) string {
	var parts []string
	for _, n := range sortedNames(l) {
		q := l[n]
		if q.IsZero() {
			continue
		}
		parts = append(parts, string(n)+" "+human(n, q))
	}
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// human writes an amount of bytes (memory, storage, huge pages) in the
// largest binary unit it reaches, as people read them: kubelets report
// memory in Ki (15613308Ki) and storage in bytes (94580335255), which say
// little at a glance (14.9Gi, 88.1Gi). Other resources are as Kubernetes
// writes them.
func human(name corev1.ResourceName, q resource.Quantity) string {
	if name != corev1.ResourceMemory && name != corev1.ResourceEphemeralStorage && name != corev1.ResourceStorage &&
		!strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) {
		return q.String()
	}
	v := q.Value()
	units := []struct {
		size int64
		name string
	}{{1 << 40, "Ti"}, {1 << 30, "Gi"}, {1 << 20, "Mi"}, {1 << 10, "Ki"}}
	for _, u := range units {
		if v < u.size {
			continue
		}
		if v%u.size == 0 {
			return strconv.FormatInt(v/u.size, 10) + u.name
		}
		f := float64(v) / float64(u.size)
		if f < 10 {
			return strconv.FormatFloat(f, 'f', 2, 64) + u.name
		}
		return strconv.FormatFloat(f, 'f', 1, 64) + u.name
	}
	return q.String()
}

// humanPair writes two amounts so that they read differently whenever
// they differ: if rounding makes them look equal, both are exact.
func humanPair(name corev1.ResourceName, a, b resource.Quantity) (string, string) {
	ha, hb := human(name, a), human(name, b)
	if ha == hb && a.Cmp(b) != 0 {
		return a.String(), b.String()
	}
	return ha, hb
}
