package document

import (
	"bytes"
	"fmt"
	"math"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Limits bound the work one input can cause. The zero value means the
// defaults; a limit that is hit becomes a limit-exceeded finding.
type Limits struct {
	// MaxDepth is the deepest nesting of maps and lists in a document.
	MaxDepth int
	// MaxNodes is the most values one document may expand to, aliases
	// included: it stops "billion laughs" documents.
	MaxNodes int
	// MaxDocuments is the most documents one file may hold. Each costs
	// time and memory of its own whatever its size: 32 MiB of "---\na: 1"
	// is 3.7 million documents. A file over the limit is not parsed.
	MaxDocuments int
	// MaxFileValues bounds the values of one file before it is parsed,
	// counted as its lines plus its commas (a value takes a line, or a
	// comma in a flow collection): the parser holds a node for every
	// value of a document before any limit can look at them, some 600
	// bytes each by the time a file is linted. A 32 MiB file of real
	// manifests is 1.4 million.
	MaxFileValues int
}

// DefaultLimits are far above any real manifest: Kubernetes objects nest
// about 20 deep, a full CNI install is some 20,000 values, and a large
// generated file some thousands of documents.
var DefaultLimits = Limits{MaxDepth: 256, MaxNodes: 2_000_000, MaxDocuments: 100_000, MaxFileValues: 1_600_000}

func (l Limits) withDefaults() Limits {
	if l.MaxDocuments <= 0 {
		l.MaxDocuments = DefaultLimits.MaxDocuments
	}
	if l.MaxFileValues <= 0 {
		l.MaxFileValues = DefaultLimits.MaxFileValues
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultLimits.MaxDepth
	}
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultLimits.MaxNodes
	}
	return l
}

// ValueError is a problem met while typing a document's values. Limit is
// true when a limit (depth, size, aliasing) was hit rather than a YAML rule.
type ValueError struct {
	Line, Column int
	Msg          string
	Limit        bool
}

func (e *ValueError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

type converter struct {
	// src is the text the nodes were parsed from (positions are relative
	// to it), used to see what yaml.v3 does not record.
	src *File
	lim Limits
	// lastLine, lastCol and lastOff cache the last offset (see offset).
	lastLine, lastCol, lastOff int
	nodes                      int
	aliasNodes                 int
	aliasDepth                 int
	// root is the document's node: anchors before it belong to earlier
	// documents.
	root *yaml.Node
	// outerAlias is the alias being expanded at the top level, where a
	// limit hit inside the expansion is reported.
	outerAlias *yaml.Node
	active     map[*yaml.Node]bool
	// errs collects recoverable problems (duplicate keys); a fatal one
	// stops the conversion through fatal.
	errs  []*ValueError
	fatal *ValueError
}

// toValue types a node tree. It never panics: hostile input ends in a
// ValueError. Recoverable problems (duplicate keys) still give a value,
// with the last occurrence winning, as sigs.k8s.io/yaml's lenient mode does.
func toValue(n *yaml.Node, src *File, lim Limits) (any, []*ValueError) {
	c := &converter{src: src, lim: lim.withDefaults(), active: map[*yaml.Node]bool{}, root: n}
	v := c.value(n, 0)
	if c.fatal != nil {
		return nil, append(c.errs, c.fatal)
	}
	return v, c.errs
}

func (c *converter) fail(n *yaml.Node, limit bool, format string, args ...any) {
	if c.fatal == nil {
		c.fatal = &ValueError{Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...), Limit: limit}
	}
}

// at is where to report a problem met at n: the alias whose expansion
// reached n, when there is one (n itself may be far away, in the anchor).
func (c *converter) at(n *yaml.Node) *yaml.Node {
	if c.aliasDepth > 0 && c.outerAlias != nil {
		return c.outerAlias
	}
	return n
}

