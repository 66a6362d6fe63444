package rules

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidEnvRule = &rule.Rule{
	ID:       "invalid-env",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an environment variable or envFrom source the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "An env entry with an empty name or one with '=' or a character that is not printable ASCII (for a target " +
			"before Kubernetes 1.32: a name that is not letters, digits, '_', '-' and '.' or starts with a digit), with both value " +
			"and valueFrom, or whose valueFrom names no source or more than one; a fieldRef whose fieldPath is missing or " +
			"is not one the downward API gives to variables (metadata.name, metadata.namespace, metadata.uid, " +
			"metadata.labels['key'], metadata.annotations['key'], spec.nodeName, spec.serviceAccountName, status.hostIP(s), " +
			"status.podIP(s)) or whose apiVersion is not v1; a resourceFieldRef without a resource, with another resource " +
			"than limits or requests of cpu, memory, ephemeral-storage or hugepages, or with a divisor that resource does " +
			"not support; a configMapKeyRef or secretKeyRef whose name is not an object name or whose key is missing or " +
			"malformed; a fileKeyRef without key, volumeName or path (or as the only source, for a target of 1.34, which drops it), with a path that climbs with '..', or naming a volume " +
			"that is not an emptyDir of the pod; an envFrom entry with no source, more than one, no or a malformed name, or " +
			"a prefix that is not a valid variable name (by the same rule as the names). The message names the check.",
		Why: "The API server rejects the DaemonSet (\"must specify one of: fieldRef, resourceFieldRef, configMapKeyRef or " +
			"secretKeyRef\", \"may not be specified when value is not empty\", \"key: Required value\", \"error converting " +
			"fieldPath\").",
		In: rule.InContainer,
		Bad: `env:
  - name: NODE
    value: worker-1
    valueFrom:
      fieldRef: {fieldPath: spec.nodename}`,
		Good: `env:
  - name: NODE
    valueFrom:
      fieldRef: {fieldPath: spec.nodeName}`,
		Fix:     "Give each variable a name and either a value or one valueFrom source with its required fields, spelled as the message says.",
		Mirrors: "ValidateEnv, validateEnvVarValueFrom, validateObjectFieldSelector, validateContainerResourceFieldSelector, validateContainerResourceDivisor, validateConfigMapKeySelector, validateSecretKeySelector, validateFileKeySelector, validateFileKeyRefVolumes and ValidateEnvFrom in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		volumes := volumesByName(ps)
		for _, c := range containers(ps, base) {
			for i := range c.C.Env {
				checkEnvVar(p, c.Path.Child("env").Index(i), &c.C.Env[i], volumes)
			}
			for i := range c.C.EnvFrom {
				checkEnvFrom(p, c.Path.Child("envFrom"), i, &c.C.EnvFrom[i])
			}
		}
	},
}

// envVarNameProblem says what is wrong with a variable name (or an
// envFrom prefix), or "". Since RelaxedEnvironmentVariableValidation became
// the default (1.32) Kubernetes accepts any printable ASCII but '='; a
// target older than that still wants a C-like identifier (letters, digits,
// '_', '-' and '.', not starting with a digit), which strict asks for.
func envVarNameProblem(s string, strict bool) string {
	check := validation.IsRelaxedEnvVarName
	if strict {
		check = validation.IsEnvVarName
	}
	if msgs := check(s); len(msgs) > 0 {
		return labelProblem(s, msgs)
	}
	return ""
}

// strictEnvVarNames reports whether the target release checks variable
// names and envFrom prefixes by the strict rule (before 1.32).
func strictEnvVarNames(o *rule.Object) bool { return !o.AtLeast(32) }

