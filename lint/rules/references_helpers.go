package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Helpers for the rules that look across objects. They read other
// objects through Map only: decoding them (Object.DaemonSet) caches into
// the object, and another rule may be looking at it at the same time.
// What they decide with the set (Pass.ReportLater) captures strings, never
// the pass or its object, which are gone by the time it runs.

// referencesChecked reports whether a reference rule may speak about a
// kind: only when the linted set contains objects of that kind (otherwise
// they are simply defined elsewhere), or when the configuration asks for
// reference checks regardless.
func referencesChecked(set *rule.Set, settings rule.Settings, kind string) bool {
	return set.HasKind(kind) || (settings != nil && settings.CheckReferences())
}

// inSet reports whether a namespaced object is in the linted set. An
// object written without a namespace (a kustomize base, a chart that
// leaves it to the install) matches any namespace.
func inSet(s *rule.Set, kind, namespace, name string) bool {
	return s.Has(kind, namespace, name) || (namespace != "" && s.Has(kind, "", name))
}

// sameNamespace compares namespaces where "" means "not written", which
// may be any namespace.
func sameNamespace(a, b string) bool { return a == "" || b == "" || a == b }

// inNamespace renders a namespace for a message.
func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " in namespace " + ns
}

// serviceAccountOf is the account a DaemonSet's pods run as, read from
// the object's values.
func serviceAccountOf(o *rule.Object) string {
	spec, _ := o.Get(podSpecPath).(map[string]any)
	if n, _ := spec["serviceAccountName"].(string); n != "" {
		return n
	}
	if n, _ := spec["serviceAccount"].(string); n != "" {
		return n
	}
	return "default"
}

// subjectCovers reports whether one subject of a binding in bindingNS
// ("" for a ClusterRoleBinding) names the service account ns/name, or a
// group or user that includes it.
func subjectCovers(subject map[string]any, bindingNS, ns, name string) bool {
	kind, _ := subject["kind"].(string)
	sname, _ := subject["name"].(string)
	sns, _ := subject["namespace"].(string)
	switch kind {
	case "ServiceAccount":
		if sns == "" {
			sns = bindingNS
		}
		return sname == name && sameNamespace(sns, ns)
	case "Group":
		// Every service account is in system:authenticated too.
		return sname == "system:serviceaccounts" || sname == "system:authenticated" ||
			(ns != "" && sname == "system:serviceaccounts:"+ns)
	case "User":
		return ns != "" && sname == "system:serviceaccount:"+ns+":"+name
	}
	return false
}

// bindingSubjects returns a binding's subjects as maps, with the
// binding's namespace ("" for a ClusterRoleBinding).
func bindingSubjects(b *rule.Object) ([]any, string) {
	subjects, _ := b.Map["subjects"].([]any)
	ns := ""
	if b.Resource.Kind == "RoleBinding" {
		ns = b.Resource.Namespace
	}
	return subjects, ns
}

// podRef is a reference from a pod template to a ConfigMap or Secret.
type podRef struct {
	kind, name string
	// where says what refers, for the message: `volume "config" mounts`.
	where    string
	path     fieldpath.Path
	optional bool
	// effect is what happens when the object is missing.
	effect string
}

const (
	volumeEffect = "the pods stay in ContainerCreating until it exists"
	envEffect    = "the container cannot start until it exists"
)

func optional(b *bool) bool { return b != nil && *b }

// podReferences lists the ConfigMaps and Secrets a pod spec refers to.
func podReferences(ps *corev1.PodSpec, base fieldpath.Path) []podRef {
	var refs []podRef
	for i, v := range ps.Volumes {
		vp := base.Child("volumes").Index(i)
		where := fmt.Sprintf("volume %q mounts", v.Name)
		if cm := v.ConfigMap; cm != nil && cm.Name != "" {
			refs = append(refs, podRef{"ConfigMap", cm.Name, where, vp.Child("configMap", "name"), optional(cm.Optional), volumeEffect})
		}
		if s := v.Secret; s != nil && s.SecretName != "" {
			refs = append(refs, podRef{"Secret", s.SecretName, where, vp.Child("secret", "secretName"), optional(s.Optional), volumeEffect})
		}
		if pr := v.Projected; pr != nil {
			for j, src := range pr.Sources {
				sp := vp.Child("projected", "sources").Index(j)
				if cm := src.ConfigMap; cm != nil && cm.Name != "" {
					refs = append(refs, podRef{"ConfigMap", cm.Name, where, sp.Child("configMap", "name"), optional(cm.Optional), volumeEffect})
				}
				if s := src.Secret; s != nil && s.Name != "" {
					refs = append(refs, podRef{"Secret", s.Name, where, sp.Child("secret", "name"), optional(s.Optional), volumeEffect})
				}
			}
		}
	}
	for _, c := range containers(ps, base) {
		for i, e := range c.C.Env {
			if e.ValueFrom == nil {
				continue
			}
			ep := c.Path.Child("env").Index(i).Child("valueFrom")
			where := fmt.Sprintf("%s reads %s from", containerName(c), e.Name)
			if r := e.ValueFrom.ConfigMapKeyRef; r != nil && r.Name != "" {
				refs = append(refs, podRef{"ConfigMap", r.Name, where, ep.Child("configMapKeyRef", "name"), optional(r.Optional), envEffect})
			}
			if r := e.ValueFrom.SecretKeyRef; r != nil && r.Name != "" {
				refs = append(refs, podRef{"Secret", r.Name, where, ep.Child("secretKeyRef", "name"), optional(r.Optional), envEffect})
			}
		}
		for i, e := range c.C.EnvFrom {
			ep := c.Path.Child("envFrom").Index(i)
			where := fmt.Sprintf("%s takes its environment from", containerName(c))
			if r := e.ConfigMapRef; r != nil && r.Name != "" {
				refs = append(refs, podRef{"ConfigMap", r.Name, where, ep.Child("configMapRef", "name"), optional(r.Optional), envEffect})
			}
			if r := e.SecretRef; r != nil && r.Name != "" {
				refs = append(refs, podRef{"Secret", r.Name, where, ep.Child("secretRef", "name"), optional(r.Optional), envEffect})
			}
		}
	}
	for i, s := range ps.ImagePullSecrets {
		if s.Name != "" {
			refs = append(refs, podRef{"Secret", s.Name, "imagePullSecrets names", base.Child("imagePullSecrets").Index(i).Child("name"), false,
				"pulls from a private registry fail until it exists"})
		}
	}
	return refs
}
