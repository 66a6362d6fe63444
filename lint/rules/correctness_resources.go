package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/everynode/everynode/lint/fieldpath"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var requestsExceedLimitsRule = &rule.Rule{
	ID:       "requests-exceed-limits",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a resource request above its limit",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container whose request for a resource (cpu, memory, ephemeral-storage, ...) is greater than its limit.",
		Why:  "A container can never use more than its limit, so such a request is impossible; the API server rejects the DaemonSet.",
		In:   rule.InContainer,
		Bad: `resources:
  requests: {memory: 256Mi}
  limits: {memory: 128Mi}`,
		Good: `resources:
  requests: {memory: 128Mi}
  limits: {memory: 256Mi}`,
		Fix:     "Raise the limit or lower the request.",
		Mirrors: "ValidateResourceRequirements in pkg/apis/core/validation (request must be less than or equal to the limit)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			res := c.C.Resources
			for _, name := range sortedKeys(res.Limits) {
				limit := res.Limits[corev1.ResourceName(name)]
				req, ok := res.Requests[corev1.ResourceName(name)]
				// A resource that cannot be overcommitted needs request
				// equal to limit: invalid-resources says so.
				// A negative quantity is invalid-resources' finding too.
				if !ok || req.Cmp(limit) <= 0 || !overcommittable(corev1.ResourceName(name)) || limit.Sign() < 0 || req.Sign() < 0 {
					continue
				}
				rp := c.Path.Child("resources")
				// Kubernetes names requests as a whole; the message and
				// the related place name the resource.
				p.Report(rule.Diagnostic{Path: rp.Child("requests"),
					Related: []rule.RelatedPath{{Path: rp.Child("limits", name), Message: "the limit"}},
					Message: fmt.Sprintf("%s request %s is above its limit %s in %s: raise the limit or lower the request",
						name, req.String(), limit.String(), containerName(c))})
			}
		}
	},
}