func checkEnvVar(p *rule.Pass, at fieldpath.Path, e *corev1.EnvVar, volumes map[string]*corev1.Volume) {
	name := e.Name
	switch {
	case e.Name == "":
		name = "the variable"
		// A name that is not written at all the schema reports too; this
		// finding at the name replaces it.
		p.Reportf(at.Child("name"), "this variable has no name: name it")
	default:
		if msg := envVarNameProblem(e.Name, strictEnvVarNames(p.Object)); msg != "" {
			p.Report(rule.Diagnostic{Path: at.Child("name"), AtValue: true, Message: fmt.Sprintf("variable name %q is not valid: %s", e.Name, msg)})
		}
	}
	vf := e.ValueFrom
	if vf == nil {
		return
	}
	var sources []string
	for _, x := range []struct {
		name string
		set  bool
	}{{"fieldRef", vf.FieldRef != nil}, {"resourceFieldRef", vf.ResourceFieldRef != nil}, {"configMapKeyRef", vf.ConfigMapKeyRef != nil}, {"secretKeyRef", vf.SecretKeyRef != nil}, {"fileKeyRef", vf.FileKeyRef != nil}} {
		if x.set {
			sources = append(sources, x.name)
		}
	}
	vp := at.Child("valueFrom")
	switch {
	case len(sources) == 1 && vf.FileKeyRef != nil && p.Object.AtLeast(34) && !p.Object.AtLeast(35):
		// 1.34 knows fileKeyRef but drops it while EnvFiles is off (its
		// default there), and then refuses the empty valueFrom.
		p.Reportf(vp, "valueFrom of %s reads only a fileKeyRef, which Kubernetes 1.34 drops unless the EnvFiles feature gate is on, leaving no source: use another source, or target 1.35 or later", name)
	case len(sources) == 0:
		p.Reportf(vp, "valueFrom of %s names no source: set one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef", name)
	case e.Value != "":
		p.Reportf(vp, "%s sets both value and valueFrom: keep one", name)
	case len(sources) > 1:
		p.Reportf(vp, "valueFrom of %s sets %s: keep one", name, strings.Join(sources, " and "))
	}
	if f := vf.FieldRef; f != nil {
		checkEnvFieldRef(p, vp.Child("fieldRef"), name, f)
	}
	if r := vf.ResourceFieldRef; r != nil {
		checkEnvResourceRef(p, vp.Child("resourceFieldRef"), name, r)
	}
	if r := vf.ConfigMapKeyRef; r != nil {
		checkKeyRef(p, vp.Child("configMapKeyRef"), name, "ConfigMap", r.Name, r.Key)
	}
	if r := vf.SecretKeyRef; r != nil {
		checkKeyRef(p, vp.Child("secretKeyRef"), name, "Secret", r.Name, r.Key)
	}
	if r := vf.FileKeyRef; r != nil {
		checkFileKeyRef(p, vp.Child("fileKeyRef"), name, r, volumes)
	}
}

// envFieldPaths are the pod fields the downward API gives to variables.
var envFieldPaths = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
	"status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}

// downwardLabels are the field labels a pod's downward API knows at all
// (some only for volumes); spec.host is an old spelling of spec.nodeName.
var downwardLabels = []string{"metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid",
	"spec.nodeName", "spec.restartPolicy", "spec.serviceAccountName", "spec.schedulerName", "status.phase", "status.hostIP",
	"status.hostIPs", "status.podIP", "status.podIPs", "spec.host"}

func checkEnvFieldRef(p *rule.Pass, at fieldpath.Path, name string, f *corev1.ObjectFieldSelector) {
	fp := at.Child("fieldPath")
	if f.FieldPath == "" {
		p.Reportf(fp, "fieldRef of %s has no fieldPath: set one such as spec.nodeName", name)
		return
	}
	// An apiVersion left out is defaulted to v1.
	if f.APIVersion != "" && f.APIVersion != "v1" {
		p.Report(rule.Diagnostic{Path: fp, Message: fmt.Sprintf("fieldRef of %s has apiVersion %q, and pod fields are read at v1: remove apiVersion or set it to v1", name, f.APIVersion)})
		return
	}
	if field, key, ok := subscripted(f.FieldPath); ok {
		switch field {
		case "metadata.annotations", "metadata.labels":
			k := key
			if field == "metadata.annotations" {
				k = strings.ToLower(k)
			}
			if msgs := qualifiedName(k); len(msgs) > 0 {
				p.Report(rule.Diagnostic{Path: at, Message: fmt.Sprintf("fieldRef of %s reads %s[%q], which is not a valid key: %s", name, field, key, labelProblem(key, msgs))})
			}
		default:
			p.Report(rule.Diagnostic{Path: fp, AtValue: true, Message: fmt.Sprintf("fieldPath %q of %s: only metadata.labels and metadata.annotations take a ['key']", f.FieldPath, name)})
		}
		return
	}
	if !slices.Contains(downwardLabels, f.FieldPath) {
		p.Report(rule.Diagnostic{Path: fp, AtValue: true,
			Message: fmt.Sprintf("fieldPath %q of %s is not a pod field the downward API knows%s: use one of %s", f.FieldPath, name, didYouMean(f.FieldPath, envFieldPaths), strings.Join(envFieldPaths, ", "))})
		return
	}
	path := f.FieldPath
	if path == "spec.host" {
		path = "spec.nodeName"
	}
	if !slices.Contains(envFieldPaths, path) {
		p.Report(rule.Diagnostic{Path: fp, AtValue: true,
			Message: fmt.Sprintf("fieldPath %q of %s is not available to environment variables (labels and annotations need a ['key']): use one of %s, or a downwardAPI volume", f.FieldPath, name, strings.Join(envFieldPaths, ", "))})
	}
}

