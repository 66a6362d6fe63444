// Package rule defines what a lint rule is, in the manner of
// golang.org/x/tools/go/analysis: a rule is a value (ID, category, default
// severity, doc, check function) and reports through one Report call with a
// field path. The engine owns everything else: which objects a rule sees,
// turning paths into positions, suppressions and severity overrides.
package rule

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Category groups rules in the catalog.
type Category string

const (
	Correctness Category = "correctness"
	Reliability Category = "reliability"
	Security    Category = "security"
	Operations  Category = "operations"
)

// PodSecurityLevel is a Pod Security Standards level. A rule that belongs
// to a level's controls is raised to a warning (and enabled) when the
// configuration asks for that level or a stricter one.
type PodSecurityLevel int

const (
	PodSecurityNone PodSecurityLevel = iota
	Baseline
	Restricted
)

func (l PodSecurityLevel) String() string {
	switch l {
	case Baseline:
		return "baseline"
	case Restricted:
		return "restricted"
	}
	return "none"
}

// ParsePodSecurityLevel reads none, baseline or restricted.
func ParsePodSecurityLevel(s string) (PodSecurityLevel, error) {
	switch s {
	case "", "none":
		return PodSecurityNone, nil
	case "baseline":
		return Baseline, nil
	case "restricted":
		return Restricted, nil
	}
	return 0, fmt.Errorf("unknown pod security level %q (want none, baseline or restricted)", s)
}

// Doc is a rule's documentation, shaped like ruff's and clippy's.
type Doc struct {
	// What the rule flags, in a sentence or two.
	What string
	// Why it matters.
	Why string
	// Bad and Good are YAML examples (just the relevant part of an object).
	Bad, Good string
	// Fix says how to fix it.
	Fix string
	// Mirrors names the Kubernetes validation or controller behaviour a
	// correctness rule reproduces (for example "ValidateDaemonSetSpec in
	// pkg/apis/apps/validation"). Required for error-level correctness rules.
	Mirrors string
}

// Param is a rule parameter settable in .everynode.yaml.
type Param struct {
	Name    string
	Doc     string
	Default any // string, int, bool or []string
}

// Rule is one check.
type Rule struct {
	// ID is kebab-case, says what is wrong, and is stable once released.
	ID       string
	Category Category
	Severity finding.Severity
	// Disabled rules run only when the configuration enables them.
	Disabled bool
	// Summary is one line for the catalog table.
	Summary string
	Doc     Doc
	Params  []Param
	// Kinds limits the objects the rule sees (for example "DaemonSet");
	// empty means every object.
	Kinds []string
	// PodSecurity is the Pod Security Standards level whose controls this
	// rule implements, PodSecurityNone when it implements none.
	PodSecurity PodSecurityLevel
	// Deferred rules look across objects (a serviceAccountName that names
	// nothing): they run once every file has been read, with Pass.Set
	// complete. Set holds full objects only for the kinds in SetKinds, and
	// identities for everything, so memory does not grow with the corpus.
	Deferred bool
	SetKinds []string
	// Check inspects one object and reports through pass.Report.
	Check func(pass *Pass)
}

// URL is where the rule's documentation lives.
func (r *Rule) URL() string {
	return "https://github.com/everynode/everynode/blob/main/docs/rules.md#" + r.ID
}

// AppliesTo reports whether the rule looks at objects of this kind.
func (r *Rule) AppliesTo(kind string) bool {
	return len(r.Kinds) == 0 || slices.Contains(r.Kinds, kind)
}

// Object is one Kubernetes object of the linted set.
type Object struct {
	// Doc is the document the object was read from. For an item of a
	// kind: List, Base is its path inside the document (items[3]).
	Doc  *document.Document
	Base fieldpath.Path
	// Resource is the object's identity.
	Resource finding.Resource
	// Map is the object as typed values (map[string]any ...).
	Map map[string]any
	// Invalid lists paths (relative to the object) whose values the schema
	// rejected. The typed decoding drops them, so that one mistyped field
	// does not silence every rule that reads the typed object.
	Invalid []fieldpath.Path

	ds      *appsv1.DaemonSet
	dsErr   error
	decoded bool
}

