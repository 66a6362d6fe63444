package rules

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	metadataPath         = fieldpath.New("metadata")
	templateMetadataPath = templatePath.Child("metadata")
)

// toolConfigGroups are API groups of files that look like Kubernetes
// objects but configure a tool and are never sent to an API server, so
// they need no name.
var toolConfigGroups = []string{"kustomize.config.k8s.io", "config.kubernetes.io", "kpt.dev", "fn.kpt.dev", "everynode.dev"}

func isToolConfig(apiVersion string) bool {
	group, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return false
	}
	for _, g := range toolConfigGroups {
		if group == g {
			return true
		}
	}
	return false
}

// nameRules is how the API server validates metadata.name for kinds whose
// rule is not the common one (a DNS-1123 subdomain).
var nameRules = map[string]struct {
	what  string
	check func(string) []string
}{
	"Namespace":          {"a DNS-1123 label", validation.IsDNS1123Label},
	"Service":            {"a DNS-1035 label", validation.IsDNS1035Label},
	"Role":               {"a path segment name", pathSegment},
	"ClusterRole":        {"a path segment name", pathSegment},
	"RoleBinding":        {"a path segment name", pathSegment},
	"ClusterRoleBinding": {"a path segment name", pathSegment},
}

func pathSegment(s string) []string { return content.IsPathSegmentName(s) }

var invalidObjectNameRule = &rule.Rule{
	ID:       "invalid-object-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an object name the API server rejects (or an unrendered placeholder)",
	Doc: rule.Doc{
		What: "A metadata.name that is missing, or not valid for its kind: a DNS-1123 subdomain for most kinds (lowercase letters, " +
			"digits, '-' and '.', at most 253 characters), a DNS-1123 label for a Namespace, a DNS-1035 label for a Service, " +
			"a path segment for RBAC objects; a metadata.generateName that cannot start such a name. An unrendered ${NAME} " +
			"or {{ .Values.name }} placeholder is the usual cause.",
		Why: "The API server rejects the object.",
		Bad: `metadata:
  name: Node_Exporter`,
		Good: `metadata:
  name: node-exporter`,
		Fix:     "Use a lowercase name with letters, digits and hyphens; render templates before applying.",
		Mirrors: "ValidateObjectMeta in pkg/apis/core/validation with each kind's name validator (ValidateDaemonSetName = NameIsDNSSubdomain)",
	},
	Check: func(p *rule.Pass) {
		o := p.Object
		kind := o.Resource.Kind
		// Without a schema the object may be another tool's file in
		// Kubernetes' shape (a kubeconfig, skaffold.yaml), never sent to
		// an API server: its name is its own business.
		if kind == "List" || o.NoSchema || isToolConfig(o.Resource.APIVersion) {
			return
		}
		what, check := "a DNS-1123 subdomain", validation.IsDNS1123Subdomain
		if r, ok := nameRules[kind]; ok {
			what, check = r.what, r.check
		}
		// generateName is a prefix: the API server checks it as a name
		// with a trailing '-' read as a letter, since more follows.
		gnPath := metadataPath.Child("generateName")
		gn, _ := o.Get(gnPath).(string)
		if gn != "" {
			masked := gn
			if len(masked) > 1 && strings.HasSuffix(masked, "-") {
				masked = masked[:len(masked)-1] + "a"
			}
			if msgs := check(masked); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: gnPath, AtValue: true,
					Message: fmt.Sprintf("%s generateName %q is not the start of %s: %s", kind, gn, what, labelProblem(gn, msgs))})
			}
		}
		namePath := metadataPath.Child("name")
		raw := o.Get(namePath)
		if raw == nil || raw == "" {
			if gn != "" {
				return
			}
			p.Reportf(namePath, "this %s has no metadata.name, which is required: add a name", kind)
			return
		}
		name, ok := raw.(string)
		if !ok {
			return // the schema reports the type
		}
		if msgs := check(name); len(msgs) > 0 {
			msg := fmt.Sprintf("%s name %q is not %s: %s", kind, name, what, labelProblem(name, msgs))
			if placeholder(name) == "" {
				msg += fmt.Sprintf("; use e.g. %q", suggestLabel(name))
			}
			p.Report(rule.Diagnostic{Path: namePath, AtValue: true, Message: msg})
		}
	},
}

