package lint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/lint"
)

// benchFile is one realistic file: a node agent with its RBAC and config.
func benchFile(b *testing.B) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", "corpus", "cni", "cni-agent.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkLintFile is the pre-commit case: one file, all rules, the
// embedded schemas (compiled once, outside the loop, as a long run would).
func BenchmarkLintFile(b *testing.B) {
	data := benchFile(b)
	l, err := lint.New(lint.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.LintDocuments("cni-agent.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLintCorpus lints a generated directory of 200 files of 5
// objects each, with all rules and with schema validation only.
func BenchmarkLintCorpus(b *testing.B) {
	data := benchFile(b)
	dir := b.TempDir()
	for i := range 200 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("agent-%03d.yaml", i)), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, schemaOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("schema-only=%v", schemaOnly), func(b *testing.B) {
			l, err := lint.New(lint.Options{WorkDir: dir, SchemaOnly: schemaOnly})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(200 * len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := l.Lint(context.Background(), []string{"."}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
