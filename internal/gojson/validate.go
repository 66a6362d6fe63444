package gojson

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"
	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Schema is a compiled JSON Schema (draft-07) whose errors come back as
// Errors a user can act on. The Daemon spec and the configuration are
// validated through it, so their schema errors read alike.
type Schema struct {
	compiled *gojsonschema.Schema
	// raw is the schema as data: the field names of "did you mean".
	raw map[string]any
}

// Compile compiles a schema document.
func Compile(doc []byte) (*Schema, error) {
	var raw map[string]any
	if err := json.Unmarshal(doc, &raw); err != nil {
		return nil, fmt.Errorf("the schema is not JSON: %w", err)
	}
	compiled, err := gojsonschema.NewSchema(gojsonschema.NewGoLoader(raw))
	if err != nil {
		return nil, fmt.Errorf("the schema does not compile: %w", err)
	}
	return &Schema{compiled: compiled, raw: raw}, nil
}

// Error is one thing the schema rejects.
type Error struct {
	// Path is where: the value's path; for an unknown or missing field,
	// the field's own.
	Path fieldpath.Path
	// Message says what is wrong and how to fix it, without the path.
	Message string
	// Type is gojsonschema's name for the error (invalid_type, enum,
	// additional_property_not_allowed, required, ...).
	Type string
	// Unknown marks an unknown field, Missing a missing required one:
	// both are named by their parent's path and positioned at a key.
	Unknown, Missing bool
	// AtKey positions the error at the field's key rather than its value.
	AtKey bool
	// Value is the value at Path (nil when it is missing).
	Value any
}

// Explain may rewrite an Error's Message with what only the caller
// knows (a hint for one field).
type Explain func(doc *document.Document, e *Error)

// Validate checks a document's value. Errors come in path order, one per
// place and message; an Explain, when given, sees each first.
func (s *Schema) Validate(doc *document.Document, explain Explain) ([]Error, error) {
	res, err := s.compiled.Validate(gojsonschema.NewRawLoader(Value(doc.Value)))
	if err != nil {
		return nil, err
	}
	if res.Valid() {
		return nil, nil
	}
	type located struct {
		Error
		wrapper bool
	}
	var all []located
	for _, re := range res.Errors() {
		e, wrapper := s.convert(doc, re)
		all = append(all, located{e, wrapper})
	}
	var out []Error
	seen := map[string]bool{}
	// A missing field that an unknown one is a misspelling of is the same
	// mistake: the unknown field's "did you mean" names the fix.
	suggested := map[string]bool{}
	for _, l := range all {
		if l.Unknown {
			if s := suggest.Closest(l.Path.Last().Key, s.properties(l.Path.Parent())); s != "" {
				suggested[l.Path.Parent().Child(s).String()] = true
			}
		}
	}
	for _, l := range all {
		if l.wrapper && slices.ContainsFunc(all, func(o located) bool { return !o.wrapper && o.Path.HasPrefix(l.Path) }) {
			// "must validate then/else/anyOf" says nothing when the
			// branch's own errors are reported at or below the same place.
			continue
		}
		if l.Missing && suggested[l.Path.String()] {
			continue
		}
		if explain != nil {
			explain(doc, &l.Error)
		}
		key := l.Path.String() + "\x00" + l.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, l.Error)
	}
	slices.SortStableFunc(out, func(a, b Error) int { return strings.Compare(a.Path.String(), b.Path.String()) })
	return out, nil
}

var wrapperErrors = map[string]bool{
	"condition_then": true, "condition_else": true, "number_any_of": true,
	"number_one_of": true, "number_all_of": true,
}

