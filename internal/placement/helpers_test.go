package placement

import (
	"os"
	"path/filepath"
	"testing"
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
