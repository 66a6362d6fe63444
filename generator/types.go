// Package generator turns compact Daemon specs (everynode.dev/v1alpha1)
// into complete DaemonSet manifests and the objects they need.
//
// A spec goes through four steps, each reporting every problem it finds
// with the spec's file, line, column and field path: it is parsed by the
// shared document model (internal/document), validated against the spec's
// JSON Schema (schemas/daemon.schema.json, generated from the Go types of
// generator/spec), decoded into those types — every shorthand into its
// long form, the k8s.io/api value — and rendered section by section into
// Kubernetes objects with secure defaults. The YAML written is then read
// back and checked as the API server would: against the official
// Kubernetes schema and the rule catalog's correctness rules (lint/rules).
// Those checks report at output paths; the Provenance recorded while
// rendering maps each back to the spec field it came from.
package generator

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/everynode/everynode/generator/spec"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Names fixed by the output contract (docs/architecture.md and the README).
const (
	APIVersion = spec.APIVersion
	Kind       = spec.Kind
	// ConfigHashAnnotation on the pod template carries the sha256 of the
	// generated ConfigMap's data, so a content change rolls the pods.
	ConfigHashAnnotation = "everynode.dev/config-hash"
	// IgnoreAnnotationPrefix + rule ID is the suppression annotation a
	// spec's ignore entries become.
	IgnoreAnnotationPrefix = suppress.AnnotationPrefix
	// ManagedBy is the app.kubernetes.io/managed-by label's default.
	ManagedBy = "everynode"

	LabelName      = "app.kubernetes.io/name"
	LabelInstance  = "app.kubernetes.io/instance"
	LabelManagedBy = "app.kubernetes.io/managed-by"
)

// RuleSpec is the rule ID of problems in a spec itself: what its schema
// rejects, and a shorthand that does not parse. It is the ID of schema
// errors (finding.RuleSchema), as the configuration's own schema errors use it;
// parse errors keep yaml-syntax and limit-exceeded.
const RuleSpec = finding.RuleSchema

// Spec is one Daemon document, as Load reads it.
type Spec struct {
	// doc is the document it was read from: Render reads its values and
	// places findings in it.
	doc *document.Document
	// File is the name findings report (slash-separated, relative to the
	// working directory; "<stdin>" for standard input).
	File string
	// Path is the file on disk ("" for standard input); output headers
	// name the spec relative to the output directory through it.
	Path      string
	Name      string
	Namespace string
}

// Resource identifies the spec in findings.
func (s *Spec) Resource() finding.Resource {
	return finding.Resource{APIVersion: APIVersion, Kind: Kind, Namespace: s.Namespace, Name: s.Name}
}

// Object is one rendered Kubernetes object.
type Object struct {
	APIVersion, Kind, Namespace, Name string
	// Value is a pointer to a k8s.io/api type (*appsv1.DaemonSet,
	// *corev1.ConfigMap, ...).
	Value any
	// Provenance maps the object's fields to the spec's.
	Provenance *Provenance
}

// Resource identifies the object.
func (o *Object) Resource() finding.Resource {
	return finding.Resource{APIVersion: o.APIVersion, Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

// Rendered is what one spec generates, in output order: ServiceAccount,
// Role, ClusterRole, RoleBinding, ClusterRoleBinding, ConfigMap,
// DaemonSet (the order kustomize applies kinds in).
type Rendered struct {
	Spec    *Spec
	Objects []Object
	yaml    []byte
}

// DaemonSet returns the rendered DaemonSet.
func (r *Rendered) DaemonSet() *appsv1.DaemonSet {
	for _, o := range r.Objects {
		if ds, ok := o.Value.(*appsv1.DaemonSet); ok {
			return ds
		}
	}
	return nil
}

// Locate maps a field of the i-th rendered object to the spec: the spec
// path it came from (longest recorded prefix, see Provenance.Lookup) and
// its line and column. found is the part of the spec path that exists in
// the document (a shorthand stops it early).
func (r *Rendered) Locate(i int, out fieldpath.Path) (line, col int, found fieldpath.Path) {
	var spec fieldpath.Path
	if i >= 0 && i < len(r.Objects) && r.Objects[i].Provenance != nil {
		spec, _ = r.Objects[i].Provenance.Lookup(out)
	}
	if spec == nil {
		spec = fieldpath.New("spec")
	}
	return r.Spec.doc.Locate(spec)
}
