package rules

import (
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// removedDaemonSetVersions are the API versions a DaemonSet was served in
// before apps/v1, all removed in Kubernetes 1.16 (apps/v1beta1 never had
// DaemonSets).
var removedDaemonSetVersions = map[string]bool{"extensions/v1beta1": true, "apps/v1beta2": true}

// UpgradeDaemonSet returns the changes that turn a DaemonSet of a removed
// API version (extensions/v1beta1, apps/v1beta2) into the apps/v1 object
// the API server of that time made of it: what its defaulting filled in
// becomes explicit, and what apps/v1 lacks goes. ok is false for any
// other object.
//
// It is written once and used twice: the engine lints the upgraded value
// (so a removed version keeps every other finding its content deserves,
// at positions in the original file), and the removed-api-version fix
// writes the same changes into the file.
//
// What the conversion does, after SetDefaults_DaemonSet of
// k8s.io/kubernetes/pkg/apis/extensions/v1beta1 and apps/v1beta2:
//   - apiVersion becomes apps/v1;
//   - extensions/v1beta1 only: a missing spec.selector was defaulted to
//     the template's labels (apps/v1 requires it), and missing
//     metadata.labels to the template's labels too;
//   - extensions/v1beta1 only: an update strategy without a type was
//     OnDelete (apps/v1's default is RollingUpdate, which would start
//     replacing pods on the next apply): the type is written out;
//   - spec.templateGeneration (extensions/v1beta1's own field) and
//     spec.rollbackTo (a Deployment's) are dropped.
func UpgradeDaemonSet(obj map[string]any) (changes []rule.Change, ok bool) {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if kind != "DaemonSet" || !removedDaemonSetVersions[apiVersion] {
		return nil, false
	}
	changes = append(changes, rule.SetAt(fieldpath.New("apiVersion"), "apps/v1"))
	spec, _ := obj["spec"].(map[string]any)
	if spec == nil {
		return changes, true
	}
	if apiVersion == "extensions/v1beta1" {
		labels := templateLabels(spec)
		if _, has := spec["selector"]; !has && len(labels) > 0 {
			c := rule.SetAt(fieldpath.New("spec", "selector"), rule.Fields{{Key: "matchLabels", Value: labels}})
			c.Before = "template"
			changes = append(changes, c)
		}
		if md, ok := obj["metadata"].(map[string]any); ok && len(labels) > 0 {
			if l, _ := md["labels"].(map[string]any); len(l) == 0 {
				if _, has := md["labels"]; !has {
					changes = append(changes, rule.SetAt(fieldpath.New("metadata", "labels"), labels))
				}
			}
		}
		us, hasUS := spec["updateStrategy"].(map[string]any)
		if t, _ := us["type"].(string); t == "" {
			if _, present := spec["updateStrategy"]; !present || hasUS {
				changes = append(changes, rule.SetAt(fieldpath.New("spec", "updateStrategy", "type"), "OnDelete"))
			}
		}
		if _, has := spec["templateGeneration"]; has {
			changes = append(changes, rule.DeleteAt(fieldpath.New("spec", "templateGeneration")))
		}
	}
	if _, has := spec["rollbackTo"]; has {
		changes = append(changes, rule.DeleteAt(fieldpath.New("spec", "rollbackTo")))
	}
	return changes, true
}

func templateLabels(spec map[string]any) map[string]any {
	t, _ := spec["template"].(map[string]any)
	md, _ := t["metadata"].(map[string]any)
	l, _ := md["labels"].(map[string]any)
	return l
}

// fixRemovedAPI is removed-api-version's fix: the upgrade above, for the
// kinds it knows.
func fixRemovedAPI(o *rule.Object, _ rule.Diagnostic) *rule.Fix {
	changes, ok := UpgradeDaemonSet(o.Map)
	if !ok {
		return nil
	}
	return &rule.Fix{Message: "upgrade to apps/v1", Changes: changes}
}