var invalidNamespaceRule = &rule.Rule{
	ID:       "invalid-namespace",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a metadata.namespace that is not a DNS-1123 label (or an unrendered placeholder)",
	Doc: rule.Doc{
		What: "A metadata.namespace that is not a valid namespace name (a DNS-1123 label: lowercase letters, digits and '-', " +
			"at most 63 characters), typically an unrendered ${NAMESPACE} placeholder.",
		Why: "The API server rejects the object.",
		Bad: `metadata:
  namespace: ${NAMESPACE}`,
		Good: `metadata:
  namespace: monitoring`,
		Fix:     "Render the manifest before applying it, or write the namespace out.",
		Mirrors: "ValidateObjectMeta in pkg/apis/core/validation (ValidateNamespaceName = NameIsDNSLabel)",
	},
	Check: func(p *rule.Pass) {
		nsPath := metadataPath.Child("namespace")
		ns, ok := p.Object.Get(nsPath).(string)
		if !ok || ns == "" {
			return
		}
		if msgs := validation.IsDNS1123Label(ns); len(msgs) > 0 {
			msg := fmt.Sprintf("namespace %q is not a valid namespace name (a DNS-1123 label): %s", ns, labelProblem(ns, msgs))
			if placeholder(ns) == "" {
				msg += fmt.Sprintf("; use e.g. %q", suggestLabel(ns))
			}
			p.Report(rule.Diagnostic{Path: nsPath, AtValue: true, Message: msg})
		}
	},
}

// metadataBlocks are the object's own metadata and, for workloads, the
// pod template's and its ephemeral volumes' claim templates', whose
// labels and annotations the API server also checks.
func metadataBlocks(o *rule.Object) []fieldpath.Path {
	out := []fieldpath.Path{metadataPath}
	if _, ok := o.Get(templateMetadataPath).(map[string]any); ok {
		out = append(out, templateMetadataPath)
	}
	volumes, _ := o.Get(templatePath.Child("spec", "volumes")).([]any)
	for i := range volumes {
		at := templatePath.Child("spec", "volumes").Index(i).Child("ephemeral", "volumeClaimTemplate", "metadata")
		if _, ok := o.Get(at).(map[string]any); ok {
			out = append(out, at)
		}
	}
	return out
}

var invalidLabelRule = &rule.Rule{
	ID:       "invalid-label",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a label key or value the API server rejects",
	Doc: rule.Doc{
		What: "A label (on the object, its pod template or an ephemeral volume's claim template) whose key is not a qualified name (an optional DNS subdomain prefix " +
			"and '/', then at most 63 characters of letters, digits, '-', '_' and '.') or whose value is longer than 63 characters " +
			"or has other characters, often a version with '+' or an unrendered placeholder.",
		Why: "The API server rejects the object.",
		Bad: "metadata:\n" +
			"  labels:\n" +
			"    app.kubernetes.io/version: v1.8.2+build.7\n",
		Good: "metadata:\n" +
			"  labels:\n" +
			"    app.kubernetes.io/version: v1.8.2-build.7\n",
		Fix:     "Use letters, digits, '-', '_' and '.' (starting and ending with a letter or digit), at most 63 characters.",
		Mirrors: "ValidateLabels in k8s.io/apimachinery/pkg/apis/meta/v1/validation (IsQualifiedName, IsValidLabelValue), called by ValidateObjectMeta and ValidatePodTemplateSpec",
	},
	Check: func(p *rule.Pass) {
		for _, meta := range metadataBlocks(p.Object) {
			labelsPath := meta.Child("labels")
			labels, keys := stringMap(p.Object, labelsPath)
			for _, k := range keys {
				if msgs := qualifiedName(k); len(msgs) > 0 {
					p.Reportf(labelsPath.Child(k), "label key %q is not a valid qualified name: %s", k, labelProblem(k, msgs))
				}
				if msgs := validation.IsValidLabelValue(labels[k]); len(msgs) > 0 {
					p.Report(rule.Diagnostic{Path: labelsPath.Child(k), AtValue: true,
						Message: fmt.Sprintf("label %s value %q is not a valid label value: %s", k, labels[k], labelProblem(labels[k], msgs))})
				}
			}
		}
	},
}

