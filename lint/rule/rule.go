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
	"strconv"
	"strings"
	"sync"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Category groups rules in the catalog.
type Category string

const (
	Correctness Category = "correctness"
	Reliability Category = "reliability"
	Security    Category = "security"
	Operations  Category = "operations"
	// Engine rules are the findings the engine reports itself, around
	// the rules (yaml-syntax, schema, unused-suppression, ...). They have
	// no Check and cannot be turned off; they are in the catalog so that
	// every rule ID a finding can carry is documented in one list.
	Engine Category = "engine"
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
	// Bad and Good are YAML examples: the part of an object that shows
	// the problem, and the same part fixed. They are written at the place
	// In says and are complete enough to lint: a test expands each into a
	// whole DaemonSet (Example) and lints it, and the Bad example must
	// give a finding of the rule and the Good one must not. No "..."
	// elisions: show the fields that matter, the skeleton adds the rest.
	Bad, Good string
	// In says where Bad and Good are written (the zero value: at the top
	// of an object).
	In ExampleIn
	// Fix says how to fix it.
	Fix string
	// Mirrors names the Kubernetes validation or controller behaviour a
	// correctness rule reproduces (for example "ValidateDaemonSetSpec in
	// pkg/apis/apps/validation"). Required for error-level correctness rules.
	Mirrors string
	// References are documents that say more (the Kubernetes
	// documentation the rule follows), as URLs; `everynode explain` and
	// docs/rules.md list them.
	References []string
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
	// Params are the rule's parameters (see Param), in the order the
	// docs list them.
	Params []Parameter
	// Kinds limits the objects the rule sees (for example "DaemonSet");
	// empty means every object.
	Kinds []string
	// PodSecurity is the Pod Security Standards level whose controls this
	// rule implements, PodSecurityNone when it implements none.
	PodSecurity PodSecurityLevel
	// Deferred rules look across objects (a serviceAccountName that names
	// nothing). Their Check runs as each object is read, before the set
	// of linted objects is complete (Pass.Set is nil then): it looks at its
	// object and reports what depends on other objects through
	// Pass.ReportLater, which decides once every file has been read. So
	// no object is kept for them: the set holds identities of everything,
	// and full objects only of the kinds in SetKinds.
	Deferred bool
	SetKinds []string
	// SetFields are the fields of the SetKinds objects that the rule's
	// decisions read, as dotted paths from the top of the object
	// ("subjects", "spec.template.spec.serviceAccountName"). The engine
	// keeps only those of each such object (with apiVersion, kind and
	// metadata's name and namespace), so that a corpus of thousands of
	// DaemonSets costs a few bytes for each. Empty: objects of SetKinds
	// are kept whole. Set objects kept as fields carry no positions: a
	// decision that points at another object (Place) takes it from a Fact.
	SetFields []string
	// Facts are what a Deferred rule keeps of the objects of a kind as
	// they are read, instead of the objects (as go/analysis keeps facts):
	// cheaper than SetKinds, whose objects kept on disk are parsed again
	// when a rule asks for them.
	Facts []*Fact
	// Check inspects one object and reports through pass.Report. Engine
	// rules have none.
	Check func(pass *Pass)
	// Fix, when set, proposes a fix for one of the rule's diagnostics on
	// the object, or returns nil when no fix is certain (see Fix). It is
	// called for every diagnostic the rule reports; an engine rule may
	// have one too, for the findings the engine reports under its ID.
	Fix func(o *Object, d Diagnostic) *Fix
	// Fixes says what Fix offers, for the docs and `everynode explain`:
	// required when Fix is set.
	Fixes Fixability
}

// Fixability is what kind of fixes a rule offers.
type Fixability int

const (
	NoFix Fixability = iota
	// SafeFix: every fix the rule offers is safe (applied by --fix).
	SafeFix
	// UnsafeFix: every fix is unsafe (applied with --unsafe-fixes);
	// the engine marks them so whatever Fix returns.
	UnsafeFix
	// MixedFix: some fixes are safe and some unsafe, as Fix.Unsafe says.
	MixedFix
)