func (c *converter) value(n *yaml.Node, depth int) any {
	if c.fatal != nil {
		return nil
	}
	c.nodes++
	if c.aliasDepth > 0 {
		c.aliasNodes++
	}
	if c.nodes > c.lim.MaxNodes {
		if c.aliasNodes > c.nodes/2 {
			c.fail(c.at(n), true, "document expands to more than %d values, %d of them through aliases (the limit is %d values)", c.lim.MaxNodes, c.aliasNodes, c.lim.MaxNodes)
		} else {
			c.fail(n, true, "document has more than %d values (the limit); split it into several documents", c.lim.MaxNodes)
		}
		return nil
	}
	// The same guard yaml.v2 uses: most of a large document coming from
	// alias expansion is an attack, not a manifest.
	if c.aliasNodes > 100 && c.nodes > 1000 && float64(c.aliasNodes)/float64(c.nodes) > allowedAliasRatio(c.nodes) {
		c.fail(c.at(n), true, "aliases expand this document too much (%d of its first %d values are copies made by aliases): "+
			"a \"billion laughs\" document; kubectl refuses it too", c.aliasNodes, c.nodes)
		return nil
	}
	if depth > c.lim.MaxDepth {
		c.fail(c.at(n), true, "nesting deeper than %d levels (the limit; Kubernetes objects nest about 20 deep)", c.lim.MaxDepth)
		return nil
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return c.value(n.Content[0], depth)
	case yaml.AliasNode:
		if n.Alias == nil {
			c.fail(n, false, "unknown anchor %q referenced", n.Value)
			return nil
		}
		if c.active[n] {
			c.fail(n, false, "anchor %q value contains itself", n.Value)
			return nil
		}
		if a := n.Alias; a.Line < c.root.Line || a.Line == c.root.Line && a.Column < c.root.Column {
			// yaml.v3 keeps anchors from one document to the next; YAML
			// does not, and neither does kubectl, which parses each
			// document on its own.
			c.fail(n, false, "alias %q refers to an anchor in an earlier document (line %d); anchors do not cross \"---\", and kubectl rejects it as an unknown anchor", "*"+n.Value, a.Line)
			return nil
		}
		c.active[n] = true
		if c.aliasDepth == 0 {
			c.outerAlias = n
		}
		c.aliasDepth++
		v := c.value(n.Alias, depth)
		c.aliasDepth--
		delete(c.active, n)
		return v
	case yaml.ScalarNode:
		v, err := scalarValue(n)
		if err != nil {
			c.fail(n, false, "%s", err.Error())
			return nil
		}
		if _, isString := v.(string); !isString && isPlain(n) && c.nonSpecificTag(n) {
			// "! 10" carries the non-specific tag, which yaml.v2 reads as
			// a string; yaml.v3 drops the tag without a trace in the node.
			v = n.Value
		}
		if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			// JSON has no NaN or infinity, so kubectl cannot send them.
			c.fail(n, false, "%q is not a number JSON can carry; quote it if it is meant as a string", n.Value)
			return nil
		}
		return v
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, item := range n.Content {
			out = append(out, c.value(item, depth+1))
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		c.mapping(n, out, depth, map[string]*yaml.Node{})
		return out
	}
	c.fail(n, false, "unexpected YAML node")
	return nil
}

// mapping fills out from n. seen tracks the explicit keys of this mapping
// for duplicate detection; merged keys do not count as duplicates.
func (c *converter) mapping(n *yaml.Node, out map[string]any, depth int, seen map[string]*yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			c.merge(v, out, depth)
			continue
		}
		kv := c.value(k, depth+1)
		if c.fatal != nil {
			return
		}
		if _, isMap := kv.(map[string]any); isMap {
			c.fail(k, false, "a map cannot be used as a key")
			return
		}
		if _, isList := kv.([]any); isList {
			c.fail(k, false, "a list cannot be used as a key")
			return
		}
		ks, ok := keyString(kv)
		if !ok {
			c.fail(k, false, "key %q cannot be converted to a JSON object key; quote it", k.Value)
			return
		}
		if first, dup := seen[ks]; dup {
			c.errs = append(c.errs, &ValueError{Line: k.Line, Column: k.Column,
				Msg: fmt.Sprintf("duplicate key %q (first defined at line %d); the API server rejects duplicate fields", ks, first.Line)})
		} else {
			seen[ks] = k
		}
		out[ks] = c.value(v, depth+1)
	}
}

