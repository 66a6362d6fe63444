// Package checker runs rules: it is the one runner behind the linter's
// engine (and so the KRM function), the rule tests (package ruletest), and
// whatever else checks objects with the catalog, as golang.org/x/tools's
// go/analysis/checker is for analyzers.
//
// New decides which rules of a catalog a configuration turns on and at
// what severity, and checks the configuration's rule entries against the
// catalog: an unknown rule or parameter, or a parameter value of the wrong
// type, is an error that names its position in the configuration. The
// configuration package itself knows nothing of rules.
//
// A Checker then runs the rules it selected over objects and turns what
// they report into findings with a field path and a position. It knows
// nothing of files, schemas or suppressions: the engine (package lint)
// does those, and Run is enough for a caller that only has objects.
package checker

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Options select and configure the rules of a catalog.
type Options struct {
	// Config is the configuration (nil: config.Default()): its pod
	// security level, checkReferences and lint.rules entries (enabled,
	// severity, parameters).
	Config *config.Config
	// PodSecurity, when set (none, baseline or restricted), overrides
	// the configuration's.
	PodSecurity string
	// CheckReferences, when true, overrides the configuration's.
	CheckReferences bool
	// Gate, when set (default or strict), overrides the configuration's:
	// strict makes the reports a rule marks rule.Diagnostic.Danger
	// (privileged containers, the runtime socket, writable system paths)
	// errors.
	Gate string
	// Enable and Disable turn rules on or off, after the configuration:
	// selectors (select.go), each a rule ID, a category, a glob of IDs or
	// all, or a comma-separated list of them.
	Enable, Disable []string
	// Only, when set, restricts the run to the rules it accepts (the
	// generator runs the correctness rules; --schema-only none). Rule IDs
	// in the configuration and in Enable and Disable are still checked
	// against the whole catalog.
	Only func(*rule.Rule) bool
}

// Entry is a rule turned on for a run, at its effective severity.
type Entry struct {
	Rule     *rule.Rule
	Severity finding.Severity
}

// Checker is a selection of rules, ready to run. It is safe for
// concurrent use.
type Checker struct {
	catalog  map[string]*rule.Rule
	known    []string
	enabled  map[string]*Entry
	order    []*Entry // enabled rules with a Check, in catalog order
	deferred bool
	setKinds map[string]bool
	// setFields is, per kind of setKinds, what of its objects the rules
	// read from the set (nil: the whole object).
	setFields map[string]*fieldTree
	facts     map[string][]*rule.Fact // by kind, each once
	settings  *settings
	byKind    sync.Map // kind → *kindEntries
}

type kindEntries struct{ immediate, deferred []*Entry }

