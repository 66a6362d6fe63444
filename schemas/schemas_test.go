package schemas

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xeipuuv/gojsonschema"
	sigsyaml "sigs.k8s.io/yaml"
)

func TestVersions(t *testing.T) {
	vs := Versions()
	want := []string{"1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36"}
	if len(vs) < len(want) || !slices.Equal(vs[:len(want)], want) {
		t.Fatalf("Versions() = %v, want %v first", vs, want)
	}
	if Newest() != vs[len(vs)-1] {
		t.Errorf("Newest() = %s, want the last of %v", Newest(), vs)
	}
}

func TestNormalizeVersion(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{in: "", want: Newest()},
		{in: "1.32", want: "1.32"},
		{in: "v1.32", want: "1.32"},
		{in: "1.32.0", want: "1.32"},
		{in: "v1.32.7", want: "1.32"},
		{in: " 1.30 ", want: "1.30"},
		{in: "1.29", err: "Kubernetes 1.29 has no embedded schemas (available: 1.30 to"},
		{in: "2.0", err: "Kubernetes 2.0 has no embedded schemas"},
		{in: "1", err: `invalid Kubernetes version "1": want MAJOR.MINOR`},
		{in: "1.x", err: `invalid Kubernetes version "1.x"`},
		{in: "master", err: `invalid Kubernetes version "master"`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizeVersion(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %q, %v; want error containing %q", got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	ds := GVK{"apps", "v1", "DaemonSet"}
	for _, v := range Versions() {
		t.Run(v, func(t *testing.T) {
			kinds, err := Kinds(v)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.IsSortedFunc(kinds, func(a, b GVK) int {
				return strings.Compare(a.Group+"\x00"+a.Version+"\x00"+a.Kind, b.Group+"\x00"+b.Version+"\x00"+b.Kind)
			}) {
				t.Error("kinds are not sorted")
			}
			for _, want := range []GVK{ds, {"", "v1", "ConfigMap"}, {"rbac.authorization.k8s.io", "v1", "ClusterRole"}} {
				if !slices.Contains(kinds, want) {
					t.Errorf("missing %s", want)
				}
			}
			s, _ := Kubernetes(v)
			def, ok := s.Lookup(ds)
			if !ok || def != "io.k8s.api.apps.v1.DaemonSet" {
				t.Errorf("Lookup(DaemonSet) = %q, %v", def, ok)
			}
			// Every definition the release names is stored.
			for _, k := range kinds {
				d, _ := s.Lookup(k)
				if _, err := s.Closure(d); err != nil {
					t.Errorf("%s: %v", k, err)
				}
			}
		})
	}
}

func TestIndexFastPathMatchesJSON(t *testing.T) {
	for _, v := range Versions() {
		b, err := files.ReadFile("kubernetes/v" + v + ".json")
		if err != nil {
			t.Fatal(err)
		}
		fast, ok := parseIndexFast(v, b)
		if !ok {
			t.Fatalf("%s: the generated index is not in the layout parseIndexFast reads", v)
		}
		slow, err := decodeIndex(v, b)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: fast and JSON readings differ", v)
		}
		if _, ok := parseIndexFast(v, []byte(strings.Replace(string(b), `"kinds":[`, `"kinds": [`, 1))); ok {
			t.Errorf("%s: a different layout must fall back to JSON", v)
		}
	}
}

func TestGeneratedShapes(t *testing.T) {
	s, err := Kubernetes("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ def, want string }{
		{"io.k8s.apimachinery.pkg.util.intstr.IntOrString", `{"type":["integer","string"]}`},
		{"io.k8s.apimachinery.pkg.api.resource.Quantity", `{"pattern":` + jsonString(QuantityPattern) + `,"type":["string","number"]}`},
		{"io.k8s.apimachinery.pkg.apis.meta.v1.Time", `{"format":"date-time","type":"string"}`},
	} {
		raw, ok := s.Raw(tt.def)
		if !ok || string(raw) != tt.want {
			t.Errorf("%s = %s, want %s", tt.def, raw, tt.want)
		}
	}
	raw, _ := s.Raw("io.k8s.api.core.v1.PodSpec")
	if strings.Contains(string(raw), "description") || strings.Contains(string(raw), "x-kubernetes-patch") {
		t.Error("PodSpec keeps keys that do not affect validation")
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestDocumentStrictness(t *testing.T) {
	s, _ := Kubernetes("")
	ds := GVK{"apps", "v1", "DaemonSet"}
	for _, tt := range []struct {
		opts       DocumentOptions
		closed     bool
		nullable   bool
		schemaKey  bool
		refsNoNull bool
	}{
		{opts: DocumentOptions{}},
		{opts: DocumentOptions{Strict: true}, closed: true},
		{opts: DocumentOptions{Strict: true, NullableOptional: true, SchemaURI: true}, closed: true, nullable: true, schemaKey: true},
	} {
		doc, err := s.Document(ds, tt.opts)
		if err != nil {
			t.Fatal(err)
		}
		defs := doc["definitions"].(map[string]any)
		spec := defs["io.k8s.api.core.v1.PodSpec"].(map[string]any)
		if got := spec["additionalProperties"] == false; got != tt.closed {
			t.Errorf("%+v: PodSpec closed = %v", tt.opts, got)
		}
		hostPID := spec["properties"].(map[string]any)["hostPID"].(map[string]any)
		if got := reflect.DeepEqual(hostPID["type"], []any{"boolean", "null"}); got != tt.nullable {
			t.Errorf("%+v: hostPID nullable = %v (%v)", tt.opts, got, hostPID["type"])
		}
		if _, got := doc["$schema"]; got != tt.schemaKey {
			t.Errorf("%+v: $schema present = %v", tt.opts, got)
		}
		// Maps keep taking any key: labels are additionalProperties.
		meta := defs["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"].(map[string]any)
		labels := meta["properties"].(map[string]any)["labels"].(map[string]any)
		if _, ok := labels["additionalProperties"].(map[string]any); !ok {
			t.Errorf("%+v: labels lost their value schema", tt.opts)
		}
	}
}

func TestSpec(t *testing.T) {
	for _, name := range []string{"daemon", "config", "daemon.schema.json"} {
		b, err := Spec(name)
		if err != nil {
			t.Errorf("Spec(%q): %v", name, err)
			continue
		}
		if !json.Valid(b) {
			t.Errorf("Spec(%q) is not JSON", name)
		}
	}
	for _, bad := range []string{"", "../go.mod", "kubernetes/v1.36", "nope"} {
		if _, err := Spec(bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Spec(%q): got %v, want fs.ErrNotExist", bad, err)
		}
	}
}

func TestKubeconformNames(t *testing.T) {
	for _, tt := range []struct {
		g    GVK
		want string
	}{
		{GVK{"apps", "v1", "DaemonSet"}, "daemonset-apps-v1.json"},
		{GVK{"", "v1", "ConfigMap"}, "configmap-v1.json"},
		{GVK{"rbac.authorization.k8s.io", "v1", "ClusterRoleBinding"}, "clusterrolebinding-rbac-v1.json"},
		{GVK{"autoscaling", "v2", "HorizontalPodAutoscaler"}, "horizontalpodautoscaler-autoscaling-v2.json"},
	} {
		if got := KubeconformFile(tt.g); got != tt.want {
			t.Errorf("KubeconformFile(%s) = %s, want %s", tt.g, got, tt.want)
		}
	}
	if got := KubeconformDir("1.36", true); got != "v1.36.0-standalone-strict" {
		t.Errorf("KubeconformDir = %s", got)
	}
	if got := KubeconformDir("1.30", false); got != "v1.30.0-standalone" {
		t.Errorf("KubeconformDir = %s", got)
	}
}

func TestExportKubeconform(t *testing.T) {
	dir := t.TempDir()
	res, err := ExportKubeconform(dir, "1.36", KubeconformOptions{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	kinds, _ := Kinds("1.36")
	if res.Files+len(res.Skipped) != len(kinds) || res.Files < 200 {
		t.Errorf("wrote %d files, skipped %d, for %d kinds", res.Files, len(res.Skipped), len(kinds))
	}
	if res.Dir != filepath.Join(dir, "v1.36.0-standalone-strict") {
		t.Errorf("Dir = %s", res.Dir)
	}
	entries, err := os.ReadDir(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != res.Files {
		t.Errorf("%d files in %s, want %d (no temporary files left)", len(entries), res.Dir, res.Files)
	}
	for _, want := range []string{"daemonset-apps-v1.json", "configmap-v1.json", "clusterrole-rbac-v1.json", "serviceaccount-v1.json"} {
		if _, err := os.Stat(filepath.Join(res.Dir, want)); err != nil {
			t.Error(err)
		}
	}
	// Every file is a JSON Schema a standard validator compiles on its
	// own (no references outside the file).
	compiled := map[string]*gojsonschema.Schema{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(res.Dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s, err := gojsonschema.NewSchemaLoader().Compile(gojsonschema.NewBytesLoader(b))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		compiled[e.Name()] = s
	}

	tests := []struct {
		file, yaml string
		wantErrs   []string
	}{
		{file: "daemonset-apps-v1.json", yaml: mustRead(t, "../internal/schema/testdata/daemonset.yaml")},
		{
			file: "daemonset-apps-v1.json",
			yaml: strings.Replace(mustRead(t, "../internal/schema/testdata/daemonset.yaml"), "hostPID: true", "hostPDI: true", 1),
			wantErrs: []string{
				"spec.template.spec: Additional property hostPDI is not allowed",
			},
		},
		{file: "configmap-v1.json", yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, creationTimestamp: null}\ndata: {a: b}\n"},
		{
			file:     "configmap-v1.json",
			yaml:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n",
			wantErrs: []string{"data.a: Invalid type. Expected: [string,null], given: integer"},
		},
	}
	for i, tt := range tests {
		js, err := sigsyaml.YAMLToJSON([]byte(tt.yaml))
		if err != nil {
			t.Fatal(err)
		}
		r, err := compiled[tt.file].Validate(gojsonschema.NewBytesLoader(js))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range r.Errors() {
			got = append(got, e.String())
		}
		if !slices.Equal(got, tt.wantErrs) {
			t.Errorf("case %d (%s): got %q, want %q", i, tt.file, got, tt.wantErrs)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// BenchmarkLoadRelease is the per-process cost of a release's index.
func BenchmarkLoadRelease(b *testing.B) {
	for b.Loop() {
		if _, err := loadSet(Newest()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDefinitionIndex is the per-process cost of finding the
// definitions in definitions.jsonl (nothing is decoded).
func BenchmarkDefinitionIndex(b *testing.B) {
	for b.Loop() {
		if len(indexDefinitions()) == 0 {
			b.Fatal("no definitions")
		}
	}
}

// BenchmarkDocumentDaemonSet decodes and tightens every definition a
// DaemonSet reaches (what export does per kind).
func BenchmarkDocumentDaemonSet(b *testing.B) {
	s, err := Kubernetes("")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Document(GVK{"apps", "v1", "DaemonSet"}, DocumentOptions{Strict: true}); err != nil {
			b.Fatal(err)
		}
	}
}
