package mutate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Spec mutations: everynode's own Daemon spec, walked by its JSON Schema
// (schemas/daemon.schema.json) rather than by Go types, since the spec's
// shorthands have none. Every property the schema describes, to a depth,
// gets the values of its JSON types; objects also get {} (the long form
// with nothing in it: startupProbe: {tcpSocket: {}}). The generator must
// refuse the spec, or render a DaemonSet Kubernetes accepts.

// specField is a place in a spec the schema describes.
type specField struct {
	path  []string // property names; "[]" for an array's item
	types []string // JSON types allowed
	enum  []string
}

func (f specField) String() string {
	return strings.ReplaceAll(strings.Join(f.path, "."), ".[]", "[]")
}

// specMaxDepth bounds the walk below spec: deep enough for
// spec.startupProbe.httpGet.httpHeaders[].name and
// spec.mounts[].configMap.items[].path.
const specMaxDepth = 6

// specFields walks the schema from the object's root.
func specFields(schema []byte) ([]specField, error) {
	var root map[string]any
	if err := json.Unmarshal(schema, &root); err != nil {
		return nil, err
	}
	defs, _ := root["definitions"].(map[string]any)
	resolve := func(s map[string]any) map[string]any {
		for range 10 {
			ref, ok := s["$ref"].(string)
			if !ok {
				return s
			}
			name := strings.TrimPrefix(ref, "#/definitions/")
			d, ok := defs[name].(map[string]any)
			if !ok {
				return s
			}
			s = d
		}
		return s
	}
	var out []specField
	seen := map[string]bool{}
	var walk func(s map[string]any, path []string)
	walk = func(s map[string]any, path []string) {
		s = resolve(s)
		// The branches of if/then/else describe the same place.
		var branches []map[string]any
		for _, k := range []string{"then", "else"} {
			if b, ok := s[k].(map[string]any); ok {
				branches = append(branches, b)
			}
		}
		if len(path) > 1 {
			key := strings.Join(path, ".")
			if !seen[key] {
				seen[key] = true
				f := specField{path: slices.Clone(path)}
				switch t := s["type"].(type) {
				case string:
					f.types = []string{t}
				case []any:
					for _, x := range t {
						if xs, ok := x.(string); ok {
							f.types = append(f.types, xs)
						}
					}
				}
				for _, e := range asList(s["enum"]) {
					if es, ok := e.(string); ok {
						f.enum = append(f.enum, es)
					}
				}
				if len(f.types) > 0 || len(f.enum) > 0 {
					out = append(out, f)
				}
			}
		}
		if len(path) > specMaxDepth {
			return
		}
		if props, ok := s["properties"].(map[string]any); ok {
			keys := make([]string, 0, len(props))
			for k := range props {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if ps, ok := props[k].(map[string]any); ok {
					walk(ps, append(slices.Clone(path), k))
				}
			}
		}
		if items, ok := s["items"].(map[string]any); ok {
			walk(items, append(slices.Clone(path), "[]"))
		}
		for _, b := range branches {
			walk(b, path)
		}
	}
	specSchema, _ := root["properties"].(map[string]any)["spec"].(map[string]any)
	if specSchema == nil {
		return nil, fmt.Errorf("the Daemon schema has no spec property")
	}
	walk(specSchema, []string{"spec"})
	return out, nil
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// specValues are the values tried at a place of the given JSON types.
func specValues(f specField) []struct {
	name string
	node func() *yaml.Node
} {
	type val = struct {
		name string
		node func() *yaml.Node
	}
	var out []val
	for _, e := range f.enum {
		out = append(out, val{"enum=" + e, func() *yaml.Node { return str(e) }})
	}
	for _, t := range f.types {
		switch t {
		case "object":
			out = append(out,
				val{"object:empty", func() *yaml.Node { return mapping() }},
				val{"object:unknown-field", func() *yaml.Node { return mapping(str("bogusField"), str("x")) }})
		case "array":
			out = append(out,
				val{"array:empty", func() *yaml.Node { return seq() }},
				val{"array:empty-object", func() *yaml.Node { return seq(mapping()) }},
				val{"array:empty-string", func() *yaml.Node { return seq(str("")) }})
		case "string":
			for _, s := range []struct{ n, v string }{
				{"empty", ""}, {"blank", " "}, {"upper", "UPPER"}, {"punct", "bad value!"}, {"dotted", "a.b"},
				{"colon", "a:b"}, {"colons", "a:b:c:d"}, {"slash", "a/b"}, {"absolute", "/a"}, {"parent", "../a"},
				{"digits", "123"}, {"negative", "-1"}, {"percent", "150%"}, {"len64", strings.Repeat("a", 64)},
				{"len254", strings.Repeat("a", 254)},
			} {
				out = append(out, val{"string:" + s.n, func() *yaml.Node { return str(s.v) }})
			}
		case "integer", "number":
			for _, i := range []int64{-1, 0, 1, 65535, 65536, 1 << 31} {
				out = append(out, val{fmt.Sprintf("int:%d", i), func() *yaml.Node { return integer(i) }})
			}
		case "boolean":
			out = append(out,
				val{"bool:true", func() *yaml.Node { return boolean(true) }},
				val{"bool:false", func() *yaml.Node { return boolean(false) }})
		}
	}
	out = append(out, val{"null", null})
	return out
}

// specEnsure makes the parents of a spec path exist ({} for objects, a
// one-item list for arrays whose item is needed) and returns the site.
func specEnsure(root *yaml.Node, path []string) (site, string, bool) {
	cur := root
	var b strings.Builder
	for i, k := range path {
		last := i == len(path)-1
		if k == "[]" {
			if cur.Kind != yaml.SequenceNode {
				return site{}, "", false
			}
			if len(cur.Content) == 0 {
				cur.Content = append(cur.Content, mapping())
			}
			b.WriteString("[0]")
			if last {
				return site{parent: cur, elem: true}, b.String(), true
			}
			cur = cur.Content[0]
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return site{}, "", false
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(k)
		if last {
			return site{parent: cur, key: k}, b.String(), true
		}
		next := get(cur, k)
		if next == nil || next.Tag == "!!null" {
			if path[i+1] == "[]" {
				next = seq()
			} else {
				next = mapping()
			}
			set(cur, k, next)
		}
		cur = next
	}
	return site{}, "", false
}

// SpecCase is one generated Daemon spec.
type SpecCase struct {
	ID   string // BASE:PATH:VALUE
	Base string
	Data []byte
}

// GenerateSpecs applies every value of every place of the Daemon schema
// to one of the spec bases (picked by the seed). Bases are Daemon spec
// documents.
func GenerateSpecs(bases []Base, schema []byte, o Options) ([]SpecCase, int, error) {
	fields, err := specFields(schema)
	if err != nil {
		return nil, 0, err
	}
	roots := make([]*yaml.Node, len(bases))
	for i, b := range bases {
		if roots[i], err = parseDoc(b.Data); err != nil {
			return nil, 0, fmt.Errorf("spec base %s: %w", b.Name, err)
		}
	}
	var out []SpecCase
	seen := map[string]bool{}
	for _, f := range fields {
		for _, v := range specValues(f) {
			bi := int(hash(o.Seed, f.String()+"|"+v.name) % uint64(len(roots)))
			tree := clone(roots[bi])
			s, path, ok := specEnsure(tree, f.path)
			if !ok {
				continue
			}
			s.put(v.node())
			id := bases[bi].Name + ":" + path + ":" + v.name
			if seen[id] {
				continue
			}
			seen[id] = true
			data, err := encode(tree)
			if err != nil {
				continue
			}
			out = append(out, SpecCase{ID: id, Base: bases[bi].Name, Data: data})
		}
	}
	return out, len(fields), nil
}
