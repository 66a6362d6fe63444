package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

// removal is one row of the Kubernetes deprecated API migration guide
// (https://kubernetes.io/docs/reference/using-api/deprecation-guide/):
// the release that stopped serving an API version of some kinds, and what
// to use instead.
type removal struct {
	apiVersion  string
	kinds       []string // nil: every kind of the API version
	removedIn   string
	replacement string // an apiVersion, or "" when there is none
	note        string // what to do when there is no replacement
}

var removals = []removal{
	// v1.16
	{"extensions/v1beta1", []string{"DaemonSet", "Deployment", "ReplicaSet"}, "1.16", "apps/v1", ""},
	{"apps/v1beta1", []string{"Deployment", "ReplicaSet", "StatefulSet", "ControllerRevision"}, "1.16", "apps/v1", ""},
	{"apps/v1beta2", []string{"DaemonSet", "Deployment", "ReplicaSet", "StatefulSet", "ControllerRevision"}, "1.16", "apps/v1", ""},
	{"extensions/v1beta1", []string{"NetworkPolicy"}, "1.16", "networking.k8s.io/v1", ""},
	{"extensions/v1beta1", []string{"PodSecurityPolicy"}, "1.16", "", "PodSecurityPolicy is gone (policy/v1beta1 was removed in 1.25 too): use Pod Security Admission"},
	// v1.22
	{"admissionregistration.k8s.io/v1beta1", []string{"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}, "1.22", "admissionregistration.k8s.io/v1", ""},
	{"apiextensions.k8s.io/v1beta1", []string{"CustomResourceDefinition"}, "1.22", "apiextensions.k8s.io/v1", ""},
	{"apiregistration.k8s.io/v1beta1", []string{"APIService"}, "1.22", "apiregistration.k8s.io/v1", ""},
	{"authentication.k8s.io/v1beta1", []string{"TokenReview"}, "1.22", "authentication.k8s.io/v1", ""},
	{"authorization.k8s.io/v1beta1", []string{"LocalSubjectAccessReview", "SelfSubjectAccessReview", "SubjectAccessReview", "SelfSubjectRulesReview"}, "1.22", "authorization.k8s.io/v1", ""},
	{"certificates.k8s.io/v1beta1", []string{"CertificateSigningRequest"}, "1.22", "certificates.k8s.io/v1", ""},
	{"coordination.k8s.io/v1beta1", []string{"Lease"}, "1.22", "coordination.k8s.io/v1", ""},
	{"extensions/v1beta1", []string{"Ingress"}, "1.22", "networking.k8s.io/v1", ""},
	{"networking.k8s.io/v1beta1", []string{"Ingress", "IngressClass"}, "1.22", "networking.k8s.io/v1", ""},
	{"rbac.authorization.k8s.io/v1beta1", []string{"ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"}, "1.22", "rbac.authorization.k8s.io/v1", ""},
	{"scheduling.k8s.io/v1beta1", []string{"PriorityClass"}, "1.22", "scheduling.k8s.io/v1", ""},
	{"storage.k8s.io/v1beta1", []string{"CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"}, "1.22", "storage.k8s.io/v1", ""},
	// v1.25
	{"batch/v1beta1", []string{"CronJob"}, "1.25", "batch/v1", ""},
	{"discovery.k8s.io/v1beta1", []string{"EndpointSlice"}, "1.25", "discovery.k8s.io/v1", ""},
	{"events.k8s.io/v1beta1", []string{"Event"}, "1.25", "events.k8s.io/v1", ""},
	{"autoscaling/v2beta1", []string{"HorizontalPodAutoscaler"}, "1.25", "autoscaling/v2", ""},
	{"policy/v1beta1", []string{"PodDisruptionBudget"}, "1.25", "policy/v1", ""},
	{"policy/v1beta1", []string{"PodSecurityPolicy"}, "1.25", "", "PodSecurityPolicy has no replacement: use Pod Security Admission (pod-security.kubernetes.io/* namespace labels) or an admission webhook"},
	{"node.k8s.io/v1beta1", []string{"RuntimeClass"}, "1.25", "node.k8s.io/v1", ""},
	// v1.26
	{"flowcontrol.apiserver.k8s.io/v1beta1", []string{"FlowSchema", "PriorityLevelConfiguration"}, "1.26", "flowcontrol.apiserver.k8s.io/v1", ""},
	{"autoscaling/v2beta2", []string{"HorizontalPodAutoscaler"}, "1.26", "autoscaling/v2", ""},
	// v1.27
	{"storage.k8s.io/v1beta1", []string{"CSIStorageCapacity"}, "1.27", "storage.k8s.io/v1", ""},
	// v1.29
	{"flowcontrol.apiserver.k8s.io/v1beta2", []string{"FlowSchema", "PriorityLevelConfiguration"}, "1.29", "flowcontrol.apiserver.k8s.io/v1", ""},
	// v1.32
	{"flowcontrol.apiserver.k8s.io/v1beta3", []string{"FlowSchema", "PriorityLevelConfiguration"}, "1.32", "flowcontrol.apiserver.k8s.io/v1", ""},
}

// RemovedAPI reports whether an API version of a kind is no longer served
// by a Kubernetes release (k8sVersion as in Options; "" is the newest
// embedded release), the release that removed it, and the apiVersion to
// use instead ("" when there is none). It knows the deprecation guide's
// removals and, for releases it embeds, any kind a newer embedded release
// dropped (alpha and beta versions come and go between releases).
func RemovedAPI(apiVersion, kind, k8sVersion string) (removedIn, replacement string, ok bool) {
	r, ok := findRemoval(apiVersion, kind, k8sVersion)
	return r.removedIn, r.replacement, ok
}

func findRemoval(apiVersion, kind, k8sVersion string) (removal, bool) {
	target, err := schemas.NormalizeVersion(k8sVersion)
	if err != nil {
		// A release that is not embedded still compares against the
		// guide's table.
		target = strings.TrimPrefix(strings.TrimSpace(k8sVersion), "v")
	}
	for _, r := range removals {
		if r.apiVersion == apiVersion && (r.kinds == nil || slices.Contains(r.kinds, kind)) && versionAtLeast(target, r.removedIn) {
			return r, true
		}
	}
	return derivedRemoval(schemas.ParseGVK(apiVersion, kind), target)
}

// derivedRemoval looks for the kind in the embedded releases: served by an
// older one and not by the target.
func derivedRemoval(g schemas.GVK, target string) (removal, bool) {
	var last string // newest embedded release older than target that serves g
	for _, v := range schemas.Versions() {
		if minorOf(v) >= minorOf(target) {
			break
		}
		if serves(v, g) {
			last = v
		}
	}
	if last == "" {
		return removal{}, false
	}
	cur, err := schemas.Kubernetes(target)
	if err != nil {
		return removal{}, false
	}
	if _, ok := cur.Lookup(g); ok {
		return removal{}, false
	}
	// Removed in the first embedded release after the last that served it.
	vs := schemas.Versions()
	i := slices.Index(vs, last)
	if i+1 >= len(vs) {
		return removal{}, false
	}
	return removal{
		apiVersion:  g.APIVersion(),
		removedIn:   vs[i+1],
		replacement: replacementIn(cur, g),
	}, true
}

// replacementIn picks the apiVersion that serves the same kind in the same
// group, preferring stable versions over beta over alpha.
func replacementIn(s *schemas.Set, g schemas.GVK) string {
	best := ""
	bestRank := -1
	for _, k := range s.Kinds() {
		if k.Group != g.Group || k.Kind != g.Kind {
			continue
		}
		if r := versionRank(k.Version); r > bestRank {
			best, bestRank = k.APIVersion(), r
		}
	}
	return best
}

// versionRank orders Kubernetes API versions: v1 > v1beta2 > v1beta1 >
// v1alpha1, and v2 > v1.
func versionRank(v string) int {
	rest, ok := strings.CutPrefix(v, "v")
	if !ok {
		return 0
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	major, _ := strconv.Atoi(rest[:i])
	stage, n := 3, 0
	switch {
	case strings.HasPrefix(rest[i:], "beta"):
		stage = 2
		n, _ = strconv.Atoi(rest[i+4:])
	case strings.HasPrefix(rest[i:], "alpha"):
		stage = 1
		n, _ = strconv.Atoi(rest[i+5:])
	}
	return major*10000 + stage*1000 + n
}

// versionAtLeast compares "1.N" release names.
func versionAtLeast(v, min string) bool {
	a, b := minorOf(v), minorOf(min)
	return a >= 0 && b >= 0 && a >= b
}

func minorOf(v string) int {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) < 2 || parts[0] != "1" {
		return -1
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return -1
	}
	return n
}

// missingKind explains a kind the release has no schema for.
func (v *Validator) missingKind(set *schemas.Set, g schemas.GVK) []Error {
	apiVersionPath := fieldpath.New("apiVersion")
	if r, ok := findRemoval(g.APIVersion(), g.Kind, v.version); ok {
		msg := fmt.Sprintf("%s %s is no longer served: Kubernetes %s removed it", g.APIVersion(), g.Kind, r.removedIn)
		switch {
		case r.replacement != "":
			msg += "; use apiVersion " + r.replacement
		case r.note != "":
			msg += "; " + r.note
		}
		return []Error{{Rule: finding.RuleRemovedAPI, Severity: finding.Error, Path: apiVersionPath, Message: msg}}
	}

	var sameGV, sameGroupKind []schemas.GVK
	groupKnown := false
	for _, k := range set.Kinds() {
		if k.Group != g.Group {
			continue
		}
		groupKnown = true
		if k.Version == g.Version {
			sameGV = append(sameGV, k)
		}
		if k.Kind == g.Kind {
			sameGroupKind = append(sameGroupKind, k)
		}
	}
	if groupKnown {
		// A built-in group: no CRD can add kinds to it, so what is not in
		// the schema does not exist.
		if len(sameGV) > 0 {
			names := make([]string, len(sameGV))
			for i, k := range sameGV {
				names[i] = k.Kind
			}
			if s := suggest(g.Kind, names); s != "" {
				return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("kind"),
					Message: fmt.Sprintf("unknown kind %q in %s (did you mean %q?)", g.Kind, g.APIVersion(), s)}}
			}
		}
		if since := firstServed(g, v.version); since != "" {
			return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: apiVersionPath,
				Message: fmt.Sprintf("%s %s is not served by Kubernetes %s: it was added in %s", g.APIVersion(), g.Kind, v.version, since)}}
		}
		if len(sameGroupKind) > 0 && len(sameGV) == 0 {
			return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: apiVersionPath,
				Message: fmt.Sprintf("Kubernetes %s has no %s %s; use apiVersion %s", v.version, g.APIVersion(), g.Kind, replacementIn(set, g))}}
		}
		// A built-in kind under the wrong built-in group (a DaemonSet
		// in v1): the API server has no such kind at that endpoint.
		if len(sameGroupKind) == 0 {
			for _, k := range set.Kinds() {
				if k.Kind == g.Kind && k.Group != g.Group {
					return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: apiVersionPath,
						Message: fmt.Sprintf("there is no %s in %s; use apiVersion %s", g.Kind, g.APIVersion(), replacementIn(set, k))}}
				}
			}
		}
	}
	// The core group is left out: other tools' files say apiVersion: v1
	// too (a kubeconfig's kind: Config).
	if groupKnown && g.Group != "" {
		return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("kind"),
			Message: fmt.Sprintf("Kubernetes %s serves no %s %s, and no CustomResourceDefinition can add a kind to a built-in group: check kind and apiVersion", v.version, g.APIVersion(), g.Kind)}}
	}
	if !groupKnown && !strings.Contains(g.Group, ".") {
		// A built-in kind in a group that does not exist (app/v1): a
		// CustomResourceDefinition's group has a dot, so this is a typo.
		for _, k := range set.Kinds() {
			if k.Kind == g.Kind {
				return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: apiVersionPath,
					Message: fmt.Sprintf("there is no API group %q in Kubernetes %s (a custom resource's group has a dot, such as example.com); use apiVersion %s", g.Group, v.version, replacementIn(set, k))}}
			}
		}
	}
	return []Error{{Rule: finding.RuleNoSchema, Severity: finding.Info,
		Message: fmt.Sprintf("no schema for %s %s in Kubernetes %s, not validated (a custom resource? load its CustomResourceDefinition to validate it)", g.APIVersion(), g.Kind, v.version)}}
}