// DaemonSet returns the object decoded into k8s.io/api types, or nil when
// it is not an apps/v1 DaemonSet or does not decode (its schema findings
// already say why). Rules that read fields the typed object loses (unknown
// fields, leftovers from a Deployment) use Map instead.
func (o *Object) DaemonSet() *appsv1.DaemonSet {
	if o.Resource.Kind != "DaemonSet" || o.Resource.APIVersion != "apps/v1" {
		return nil
	}
	if !o.decoded {
		o.decoded = true
		ds := &appsv1.DaemonSet{}
		err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Map, ds)
		if err != nil && len(o.Invalid) > 0 {
			ds = &appsv1.DaemonSet{}
			err = runtime.DefaultUnstructuredConverter.FromUnstructured(without(o.Map, o.Invalid), ds)
		}
		if err != nil {
			o.dsErr = err
		} else {
			o.ds = ds
		}
	}
	return o.ds
}

// without returns a copy of m with the values at paths removed (list items
// become nil, which decodes as a zero value). Only the containers on the
// way to a removed path are copied; the rest is shared.
func without(m map[string]any, paths []fieldpath.Path) map[string]any {
	out := m
	for _, p := range paths {
		if len(p) == 0 {
			continue
		}
		if v, ok := removeAt(out, p).(map[string]any); ok {
			out = v
		}
	}
	return out
}

func removeAt(v any, p fieldpath.Path) any {
	e := p[0]
	switch c := v.(type) {
	case map[string]any:
		if e.IsIndex {
			return v
		}
		child, ok := c[e.Key]
		if !ok {
			return v
		}
		cp := make(map[string]any, len(c))
		for k, x := range c {
			cp[k] = x
		}
		if len(p) == 1 {
			delete(cp, e.Key)
		} else {
			cp[e.Key] = removeAt(child, p[1:])
		}
		return cp
	case []any:
		if !e.IsIndex || e.Index < 0 || e.Index >= len(c) {
			return v
		}
		cp := append([]any(nil), c...)
		if len(p) == 1 {
			cp[e.Index] = nil
		} else {
			cp[e.Index] = removeAt(c[e.Index], p[1:])
		}
		return cp
	}
	return v
}

// Get returns the value at a path of the object (nil when missing).
func (o *Object) Get(p fieldpath.Path) any {
	var cur any = o.Map
	for _, e := range p {
		switch c := cur.(type) {
		case map[string]any:
			if e.IsIndex {
				return nil
			}
			cur = c[e.Key]
		case []any:
			if !e.IsIndex || e.Index < 0 || e.Index >= len(c) {
				return nil
			}
			cur = c[e.Index]
		default:
			return nil
		}
	}
	return cur
}

// Set is the linted set as a whole, for deferred rules.
type Set struct {
	ids     map[setKey]bool
	kinds   map[string]bool
	objects map[string][]*Object
}

type setKey struct{ kind, namespace, name string }

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{ids: map[setKey]bool{}, kinds: map[string]bool{}, objects: map[string][]*Object{}}
}

// AddIdentity records that an object exists.
func (s *Set) AddIdentity(r finding.Resource) {
	s.ids[setKey{r.Kind, r.Namespace, r.Name}] = true
	s.kinds[r.Kind] = true
}

// AddObject records an object in full (and its identity).
func (s *Set) AddObject(o *Object) {
	s.AddIdentity(o.Resource)
	s.objects[o.Resource.Kind] = append(s.objects[o.Resource.Kind], o)
}

// HasKind reports whether any object of the kind was linted: reference
// rules only speak when the referenced kind appears in the set.
func (s *Set) HasKind(kind string) bool { return s.kinds[kind] }