// New selects the rules of catalog that opts turn on. The catalog must
// pass rule.Validate (New checks). The error is a bad setting: an unknown
// rule (with a suggestion), an unknown parameter or a value of the wrong
// type (with its position in the configuration), an unknown Pod Security
// level.
func New(catalog []*rule.Rule, opts Options) (*Checker, error) {
	if err := rule.Validate(catalog); err != nil {
		return nil, err
	}
	cfg := opts.Config
	if cfg == nil {
		cfg = config.Default()
	}
	ps := cfg.Lint.PodSecurity
	if opts.PodSecurity != "" {
		ps = opts.PodSecurity
	}
	level, err := rule.ParsePodSecurityLevel(ps)
	if err != nil {
		return nil, err
	}
	gate := cfg.Lint.Gate
	if opts.Gate != "" {
		gate = opts.Gate
	}
	switch gate {
	case "", "default", "strict":
	default:
		return nil, fmt.Errorf("unknown gate %q: want default or strict", gate)
	}
	c := &Checker{
		catalog:   make(map[string]*rule.Rule, len(catalog)),
		enabled:   map[string]*Entry{},
		setKinds:  map[string]bool{},
		setFields: map[string]*fieldTree{},
		facts:     map[string][]*rule.Fact{},
		settings: &settings{level: level, checkRefs: opts.CheckReferences || cfg.Lint.CheckReferences,
			params: map[string]map[string]any{}, gateStrict: gate == "strict"},
	}
	for _, r := range catalog {
		c.catalog[r.ID] = r
		c.known = append(c.known, r.ID)
	}
	sort.Strings(c.known)
	// Every problem is collected, so that a user fixes them all in one
	// pass rather than one per run.
	errs := c.configure(cfg)
	cfgEnable, enablePaths := configSelectors(cfg, "enable", cfg.Lint.Enable)
	cfgDisable, disablePaths := configSelectors(cfg, "disable", cfg.Lint.Disable)
	fromConfig := c.layer(cfgEnable, cfgDisable, func(disable bool, i int, err error) error {
		if disable {
			return configError(cfg, disablePaths[i], "%v", err)
		}
		return configError(cfg, enablePaths[i], "%v", err)
	}, &errs)
	enable, disable := SplitSelectors(opts.Enable), SplitSelectors(opts.Disable)
	fromFlags := c.layer(enable, disable, func(disable bool, i int, err error) error {
		if disable {
			return fmt.Errorf("--disable: %w", err)
		}
		return fmt.Errorf("--enable: %w", err)
	}, &errs)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for _, r := range catalog {
		if r.Category == rule.Engine {
			// Always on, and reported by the engine, not run.
			c.enabled[r.ID] = &Entry{Rule: r, Severity: r.Severity}
			continue
		}
		if opts.Only != nil && !opts.Only(r) {
			continue
		}
		on, sev := !r.Disabled, r.Severity
		// Pod Security Standards: the controls of the configured level and
		// the levels below it are on, at least as warnings.
		if r.PodSecurity != rule.PodSecurityNone && r.PodSecurity <= level {
			on, sev = true, max(sev, finding.Warning)
		}
		if v, ok := fromConfig[r.ID]; ok {
			on = v
		}
		if rc, ok := cfg.Lint.Rules[r.ID]; ok {
			if s := rc.SeverityLevel(); s != 0 {
				on, sev = true, s
			}
			if rc.Enabled != nil {
				on = *rc.Enabled
			}
		}
		if v, ok := fromFlags[r.ID]; ok {
			on = v
		}
		if !on {
			continue
		}
		e := &Entry{Rule: r, Severity: sev}
		c.enabled[r.ID] = e
		c.order = append(c.order, e)
		if r.Deferred {
			c.deferred = true
			for _, k := range r.SetKinds {
				c.addSetFields(k, r.SetFields)
			}
			for _, f := range r.Facts {
				if !slices.Contains(c.facts[f.Kind], f) {
					c.facts[f.Kind] = append(c.facts[f.Kind], f)
				}
			}
		}
	}
	return c, nil
}

// configure checks the configuration's lint.rules against the catalog and
// converts parameter values to their declared types.
func (c *Checker) configure(cfg *config.Config) []error {
	var errs []error
	ids := make([]string, 0, len(cfg.Lint.Rules))
	for id := range cfg.Lint.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r, ok := c.catalog[id]
		if !ok {
			errs = append(errs, configError(cfg, fieldpath.New("lint", "rules", id), "unknown rule %q%s", id, c.didYouMean(id)))
			continue
		}
		if r.Category == rule.Engine {
			// The engine's findings cannot be configured; an entry for
			// one is accepted and has no effect.
			continue
		}
		params := cfg.Lint.Rules[id].Params
		names := make([]string, 0, len(params))
		for name := range params {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			at := fieldpath.New("lint", "rules", id, "params", name)
			p := findParam(r, name)
			if p == nil {
				errs = append(errs, configError(cfg, at, "rule %q has no parameter %q%s", id, name, paramSuggestion(r, name)))
				continue
			}
			v, err := p.Parse(params[name])
			if err != nil {
				errs = append(errs, configError(cfg, at, "parameter %q of rule %q: %v", name, id, err))
				continue
			}
			if c.settings.params[id] == nil {
				c.settings.params[id] = map[string]any{}
			}
			c.settings.params[id][name] = v
		}
	}
	return errs
}

// ConfigError is a problem with a setting of the configuration, at its
// position in the configuration file (File "" when the configuration has
// no file: the defaults, or a KRM functionConfig).
type ConfigError struct {
	File         string
	Line, Column int
	Path         fieldpath.Path
	Msg          string
}

