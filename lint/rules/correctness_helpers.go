package rules

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	typo "github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// daemonSetOnly is the Kinds of rules that only make sense for a DaemonSet.
var daemonSetOnly = []string{"DaemonSet"}

// placeholderRE finds template syntax left in a value by a render step that
// did not run: ${VAR} (envsubst, Flux), {{ .Values.x }} (Helm, Go
// templates), $(VAR) (kustomize vars) and Helm's "<no value>".
var placeholderRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$\{[^}]*\}|\{\{.*?\}\}|\$\([A-Za-z_][A-Za-z0-9_]*\)|<no value>`)
})

// placeholder returns the first unrendered template placeholder in s, or "".
func placeholder(s string) string {
	return placeholderRE().FindString(s)
}

// placeholderHint is the message tail for a value that holds a placeholder.
func placeholderHint(ph string) string {
	return fmt.Sprintf("%s is an unrendered template placeholder: render the manifest (envsubst, helm template, kustomize build) and lint the result", ph)
}

// invalidBecause joins the messages of an apimachinery validation predicate.
func invalidBecause(msgs []string) string {
	return strings.Join(msgs, "; ")
}

// containerName names a container in messages: "agent" or, for an init
// container, "init container write-config".
func containerName(c containerRef) string {
	if c.Init {
		return fmt.Sprintf("init container %q", c.C.Name)
	}
	return fmt.Sprintf("container %q", c.C.Name)
}

// isSidecar reports an init container that keeps running beside the
// others (restartPolicy: Always): Kubernetes validates it like a container.
func isSidecar(c containerRef) bool {
	return c.Init && c.C.RestartPolicy != nil && *c.C.RestartPolicy == corev1.ContainerRestartPolicyAlways
}

// privilegedContainer reports securityContext.privileged: true.
func privilegedContainer(c *corev1.Container) bool {
	return c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
}

// closest returns the candidate nearest to s by edit distance when it is
// near enough to be a likely typo, or "".
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := typo.Distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// didYouMean is a message tail suggesting a near candidate.
func didYouMean(s string, candidates []string) string {
	if c := closest(s, candidates); c != "" && c != s {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// sortedKeys returns a map's keys in order, so messages are stable.
func sortedKeys[K ~string, V any](m map[K]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, string(k))
	}
	sort.Strings(keys)
	return keys
}

// stringMap returns the string entries of the map at path in an object's
// typed values, with their keys sorted; values that are not strings are
// left to the schema.
func stringMap(o *rule.Object, path fieldpath.Path) (map[string]string, []string) {
	m, ok := o.Get(path).(map[string]any)
	if !ok {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out, sortedKeys(out)
}

// volumesByName indexes a pod's volumes by name, for the checks of what
// mounts and variables refer to.
func volumesByName(ps *corev1.PodSpec) map[string]*corev1.Volume {
	volumes := make(map[string]*corev1.Volume, len(ps.Volumes))
	for i := range ps.Volumes {
		volumes[ps.Volumes[i].Name] = &ps.Volumes[i]
	}
	return volumes
}

// keysSelectedTwice calls report with the index in matchLabelKeys of each
// key that the selector already names in matchLabels and again in one of
// its matchExpressions: merged, the key would be selected a third time,
// and the API server refuses it at the term or constraint indexed by that
// position (not at the key itself).
func keysSelectedTwice(matchLabelKeys []string, sel *metav1.LabelSelector, report func(i int, key string)) {
	index := map[string]int{}
	for i, k := range matchLabelKeys {
		index[k] = i
	}
	seen := map[string]bool{}
	for k := range sel.MatchLabels {
		seen[k] = true
	}
	for _, e := range sel.MatchExpressions {
		if i, ok := index[e.Key]; ok && seen[e.Key] {
			report(i, e.Key)
		}
		seen[e.Key] = true
	}
}
