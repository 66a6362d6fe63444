package lint

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/config"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
	"github.com/everynode/everynode/lint/suppress"
)

// ruleEntry is a rule enabled for this run, at its effective severity.
type ruleEntry struct {
	r        *rule.Rule
	severity finding.Severity
}

// ruleSet is the rule selection of a Linter, decided once in New.
type ruleSet struct {
	catalog   map[string]*rule.Rule
	enabled   map[string]*ruleEntry
	immediate []*ruleEntry
	deferred  []*ruleEntry
	byKind    sync.Map // kind → *kindRules
	// setKinds are the kinds whose objects rules read in full from the set.
	setKinds map[string]bool
	settings *settings
	known    []string
}

// kindRules are the enabled rules that look at one kind, in catalog order.
type kindRules struct {
	immediate, deferred []*ruleEntry
}

func newRuleSet(opts Options) (*ruleSet, error) {
	catalog := opts.Rules
	if catalog == nil {
		catalog = rules.All()
	}
	// The engine's own rules are known whatever catalog a caller runs.
	for _, r := range rules.All() {
		if r.Category == rule.Engine && !slices.ContainsFunc(catalog, func(c *rule.Rule) bool { return c.ID == r.ID }) {
			catalog = append(slices.Clip(catalog), r)
		}
	}
	if err := rule.Validate(catalog); err != nil {
		return nil, err
	}
	cfg := opts.Config.Lint
	ps := cfg.PodSecurity
	if opts.PodSecurity != "" {
		ps = opts.PodSecurity
	}
	level, err := rule.ParsePodSecurityLevel(ps)
	if err != nil {
		return nil, err
	}
	rs := &ruleSet{
		catalog:  map[string]*rule.Rule{},
		enabled:  map[string]*ruleEntry{},
		setKinds: map[string]bool{},
		settings: &settings{level: level, checkRefs: opts.CheckReferences || cfg.CheckReferences,
			params: map[string]map[string]any{}},
	}
	for _, r := range catalog {
		rs.catalog[r.ID] = r
		rs.known = append(rs.known, r.ID)
	}
	sort.Strings(rs.known)

	ids := make([]string, 0, len(cfg.Rules))
	for id := range cfg.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r, ok := rs.catalog[id]
		if ok && r.Category == rule.Engine {
			// The engine's findings cannot be configured; an entry for
			// one is accepted and has no effect.
			continue
		}
		if !ok {
			return nil, configError(opts.Config, fieldpath.New("lint", "rules", id), "unknown rule %q%s", id, rs.suggest(id))
		}
		for name, v := range cfg.Rules[id].Params {
			p := findParam(r, name)
			if p == nil {
				return nil, configError(opts.Config, fieldpath.New("lint", "rules", id, "params", name),
					"rule %q has no parameter %q%s", id, name, paramSuggestion(r, name))
			}
			cv, err := p.Parse(v)
			if err != nil {
				return nil, configError(opts.Config, fieldpath.New("lint", "rules", id, "params", name),
					"parameter %q of rule %q: %v", name, id, err)
			}
			if rs.settings.params[id] == nil {
				rs.settings.params[id] = map[string]any{}
			}
			rs.settings.params[id][name] = cv
		}
	}
	for _, id := range slices.Concat(opts.Enable, opts.Disable) {
		r, ok := rs.catalog[id]
		if !ok {
			return nil, fmt.Errorf("unknown rule %q%s (see 'everynode rules')", id, rs.suggest(id))
		}
		if r.Category == rule.Engine {
			return nil, fmt.Errorf("rule %q is the engine's own and is always on", id)
		}
	}
	if opts.SchemaOnly {
		return rs, nil
	}
	for _, r := range catalog {
		if r.Category == rule.Engine {
			continue
		}
		on, sev := !r.Disabled, r.Severity
		// Pod Security Standards: the controls of the configured level and
		// the levels below it are on, at least as warnings.
		if r.PodSecurity != rule.PodSecurityNone && r.PodSecurity <= level {
			on, sev = true, max(sev, finding.Warning)
		}
		if rc, ok := cfg.Rules[r.ID]; ok {
			if s := rc.SeverityLevel(); s != 0 {
				on, sev = true, s
			}
			if rc.Enabled != nil {
				on = *rc.Enabled
			}
		}
		if slices.Contains(opts.Enable, r.ID) {
			on = true
		}
		if slices.Contains(opts.Disable, r.ID) {
			on = false
		}
		if !on {
			continue
		}
		e := &ruleEntry{r: r, severity: sev}
		rs.enabled[r.ID] = e
		if r.Deferred {
			rs.deferred = append(rs.deferred, e)
			for _, k := range r.SetKinds {
				rs.setKinds[k] = true
			}
		} else {
			rs.immediate = append(rs.immediate, e)
		}
	}
	return rs, nil
}

