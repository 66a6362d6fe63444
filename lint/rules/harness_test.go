package rules

// The rule test harness, in the manner of go/analysis's analysistest.
//
// Fixtures live in testdata/<rule-id>/ and are named fire-*.yaml (the rule
// must report at least once) or dont-fire-*.yaml (it must report nothing).
// A line that must carry a finding says so in a comment:
//
//	hostPort: 8080 # want "hostPort 8080 differs" "second regexp"
//	maxSurge: 1    # want warning:"maxSurge"
//
// Each quoted string is a regular expression matched against the message
// of one finding reported on that line (the line of doc.Locate, or of
// doc.LocateValue when the diagnostic is AtValue); an optional error:,
// warning: or info: prefix also checks the finding's severity. A finding
// no want matches, and a want no finding matches, fail the test.
//
// A comment anywhere in the file sets what the configuration would say:
//
//	# settings: podSecurity=restricted checkReferences=true param:max=3
//
// param values are typed after the parameter's default (int, bool, string,
// or a comma-separated []string).

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// testSettings is the rule.Settings a fixture's settings comment builds.
type testSettings struct {
	podSecurity     rule.PodSecurityLevel
	checkReferences bool
	params          map[string]string
}

func (s *testSettings) PodSecurity() rule.PodSecurityLevel { return s.podSecurity }
func (s *testSettings) CheckReferences() bool              { return s.checkReferences }

func (s *testSettings) Param(r *rule.Rule, name string) (any, bool) {
	var prm rule.Parameter
	for _, p := range r.Params {
		if p.Info().Name == name {
			prm = p
		}
	}
	if prm == nil {
		panic(fmt.Sprintf("rule %s asked for parameter %q it does not declare", r.ID, name))
	}
	raw, ok := s.params[name]
	if !ok {
		return nil, false
	}
	var v any = raw
	switch prm.Info().Default.(type) {
	case int:
		n, err := strconv.Atoi(raw)
		if err != nil {
			panic(fmt.Sprintf("settings: param:%s=%s: want an integer", name, raw))
		}
		v = n
	case bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			panic(fmt.Sprintf("settings: param:%s=%s: want true or false", name, raw))
		}
		v = b
	case []string:
		v = []string{}
		if raw != "" {
			v = strings.Split(raw, ",")
		}
	}
	pv, err := prm.Parse(v)
	if err != nil {
		panic(fmt.Sprintf("settings: param:%s=%s: %v", name, raw, err))
	}
	return pv, true
}

// parseSettings reads every "# settings:" comment of a fixture.
func parseSettings(data []byte) (*testSettings, error) {
	s := &testSettings{params: map[string]string{}}
	for _, line := range strings.Split(string(data), "\n") {
		_, rest, ok := strings.Cut(line, "# settings:")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				return nil, fmt.Errorf("settings: %q is not key=value", f)
			}
			switch {
			case k == "podSecurity":
				lvl, err := rule.ParsePodSecurityLevel(v)
				if err != nil {
					return nil, fmt.Errorf("settings: %w", err)
				}
				s.podSecurity = lvl
			case k == "checkReferences":
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, fmt.Errorf("settings: checkReferences=%s: %w", v, err)
				}
				s.checkReferences = b
			case strings.HasPrefix(k, "param:"):
				s.params[strings.TrimPrefix(k, "param:")] = v
			default:
				return nil, fmt.Errorf("settings: unknown key %q (want podSecurity, checkReferences or param:NAME)", k)
			}
		}
	}
	return s, nil
}

// want is one expectation of a fixture line.
type want struct {
	line     int
	re       *regexp.Regexp
	severity finding.Severity // 0: any
	matched  bool
}