// subscripted splits metadata.labels['key'] into its field and key.
func subscripted(s string) (field, key string, ok bool) {
	rest, found := strings.CutSuffix(s, "']")
	if !found {
		return "", "", false
	}
	field, key, found = strings.Cut(rest, "['")
	if !found || field == "" {
		return "", "", false
	}
	return field, key, true
}

// envResources are what a resourceFieldRef of a variable may read,
// besides limits.hugepages-<size> and requests.hugepages-<size>.
var envResources = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"}

// divisors are the divisors Kubernetes accepts, by the kind of resource.
var (
	cpuDivisors  = []string{"1m", "1"}
	byteDivisors = []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
)

func checkEnvResourceRef(p *rule.Pass, at fieldpath.Path, name string, r *corev1.ResourceFieldSelector) {
	hugePagesRef := strings.HasPrefix(r.Resource, "limits.hugepages-") || strings.HasPrefix(r.Resource, "requests.hugepages-")
	switch {
	case r.Resource == "":
		p.Reportf(at.Child("resource"), "resourceFieldRef of %s has no resource: set one such as limits.memory", name)
	case !slices.Contains(envResources, r.Resource) && !hugePagesRef:
		p.Report(rule.Diagnostic{Path: at.Child("resource"), AtValue: true,
			Message: fmt.Sprintf("resourceFieldRef of %s reads %q%s: use one of %s, or limits.hugepages-<size>", name, r.Resource, didYouMean(r.Resource, envResources), strings.Join(envResources, ", "))})
	}
	if r.Divisor.IsZero() && r.Divisor.Format == "" {
		return
	}
	var allowed []string
	switch {
	case strings.HasSuffix(r.Resource, ".cpu"):
		allowed = cpuDivisors
	case strings.HasSuffix(r.Resource, ".memory"), strings.HasSuffix(r.Resource, ".ephemeral-storage"), hugePagesRef:
		allowed = byteDivisors
	default:
		return
	}
	if d := r.Divisor; !slices.Contains(allowed, d.String()) && !(d.Cmp(resource.Quantity{}) == 0) {
		p.Report(rule.Diagnostic{Path: at.Child("divisor"), AtValue: true,
			Message: fmt.Sprintf("divisor %s of %s is not one Kubernetes supports for %s: use one of %s", d.String(), name, r.Resource, strings.Join(allowed, ", "))})
	}
}

// checkKeyRef checks a configMapKeyRef or secretKeyRef.
func checkKeyRef(p *rule.Pass, at fieldpath.Path, name, kind, object, key string) {
	if msgs := validation.IsDNS1123Subdomain(object); len(msgs) > 0 {
		if object == "" {
			p.Reportf(at.Child("name"), "%s of %s names no %s: set name", at.Last().Key, name, kind)
		} else {
			p.Report(rule.Diagnostic{Path: at.Child("name"), AtValue: true, Message: fmt.Sprintf("%s name %q of %s is not a valid object name: %s", kind, object, name, labelProblem(object, msgs))})
		}
	}
	switch {
	case key == "":
		p.Reportf(at.Child("key"), "%s of %s has no key: name the key of the %s to read", at.Last().Key, name, kind)
	default:
		if msgs := validation.IsConfigMapKey(key); len(msgs) > 0 {
			p.Report(rule.Diagnostic{Path: at.Child("key"), AtValue: true, Message: fmt.Sprintf("key %q of %s is not a valid %s key: %s", key, name, kind, labelProblem(key, msgs))})
		}
	}
}

