// Package ruletest tests rules on fixtures, as golang.org/x/tools's
// analysistest tests analyzers: one line of test code per rule,
//
//	func TestHostNetwork(t *testing.T) { ruletest.Run(t, "testdata", hostNetworkRule) }
//
// and the expectations written in the fixtures themselves.
//
// Fixtures live in <dir>/<rule-id>/ and are named fire-*.yaml (the rule
// must report at least once) or dont-fire-*.yaml (it must report nothing).
// A line that must carry a finding says so in a comment:
//
//	hostPort: 8080 # want "hostPort 8080 differs" "second regexp"
//	maxSurge: 1    # want warning:"maxSurge"
//
// Each quoted string is a regular expression matched against the message
// of one finding reported on that line (the line of the key, or of the
// value when the rule reports at the value); an optional error:, warning:
// or info: prefix also checks the finding's severity. A finding that no
// want matches, and a want that no finding matches, fail the test.
//
// A comment anywhere in the file sets what the configuration would say:
//
//	# settings: podSecurity=restricted checkReferences=true param:max=3
//	# settings: kubernetesVersion=1.30
//
// A param: value is read as the parameter's type: an integer, true or
// false, a string, or a comma-separated list of strings.
//
// The rule runs through package checker, as in the engine, turned on
// whatever its default, on every object of the fixture (the documents
// with an apiVersion and a kind, and the items of a List), with the set of
// them all for a rule that looks across objects. Schema validation and
// suppressions are the engine's and do not apply here.
package ruletest

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
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Run runs each rule on its fixtures in dir/<rule-id>/, a subtest per
// rule and per fixture.
func Run(t *testing.T, dir string, rules ...*rule.Rule) {
	t.Helper()
	for _, r := range rules {
		t.Run(r.ID, func(t *testing.T) {
			fire, dontFire := Fixtures(t, dir, r.ID)
			if len(fire)+len(dontFire) == 0 {
				t.Fatalf("no fixtures in %s", filepath.Join(dir, r.ID))
			}
			for _, f := range slices.Concat(fire, dontFire) {
				t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
					RunFixture(t, r, f)
				})
			}
		})
	}
}

// RunFixture runs one rule on one fixture file and compares what it
// reports with the fixture's wants; the file's name says whether the rule
// must fire.
func RunFixture(t testing.TB, r *rule.Rule, path string) {
	t.Helper()
	results, wants := run(t, path, []*rule.Rule{r})
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
	compare(t, path, results, wants)
}

// RunRules runs several rules together on one file of manifests and
// compares what they report with its wants, whatever the file's name: a
// file of real-world objects on which some rules must fire and the others
// must not. A want's regexp matches the message; "rule-id: " at the
// start of the message it is matched against names the rule.
func RunRules(t testing.TB, path string, rules ...*rule.Rule) {
	t.Helper()
	results, wants := run(t, path, rules)
	for i := range results {
		results[i].Message = results[i].Rule + ": " + results[i].Message
	}
	compare(t, path, results, wants)
}

