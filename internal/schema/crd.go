package schema

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"sync"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

const objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

// AddCRD registers the openAPIV3Schema of every served version of a
// CustomResourceDefinition (apiextensions.k8s.io/v1, or the older v1beta1),
// so that Validate checks its custom resources. A later CRD for the same
// group, version and kind replaces an earlier one. The schema is compiled
// on first use.
//
// The returned errors are about the CRD itself, with paths inside it: info
// for parts of the schema that cannot be checked (a pattern with ECMA
// lookahead is dropped, the rest of the schema still applies), error when
// the object is not a usable CRD.
func (v *Validator) AddCRD(obj map[string]any) []Error {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	v1beta1 := apiVersion == "apiextensions.k8s.io/v1beta1"
	if kind != "CustomResourceDefinition" || (apiVersion != "apiextensions.k8s.io/v1" && !v1beta1) {
		return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("kind"),
			Message: fmt.Sprintf("not a CustomResourceDefinition (apiextensions.k8s.io/v1): apiVersion %q, kind %q", apiVersion, kind)}}
	}
	spec, _ := obj["spec"].(map[string]any)
	names, _ := spec["names"].(map[string]any)
	group, _ := spec["group"].(string)
	crKind, _ := names["kind"].(string)
	var errs []Error
	if group == "" {
		errs = append(errs, Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("spec", "group"), Message: `missing required field "group"`})
	}
	if crKind == "" {
		errs = append(errs, Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("spec", "names", "kind"), Message: `missing required field "kind"`})
	}
	if errs != nil {
		return errs
	}
	crdName := group
	if meta, ok := obj["metadata"].(map[string]any); ok {
		if n, ok := meta["name"].(string); ok && n != "" {
			crdName = n
		}
	}
	// v1beta1 kept unknown fields unless told otherwise; v1 allows
	// preserveUnknownFields: true only on CRDs migrated from v1beta1.
	preserveAll := spec["preserveUnknownFields"] == true || (v1beta1 && spec["preserveUnknownFields"] != false)

	type version struct {
		name   string
		schema map[string]any
		path   fieldpath.Path
	}
	var served []version
	common, _ := document.ValueAt(spec, fieldpath.New("validation", "openAPIV3Schema")).(map[string]any)
	commonPath := fieldpath.New("spec", "validation", "openAPIV3Schema")
	list, _ := spec["versions"].([]any)
	for i, item := range list {
		ver, _ := item.(map[string]any)
		name, _ := ver["name"].(string)
		if name == "" || ver["served"] == false {
			continue
		}
		if s, ok := document.ValueAt(ver, fieldpath.New("schema", "openAPIV3Schema")).(map[string]any); ok {
			served = append(served, version{name, s, fieldpath.New("spec", "versions").Index(i).Child("schema", "openAPIV3Schema")})
		} else {
			served = append(served, version{name, common, commonPath})
		}
	}
	if single, ok := spec["version"].(string); ok && single != "" && len(list) == 0 {
		served = append(served, version{single, common, commonPath})
	}
	if len(served) == 0 {
		return []Error{{Rule: finding.RuleSchema, Severity: finding.Error, Path: fieldpath.New("spec"),
			Message: fmt.Sprintf("CustomResourceDefinition %s serves no version", crdName)}}
	}

	for _, ver := range served {
		var root map[string]any
		if ver.schema != nil {
			c := &crdConverter{}
			root = c.schema(ver.schema, ver.path, true)
			errs = append(errs, c.infos...)
		} else {
			// No schema (v1beta1 allowed that): anything goes but
			// apiVersion, kind and metadata.
			root = map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}
		}
		if preserveAll {
			root["x-kubernetes-preserve-unknown-fields"] = true
		}
		gvk := schemas.GVK{Group: group, Version: ver.name, Kind: crKind}
		crd := &crdSchema{
			origin: fmt.Sprintf("CustomResourceDefinition %s (version %s)", crdName, ver.name),
			root:   root,
			strict: v.opts.Strict && !preserveAll,
		}
		v.mu.Lock()
		v.crds[gvk] = crd
		v.mu.Unlock()
	}
	sortErrors(errs)
	// Versions that share one schema (v1beta1's spec.validation) would
	// report its problems once each.
	return slices.CompactFunc(errs, func(a, b Error) bool { return a.Message == b.Message && a.Path.Equal(b.Path) })
}

// crdSchema is one served version of a CRD, compiled on first use.
type crdSchema struct {
	origin string
	root   map[string]any
	strict bool

	once sync.Once
	node *node
	err  error
}

// get compiles the schema: apiVersion, kind and metadata are always
// allowed at the root (the API server adds them), and metadata is checked
// as the release's ObjectMeta.
func (c *crdSchema) get(defs *defCache) (*node, error) {
	c.once.Do(func() {
		props, _ := c.root["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			c.root["properties"] = props
		}
		props["apiVersion"] = map[string]any{"type": "string"}
		props["kind"] = map[string]any{"type": "string"}
		props["metadata"] = map[string]any{"$ref": schemas.DefinitionRef + objectMeta}
		if _, ok := c.root["type"]; !ok {
			c.root["type"] = "object"
		}
		c.node, c.err = compiler{defs: defs, strict: c.strict}.compile(c.root, true)
		c.root = nil
	})
	return c.node, c.err
}

