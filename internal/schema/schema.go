// Package schema validates Kubernetes objects against the official schemas
// of a Kubernetes release (embedded by package schemas) and against the
// openAPIV3Schema of CustomResourceDefinitions.
//
// Schemas are compiled into a small tree of checks covering the JSON
// Schema draft 4 keywords Kubernetes uses (type, properties, required,
// additionalProperties, items, enum, pattern, bounds, allOf/anyOf/oneOf/
// not, date-time), and validation walks the typed value tree of
// internal/document directly: no YAML→JSON round trip, no conversion of
// numbers. A definition is compiled the first time a value reaches it, so
// a run pays only for the parts of the schemas its manifests use; compiled
// definitions are shared by all kinds and goroutines.
//
// Messages are written here: the place goes in Path, the message says what
// is wrong ("expected integer, got string \"http\"", "unknown field
// \"hostNetwrok\" (did you mean \"hostNetwork\"?)"). The exported schemas
// (package schemas) are plain JSON Schema; tests check that gojsonschema
// agrees with this validator on them.
package schema

import (
	"fmt"
	"sync"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

// Options choose the schemas and how strictly they apply.
type Options struct {
	// KubernetesVersion is the target release: "1.36", "v1.36" or
	// "1.36.0"; "" means the newest embedded release.
	KubernetesVersion string
	// Strict makes unknown fields errors, as kubectl --validate=strict
	// does. The zero value is relaxed: callers pass Strict: true for the
	// default behaviour of the linter.
	Strict bool
}

// Error is one problem with an object, or with a CRD given to AddCRD.
type Error struct {
	Rule     string           // finding.RuleSchema, finding.RuleRemovedAPI or finding.RuleNoSchema
	Severity finding.Severity // error for schema and removed versions, info for no-schema
	// Path is where: for an unknown field the path of the unknown key,
	// for a missing required field that field's path (a finding about it
	// is placed at the object that lacks it).
	Path    fieldpath.Path
	Message string
	// WrongType marks a value of the wrong JSON type: typed decoding of
	// the object fails on it, so rules read the object without it.
	WrongType bool
}

func (e Error) String() string {
	if len(e.Path) == 0 {
		return e.Message + " [" + e.Rule + "]"
	}
	return e.Path.String() + ": " + e.Message + " [" + e.Rule + "]"
}

// Validator validates objects for one Kubernetes release. It is safe for
// concurrent use; schemas are compiled lazily and cached.
type Validator struct {
	opts    Options
	version string // normalized release name

	// defs compiles the release's definitions; nil until the first object.
	defs func() (*defCache, error)

	mu   sync.RWMutex
	crds map[schemas.GVK]*crdSchema
}

// New returns a Validator. It is cheap: it checks the version and nothing
// else; the release index is read and schemas are compiled on first use.
func New(opts Options) (*Validator, error) {
	version, err := schemas.NormalizeVersion(opts.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	return &Validator{
		opts:    opts,
		version: version,
		defs: sync.OnceValues(func() (*defCache, error) {
			set, err := schemas.Kubernetes(version)
			if err != nil {
				return nil, err
			}
			return newDefCache(set, opts.Strict), nil
		}),
		crds: map[schemas.GVK]*crdSchema{},
	}, nil
}

// KubernetesVersion is the release the Validator checks against ("1.36").
func (v *Validator) KubernetesVersion() string { return v.version }

// Strict reports whether unknown fields are errors.
func (v *Validator) Strict() bool { return v.opts.Strict }

// Validate checks one object. Values are typed as in internal/document:
// map[string]any, []any, string, int64, uint64, float64, bool and nil.
// Objects without a string apiVersion and kind are not Kubernetes objects
// and give no errors. The object is not modified.
func (v *Validator) Validate(obj map[string]any) []Error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	if apiVersion == "" || kind == "" {
		return nil
	}
	gvk := schemas.ParseGVK(apiVersion, kind)
	root, errs := v.rootFor(gvk)
	if root == nil {
		return errs
	}
	w := walker{path: make([]fieldpath.Elem, 0, 16)}
	w.validate(root, obj)
	return finish(w.errs)
}

// rootFor finds the compiled schema of a kind: built-in first, then CRDs.
// When there is none it returns the errors that explain why (a removed API
// version, a kind that does not exist in this release, no schema at all).
func (v *Validator) rootFor(gvk schemas.GVK) (*node, []Error) {
	defs, err := v.defs()
	if err != nil {
		return nil, []Error{{Rule: finding.RuleNoSchema, Severity: finding.Info, Message: err.Error()}}
	}
	if def, ok := defs.set.Lookup(gvk); ok {
		n, err := defs.entry(def).get()
		if err != nil {
			return nil, []Error{{Rule: finding.RuleNoSchema, Severity: finding.Info,
				Message: fmt.Sprintf("%s not validated: its embedded schema is broken: %v", gvk, err)}}
		}
		return n, nil
	}
	v.mu.RLock()
	crd := v.crds[gvk]
	v.mu.RUnlock()
	if crd != nil {
		n, err := crd.get(defs)
		if err != nil {
			return nil, []Error{{Rule: finding.RuleNoSchema, Severity: finding.Info,
				Message: fmt.Sprintf("%s not validated: the schema of %s cannot be used: %v", gvk, crd.origin, err)}}
		}
		return n, nil
	}
	return nil, v.missingKind(defs.set, gvk)
}
