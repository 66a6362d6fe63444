package document_test

import (
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/testkit/benchcorpus"
	"github.com/everynode/everynode/lint/fieldpath"
)

// BenchmarkParse splits a file into documents and parses them with
// positions and typed values: a node agent's file (a dozen documents) and
// a CNI install of several thousand lines.
func BenchmarkParse(b *testing.B) {
	agent, _ := benchcorpus.Agent(1, 0)
	big, _ := benchcorpus.Big(1, 0)
	for _, bc := range []struct {
		name string
		data []byte
	}{{"agent", agent}, {"cni-install", big}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			for b.Loop() {
				s := document.Parse(bc.name+".yaml", bc.data, document.Limits{})
				if len(s.Problems) > 0 {
					b.Fatal(s.Problems)
				}
			}
		})
	}
}

// BenchmarkLocate turns a deep field path into a position, as every
// finding does.
func BenchmarkLocate(b *testing.B) {
	data, _ := benchcorpus.Big(1, 0)
	s := document.Parse("cni-install.yaml", data, document.Limits{})
	var ds *document.Document
	for _, d := range s.Docs {
		if m, ok := d.Value.(map[string]any); ok && m["kind"] == "DaemonSet" {
			ds = d
		}
	}
	if ds == nil {
		b.Fatal("no DaemonSet")
	}
	p := fieldpath.New("spec", "template", "spec", "containers").Index(0).Child("env").Index(40).Child("valueFrom", "configMapKeyRef", "key")
	b.ReportAllocs()
	for b.Loop() {
		if line, _, _ := ds.Locate(p); line == 0 {
			b.Fatal("not found")
		}
	}
}