var invalidResourcesRule = &rule.Rule{
	ID:       "invalid-resources",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "resources, overhead or resource claims the API server rejects (names, negative or fractional quantities, hugepages, extended resources, claims)",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container's resources, the pod's overhead or pod-level resources with a value Kubernetes refuses: a resource " +
			"name a container cannot request (pods, requests.memory, a misspelt cpu) or that is not a valid qualified name; a " +
			"negative quantity; a fraction of an extended resource (example.com/gpu: 500m); hugepages that are not a whole " +
			"number of pages, or without cpu or memory beside them; an extended resource or hugepages whose request differs " +
			"from its limit, or that has a request and no limit; a claim that names no entry of the pod's resourceClaims, " +
			"twice, or with a malformed request; an ephemeral volume whose claim template requests no storage, or 0; a pod resourceClaims entry without a name, with both or neither of " +
			"resourceClaimName and resourceClaimTemplateName; pod-level resources on a Windows pod, or with claims, with a resource other than " +
			"cpu, memory and hugepages, with requests below what the containers request together, or with limits below a " +
			"container's. The message names the check.",
		Why: "The API server rejects the DaemonSet. Extended resources and hugepages cannot be overcommitted, so Kubernetes " +
			"insists that their request and limit agree; the published schema only says that a quantity is a string.",
		In: rule.InContainer,
		Bad: `resources:
  requests: {cpu: 100m, nvidia.com/gpu: 1}
  limits: {memory: -1, nvidia.com/gpu: 2}`,
		Good: `resources:
  requests: {cpu: 100m, memory: 64Mi, nvidia.com/gpu: 1}
  limits: {memory: 64Mi, nvidia.com/gpu: 1}`,
		Fix: "Use cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource; non-negative " +
			"quantities; whole numbers of devices with request equal to limit; claims that name the pod's resourceClaims.",
		Mirrors: "ValidateContainerResourceRequirements, ValidateResourceQuantityValue, validateOverhead, validatePodResources, " +
			"validateResourceClaimNames, validatePodResourceClaims and ValidatePersistentVolumeClaimSpec (the storage request) in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		claims := checkPodResourceClaims(p, ps, base)
		for _, c := range containers(ps, base) {
			checkResourceRequirements(p, c.Path.Child("resources"), &c.C.Resources, false, containerName(c))
			checkClaimNames(p, c.Path.Child("resources", "claims"), c.C.Resources.Claims, claims)
		}
		for i, v := range ps.Volumes {
			if v.Ephemeral == nil || v.Ephemeral.VolumeClaimTemplate == nil {
				continue
			}
			// Kubernetes names the storage request as a key of
			// resources (resources[storage]), not of its requests.
			at := base.Child("volumes").Index(i).Child("ephemeral", "volumeClaimTemplate", "spec", "resources")
			storage, ok := v.Ephemeral.VolumeClaimTemplate.Spec.Resources.Requests[corev1.ResourceStorage]
			switch {
			case !ok:
				p.Reportf(at.Child("storage"), "the claim template of volume %q requests no storage: set resources.requests.storage to the size the volume needs", v.Name)
			case storage.Sign() <= 0:
				p.Report(rule.Diagnostic{Path: at.Child("requests", "storage"), AtValue: true,
					Message: fmt.Sprintf("the claim template of volume %q requests %s of storage: request more than 0", v.Name, storage.String())})
			}
		}
		if len(ps.Overhead) > 0 {
			// Kubernetes checks the overhead as the limits of a container
			// and names overhead.limits[name], a place that is not written:
			// the finding is shown at overhead, and the message names the
			// resource.
			checkResourceList(p, base.Child("overhead", "limits"), ps.Overhead, false, "the pod's overhead")
		}
		if r := ps.Resources; r != nil && osName(ps) == corev1.Windows {
			// Refused whole: the values are not looked at.
			p.Reportf(base.Child("resources"), "pod-level resources cannot be set for a Windows pod (os.name: windows): set resources on each container instead")
		} else if r != nil {
			at := base.Child("resources")
			if r.Claims != nil {
				p.Reportf(at.Child("claims"), "claims cannot be set in pod-level resources: list them in the resources of the containers that use them")
			}
			checkResourceRequirements(p, at, r, true, "the pod")
			checkPodResourceConsistency(p, ps, at)
		}
	},
}

// checkResourceRequirements checks one resources block: a container's, or
// the pod's (podLevel).
func checkResourceRequirements(p *rule.Pass, at fieldpath.Path, r *corev1.ResourceRequirements, podLevel bool, whose string) {
	checkResourceList(p, at.Child("limits"), r.Limits, podLevel, whose)
	checkResourceList(p, at.Child("requests"), r.Requests, podLevel, whose)
	hugePagesSet, cpuOrMemory := false, false
	for _, list := range []corev1.ResourceList{r.Limits, r.Requests} {
		for name := range list {
			hugePagesSet = hugePagesSet || hugePages(name)
			cpuOrMemory = cpuOrMemory || name == corev1.ResourceCPU || name == corev1.ResourceMemory
		}
	}
	for _, name := range sortedKeys(r.Requests) {
		rn := corev1.ResourceName(name)
		if overcommittable(rn) {
			continue // requests-exceed-limits compares those
		}
		req := r.Requests[rn]
		limit, ok := r.Limits[rn]
		switch {
		case !ok:
			p.Reportf(at.Child("limits"), "%s requests %s but sets no limit for it, and a resource that cannot be overcommitted needs one: set limits.%s to %s",
				whose, name, name, req.String())
		case req.Cmp(limit) != 0:
			p.Report(rule.Diagnostic{Path: at.Child("requests"),
				Related: []rule.RelatedPath{{Path: at.Child("limits", name), Message: "the limit"}},
				Message: fmt.Sprintf("%s requests %s of %s but its limit is %s: a resource that cannot be overcommitted needs request equal to limit",
					whose, req.String(), name, limit.String())})
		}
	}
	if hugePagesSet && !cpuOrMemory {
		p.Reportf(at, "%s sets hugepages without cpu or memory, and Kubernetes needs one of them beside hugepages: add a memory request and limit", whose)
	}
}