// parseWants reads the "# want" comments of a fixture.
func parseWants(data []byte) ([]*want, error) {
	var wants []*want
	for i, line := range strings.Split(string(data), "\n") {
		idx := strings.Index(line, "# want ")
		if idx < 0 {
			continue
		}
		rest := strings.TrimSpace(line[idx+len("# want "):])
		if rest == "" {
			return nil, fmt.Errorf("line %d: # want without a regexp", i+1)
		}
		for rest != "" {
			w := &want{line: i + 1}
			if sev, after, ok := strings.Cut(rest, ":"); ok && !strings.ContainsAny(sev, "\"` ") {
				s, ok := finding.ParseSeverity(sev)
				if !ok || s == 0 {
					return nil, fmt.Errorf("line %d: unknown severity %q in # want", i+1, sev)
				}
				w.severity, rest = s, after
			}
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: # want: %q is not a quoted regexp: %w", i+1, rest, err)
			}
			pat, err := strconv.Unquote(q)
			if err != nil {
				return nil, fmt.Errorf("line %d: # want: %w", i+1, err)
			}
			if w.re, err = regexp.Compile(pat); err != nil {
				return nil, fmt.Errorf("line %d: # want: %w", i+1, err)
			}
			wants = append(wants, w)
			rest = strings.TrimSpace(rest[len(q):])
		}
	}
	return wants, nil
}

// result is one diagnostic with the position the engine would give it.
type result struct {
	rule     *rule.Rule
	diag     rule.Diagnostic
	severity finding.Severity
	line     int
	column   int
	path     fieldpath.Path
	object   *rule.Object
}

func (r result) String() string {
	return fmt.Sprintf("%d:%d: %s [%s %s] at %s", r.line, r.column, r.diag.Message, r.severity, r.rule.ID, r.path)
}

// objectsOf builds the objects of a parsed file as the engine does: every
// document with apiVersion and kind, and the items of a kind: List.
func objectsOf(stream *document.Stream) []*rule.Object {
	var objs []*rule.Object
	for _, d := range stream.Docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		if o := newObject(d, nil, m); o != nil {
			if o.Resource.Kind == "List" {
				items, _ := m["items"].([]any)
				for i, it := range items {
					if im, ok := it.(map[string]any); ok {
						if io := newObject(d, fieldpath.New("items").Index(i), im); io != nil {
							objs = append(objs, io)
						}
					}
				}
				continue
			}
			objs = append(objs, o)
		}
	}
	return objs
}

func newObject(d *document.Document, base fieldpath.Path, m map[string]any) *rule.Object {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	if apiVersion == "" || kind == "" {
		return nil
	}
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	return &rule.Object{Doc: d, Base: base, Map: m,
		Resource: finding.Resource{APIVersion: apiVersion, Kind: kind, Namespace: ns, Name: name}}
}

// newSet fills a rule.Set the way the engine does for deferred rules.
func newSet(objs []*rule.Object, rules []*rule.Rule) *rule.Set {
	full := map[string]bool{}
	for _, r := range rules {
		for _, k := range r.SetKinds {
			full[k] = true
		}
	}
	set := rule.NewSet()
	for _, o := range objs {
		if full[o.Resource.Kind] {
			set.AddObject(o)
		} else {
			set.AddIdentity(o.Resource)
		}
	}
	return set
}

// runRules runs rules on objects and positions what they report.
func runRules(rules []*rule.Rule, objs []*rule.Object, settings rule.Settings) []result {
	var set *rule.Set
	var out []result
	var later []func()
	for _, r := range rules {
		if r.Deferred && set == nil {
			set = newSet(objs, rules)
		}
		for _, o := range objs {
			if !r.AppliesTo(o.Resource.Kind) {
				continue
			}
			report := func(d rule.Diagnostic) {
				p := slices.Concat(o.Base, d.Path)
				var line, col int
				if d.AtValue {
					line, col, _ = o.Doc.LocateValue(p)
				} else {
					line, col, _ = o.Doc.Locate(p)
				}
				out = append(out, result{rule: r, diag: d, severity: effectiveSeverity(r, d, settings),
					line: line, column: col, path: p, object: o})
			}
			if !r.Deferred {
				r.Check(rule.NewPass(r, o, nil, settings, report))
				continue
			}
			// As in the engine: the rule looks at its object before the
			// set is complete, and what it reports later is decided at the
			// end, with the whole set.
			r.Check(rule.NewDeferredPass(r, o, settings, report, func(path fieldpath.Path, decide rule.Decide) {
				later = append(later, func() {
					if msg, ok := decide(set); ok {
						report(rule.Diagnostic{Path: path, Message: msg})
					}
				})
			}))
		}
	}
	for _, l := range later {
		l()
	}
	return out
}

