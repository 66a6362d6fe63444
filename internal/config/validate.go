package config

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/xeipuuv/gojsonschema"
	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

// The schema is compiled on first use: a lint run without a configuration
// file never pays for it.
var loadSchema = sync.OnceValues(func() (*compiledSchema, error) {
	var raw map[string]any
	if err := json.Unmarshal(schemas.ConfigSchema, &raw); err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	s, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(schemas.ConfigSchema))
	if err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	return &compiledSchema{schema: s, raw: raw}, nil
})

type compiledSchema struct {
	schema *gojsonschema.Schema
	// raw is the schema as data, for the field names of "did you mean".
	raw map[string]any
}

// validator collects the findings about one configuration document.
type validator struct {
	doc  *document.Document
	out  []finding.Finding
	seen map[string]bool
	// suggested holds path+field of every "did you mean", missing the
	// required fields not yet reported.
	suggested map[string]bool
	missing   []missingField
}

func (v *validator) resource() finding.Resource {
	r := finding.Resource{APIVersion: APIVersion, Kind: Kind}
	if m, ok := v.doc.Value.(map[string]any); ok {
		if s, ok := m["apiVersion"].(string); ok {
			r.APIVersion = s
		}
		if s, ok := m["kind"].(string); ok {
			r.Kind = s
		}
		if md, ok := m["metadata"].(map[string]any); ok {
			r.Name, _ = md["name"].(string)
			r.Namespace, _ = md["namespace"].(string)
		}
	}
	return r
}

// report adds a finding at p (at its value when atValue), once per place
// and message: gojsonschema can report one problem through two branches.
func (v *validator) report(p fieldpath.Path, atValue bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := p.String() + "\x00" + msg
	if v.seen == nil {
		v.seen = map[string]bool{}
	}
	if v.seen[key] {
		return
	}
	v.seen[key] = true
	var line, col int
	if atValue {
		line, col, _ = v.doc.LocateValue(p)
	} else {
		line, col, _ = v.doc.Locate(p)
	}
	name := ""
	if v.doc.File != nil {
		name = v.doc.File.Name
	}
	v.out = append(v.out, finding.Finding{Rule: RuleSchema, Severity: finding.Error, Message: msg,
		File: name, Line: line, Column: col, Document: v.doc.Index, Resource: v.resource(), Path: p})
}

// schema validates the document against schemas/config.schema.json and
// rewrites gojsonschema's errors into messages with a path and a fix.
func (v *validator) schema() {
	cs, err := loadSchema()
	if err != nil {
		// The schema is embedded and tested; this is a build defect.
		v.report(nil, false, "internal error: %v", err)
		return
	}
	res, err := cs.schema.Validate(gojsonschema.NewRawLoader(gojson.Value(v.doc.Value)))
	if err != nil {
		v.report(nil, false, "internal error validating the configuration: %v", err)
		return
	}
	errs := res.Errors()
	// Sort by position so findings come out in file order.
	slices.SortStableFunc(errs, func(a, b gojsonschema.ResultError) int {
		return strings.Compare(a.Context().String("\x00"), b.Context().String("\x00"))
	})
	v.suggested = map[string]bool{}
	for _, e := range errs {
		v.schemaError(cs, e)
	}
	// A missing field that an unknown one is a misspelling of is already
	// reported, with the fix.
	for _, m := range v.missing {
		if !v.suggested[m.path.String()+"\x00"+m.field] {
			v.report(m.path, false, "%s: missing required field %q", pathOrTop(m.path), m.field)
		}
	}
}

type missingField struct {
	path  fieldpath.Path
	field string
}

