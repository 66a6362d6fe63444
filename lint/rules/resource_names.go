package rules

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
)

// What Kubernetes knows of compute resource names: which a container may
// request, which must be whole numbers, which may not be overcommitted.
// Shared by the rules that read resources, requests and limits.

// hugePages reports a hugepages-<size> resource.
func hugePages(name corev1.ResourceName) bool {
	return strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

// nativeResource reports a resource of Kubernetes' own namespace: a name
// without a domain, or one in kubernetes.io.
func nativeResource(name corev1.ResourceName) bool {
	return !strings.Contains(string(name), "/") || strings.Contains(string(name), "kubernetes.io/")
}

// extendedResource reports a resource a device plugin or a node's
// administrator advertises (example.com/gpu): outside Kubernetes'
// namespace, and a valid quota name once prefixed with "requests.".
func extendedResource(name corev1.ResourceName) bool {
	if nativeResource(name) || strings.HasPrefix(string(name), "requests.") {
		return false
	}
	return len(validation.IsQualifiedName("requests."+string(name))) == 0
}

// overcommittable reports a resource whose request may be below its
// limit: the native ones except hugepages. The others (extended resources,
// hugepages) need request equal to limit.
func overcommittable(name corev1.ResourceName) bool {
	return nativeResource(name) && !hugePages(name)
}

// containerResource reports a resource name a container may request
// without a domain: cpu, memory, ephemeral-storage and hugepages-<size>.
func containerResource(name corev1.ResourceName) bool {
	switch name {
	case corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return true
	}
	return hugePages(name)
}

// standardResources are the resource names without a domain that
// Kubernetes knows at all (a container may use only some of them).
var standardResources = map[corev1.ResourceName]bool{
	"cpu": true, "memory": true, "ephemeral-storage": true,
	"requests.cpu": true, "requests.memory": true, "requests.ephemeral-storage": true,
	"limits.cpu": true, "limits.memory": true, "limits.ephemeral-storage": true,
	"pods": true, "resourcequotas": true, "services": true, "replicationcontrollers": true, "secrets": true,
	"persistentvolumeclaims": true, "configmaps": true, "services.nodeports": true, "services.loadbalancers": true,
	"storage": true, "requests.storage": true,
}

// standardResource reports a known resource name without a domain.
func standardResource(name corev1.ResourceName) bool {
	return standardResources[name] || hugePages(name) || strings.HasPrefix(string(name), "requests.hugepages-")
}

// hugePageMultiple reports whether q is a whole, positive number of pages
// of a hugepages-<size> resource (false when the size does not parse).
func hugePageMultiple(name corev1.ResourceName, q resource.Quantity) bool {
	size, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
	if err != nil || size.Sign() <= 0 || size.MilliValue()%1000 != 0 {
		return false
	}
	return q.Value()%size.Value() == 0
}
