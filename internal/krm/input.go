package krm

import (
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// apiVersion is everynode's own API group and version.
const apiVersion = "everynode.dev/v1alpha1"

// stdinName names standard input in messages about the ResourceList.
const stdinName = "<stdin>"

// input is the ResourceList as everynode's document model reads it: the
// same parse the linter and the generator take positions and typed values
// from (kyaml reads it once more for the framework).
type input struct {
	doc            *document.Document
	items          []item
	functionConfig *object
}

// item is one entry of items, at Base in the ResourceList document.
type item struct {
	value map[string]any
	base  fieldpath.Path
}

// object is the functionConfig.
type object struct {
	doc   *document.Document // the functionConfig alone, positions in the stream
	value map[string]any
	// Resource is the functionConfig's identity, for findings about it.
	finding.Resource
}

func (o *object) isEverynode() bool {
	group, _, _ := strings.Cut(o.APIVersion, "/")
	return group == "everynode.dev"
}

// inputError is malformed input, with where it is in standard input.
func inputError(line, col int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("%s:%d:%d: %s", stdinName, line, col, msg)
	}
	return fmt.Errorf("%s: %s", stdinName, msg)
}

const notResourceList = "everynode fn is a KRM function: kustomize and kpt run it with a ResourceList " +
	"(apiVersion: config.kubernetes.io/v1, kind: ResourceList, items: [...]) on standard input; " +
	"to lint files, run everynode lint"

// parseInput checks that data is one ResourceList whose items are objects
// and whose functionConfig, if any, is an object.
func parseInput(data []byte) (*input, error) {
	// A ResourceList is one document holding everything: the node limit
	// that stops alias bombs must grow with it, since without aliases a
	// document cannot have more values than bytes.
	lim := document.DefaultLimits
	lim.MaxNodes = max(lim.MaxNodes, len(data))
	// The document's name is empty: findings about an item name the file
	// its annotations give, or none.
	st := document.Parse("", data, lim)
	if len(st.Problems) > 0 {
		p := st.Problems[0]
		return nil, inputError(p.Line, p.Column, "%s (the ResourceList is not valid YAML)", p.Msg)
	}
	var docs []*document.Document
	for _, d := range st.Docs {
		if d.Node != nil {
			docs = append(docs, d)
		}
	}
	switch len(docs) {
	case 0:
		return nil, inputError(0, 0, "standard input is empty; %s", notResourceList)
	case 1:
	default:
		return nil, inputError(docs[1].Line, 1, "standard input holds %d YAML documents, a ResourceList is one; %s", len(docs), notResourceList)
	}
	doc := docs[0]
	top, ok := doc.Value.(map[string]any)
	if !ok {
		return nil, inputError(doc.Line, 1, "standard input is %s, not a ResourceList; %s", typeName(doc.Value), notResourceList)
	}
	at := func(p fieldpath.Path, format string, args ...any) error {
		line, col, _ := doc.Locate(p)
		return inputError(line, col, format, args...)
	}
	// atValue points at a wrong value rather than its key.
	atValue := func(p fieldpath.Path, format string, args ...any) error {
		line, col, _ := doc.LocateValue(p)
		return inputError(line, col, format, args...)
	}
	kind, _ := top["kind"].(string)
	av, _ := top["apiVersion"].(string)
	if kind != "ResourceList" {
		return nil, atValue(fieldpath.New("kind"), "kind is %q, not ResourceList; %s", kind, notResourceList)
	}
	if av != "config.kubernetes.io/v1" && av != "config.kubernetes.io/v1alpha1" {
		return nil, atValue(fieldpath.New("apiVersion"), "ResourceList apiVersion %q: want config.kubernetes.io/v1", av)
	}
	in := &input{doc: doc}
	rawItems, hasItems := top["items"]
	if !hasItems {
		return nil, at(nil, "the ResourceList has no items field (an empty list is items: [])")
	}
	if rawItems != nil {
		list, ok := rawItems.([]any)
		if !ok {
			return nil, atValue(fieldpath.New("items"), "items is %s; it must be a list of Kubernetes objects", typeName(rawItems))
		}
		for i, v := range list {
			p := fieldpath.New("items").Index(i)
			m, ok := v.(map[string]any)
			if !ok {
				return nil, at(p, "items[%d] is %s, not a Kubernetes object", i, typeName(v))
			}
			if err := checkObject(m, p, at); err != nil {
				return nil, err
			}
			if err := checkNotAlias(doc, p, at); err != nil {
				return nil, err
			}
			in.items = append(in.items, item{value: m, base: p})
		}
	}
	if fc, ok := top["functionConfig"]; ok && fc != nil {
		p := fieldpath.New("functionConfig")
		m, ok := fc.(map[string]any)
		if !ok {
			return nil, atValue(p, "functionConfig is %s; it must be an object (kind Daemon or Config, apiVersion %s)", typeName(fc), apiVersion)
		}
		if err := checkObject(m, p, at); err != nil {
			return nil, err
		}
		if err := checkNotAlias(doc, p, at); err != nil {
			return nil, err
		}
		node, _ := doc.NodeAt(p)
		o := &object{
			doc:   &document.Document{File: doc.File, Node: node, Value: m, Line: node.Line},
			value: m,
		}
		o.Resource = finding.ResourceOf(m)
		in.functionConfig = o
	}
	return in, nil
}