func checkFileKeyRef(p *rule.Pass, at fieldpath.Path, name string, r *corev1.FileKeySelector, volumes map[string]*corev1.Volume) {
	if r.Key == "" {
		p.Reportf(at.Child("key"), "fileKeyRef of %s has no key: name the variable to read from the file", name)
	} else if msg := envVarNameProblem(r.Key, false); msg != "" {
		// fileKeyRef came after the relaxed names and has always used them.
		p.Report(rule.Diagnostic{Path: at.Child("key"), AtValue: true, Message: fmt.Sprintf("fileKeyRef key %q of %s is not a valid variable name: %s", r.Key, name, msg)})
	}
	vp := at.Child("volumeName")
	if r.VolumeName == "" {
		p.Reportf(vp, "fileKeyRef of %s has no volumeName: name the emptyDir volume that holds the file", name)
	} else if msgs := validation.IsDNS1123Label(r.VolumeName); len(msgs) > 0 {
		p.Report(rule.Diagnostic{Path: vp, AtValue: true, Message: fmt.Sprintf("fileKeyRef volumeName %q of %s is not a valid volume name: %s", r.VolumeName, name, labelProblem(r.VolumeName, msgs))})
	} else if v, ok := volumes[r.VolumeName]; !ok {
		p.Report(rule.Diagnostic{Path: vp, AtValue: true, Message: fmt.Sprintf("fileKeyRef of %s reads volume %q, which the pod does not have: add it as an emptyDir volume", name, r.VolumeName)})
	} else if v.EmptyDir == nil && len(volumeSources(v)) > 0 {
		// A volume without a source is defaulted to an emptyDir.
		p.Report(rule.Diagnostic{Path: vp, AtValue: true, Message: fmt.Sprintf("fileKeyRef of %s reads volume %q, which is not an emptyDir: a file of variables must come from an emptyDir", name, r.VolumeName)})
	}
	if r.Path == "" {
		p.Reportf(at.Child("path"), "fileKeyRef of %s has no path: name the file in the volume", name)
	} else if slices.Contains(strings.Split(r.Path, "/"), "..") {
		p.Report(rule.Diagnostic{Path: at.Child("path"), AtValue: true, Message: fmt.Sprintf("fileKeyRef path %q of %s must not contain '..'", r.Path, name)})
	}
}

// checkEnvFrom checks envFrom[i]. Kubernetes names the list, not the
// entry, when an entry has no source or two; the message names the entry.
func checkEnvFrom(p *rule.Pass, list fieldpath.Path, i int, src *corev1.EnvFromSource) {
	at := list.Index(i)
	if src.Prefix != "" {
		if msg := envVarNameProblem(src.Prefix, strictEnvVarNames(p.Object)); msg != "" {
			p.Report(rule.Diagnostic{Path: at.Child("prefix"), AtValue: true, Message: fmt.Sprintf("envFrom prefix %q is not a valid variable name: %s", src.Prefix, msg)})
		}
	}
	ref := func(field, kind, name string) {
		np := at.Child(field, "name")
		if name == "" {
			p.Reportf(np, "envFrom %s has no name: name the %s", field, kind)
			return
		}
		// Kubernetes checks these names as name prefixes, which may end
		// in '-' (its NameIsDNSSubdomain with prefix true).
		if msgs := apivalidation.NameIsDNSSubdomain(name, true); len(msgs) > 0 {
			p.Report(rule.Diagnostic{Path: np, AtValue: true, Message: fmt.Sprintf("envFrom %s name %q is not a valid object name: %s", field, name, labelProblem(name, msgs))})
		}
	}
	if src.ConfigMapRef != nil {
		ref("configMapRef", "ConfigMap", src.ConfigMapRef.Name)
	}
	if src.SecretRef != nil {
		ref("secretRef", "Secret", src.SecretRef.Name)
	}
	switch {
	case src.ConfigMapRef == nil && src.SecretRef == nil:
		p.Reportf(list, "envFrom[%d] has no source: set configMapRef or secretRef", i)
	case src.ConfigMapRef != nil && src.SecretRef != nil:
		p.Reportf(list, "envFrom[%d] sets configMapRef and secretRef: split it into two entries", i)
	}
}