func (v *validator) schemaError(cs *compiledSchema, e gojsonschema.ResultError) {
	p := gojson.ContextPath(e.Context(), v.doc.Value)
	d := e.Details()
	switch e.Type() {
	case "condition_then", "condition_else", "number_one_of", "number_any_of", "number_all_of":
		// The errors of the branch that failed say what is wrong.
	case "additional_property_not_allowed":
		prop, _ := d["property"].(string)
		known := cs.fieldNames(p)
		msg := fmt.Sprintf("unknown field %q", prop)
		if len(p) > 0 {
			msg += " in " + p.String()
		}
		if s := suggest(prop, known); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
			v.suggested[p.String()+"\x00"+s] = true
		} else if len(known) > 0 {
			msg += " (known fields: " + strings.Join(known, ", ") + ")"
		}
		v.report(p.Child(prop), false, "%s", msg)
	case "invalid_type":
		expected, _ := d["expected"].(string)
		got := describe(v.doc, p)
		if p.String() == "lint.kubernetesVersion" {
			if _, isNum := document.ValueAt(v.doc.Value, p).(float64); isNum {
				n, _ := v.doc.NodeAt(p)
				v.report(p, true, "%s: expected a string, got %s; quote it (kubernetesVersion: \"%s\"): unquoted, YAML reads a version as a number", p, got, n.Value)
				return
			}
		}
		if len(p) == 3 && p[0].Key == "lint" && p[1].Key == "rules" {
			v.report(p, true, "%s: expected off, on, error, warning, info or a map of enabled, severity and params, got %s", p, got)
			return
		}
		v.report(p, true, "%s: expected %s, got %s", pathOrTop(p), article(expected), got)
	case "enum":
		val := document.ValueAt(v.doc.Value, p)
		allowed := enumValues(cs, p)
		msg := fmt.Sprintf("%s: unknown value %s (want %s)", pathOrTop(p), describeValue(val), orList(allowed))
		if s, ok := val.(string); ok {
			msg = fmt.Sprintf("%s: unknown value %q (want %s)", pathOrTop(p), s, orList(allowed))
			if sug := suggest(s, allowed); sug != "" {
				msg = fmt.Sprintf("%s: unknown value %q (did you mean %q? want %s)", pathOrTop(p), s, sug, orList(allowed))
			}
		}
		if len(p) == 1 && p[0].Key == "kind" {
			msg += "; this is not an everynode configuration"
		}
		v.report(p, true, "%s", msg)
	case "required":
		prop, _ := d["property"].(string)
		if len(p) == 0 && prop == "apiVersion" || len(p) == 0 && prop == "kind" {
			v.report(p, false, "missing %s: a configuration starts with apiVersion: %s and kind: %s", prop, APIVersion, Kind)
			return
		}
		v.missing = append(v.missing, missingField{p, prop})
	case "pattern":
		if p.String() == "lint.kubernetesVersion" {
			v.report(p, true, "%s: %s is not a Kubernetes minor version such as \"1.36\"", p, describeValue(document.ValueAt(v.doc.Value, p)))
			return
		}
		v.report(p, true, "%s: %s does not match %v", p, describeValue(document.ValueAt(v.doc.Value, p)), d["pattern"])
	case "array_min_items":
		v.report(p, true, "%s: needs at least one entry", p)
	case "string_gte":
		v.report(p, true, "%s: must not be empty", p)
	default:
		v.report(p, true, "%s: %s", pathOrTop(p), e.Description())
	}
}

func pathOrTop(p fieldpath.Path) string {
	if len(p) == 0 {
		return "the configuration"
	}
	return p.String()
}