var invalidAnnotationKeyRule = &rule.Rule{
	ID:       "invalid-annotation-key",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an annotation key the API server rejects",
	Doc: rule.Doc{
		What: "An annotation key (on the object, its pod template or an ephemeral volume's claim template) that is not a qualified name: an optional DNS subdomain " +
			"prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.'.",
		Why: "The API server rejects the object. Keys with spaces or a second '/' usually come from a value pasted into the key.",
		Bad: "metadata:\n" +
			"  annotations:\n" +
			"    prometheus.io/scrape/port: \"9100\"\n",
		Good: "metadata:\n" +
			"  annotations:\n" +
			"    prometheus.io/port: \"9100\"\n",
		Fix:     "Use a key such as example.com/name; put data in the value.",
		Mirrors: "ValidateAnnotations in k8s.io/apimachinery/pkg/api/validation (IsQualifiedName on the lower-cased key), called by ValidateObjectMeta and ValidatePodTemplateSpec",
	},
	Check: func(p *rule.Pass) {
		for _, meta := range metadataBlocks(p.Object) {
			annPath := meta.Child("annotations")
			m, ok := p.Object.Get(annPath).(map[string]any)
			if !ok {
				continue
			}
			for _, k := range sortedKeys(m) {
				if msgs := qualifiedName(strings.ToLower(k)); len(msgs) > 0 {
					p.Reportf(annPath.Child(k), "annotation key %q is not a valid qualified name: %s", k, labelProblem(k, msgs))
				}
			}
		}
	},
}

var invalidMetadataRule = &rule.Rule{
	ID:       "invalid-metadata",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "owner references, finalizers or annotation sizes the API server rejects",
	Doc: rule.Doc{
		What: "The parts of metadata that the name, namespace, label and annotation-key rules do not cover: an entry of " +
			"metadata.ownerReferences with an empty apiVersion, kind, name or uid, an apiVersion that is not <group>/<version> " +
			"or <version>, an Event as owner, or more than one entry with controller: true; a finalizer that is not a " +
			"qualified name, or has no domain prefix and is not a standard one (kubernetes, orphan, foregroundDeletion), or " +
			"orphan together with foregroundDeletion; annotations (of the object or of its pod template) whose keys and " +
			"values add up to more than 262144 bytes; a pod template's container.apparmor.security.beta.kubernetes.io/<name> " +
			"annotation for a container the pod does not have, or with a profile other than runtime/default, unconfined or " +
			"localhost/<profile>.",
		Why: "The API server rejects the object. Owner references are written by controllers with the owner's uid: one in a " +
			"manifest is usually copied from a live object (kubectl get -o yaml). A finalizer blocks deletion until its " +
			"controller removes it, so it is named after that controller's domain. Large annotations belong in a ConfigMap " +
			"(and kubectl apply, which copies the whole manifest into an annotation, fails well before the limit).",
		Bad: `metadata:
  name: node-agent
  ownerReferences:
    - {apiVersion: v1, kind: ConfigMap, name: agent-owner}`,
		Good: `metadata:
  name: node-agent`,
		Fix: "Remove ownerReferences copied from a live object (or give the owner's apiVersion, kind, name and uid); prefix " +
			"a finalizer with its controller's domain (example.com/cleanup); move large annotation values into a ConfigMap.",
		Mirrors: "ValidateObjectMeta in k8s.io/apimachinery/pkg/api/validation (ValidateOwnerReferences, ValidateFinalizers, " +
			"ValidateAnnotationsSize) and validateKubeFinalizerName in pkg/apis/core/validation; ValidatePodTemplateSpec for " +
			"the template's annotations (ValidateAppArmorPodAnnotations)",
	},
	Check: func(p *rule.Pass) {
		checkOwnerReferences(p)
		checkFinalizers(p)
		checkAnnotationSize(p)
		checkTemplateAppArmorAnnotations(p)
	},
}

// checkOwnerReferences checks the object's own owner references (a pod
// template's are not validated).
func checkOwnerReferences(p *rule.Pass) {
	refsPath := metadataPath.Child("ownerReferences")
	refs, ok := p.Object.Get(refsPath).([]any)
	if !ok {
		return
	}
	firstController := ""
	for i, r := range refs {
		ref, _ := r.(map[string]any) // null is an empty reference to the API server
		rp := refsPath.Index(i)
		str := func(k string) string { s, _ := ref[k].(string); return s }
		if ref != nil && ref["apiVersion"] != nil {
			if _, ok := ref["apiVersion"].(string); !ok {
				continue // the schema reports the type
			}
		}
		apiVersion := str("apiVersion")
		switch {
		case apiVersion == "":
			p.Reportf(rp.Child("apiVersion"), "owner reference %d has no apiVersion: give the owner's apiVersion, such as v1 or apps/v1", i)
		case !validGroupVersion(apiVersion):
			p.Report(rule.Diagnostic{Path: rp.Child("apiVersion"), AtValue: true,
				Message: fmt.Sprintf("owner reference apiVersion %q is not <group>/<version> or <version>, such as v1 or apps/v1", apiVersion)})
		}
		for _, f := range []string{"kind", "name", "uid"} {
			if str(f) == "" {
				p.Reportf(rp.Child(f), "owner reference %d has no %s, which the API server requires: give the owner's %s, or remove the reference", i, f, f)
			}
		}
		if apiVersion == "v1" && str("kind") == "Event" {
			p.Reportf(rp, "an Event cannot own other objects: remove this owner reference")
		}
		if c, _ := ref["controller"].(bool); c {
			name := str("kind") + "/" + str("name")
			if firstController != "" {
				p.Reportf(refsPath, "only one owner reference may have controller: true, and %s and %s both do: keep it on one", firstController, name)
			} else {
				firstController = name
			}
		}
	}
}

