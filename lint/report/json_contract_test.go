package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"

	"github.com/everynode/everynode/lint/finding"
)

// outputSchemaPath is the published JSON Schema of the json format.
var outputSchemaPath = filepath.Join("..", "..", "docs", "lint-output.schema.json")

// jsonReports are the reports the contract tests write.
func jsonReports(t *testing.T) map[string]*Report {
	return map[string]*Report{"findings": fixtureReport(t), "empty": emptyReport(), "many": manyReport()}
}

// TestJSONIsTheType: the json writer writes a JSONOutput exactly as
// encoding/json does, so the exported type is the contract, and the
// output decodes into it with no field left over.
func TestJSONIsTheType(t *testing.T) {
	for name, r := range jsonReports(t) {
		t.Run(name, func(t *testing.T) {
			var got bytes.Buffer
			if err := Write(&got, JSON, r, Options{}); err != nil {
				t.Fatal(err)
			}
			out := JSONOutput{Findings: []JSONFinding{}, Summary: r.Summary}
			for _, f := range visible(r.Findings) {
				out.Findings = append(out.Findings, NewJSONFinding(&f))
			}
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false)
			if err := enc.Encode(out); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("the writer and encoding/json differ:\n--- writer ---\n%s\n--- encoding/json ---\n%s", got.Bytes(), want.Bytes())
			}
			dec := json.NewDecoder(bytes.NewReader(got.Bytes()))
			dec.DisallowUnknownFields()
			var back JSONOutput
			if err := dec.Decode(&back); err != nil {
				t.Fatalf("the output does not decode into JSONOutput: %v", err)
			}
			if !reflect.DeepEqual(back, out) {
				t.Errorf("decoded output differs:\n%+v\nwant\n%+v", back, out)
			}
		})
	}
	// The fixtures cover every field, so that the comparison covers the
	// writer's every branch.
	var fix, edits, related bool
	for _, f := range fixtureReport(t).Findings {
		fix = fix || f.Fix != nil
		edits = edits || f.Fix != nil && len(f.Fix.Edits) > 0
		related = related || len(f.Related) > 0
	}
	if !fix || !edits || !related {
		t.Errorf("the fixture report lacks a fix (%v), edits (%v) or related places (%v)", fix, edits, related)
	}
}

// TestJSONSchema validates real output against docs/lint-output.schema.json
// and fails when the schema and JSONOutput drift apart: every struct of
// the type must be an object of the schema with the same properties,
// required exactly when not omitempty, of the matching JSON types, and no
// others.
func TestJSONSchema(t *testing.T) {
	data, err := os.ReadFile(outputSchemaPath)
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data))
	if err != nil {
		t.Fatalf("%s: %v", outputSchemaPath, err)
	}
	for name, r := range jsonReports(t) {
		var buf bytes.Buffer
		if err := Write(&buf, JSON, r, Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := schema.Validate(gojsonschema.NewBytesLoader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Errors() {
			t.Errorf("%s: the output does not match the schema: %s", name, e)
		}
	}
	// Wrong output must fail, or the validation above proves nothing.
	for _, bad := range []string{
		`{"findings": [], "summary": {"files": 0, "documents": 0, "resources": 0, "skipped": 0, "errors": 0, "warnings": 0}}`,
		`{"findings": null, "summary": {"files": 0, "documents": 0, "resources": 0, "skipped": 0, "errors": 0, "warnings": 0, "infos": 0}}`,
		`{"findings": [{"rule": "x", "severity": "fatal"}], "summary": {}}`,
	} {
		res, err := schema.Validate(gojsonschema.NewStringLoader(bad))
		if err != nil || res.Valid() {
			t.Errorf("the schema accepts %s", bad)
		}
	}

	var root map[string]any
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["definitions"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		if ref, ok := s["$ref"].(string); ok {
			d, _ := defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
			return d
		}
		return s
	}
	var check func(where string, typ reflect.Type, s map[string]any)
	check = func(where string, typ reflect.Type, s map[string]any) {
		s = resolve(s)
		if s == nil {
			t.Errorf("%s: no schema", where)
			return
		}
		for typ.Kind() == reflect.Pointer {
			typ = typ.Elem()
		}
		want := map[reflect.Kind]string{reflect.String: "string", reflect.Int: "integer", reflect.Bool: "boolean",
			reflect.Slice: "array", reflect.Struct: "object"}[typ.Kind()]
		if got, _ := s["type"].(string); got != want {
			t.Errorf("%s: the schema says %q, the Go type %s is %q", where, got, typ, want)
			return
		}
		switch typ.Kind() {
		case reflect.Slice:
			items, _ := s["items"].(map[string]any)
			check(where+"[]", typ.Elem(), items)
		case reflect.Struct:
			if s["additionalProperties"] != false {
				t.Errorf("%s: the schema allows properties the type does not have", where)
			}
			props, _ := s["properties"].(map[string]any)
			var names, required []string
			for i := range typ.NumField() {
				f := typ.Field(i)
				tag := f.Tag.Get("json")
				name, opts, _ := strings.Cut(tag, ",")
				if name == "-" || !f.IsExported() {
					continue
				}
				if name == "" {
					t.Errorf("%s.%s has no json name", where, f.Name)
					continue
				}
				names = append(names, name)
				if !strings.Contains(opts, "omitempty") {
					required = append(required, name)
				}
				p, ok := props[name].(map[string]any)
				if !ok {
					t.Errorf("%s: the schema has no property %q (%s.%s)", where, name, typ, f.Name)
					continue
				}
				check(where+"."+name, f.Type, p)
			}
			for name := range props {
				if !slices.Contains(names, name) {
					t.Errorf("%s: the schema has a property %q that %s does not", where, name, typ)
				}
			}
			var req []string
			for _, r := range s["required"].([]any) {
				req = append(req, fmt.Sprint(r))
			}
			slices.Sort(req)
			slices.Sort(required)
			if !slices.Equal(req, required) {
				t.Errorf("%s: the schema requires %v, the type (fields without omitempty) %v", where, req, required)
			}
		}
	}
	check("output", reflect.TypeFor[JSONOutput](), root)

	// The schema spells the rule-ID shape out; it must be the one the
	// catalog is checked against.
	rule, _ := resolve(defs["finding"].(map[string]any))["properties"].(map[string]any)["rule"].(map[string]any)
	if rule["pattern"] != finding.RuleIDPattern {
		t.Errorf("the schema's rule pattern %v is not finding.RuleIDPattern %q", rule["pattern"], finding.RuleIDPattern)
	}
}