// crdConverter turns a CRD's openAPIV3Schema (a typed value tree) into a
// schema this package compiles with the API server's meaning:
//
//   - nullable: true adds null to the type (and to an enum);
//   - x-kubernetes-int-or-string: true is "integer or string";
//   - x-kubernetes-embedded-resource: true allows apiVersion, kind and
//     metadata;
//   - an object with neither properties nor additionalProperties nor
//     x-kubernetes-preserve-unknown-fields keeps no fields (the API server
//     prunes them), so strict mode rejects them;
//   - a pattern Go cannot compile (ECMA lookahead, backreferences) is
//     dropped with an info;
//   - formats are dropped: the API server's format checks differ from
//     JSON Schema's (uri, hostname, date-time layouts), and a false error
//     is worse than a missed one; x-kubernetes-validations (CEL) and
//     descriptions, defaults and examples are dropped as well.
type crdConverter struct {
	infos []Error
}

var droppedCRDKeys = map[string]bool{
	"format": true, "description": true, "title": true, "default": true, "example": true,
	"externalDocs": true, "x-kubernetes-validations": true, "x-kubernetes-list-type": true,
	"x-kubernetes-list-map-keys": true, "x-kubernetes-map-type": true, "$schema": true,
	"id": true, "$ref": true, "definitions": true, "nullable": true,
	"x-kubernetes-int-or-string": true, "x-kubernetes-embedded-resource": true,
}

// schema converts one schema node; spine is false inside allOf, anyOf,
// oneOf and not, whose branches constrain values rather than declare
// structure.
func (c *crdConverter) schema(s map[string]any, p fieldpath.Path, spine bool) map[string]any {
	out := make(map[string]any, len(s))
	for k, val := range s {
		switch {
		case droppedCRDKeys[k]:
		case k == "properties" || k == "patternProperties":
			m, _ := val.(map[string]any)
			cp := make(map[string]any, len(m))
			for name, sub := range m {
				if k == "patternProperties" && !c.compiles(name, p.Child(k)) {
					continue
				}
				if ss, ok := sub.(map[string]any); ok {
					cp[name] = c.schema(ss, p.Child(k, name), spine && k == "properties")
				}
			}
			out[k] = cp
		case k == "items":
			switch x := val.(type) {
			case map[string]any:
				out[k] = c.schema(x, p.Child(k), spine)
			case []any:
				l := make([]any, 0, len(x))
				for i, it := range x {
					if ss, ok := it.(map[string]any); ok {
						l = append(l, c.schema(ss, p.Child(k).Index(i), spine))
					}
				}
				out[k] = l
			}
		case k == "additionalProperties" || k == "additionalItems":
			switch x := val.(type) {
			case bool:
				out[k] = x
			case map[string]any:
				out[k] = c.schema(x, p.Child(k), spine)
			}
		case k == "allOf" || k == "anyOf" || k == "oneOf":
			l, _ := val.([]any)
			branches := make([]any, 0, len(l))
			for i, b := range l {
				if bs, ok := b.(map[string]any); ok {
					branches = append(branches, c.schema(bs, p.Child(k).Index(i), false))
				}
			}
			if len(branches) > 0 {
				out[k] = branches
			}
		case k == "not":
			if ns, ok := val.(map[string]any); ok {
				out[k] = c.schema(ns, p.Child(k), false)
			}
		case k == "pattern":
			if pat, ok := val.(string); ok && c.compiles(pat, p.Child(k)) {
				out[k] = pat
			}
		default:
			out[k] = deepCopy(val)
		}
	}

	if s["x-kubernetes-int-or-string"] == true {
		out["type"] = []any{"integer", "string"}
		// The structural form spells it out as anyOf: [{type: integer},
		// {type: string}]; the type list says the same more cheaply.
		for _, comb := range [...]string{"anyOf", "oneOf"} {
			if l, ok := out[comb].([]any); ok && typeOnly(l) {
				delete(out, comb)
			}
		}
	}
	if s["nullable"] == true {
		switch t := out["type"].(type) {
		case string:
			out["type"] = []any{t, "null"}
		case []any:
			if !slices.Contains(t, any("null")) {
				out["type"] = append(t, "null")
			}
		}
		if enum, ok := out["enum"].([]any); ok && !slices.Contains(enum, nil) {
			out["enum"] = append(enum, nil)
		}
	}
	props, hasProps := out["properties"].(map[string]any)
	if s["x-kubernetes-embedded-resource"] == true && hasProps {
		for _, f := range [...]string{"apiVersion", "kind"} {
			if _, ok := props[f]; !ok {
				props[f] = map[string]any{"type": "string"}
			}
		}
		if _, ok := props["metadata"]; !ok {
			props["metadata"] = map[string]any{"type": "object"}
		}
	}
	if spine && out["type"] == "object" && !hasProps && out["additionalProperties"] == nil &&
		out["x-kubernetes-preserve-unknown-fields"] != true && s["x-kubernetes-embedded-resource"] != true {
		out["properties"] = map[string]any{}
	}
	return out
}

func typeOnly(branches []any) bool {
	for _, b := range branches {
		m, _ := b.(map[string]any)
		if len(m) != 1 || m["type"] == nil {
			return false
		}
	}
	return true
}

// compiles reports whether Go's regexp (RE2) can compile a pattern, and
// records an info when it cannot.
func (c *crdConverter) compiles(pattern string, p fieldpath.Path) bool {
	_, err := regexp.Compile(pattern)
	if err == nil {
		return true
	}
	why := err.Error()
	var se *syntax.Error
	if errors.As(err, &se) {
		why = fmt.Sprintf("%s: %q", se.Code, se.Expr)
	}
	c.infos = append(c.infos, Error{Rule: finding.RuleSchema, Severity: finding.Info, Path: p,
		Message: fmt.Sprintf("pattern %s is not supported by Go regular expressions (%s); values are not checked against it", strconv.Quote(pattern), why)})
	return false
}

// deepCopy copies a typed value tree: the converted schema must not share
// maps with the CRD object, which other code reads concurrently.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, val := range x {
			m[k] = deepCopy(val)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, val := range x {
			l[i] = deepCopy(val)
		}
		return l
	}
	return v
}