func (rs *ruleSet) suggest(id string) string {
	if s := suppress.Suggest(id, rs.known); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

func configError(c *config.Config, p fieldpath.Path, format string, args ...any) error {
	file, line, col := c.Locate(p)
	msg := fmt.Sprintf(format, args...)
	if file == "" {
		return fmt.Errorf("configuration: %s", msg)
	}
	return fmt.Errorf("%s:%d:%d: %s", file, line, col, msg)
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
	if s := suppress.Suggest(name, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return fmt.Sprintf(" (it takes %s)", strings.Join(names, ", "))
}

// forKind returns the rules that look at a kind (cached per kind).
func (rs *ruleSet) forKind(kind string) *kindRules {
	if v, ok := rs.byKind.Load(kind); ok {
		return v.(*kindRules)
	}
	kr := &kindRules{}
	for _, e := range rs.immediate {
		if e.r.AppliesTo(kind) {
			kr.immediate = append(kr.immediate, e)
		}
	}
	for _, e := range rs.deferred {
		if e.r.AppliesTo(kind) {
			kr.deferred = append(kr.deferred, e)
		}
	}
	rs.byKind.Store(kind, kr)
	return kr
}

func (rs *ruleSet) inSetKinds(kind string) bool { return rs.setKinds[kind] }

// status tells suppressions whether the rule they name exists and runs: a
// suppression of a disabled rule is not "unused".
func (rs *ruleSet) status(id string) suppress.Status {
	r, ok := rs.catalog[id]
	switch {
	case !ok:
		return suppress.Unknown
	case r.Category == rule.Engine:
		return suppress.Enabled
	}
	if _, ok := rs.enabled[id]; ok {
		return suppress.Enabled
	}
	return suppress.Disabled
}

func (rs *ruleSet) knownIDs() []string { return rs.known }

// settings is what the configuration says to rules.
type settings struct {
	level     rule.PodSecurityLevel
	checkRefs bool
	params    map[string]map[string]any
}

func (s *settings) Param(r *rule.Rule, name string) (any, bool) {
	v, ok := s.params[r.ID][name]
	return v, ok
}

func (s *settings) PodSecurity() rule.PodSecurityLevel { return s.level }
func (s *settings) CheckReferences() bool              { return s.checkRefs }

// runRules runs rules on one object. A rule that panics is reported as an
// internal-error finding naming it; the run goes on.
func (r *run) runRules(obj *rule.Object, pl place, entries []*ruleEntry, set *rule.Set) []finding.Finding {
	var out []finding.Finding
	for _, e := range entries {
		out = append(out, r.runRule(e, obj, pl, set, nil)...)
	}
	return out
}

// runRule runs one rule on one object; a cross-object rule's pass hands
// what it reports later to later.
func (r *run) runRule(e *ruleEntry, obj *rule.Object, pl place, set *rule.Set, later func(fieldpath.Path, rule.Decide)) (out []finding.Finding) {
	report := func(d rule.Diagnostic) {
		f := finding.Finding{Rule: e.r.ID, Severity: e.severity, Message: d.Message,
			File: pl.file, Document: pl.index, Resource: obj.Resource, Fix: d.Fix}
		if d.Severity != 0 {
			f.Severity = d.Severity
		}
		pl.at(&f, d.Path, d.AtValue)
		for _, rel := range d.Related {
			rf := finding.Finding{File: pl.file}
			pl.at(&rf, rel.Path, false)
			f.Related = append(f.Related, finding.Related{File: rf.File, Line: rf.Line, Column: rf.Column, Path: rf.Path, Message: rel.Message})
		}
		out = append(out, f)
	}
	defer func() {
		if p := recover(); p != nil {
			f := finding.Finding{Rule: finding.RuleInternal, Severity: finding.Error, File: pl.file, Document: pl.index, Resource: obj.Resource,
				Message: fmt.Sprintf("rule %s failed on this object: %v (please report this at https://github.com/everynode/everynode/issues)", e.r.ID, p)}
			pl.at(&f, nil, false)
			out = append(out, f)
		}
	}()
	if later != nil {
		e.r.Check(rule.NewDeferredPass(e.r, obj, r.l.rules.settings, report, later))
	} else {
		e.r.Check(rule.NewPass(e.r, obj, set, r.l.rules.settings, report))
	}
	return out
}
