package report

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// benchReport is 10,000 findings over 100 files of 200 lines, with sources
// for the text format's carets.
func benchReport() *Report {
	var src strings.Builder
	for i := range 200 {
		fmt.Fprintf(&src, "      key%d: value with some text, and ünïcödé %d\n", i, i)
	}
	file := []byte(src.String())
	files := map[string][]byte{}
	var fs []finding.Finding
	sevs := []finding.Severity{finding.Error, finding.Warning, finding.Info}
	for i := range 10_000 {
		name := fmt.Sprintf("deploy/app-%03d.yaml", i%100)
		files[name] = file
		fs = append(fs, finding.Finding{
			Rule: []string{"schema", "host-network", "missing-memory-limit"}[i%3], Severity: sevs[i%3],
			File: name, Line: i/100 + 1, Column: 7, Document: i % 4,
			Resource: finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: "kube-system", Name: fmt.Sprintf("agent-%d", i%4)},
			Path:     fieldpath.New("spec", "template", "spec", "containers").Index(i%3).Child("resources", "limits", "memory"),
			Message:  fmt.Sprintf("spec.template.spec.containers[%d].resources.limits.memory: expected a quantity, got string \"lots\"", i%3),
		})
	}
	fs = finding.SortAndDedupe(fs)
	r := &Report{
		Findings: fs, Summary: finding.Summary{Files: 100, Documents: 400, Resources: 400},
		Source: func(name string) []byte { return files[name] }, Rules: fixtureLookup, ToolVersion: "v0.1.0",
	}
	r.Summary.Count(fs)
	return r
}

func benchmarkFormat(b *testing.B, f Format) {
	r := benchReport()
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, f, r, Options{FailOn: finding.Error}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkText10k(b *testing.B)  { benchmarkFormat(b, Text) }
func BenchmarkJSON10k(b *testing.B)  { benchmarkFormat(b, JSON) }
func BenchmarkSARIF10k(b *testing.B) { benchmarkFormat(b, SARIF) }
