package lint_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/everynode/everynode/internal/testkit/benchcorpus"
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

// BenchmarkLintFirstFile is what one process pays for one file: a new
// Linter (rule selection, schema index) and the first lint, which compiles
// the schemas of the kinds it meets.
func BenchmarkLintFirstFile(b *testing.B) {
	data := benchFile(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := lint.New(lint.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := l.LintDocuments("cni-agent.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}

// benchCorpusFiles is the size of the generated corpus: small by default,
// so that CI's -benchtime=1x run is quick; EVERYNODE_BENCH_FILES=2000 is
// the corpus bench/compare.sh times.
func benchCorpusFiles(b *testing.B) int {
	if s := os.Getenv("EVERYNODE_BENCH_FILES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("EVERYNODE_BENCH_FILES=%q: want a positive number", s)
		}
		return n
	}
	return 200
}

// BenchmarkLintCorpus lints a generated corpus (node agents with their
// RBAC, configuration and Services, and one CNI install of several
// thousand lines: internal/testkit/benchcorpus), with all rules and with schema
// validation only.
func BenchmarkLintCorpus(b *testing.B) {
	dir := b.TempDir()
	st, err := benchcorpus.Write(dir, benchcorpus.Options{Seed: 1, Files: benchCorpusFiles(b), Big: 1})
	if err != nil {
		b.Fatal(err)
	}
	for _, schemaOnly := range []bool{false, true} {
		b.Run(fmt.Sprintf("schema-only=%v", schemaOnly), func(b *testing.B) {
			l, err := lint.New(lint.Options{WorkDir: dir, SchemaOnly: schemaOnly})
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Bytes)
			b.ReportAllocs()
			for b.Loop() {
				res, err := l.Lint(context.Background(), []string{"."})
				if err != nil {
					b.Fatal(err)
				}
				if res.Summary.Resources != st.Documents {
					b.Fatalf("linted %d resources, want %d", res.Summary.Resources, st.Documents)
				}
			}
			b.ReportMetric(float64(st.Documents)*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
