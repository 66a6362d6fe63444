package mutate

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// The object tree is a yaml.v3 node tree: it keeps the base's order and
// styles, and it can hold what no typed struct can (a key twice, a string
// where a number belongs).

func parseDoc(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a single YAML mapping")
	}
	return doc.Content[0], nil
}

// encode writes a node as YAML, two-space indented.
func encode(n *yaml.Node) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k)
	}
	// Comments stay with the base; they would only move around.
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	return &c
}

// get returns the value of key in a mapping (the first one), or nil.
func get(m *yaml.Node, key string) *yaml.Node {
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

// set replaces the value of key, or appends the key.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, str(key), v)
}

// del removes every occurrence of key.
func del(m *yaml.Node, key string) {
	out := m.Content[:0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			out = append(out, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = out
}

// safePlain is a string yaml.v3 may write unquoted and that every YAML
// 1.1 reader (kubectl's sigs.k8s.io/yaml) still reads as that string.
var safePlain = regexp.MustCompile(`^[A-Za-z/_][A-Za-z0-9_./-]*$`)

// yaml11Special are plain scalars YAML 1.1 reads as something else.
var yaml11Special = map[string]bool{}

func init() {
	for _, s := range []string{"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
		"null", "Null", "NULL", "~"} {
		yaml11Special[s] = true
	}
}

// str is a string scalar that reads back as exactly s in YAML 1.1 and 1.2.
func str(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if !safePlain.MatchString(s) || yaml11Special[s] {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// plain is a scalar written exactly as given, to be typed by the reader
// (yes, 010, 1e3, ~).
func plain(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "", Value: s, Style: 0}
}

func integer(i int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(i, 10)}
}

func boolean(b bool) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
}

func null() *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"} }

func mapping(kv ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
}

func seq(items ...*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: items}
}

// mustYAML parses a YAML snippet into a node (skeletons, scenario values).
func mustYAML(s string) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		panic(fmt.Sprintf("mutate: bad YAML snippet %q: %v", s, err))
	}
	if len(doc.Content) == 0 {
		return null()
	}
	return clone(doc.Content[0])
}
