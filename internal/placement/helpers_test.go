package placement

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"sort"
	"testing"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/everynode/everynode/internal/document"
)

// inventories are the node fixtures: what `kubectl get nodes` prints for
// a kind cluster, a kubeadm cluster with control-plane taints and sick
// nodes, a managed cloud cluster with GPU, spot, arm64, Windows and
// dedicated pools, and an edge fleet.
var inventories = []string{"kind.yaml", "kubeadm.json", "cloud.yaml", "edge.yaml"}

func readInventory(t testing.TB, name string) []Node {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "nodes", name))
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := ReadNodes("nodes/"+name, data)
	if err != nil {
		t.Fatalf("ReadNodes(%s): %v", name, err)
	}
	return nodes
}

// readDaemonSets reads every DaemonSet of the YAML files in dir, in name
// order, as the engine will hand them over: decoded, with the file
// (slash-separated, relative) and the document index.
func readDaemonSets(t testing.TB, dir string) []DaemonSetSource {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var out []DaemonSetSource
	for _, f := range files {
		out = append(out, readDaemonSetFile(t, f, path.Join(filepath.Base(dir), filepath.Base(f)))...)
	}
	return out
}

func readDaemonSetFile(t testing.TB, file, name string) []DaemonSetSource {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := document.Parse(name, data, document.Limits{})
	if len(s.Problems) > 0 {
		t.Fatalf("%s: %v", file, s.Problems)
	}
	var out []DaemonSetSource
	for _, d := range s.Docs {
		m, _ := d.Value.(map[string]any)
		if m["kind"] != "DaemonSet" {
			continue
		}
		raw, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		ds := &appsv1.DaemonSet{}
		if err := json.Unmarshal(raw, ds); err != nil {
			t.Fatalf("%s document %d: %v", file, d.Index, err)
		}
		out = append(out, DaemonSetSource{File: name, Document: d.Index, DaemonSet: ds})
	}
	return out
}