// convert turns one gojsonschema error into an Error; wrapper reports an
// error that only says a branch failed.
func (s *Schema) convert(doc *document.Document, re gojsonschema.ResultError) (e Error, wrapper bool) {
	path := ContextPath(re.Context(), doc.Value)
	d := re.Details()
	e = Error{Path: path, Type: re.Type(), Value: document.ValueAt(doc.Value, path)}
	switch re.Type() {
	case "additional_property_not_allowed":
		prop, _ := d["property"].(string)
		known := s.properties(path)
		e.Path, e.Unknown, e.Value = path.Child(prop), true, document.ValueAt(doc.Value, path.Child(prop))
		e.Message = fmt.Sprintf("unknown field %q", prop)
		if hint := suggest.DidYouMean(prop, known); hint != "" {
			e.Message += hint
		} else if len(known) > 0 && len(known) <= 12 {
			e.Message += " (known fields: " + strings.Join(known, ", ") + ")"
		}
	case "required":
		prop, _ := d["property"].(string)
		e.Path, e.Missing, e.Value = path.Child(prop), true, nil
		e.Message = fmt.Sprintf("missing required field %q", prop)
	case "invalid_type":
		exp, _ := d["expected"].(string)
		e.Message = fmt.Sprintf("must be %s, not %s", typeList(exp), Describe(doc, path))
	case "enum", "const":
		allowed := enumValues(d["allowed"])
		got := fmt.Sprint(e.Value)
		if len(allowed) == 1 {
			e.Message = fmt.Sprintf("must be %q, not %q", allowed[0], got)
		} else {
			e.Message = fmt.Sprintf("%q is not valid: use one of %s", got, strings.Join(allowed, ", "))
			if near := nearValue(got, allowed); near != "" {
				e.Message += fmt.Sprintf(" (did you mean %q?)", near)
			}
		}
	case "string_gte":
		if fmt.Sprint(d["min"]) == "1" {
			e.Message = "must not be empty"
		} else {
			e.Message = fmt.Sprintf("must be at least %v characters long", d["min"])
		}
	case "string_lte":
		e.Message = fmt.Sprintf("must be at most %v characters long", d["max"])
	case "number_gte":
		e.Message = fmt.Sprintf("must be at least %v", d["min"])
	case "number_lte":
		e.Message = fmt.Sprintf("must be at most %v", d["max"])
	case "array_min_items":
		if fmt.Sprint(d["min"]) == "1" {
			e.Message = "must have at least 1 item"
		} else {
			e.Message = fmt.Sprintf("must have at least %v items", d["min"])
		}
	case "array_min_properties":
		if props := s.properties(path); len(props) > 0 {
			e.Message = fmt.Sprintf("must set one of %s", strings.Join(props, ", "))
		} else {
			e.Message = fmt.Sprintf("must have at least %v entry", d["min"])
		}
	case "array_max_properties":
		m, _ := e.Value.(map[string]any)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		e.Message = fmt.Sprintf("sets %s: set only one of them", strings.Join(keys, " and "))
		e.AtKey = true
	case "pattern":
		got := fmt.Sprint(e.Value)
		e.Message = fmt.Sprintf("%q does not match the pattern %v", got, d["pattern"])
		for _, n := range s.nodes(path) {
			if m, ok := n["patternErrorMessage"].(string); ok {
				e.Message = fmt.Sprintf("%q is not valid: %s", got, m)
			}
		}
	default:
		if wrapperErrors[re.Type()] {
			e.Message = "is not valid here"
			return e, true
		}
		e.Message = re.Description()
	}
	return e, false
}

// nearValue is the allowed value a user probably meant: a near
// misspelling, or one that got abbreviated (warn for warning).
func nearValue(got string, allowed []string) string {
	if s := suggest.Closest(got, allowed); s != "" {
		return s
	}
	if len(got) >= 3 {
		for _, a := range allowed {
			if strings.HasPrefix(strings.ToLower(a), strings.ToLower(got)) {
				return a
			}
		}
	}
	return ""
}