// firstServed is the first embedded release newer than target that
// serves g, or "".
func firstServed(g schemas.GVK, target string) string {
	for _, v := range schemas.Versions() {
		if minorOf(v) > minorOf(target) && serves(v, g) {
			return v
		}
	}
	return ""
}

func serves(version string, g schemas.GVK) bool {
	s, err := schemas.Kubernetes(version)
	if err != nil {
		return false
	}
	_, ok := s.Lookup(g)
	return ok
}

// Incomplete reports an object that names a built-in kind or API group
// but lacks the other half of its type: kubectl cannot tell where to send
// it, and refuses it. Documents with neither, or whose half is not
// Kubernetes' own, are not Kubernetes objects and get nil; so do
// documents without a metadata mapping (values files, CI configuration).
func (v *Validator) Incomplete(obj map[string]any) *Error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if (apiVersion == "") == (kind == "") {
		return nil
	}
	if _, ok := obj["metadata"].(map[string]any); !ok {
		return nil
	}
	defs, err := v.defs()
	if err != nil {
		return nil
	}
	if apiVersion == "" {
		for _, k := range defs.set.Kinds() {
			if k.Kind == kind {
				return &Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("apiVersion"),
					Message: fmt.Sprintf("this %s has no apiVersion, so kubectl cannot tell where to send it: add apiVersion: %s", kind, replacementIn(defs.set, k))}
			}
		}
		return nil
	}
	g := schemas.ParseGVK(apiVersion, "")
	var kinds []string
	for _, k := range defs.set.Kinds() {
		if k.Group == g.Group && k.Version == g.Version {
			kinds = append(kinds, k.Kind)
		}
	}
	if len(kinds) == 0 {
		return nil
	}
	return &Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("kind"),
		Message: fmt.Sprintf("this %s object has no kind, so kubectl cannot tell what it is: add kind, such as %s", apiVersion, kinds[0])}
}
