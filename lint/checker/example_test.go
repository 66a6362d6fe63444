package checker_test

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// A caller that holds its objects in memory (the generator checking what
// it renders, say) selects a subset of the catalog and runs it: here the
// correctness rules that look at one object, under the default
// configuration. The object has no source, so findings name a field path
// and no line; an object read from a file sets rule.Object.Locate, or its
// Target a Locate, and findings get positions.
func ExampleChecker_Run() {
	c, err := checker.New(rules.All(), checker.Options{
		Only: func(r *rule.Rule) bool { return r.Category == rule.Correctness && !r.Deferred },
	})
	if err != nil {
		panic(err)
	}
	src := `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agnet}
    spec:
      containers: [{name: agent, image: agent:1.0}]
`
	var m map[string]any
	if err := yaml.Unmarshal([]byte(src), &m); err != nil {
		panic(err)
	}
	obj := &rule.Object{Resource: finding.ResourceOf(m), Map: m}
	for _, f := range c.Run([]*checker.Target{{Object: obj, File: "ds.yaml"}}) {
		fmt.Printf("%s: %s at %s\n", f.File, f.Rule, f.Path)
	}
	// Output:
	// ds.yaml: selector-mismatch at spec.template.metadata.labels
}
