package rule

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/testkit/benchcorpus"
)

// checkDecode compares decode with the converter it replaces on one
// object: both fail, or both give the same DaemonSet.
func checkDecode(t *testing.T, name string, m map[string]any) {
	t.Helper()
	want := &appsv1.DaemonSet{}
	wantErr := runtime.DefaultUnstructuredConverter.FromUnstructured(m, want)
	got := &appsv1.DaemonSet{}
	gotErr := decode(m, got)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("%s: decode error %v, converter error %v", name, gotErr, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: decode gives\n%#v\nthe converter\n%#v", name, got, want)
	}
}

// objects returns every object of a YAML stream.
func objects(name string, data []byte) []map[string]any {
	var out []map[string]any
	for _, d := range document.Parse(name, data, document.Limits{}).Docs {
		if m, ok := d.Value.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// TestDecodeMatchesConverter runs the comparison on every manifest of
// the rule and engine fixtures (valid and invalid DaemonSets, other
// kinds), on a generated corpus, and on each of their DaemonSets with
// values replaced by values of every other type, one at a time.
func TestDecodeMatchesConverter(t *testing.T) {
	var sources []struct {
		name string
		data []byte
	}
	for _, root := range []string{filepath.Join("..", "rules", "testdata"), filepath.Join("..", "testdata")} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".json")) {
				return err
			}
			data, err := readFile(p)
			sources = append(sources, struct {
				name string
				data []byte
			}{p, data})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 40 {
		data, _ := benchcorpus.Agent(7, i)
		sources = append(sources, struct {
			name string
			data []byte
		}{"agent", data})
	}
	big, _ := benchcorpus.Big(7, 0)
	sources = append(sources, struct {
		name string
		data []byte
	}{"cni-install", big})
	if len(sources) < 100 {
		t.Fatalf("only %d fixtures found", len(sources))
	}
	replacements := []any{nil, "text", "80", int64(3), int64(-1), uint64(1 << 63), 1.5, 2.0, true, map[string]any{"a": "b"}, []any{"x"}, []any{}, map[string]any{}}
	daemonSets := 0
	for _, s := range sources {
		for _, m := range objects(s.name, s.data) {
			checkDecode(t, s.name, m)
			if m["kind"] != "DaemonSet" {
				continue
			}
			daemonSets++
			for i, p := range leaves(m, nil) {
				if i%8 != daemonSets%8 {
					continue // an eighth of the leaves of each DaemonSet keeps the test quick
				}
				for _, r := range replacements {
					checkDecode(t, s.name+" with "+strings.Join(p, ".")+" replaced", replaced(m, p, r))
				}
			}
		}
	}
	if daemonSets < 50 {
		t.Fatalf("only %d DaemonSets compared", daemonSets)
	}
}

// leaves lists the paths (keys, or list indices as "#i") to every value.
func leaves(v any, at []string) [][]string {
	var out [][]string
	switch c := v.(type) {
	case map[string]any:
		for k, x := range c {
			p := append(append([]string{}, at...), k)
			out = append(out, p)
			out = append(out, leaves(x, p)...)
		}
	case []any:
		for i, x := range c {
			p := append(append([]string{}, at...), "#"+string(rune('0'+i%10)))
			if i >= 10 {
				continue
			}
			out = append(out, p)
			out = append(out, leaves(x, p)...)
		}
	}
	return out
}

// replaced returns a copy of m with the value at p replaced by r.
func replaced(m map[string]any, p []string, r any) map[string]any {
	var walk func(v any, p []string) any
	walk = func(v any, p []string) any {
		if len(p) == 0 {
			return r
		}
		switch c := v.(type) {
		case map[string]any:
			cp := make(map[string]any, len(c))
			for k, x := range c {
				cp[k] = x
			}
			cp[p[0]] = walk(c[p[0]], p[1:])
			return cp
		case []any:
			cp := append([]any{}, c...)
			i := int(p[0][1] - '0')
			cp[i] = walk(c[i], p[1:])
			return cp
		}
		return v
	}
	return walk(m, p).(map[string]any)
}

// FuzzDecodeMatchesConverter compares the two on arbitrary YAML.
func FuzzDecodeMatchesConverter(f *testing.F) {
	for i := range 4 {
		data, _ := benchcorpus.Agent(3, i)
		f.Add(data)
	}
	f.Add([]byte("kind: DaemonSet\nspec: {template: {spec: {containers: [{name: a, resources: {limits: {cpu: 1.5}}, ports: [{containerPort: 80.0}]}]}}}\n"))
	f.Add([]byte("spec: {updateStrategy: {rollingUpdate: {maxUnavailable: 10%}}, minReadySeconds: '5'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, m := range objects("fuzz.yaml", data) {
			checkDecode(t, "fuzz", m)
		}
	})
}

func readFile(p string) ([]byte, error) { return os.ReadFile(p) }
