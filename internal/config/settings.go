package config

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Settings adapts the configuration to what rules read. Call CheckRules
// first: a parameter with the wrong type is reported there, and Param
// then gives the rule its default.
func (c *Config) Settings() rule.Settings {
	level, err := rule.ParsePodSecurityLevel(c.Lint.PodSecurity)
	if err != nil {
		level = rule.PodSecurityNone
	}
	return &settings{rules: c.Lint.Rules, level: level, checkRefs: c.Lint.CheckReferences}
}

type settings struct {
	rules     map[string]RuleConfig
	level     rule.PodSecurityLevel
	checkRefs bool
	// params caches converted values: rules ask for a parameter once per
	// object, and a []string conversion allocates.
	params sync.Map // paramKey → any
}

type paramKey struct{ rule, name string }

func (s *settings) PodSecurity() rule.PodSecurityLevel { return s.level }
func (s *settings) CheckReferences() bool              { return s.checkRefs }

// Param returns the configured value converted to the type of the
// parameter's default (string, int, bool or []string), or the default when
// it is not configured or has the wrong type. It returns nil for a name
// the rule does not declare.
func (s *settings) Param(r *rule.Rule, name string) any {
	k := paramKey{r.ID, name}
	if v, ok := s.params.Load(k); ok {
		return v
	}
	i := slices.IndexFunc(r.Params, func(p rule.Param) bool { return p.Name == name })
	if i < 0 {
		return nil
	}
	v := r.Params[i].Default
	if raw, ok := s.rules[r.ID].Params[name]; ok {
		if cv, err := convertParam(r.Params[i].Default, raw); err == nil {
			v = cv
		}
	}
	s.params.Store(k, v)
	return v
}

// convertParam converts a YAML value to the Go type of def.
func convertParam(def, raw any) (any, error) {
	switch def.(type) {
	case string:
		if s, ok := raw.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("expected a string, got %s", describeValue(raw))
	case int:
		switch x := raw.(type) {
		case int64:
			if x >= math.MinInt && x <= math.MaxInt {
				return int(x), nil
			}
		case uint64:
			if x <= math.MaxInt {
				return int(x), nil
			}
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int(x), nil
			}
		}
		return nil, fmt.Errorf("expected an integer, got %s", describeValue(raw))
	case bool:
		if b, ok := raw.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("expected a boolean, got %s", describeValue(raw))
	case []string:
		l, ok := raw.([]any)
		if !ok {
			return nil, fmt.Errorf("expected a list of strings, got %s", describeValue(raw))
		}
		out := make([]string, 0, len(l))
		for i, e := range l {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("item %d: expected a string, got %s", i, describeValue(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	// A parameter type this package does not know: hand the value over.
	return raw, nil
}

// CheckRules checks lint.rules against the rule catalog: unknown rule IDs
// and parameters (with a "did you mean"), and parameter values of the
// wrong type. Findings come in file order.
func (c *Config) CheckRules(rules []*rule.Rule) []finding.Finding {
	if len(c.Lint.Rules) == 0 {
		return nil
	}
	byID := make(map[string]*rule.Rule, len(rules))
	ids := make([]string, 0, len(rules))
	for _, r := range rules {
		byID[r.ID] = r
		ids = append(ids, r.ID)
	}
	v := &validator{doc: c.Doc}
	report := func(p fieldpath.Path, atValue bool, format string, args ...any) {
		if c.Doc != nil {
			v.report(p, atValue, format, args...)
			return
		}
		v.out = append(v.out, finding.Finding{Rule: RuleSchema, Severity: finding.Error, File: c.Path, Line: 1, Column: 1,
			Message: fmt.Sprintf(format, args...), Path: p})
	}
	configured := make([]string, 0, len(c.Lint.Rules))
	for id := range c.Lint.Rules {
		configured = append(configured, id)
	}
	slices.Sort(configured)
	for _, id := range configured {
		rp := fieldpath.New("lint", "rules", id)
		r, ok := byID[id]
		if !ok {
			msg := fmt.Sprintf("unknown rule %q", id)
			if s := suggest(id, ids); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (everynode's rule catalog lists every rule ID)"
			}
			report(rp, false, "%s", msg)
			continue
		}
		params := c.Lint.Rules[id].Params
		names := make([]string, 0, len(params))
		for n := range params {
			names = append(names, n)
		}
		slices.Sort(names)
		known := make([]string, 0, len(r.Params))
		for _, p := range r.Params {
			known = append(known, p.Name)
		}
		for _, n := range names {
			pp := rp.Child("params", n)
			i := slices.Index(known, n)
			if i < 0 {
				switch s := suggest(n, known); {
				case len(known) == 0:
					report(pp, false, "rule %q has no parameters", id)
				case s != "":
					report(pp, false, "unknown parameter %q of rule %q (did you mean %q?)", n, id, s)
				default:
					report(pp, false, "unknown parameter %q of rule %q (known: %s)", n, id, strings.Join(known, ", "))
				}
				continue
			}
			if _, err := convertParam(r.Params[i].Default, params[n]); err != nil {
				report(pp, true, "%s: %v", pp, err)
			}
		}
	}
	slices.SortStableFunc(v.out, finding.Compare)
	return v.out
}
