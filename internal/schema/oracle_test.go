package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/schemas"
)

// TestAgreesWithGojsonschema checks the compiled validator against a
// general JSON Schema implementation on the schemas export writes: for
// many objects, valid and broken, both must find errors at the same
// places. The objects are mutations of realistic manifests: every scalar
// given a value of another type, every object given an unknown field,
// every field deleted, every list item made null.
//
// Where the validator follows the API server rather than the OpenAPI
// document (divergence.go), the oracle is told so: its document has the
// same fields taken out of "required", and where the validator sees a null
// list item the oracle sees the zero value the API server decodes it to.
func TestAgreesWithGojsonschema(t *testing.T) {
	set, err := schemas.Kubernetes("")
	if err != nil {
		t.Fatal(err)
	}
	v := validator(t, "", true)
	oracles := map[schemas.GVK]*gojsonschema.Schema{}
	oracle := func(g schemas.GVK) *gojsonschema.Schema {
		if s, ok := oracles[g]; ok {
			return s
		}
		doc, err := set.Document(g, schemas.DocumentOptions{Strict: true, NullableOptional: true})
		if err != nil {
			t.Fatal(err)
		}
		root, _ := set.Lookup(g)
		relaxDefinition(set.Version(), root, doc)
		for name, d := range doc["definitions"].(map[string]any) {
			relaxDefinition(set.Version(), name, d.(map[string]any))
		}
		s, err := gojsonschema.NewSchemaLoader().Compile(gojsonschema.NewGoLoader(doc))
		if err != nil {
			t.Fatal(err)
		}
		oracles[g] = s
		return s
	}

	var objs []mutation
	for _, f := range []string{"testdata/daemonset.yaml", "testdata/node-agent.yaml", "testdata/divergent.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range document.Parse(f, data, document.Limits{}).Docs {
			obj := d.Value.(map[string]any)
			objs = append(objs, mutation{obj, obj})
			objs = append(objs, mutations(obj)...)
		}
	}
	checked := 0
	for _, m := range objs {
		obj := m.ours
		g := schemas.ParseGVK(obj["apiVersion"].(string), obj["kind"].(string))
		ours := map[string]bool{}
		for _, e := range v.Validate(obj) {
			ours[dotted(e.Path)] = true
		}
		js, err := json.Marshal(m.theirs)
		if err != nil {
			t.Fatal(err)
		}
		res, err := oracle(g).Validate(gojsonschema.NewBytesLoader(js))
		if err != nil {
			t.Fatal(err)
		}
		theirs := map[string]bool{}
		for _, e := range res.Errors() {
			p := e.Field()
			if e.Type() == "required" {
				// We name the missing field, gojsonschema its parent.
				p = strings.TrimPrefix(p+"."+fmt.Sprint(e.Details()["property"]), "(root).")
			}
			if e.Type() == "additional_property_not_allowed" {
				p = strings.TrimPrefix(p+"."+fmt.Sprint(e.Details()["property"]), "(root).")
			}
			theirs[p] = true
		}
		if !maps.Equal(ours, theirs) {
			t.Errorf("%s %v: we report %v, gojsonschema %v", g.Kind, obj["metadata"], slices.Sorted(maps.Keys(ours)), slices.Sorted(maps.Keys(theirs)))
		}
		checked++
	}
	if checked < 300 {
		t.Errorf("only %d objects checked", checked)
	}
}

// dotted writes a path as gojsonschema does: steps joined by dots, the
// root as "(root)".
func dotted(p fieldpath.Path) string {
	if len(p) == 0 {
		return "(root)"
	}
	parts := make([]string, len(p))
	for i, e := range p {
		if e.IsIndex {
			parts[i] = strconv.Itoa(e.Index)
		} else {
			parts[i] = e.Key
		}
	}
	return strings.Join(parts, ".")
}

// mutation is one object as the validator sees it and as the oracle
// does; they differ only where the API server reads a value as another
// (a null list item as its zero value).
type mutation struct{ ours, theirs map[string]any }