// run runs rules on a fixture file under its settings.
func run(t testing.TB, path string, rules []*rule.Rule) ([]finding.Finding, []*want) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	settings, err := ParseSettings(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	wants, err := parseWants(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return Findings(t, path, data, rules, settings), wants
}

// compare fails on a finding that no want matches and on a want that no
// finding matches.
func compare(t testing.TB, path string, results []finding.Finding, wants []*want) {
	t.Helper()
	for _, f := range results {
		if f.Message == "" {
			t.Errorf("%s:%d:%d: empty message", path, f.Line, f.Column)
		}
		if !matchWant(wants, f) {
			t.Errorf("%s:%d:%d: unexpected finding: %s [%s %s] at %s", path, f.Line, f.Column, f.Message, f.Severity, f.Rule, f.Path)
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

// Settings is what a fixture's "# settings:" comments say.
type Settings struct {
	PodSecurity     string
	CheckReferences bool
	// KubernetesVersion is the target release the objects carry (empty:
	// the newest).
	KubernetesVersion string
	// Params are parameter values as written (param:NAME=VALUE), for
	// whichever rule declares NAME.
	Params map[string]string
}

// ParseSettings reads every "# settings:" comment of a fixture.
func ParseSettings(data []byte) (Settings, error) {
	s := Settings{Params: map[string]string{}}
	for _, line := range strings.Split(string(data), "\n") {
		_, rest, ok := strings.Cut(line, "# settings:")
		if !ok {
			continue
		}
		for _, f := range strings.Fields(rest) {
			k, v, ok := strings.Cut(f, "=")
			if !ok {
				return s, fmt.Errorf("settings: %q is not key=value", f)
			}
			switch {
			case k == "podSecurity":
				if _, err := rule.ParsePodSecurityLevel(v); err != nil {
					return s, fmt.Errorf("settings: %w", err)
				}
				s.PodSecurity = v
			case k == "checkReferences":
				b, err := strconv.ParseBool(v)
				if err != nil {
					return s, fmt.Errorf("settings: checkReferences=%s: %w", v, err)
				}
				s.CheckReferences = b
			case k == "kubernetesVersion":
				s.KubernetesVersion = v
			case strings.HasPrefix(k, "param:"):
				s.Params[strings.TrimPrefix(k, "param:")] = v
			default:
				return s, fmt.Errorf("settings: unknown key %q (want podSecurity, checkReferences, kubernetesVersion or param:NAME)", k)
			}
		}
	}
	return s, nil
}

// config is the configuration the settings stand for, with every rule of
// rules turned on.
func (s Settings) config(rules []*rule.Rule) (*config.Config, error) {
	c := config.Default()
	c.Lint.PodSecurity = s.PodSecurity
	c.Lint.CheckReferences = s.CheckReferences
	used := map[string]bool{}
	for _, r := range rules {
		rc := config.RuleConfig{Params: map[string]any{}}
		for _, p := range r.Params {
			info := p.Info()
			raw, ok := s.Params[info.Name]
			if !ok {
				continue
			}
			used[info.Name] = true
			v, err := yamlValue(raw, info.Type)
			if err != nil {
				return nil, fmt.Errorf("settings: param:%s=%s: %w", info.Name, raw, err)
			}
			rc.Params[info.Name] = v
		}
		c.Lint.Rules[r.ID] = rc
	}
	for name := range s.Params {
		if !used[name] {
			return nil, fmt.Errorf("settings: param:%s: no rule under test has that parameter", name)
		}
	}
	return c, nil
}

// yamlValue types a settings value as the YAML a configuration would hold.
func yamlValue(raw, typ string) (any, error) {
	switch typ {
	case "integer":
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("want an integer")
		}
		return n, nil
	case "boolean":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, fmt.Errorf("want true or false")
		}
		return b, nil
	case "list of strings":
		l := []any{}
		if raw != "" {
			for _, s := range strings.Split(raw, ",") {
				l = append(l, s)
			}
		}
		return l, nil
	}
	return raw, nil
}

// Findings runs rules, each turned on, on the objects of a YAML file
// under the settings, through the checker as the engine does. The test
// fails if the file does not parse, holds no object, or the settings do
// not fit the rules.
func Findings(t testing.TB, name string, data []byte, rules []*rule.Rule, s Settings) []finding.Finding {
	t.Helper()
	targets := readTargets(t, name, data)
	if len(targets) == 0 {
		t.Fatalf("%s: no objects (documents with apiVersion and kind)", name)
	}
	for _, tg := range targets {
		tg.Object.KubernetesVersion = s.KubernetesVersion
	}
	return Checker(t, rules, s).Run(targets)
}

// Checker selects rules, each turned on, under the settings.
func Checker(t testing.TB, rules []*rule.Rule, s Settings) *checker.Checker {
	t.Helper()
	cfg, err := s.config(rules)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = r.ID
	}
	c, err := checker.New(rules, checker.Options{Config: cfg, Enable: ids})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Objects parses a YAML file into the objects the engine would lint:
// every document with an apiVersion and a kind, and the items of a List.
// The test fails if the file does not parse.
func Objects(t testing.TB, name string, data []byte) []*rule.Object {
	t.Helper()
	targets := readTargets(t, name, data)
	objs := make([]*rule.Object, len(targets))
	for i, tg := range targets {
		objs[i] = tg.Object
	}
	return objs
}

// readTargets parses a file into the objects the engine would lint, each
// placed in the file as the engine places it.
func readTargets(t testing.TB, name string, data []byte) []*checker.Target {
	t.Helper()
	stream := document.Parse(filepath.ToSlash(name), data, document.Limits{})
	for _, p := range stream.Problems {
		t.Fatalf("%s:%d:%d: the file does not parse: %s", name, p.Line, p.Column, p.Msg)
	}
	var targets []*checker.Target
	for _, d := range stream.Docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		if o := newTarget(d, nil, m); o != nil {
			if o.Object.Resource.Kind == "List" {
				items, _ := m["items"].([]any)
				for i, it := range items {
					if im, ok := it.(map[string]any); ok {
						if io := newTarget(d, fieldpath.New("items").Index(i), im); io != nil {
							targets = append(targets, io)
						}
					}
				}
				continue
			}
			targets = append(targets, o)
		}
	}
	return targets
}

func newTarget(d *document.Document, base fieldpath.Path, m map[string]any) *checker.Target {
	res := finding.ResourceOf(m)
	if res.APIVersion == "" || res.Kind == "" {
		return nil
	}
	o := &rule.Object{Base: base, Map: m, Resource: res, Locate: func(p fieldpath.Path) (string, int, int) {
		line, col := d.Place(slices.Concat(base, p), false)
		return d.File.Name, line, col
	}}
	return &checker.Target{Object: o, File: d.File.Name, Document: d.Index,
		Locate: func(f *finding.Finding, p fieldpath.Path, atValue bool) { f.Line, f.Column = d.Place(p, atValue) }}
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

// matchWant marks the first unmatched want of the finding's line that
// matches it. Each want stands for one finding, so a rule that reports the
// same thing twice needs two wants, and a duplicate report is caught.
func matchWant(wants []*want, f finding.Finding) bool {
	for _, w := range wants {
		if w.matched || w.line != f.Line || !w.re.MatchString(f.Message) || (w.severity != 0 && w.severity != f.Severity) {
			continue
		}
		w.matched = true
		return true
	}
	return false
}

func onLine(fs []finding.Finding, line int) []string {
	var out []string
	for _, f := range fs {
		if f.Line == line {
			out = append(out, fmt.Sprintf("%q (%s, column %d)", f.Message, f.Severity, f.Column))
		}
	}
	return out
}

// Fixtures lists a rule's fixture files in dir/<id>/.
func Fixtures(t testing.TB, dir, id string) (fire, dontFire []string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, id))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".yaml") {
			continue
		}
		p := filepath.Join(dir, id, name)
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

// Complete fails unless the catalog passes rule.Validate and every rule
// with a Check has fixtures in dir that fire and that do not, and unless
// every directory in dir names such a rule or is one of others (shared
// fixtures). The engine's own rules are left to the engine's tests.
// Together with Run over the same rules, it makes a rule without tests,
// or tests without a rule, a failure.
func Complete(t *testing.T, dir string, rules []*rule.Rule, others ...string) {
	t.Helper()
	if err := rule.Validate(rules); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range rules {
		if r.Check == nil {
			continue
		}
		ids[r.ID] = true
		fire, dontFire := Fixtures(t, dir, r.ID)
		if len(fire) == 0 {
			t.Errorf("%s: no %s/%s/fire-*.yaml fixture", r.ID, dir, r.ID)
		}
		if len(dontFire) == 0 {
			t.Errorf("%s: no %s/%s/dont-fire-*.yaml fixture", r.ID, dir, r.ID)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !ids[e.Name()] && !slices.Contains(others, e.Name()) {
			t.Errorf("%s/%s names no rule with a Check (renamed or removed?)", dir, e.Name())
		}
	}
}
