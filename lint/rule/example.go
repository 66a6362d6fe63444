package rule

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// ExampleIn is where in a DaemonSet a rule's Bad and Good examples are
// written: the docs show an example as written, and Example expands it
// into a file to lint.
//
// An example is merged into a skeleton, a minimal valid DaemonSet (named
// node-agent, in namespace monitoring, its pod running one container,
// agent, from registry.example.com/agent:1.4.2), at its
// place: a mapping in the example is merged into the skeleton's mapping
// key by key, and anything else (a list, a scalar) replaces what the
// skeleton has there; null removes it. Documents after the first, behind
// "---", are complete objects added as written (the ServiceAccount a
// reference rule looks for). An example whose first document has a kind
// is a complete object and is not merged: the way to show a field that
// the skeleton would supply missing.
type ExampleIn int

const (
	// InObject: the example is the top of an object (metadata, spec).
	InObject ExampleIn = iota
	// InSpec: fields of the DaemonSet's spec (updateStrategy, selector).
	InSpec
	// InPodSpec: fields of the pod template's spec (hostNetwork,
	// volumes, tolerations).
	InPodSpec
	// InContainer: fields of the pod's container (image, ports,
	// securityContext).
	InContainer
	// InVolume: fields of a volume of the pod (hostPath).
	InVolume
	// InFile: a whole file, linted as written (a file that does not
	// parse, a document over a limit).
	InFile
)

// places are where each ExampleIn merges into the skeleton, as keys (an
// integer for a list index) from the top of the object.
var places = map[ExampleIn][]any{
	InObject:    nil,
	InSpec:      {"spec"},
	InPodSpec:   {"spec", "template", "spec"},
	InContainer: {"spec", "template", "spec", "containers", 0},
	InVolume:    {"spec", "template", "spec", "volumes", 0},
}

// Describe names the place for the docs ("" at the top of an object).
func (in ExampleIn) Describe() string {
	switch in {
	case InSpec:
		return "in the DaemonSet's spec"
	case InPodSpec:
		return "in the pod spec"
	case InContainer:
		return "in a container"
	case InVolume:
		return "in a volume"
	case InFile:
		return "a whole file"
	}
	return ""
}

const skeleton = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
  namespace: monitoring
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: node-agent}
  template:
    metadata:
      labels: {app.kubernetes.io/name: node-agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.4.2
      volumes:
        - name: data
`

// Example expands an example written in a place into a YAML file to lint
// (see ExampleIn).
func Example(in ExampleIn, text string) ([]byte, error) {
	if in == InFile {
		return []byte(text), nil
	}
	path, ok := places[in]
	if !ok {
		return nil, fmt.Errorf("unknown example place %d", in)
	}
	docs, err := decodeAll(text)
	if err != nil {
		return nil, err
	}
	if len(docs) == 0 || docs[0].Kind != yaml.MappingNode {
		return nil, errors.New("an example is a mapping of fields")
	}
	var out []*yaml.Node
	if in == InObject && lookup(docs[0], "kind") != nil {
		out = docs
	} else {
		skel, err := decodeAll(skeleton)
		if err != nil {
			return nil, err
		}
		root := skel[0]
		if in != InVolume {
			// The skeleton's volume only gives a volume example a place.
			remove(lookup(lookup(lookup(root, "spec"), "template"), "spec"), "volumes")
		}
		at := root
		for _, k := range path {
			if i, ok := k.(int); ok {
				at = at.Content[i]
			} else {
				at = lookup(at, k.(string))
			}
		}
		merge(at, docs[0])
		out = append([]*yaml.Node{root}, docs[1:]...)
	}
	var b bytes.Buffer
	for i, d := range out {
		if i > 0 {
			b.WriteString("---\n")
		}
		if d.Kind != yaml.MappingNode || lookup(d, "kind") == nil && i > 0 {
			return nil, fmt.Errorf("document %d of the example is not a complete object (no kind)", i)
		}
		enc := yaml.NewEncoder(&b)
		enc.SetIndent(2)
		if err := enc.Encode(d); err != nil {
			return nil, err
		}
		if err := enc.Close(); err != nil {
			return nil, err
		}
	}
	return b.Bytes(), nil
}

// decodeAll parses every document of a YAML stream into its root node.
func decodeAll(text string) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var out []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("the example is not valid YAML: %w", err)
		}
		if len(doc.Content) > 0 {
			out = append(out, doc.Content[0])
		}
	}
}

// lookup returns the value of a key of a mapping node, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func remove(m *yaml.Node, key string) {
	if m == nil {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// merge merges the mapping src into the mapping dst: mappings key by key,
// anything else replaced, null removed.
func merge(dst, src *yaml.Node) {
	for i := 0; i+1 < len(src.Content); i += 2 {
		k, v := src.Content[i], src.Content[i+1]
		cur := lookup(dst, k.Value)
		switch {
		case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
			remove(dst, k.Value)
		case cur != nil && cur.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode:
			merge(cur, v)
		case cur != nil:
			*cur = *v
		default:
			dst.Content = append(dst.Content, k, v)
		}
	}
}