// mutations returns copies of obj with one change each: a scalar replaced
// by a value of another type, an unknown field added to an object, a field
// deleted, or a list item made null.
func mutations(obj map[string]any) []mutation {
	var out []mutation
	one := func(path []any, f func(any) any) {
		m := mutate(obj, path, f)
		out = append(out, mutation{m, m})
	}
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		if n := len(path); n > 0 {
			if i, ok := path[n-1].(int); ok {
				// A null item: the API server decodes the zero value.
				parent := slices.Clone(path[:n-1])
				zero := zeroOf(v)
				out = append(out, mutation{
					mutate(obj, parent, func(old any) any { l := slices.Clone(old.([]any)); l[i] = nil; return l }),
					mutate(obj, parent, func(old any) any { l := slices.Clone(old.([]any)); l[i] = zero; return l }),
				})
			} else if n > 1 || (path[0] != "apiVersion" && path[0] != "kind") {
				k := path[n-1].(string)
				one(path[:n-1], func(old any) any { m := maps.Clone(old.(map[string]any)); delete(m, k); return m })
			}
		}
		switch x := v.(type) {
		case map[string]any:
			one(path, func(old any) any {
				m := maps.Clone(old.(map[string]any))
				m["zzUnknown"] = "x"
				return m
			})
			for _, k := range slices.Sorted(maps.Keys(x)) {
				walk(x[k], append(slices.Clone(path), k))
			}
		case []any:
			for i, it := range x {
				walk(it, append(slices.Clone(path), i))
			}
		default:
			if len(path) == 1 && (path[0] == "apiVersion" || path[0] == "kind") {
				return
			}
			one(path, func(old any) any {
				switch old.(type) {
				case string:
					return int64(5)
				case bool:
					return "true"
				default:
					return "five"
				}
			})
		}
	}
	walk(obj, nil)
	return out
}

// zeroOf is the zero value of the Go type a value of this shape decodes
// into: what the API server makes of a null in its place.
func zeroOf(v any) any {
	switch v.(type) {
	case map[string]any:
		return map[string]any{}
	case string:
		return ""
	case bool:
		return false
	case []any:
		return nil
	}
	return int64(0)
}

func mutate(obj map[string]any, path []any, f func(any) any) map[string]any {
	var rec func(v any, i int) any
	rec = func(v any, i int) any {
		if i == len(path) {
			return f(v)
		}
		switch x := v.(type) {
		case map[string]any:
			m := maps.Clone(x)
			k := path[i].(string)
			m[k] = rec(x[k], i+1)
			return m
		case []any:
			l := slices.Clone(x)
			j := path[i].(int)
			l[j] = rec(x[j], i+1)
			return l
		}
		return v
	}
	return rec(obj, 0).(map[string]any)
}

// TestDivergencesAreReal: every field the validator does not require
// against the OpenAPI document is required by the newest embedded
// document, so the list says something and shrinks when upstream
// changes.
func TestDivergencesAreReal(t *testing.T) {
	set, err := schemas.Kubernetes("")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notRequiredFields {
		d, err := set.Decode(n.definition)
		if err != nil {
			t.Errorf("%s: %v", n.definition, err)
			continue
		}
		if !slices.Contains(listOf(d["required"]), any(n.field)) {
			t.Errorf("%s.%s is not required by the Kubernetes %s document: drop it from notRequiredFields", n.definition, n.field, set.Version())
		}
		if n.why == "" {
			t.Errorf("%s.%s: say why the API server does not require it", n.definition, n.field)
		}
	}
	v := validator(t, "1.32", true)
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": map[string]any{"name": "a"},
		"spec": map[string]any{"selector": map[string]any{}, "template": map[string]any{"spec": map[string]any{"containers": []any{
			map[string]any{"name": "a", "lifecycle": map[string]any{"preStop": map[string]any{"sleep": map[string]any{}}}}}}}}}
	if errs := v.Validate(obj); len(errs) != 1 || !strings.Contains(errs[0].Message, `"seconds"`) {
		t.Errorf("Kubernetes 1.32 refuses a sleep of zero seconds: got %v", errs)
	}
}