// validGroupVersion reports whether the API server reads a non-empty
// apiVersion as a group and a version: any word with no slash is a
// version, "group/version" needs a version after its one slash.
func validGroupVersion(s string) bool {
	switch strings.Count(s, "/") {
	case 0:
		return true
	case 1:
		_, version, _ := strings.Cut(s, "/")
		return version != ""
	}
	return false
}

// standardFinalizers are the finalizer names the API server accepts
// without a domain prefix.
var standardFinalizers = []string{"kubernetes", "orphan", "foregroundDeletion"}

func checkFinalizers(p *rule.Pass) {
	fp := metadataPath.Child("finalizers")
	list, ok := p.Object.Get(fp).([]any)
	if !ok {
		return
	}
	orphan, foreground := false, false
	for i, v := range list {
		if v != nil {
			if _, ok := v.(string); !ok {
				continue // the schema reports the type
			}
		}
		name, _ := v.(string)
		if msgs := qualifiedName(name); len(msgs) > 0 {
			// The API server names the list, not the entry; the entry
			// is where it is written.
			p.Report(rule.Diagnostic{Path: fp, Related: []rule.RelatedPath{{Path: fp.Index(i), Message: "this finalizer"}},
				Message: fmt.Sprintf("finalizer %q is not a qualified name: %s", name, labelProblem(name, msgs))})
			continue
		}
		if !strings.Contains(name, "/") && !slices.Contains(standardFinalizers, name) {
			p.Report(rule.Diagnostic{Path: fp.Index(i), AtValue: true,
				Message: fmt.Sprintf("finalizer %q is neither a standard finalizer (%s) nor fully qualified: prefix it with a domain, such as example.com/%s",
					name, strings.Join(standardFinalizers, ", "), name)})
		}
		orphan = orphan || name == "orphan"
		foreground = foreground || name == "foregroundDeletion"
	}
	if orphan && foreground {
		p.Reportf(fp, "finalizers orphan and foregroundDeletion cannot both be set: keep one")
	}
}

// maxAnnotationBytes is the API server's limit on the total size of an
// object's annotations, keys and values together.
const maxAnnotationBytes = 256 * 1024

func checkAnnotationSize(p *rule.Pass) {
	for _, meta := range metadataBlocks(p.Object) {
		annPath := meta.Child("annotations")
		m, ok := p.Object.Get(annPath).(map[string]any)
		if !ok {
			continue
		}
		total := 0
		for k, v := range m {
			s, _ := v.(string)
			total += len(k) + len(s)
		}
		if total > maxAnnotationBytes {
			p.Reportf(annPath, "the annotations add up to %d bytes, over the API server's limit of %d: move large values into a ConfigMap", total, maxAnnotationBytes)
		}
	}
}

// checkTemplateAppArmorAnnotations checks a pod template's AppArmor annotations:
// each names one of its containers and a profile the API server knows.
func checkTemplateAppArmorAnnotations(p *rule.Pass) {
	ps, _ := daemonSetPod(p.Object)
	if ps == nil {
		return
	}
	annPath := templateMetadataPath.Child("annotations")
	anns, keys := stringMap(p.Object, annPath)
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, appArmorAnnotationPrefix)
		if !ok {
			continue
		}
		found := false
		for _, c := range containers(ps, podSpecPath) {
			found = found || c.C.Name == name
		}
		if !found {
			p.Reportf(annPath.Child(k), "AppArmor annotation %s names container %q, which the pod does not have: use a container's name, or remove the annotation", k, name)
		}
		if v := anns[k]; v != "" && v != "runtime/default" && v != "unconfined" && !strings.HasPrefix(v, "localhost/") {
			p.Report(rule.Diagnostic{Path: annPath.Child(k), AtValue: true,
				Message: fmt.Sprintf("AppArmor profile %q is not runtime/default, unconfined or localhost/<profile>: use one of those (or securityContext.appArmorProfile)", v)})
		}
	}
}