// fieldNames lists the properties the schema allows at p, sorted.
func (cs *compiledSchema) fieldNames(p fieldpath.Path) []string {
	n := cs.at(p)
	props, _ := n["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// at walks the raw schema along p: properties, then additionalProperties
// for keys, items for indices. A conditional schema is followed into its
// object branch, which is the one with fields.
func (cs *compiledSchema) at(p fieldpath.Path) map[string]any {
	n := cs.resolve(cs.raw)
	for _, e := range p {
		if n == nil {
			return nil
		}
		var next any
		if e.IsIndex {
			next = n["items"]
		} else if props, ok := n["properties"].(map[string]any); ok && props[e.Key] != nil {
			next = props[e.Key]
		} else {
			next = n["additionalProperties"]
		}
		m, _ := next.(map[string]any)
		n = cs.resolve(m)
	}
	return n
}

func (cs *compiledSchema) resolve(n map[string]any) map[string]any {
	for range 8 {
		if n == nil {
			return nil
		}
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			defs, _ := cs.raw["definitions"].(map[string]any)
			n, _ = defs[name].(map[string]any)
			continue
		}
		if _, ok := n["properties"]; !ok {
			if e, ok := n["else"].(map[string]any); ok {
				n = e
				continue
			}
		}
		return n
	}
	return n
}

// enumValues lists the allowed values at p; for a conditional schema the
// string branch's.
func enumValues(cs *compiledSchema, p fieldpath.Path) []string {
	n := cs.at(p)
	if n == nil {
		return nil
	}
	enum, ok := n["enum"].([]any)
	if !ok {
		// ruleSetting: the string branch is "then".
		if t, ok := n["then"].(map[string]any); ok {
			enum, _ = t["enum"].([]any)
		}
	}
	if enum == nil && len(p) > 0 {
		// A rule setting resolves to its object branch; the enum of a
		// shorthand value lives in the definition's "then".
		defs, _ := cs.raw["definitions"].(map[string]any)
		if rs, ok := defs["ruleSetting"].(map[string]any); ok && len(p) == 3 && p[1].Key == "rules" {
			if t, ok := rs["then"].(map[string]any); ok {
				enum, _ = t["enum"].([]any)
			}
		}
	}
	out := make([]string, 0, len(enum))
	for _, e := range enum {
		out = append(out, fmt.Sprint(e))
	}
	return out
}

func orList(s []string) string {
	switch len(s) {
	case 0:
		return "another value"
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// article names an expected JSON type for a message. gojsonschema writes
// several as [object,null]; null is never what the user should write.
func article(t string) string {
	if strings.HasPrefix(t, "[") {
		for _, x := range strings.Split(strings.Trim(t, "[]"), ",") {
			if x = strings.TrimSpace(x); x != "null" {
				t = x
				break
			}
		}
	}
	switch t {
	case "object":
		return "a map"
	case "array":
		return "a list"
	case "integer":
		return "an integer"
	case "":
		return "another type"
	}
	return "a " + t
}

// describe names the type of the value at p and, for a scalar, its text as
// written (1.30, not 1.3).
func describe(doc *document.Document, p fieldpath.Path) string {
	val := document.ValueAt(doc.Value, p)
	switch val.(type) {
	case int64, uint64, float64:
		if n, found := doc.NodeAt(p); n != nil && len(found) == len(p) && n.Kind == yaml.ScalarNode {
			return "number " + n.Value
		}
	}
	return describeValue(val)
}

func describeValue(val any) string {
	switch x := val.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", x)
	case bool:
		return fmt.Sprintf("boolean %t", x)
	case int64, uint64, float64:
		return fmt.Sprintf("number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%v", val)
}

// decode fills c from the document's value. It reads only what has the
// right type; the schema has reported the rest.
func (v *validator) decode(c *Config, m map[string]any) {
	if l, ok := m["lint"].(map[string]any); ok {
		v.decodeLint(&c.Lint, l)
	}
	if g, ok := m["generate"].([]any); ok {
		for i, item := range g {
			t, ok := item.(map[string]any)
			if !ok {
				continue
			}
			p := fieldpath.New("generate").Index(i)
			gt := GenerateTarget{Path: p}
			gt.Specs = v.globs(t["specs"], p.Child("specs"))
			gt.Output, _ = t["output"].(string)
			gt.Kustomization, _ = t["kustomization"].(bool)
			c.Generate = append(c.Generate, gt)
		}
	}
}

func (v *validator) decodeLint(l *Lint, m map[string]any) {
	if s, ok := m["kubernetesVersion"].(string); ok {
		l.KubernetesVersion = strings.TrimPrefix(s, "v")
	}
	if b, ok := m["strict"].(bool); ok {
		l.Strict = &b
	}
	if s, ok := m["podSecurity"].(string); ok && slices.Contains([]string{"none", "baseline", "restricted"}, s) {
		l.PodSecurity = s
	}
	if s, ok := m["failOn"].(string); ok && slices.Contains([]string{"error", "warning", "info", "none"}, s) {
		l.FailOn = s
	}
	l.Exclude = v.globs(m["exclude"], fieldpath.New("lint", "exclude"))
	l.CheckReferences, _ = m["checkReferences"].(bool)
	rules, _ := m["rules"].(map[string]any)
	for id, val := range rules {
		rc, ok := decodeRule(val)
		if ok {
			l.Rules[id] = rc
		}
	}
}

func decodeRule(val any) (RuleConfig, bool) {
	var rc RuleConfig
	t, f := true, false
	switch x := val.(type) {
	case bool:
		// YAML 1.1 reads an unquoted off/on as a boolean.
		rc.Enabled = &f
		if x {
			rc.Enabled = &t
		}
	case string:
		switch x {
		case "off":
			rc.Enabled = &f
		case "on":
			rc.Enabled = &t
		case "error", "warning", "info":
			rc.Severity = x
			rc.Enabled = &t
		default:
			return rc, false
		}
	case map[string]any:
		if b, ok := x["enabled"].(bool); ok {
			rc.Enabled = &b
		}
		if s, ok := x["severity"].(string); ok {
			if _, ok := finding.ParseSeverity(s); ok && s != "none" && s != "off" && s != "warn" {
				rc.Severity = s
				if rc.Enabled == nil {
					rc.Enabled = &t
				}
			}
		}
		if p, ok := x["params"].(map[string]any); ok {
			rc.Params = p
		}
	default:
		return rc, false
	}
	return rc, true
}

// globs reads a list of glob patterns, reporting malformed ones.
func (v *validator) globs(val any, p fieldpath.Path) []string {
	l, ok := val.([]any)
	if !ok {
		return nil
	}
	var out []string
	for i, e := range l {
		s, ok := e.(string)
		if !ok || s == "" {
			continue
		}
		if _, err := path.Match(strings.ReplaceAll(s, "**", "*"), ""); err != nil {
			v.report(p.Index(i), true, "%s: %q is not a valid glob pattern (check the brackets and backslashes)", p.Index(i), s)
			continue
		}
		out = append(out, s)
	}
	return out
}
