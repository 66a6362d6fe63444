package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/everynode/everynode/schemas"
)

// typeSet is a set of JSON types; zero means any type.
type typeSet uint8

const (
	tNull typeSet = 1 << iota
	tBoolean
	tInteger
	tNumber // number includes integer
	tString
	tArray
	tObject
)

var typeNames = []struct {
	t    typeSet
	name string
}{
	{tInteger, "integer"}, {tNumber, "number"}, {tString, "string"}, {tBoolean, "boolean"},
	{tObject, "object"}, {tArray, "array"}, {tNull, "null"},
}

func parseType(name string) (typeSet, bool) {
	for _, tn := range typeNames {
		if tn.name == name {
			return tn.t, true
		}
	}
	return 0, false
}

func (t typeSet) allows(v typeSet) bool {
	return t == 0 || t&v != 0 || (v == tInteger && t&tNumber != 0)
}

func (t typeSet) String() string {
	var names []string
	for _, tn := range typeNames {
		if t&tn.t != 0 {
			names = append(names, tn.name)
		}
	}
	switch len(names) {
	case 0:
		return "any value"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// node is a compiled schema: the JSON Schema draft 4 keywords that
// Kubernetes schemas (built-in and CRD structural schemas) use, checked by
// code rather than interpreted from maps on every value.
type node struct {
	types typeSet
	ref   *defEntry // $ref: everything else is ignored, as in draft 4

	props        map[string]*node
	propNames    []string // sorted, for suggestions
	required     []string
	additional   *node // additionalProperties as a schema
	closed       bool  // additionalProperties: false (given, or strict mode)
	patternProps []patternProp
	minProps     int
	maxProps     int // -1: no limit

	items *node
	// nullItemsZero: a null item is checked as the zero value of the
	// item type, as the API server decodes it (built-in kinds only).
	nullItemsZero bool
	minItems      int
	maxItems      int // -1: no limit
	unique        bool

	minLength int
	maxLength int // -1: no limit
	pattern   *regexp.Regexp
	dateTime  bool
	// intBits is 32 or 64 for format int32 or int64: the Go field the API
	// server decodes into, which refuses a number that does not fit.
	intBits int

	minimum, maximum         *float64
	exclusiveMin, exclusiveM bool
	multipleOf               float64

	enum []any

	allOf, anyOf, oneOf []*node
	not                 *node
}

type patternProp struct {
	re   *regexp.Regexp
	node *node
}

// defEntry is one definition of a release, compiled the first time a
// document reaches it and shared by every kind and goroutine after that.
type defEntry struct {
	name string
	defs *defCache
	once sync.Once
	node *node
	err  error
}

func (e *defEntry) get() (*node, error) {
	e.once.Do(func() {
		raw, err := e.defs.set.Decode(e.name)
		if err != nil {
			e.err = err
			return
		}
		e.node, e.err = compiler{defs: e.defs, strict: e.defs.strict, builtin: true}.compile(raw, true)
		if e.err == nil {
			e.node.required = withoutRelaxed(e.node.required, relaxedRequired(e.defs.set.Version(), e.name))
		}
	})
	return e.node, e.err
}

// defCache compiles the definitions of one release for one strictness.
type defCache struct {
	set    *schemas.Set
	strict bool
	mu     sync.Mutex
	byName map[string]*defEntry
}

func newDefCache(set *schemas.Set, strict bool) *defCache {
	return &defCache{set: set, strict: strict, byName: map[string]*defEntry{}}
}

// entry returns the (not yet compiled) entry of a definition. It does not
// compile anything: a $ref is followed only when a value reaches it, so a
// DaemonSet without volumes never pays for the thirty volume sources.
func (c *defCache) entry(name string) *defEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byName[name]
	if e == nil {
		e = &defEntry{name: name, defs: c}
		c.byName[name] = e
	}
	return e
}

// compiler turns schema value trees into nodes. strict closes objects that
// list their properties (kubectl --validate=strict); $refs resolve in defs.
type compiler struct {
	defs   *defCache
	strict bool
	// builtin: the schema is a built-in kind's, decoded by the API server
	// into Go types (see divergence.go).
	builtin bool
}

// compile builds a node from a schema given as a value tree: decoded JSON
// (numbers as json.Number) for built-in kinds, or a CRD's typed YAML
// values (int64, float64). spine is false inside allOf, anyOf, oneOf and
// not: strictness closes objects that declare structure, never a branch
// that names a few properties to constrain a value.
func (c compiler) compile(s map[string]any, spine bool) (*node, error) {
	n := &node{maxProps: -1, maxItems: -1, maxLength: -1}
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, schemas.DefinitionRef)
		if !ok || c.defs == nil {
			return nil, fmt.Errorf("unsupported $ref %q: only %s<name> is supported", ref, schemas.DefinitionRef)
		}
		if _, ok := c.defs.set.Raw(name); !ok {
			return nil, fmt.Errorf("$ref to unknown definition %q", name)
		}
		n.ref = c.defs.entry(name)
		return n, nil
	}
	var err error
	switch t := s["type"].(type) {
	case string:
		if n.types, err = typeOf(t); err != nil {
			return nil, err
		}
	case []any:
		for _, x := range t {
			name, _ := x.(string)
			ts, err := typeOf(name)
			if err != nil {
				return nil, err
			}
			n.types |= ts
		}
	case nil:
	default:
		return nil, fmt.Errorf("type must be a string or a list, not %T", t)
	}

	if props, ok := s["properties"].(map[string]any); ok {
		n.props = make(map[string]*node, len(props))
		for name, p := range props {
			ps, ok := p.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("properties.%s: a schema must be an object", name)
			}
			if n.props[name], err = c.compile(ps, spine); err != nil {
				return nil, fmt.Errorf("properties.%s: %w", name, err)
			}
			n.propNames = append(n.propNames, name)
		}
		sort.Strings(n.propNames)
	}
	if pp, ok := s["patternProperties"].(map[string]any); ok {
		keys := make([]string, 0, len(pp))
		for k := range pp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			re, err := regexp.Compile(k)
			if err != nil {
				return nil, fmt.Errorf("patternProperties %q: %w", k, err)
			}
			ps, _ := pp[k].(map[string]any)
			sub, err := c.compile(ps, spine)
			if err != nil {
				return nil, fmt.Errorf("patternProperties %q: %w", k, err)
			}
			n.patternProps = append(n.patternProps, patternProp{re, sub})
		}
	}
	switch ap := s["additionalProperties"].(type) {
	case bool:
		n.closed = !ap
	case map[string]any:
		if n.additional, err = c.compile(ap, spine); err != nil {
			return nil, fmt.Errorf("additionalProperties: %w", err)
		}
	case nil:
		// Strict mode: an object that lists its fields allows no others,
		// unless it says it keeps unknown fields.
		n.closed = spine && c.strict && n.props != nil && s["x-kubernetes-preserve-unknown-fields"] != true
	}
	for _, r := range listOf(s["required"]) {
		if rs, ok := r.(string); ok {
			n.required = append(n.required, rs)
		}
	}

	switch it := s["items"].(type) {
	case map[string]any:
		if n.items, err = c.compile(it, spine); err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		n.nullItemsZero = c.builtin
	case []any:
		// Tuple validation is not part of Kubernetes' structural schemas;
		// leave the items unchecked rather than guess.
	}

	if p, ok := s["pattern"].(string); ok {
		if n.pattern, err = regexp.Compile(p); err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
	}
	n.dateTime = s["format"] == "date-time"
	switch s["format"] {
	case "int32":
		n.intBits = 32
	case "int64":
		n.intBits = 64
	}

	ints := []struct {
		key string
		dst *int
	}{
		{"minProperties", &n.minProps}, {"maxProperties", &n.maxProps},
		{"minItems", &n.minItems}, {"maxItems", &n.maxItems},
		{"minLength", &n.minLength}, {"maxLength", &n.maxLength},
	}
	for _, f := range ints {
		if v, ok := s[f.key]; ok {
			x, ok := number(v)
			if !ok || x < 0 || x != math.Trunc(x) || x > math.MaxInt32 {
				return nil, fmt.Errorf("%s must be a non-negative integer", f.key)
			}
			*f.dst = int(x)
		}
	}
	n.unique = s["uniqueItems"] == true
	if v, ok := s["minimum"]; ok {
		x, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("minimum must be a number")
		}
		n.minimum = &x
	}
	if v, ok := s["maximum"]; ok {
		x, ok := number(v)
		if !ok {
			return nil, fmt.Errorf("maximum must be a number")
		}
		n.maximum = &x
	}
	// Draft 4 (Kubernetes) spells exclusive bounds as booleans; accept the
	// later numeric form too.
	switch v := s["exclusiveMinimum"].(type) {
	case bool:
		n.exclusiveMin = v
	case nil:
	default:
		if x, ok := number(v); ok {
			n.minimum, n.exclusiveMin = &x, true
		}
	}
	switch v := s["exclusiveMaximum"].(type) {
	case bool:
		n.exclusiveM = v
	case nil:
	default:
		if x, ok := number(v); ok {
			n.maximum, n.exclusiveM = &x, true
		}
	}
	if v, ok := s["multipleOf"]; ok {
		x, ok := number(v)
		if !ok || x <= 0 {
			return nil, fmt.Errorf("multipleOf must be a number greater than 0")
		}
		n.multipleOf = x
	}
	if e, ok := s["enum"].([]any); ok {
		n.enum = e
	}

	for _, comb := range []struct {
		key string
		dst *[]*node
	}{{"allOf", &n.allOf}, {"anyOf", &n.anyOf}, {"oneOf", &n.oneOf}} {
		for i, b := range listOf(s[comb.key]) {
			bs, ok := b.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s[%d]: a schema must be an object", comb.key, i)
			}
			sub, err := c.compile(bs, false)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", comb.key, i, err)
			}
			*comb.dst = append(*comb.dst, sub)
		}
	}
	if ns, ok := s["not"].(map[string]any); ok {
		if n.not, err = c.compile(ns, false); err != nil {
			return nil, fmt.Errorf("not: %w", err)
		}
	}
	return n, nil
}

func typeOf(name string) (typeSet, error) {
	t, ok := parseType(name)
	if !ok {
		return 0, fmt.Errorf("unknown type %q", name)
	}
	return t, nil
}

// number reads a number from decoded JSON or typed YAML.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return f, err == nil
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case int:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}
