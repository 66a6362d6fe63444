package schema

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
)

func loadCRD(t *testing.T, v *Validator, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := document.Parse(path, data, document.Limits{})
	if len(s.Problems) > 0 {
		t.Fatal(s.Problems)
	}
	var out []string
	for _, d := range s.Docs {
		out = append(out, strs(v.AddCRD(d.Value.(map[string]any)))...)
	}
	return out
}

func TestAddCRD(t *testing.T) {
	v, err := New(Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	got := loadCRD(t, v, "testdata/crd.yaml")
	want := []string{
		`spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.target.pattern: pattern "^(?=[a-z])[a-z0-9.-]+$" is not supported by Go regular expressions (invalid or unsupported Perl syntax: "(?="); values are not checked against it [schema]`,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("AddCRD: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	const head = "apiVersion: example.com/v1\nkind: Probe\nmetadata: {name: p, labels: {team: net}}\n"
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{name: "valid", yaml: head + "spec: {target: node-1, interval: 30s, replicas: 3, mode: Slow, port: 8080, labels: {a: b}, ratio: 0.5}\n"},
		{name: "int-or-string as a name", yaml: head + "spec: {target: x, port: http}\n"},
		{
			name: "int-or-string wrong type",
			yaml: head + "spec: {target: x, port: true}\n",
			want: []string{`spec.port: expected integer or string, got boolean true [schema]`},
		},
		{
			name: "the dropped pattern is not checked, the rest is",
			yaml: head + "spec: {target: \"\"}\n",
			want: []string{`spec.target: must be at least 1 character long, got 0 ("") [schema]`},
		},
		{
			name: "pattern",
			yaml: head + "spec: {target: x, interval: 30 seconds}\n",
			want: []string{`spec.interval: "30 seconds" does not match the pattern "^[0-9]+(s|m|h)$" [schema]`},
		},
		{
			name: "bounds",
			yaml: head + "spec: {target: x, replicas: 11, ratio: 0}\n",
			want: []string{
				`spec.ratio: must be greater than 0, got 0 [schema]`,
				`spec.replicas: must be at most 10, got 11 [schema]`,
			},
		},
		{
			name: "multipleOf",
			yaml: head + "spec: {target: x, ratio: 0.3}\n",
			want: []string{`spec.ratio: must be a multiple of 0.25, got 0.3 [schema]`},
		},
		{
			name: "enum with a suggestion",
			yaml: head + "spec: {target: x, mode: fast}\n",
			want: []string{`spec.mode: must be one of "Fast", "Slow", got string "fast" (did you mean "Fast"?) [schema]`},
		},
		{
			name: "missing required",
			yaml: head + "spec: {mode: Fast}\n",
			want: []string{`spec.target: missing required field "target" [schema]`},
		},
		{
			name: "unknown field",
			yaml: head + "spec: {target: x, intervall: 5s}\n",
			want: []string{`spec.intervall: unknown field "intervall" (did you mean "interval"?) [schema]`},
		},
		{
			name: "unknown field at the root",
			yaml: head + "spec: {target: x}\nspecs: {}\n",
			want: []string{`specs: unknown field "specs" (did you mean "spec"?) [schema]`},
		},
		{name: "preserve-unknown-fields", yaml: head + "spec: {target: x, extra: {anything: [1, {deep: true}]}}\nstatus: {whatever: 1}\n"},
		{
			name: "an object without properties keeps no fields",
			yaml: head + "spec: {target: x, pruned: {a: 1}}\n",
			want: []string{`spec.pruned.a: unknown field "a" [schema]`},
		},
		{name: "embedded resource", yaml: head + "spec: {target: x, template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: []}}}\n"},
		{name: "nullable", yaml: head + "spec: {target: x, note: null, tags: [a, null]}\n"},
		{
			name: "array bounds",
			yaml: head + "spec: {target: x, tags: [a, b, c, d]}\n",
			want: []string{`spec.tags: must have at most 3 items, got 4 [schema]`},
		},
		{
			name: "oneOf of required fields",
			yaml: head + "spec: {target: x, auth: {token: t, secretRef: s}}\n",
			want: []string{`spec.auth: matches more than one of the forms this field allows, and must match exactly one [schema]`},
		},
		{
			name: "oneOf with no match reports the closest branch",
			yaml: head + "spec: {target: x, auth: {}}\n",
			want: []string{`spec.auth.token: missing required field "token" [schema]`},
		},
		{
			name: "metadata is ObjectMeta",
			yaml: "apiVersion: example.com/v1\nkind: Probe\nmetadata: {name: p, labels: {team: 1}, lables: {}}\nspec: {target: x}\n",
			want: []string{
				`metadata.labels.team: expected string, got integer 1 [schema]`,
				`metadata.lables: unknown field "lables" (did you mean "labels"?) [schema]`,
			},
		},
		{
			name: "a version that is not served",
			yaml: "apiVersion: example.com/v1alpha1\nkind: Probe\nmetadata: {name: p}\n",
			want: []string{`no schema for example.com/v1alpha1 Probe in Kubernetes 1.37, not validated (a custom resource? load its CustomResourceDefinition to validate it) [no-schema]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strs(v.Validate(parse(t, tt.yaml)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAddCRDRelaxed(t *testing.T) {
	v, err := New(Options{Strict: false})
	if err != nil {
		t.Fatal(err)
	}
	loadCRD(t, v, "testdata/crd.yaml")
	obj := parse(t, "apiVersion: example.com/v1\nkind: Probe\nmetadata: {name: p}\nspec: {target: x, intervall: 5s, replicas: \"3\"}\n")
	got := strs(v.Validate(obj))
	want := []string{`spec.replicas: expected integer, got string "3" [schema]`}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAddCRDProblems(t *testing.T) {
	v, err := New(Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{
			name: "not a CRD",
			yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
			want: []string{`kind: not a CustomResourceDefinition (apiextensions.k8s.io/v1): apiVersion "v1", kind "ConfigMap" [schema]`},
		},
		{
			name: "no group or kind",
			yaml: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: x}\nspec: {names: {plural: xs}}\n",
			want: []string{
				`spec.group: missing required field "group" [schema]`,
				`spec.names.kind: missing required field "kind" [schema]`,
			},
		},
		{
			name: "nothing served",
			yaml: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: xs.example.com}\nspec: {group: example.com, names: {kind: X}, versions: [{name: v1, served: false}]}\n",
			want: []string{`spec: CustomResourceDefinition xs.example.com serves no version [schema]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := strs(v.AddCRD(parse(t, tt.yaml)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAddCRDv1beta1(t *testing.T) {
	// v1beta1 CRDs keep unknown fields unless preserveUnknownFields is
	// false, and may share one schema between versions.
	v, err := New(Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	crd := `apiVersion: apiextensions.k8s.io/v1beta1
kind: CustomResourceDefinition
metadata: {name: olds.example.com}
spec:
  group: example.com
  names: {kind: Old, plural: olds}
  version: v1
  validation:
    openAPIV3Schema:
      properties:
        spec:
          properties:
            size: {type: integer}
`
	if errs := v.AddCRD(parse(t, crd)); errs != nil {
		t.Fatal(errs)
	}
	got := strs(v.Validate(parse(t, "apiVersion: example.com/v1\nkind: Old\nmetadata: {name: o}\nspec: {size: big, other: 1}\n")))
	want := []string{`spec.size: expected integer, got string "big" [schema]`}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
