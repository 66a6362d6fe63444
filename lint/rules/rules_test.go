package rules

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// TestRules runs every registered rule on its own fixtures (see
// harness_test.go for the fixture syntax). A new rule needs no test code:
// only testdata/<rule-id>/fire-*.yaml and dont-fire-*.yaml.
func TestRules(t *testing.T) {
	for _, r := range checked() {
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			fire, dontFire := fixtures(t, r.ID)
			for _, f := range slices.Concat(fire, dontFire) {
				t.Run(strings.TrimSuffix(filepath.Base(f), ".yaml"), func(t *testing.T) {
					checkFixture(t, r, f)
				})
			}
		})
	}
}

// checked returns the rules with a Check: the catalog without the
// engine's own findings, which the engine's tests cover.
func checked() []*rule.Rule {
	var out []*rule.Rule
	for _, r := range All() {
		if r.Check != nil {
			out = append(out, r)
		}
	}
	return out
}

// notRuleDirs are testdata directories that belong to no single rule.
var notRuleDirs = map[string]bool{"agents": true, "harness": true}

// TestCatalogComplete fails when a registered rule has no fixtures or an
// incomplete doc, or when a fixture directory names no rule, so the catalog
// and its tests cannot drift apart.
func TestCatalogComplete(t *testing.T) {
	if err := rule.Validate(All()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range checked() {
		ids[r.ID] = true
		t.Run(r.ID, func(t *testing.T) {
			fire, dontFire := fixtures(t, r.ID)
			if len(fire) == 0 {
				t.Errorf("no testdata/%s/fire-*.yaml fixture", r.ID)
			}
			if len(dontFire) == 0 {
				t.Errorf("no testdata/%s/dont-fire-*.yaml fixture", r.ID)
			}
			for _, ex := range []struct{ name, text string }{{"Bad", r.Doc.Bad}, {"Good", r.Doc.Good}} {
				if !strings.Contains(ex.text, ":") {
					t.Errorf("Doc.%s does not look like a YAML example: %q", ex.name, ex.text)
				}
			}
		})
	}
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !ids[e.Name()] && !notRuleDirs[e.Name()] {
			t.Errorf("testdata/%s names no registered rule (renamed or removed?)", e.Name())
		}
	}
}

// TestHarness checks the harness itself on fixtures that must fail: a
// harness that passes everything would make every rule test vacuous.
func TestHarness(t *testing.T) {
	probe := &rule.Rule{ID: "harness-probe", Severity: finding.Error, Check: func(p *rule.Pass) {
		if p.Object.Get(specPath.Child("bad")) != nil {
			p.Reportf(specPath.Child("bad"), "bad is set to %v", p.Object.Get(specPath.Child("bad")))
		}
	}}
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
				checkFixture(rec, probe, filepath.Join("testdata", "harness", tt.file))
			}()
			if len(rec.errors) != tt.failures {
				t.Errorf("got %d failures, want %d:\n%s", len(rec.errors), tt.failures, strings.Join(rec.errors, "\n"))
			}
		})
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