// effectiveSeverity is the severity the engine gives a report under the
// default configuration plus the fixture's pod security level.
func effectiveSeverity(r *rule.Rule, d rule.Diagnostic, settings rule.Settings) finding.Severity {
	sev := r.Severity
	if d.Severity != 0 {
		sev = d.Severity
	}
	if r.PodSecurity != rule.PodSecurityNone && settings != nil && settings.PodSecurity() >= r.PodSecurity && sev < finding.Warning {
		sev = finding.Warning
	}
	return sev
}

// loadFixture parses a fixture file and fails the test on any problem.
func loadFixture(t testing.TB, path string) (*document.Stream, []byte) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return loadStream(t, path, data), data
}

// loadStream parses a test file and fails the test on any problem.
func loadStream(t testing.TB, name string, data []byte) *document.Stream {
	t.Helper()
	stream := document.Parse(filepath.ToSlash(name), data, document.Limits{})
	for _, p := range stream.Problems {
		t.Fatalf("%s:%d:%d: test file does not parse: %s", name, p.Line, p.Column, p.Msg)
	}
	return stream
}

// checkFixture runs one rule on one fixture and compares with its wants.
func checkFixture(t testing.TB, r *rule.Rule, path string) {
	t.Helper()
	stream, data := loadFixture(t, path)
	settings, err := parseSettings(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	wants, err := parseWants(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	objs := objectsOf(stream)
	if len(objs) == 0 {
		t.Fatalf("%s: no objects (documents with apiVersion and kind)", path)
	}
	results := runRules([]*rule.Rule{r}, objs, settings)
	fire := strings.HasPrefix(filepath.Base(path), "fire-")
	switch {
	case fire && len(results) == 0:
		t.Errorf("%s: a fire- fixture, but %s reported nothing", path, r.ID)
	case !fire && len(results) > 0:
		t.Errorf("%s: a dont-fire- fixture, but %s reported %d finding(s)", path, r.ID, len(results))
	}
	if fire && len(wants) == 0 {
		t.Errorf("%s: a fire- fixture needs # want comments", path)
	}
	for _, res := range results {
		if res.diag.Message == "" {
			t.Errorf("%s:%d:%d: empty message", path, res.line, res.column)
		}
		if !matchWant(wants, res) {
			t.Errorf("%s:%s: unexpected finding", path, res)
		}
	}
	for _, w := range wants {
		if !w.matched {
			sev := ""
			if w.severity != 0 {
				sev = w.severity.String() + " "
			}
			t.Errorf("%s:%d: no %sfinding matched %q; got on that line: %v", path, w.line, sev, w.re, onLine(results, w.line))
		}
	}
}

// matchWant marks the first unmatched want of the result's line that
// matches it. Each want stands for one finding, so a rule that reports the
// same thing twice needs two wants, and a duplicate report is caught.
func matchWant(wants []*want, res result) bool {
	for _, w := range wants {
		if w.matched || w.line != res.line || !w.re.MatchString(res.diag.Message) || (w.severity != 0 && w.severity != res.severity) {
			continue
		}
		w.matched = true
		return true
	}
	return false
}

func onLine(results []result, line int) []string {
	var out []string
	for _, r := range results {
		if r.line == line {
			out = append(out, fmt.Sprintf("%q (%s, column %d)", r.diag.Message, r.severity, r.column))
		}
	}
	return out
}

// fixtures lists a rule's fixture files.
func fixtures(t *testing.T, id string) (fire, dontFire []string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", id))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".yaml") {
			continue
		}
		p := filepath.Join("testdata", id, name)
		switch {
		case strings.HasPrefix(name, "fire-"):
			fire = append(fire, p)
		case strings.HasPrefix(name, "dont-fire-"):
			dontFire = append(dontFire, p)
		default:
			t.Errorf("%s: fixture names start with fire- or dont-fire-", p)
		}
	}
	return fire, dontFire
}

// recorder is a testing.TB that collects failures instead of failing, for
// testing the harness itself.
type recorder struct {
	testing.TB
	errors []string
}

type fatal struct{}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}