// offset is src.Offset, continued from the last position asked for when
// it is further on the same line: scalars come in file order, and a
// minified JSON manifest is one line of megabytes, where counting columns
// from the start of the line for each scalar took quadratic time.
func (c *converter) offset(line, col int) int {
	if line != c.lastLine || col < c.lastCol || c.lastOff < 0 {
		c.lastLine, c.lastCol, c.lastOff = line, col, c.src.Offset(line, col)
		return c.lastOff
	}
	off := c.lastOff
	for n := col - c.lastCol; n > 0; n-- {
		if off >= len(c.src.Data) || c.src.Data[off] == '\n' || c.src.Data[off] == '\r' {
			c.lastLine, c.lastCol, c.lastOff = line, col, c.src.Offset(line, col)
			return c.lastOff
		}
		_, size := utf8.DecodeRune(c.src.Data[off:])
		off += size
	}
	c.lastCol, c.lastOff = col, off
	return off
}

// nonSpecificTag reports whether a scalar is written with the "!" tag: a
// plain scalar cannot start with "!", so the source text tells. The node's
// position may be at its anchor ("&a ! 10"), which is skipped with the
// blanks, line breaks and comments that may follow it ("&a\n! 10").
func (c *converter) nonSpecificTag(n *yaml.Node) bool {
	if c.src == nil {
		return false
	}
	off := c.offset(n.Line, n.Column)
	if off < 0 {
		return false
	}
	text := c.src.Data[off:]
	if len(text) > 0 && text[0] == '&' {
		// Anchor names are letters, digits, "-" and "_" (yaml.v3's
		// is_alpha); what follows them may be a flow indicator.
		i := 1
		for i < len(text) && isAnchorChar(text[i]) {
			i++
		}
		text = text[i:]
		for len(text) > 0 {
			switch {
			case isBlankOrBreak(text[0]):
				text = text[1:]
				continue
			case text[0] == '#':
				if j := bytes.IndexAny(text, "\r\n"); j >= 0 {
					text = text[j:]
					continue
				}
				text = nil
			}
			break
		}
	}
	return len(text) > 0 && text[0] == '!'
}

func isAnchorChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '-' || b == '_'
}

func isBlankOrBreak(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func isMergeKey(k *yaml.Node) bool {
	if k.Kind != yaml.ScalarNode || k.Value != "<<" {
		return false
	}
	return isPlain(k) || explicitTag(k) == tagMerge
}

// merge follows yaml.v2: a merged map's keys are written into out in
// order (so a later explicit key wins, an earlier one is overwritten), and
// of a list of maps the earlier ones take precedence.
func (c *converter) merge(v *yaml.Node, out map[string]any, depth int) {
	target := v
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		target = v.Alias
	}
	switch target.Kind {
	case yaml.MappingNode:
		c.mergeOne(v, out, depth)
	case yaml.SequenceNode:
		if v.Kind == yaml.AliasNode {
			c.fail(v, false, "map merge requires map or sequence of maps as the value")
			return
		}
		for i := len(v.Content) - 1; i >= 0; i-- {
			item := v.Content[i]
			t := item
			if item.Kind == yaml.AliasNode && item.Alias != nil {
				t = item.Alias
			}
			if t.Kind != yaml.MappingNode {
				c.fail(item, false, "map merge requires map or sequence of maps as the value")
				return
			}
			c.mergeOne(item, out, depth)
		}
	default:
		c.fail(v, false, "map merge requires map or sequence of maps as the value")
	}
}

func (c *converter) mergeOne(v *yaml.Node, out map[string]any, depth int) {
	m, _ := c.value(v, depth).(map[string]any)
	for k, val := range m {
		out[k] = val
	}
}

func allowedAliasRatio(n int) float64 {
	const low, high = 400_000, 4_000_000
	switch {
	case n <= low:
		return 0.99
	case n >= high:
		return 0.10
	default:
		return 0.99 - 0.89*(float64(n-low)/float64(high-low))
	}
}