// Has reports whether an object with this identity was linted. Use "" as
// the namespace for cluster-scoped kinds.
func (s *Set) Has(kind, namespace, name string) bool {
	return s.ids[setKey{kind, namespace, name}]
}

// Objects returns the full objects of a kind named in some rule's SetKinds.
func (s *Set) Objects(kind string) []*Object { return s.objects[kind] }

// Settings is what the configuration says to a rule.
type Settings interface {
	// Param returns the configured value of a parameter or its default.
	Param(rule *Rule, name string) any
	PodSecurity() PodSecurityLevel
	// CheckReferences makes reference rules speak even when the referenced
	// kind does not appear in the linted set.
	CheckReferences() bool
}

// Diagnostic is what a rule reports. Path is relative to the object (the
// engine prefixes Object.Base and finds the position).
type Diagnostic struct {
	Path    fieldpath.Path
	Message string
	// Severity overrides the rule's for this one report (0: the rule's).
	Severity finding.Severity
	// AtValue points at the value instead of the key.
	AtValue bool
	Fix     *finding.Fix
	Related []RelatedPath
}

// RelatedPath is another place in the same object that explains a report.
type RelatedPath struct {
	Path    fieldpath.Path
	Message string
}

// Pass is one rule looking at one object.
type Pass struct {
	Rule     *Rule
	Object   *Object
	Set      *Set
	Settings Settings
	report   func(Diagnostic)
}

// NewPass is for the engine and for rule tests.
func NewPass(r *Rule, o *Object, set *Set, settings Settings, report func(Diagnostic)) *Pass {
	return &Pass{Rule: r, Object: o, Set: set, Settings: settings, report: report}
}

// Report records a diagnostic.
func (p *Pass) Report(d Diagnostic) { p.report(d) }

// Reportf reports a message at a path (the key there).
func (p *Pass) Reportf(path fieldpath.Path, format string, args ...any) {
	p.report(Diagnostic{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Param returns the configured value of one of the rule's parameters.
func (p *Pass) Param(name string) any {
	if p.Settings == nil {
		for _, prm := range p.Rule.Params {
			if prm.Name == name {
				return prm.Default
			}
		}
		return nil
	}
	return p.Settings.Param(p.Rule, name)
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// Validate checks a rule list at start-up and in a test: unique kebab-case
// IDs, a category, a severity, a summary, a complete doc, a check.
func Validate(rules []*Rule) error {
	var errs []string
	seen := map[string]bool{}
	for _, r := range rules {
		if !idRE.MatchString(r.ID) {
			errs = append(errs, fmt.Sprintf("rule %q: ID is not kebab-case", r.ID))
		}
		if seen[r.ID] {
			errs = append(errs, fmt.Sprintf("rule %q: registered twice", r.ID))
		}
		seen[r.ID] = true
		switch r.Category {
		case Correctness, Reliability, Security, Operations:
		default:
			errs = append(errs, fmt.Sprintf("rule %q: unknown category %q", r.ID, r.Category))
		}
		if r.Severity < finding.Info || r.Severity > finding.Error {
			errs = append(errs, fmt.Sprintf("rule %q: no severity", r.ID))
		}
		if r.Summary == "" || r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Bad == "" || r.Doc.Good == "" || r.Doc.Fix == "" {
			errs = append(errs, fmt.Sprintf("rule %q: summary or doc incomplete (what, why, bad, good, fix)", r.ID))
		}
		if r.Category == Correctness && r.Severity == finding.Error && r.Doc.Mirrors == "" {
			errs = append(errs, fmt.Sprintf("rule %q: an error-level correctness rule must say what Kubernetes behaviour it mirrors", r.ID))
		}
		if r.Check == nil {
			errs = append(errs, fmt.Sprintf("rule %q: no check function", r.ID))
		}
		if len(r.SetKinds) > 0 && !r.Deferred {
			errs = append(errs, fmt.Sprintf("rule %q: SetKinds without Deferred", r.ID))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid rule registry:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
