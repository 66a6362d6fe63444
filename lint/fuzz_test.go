package lint_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/testkit/fuzztest"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
)

// FuzzLintDocuments runs the whole pipeline (parse, classify, schema,
// rules, suppressions) with the real schemas and rule catalog on arbitrary
// bytes: it must not panic, no rule may fail (an internal-error finding is
// a rule that panicked), and every finding must point inside the file.
// Seeds: testdata/fuzz/FuzzLintDocuments (realistic manifests) and the
// corpus files below.
func FuzzLintDocuments(f *testing.F) {
	for _, name := range []string{
		"cni/cni-agent.yaml", "monitoring/node-exporter.yaml", "misc/list.yaml", "misc/suppressions.yaml",
		"misc/syntax-errors.yaml", "misc/daemonset.json", "misc/crd.yaml", "misc/a-custom-resources.yaml",
	} {
		data, err := os.ReadFile(filepath.Join("testdata", "corpus", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	opts := lint.Options{Workers: 1}
	lintinternal.SetHooks(&opts, lintinternal.Hooks{Limits: document.Limits{MaxDepth: 64, MaxNodes: 20_000}})
	l, err := lint.New(opts)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		res, err := l.LintDocuments("fuzz.yaml", data)
		if err != nil {
			t.Fatalf("LintDocuments: %v", err)
		}
		file := document.NewFile("fuzz.yaml", data)
		for _, fd := range res.Findings {
			if fd.Rule == finding.RuleInternal {
				t.Fatalf("a rule failed: %s", fd)
			}
			if fd.File != "fuzz.yaml" {
				t.Fatalf("finding names another file: %s", fd)
			}
			if fd.Line < 1 || fd.Line > file.Lines() || fd.Column < 1 {
				t.Fatalf("finding outside the file (%d lines): %s", file.Lines(), fd)
			}
			text := strings.TrimPrefix(file.Line(fd.Line), "\uFEFF")
			if fd.Column > utf8.RuneCountInString(text)+1 {
				t.Fatalf("finding past the end of line %d (%d characters): %s", fd.Line, utf8.RuneCountInString(text), fd)
			}
			if fd.Message == "" || fd.Rule == "" {
				t.Fatalf("finding without a rule or message: %#v", fd)
			}
		}
	})
}
