package everynode

import (
	"strings"
	"testing"
)

func TestLint(t *testing.T) {
	v, err := Lint("ds.yaml", []byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "registry.example.com/agent:v1", ports: [{containerPort: 70000}]}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Rejected() {
		t.Fatal("a port of 70000 is not an error")
	}
	if v.Errors[0].Path != "spec.template.spec.containers[0].ports[0].containerPort" {
		t.Errorf("path %q", v.Errors[0].Path)
	}
}

func TestGenerate(t *testing.T) {
	for _, tmpl := range Templates() {
		g, err := Generate(tmpl.Name+".yaml", tmpl.Data)
		if err != nil {
			t.Fatal(err)
		}
		if !g.Accepted() {
			t.Errorf("template %s refused: %v", tmpl.Name, g.Problems)
			continue
		}
		kinds := ""
		for _, o := range g.Objects {
			kinds += o.Kind + " "
			if !strings.Contains(string(o.YAML), "kind: "+o.Kind) {
				t.Errorf("template %s: the %s document is\n%s", tmpl.Name, o.Kind, o.YAML)
			}
		}
		if !strings.Contains(kinds, "DaemonSet") {
			t.Errorf("template %s renders %s", tmpl.Name, kinds)
		}
	}
	// The example: a long-form probe without a port.
	g, err := Generate("probe.yaml", []byte(`apiVersion: everynode.dev/v1alpha1
kind: Daemon
metadata: {name: agent, namespace: agents}
spec:
  image: registry.example.com/agent:1.0.0
  startupProbe: {tcpSocket: {}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if g.Accepted() {
		t.Error("the generator accepts startupProbe: {tcpSocket: {}}")
	}
}

// TestNotObject: the documents lint skips as not Kubernetes objects are
// recognised by their skip reasons, which lint may reword.
func TestNotObject(t *testing.T) {
	for in, want := range map[string]bool{
		"- a\n- b\n":                                 true,
		"just a string\n":                            true,
		"0:\n":                                       true,
		"apiVersion:\n":                              true,
		"apiVersion: A\n":                            true,
		"metadata: {name: a}\nspec: {}\n":            true,
		"kind: DaemonSet\nmetadata: {name: a}\n":     false, // half a built-in type: an error
		"apiVersion: apps/v1\nkind: DaemonSet\n":     false,
		"apiVersion: example.com/v1\nkind: Widget\n": false,
	} {
		v, err := Lint("d.yaml", []byte(in))
		if err != nil {
			t.Fatal(err)
		}
		if v.NotObject != want {
			t.Errorf("%q: NotObject = %v, want %v", in, v.NotObject, want)
		}
	}
}
