package checker

import (
	"fmt"
	"slices"
	"sync"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Target is an object to check, and how findings name and place it.
type Target struct {
	Object *rule.Object
	// File and Document name the object's origin in findings.
	File     string
	Document int
	// Locate positions a path (relative to the document: Object.Base
	// and the rule's path joined) in f: f.Line and f.Column, and f.File
	// and f.Document when the field is written in another file (a
	// kustomize patch). Nil: Object.Position places the path (at its key
	// even for a report about the value), or nothing does and findings
	// have no line and column.
	Locate func(f *finding.Finding, path fieldpath.Path, atValue bool)
	// Fix turns a rule's fix (paths relative to the object) into the
	// finding's fix: text edits of the file the fields are written in.
	// Nil: findings carry no fix.
	Fix func(fix *rule.Fix) *finding.Fix
}

// at makes a finding about the target at a path relative to the object.
func (t *Target) at(rule string, sev finding.Severity, path fieldpath.Path, atValue bool) finding.Finding {
	f := finding.Finding{Rule: rule, Severity: sev, File: t.File, Document: t.Document, Resource: t.Object.Resource}
	full := path
	if base := t.Object.Base; len(base) > 0 {
		full = append(append(make(fieldpath.Path, 0, len(base)+len(path)), base...), path...)
	}
	f.Path = full
	switch {
	case t.Locate != nil:
		t.Locate(&f, full, atValue)
	case t.Object.Locate != nil:
		file, line, col := t.Object.Locate(path)
		if file != "" {
			f.File = file
		}
		f.Line, f.Column = line, col
	}
	return f
}

// finding turns a diagnostic of an entry's rule into a finding.
func (t *Target) finding(e *Entry, d rule.Diagnostic) finding.Finding {
	sev := e.Severity
	if d.Severity != 0 {
		sev = d.Severity
	}
	f := t.at(e.Rule.ID, sev, d.Path, d.AtValue)
	f.Message = d.Message
	if e.Rule.Fix != nil && t.Fix != nil {
		if fx := e.Rule.Fix(t.Object, d); fx != nil && len(fx.Changes) > 0 {
			if e.Rule.Fixes == rule.UnsafeFix {
				fx.Unsafe = true
			}
			f.Fix = t.Fix(fx)
		}
	}
	for _, rel := range d.Related {
		rf := t.at("", 0, rel.Path, false)
		f.Related = append(f.Related, finding.Related{File: rf.File, Line: rf.Line, Column: rf.Column, Path: rf.Path, Message: rel.Message})
	}
	f.Related = appendPlaced(f.Related, d.Elsewhere)
	return f
}

// appendPlaced adds related places in other objects, leaving out those
// whose position is unknown (an object held only in memory, without a
// document): a related location must name a file.
func appendPlaced(to, places []finding.Related) []finding.Related {
	for _, r := range places {
		if r.File != "" && r.Line > 0 {
			to = append(to, r)
		}
	}
	return to
}

// Check runs the entries (from ForKind) that look at one object alone on
// the target, and returns what they report. A rule that panics gives an
// internal-error finding that names it; the others still run.
func (c *Checker) Check(t *Target, entries []*Entry) []finding.Finding {
	set := emptySet()
	var out []finding.Finding
	for _, e := range entries {
		out = append(out, c.check(t, e, func(report func(rule.Diagnostic)) *rule.Pass {
			return rule.NewPass(e.Rule, t.Object, set, c.settings, report)
		})...)
	}
	return out
}

// Later is what a cross-object rule reports once the set is complete, if
// Decide says so: Finding has everything but the message (and the
// related places in other objects the verdict names).
type Later struct {
	Finding finding.Finding
	Decide  rule.DecideVerdict
}

// CheckDeferred runs cross-object entries on the target before the set is
// complete: what they report about the object alone is returned, and
// what depends on the set goes to later, to be decided with Decide once
// every object has been seen. No object is kept for that.
func (c *Checker) CheckDeferred(t *Target, entries []*Entry, later func(*Later)) []finding.Finding {
	var out []finding.Finding
	for _, e := range entries {
		out = append(out, c.check(t, e, func(report func(rule.Diagnostic)) *rule.Pass {
			return rule.NewDeferredPass(e.Rule, t.Object, c.settings, report, func(path fieldpath.Path, decide rule.DecideVerdict) {
				later(&Later{Finding: t.at(e.Rule.ID, e.Severity, path, false), Decide: decide})
			})
		})...)
	}
	return out
}

// check runs one rule on one target through the pass newPass makes.
func (c *Checker) check(t *Target, e *Entry, newPass func(report func(rule.Diagnostic)) *rule.Pass) (out []finding.Finding) {
	defer func() {
		if p := recover(); p != nil {
			f := t.at(finding.RuleInternal, finding.Error, nil, false)
			f.Message = failure(e.Rule.ID, p)
			out = append(out, f)
		}
	}()
	e.Rule.Check(newPass(func(d rule.Diagnostic) {
		if d.Danger && c.settings.gateStrict {
			// gate: strict: clearly dangerous host access fails the run
			// whatever the rule's severity.
			d.Severity = finding.Error
		}
		out = append(out, t.finding(e, d))
	}))
	return out
}

// FactValue is a fact of one object, for rule.Set.AddFact.
type FactValue struct {
	Fact  *rule.Fact
	Value any
}

// Facts computes the facts the rules that are on keep of the target's
// object (the object's Locate should be set, so that facts can hold its
// positions). A Compute that panics gives an internal-error finding.
func (c *Checker) Facts(t *Target) (facts []FactValue, out []finding.Finding) {
	for _, f := range c.facts[t.Object.Resource.Kind] {
		func() {
			defer func() {
				if p := recover(); p != nil {
					e := t.at(finding.RuleInternal, finding.Error, nil, false)
					e.Message = failure("a fact of "+t.Object.Resource.Kind, p)
					out = append(out, e)
				}
			}()
			if v := f.Compute(t.Object); v != nil {
				facts = append(facts, FactValue{f, v})
			}
		}()
	}
	return facts, out
}

// emptySet is the set rules that are not Deferred see.
var emptySet = sync.OnceValue(rule.NewSet)

func failure(id string, p any) string {
	return fmt.Sprintf("rule %s failed on this object: %v (please report this at https://github.com/everynode/everynode/issues)", id, p)
}

// Decide decides a Later report with the complete set; a panic becomes an
// internal-error finding that names the rule.
func Decide(l *Later, set *rule.Set) (f finding.Finding, ok bool) {
	f = l.Finding
	defer func() {
		if p := recover(); p != nil {
			f.Rule, f.Severity, ok = finding.RuleInternal, finding.Error, true
			f.Message = failure(l.Finding.Rule, p)
		}
	}()
	v, ok := l.Decide(set)
	if !ok {
		return f, false
	}
	f.Message = v.Message
	if v.Severity != 0 {
		f.Severity = v.Severity
	}
	f.Related = appendPlaced(slices.Clip(f.Related), v.Related)
	return f, true
}

// Run checks targets with every rule that is on: each rule on each
// target it applies to, the cross-object ones with the set of all the
// targets. Findings come in target order, then in catalog order, what
// cross-object rules decide with the whole set last. It is the whole
// runner for a caller that holds its objects in memory; the engine uses
// ForKind, Check and CheckDeferred to stream files instead.
func (c *Checker) Run(targets []*Target) []finding.Finding {
	var out []finding.Finding
	var later []*Later
	set := rule.NewSet()
	for _, t := range targets {
		kind := t.Object.Resource.Kind
		if (c.setKinds[kind] || c.HasFacts(kind)) && t.Object.Locate == nil && (t.Locate != nil || t.File != "") {
			// A decision about another object may point at this one.
			t.Object.Locate = func(path fieldpath.Path) (string, int, int) {
				f := t.at("", 0, path, false)
				return f.File, f.Line, f.Column
			}
		}
		facts, failed := c.Facts(t)
		out = append(out, failed...)
		for _, f := range facts {
			set.AddFact(f.Fact, f.Value)
		}
		if c.setKinds[kind] {
			set.AddObject(t.Object)
		} else {
			set.AddIdentity(t.Object.Resource)
		}
	}
	for _, t := range targets {
		immediate, deferred := c.ForKind(t.Object.Resource.Kind)
		out = append(out, c.Check(t, immediate)...)
		out = append(out, c.CheckDeferred(t, deferred, func(l *Later) { later = append(later, l) })...)
	}
	for _, l := range later {
		if f, ok := Decide(l, set); ok {
			out = append(out, f)
		}
	}
	return out
}
