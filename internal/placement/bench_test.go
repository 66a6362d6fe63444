package placement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// bigCluster is 500 nodes made from the cloud and kubeadm inventories
// (every pool, every sick node, renamed) and 50 DaemonSets made from the
// fixtures (renamed, so that each is its own row).
func bigCluster(b *testing.B) ([]DaemonSetSource, []Node) {
	base := append(readInventory(b, "cloud.yaml"), readInventory(b, "kubeadm.json")...)
	base = append(base, readInventory(b, "edge.yaml")...)
	var nodes []Node
	for i := 0; len(nodes) < 500; i++ {
		n := base[i%len(base)]
		n.Node = *n.Node.DeepCopy()
		n.Name = fmt.Sprintf("%s-%03d", n.Name, i)
		n.Labels["kubernetes.io/hostname"] = n.Name
		nodes = append(nodes, n)
	}
	fixtures := readDaemonSets(b, "testdata/daemonsets")
	var ds []DaemonSetSource
	for i := 0; len(ds) < 50; i++ {
		d := fixtures[i%len(fixtures)]
		d.DaemonSet = d.DaemonSet.DeepCopy()
		d.DaemonSet.Name = fmt.Sprintf("%s-%02d", d.DaemonSet.Name, i)
		ds = append(ds, d)
	}
	return ds, nodes
}

// BenchmarkCompute: 500 nodes × 50 DaemonSets, every decision, reason,
// total and warning, and the node groups.
func BenchmarkCompute(b *testing.B) {
	ds, nodes := bigCluster(b)
	b.ReportAllocs()
	for b.Loop() {
		Compute(ds, nodes, Options{})
	}
}

func BenchmarkWrite(b *testing.B) {
	ds, nodes := bigCluster(b)
	res := Compute(ds, nodes, Options{})
	for _, f := range formats {
		b.Run(f.ext, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := f.write(res, &buf); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes")
		})
	}
}

// BenchmarkReadNodes reads what `kubectl get nodes -o json` prints for
// 500 nodes.
func BenchmarkReadNodes(b *testing.B) {
	_, nodes := bigCluster(b)
	list := corev1.NodeList{}
	list.APIVersion, list.Kind = "v1", "List"
	for _, n := range nodes {
		list.Items = append(list.Items, n.Node)
	}
	data, err := json.MarshalIndent(&list, "", "    ")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ReadNodes("nodes.json", data); err != nil {
			b.Fatal(err)
		}
	}
}
