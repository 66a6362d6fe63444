package rules

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// benchObjects parses a realistic node agent's DaemonSet (a CNI agent:
// host network, init containers, probes, host paths).
func benchObjects(b *testing.B) []*rule.Object {
	b.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "agents", "cni-agent.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	return ruletest.Objects(b, "cni-agent.yaml", data)
}

// fresh copies objects without their decoded DaemonSet, as the engine sees
// each object once.
func fresh(objs []*rule.Object) []*rule.Object {
	out := make([]*rule.Object, len(objs))
	for i, o := range objs {
		out[i] = &rule.Object{Base: o.Base, Resource: o.Resource, Map: o.Map, Locate: o.Locate}
	}
	return out
}

// BenchmarkRules runs the whole catalog, deferred rules included, on the
// DaemonSet of a realistic CNI agent, decoding the typed DaemonSet as
// the engine does once per object.
func BenchmarkRules(b *testing.B) {
	objs := benchObjects(b)
	c := ruletest.Checker(b, checked(), ruletest.Settings{})
	b.ReportAllocs()
	for b.Loop() {
		targets := make([]*checker.Target, len(objs))
		for i, o := range fresh(objs) {
			targets[i] = &checker.Target{Object: o}
		}
		c.Run(targets)
	}
}

// BenchmarkDecodeDaemonSet is the typed decoding that rules share through
// rule.Object.DaemonSet.
func BenchmarkDecodeDaemonSet(b *testing.B) {
	var ds *rule.Object
	for _, o := range benchObjects(b) {
		if o.Resource.Kind == "DaemonSet" {
			ds = o
		}
	}
	if ds == nil {
		b.Fatal("no DaemonSet")
	}
	b.ReportAllocs()
	for b.Loop() {
		o := &rule.Object{Resource: ds.Resource, Map: ds.Map}
		if o.DaemonSet() == nil {
			b.Fatal("does not decode")
		}
	}
}
