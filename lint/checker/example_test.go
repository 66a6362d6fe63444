package checker_test

import (
	"fmt"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// A caller that holds its objects in memory (the generator checking what
// it renders, say) selects a subset of the catalog and runs it: here the
// correctness rules that look at one object, under the default
// configuration.
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
	stream := document.Parse("ds.yaml", []byte(src), document.Limits{})
	doc := stream.Docs[0]
	m := doc.Value.(map[string]any)
	obj := &rule.Object{Doc: doc, Resource: finding.ResourceOf(m), Map: m}
	for _, f := range c.Run([]*checker.Target{{Object: obj}}) {
		fmt.Printf("%s:%d:%d %s at %s\n", f.File, f.Line, f.Column, f.Rule, f.Path)
	}
	// Output:
	// ds.yaml:6:19 selector-mismatch at spec.selector.matchLabels.app
}
