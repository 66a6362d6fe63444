package ruletest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	badPath = fieldpath.New("spec", "bad")
	names   = &rule.Param[[]string]{Name: "names", Doc: "names", Default: []string{"z"}}
	limit   = &rule.Param[int]{Name: "limit", Doc: "a limit", Default: 9}
	strict  = &rule.Param[bool]{Name: "strict", Doc: "strictness"}
	prefix  = &rule.Param[string]{Name: "prefix", Doc: "a prefix"}
)

// probe reports spec.bad, with its parameters when they are set.
var probe = &rule.Rule{
	ID: "harness-probe", Category: rule.Correctness, Severity: finding.Error, Summary: "spec.bad is set",
	Doc:    rule.Doc{What: "w", Why: "y", Bad: "spec: {bad: 1}", Good: "spec: {}", Fix: "f", Mirrors: "nothing"},
	Params: []rule.Parameter{names, limit, strict, prefix},
	Check: func(p *rule.Pass) {
		v := p.Object.Get(badPath)
		if v == nil {
			return
		}
		msg := fmt.Sprintf("bad is set to %v", v)
		if limit.Get(p) != 9 {
			msg += fmt.Sprintf("; names %v, limit %d, strict %v, prefix %s", names.Get(p), limit.Get(p), strict.Get(p), prefix.Get(p))
		}
		p.Reportf(badPath, "%s", msg)
	},
}

// TestHarness checks the harness itself on fixtures that must fail: a
// harness that passes everything would make every rule test vacuous.
func TestHarness(t *testing.T) {
	tests := []struct {
		file     string
		failures int
	}{
		{"fire-ok.yaml", 0},
		{"fire-unmatched-want.yaml", 1},
		{"fire-unexpected.yaml", 2},
		{"fire-nothing.yaml", 2},
		{"dont-fire-fires.yaml", 2},
		{"fire-wrong-severity.yaml", 2},
		{"fire-list.yaml", 0},
		{"fire-params.yaml", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			rec := &recorder{TB: t}
			func() {
				defer func() {
					if v := recover(); v != nil && v != (fatal{}) {
						panic(v)
					}
				}()
				RunFixture(rec, probe, filepath.Join("testdata", "harness", tt.file))
			}()
			if len(rec.errors) != tt.failures {
				t.Errorf("got %d failures, want %d:\n%s", len(rec.errors), tt.failures, strings.Join(rec.errors, "\n"))
			}
		})
	}
}

func TestSettingsErrors(t *testing.T) {
	for _, src := range []string{
		"# settings: podSecurity=strict",
		"# settings: checkReferences=maybe",
		"# settings: colour=red",
		"# settings: noequals",
	} {
		if _, err := ParseSettings([]byte(src)); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
	for _, s := range []Settings{
		{Params: map[string]string{"limit": "many"}},
		{Params: map[string]string{"strict": "perhaps"}},
		{Params: map[string]string{"nope": "1"}},
	} {
		if _, err := s.config([]*rule.Rule{probe}); err == nil {
			t.Errorf("%+v: no error", s)
		}
	}
}

func TestParseWants(t *testing.T) {
	tests := []struct {
		line string
		n    int
		err  bool
	}{
		{`x: 1 # want "a" "b"`, 2, false},
		{"x: 1 # want `a\\d`", 1, false},
		{`x: 1 # want warning:"a" error:"b"`, 2, false},
		{`x: 1 # want fatal:"a"`, 0, true},
		{`x: 1 # want a`, 0, true},
		{`x: 1 # want "("`, 0, true},
		{`x: 1 # wanted`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			w, err := parseWants([]byte(tt.line))
			if (err != nil) != tt.err || len(w) != tt.n {
				t.Errorf("got %d wants, err %v; want %d, error %v", len(w), err, tt.n, tt.err)
			}
		})
	}
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

func (r *recorder) Fatal(args ...any) {
	r.Errorf("%s", fmt.Sprint(args...))
	panic(fatal{})
}
