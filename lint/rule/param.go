package rule

import (
	"fmt"
	"math"
)

// ParamType is the set of Go types a rule parameter may have. Each is one
// YAML shape in .everynode.yaml: a string, an integer, true or false, a
// list of strings.
type ParamType interface {
	string | int | bool | []string
}

// Param is a typed parameter of a rule, set in .everynode.yaml under
// lint.rules.<rule-id>.params.<Name>. It is declared as a value next to
// its rule, listed in the rule's Params, and read with Get:
//
//	var maxUnavailable = &rule.Param[int]{Name: "maxUnavailable", Default: 1, Doc: "..."}
//
//	var someRule = &rule.Rule{..., Params: []rule.Parameter{maxUnavailable}, Check: func(p *rule.Pass) {
//		n := maxUnavailable.Get(p)
//	}}
//
// The engine checks every configured value against T (Parse) before any
// rule runs and reports a wrong one with its position, so Get never fails
// and a rule never sees a value of another type.
type Param[T ParamType] struct {
	Name string
	Doc  string
	// Default is the value when the configuration does not set one. The
	// catalog shares it: a rule must not modify it (or what Get returns).
	Default T
}

// Get returns the parameter's value for the rule the pass runs: the
// configured one, or the default.
func (p *Param[T]) Get(pass *Pass) T {
	if pass.Settings != nil {
		if v, ok := pass.Settings.Param(pass.Rule, p.Name); ok {
			if t, ok := v.(T); ok {
				return t
			}
		}
	}
	return p.Default
}

// Info describes the parameter for docs, `everynode rules --format json`
// and error messages.
func (p *Param[T]) Info() ParamInfo {
	return ParamInfo{Name: p.Name, Doc: p.Doc, Default: p.Default, Type: typeName[T]()}
}

// Parse converts a configured value, typed as internal/document types YAML
// (string, int64, uint64, float64, bool, []any), to T; the error says what
// was expected and what was found. Values built in Go (int, []string) are
// accepted too.
func (p *Param[T]) Parse(v any) (any, error) {
	var zero T
	var out any
	var err error
	switch any(zero).(type) {
	case string:
		out, err = parseString(v)
	case int:
		out, err = parseInt(v)
	case bool:
		out, err = parseBool(v)
	case []string:
		out, err = parseStrings(v)
	}
	if err != nil {
		return nil, err
	}
	return out.(T), nil
}

// Parameter is a Param of any type, as the catalog, the engine's
// configuration checks and the docs see it.
type Parameter interface {
	Info() ParamInfo
	Parse(v any) (any, error)
}

// ParamInfo describes a parameter.
type ParamInfo struct {
	Name    string
	Doc     string
	Default any
	// Type is the YAML shape: "string", "integer", "boolean" or "list of
	// strings".
	Type string
}

func typeName[T ParamType]() string {
	var zero T
	switch any(zero).(type) {
	case string:
		return "string"
	case int:
		return "integer"
	case bool:
		return "boolean"
	}
	return "list of strings"
}

func parseString(v any) (any, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	return nil, fmt.Errorf("want a string, got %s", describe(v))
}

func parseBool(v any) (any, error) {
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return nil, fmt.Errorf("want true or false, got %s", describe(v))
}

func parseInt(v any) (any, error) {
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		if n >= math.MinInt && n <= math.MaxInt {
			return int(n), nil
		}
	case uint64:
		if n <= math.MaxInt {
			return int(n), nil
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int(n), nil
		}
	}
	return nil, fmt.Errorf("want an integer, got %s", describe(v))
}

func parseStrings(v any) (any, error) {
	switch l := v.(type) {
	case []string:
		return l, nil
	case []any:
		out := make([]string, 0, len(l))
		for i, it := range l {
			s, ok := it.(string)
			if !ok {
				return nil, fmt.Errorf("want a list of strings, got %s as item %d", describe(it), i)
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, fmt.Errorf("want a list of strings, got %s", describe(v))
}

// describe names a YAML value for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("%v", x)
	case int, int64, uint64, float64:
		return fmt.Sprintf("the number %v", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("a %T", v)
}
