package spec

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Problem is what is wrong in a spec that its schema cannot say: a
// shorthand that does not parse, two fields that exclude each other.
type Problem struct {
	Path    fieldpath.Path
	Message string
	// AtKey points at the field's key rather than its value.
	AtKey bool
}

// Nodes are the YAML nodes a spec was read from: they keep what its typed
// value loses, how a scalar was written ("1.0", a YAML 1.1 "yes") and the
// order of a map's keys. NodeAt returns the node at p, aliases followed,
// and the part of p found. The generator's documents are Nodes.
type Nodes interface {
	NodeAt(p fieldpath.Path) (*yaml.Node, fieldpath.Path)
}

// Decode reads a Daemon spec into its Go type, every shorthand into its
// long form. value is the spec typed as kubectl types YAML
// (map[string]any, []any, string, int64, float64, bool, nil) and nodes
// where it was read from (nil: scalars are written as their values print,
// and keys come in sorted order). The value has been checked against the
// schema generated from these types, and Decode trusts it for the shape:
// a value of a type a field does not take is skipped silently, because
// the schema has reported it. What the schema cannot check is a Problem at
// the value's path; the value is then left out. Decode never fails as a
// whole: it reads what it can, so that every problem is reported at once.
func Decode(value any, nodes Nodes) (*Daemon, []Problem) {
	d := &decoder{nodes: nodes}
	out := &Daemon{}
	d.value(nil, value, reflect.ValueOf(out).Elem())
	return out, d.probs
}

// decoder reads one document.
type decoder struct {
	nodes Nodes
	probs []Problem
}

// nodeAt returns the node at exactly p, nil when there is none.
func (d *decoder) nodeAt(p fieldpath.Path) *yaml.Node {
	if d.nodes == nil {
		return nil
	}
	if n, found := d.nodes.NodeAt(p); n != nil && len(found) == len(p) {
		return n
	}
	return nil
}

func (d *decoder) errorf(p fieldpath.Path, format string, args ...any) {
	d.probs = append(d.probs, Problem{Path: p, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) errorAtKey(p fieldpath.Path, format string, args ...any) {
	d.probs = append(d.probs, Problem{Path: p, Message: fmt.Sprintf(format, args...), AtKey: true})
}

// decodable is a Shorthand the decoder reads by its own method. decode is
// called only with a value of one of its forms' JSON types, and reports
// whether it produced a value.
type decodable interface {
	Shorthand
	decode(d *decoder, p fieldpath.Path, v any) bool
}

var (
	decodableType = reflect.TypeFor[decodable]()
	atType        = reflect.TypeFor[At]()
)

// value decodes v, found at p, into out, and reports whether it set it.
func (d *decoder) value(p fieldpath.Path, v any, out reflect.Value) bool {
	if v == nil {
		return false
	}
	if out.CanAddr() && out.Addr().Type().Implements(decodableType) {
		x := out.Addr().Interface().(decodable)
		if !slices.ContainsFunc(x.Forms().List, func(f Form) bool { return accepts(f.Type, v) }) {
			return false
		}
		return x.decode(d, p, v)
	}
	t := out.Type()
	switch t.Kind() {
	case reflect.Pointer:
		n := reflect.New(t.Elem())
		if !d.value(p, v, n.Elem()) {
			return false
		}
		out.Set(n)
		return true
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		if IsKubernetes(t) {
			return d.k8s(p, m, out.Addr().Interface())
		}
		d.fields(p, m, out)
		return true
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return false
		}
		s := reflect.MakeSlice(t, 0, len(l))
		for i, item := range l {
			e := reflect.New(t.Elem()).Elem()
			if d.value(p.Index(i), item, e) {
				s = reflect.Append(s, e)
			}
		}
		if s.Len() > 0 {
			out.Set(s)
		}
		return true
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		mm := reflect.MakeMapWithSize(t, len(m))
		for k, x := range m {
			e := reflect.New(t.Elem()).Elem()
			if d.value(p.Child(k), x, e) {
				mm.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), e)
			}
		}
		if mm.Len() > 0 {
			out.Set(mm)
		}
		return true
	case reflect.String:
		s, ok := v.(string)
		if ok {
			out.SetString(s)
		}
		return ok
	case reflect.Bool:
		b, ok := v.(bool)
		if ok {
			out.SetBool(b)
		}
		return ok
	case reflect.Int32, reflect.Int64:
		n, ok := asInt(v)
		if ok && !out.OverflowInt(n) {
			out.SetInt(n)
			return true
		}
		return false
	}
	panic(fmt.Sprintf("spec: no decoder for %s", t))
}

