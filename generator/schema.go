package generator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/schemas"
)

// problem is a spec error before it has a position.
type problem struct {
	path fieldpath.Path
	msg  string
	// atValue points at the value rather than its key.
	atValue bool
	// unknown marks an unknown field, which may deserve a hint about
	// flow mappings.
	unknown bool
}

// The spec schema is compiled once, on first use: a run that never loads a
// spec (lint, version) never pays for it.
var specSchema struct {
	once     sync.Once
	compiled *gojsonschema.Schema
	raw      map[string]any
	err      error
}

func loadSpecSchema() (*gojsonschema.Schema, map[string]any, error) {
	s := &specSchema
	s.once.Do(func() {
		if err := json.Unmarshal(schemas.DaemonSchema, &s.raw); err != nil {
			s.err = fmt.Errorf("the embedded Daemon schema is not JSON: %w", err)
			return
		}
		s.compiled, s.err = gojsonschema.NewSchema(gojsonschema.NewGoLoader(s.raw))
		if s.err != nil {
			s.err = fmt.Errorf("the embedded Daemon schema does not compile: %w", s.err)
		}
	})
	return s.compiled, s.raw, s.err
}

// validateSchema checks a spec document's value against the schema and
// turns gojsonschema's errors into problems a user can act on.
func validateSchema(value any) ([]problem, error) {
	sch, raw, err := loadSpecSchema()
	if err != nil {
		return nil, err
	}
	res, err := sch.Validate(gojsonschema.NewRawLoader(gojson.Value(value)))
	if err != nil {
		return nil, fmt.Errorf("validating against the Daemon schema: %w", err)
	}
	if res.Valid() {
		return nil, nil
	}
	type located struct {
		problem
		wrapper bool
	}
	var all []located
	for _, e := range res.Errors() {
		p, wrapper := convertSchemaError(e, value, raw)
		all = append(all, located{p, wrapper})
	}
	var out []problem
	for _, l := range all {
		if l.wrapper {
			// "must validate then/else/anyOf" says nothing when the branch's
			// own errors are reported at or below the same place.
			covered := slices.ContainsFunc(all, func(o located) bool { return !o.wrapper && o.path.HasPrefix(l.path) })
			if covered {
				continue
			}
		}
		out = append(out, l.problem)
	}
	return out, nil
}

var wrapperErrors = map[string]bool{
	"condition_then": true, "condition_else": true, "number_any_of": true,
	"number_one_of": true, "number_all_of": true,
}

