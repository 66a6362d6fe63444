package document

import (
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Locate is the one place that turns a field path into a position. It
// returns the line and column of the deepest node on the path that exists
// and the part of the path that was found: a missing field is reported at
// its nearest existing parent. A map key points at the key, so editors
// underline the field name; a list item points at the item.
func (d *Document) Locate(p fieldpath.Path) (line, col int, found fieldpath.Path) {
	line, col, found = d.locate(p)
	return d.clamp(line, col, found)
}

// clamp keeps a position inside the file: yaml.v3 can place a node past
// the end of a line on odd input (a stray byte-order mark before a U+2028
// line separator), and a position is only useful if it exists.
func (d *Document) clamp(line, col int, found fieldpath.Path) (int, int, fieldpath.Path) {
	if d.File != nil {
		line, col = d.File.Clamp(line, col)
	}
	return line, col, found
}

func (d *Document) locate(p fieldpath.Path) (line, col int, found fieldpath.Path) {
	if d.Node == nil {
		return d.Line, 1, nil
	}
	line, col = d.Node.Line, d.Node.Column
	n := d.Node
	for i, e := range p {
		n = deref(n)
		var keyNode, next *yaml.Node
		if e.IsIndex {
			if n.Kind == yaml.SequenceNode && e.Index >= 0 && e.Index < len(n.Content) {
				next = n.Content[e.Index]
			}
		} else if n.Kind == yaml.MappingNode {
			keyNode, next = d.lookupKey(n, e.Key)
		}
		if next == nil {
			return line, col, p[:i:i]
		}
		if keyNode != nil {
			line, col = keyNode.Line, keyNode.Column
		} else {
			line, col = next.Line, next.Column
		}
		n = next
	}
	return line, col, p
}

// LocateValue is like Locate but points at the value rather than its key
// (where a message is about the value: a bad image reference, a port).
func (d *Document) LocateValue(p fieldpath.Path) (line, col int, found fieldpath.Path) {
	n, found := d.NodeAt(p)
	if n == nil || len(found) < len(p) {
		return d.Locate(p)
	}
	return d.clamp(n.Line, n.Column, found)
}

// Place is where a finding about p is shown: Locate, or LocateValue when
// the finding is about the value.
func (d *Document) Place(p fieldpath.Path, atValue bool) (line, col int) {
	if atValue {
		line, col, _ = d.LocateValue(p)
	} else {
		line, col, _ = d.Locate(p)
	}
	return line, col
}

// NodeAt returns the node at p (aliases followed) and the part of p found.
func (d *Document) NodeAt(p fieldpath.Path) (*yaml.Node, fieldpath.Path) {
	if d.Node == nil {
		return nil, nil
	}
	n := d.Node
	for i, e := range p {
		n = deref(n)
		var next *yaml.Node
		if e.IsIndex {
			if n.Kind == yaml.SequenceNode && e.Index >= 0 && e.Index < len(n.Content) {
				next = n.Content[e.Index]
			}
		} else if n.Kind == yaml.MappingNode {
			_, next = d.lookupKey(n, e.Key)
		}
		if next == nil {
			return n, p[:i:i]
		}
		n = next
	}
	return deref(n), p
}

// largeMapping is the size from which a mapping's keys are indexed: a
// finding is located by looking its path up, and a file can hold a
// mapping of a million keys, each with a finding.
const largeMapping = 64

// indexKeys indexes the keys of the large mappings under n that have no
// merge keys (for those, lookupKey's order is kept): key → index of the
// key node in Content, the last occurrence winning as in lookupKey.
func indexKeys(n *yaml.Node) map[*yaml.Node]map[string]int {
	var out map[*yaml.Node]map[string]int
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode && len(n.Content) >= 2*largeMapping {
			idx := make(map[string]int, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				if isMergeKey(n.Content[i]) {
					idx = nil
					break
				}
				idx[nodeKeyString(n.Content[i])] = i
			}
			if idx != nil {
				if out == nil {
					out = map[*yaml.Node]map[string]int{}
				}
				out[n] = idx
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return out
}

// lookupKey is lookupKey through the document's index when it has one.
func (d *Document) lookupKey(m *yaml.Node, key string) (k, v *yaml.Node) {
	if idx, ok := d.keys[m]; ok {
		if i, ok := idx[key]; ok {
			return m.Content[i], m.Content[i+1]
		}
		return nil, nil
	}
	return lookupKey(m, key, 0)
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// lookupKey finds key in a mapping; the last explicit occurrence wins, as
// in the typed value, and merged maps (<<) are searched after.
func lookupKey(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	if depth > 16 {
		return nil, nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if isMergeKey(kn) {
			merges = append(merges, m.Content[i+1])
			continue
		}
		if nodeKeyString(kn) == key {
			k, v = kn, m.Content[i+1]
		}
	}
	if v != nil {
		return k, v
	}
	for _, mv := range merges {
		mv = deref(mv)
		var candidates []*yaml.Node
		if mv.Kind == yaml.SequenceNode {
			candidates = mv.Content
		} else {
			candidates = []*yaml.Node{mv}
		}
		for _, c := range candidates {
			if c = deref(c); c.Kind == yaml.MappingNode {
				if k, v := lookupKey(c, key, depth+1); v != nil {
					return k, v
				}
			}
		}
	}
	return nil, nil
}

// nodeKeyString is the JSON key a scalar key node becomes.
func nodeKeyString(k *yaml.Node) string {
	k = deref(k)
	if k.Kind != yaml.ScalarNode {
		return "\x00"
	}
	if isPlain(k) {
		// Fast path: most keys are plain words that resolve to themselves.
		c := firstByte(k.Value)
		if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && !strings.ContainsRune("yYnNtTfFoO", rune(c)) {
			return k.Value
		}
	}
	v, err := scalarValue(k)
	if err != nil {
		return "\x00"
	}
	s, ok := keyString(v)
	if !ok {
		return "\x00"
	}
	return s
}

func firstByte(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// ValueAt returns the typed value at p inside v (a Document's Value or a
// part of it), or nil when the path leads nowhere.
func ValueAt(v any, p fieldpath.Path) any {
	v, _ = lookup(v, p)
	return v
}

// Has reports whether p leads to a value inside v, null included.
func Has(v any, p fieldpath.Path) bool {
	_, ok := lookup(v, p)
	return ok
}

func lookup(v any, p fieldpath.Path) (any, bool) {
	for _, e := range p {
		switch c := v.(type) {
		case map[string]any:
			if e.IsIndex {
				return nil, false
			}
			var ok bool
			if v, ok = c[e.Key]; !ok {
				return nil, false
			}
		case []any:
			if !e.IsIndex || e.Index < 0 || e.Index >= len(c) {
				return nil, false
			}
			v = c[e.Index]
		default:
			return nil, false
		}
	}
	return v, true
}
