package rule

import (
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

func TestDaemonSetDecodesAroundInvalidFields(t *testing.T) {
	m := map[string]any{
		"apiVersion": "apps/v1", "kind": "DaemonSet",
		"metadata": map[string]any{"name": "a"},
		"spec": map[string]any{
			"selector": map[string]any{"matchLabels": map[string]any{"app": "a"}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": "b"}},
				"spec": map[string]any{"containers": []any{map[string]any{
					"name": "c", "image": "i",
					"env": []any{map[string]any{"name": "X", "value": int64(1)}},
				}}},
			},
		},
	}
	res := finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Name: "a"}
	if ds := (&Object{Map: m, Resource: res}).DaemonSet(); ds != nil {
		t.Fatal("a mistyped env value decoded without pruning; the test no longer shows anything")
	}
	bad := fieldpath.Parse("spec.template.spec.containers[0].env[0].value")
	o := &Object{Map: m, Resource: res, Invalid: []fieldpath.Path{bad}}
	ds := o.DaemonSet()
	if ds == nil {
		t.Fatal("DaemonSet() = nil with the invalid field listed")
	}
	if got := ds.Spec.Template.Labels["app"]; got != "b" {
		t.Errorf("template label = %q, want b", got)
	}
	if env := ds.Spec.Template.Spec.Containers[0].Env; len(env) != 1 || env[0].Name != "X" || env[0].Value != "" {
		t.Errorf("env = %+v, want the name kept and the value dropped", env)
	}
	// The original map is untouched.
	if v := o.Get(bad); v != int64(1) {
		t.Errorf("original value changed: %#v", v)
	}
}

func TestValidateRejectsIncompleteRules(t *testing.T) {
	good := &Rule{ID: "some-rule", Category: Reliability, Severity: finding.Warning, Summary: "s",
		Doc: Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"}, Check: func(*Pass) {}}
	if err := Validate([]*Rule{good}); err != nil {
		t.Fatalf("valid rule rejected: %v", err)
	}
	for name, r := range map[string]*Rule{
		"not kebab":    {ID: "Some_Rule", Category: Reliability, Severity: finding.Warning, Summary: "s", Doc: good.Doc, Check: good.Check},
		"no doc":       {ID: "a", Category: Reliability, Severity: finding.Warning, Summary: "s", Check: good.Check},
		"no mirrors":   {ID: "a", Category: Correctness, Severity: finding.Error, Summary: "s", Doc: good.Doc, Check: good.Check},
		"no check":     {ID: "a", Category: Reliability, Severity: finding.Warning, Summary: "s", Doc: good.Doc},
		"bad category": {ID: "a", Category: "style", Severity: finding.Warning, Summary: "s", Doc: good.Doc, Check: good.Check},
	} {
		if err := Validate([]*Rule{r}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := Validate([]*Rule{good, good}); err == nil {
		t.Error("duplicate IDs accepted")
	}
}

func TestObjectHasAndPosition(t *testing.T) {
	o := &Object{Map: map[string]any{"spec": map[string]any{"port": nil, "ports": []any{map[string]any{"name": ""}}}}}
	for p, want := range map[string]bool{"spec.port": true, "spec.ports[0].name": true, "spec.host": false, "spec.ports[1]": false, "spec.port.x": false} {
		if got := o.Has(fieldpath.Parse(p)); got != want {
			t.Errorf("Has(%s) = %v, want %v", p, got, want)
		}
	}
	if file, line, col := o.Position(fieldpath.New("spec")); file != "" || line != 0 || col != 0 {
		t.Errorf("an object without Locate is at %s:%d:%d, want nowhere", file, line, col)
	}
	o.Locate = func(p fieldpath.Path) (string, int, int) { return "a.yaml", len(p), 1 }
	if file, line, _ := o.Position(fieldpath.New("spec", "port")); file != "a.yaml" || line != 2 {
		t.Errorf("Position does not go through Locate: %s:%d", file, line)
	}
}

func TestObjectAtLeast(t *testing.T) {
	tests := []struct {
		version string
		minor   int
		want    bool
	}{
		{"", 40, true},
		{"1.30", 31, false},
		{"1.31", 31, true},
		{"v1.37", 33, true},
		{"1.32.4", 33, false},
	}
	for _, tt := range tests {
		o := &Object{KubernetesVersion: tt.version}
		if got := o.AtLeast(tt.minor); got != tt.want {
			t.Errorf("AtLeast(%d) with %q = %v, want %v", tt.minor, tt.version, got, tt.want)
		}
	}
}