func convertSchemaError(e gojsonschema.ResultError, value any, raw map[string]any) (problem, bool) {
	path := gojson.ContextPath(e.Context(), value)
	d := e.Details()
	switch e.Type() {
	case "additional_property_not_allowed":
		prop, _ := d["property"].(string)
		cands := schemaProperties(raw, path, value)
		return problem{path: path.Child(prop), unknown: true, msg: fmt.Sprintf("unknown field %q%s", prop, suggest.DidYouMean(prop, cands))}, false
	case "required":
		prop, _ := d["property"].(string)
		return problem{path: path.Child(prop), msg: fmt.Sprintf("missing required field %q", prop)}, false
	case "invalid_type":
		exp, _ := d["expected"].(string)
		given, _ := d["given"].(string)
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must be %s, not %s", typeList(exp), typeName(given, true))}, false
	case "enum", "const":
		allowed := enumValues(d["allowed"])
		got := fmt.Sprint(document.ValueAt(value, path))
		if len(allowed) == 1 {
			return problem{path: path, atValue: true, msg: fmt.Sprintf("must be %q, not %q", allowed[0], got)}, false
		}
		return problem{path: path, atValue: true, msg: fmt.Sprintf("%q is not valid: use one of %s%s", got, strings.Join(allowed, ", "), suggest.DidYouMean(got, allowed))}, false
	case "string_gte":
		if fmt.Sprint(d["min"]) == "1" {
			return problem{path: path, atValue: true, msg: "must not be empty"}, false
		}
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must be at least %v characters long", d["min"])}, false
	case "string_lte":
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must be at most %v characters long", d["max"])}, false
	case "number_gte":
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must be at least %v", d["min"])}, false
	case "number_lte":
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must be at most %v", d["max"])}, false
	case "array_min_items":
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must have at least %v item(s)", d["min"])}, false
	case "array_min_properties":
		if props := schemaProperties(raw, path, value); len(props) > 0 {
			return problem{path: path, atValue: true, msg: fmt.Sprintf("must set one of %s", strings.Join(props, ", "))}, false
		}
		return problem{path: path, atValue: true, msg: fmt.Sprintf("must have at least %v entry", d["min"])}, false
	case "array_max_properties":
		m, _ := document.ValueAt(value, path).(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return problem{path: path, msg: fmt.Sprintf("sets %s: set only one of them", strings.Join(keys, " and "))}, false
	case "pattern":
		msg := fmt.Sprintf("%q does not match the pattern %v", fmt.Sprint(document.ValueAt(value, path)), d["pattern"])
		for _, n := range schemaNodes(raw, path, value) {
			if m, ok := n["patternErrorMessage"].(string); ok {
				msg = fmt.Sprintf("%q is not valid: %s", fmt.Sprint(document.ValueAt(value, path)), m)
			}
		}
		return problem{path: path, atValue: true, msg: msg}, false
	}
	if wrapperErrors[e.Type()] {
		return problem{path: path, atValue: true, msg: "is not valid here"}, true
	}
	return problem{path: path, atValue: true, msg: e.Description()}, false
}

// typeName is how a YAML user calls a JSON type.
func typeName(t string, article bool) string {
	name := map[string]string{"object": "map", "array": "list", "null": "empty (null)", "boolean": "boolean"}[t]
	if name == "" {
		name = t
	}
	if !article || t == "null" {
		return name
	}
	if strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// typeList renders "[integer,string,object]" as "an integer, a string or a map".
func typeList(exp string) string {
	exp = strings.Trim(exp, "[]")
	parts := strings.Split(exp, ",")
	for i, p := range parts {
		parts[i] = typeName(p, true)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

func enumValues(v any) []string {
	s, _ := v.(string)
	var out []string
	for _, part := range strings.Split(s, ", ") {
		if u, err := strconv.Unquote(part); err == nil {
			part = u
		}
		out = append(out, part)
	}
	return out
}

// schemaNodes returns the schema nodes that apply at path: every branch of
// a union, every $ref followed.
func schemaNodes(raw map[string]any, path fieldpath.Path, value any) []map[string]any {
	nodes := expand(raw, raw, nil)
	cur := value
	for _, e := range path {
		var next []map[string]any
		for _, n := range nodes {
			var child any
			if e.IsIndex {
				child = n["items"]
			} else if props, ok := n["properties"].(map[string]any); ok && props[e.Key] != nil {
				child = props[e.Key]
			} else {
				child = n["additionalProperties"]
			}
			if c, ok := child.(map[string]any); ok {
				next = expand(raw, c, next)
			}
		}
		nodes = next
		if e.IsIndex {
			l, _ := cur.([]any)
			if e.Index >= 0 && e.Index < len(l) {
				cur = l[e.Index]
			}
		} else if m, ok := cur.(map[string]any); ok {
			cur = m[e.Key]
		}
	}
	return nodes
}

// expand adds n and the subschemas that may apply along with it.
func expand(raw, n map[string]any, out []map[string]any) []map[string]any {
	for depth := 0; depth < 32; depth++ {
		ref, ok := n["$ref"].(string)
		if !ok {
			break
		}
		name, _ := strings.CutPrefix(ref, "#/definitions/")
		defs, _ := raw["definitions"].(map[string]any)
		next, _ := defs[name].(map[string]any)
		if next == nil {
			return out
		}
		n = next
	}
	out = append(out, n)
	for _, k := range []string{"then", "else"} {
		if c, ok := n[k].(map[string]any); ok {
			out = expand(raw, c, out)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := n[k].([]any); ok {
			for _, c := range l {
				if c, ok := c.(map[string]any); ok {
					out = expand(raw, c, out)
				}
			}
		}
	}
	return out
}

// schemaProperties lists the field names the schema allows at path.
func schemaProperties(raw map[string]any, path fieldpath.Path, value any) []string {
	var out []string
	for _, n := range schemaNodes(raw, path, value) {
		if props, ok := n["properties"].(map[string]any); ok {
			for k := range props {
				if !slices.Contains(out, k) {
					out = append(out, k)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}