func (e *ConfigError) Error() string {
	if e.File == "" {
		return "configuration: " + e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
}

func configError(c *config.Config, p fieldpath.Path, format string, args ...any) error {
	file, line, col := c.Locate(p)
	return &ConfigError{File: file, Line: line, Column: col, Path: p, Msg: fmt.Sprintf(format, args...)}
}

// IsConfigError reports whether err is a problem with the configuration.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

func findParam(r *rule.Rule, name string) rule.Parameter {
	for _, p := range r.Params {
		if p.Info().Name == name {
			return p
		}
	}
	return nil
}

func paramSuggestion(r *rule.Rule, name string) string {
	var names []string
	for _, p := range r.Params {
		names = append(names, p.Info().Name)
	}
	if len(names) == 0 {
		return " (it takes none)"
	}
	if s := suggest.Closest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Sprintf(" (it takes %s)", strings.Join(names, ", "))
}

func (c *Checker) didYouMean(id string) string {
	if s := suggest.Closest(id, c.known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// Rule returns the catalog's rule with the ID.
func (c *Checker) Rule(id string) (*rule.Rule, bool) {
	r, ok := c.catalog[id]
	return r, ok
}

// Enabled returns the entry of a rule that is on (the engine's own rules
// always are), or nil.
func (c *Checker) Enabled(id string) *Entry { return c.enabled[id] }

// Known lists every rule ID of the catalog, sorted.
func (c *Checker) Known() []string { return c.known }

// Deferred reports whether any rule that is on looks across objects: only
// then does a caller need to build the set.
func (c *Checker) Deferred() bool { return c.deferred }

// InSetKinds reports whether a rule that is on reads objects of the kind
// in full from the set (rule.Rule.SetKinds).
func (c *Checker) InSetKinds(kind string) bool { return c.setKinds[kind] }

// HasFacts reports whether a rule that is on keeps facts of objects of
// the kind (rule.Rule.Facts).
func (c *Checker) HasFacts(kind string) bool { return len(c.facts[kind]) > 0 }

// addSetFields records that a rule reads fields of kind's objects from
// the set (all of them when fields is empty).
func (c *Checker) addSetFields(kind string, fields []string) {
	t, seen := c.setFields[kind]
	c.setKinds[kind] = true
	if seen && t == nil {
		return // already whole
	}
	if len(fields) == 0 {
		c.setFields[kind] = nil
		return
	}
	if t == nil {
		t = &fieldTree{}
		for _, f := range []string{"apiVersion", "kind", "metadata.name", "metadata.namespace"} {
			t.add(strings.Split(f, "."))
		}
		c.setFields[kind] = t
	}
	for _, f := range fields {
		t.add(strings.Split(f, "."))
	}
}

// ForSet returns what the set keeps of an object of a kind in SetKinds:
// the fields the rules that read the kind declared (rule.Rule.SetFields),
// sharing their values with m, or m itself when some rule reads it whole.
func (c *Checker) ForSet(kind string, m map[string]any) map[string]any {
	t := c.setFields[kind]
	if t == nil {
		return m
	}
	return t.project(m)
}

// fieldTree is a set of dotted field paths: a whole node keeps its
// value entire, the others only their children's.
type fieldTree struct {
	whole    bool
	children map[string]*fieldTree
}

func (t *fieldTree) add(path []string) {
	for _, name := range path {
		if t.whole {
			return
		}
		if t.children == nil {
			t.children = map[string]*fieldTree{}
		}
		next := t.children[name]
		if next == nil {
			next = &fieldTree{}
			t.children[name] = next
		}
		t = next
	}
	t.whole, t.children = true, nil
}

func (t *fieldTree) project(m map[string]any) map[string]any {
	out := make(map[string]any, len(t.children))
	for name, sub := range t.children {
		v, ok := m[name]
		if !ok {
			continue
		}
		if !sub.whole {
			vm, isMap := v.(map[string]any)
			if !isMap {
				continue
			}
			v = sub.project(vm)
		}
		out[name] = v
	}
	return out
}

// ForKind returns the rules that are on and look at a kind, in catalog
// order: those that run on the object alone, and the cross-object ones.
func (c *Checker) ForKind(kind string) (immediate, deferred []*Entry) {
	if v, ok := c.byKind.Load(kind); ok {
		ke := v.(*kindEntries)
		return ke.immediate, ke.deferred
	}
	ke := &kindEntries{}
	for _, e := range c.order {
		if !e.Rule.AppliesTo(kind) {
			continue
		}
		if e.Rule.Deferred {
			ke.deferred = append(ke.deferred, e)
		} else {
			ke.immediate = append(ke.immediate, e)
		}
	}
	c.byKind.Store(kind, ke)
	return ke.immediate, ke.deferred
}

// Settings is what the configuration says to the rules (rule.Pass.Settings).
func (c *Checker) Settings() rule.Settings { return c.settings }

// settings is what the configuration says to rules.
type settings struct {
	level      rule.PodSecurityLevel
	checkRefs  bool
	gateStrict bool
	// params holds the configured values, already parsed, by rule ID and
	// parameter name.
	params map[string]map[string]any
}

func (s *settings) Param(r *rule.Rule, name string) (any, bool) {
	v, ok := s.params[r.ID][name]
	return v, ok
}

func (s *settings) PodSecurity() rule.PodSecurityLevel { return s.level }
func (s *settings) CheckReferences() bool              { return s.checkRefs }