// checkResourceList checks the names and quantities of limits or requests.
func checkResourceList(p *rule.Pass, at fieldpath.Path, list corev1.ResourceList, podLevel bool, whose string) {
	for _, name := range sortedKeys(list) {
		rn := corev1.ResourceName(name)
		q := list[rn]
		kp := at.Child(name)
		if msg := resourceNameProblem(rn, podLevel); msg != "" {
			p.Reportf(kp, "%s: resource %q %s", whose, name, msg)
			continue
		}
		switch {
		case q.Sign() < 0:
			p.Report(rule.Diagnostic{Path: kp, AtValue: true, Message: fmt.Sprintf("%s: %s is negative (%s): a quantity must be 0 or more", whose, name, q.String())})
		case extendedResource(rn) && q.MilliValue()%1000 != 0:
			p.Report(rule.Diagnostic{Path: kp, AtValue: true, Message: fmt.Sprintf("%s: %s is %s, and an extended resource is counted in whole devices: use a whole number", whose, name, q.String())})
		case hugePages(rn) && !hugePageMultiple(rn, q):
			p.Report(rule.Diagnostic{Path: kp, AtValue: true, Message: fmt.Sprintf("%s: %s is %s, which is not a whole number of pages of that size", whose, name, q.String())})
		}
	}
}

// resourceNameProblem says what is wrong with a resource name in a
// container's (or, podLevel, the pod's) resources, or "".
func resourceNameProblem(name corev1.ResourceName, podLevel bool) string {
	if msgs := qualifiedName(string(name)); len(msgs) > 0 {
		return "is not a valid resource name: " + labelProblem(string(name), msgs)
	}
	plain := !strings.Contains(string(name), "/")
	if plain && !standardResource(name) {
		return "is neither a resource Kubernetes knows nor qualified by a domain (example.com/device)" + didYouMean(string(name), []string{"cpu", "memory", "ephemeral-storage"})
	}
	if podLevel {
		if name != corev1.ResourceCPU && name != corev1.ResourceMemory && !hugePages(name) {
			return "cannot be set at pod level: use cpu, memory or hugepages-<size>, or set it on the containers"
		}
		return ""
	}
	switch {
	case plain && !containerResource(name):
		return "is not a resource a container can request: use cpu, memory, ephemeral-storage or hugepages-<size>"
	case !plain && !nativeResource(name) && !extendedResource(name):
		return "is not a valid extended resource name"
	}
	return ""
}

// checkPodResourceClaims checks spec.resourceClaims and returns the names
// the containers may claim.
func checkPodResourceClaims(p *rule.Pass, ps *corev1.PodSpec, base fieldpath.Path) map[string]bool {
	names := map[string]bool{}
	for i, c := range ps.ResourceClaims {
		at := base.Child("resourceClaims").Index(i)
		switch {
		case c.Name == "":
			p.Reportf(at.Child("name"), "this resource claim has no name, which the containers' resources.claims refer to: name it")
		case names[c.Name]:
			p.Report(rule.Diagnostic{Path: at.Child("name"), AtValue: true, Message: fmt.Sprintf("resource claim %q is listed twice: keep one", c.Name)})
		default:
			if msgs := validation.IsDNS1123Label(c.Name); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: at.Child("name"), AtValue: true, Message: fmt.Sprintf("resource claim name %q is not a valid DNS-1123 label: %s", c.Name, labelProblem(c.Name, msgs))})
			}
			names[c.Name] = true
		}
		switch {
		case c.ResourceClaimName != nil && c.ResourceClaimTemplateName != nil:
			p.Reportf(at, "resource claim %q sets both resourceClaimName and resourceClaimTemplateName: keep one", c.Name)
		case c.ResourceClaimName == nil && c.ResourceClaimTemplateName == nil:
			p.Reportf(at, "resource claim %q names neither a ResourceClaim (resourceClaimName) nor a template (resourceClaimTemplateName): set one", c.Name)
		}
		for _, ref := range []struct {
			field string
			v     *string
		}{{"resourceClaimName", c.ResourceClaimName}, {"resourceClaimTemplateName", c.ResourceClaimTemplateName}} {
			if ref.v == nil {
				continue
			}
			if msgs := validation.IsDNS1123Subdomain(*ref.v); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: at.Child(ref.field), AtValue: true, Message: fmt.Sprintf("%s %q is not a valid object name: %s", ref.field, *ref.v, labelProblem(*ref.v, msgs))})
			}
		}
	}
	return names
}