func (f Fixability) String() string {
	switch f {
	case SafeFix:
		return "safe"
	case UnsafeFix:
		return "unsafe"
	case MixedFix:
		return "safe or unsafe"
	}
	return "none"
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
	// Base is the object's path in the document it was read from: empty,
	// or items[3] for an item of a kind: List. Findings' paths start
	// there.
	Base fieldpath.Path
	// Resource is the object's identity.
	Resource finding.Resource
	// Map is the object as typed values (map[string]any ...).
	Map map[string]any
	// Invalid lists paths (relative to the object) whose values the schema
	// rejected. The typed decoding drops them, so that one mistyped field
	// does not silence every rule that reads the typed object.
	Invalid []fieldpath.Path
	// Locate, when set, says where a path of the object (relative to it)
	// is written: the file, line and column. Whoever reads the object
	// sets it (the engine, ruletest); an object made in memory has none.
	Locate func(path fieldpath.Path) (file string, line, column int)
	// KubernetesVersion is the target release ("1.33"); empty means the
	// newest the linter knows. Rules that mirror a check Kubernetes added
	// in some release ask AtLeast, so that an older target is not told of
	// an error its API server would not raise.
	KubernetesVersion string
	// NoSchema: the linter has no schema for the kind, neither built in
	// nor from a CustomResourceDefinition it read. Such an object may be
	// a custom resource or another tool's file in Kubernetes' shape (a
	// kubeconfig, skaffold.yaml), which no API server ever sees.
	NoSchema bool

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
		err := decode(o.Map, ds)
		if err != nil && len(o.Invalid) > 0 {
			ds = &appsv1.DaemonSet{}
			err = decode(without(o.Map, o.Invalid), ds)
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

// AtLeast reports whether the target Kubernetes release is 1.minor or
// newer; true when the object has no target (the newest release).
func (o *Object) AtLeast(minor int) bool {
	v := strings.TrimPrefix(o.KubernetesVersion, "v")
	if v == "" {
		return true
	}
	_, m, _ := strings.Cut(v, ".")
	m, _, _ = strings.Cut(m, ".")
	n, err := strconv.Atoi(m)
	return err != nil || n >= minor
}

// Position says where a path of the object (relative to it) is written,
// through Locate: "" and 0, 0 when the object has no source. A field
// that is missing is placed at its nearest parent that exists. Rules
// report paths, not positions; Position is for a rule that must know the
// order in which fields are written.
func (o *Object) Position(path fieldpath.Path) (file string, line, column int) {
	if o.Locate == nil {
		return "", 0, 0
	}
	return o.Locate(path)
}

// Has reports whether a path of the object is written, even as null: a
// field that is absent and one that is empty are different mistakes.
func (o *Object) Has(p fieldpath.Path) bool { return document.Has(o.Map, p) }

// Get returns the value at a path of the object (nil when missing).
func (o *Object) Get(p fieldpath.Path) any { return document.ValueAt(o.Map, p) }

// Set is the linted set as a whole, for deferred rules. It is safe for
// concurrent use by rules once it is complete.
type Set struct {
	ids     map[setKey]bool
	kinds   map[string]bool
	objects map[string][]*Object

	// mu guards objects and pending: full objects of a kind may be loaded
	// only when a rule first asks for them.
	mu      sync.Mutex
	pending map[string][]Loader

	memoMu sync.Mutex
	memo   map[any]*memoEntry

	factsMu sync.Mutex
	facts   map[*Fact][]any
}

type setKey struct{ kind, namespace, name string }

type memoEntry struct {
	once sync.Once
	v    any
}

// NewSet returns an empty set.
func NewSet() *Set {
	return &Set{ids: map[setKey]bool{}, kinds: map[string]bool{}, objects: map[string][]*Object{},
		pending: map[string][]Loader{}, memo: map[any]*memoEntry{}}
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

// Loader calls each, one call at a time, for objects of the set that are
// not in memory. It may be called more than once.
type Loader func(each func(*Object))

// AddLoader records objects of a kind that load produces when a rule asks
// for that kind (their identities are added separately). The engine keeps
// a large corpus's objects on disk this way, so that they are never all
// in memory at once unless a rule asks for them all (Objects).
func (s *Set) AddLoader(kind string, load Loader) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[kind] = append(s.pending[kind], load)
}

// HasKind reports whether any object of the kind was linted: reference
// rules only speak when the referenced kind appears in the set.
func (s *Set) HasKind(kind string) bool { return s.kinds[kind] }

// Has reports whether an object with this identity was linted. Use "" as
// the namespace for cluster-scoped kinds.
func (s *Set) Has(kind, namespace, name string) bool {
	return s.ids[setKey{kind, namespace, name}]
}

// Objects returns the full objects of a kind named in some rule's
// SetKinds, all in memory from then on. A rule that only derives something
// from them (an index) uses Each, with Memo, instead.
func (s *Set) Objects(kind string) []*Object {
	s.mu.Lock()
	defer s.mu.Unlock()
	if loads := s.pending[kind]; len(loads) > 0 {
		delete(s.pending, kind)
		for _, load := range loads {
			load(func(o *Object) { s.objects[kind] = append(s.objects[kind], o) })
		}
	}
	return s.objects[kind]
}

// Each calls fn for every full object of a kind named in some rule's
// SetKinds, one call at a time, without keeping in memory the objects
// that are not already.
func (s *Set) Each(kind string, fn func(*Object)) {
	s.mu.Lock()
	objs, loads := s.objects[kind], s.pending[kind]
	s.mu.Unlock()
	for _, o := range objs {
		fn(o)
	}
	for _, load := range loads {
		load(fn)
	}
}

// Memo returns what build returns, calling it once per set and key: an
// index a deferred rule builds over the set's objects (bindings by
// subject) instead of scanning them for every object it checks. Keys are
// compared with ==; use an unexported type to avoid collisions.
func (s *Set) Memo(key any, build func() any) any {
	s.memoMu.Lock()
	e := s.memo[key]
	if e == nil {
		e = &memoEntry{}
		s.memo[key] = e
	}
	s.memoMu.Unlock()
	e.once.Do(func() { e.v = build() })
	return e.v
}

// Fact is something a Deferred rule computes from each object of a kind
// while its document is in memory, and reads with Set.Facts once the set
// is complete: a few strings and positions (rule.Place) of a binding, not
// the binding. Rules may share a Fact value; the engine computes each once
// per object.
type Fact struct {
	// Kind is the kind of the objects it is computed from.
	Kind string
	// Compute returns the fact of one object, or nil for none. It must
	// not keep the object.
	Compute func(o *Object) any
}

// AddFact records the fact of one object (the engine's and the checker's
// to call; v is what f.Compute returned).
func (s *Set) AddFact(f *Fact, v any) {
	if v == nil {
		return
	}
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	if s.facts == nil {
		s.facts = map[*Fact][]any{}
	}
	s.facts[f] = append(s.facts[f], v)
}

// Facts returns the facts computed with f from the set's objects, in the
// order they were added (which may vary between runs: a rule that reports
// from them sorts what it reports).
func (s *Set) Facts(f *Fact) []any {
	s.factsMu.Lock()
	defer s.factsMu.Unlock()
	return s.facts[f]
}

// Settings is what the configuration says to a rule.
type Settings interface {
	// Param returns the configured value of one of a rule's parameters,
	// as the parameter's Parse returned it; ok is false when the
	// configuration does not set it (Param.Get then uses the default).
	Param(r *Rule, name string) (v any, ok bool)
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
	// Danger marks clearly dangerous host access (a privileged container,
	// the container runtime socket, a writable mount of /): with the
	// configuration's gate: strict the report is an error whatever the
	// rule's severity.
	Danger  bool
	Related []RelatedPath
	// Elsewhere are places in other objects that explain the report,
	// already positioned (Place).
	Elsewhere []finding.Related
}

// RelatedPath is another place in the same object that explains a report.
type RelatedPath struct {
	Path    fieldpath.Path
	Message string
}

// Pass is one rule looking at one object.
type Pass struct {
	Rule   *Rule
	Object *Object
	// Set is nil while a Deferred rule's Check runs: what depends on
	// other objects goes through ReportLater, decided with the whole set.
	// A rule that is not Deferred looks at its object alone and sees an
	// empty set (the engine lints files as it reads them).
	Set      *Set
	Settings Settings
	report   func(Diagnostic)
	later    func(fieldpath.Path, DecideVerdict)
}

// Decide says, once the whole linted set is known, whether to report and
// with what message. It must not hold on to the Pass or its Object: the
// engine keeps the function, not the object, until every file is read.
type Decide func(set *Set) (message string, ok bool)

// Verdict is what a deferred decision reports: a message, and the places
// in other objects of the set that explain it (the binding that grants a
// permission, the role that holds it), which reporters show as related
// locations.
type Verdict struct {
	Message string
	// Severity overrides the rule's for this report (0: the rule's).
	Severity finding.Severity
	// Related are places in other objects, positioned with Place.
	Related []finding.Related
}

// Place positions a path of an object of the set (relative to the object)
// as a related location of a finding. The object's position is looked up
// at once, so a decision (or an index it memoizes) can keep the place
// without keeping the object. A place whose position is unknown has no
// file, and reporters leave it out.
func Place(o *Object, path fieldpath.Path, message string) finding.Related {
	file, line, col := o.Position(path)
	full := path
	if len(o.Base) > 0 {
		full = append(append(make(fieldpath.Path, 0, len(o.Base)+len(path)), o.Base...), path...)
	}
	return finding.Related{File: file, Line: line, Column: col, Path: full, Message: message}
}

// DecideVerdict is Decide for a report that points at other objects
// (Verdict.Related).
type DecideVerdict func(set *Set) (Verdict, bool)

// NewPass is for the engine and for rule tests. With a set, ReportLater
// decides at once. Nil settings are the default configuration.
func NewPass(r *Rule, o *Object, set *Set, settings Settings, report func(Diagnostic)) *Pass {
	return &Pass{Rule: r, Object: o, Set: set, Settings: settings, report: report}
}

// NewDeferredPass is for the engine and for rule tests: a pass of a
// Deferred rule before the set is complete, whose ReportLater hands its
// arguments to later.
func NewDeferredPass(r *Rule, o *Object, settings Settings, report func(Diagnostic), later func(fieldpath.Path, DecideVerdict)) *Pass {
	return &Pass{Rule: r, Object: o, Settings: settings, report: report, later: later}
}

// ReportLater reports at path (the key there), once every file has been
// read, the message decide returns if it says so: how a Deferred rule
// reports what depends on other objects.
func (p *Pass) ReportLater(path fieldpath.Path, decide Decide) {
	p.ReportLaterVerdict(path, func(set *Set) (Verdict, bool) {
		msg, ok := decide(set)
		return Verdict{Message: msg}, ok
	})
}

// ReportLaterVerdict is ReportLater for a report that also points at
// places in other objects of the set (Verdict.Related).
func (p *Pass) ReportLaterVerdict(path fieldpath.Path, decide DecideVerdict) {
	if p.later != nil {
		p.later(path, decide)
		return
	}
	if p.Set == nil {
		return
	}
	if v, ok := decide(p.Set); ok {
		p.report(Diagnostic{Path: path, Message: v.Message, Severity: v.Severity, Elsewhere: v.Related})
	}
}

// Report records a diagnostic.
func (p *Pass) Report(d Diagnostic) { p.report(d) }

// Reportf reports a message at a path (the key there).
func (p *Pass) Reportf(path fieldpath.Path, format string, args ...any) {
	p.report(Diagnostic{Path: path, Message: fmt.Sprintf(format, args...)})
}

var idRE = regexp.MustCompile(finding.RuleIDPattern)

// ValidID reports whether id has the shape of a rule ID
// (finding.RuleIDPattern).
func ValidID(id string) bool { return idRE.MatchString(id) }

// Validate checks a rule list at start-up and in a test: unique kebab-case
// IDs, a category, a severity, a summary, a complete doc, a check (none
// for an engine rule, which may also go without examples when no snippet
// of YAML shows it, such as an unreadable file).
func Validate(rules []*Rule) error {
	var errs []string
	seen := map[string]bool{}
	for _, r := range rules {
		if !ValidID(r.ID) {
			errs = append(errs, fmt.Sprintf("rule %q: ID is not kebab-case", r.ID))
		}
		if seen[r.ID] {
			errs = append(errs, fmt.Sprintf("rule %q: registered twice", r.ID))
		}
		seen[r.ID] = true
		switch r.Category {
		case Correctness, Reliability, Security, Operations, Engine:
		default:
			errs = append(errs, fmt.Sprintf("rule %q: unknown category %q", r.ID, r.Category))
		}
		if r.Severity < finding.Info || r.Severity > finding.Error {
			errs = append(errs, fmt.Sprintf("rule %q: no severity", r.ID))
		}
		if r.Summary == "" || r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Fix == "" {
			errs = append(errs, fmt.Sprintf("rule %q: summary or doc incomplete (what, why, fix)", r.ID))
		}
		if (r.Doc.Bad == "" || r.Doc.Good == "") && (r.Category != Engine || r.Doc.Bad != r.Doc.Good) {
			errs = append(errs, fmt.Sprintf("rule %q: a Bad and a Good example are needed", r.ID))
		}
		for _, u := range r.Doc.References {
			if !strings.HasPrefix(u, "https://") || strings.ContainsAny(u, " <>") {
				errs = append(errs, fmt.Sprintf("rule %q: reference %q is not an https URL", r.ID, u))
			}
		}
		if r.Category == Correctness && r.Severity == finding.Error && r.Doc.Mirrors == "" {
			errs = append(errs, fmt.Sprintf("rule %q: an error-level correctness rule must say what Kubernetes behaviour it mirrors", r.ID))
		}
		if (r.Check == nil) != (r.Category == Engine) {
			errs = append(errs, fmt.Sprintf("rule %q: a Check is needed, except for an engine rule, which has none", r.ID))
		}
		if r.Category == Engine && (r.Disabled || r.Deferred || len(r.Kinds) > 0 || len(r.Params) > 0 || r.PodSecurity != PodSecurityNone) {
			errs = append(errs, fmt.Sprintf("rule %q: an engine rule is always on and has no kinds, parameters or Pod Security level", r.ID))
		}
		names := map[string]bool{}
		for _, prm := range r.Params {
			info := prm.Info()
			if info.Name == "" || info.Doc == "" || names[info.Name] {
				errs = append(errs, fmt.Sprintf("rule %q: parameter %q: no name, no doc, or declared twice", r.ID, info.Name))
			}
			names[info.Name] = true
			if _, err := prm.Parse(info.Default); err != nil {
				errs = append(errs, fmt.Sprintf("rule %q: parameter %q: the default does not parse: %v", r.ID, info.Name, err))
			}
		}
		if (r.Fix == nil) != (r.Fixes == NoFix) {
			errs = append(errs, fmt.Sprintf("rule %q: a Fix needs Fixes to say what it offers, and Fixes needs a Fix", r.ID))
		}
		if len(r.SetKinds) > 0 && !r.Deferred {
			errs = append(errs, fmt.Sprintf("rule %q: SetKinds without Deferred", r.ID))
		}
		if len(r.Facts) > 0 && !r.Deferred {
			errs = append(errs, fmt.Sprintf("rule %q: Facts without Deferred", r.ID))
		}
		for _, f := range r.Facts {
			if f == nil || f.Kind == "" || f.Compute == nil {
				errs = append(errs, fmt.Sprintf("rule %q: a Fact needs a kind and a Compute", r.ID))
			}
		}
		if len(r.SetFields) > 0 && len(r.SetKinds) == 0 {
			errs = append(errs, fmt.Sprintf("rule %q: SetFields without SetKinds", r.ID))
		}
		for _, f := range r.SetFields {
			if f == "" || strings.HasPrefix(f, ".") || strings.HasSuffix(f, ".") || strings.Contains(f, "..") {
				errs = append(errs, fmt.Sprintf("rule %q: SetFields: %q is not a dotted field path", r.ID, f))
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid rule registry:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