// fields decodes a map into a struct of this package, field by field.
func (d *decoder) fields(p fieldpath.Path, m map[string]any, out reflect.Value) {
	fs := Fields(out.Type())
	var rest map[string]any
	for _, f := range fs {
		if f.Inline {
			rest = map[string]any{}
			for k, x := range m {
				if !slices.ContainsFunc(fs, func(g Field) bool { return g.Name == k }) {
					rest[k] = x
				}
			}
		}
	}
	for _, f := range fs {
		fv := out.FieldByIndex(f.Index)
		switch {
		case f.Type == atType:
			fv.Set(reflect.ValueOf(At{Path: p}))
		case f.Inline && f.Type.Kind() == reflect.Struct:
			d.k8s(p, rest, fv.Addr().Interface())
		case f.Inline:
			d.value(p, rest, fv)
		default:
			if x, ok := m[f.Name]; ok {
				d.value(p.Child(f.Name), x, fv)
			}
		}
	}
}

// k8s decodes a long form into its k8s.io/api type, as the API server's
// JSON decoding would.
func (d *decoder) k8s(p fieldpath.Path, m map[string]any, out any) bool {
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, out); err != nil {
		d.errorf(p, "%v", err)
		return false
	}
	return true
}

// into decodes v into a value of the Go type out points to.
func (d *decoder) into(p fieldpath.Path, v any, out any) bool {
	return d.value(p, v, reflect.ValueOf(out).Elem())
}

// scalarText is what the user wrote for a scalar: "1.0" stays "1.0", a
// YAML 1.1 "yes" stays "yes" (env values and quantities are strings).
func (d *decoder) scalarText(p fieldpath.Path, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if n := d.nodeAt(p); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return fmt.Sprint(v)
}

// keysInOrder returns a map's keys in document order (environment
// variables may refer to earlier ones, so their order matters).
func (d *decoder) keysInOrder(p fieldpath.Path, m map[string]any) []string {
	var keys []string
	if n := d.nodeAt(p); n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, ok := m[k]; ok && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) != len(m) {
		// Merge keys or aliases: the rest in sorted order.
		rest := make([]string, 0, len(m))
		for k := range m {
			if !slices.Contains(keys, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		keys = append(keys, rest...)
	}
	return keys
}

// accepts reports whether a document value is of the JSON type typ, as
// the schema's validator sees it: an integral number is an integer.
func accepts(typ string, v any) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "integer":
		_, ok := asInt(v)
		return ok
	case "number":
		switch v.(type) {
		case int64, uint64, float64:
			return true
		}
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return false
}

// asInt reads an integer: the document types them as int64, or uint64
// past its range; 8080.0 is an integer to JSON Schema too.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case uint64:
		return int64(n), n <= math.MaxInt64
	case float64:
		if n == math.Trunc(n) && n >= math.MinInt64 && n < math.MaxInt64 {
			return int64(n), true
		}
	}
	return 0, false
}

// IsKubernetes reports whether t is a Kubernetes API type, decoded and
// described as the API server does.
func IsKubernetes(t reflect.Type) bool {
	return strings.HasPrefix(t.PkgPath(), "k8s.io/")
}

// Field is a field of a spec struct as a spec writes it.
type Field struct {
	// Name is the field's key; "" for an inline field.
	Name  string
	Index []int
	Type  reflect.Type
	// Inline takes the keys no other field names: an embedded
	// Kubernetes struct, or a map of the keys' values.
	Inline bool
	// Doc is the schema's description of the field.
	Doc string
	// Rules are the jsonschema tag's: required, minLength=1, enum=A|B.
	Rules map[string]string
}

// Fields lists the fields of a struct of this package. A field tagged
// json:"-" is not written in a spec; At is listed, to be set.
func Fields(t reflect.Type) []Field {
	var out []Field
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		f := Field{Index: sf.Index, Type: sf.Type, Doc: sf.Tag.Get("doc"), Rules: map[string]string{}}
		if sf.Type == atType {
			out = append(out, f)
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f.Name = name
		f.Inline = opts == "inline"
		if f.Name == "" && !f.Inline {
			panic(fmt.Sprintf("spec: field %s.%s has no json name", t.Name(), sf.Name))
		}
		if rules := sf.Tag.Get("jsonschema"); rules != "" {
			for _, r := range strings.Split(rules, ",") {
				k, v, _ := strings.Cut(r, "=")
				f.Rules[k] = v
			}
		}
		out = append(out, f)
	}
	return out
}