// checkClaimNames checks a container's resources.claims against the
// pod's resourceClaims.
func checkClaimNames(p *rule.Pass, at fieldpath.Path, claims []corev1.ResourceClaim, pod map[string]bool) {
	seen := map[string]bool{}
	for i, c := range claims {
		cp := at.Index(i)
		if c.Name == "" {
			p.Reportf(cp, "this claim has no name: name an entry of the pod's resourceClaims")
			continue
		}
		key := c.Name
		if c.Request != "" {
			if msgs := validation.IsDNS1123Label(c.Request); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: cp.Child("request"), AtValue: true, Message: fmt.Sprintf("claim request %q is not a valid DNS-1123 label: %s", c.Request, labelProblem(c.Request, msgs))})
			}
			key += "/" + c.Request
		}
		if seen[c.Name] || seen[key] {
			p.Reportf(cp, "claim %s is listed twice (or its whole claim is listed too): keep one entry", key)
		} else if c.Request == "" {
			for k := range seen {
				if strings.HasPrefix(k, c.Name+"/") {
					p.Reportf(cp, "claim %s is listed whole and by request: keep one form", c.Name)
					break
				}
			}
		}
		seen[key] = true
		if !pod[c.Name] {
			known := "the pod has none"
			if len(pod) > 0 {
				known = "the pod's are " + strings.Join(sortedKeys(pod), ", ")
			}
			p.Report(rule.Diagnostic{Path: cp, Message: fmt.Sprintf("claim %q names no entry of the pod's resourceClaims (%s): add it there, or fix the name", c.Name, known)})
		}
	}
}

// checkPodResourceConsistency compares pod-level resources with the
// containers': the pod must request at least what they request together,
// and no container may be limited above the pod.
func checkPodResourceConsistency(p *rule.Pass, ps *corev1.PodSpec, at fieldpath.Path) {
	r := ps.Resources
	aggregate := resourcehelper.AggregateContainerRequests(&corev1.Pod{Spec: *ps}, resourcehelper.PodResourcesOptions{})
	for _, name := range sortedKeys(aggregate) {
		podReq, ok := r.Requests[corev1.ResourceName(name)]
		if !ok {
			continue
		}
		if sum := aggregate[corev1.ResourceName(name)]; sum.Cmp(podReq) > 0 {
			p.Report(rule.Diagnostic{Path: at.Child("requests", name), AtValue: true,
				Message: fmt.Sprintf("the pod requests %s of %s, less than its containers request together (%s): raise the pod's request or lower theirs", podReq.String(), name, sum.String())})
		}
	}
	for i, c := range ps.Containers {
		for _, name := range sortedKeys(c.Resources.Limits) {
			podLimit, ok := r.Limits[corev1.ResourceName(name)]
			if !ok {
				continue
			}
			if l := c.Resources.Limits[corev1.ResourceName(name)]; l.Cmp(podLimit) > 0 {
				// Kubernetes names this place resources.containers[i][name].limits.
				p.Report(rule.Diagnostic{Path: at.Child("containers").Index(i).Child(name, "limits"),
					Message: fmt.Sprintf("container %q has a %s limit of %s, above the pod's limit of %s: lower it, or raise the pod's", c.Name, name, l.String(), podLimit.String())})
			}
		}
	}
}
