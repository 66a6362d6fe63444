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
// given a value of another type, every object given an unknown field.
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
		s, err := gojsonschema.NewSchemaLoader().Compile(gojsonschema.NewGoLoader(doc))
		if err != nil {
			t.Fatal(err)
		}
		oracles[g] = s
		return s
	}

	var objs []map[string]any
	for _, f := range []string{"testdata/daemonset.yaml", "testdata/node-agent.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range document.Parse(f, data, document.Limits{}).Docs {
			obj := d.Value.(map[string]any)
			objs = append(objs, obj)
			objs = append(objs, mutations(obj)...)
		}
	}
	checked := 0
	for _, obj := range objs {
		g := schemas.ParseGVK(obj["apiVersion"].(string), obj["kind"].(string))
		ours := map[string]bool{}
		for _, e := range v.Validate(obj) {
			ours[dotted(e.Path)] = true
		}
		js, err := json.Marshal(obj)
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

// mutations returns copies of obj with one change each: a scalar replaced
// by a value of another type, or an unknown field added to an object.
func mutations(obj map[string]any) []map[string]any {
	var out []map[string]any
	var walk func(v any, path []any)
	walk = func(v any, path []any) {
		switch x := v.(type) {
		case map[string]any:
			out = append(out, mutate(obj, path, func(old any) any {
				m := maps.Clone(old.(map[string]any))
				m["zzUnknown"] = "x"
				return m
			}))
			for _, k := range slices.Sorted(maps.Keys(x)) {
				if len(path) == 0 && (k == "apiVersion" || k == "kind") {
					continue
				}
				walk(x[k], append(slices.Clone(path), k))
			}
		case []any:
			for i, it := range x {
				walk(it, append(slices.Clone(path), i))
			}
		default:
			out = append(out, mutate(obj, path, func(old any) any {
				switch old.(type) {
				case string:
					return int64(5)
				case bool:
					return "true"
				default:
					return "five"
				}
			}))
		}
	}
	walk(obj, nil)
	return out
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
