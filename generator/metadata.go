package generator

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/everynode/everynode/generator/spec"
	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rules"
)

// reservedAnnotation reports annotations that must never be copied into
// output: kustomize and kpt bookkeeping.
func reservedAnnotation(k string) bool {
	return strings.HasPrefix(k, "config.kubernetes.io/") || strings.HasPrefix(k, "internal.config.kubernetes.io/")
}

// metadata starts the DaemonSet: names, labels (the selector is exactly
// name and instance), annotations, and the pod template's annotations.
func (r *renderer) metadata(meta spec.Metadata) {
	metaPath := fieldpath.New("metadata")
	r.selector = map[string]string{LabelName: r.name, LabelInstance: r.name}
	r.labels = map[string]string{LabelName: r.name, LabelInstance: r.name, LabelManagedBy: ManagedBy}
	for k, v := range meta.Labels {
		r.labels[k] = v
		if k == LabelName || k == LabelInstance {
			r.selector[k] = v
		}
	}
	var annotations map[string]string
	for k, v := range meta.Annotations {
		if reservedAnnotation(k) {
			continue
		}
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[k] = v
		r.rec(fieldpath.New("metadata", "annotations", k), metaPath.Child("annotations", k))
	}
	r.ds = &appsv1.DaemonSet{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{
			Name: r.name, Namespace: r.namespace, Labels: copyMap(r.labels), Annotations: annotations,
		},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(r.selector)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(r.labels)},
			},
		},
	}
	r.pod = &r.ds.Spec.Template.Spec
	r.rec(fieldpath.New("metadata"), metaPath)
	r.rec(fieldpath.New("metadata", "name"), metaPath.Child("name"))
	r.rec(fieldpath.New("metadata", "namespace"), metaPath.Child("namespace"))
	r.rec(fieldpath.New("spec", "selector"), metaPath.Child("labels"))
	r.rec(fieldpath.New("spec", "template", "metadata"), metaPath)
	for _, base := range []fieldpath.Path{fieldpath.New("metadata", "labels"), fieldpath.New("spec", "template", "metadata", "labels"), fieldpath.New("spec", "selector", "matchLabels")} {
		r.rec(base, metaPath.Child("labels"))
		for k := range r.labels {
			if _, user := meta.Labels[k]; user {
				r.rec(base.Child(k), metaPath.Child("labels", k))
			} else {
				r.rec(base.Child(k), metaPath.Child("name"))
			}
		}
	}
	r.rec(specRoot, specRoot)
	r.rec(fieldpath.New("spec", "template"), specRoot)
	r.rec(podPath, specRoot)

	for k, v := range r.spec.PodAnnotations {
		if reservedAnnotation(k) {
			continue
		}
		if k == ConfigHashAnnotation {
			r.errorAtKey(specRoot.Child("podAnnotations", k), "%s is set by everynode from spec.config; remove it", k)
			continue
		}
		if r.ds.Spec.Template.Annotations == nil {
			r.ds.Spec.Template.Annotations = map[string]string{}
		}
		r.ds.Spec.Template.Annotations[k] = v
		r.rec(fieldpath.New("spec", "template", "metadata", "annotations", k), specRoot.Child("podAnnotations", k))
	}
}

// ruleIDPattern is the shape of a rule ID (the schema reports others).
var ruleIDPattern = regexp.MustCompile(spec.RuleIDPattern)

// ruleIDs lists the catalog's rule IDs, which ignore entries name.
var ruleIDs = sync.OnceValue(func() []string {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	return ids
})

// ignores renders spec.ignore as suppression annotations on the
// DaemonSet's own metadata (never the pod template: changing those
// restarts every pod).
func (r *renderer) ignores() {
	seen := map[string]int{}
	for _, ig := range r.spec.Ignore {
		id := string(ig.Rule)
		if id == "" {
			continue
		}
		if first, dup := seen[id]; dup {
			r.errorf(ig.Path.Child("rule"), "rule %q is already ignored by spec.ignore[%d]", id, first)
			continue
		}
		if ids := ruleIDs(); ruleIDPattern.MatchString(id) && !slices.Contains(ids, id) {
			// A misspelt ID would suppress nothing and leave the finding
			// it was meant for.
			r.errorf(ig.Path.Child("rule"), "unknown rule %q%s: everynode rules lists the rule IDs", id, suggest.DidYouMean(id, ids))
			continue
		}
		seen[id] = ig.Path.Last().Index
		if r.ds.Annotations == nil {
			r.ds.Annotations = map[string]string{}
		}
		key := IgnoreAnnotationPrefix + id
		r.ds.Annotations[key] = ig.Reason
		r.rec(fieldpath.New("metadata", "annotations", key), ig.Path)
	}
}
