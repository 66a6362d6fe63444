// Package schemagen builds the Daemon spec's JSON Schema
// (schemas/daemon.schema.json) from the spec's Go types
// (generator/spec): their fields, rules and descriptions, the Forms of
// every shorthand, and the k8s.io/api types the long forms decode into.
// The schema therefore describes exactly what the decoder reads. A test
// compares the result with the committed file; UPDATE_GOLDEN=1 rewrites
// it.
package schemagen

import (
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/schemas"
)

// M is a JSON Schema object.
type M = map[string]any

var (
	quantityType = reflect.TypeFor[resource.Quantity]()
	intstrType   = reflect.TypeFor[intstr.IntOrString]()
	timeType     = reflect.TypeFor[metav1.Time]()
	durationType = reflect.TypeFor[metav1.Duration]()
)

// defs collects the definitions of Kubernetes types, named as in the
// Kubernetes OpenAPI document (io.k8s.api.core.v1.Container).
type defs struct {
	m M
}

// defName names a Go type the way the OpenAPI document does.
func defName(t reflect.Type) string {
	p := t.PkgPath()
	if rest, ok := strings.CutPrefix(p, "k8s.io/"); ok {
		p = "io.k8s." + strings.ReplaceAll(rest, "/", ".")
	}
	return p + "." + t.Name()
}

// ref returns a $ref to the definition of t, adding it (and everything it
// uses) on first use.
func (d *defs) ref(t reflect.Type) M {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := d.leaf(t); ok {
		return s
	}
	if t.Kind() != reflect.Struct {
		return d.schema(t)
	}
	name := defName(t)
	if _, ok := d.m[name]; !ok {
		d.m[name] = M{} // placeholder for recursive types
		d.m[name] = d.structSchema(t)
	}
	return M{"$ref": "#/definitions/" + name}
}

// leaf handles the types whose JSON form is not their Go shape.
func (d *defs) leaf(t reflect.Type) (M, bool) {
	switch t {
	case quantityType:
		return M{"type": []any{"string", "number"}, "description": "a quantity: 100m, 64Mi, 1"}, true
	case intstrType:
		return M{"type": []any{"string", "integer"}}, true
	case timeType, durationType:
		return M{"type": "string"}, true
	}
	return nil, false
}

func (d *defs) schema(t reflect.Type) M {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if s, ok := d.leaf(t); ok {
		return s
	}
	switch t.Kind() {
	case reflect.Struct:
		return d.ref(t)
	case reflect.String:
		return M{"type": "string"}
	case reflect.Bool:
		return M{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return M{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return M{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return M{"type": "string", "description": "base64"}
		}
		return M{"type": "array", "items": d.schema(t.Elem())}
	case reflect.Map:
		return M{"type": "object", "additionalProperties": d.schema(t.Elem())}
	case reflect.Interface:
		return M{}
	}
	panic(fmt.Sprintf("schemagen: no schema for %s", t))
}

func (d *defs) structSchema(t reflect.Type) M {
	props := M{}
	d.addFields(t, props)
	out := M{"type": "object", "properties": props, "additionalProperties": false}
	if req := requiredFields(defName(t), props); len(req) > 0 {
		out["required"] = req
	}
	return out
}

// requiredFields are the fields the official schema of the newest
// embedded Kubernetes release requires of a type (a probe's tcpSocket its
// port, an env var its name), so that the spec's long forms, which are
// those types, require them too: a spec is refused at the field it lacks,
// and editors say so, rather than its rendered DaemonSet failing.
func requiredFields(definition string, props M) []any {
	set, err := schemas.Kubernetes(schemas.Newest())
	if err != nil {
		return nil
	}
	def, err := set.Decode(definition)
	if err != nil {
		return nil
	}
	var out []any
	for _, r := range listOf(def["required"]) {
		if _, ok := props[r]; ok {
			out = append(out, r)
		}
	}
	return out
}

func listOf(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func (d *defs) addFields(t reflect.Type, props M) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && (name == "" || strings.Contains(opts, "inline")) {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			d.addFields(ft, props)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = d.schema(f.Type)
	}
}