// checkObject checks what kyaml needs of an object before anything else
// reads it: a string apiVersion and kind, and metadata, labels and
// annotations that are maps of scalars. Anything else wrong in an object
// is the linter's to report.
func checkObject(m map[string]any, p fieldpath.Path, at func(fieldpath.Path, string, ...any) error) error {
	for _, k := range []string{"apiVersion", "kind"} {
		v, ok := m[k]
		if !ok {
			return at(p, "%s has no %s", p, k)
		}
		if s, ok := v.(string); !ok || s == "" {
			return at(p.Child(k), "%s.%s must be a non-empty string", p, k)
		}
	}
	md, ok := m["metadata"]
	if !ok || md == nil {
		return nil
	}
	mm, ok := md.(map[string]any)
	if !ok {
		return at(p.Child("metadata"), "%s.metadata is %s; it must be an object", p, typeName(md))
	}
	for _, k := range []string{"annotations", "labels"} {
		v, ok := mm[k]
		if !ok || v == nil {
			continue
		}
		am, ok := v.(map[string]any)
		if !ok {
			return at(p.Child("metadata", k), "%s.metadata.%s is %s; it must be a map of strings", p, k, typeName(v))
		}
		for key, val := range am {
			if !isScalar(val) {
				return at(p.Child("metadata", k, key), "%s.metadata.%s[%s] is %s; values must be strings", p, k, key, typeName(val))
			}
		}
	}
	for _, k := range []string{"name", "namespace"} {
		if v, ok := mm[k]; ok {
			if !isScalar(v) {
				return at(p.Child("metadata", k), "%s.metadata.%s is %s; it must be a string", p, k, typeName(v))
			}
		}
	}
	return nil
}

// checkNotAlias rejects YAML aliases (*name) where kyaml cannot read
// them: in place of an object, or anywhere in its metadata (kyaml decodes
// metadata strictly as mapping nodes). No KRM client writes aliases; a
// person piping a file by hand might.
func checkNotAlias(doc *document.Document, p fieldpath.Path, at func(fieldpath.Path, string, ...any) error) error {
	n := rawNode(doc.Node, p)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return at(p, "%s is an alias (*%s); write the object out in full", p, n.Value)
	}
	md := rawNode(n, fieldpath.New("metadata"))
	if a := findAlias(md); a != nil {
		return at(p.Child("metadata"), "%s.metadata uses an alias (*%s); write it out in full", p, a.Value)
	}
	return nil
}

// rawNode follows p from n without resolving aliases, unlike
// Document.NodeAt.
func rawNode(n *yaml.Node, p fieldpath.Path) *yaml.Node {
	for _, e := range p {
		if n == nil {
			return nil
		}
		switch {
		case e.IsIndex && n.Kind == yaml.SequenceNode && e.Index < len(n.Content):
			n = n.Content[e.Index]
		case !e.IsIndex && n.Kind == yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == e.Key {
					next = n.Content[i+1]
				}
			}
			n = next
		default:
			return nil
		}
	}
	return n
}

func findAlias(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return n
	}
	for _, c := range n.Content {
		if a := findAlias(c); a != nil {
			return a
		}
	}
	return nil
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	}
	return true
}

// typeName names a value's type with its article, for messages.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case int64, uint64:
		return "an integer"
	case float64:
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
