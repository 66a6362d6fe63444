package placement

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
)

var formats = []struct {
	ext   string
	write func(*Result, *bytes.Buffer) error
}{
	{"txt", func(r *Result, b *bytes.Buffer) error { return r.WriteText(b) }},
	{"md", func(r *Result, b *bytes.Buffer) error { return r.WriteMarkdown(b) }},
	{"json", func(r *Result, b *bytes.Buffer) error { return r.WriteJSON(b) }},
}

// TestGolden places every fixture DaemonSet on every inventory and
// compares each format with testdata/golden; UPDATE_GOLDEN=1 rewrites
// the files (review the diff).
func TestGolden(t *testing.T) {
	ds := readDaemonSets(t, "testdata/daemonsets")
	cases := map[string]*Result{}
	for _, inv := range inventories {
		cases[strings.TrimSuffix(inv, filepath.Ext(inv))] = Compute(ds, readInventory(t, inv), Options{})
	}
	cases["edge-comparison-operators"] = Compute(ds, readInventory(t, "edge.yaml"), Options{TaintTolerationComparisonOperators: true})
	cases["nginx"] = seedResult(t)
	cases["empty"] = Compute(nil, nil, Options{})
	for name, res := range cases {
		for _, f := range formats {
			t.Run(name+"."+f.ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := f.write(res, &buf); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("testdata", "golden", name+"."+f.ext), buf.Bytes())
			})
		}
	}
}

func seedResult(t testing.TB) *Result {
	data, err := os.ReadFile("testdata/seed/nodes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := ReadNodes("nodes.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return Compute(readDaemonSetFile(t, "testdata/seed/daemonset.yaml", "daemonset.yaml"), nodes, Options{})
}

// TestSeedExample is the example: an nginx DaemonSet on two
// workers and a control-plane node lands on the two workers.
func TestSeedExample(t *testing.T) {
	res := seedResult(t)
	if len(res.DaemonSets) != 1 {
		t.Fatalf("got %d DaemonSets, want 1", len(res.DaemonSets))
	}
	ds := res.DaemonSets[0]
	if ds.Desired != 2 {
		t.Errorf("desired = %d, want 2", ds.Desired)
	}
	if res.PendingWarnings() != 0 {
		t.Errorf("PendingWarnings = %d, want 0", res.PendingWarnings())
	}
	for _, p := range ds.Nodes {
		want := p.Node != "kind-control-plane"
		if p.Runs != want {
			t.Errorf("%s: runs = %v, want %v", p.Node, p.Runs, want)
		}
		if p.Node == "kind-control-plane" && p.Reason != "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated" {
			t.Errorf("control-plane reason = %q", p.Reason)
		}
	}
}

// TestJSONContract decodes the JSON output generically and checks the
// key names and types of the contract, so that a renamed field fails
// here and not in a user's jq script.
func TestJSONContract(t *testing.T) {
	var buf bytes.Buffer
	if err := Compute(readDaemonSets(t, "testdata/daemonsets"), readInventory(t, "kubeadm.json"), Options{}).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(buf.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	// The hand-laid-out writer says what encoding/json says.
	res := Compute(readDaemonSets(t, "testdata/daemonsets"), readInventory(t, "kubeadm.json"), Options{})
	plain, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(plain, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(top, want) {
		t.Error("WriteJSON and json.Marshal disagree")
	}
	keys(t, "top", top, "nodes", "daemonsets", "nodeTotals")
	if _, ok := top["nodes"].(float64); !ok {
		t.Errorf("nodes is %T", top["nodes"])
	}
	for _, d := range top["daemonsets"].([]any) {
		dm := d.(map[string]any)
		keys(t, "daemonset", dm, "file", "document", "namespace", "name", "desired", "nodes")
		for _, n := range dm["nodes"].([]any) {
			nm := n.(map[string]any)
			keys(t, "node", nm, "node", "runs", "keepsRunning", "reason", "warnings")
			if _, ok := nm["warnings"].([]any); !ok {
				t.Errorf("warnings is %T, want a list", nm["warnings"])
			}
		}
	}
	for _, n := range top["nodeTotals"].([]any) {
		nm := n.(map[string]any)
		keys(t, "nodeTotal", nm, "node", "requests", "allocatable")
		for _, k := range []string{"requests", "allocatable"} {
			for r, q := range nm[k].(map[string]any) {
				if _, ok := q.(string); !ok {
					t.Errorf("%s[%s] is %T, want a quantity string", k, r, q)
				}
			}
		}
	}
}

func keys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	if len(m) != len(want) {
		t.Errorf("%s has keys %v, want exactly %v", what, mapKeys(m), want)
	}
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("%s lacks %q", what, k)
		}
	}
}

func mapKeys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if !bytes.Equal(got, want) {
		diff, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(want)), B: difflib.SplitLines(string(got)),
			FromFile: path, ToFile: "got", Context: 2,
		})
		t.Errorf("%s differs (UPDATE_GOLDEN=1 rewrites it):\n%s", path, diff)
	}
}
