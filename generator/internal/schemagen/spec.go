package schemagen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/everynode/everynode/generator/spec"
)

// branch is one alternative of a shorthand: the JSON type it applies to and
// the schema for values of that type (nil when the type says it all).
type branch struct {
	typ    string
	schema M
}

func alt(typ string, schema M) branch { return branch{typ, schema} }

// union accepts a value of any of the branches' types and validates it
// against the branch of its type. It is written as if/then/else rather
// than oneOf or anyOf so that a validator reports the errors of the one
// branch that applies, not of whichever alternative failed least.
func union(desc string, bs ...branch) M {
	types := make([]any, len(bs))
	for i, b := range bs {
		types[i] = b.typ
	}
	s := M{"type": types}
	if desc != "" {
		s["description"] = desc
	}
	for k, v := range chain(bs) {
		s[k] = v
	}
	return s
}

// chain routes a value to the branch of its type. A $ref never sits next
// to other keywords (draft-07 ignores them there), so the last branch
// always hangs under an else.
func chain(bs []branch) M {
	if len(bs) == 1 {
		if bs[0].schema == nil {
			return M{}
		}
		return bs[0].schema
	}
	s := M{"if": M{"type": bs[0].typ}}
	if bs[0].schema != nil {
		s["then"] = bs[0].schema
	}
	if rest := chain(bs[1:]); len(rest) > 0 {
		s["else"] = rest
	}
	if len(s) == 1 {
		return M{} // no branch checks anything beyond its type
	}
	return s
}

// Build returns the schema as indented JSON with a trailing newline.
func Build() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Schema()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Schema returns the Daemon spec schema, derived from spec.Daemon.
func Schema() M {
	g := &gen{defs: &defs{m: M{}}}
	root := g.object(reflect.TypeFor[spec.Daemon]())
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["title"] = "everynode Daemon spec (everynode.dev/v1alpha1)"
	root["description"] = "A compact spec from which everynode generates a DaemonSet and the objects it needs."
	root["definitions"] = g.defs.m
	return root
}

// gen derives schemas from the spec's Go types.
type gen struct {
	defs *defs
}

var shorthandType = reflect.TypeFor[spec.Shorthand]()

// typ is the schema of a value of type t.
func (g *gen) typ(t reflect.Type) M {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(shorthandType) {
		return g.shorthand(reflect.Zero(t).Interface().(spec.Shorthand).Forms())
	}
	if spec.IsKubernetes(t) {
		return g.defs.ref(t)
	}
	switch t.Kind() {
	case reflect.Struct:
		return g.object(t)
	case reflect.String:
		return M{"type": "string"}
	case reflect.Bool:
		return M{"type": "boolean"}
	case reflect.Int32:
		// The Go type's range: a larger number would be cut short.
		return M{"type": "integer", "maximum": math.MaxInt32}
	case reflect.Int64:
		return M{"type": "integer"}
	case reflect.Slice:
		return M{"type": "array", "items": g.typ(t.Elem())}
	case reflect.Map:
		return M{"type": "object", "additionalProperties": g.typ(t.Elem())}
	}
	panic(fmt.Sprintf("schemagen: no schema for %s", t))
}

// object is the schema of a struct of the spec package: its fields, no
// others unless an inline map takes them.
func (g *gen) object(t reflect.Type) M {
	props := M{}
	s := M{"type": "object", "properties": props, "additionalProperties": false}
	var required []any
	for _, f := range spec.Fields(t) {
		switch {
		case f.Name == "" && !f.Inline: // At
		case f.Inline && f.Type.Kind() == reflect.Struct:
			g.defs.addFields(f.Type, props)
		case f.Inline:
			s["additionalProperties"] = g.typ(f.Type.Elem())
		default:
			props[f.Name] = g.field(f)
			if _, ok := f.Rules["required"]; ok {
				required = append(required, f.Name)
			}
		}
	}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// field is the schema of a field: its type's, with the field's rules and
// description.
func (g *gen) field(f spec.Field) M {
	s := g.typ(f.Type)
	extra := M{}
	for k, v := range f.Rules {
		switch k {
		case "required":
		case "enum":
			var vs []any
			for _, e := range strings.Split(v, "|") {
				vs = append(vs, e)
			}
			extra["enum"] = vs
		case "pattern":
			extra["pattern"] = v
		case "minLength", "maxLength", "minimum", "maximum", "minProperties":
			n, err := strconv.Atoi(v)
			if err != nil {
				panic(fmt.Sprintf("schemagen: field %s: %s=%q is not a number", f.Name, k, v))
			}
			extra[k] = n
		default:
			panic(fmt.Sprintf("schemagen: field %s: unknown rule %q", f.Name, k))
		}
	}
	if f.Doc != "" {
		extra["description"] = f.Doc
	}
	if len(extra) == 0 {
		return s
	}
	if _, ref := s["$ref"]; ref {
		// draft-07 ignores keywords next to a $ref.
		panic(fmt.Sprintf("schemagen: field %s: rules or a description on a reference", f.Name))
	}
	for k, v := range extra {
		s[k] = v
	}
	return s
}

// shorthand is the schema of a value with several forms: a union that
// validates a value against the form of its JSON type.
func (g *gen) shorthand(fs spec.Forms) M {
	if fs.Definition != "" {
		if _, ok := g.defs.m[fs.Definition]; !ok {
			g.defs.m[fs.Definition] = M{} // placeholder for recursive types
			fs2 := fs
			fs2.Definition = ""
			g.defs.m[fs.Definition] = g.shorthand(fs2)
		}
		return M{"$ref": "#/definitions/" + fs.Definition}
	}
	bs := make([]branch, len(fs.List))
	for i, f := range fs.List {
		var s M
		if f.Syntax != nil {
			s = g.typ(reflect.TypeOf(f.Syntax))
			if _, ref := s["$ref"]; ref && len(f.Schema) > 0 {
				panic(fmt.Sprintf("schemagen: keywords next to the reference to %T", f.Syntax))
			}
		}
		for k, v := range f.Schema {
			if s == nil {
				s = M{}
			}
			s[k] = v
		}
		bs[i] = alt(f.Type, s)
	}
	u := union(fs.Doc, bs...)
	if len(bs) == 1 {
		u["type"] = bs[0].typ
		for k, v := range bs[0].schema {
			u[k] = v
		}
	}
	return u
}