// Text is the message as a finding shows it: after the path, as the API
// server's validation errors do (spec.ports[1]: ...). An unknown or
// missing field is named by its parent's path, since the message quotes
// the field itself.
func (e Error) Text() string {
	at := e.Path
	if e.Unknown || e.Missing {
		at = at.Parent()
	}
	if len(at) == 0 {
		return e.Message
	}
	return at.String() + ": " + e.Message
}

// Finding positions the error in doc: at the value, or for an unknown or
// missing field at the key (a missing one at its nearest existing
// parent).
func (e Error) Finding(doc *document.Document, rule string, res finding.Resource) finding.Finding {
	var line, col int
	if e.AtKey || e.Unknown || e.Missing {
		line, col, _ = doc.Locate(e.Path)
	} else {
		line, col, _ = doc.LocateValue(e.Path)
	}
	name := ""
	if doc.File != nil {
		name = doc.File.Name
	}
	return finding.Finding{Rule: rule, Severity: finding.Error, Message: e.Text(), File: name, Line: line, Column: col,
		Document: doc.Index, Resource: res, Path: e.Path}
}

// Describe names the type of the value at p as a YAML user calls it, with
// a scalar's text as written (1.30, not 1.3): `a string ("x")`,
// `a number (1.30)`, `a map`, `empty (null)`.
func Describe(doc *document.Document, p fieldpath.Path) string {
	val := document.ValueAt(doc.Value, p)
	text := func() string {
		if n, found := doc.NodeAt(p); n != nil && len(found) == len(p) && n.Kind == yaml.ScalarNode {
			return n.Value
		}
		return fmt.Sprint(val)
	}
	switch x := val.(type) {
	case nil:
		return "empty (null)"
	case string:
		return fmt.Sprintf("a string (%q)", x)
	case bool:
		return fmt.Sprintf("a boolean (%t)", x)
	case int64, uint64:
		return fmt.Sprintf("an integer (%s)", text())
	case float64:
		return fmt.Sprintf("a number (%s)", text())
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprint(val)
}

// typeName is how a YAML user calls a JSON type.
func typeName(t string) string {
	name := map[string]string{"object": "map", "array": "list", "boolean": "boolean"}[t]
	if name == "" {
		name = t
	}
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// typeList renders gojsonschema's "[integer,string,object]" as "an
// integer, a string or a map". null is never what the user should write.
func typeList(exp string) string {
	var parts []string
	for _, p := range strings.Split(strings.Trim(exp, "[]"), ",") {
		if p = strings.TrimSpace(p); p != "" && p != "null" {
			parts = append(parts, typeName(p))
		}
	}
	switch len(parts) {
	case 0:
		return "another type"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// enumValues reads gojsonschema's list of allowed values ("a", "b").
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

// nodes returns the schema nodes that apply at path: every branch of a
// union, every $ref followed.
func (s *Schema) nodes(path fieldpath.Path) []map[string]any {
	nodes := s.expand(s.raw, nil)
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
				next = s.expand(c, next)
			}
		}
		nodes = next
	}
	return nodes
}

// expand adds n and the subschemas that may apply along with it.
func (s *Schema) expand(n map[string]any, out []map[string]any) []map[string]any {
	for depth := 0; depth < 32; depth++ {
		ref, ok := n["$ref"].(string)
		if !ok {
			break
		}
		name, _ := strings.CutPrefix(ref, "#/definitions/")
		defs, _ := s.raw["definitions"].(map[string]any)
		next, _ := defs[name].(map[string]any)
		if next == nil {
			return out
		}
		n = next
	}
	out = append(out, n)
	for _, k := range []string{"then", "else"} {
		if c, ok := n[k].(map[string]any); ok {
			out = s.expand(c, out)
		}
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		if l, ok := n[k].([]any); ok {
			for _, c := range l {
				if c, ok := c.(map[string]any); ok {
					out = s.expand(c, out)
				}
			}
		}
	}
	return out
}

// properties lists the field names the schema allows at path, sorted.
func (s *Schema) properties(path fieldpath.Path) []string {
	var out []string
	for _, n := range s.nodes(path) {
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
