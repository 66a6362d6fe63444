package lint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/report"
)

// goldenFinding is the JSON form of a finding in golden files: the json
// format's (report.JSONFinding), plus suppressed.
type goldenFinding struct {
	report.JSONFinding
	Suppressed bool `json:"suppressed,omitempty"`
}

func goldenJSON(t *testing.T, res *lint.Result) []byte {
	t.Helper()
	out := struct {
		Findings []goldenFinding    `json:"findings"`
		Summary  report.JSONSummary `json:"summary"`
	}{Findings: []goldenFinding{}, Summary: res.Summary}
	for _, f := range res.Findings {
		out.Findings = append(out.Findings, goldenFinding{JSONFinding: report.NewJSONFinding(&f), Suppressed: f.Suppressed})
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}

// checkGolden compares got with a golden file; UPDATE_GOLDEN=1 rewrites it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run with UPDATE_GOLDEN=1 to accept it); got:\n%s", path, got)
	}
}

// corpusLinter lints testdata/corpus with the real schemas, the real rule
// catalog and kustomize, as the CLI does.
func corpusLinter(t testing.TB, workers int) *lint.Linter {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("testdata", "corpus"))
	if err != nil {
		t.Fatal(err)
	}
	opts := lint.Options{WorkDir: dir, Workers: workers}
	lintinternal.SetHooks(&opts, lintinternal.Hooks{Kustomize: lintinternal.NewKustomizer(dir, nil)})
	l, err := lint.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCorpus(t *testing.T) {
	res, err := corpusLinter(t, 0).Lint(context.Background(), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "corpus.golden.json", goldenJSON(t, res))
	for _, f := range res.Findings {
		if f.Rule == finding.RuleInternal {
			t.Errorf("internal error: %s", f)
		}
		if f.File == "" || f.Line < 1 || f.Column < 1 {
			t.Errorf("finding without a position: %s", f)
		}
	}
}

// TestConcurrencyIsDeterministic lints the corpus with one worker and with
// many (run it with -race): the results must be identical.
func TestConcurrencyIsDeterministic(t *testing.T) {
	one, err := corpusLinter(t, 1).Lint(context.Background(), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		many, err := corpusLinter(t, 8).Lint(context.Background(), []string{"."})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(one.Findings, many.Findings, func(a, b finding.Finding) bool { return a.String() == b.String() && a.Suppressed == b.Suppressed }) ||
			one.Summary != many.Summary {
			t.Fatalf("8 workers found something else than 1:\n%s\nvs\n%s", goldenJSON(t, many), goldenJSON(t, one))
		}
	}
}
