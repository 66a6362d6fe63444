package schema

import (
	"os"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/testkit/benchcorpus"
	"github.com/everynode/everynode/schemas"
)

func loadObject(b testing.TB, path string) map[string]any {
	b.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := document.Parse(path, data, document.Limits{})
	if len(s.Problems) > 0 || len(s.Docs) == 0 {
		b.Fatalf("%s: %v", path, s.Problems)
	}
	obj, ok := s.Docs[0].Value.(map[string]any)
	if !ok {
		b.Fatalf("%s: not an object", path)
	}
	return obj
}

// BenchmarkNew is the cost of a Validator before any object is seen.
func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(Options{Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileDaemonSet compiles every definition a DaemonSet can
// reach (all of PodSpec: volumes, probes, affinity...), as an eager
// compiler would. The release index is already loaded, as it is after the
// first object of a run.
func BenchmarkCompileDaemonSet(b *testing.B) {
	if _, err := schemas.Kubernetes(""); err != nil {
		b.Fatal(err)
	}
	gvk := schemas.GVK{Group: "apps", Version: "v1", Kind: "DaemonSet"}
	for b.Loop() {
		v, err := New(Options{Strict: true})
		if err != nil {
			b.Fatal(err)
		}
		root, errs := v.rootFor(gvk)
		if errs != nil {
			b.Fatal(errs)
		}
		if err := compileAll(root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstDaemonSet is what a one-file lint pays: a new Validator
// validating one DaemonSet, compiling only the definitions it reaches.
func BenchmarkFirstDaemonSet(b *testing.B) {
	obj := loadObject(b, "testdata/daemonset.yaml")
	if _, err := schemas.Kubernetes(""); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		v, err := New(Options{Strict: true})
		if err != nil {
			b.Fatal(err)
		}
		if errs := v.Validate(obj); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkValidateDaemonSet is the steady state: one valid DaemonSet
// against its compiled schema.
func BenchmarkValidateDaemonSet(b *testing.B) {
	obj := loadObject(b, "testdata/daemonset.yaml")
	v, err := New(Options{Strict: true})
	if err != nil {
		b.Fatal(err)
	}
	if errs := v.Validate(obj); len(errs) > 0 {
		b.Fatal(errs)
	}
	b.ResetTimer()
	for b.Loop() {
		if errs := v.Validate(obj); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkValidateDaemonSetParallel checks that a shared Validator scales
// across goroutines (no lock on the hot path).
func BenchmarkValidateDaemonSetParallel(b *testing.B) {
	obj := loadObject(b, "testdata/daemonset.yaml")
	v, err := New(Options{Strict: true})
	if err != nil {
		b.Fatal(err)
	}
	v.Validate(obj)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			v.Validate(obj)
		}
	})
}

// compileAll forces the compilation of every definition reachable from n.
func compileAll(n *node) error {
	seen := map[*node]bool{}
	var walk func(n *node) error
	walk = func(n *node) error {
		if n == nil || seen[n] {
			return nil
		}
		seen[n] = true
		if n.ref != nil {
			r, err := n.ref.get()
			if err != nil {
				return err
			}
			return walk(r)
		}
		kids := []*node{n.items, n.additional, n.not}
		for _, p := range n.props {
			kids = append(kids, p)
		}
		for _, pp := range n.patternProps {
			kids = append(kids, pp.node)
		}
		kids = append(append(append(kids, n.allOf...), n.anyOf...), n.oneOf...)
		for _, k := range kids {
			if err := walk(k); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(n)
}

// BenchmarkValidateAgentFile validates every object of a node agent's
// file (RBAC, ConfigMaps, Services, NetworkPolicy, DaemonSet) against
// schemas already compiled: the steady state of a corpus run.
func BenchmarkValidateAgentFile(b *testing.B) {
	data, _ := benchcorpus.Agent(1, 0)
	var objs []map[string]any
	for _, d := range document.Parse("agent.yaml", data, document.Limits{}).Docs {
		if m, ok := d.Value.(map[string]any); ok {
			objs = append(objs, m)
		}
	}
	v, err := New(Options{Strict: true})
	if err != nil {
		b.Fatal(err)
	}
	for _, o := range objs {
		if errs := v.Validate(o); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range objs {
			v.Validate(o)
		}
	}
	b.ReportMetric(float64(len(objs)), "objects/op")
}
