package placement

import (
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/everynode/everynode/internal/testkit/fuzztest"
)

func TestReadNodesInventories(t *testing.T) {
	want := map[string]int{"kind.yaml": 3, "kubeadm.json": 9, "cloud.yaml": 15, "edge.yaml": 8}
	for _, inv := range inventories {
		t.Run(inv, func(t *testing.T) {
			nodes := readInventory(t, inv)
			if len(nodes) != want[inv] {
				t.Errorf("got %d nodes, want %d", len(nodes), want[inv])
			}
			for _, n := range nodes {
				if n.Name == "" || n.Kind != "Node" || n.APIVersion != "v1" {
					t.Errorf("node %+v lacks its identity", n.ObjectMeta)
				}
				if n.Source.File != "nodes/"+inv || n.Source.Line < 1 || n.Source.Column < 1 {
					t.Errorf("%s: source %+v", n.Name, n.Source)
				}
				if len(n.Status.Allocatable) == 0 || len(n.Status.Conditions) == 0 || len(n.Labels) == 0 {
					t.Errorf("%s: allocatable, conditions or labels missing", n.Name)
				}
			}
		})
	}
	// Spot checks of what the fixtures say.
	kubeadm := byName(readInventory(t, "kubeadm.json"))
	if w := kubeadm["worker-2"]; !w.Spec.Unschedulable || len(w.Spec.Taints) != 1 || w.Spec.Taints[0].TimeAdded == nil {
		t.Errorf("worker-2 (cordoned): %+v", w.Spec)
	}
	if q := kubeadm["worker-6"].Status.Allocatable[corev1.ResourceCPU]; q.MilliValue() != 1930 {
		t.Errorf("worker-6 cpu = %s", q.String())
	}
	cloud := byName(readInventory(t, "cloud.yaml"))
	gpu := cloud["ip-10-0-1-201.eu-west-1.compute.internal"]
	if len(gpu.Spec.Taints) != 1 || gpu.Spec.Taints[0] != (corev1.Taint{Key: "nvidia.com/gpu", Value: "present", Effect: corev1.TaintEffectNoSchedule}) {
		t.Errorf("gpu taints: %+v", gpu.Spec.Taints)
	}
	if q := gpu.Status.Allocatable["nvidia.com/gpu"]; q.Value() != 1 {
		t.Errorf("gpu allocatable: %v", gpu.Status.Allocatable)
	}
	edge := readInventory(t, "edge.yaml")
	for i, n := range edge {
		if n.Source.Document != i { // the comment before the first --- is no document
			t.Errorf("%s: document %d, want %d", n.Name, n.Source.Document, i)
		}
	}
}

func byName(nodes []Node) map[string]*Node {
	m := map[string]*Node{}
	for i := range nodes {
		m[nodes[i].Name] = &nodes[i]
	}
	return m
}

// TestReadNodesJSONAndYAMLAgree reads each inventory, converts it to the
// other syntax, and expects the same nodes: the reader does not depend on
// how kubectl was asked to print.
func TestReadNodesJSONAndYAMLAgree(t *testing.T) {
	for _, inv := range inventories {
		t.Run(inv, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "nodes", inv))
			if err != nil {
				t.Fatal(err)
			}
			var other []byte
			if strings.HasSuffix(inv, ".json") {
				other, err = yaml.JSONToYAML(data)
			} else if inv == "edge.yaml" {
				// Several documents: convert each.
				for _, doc := range strings.Split(string(data), "\n---\n")[1:] {
					j, err := yaml.YAMLToJSON([]byte(doc))
					if err != nil {
						t.Fatal(err)
					}
					other = append(append(other, j...), "\n---\n"...)
				}
			} else {
				other, err = yaml.YAMLToJSON(data)
			}
			if err != nil {
				t.Fatal(err)
			}
			a := readInventory(t, inv)
			b, err := ReadNodes("other", other)
			if err != nil {
				t.Fatal(err)
			}
			if len(a) != len(b) {
				t.Fatalf("%d nodes, converted %d", len(a), len(b))
			}
			for i := range a {
				if !reflect.DeepEqual(a[i].Node, b[i].Node) {
					t.Errorf("node %s differs after conversion", a[i].Name)
				}
			}
		})
	}
}

func TestReadNodesErrors(t *testing.T) {
	const node = "apiVersion: v1\nkind: Node\nmetadata:\n  name: n1\n"
	cases := []struct {
		name, in, want string
	}{
		{"empty", "", `^x:1:1: the file has no Node in it \(it is empty or only comments\)`},
		{"only comments", "# nothing\n", `^x:1:1: the file has no Node in it`},
		{"deployment", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n", `^x:2:7: this is a "Deployment", not a Node or a List of Nodes; the nodes file is what .kubectl get nodes -o yaml. \(or -o json\) prints$`},
		{"kubectl table", "NAME     STATUS   ROLES    AGE   VERSION\nnode-1   Ready    <none>   3d    v1.37.2\n", `^x:1:1: expected a Node or a List of Nodes, found the string "NAME`},
		{"a list", "- a\n- b\n", `^x:1:1: expected a Node or a List of Nodes, found a list`},
		{"no kind", "apiVersion: v1\nmetadata: {name: a}\n", `^x:1:1: the document has no kind`},
		{"kind not a string", "apiVersion: v1\nkind: [Node]\n", `^x:2:7: kind must be a string, not a list`},
		{"node api version", "apiVersion: v2\nkind: Node\nmetadata: {name: a}\n", `^x:1:13: apiVersion "v2" is not v1: a Node is apiVersion: v1$`},
		{"node no api version", "kind: Node\nmetadata: {name: a}\n", `^x:1:1: Node has no apiVersion`},
		{"list with a pod", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n",
			`^x:8:9: item 1 of the List is a "Pod", not a Node`},
		{"list item without kind", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n", `^x:4:3: item 0 of the List has no kind; expected kind: Node$`},
		{"list item scalar", "apiVersion: v1\nkind: List\nitems:\n- node-1\n", `^x:4:3: item 0 of the List must be a Node, not the string "node-1"$`},
		{"items not a list", "apiVersion: v1\nkind: List\nitems: {a: 1}\n", `^x:3:8: items must be a list of Nodes, not a map$`},
		{"no name", "apiVersion: v1\nkind: Node\nmetadata:\n  labels: {a: b}\n", `^x:3:1: the node has no metadata.name$`},
		{"no metadata", "apiVersion: v1\nkind: Node\nspec: {}\n", `^x:1:1: the node has no metadata.name$`},
		{"empty name", "apiVersion: v1\nkind: Node\nmetadata:\n  name: \"\"\n", `^x:4:9: the node's metadata.name is empty$`},
		{"name not a string", "apiVersion: v1\nkind: Node\nmetadata:\n  name: 42\n", `^x:4:9: name must be a string, not the number 42; quote it$`},
		{"label not a string", node + "  labels:\n    gpu: true\n", `^x:6:10: label "gpu" must have a string value, not the boolean true; quote it$`},
		{"taint without effect", node + "spec:\n  taints:\n  - key: dedicated\n    value: gpu\n", `^x:7:5: taint "dedicated" has no effect \(NoSchedule, PreferNoSchedule or NoExecute\)$`},
		{"taint without key", node + "spec:\n  taints:\n  - effect: NoSchedule\n", `^x:7:5: the taint has no key$`},
		{"taint bad effect", node + "spec:\n  taints:\n  - key: a\n    effect: NoScheduled\n", `^x:8:13: taint "a" has effect "NoScheduled"; the effects are NoSchedule, PreferNoSchedule and NoExecute$`},
		{"taint twice", node + "spec:\n  taints:\n  - {key: a, effect: NoSchedule}\n  - {key: a, effect: NoSchedule, value: x}\n", `^x:8:5: taint "a" with effect NoSchedule is listed twice`},
		{"taint scalar", node + "spec:\n  taints:\n  - gpu:NoSchedule\n", `^x:7:5: a taint must be a map with key, value and effect, not the string "gpu:NoSchedule"$`},
		{"taint bad time", node + "spec:\n  taints:\n  - {key: a, effect: NoSchedule, timeAdded: yesterday}\n", `^x:7:45: taint "a": timeAdded the string "yesterday" is not a time`},
		{"taints not a list", node + "spec:\n  taints: {key: a}\n", `^x:6:11: taints must be a list, not a map$`},
		{"unschedulable string", node + "spec:\n  unschedulable: \"yes\"\n", `^x:6:18: spec.unschedulable must be true or false, not the string "yes"$`},
		{"bad quantity", node + "status:\n  allocatable:\n    cpu: four\n", `^x:7:10: allocatable "cpu": "four" is not a quantity \(such as 4, 500m or 8Gi\)$`},
		{"negative quantity", node + "status:\n  capacity:\n    memory: -1Gi\n", `^x:7:13: capacity "memory" is negative \(-1Gi\)$`},
		{"quantity a map", node + "status:\n  allocatable:\n    cpu: {a: 1}\n", `^x:7:10: allocatable "cpu" must be a quantity such as 4, 500m or 8Gi, not a map$`},
		{"condition without type", node + "status:\n  conditions:\n  - status: \"True\"\n", `^x:7:5: the node condition has no type$`},
		{"status not a map", node + "status: ready\n", `^x:5:9: status must be a map, not the string "ready"$`},
		{"duplicate node", node + "---\n" + node, `^x:9:9: node "n1" is listed twice \(first at line 1\)$`},
		{"syntax error", "apiVersion: v1\nkind: List\nitems:\n- [\n", `^x:4:3: "\[" is not closed`},
		{"binary", "apiVersion: v1\x00", `^x:1:15: this is a binary file`},
		{"json taint", `{"apiVersion":"v1","kind":"Node","metadata":{"name":"a"},"spec":{"taints":[{"key":"k"}]}}`, `^x:1:76: taint "k" has no effect`},
		{"duplicate key", "apiVersion: v1\nkind: Node\nkind: Node\nmetadata: {name: a}\n", `^x:3:1: duplicate key "kind"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nodes, err := ReadNodes("x", []byte(c.in))
			if err == nil {
				t.Fatalf("no error; nodes %v", nodes)
			}
			if nodes != nil {
				t.Errorf("nodes returned with an error: %v", nodes)
			}
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error is %T, want Errors", err)
			}
			if !regexp.MustCompile(c.want).MatchString(errs[0].Error()) {
				t.Errorf("got  %s\nwant %s", err, c.want)
			}
		})
	}
}

func TestReadNodesAccepts(t *testing.T) {
	cases := []struct {
		name, in string
		nodes    int
	}{
		{"empty List", "apiVersion: v1\nkind: List\nitems: []\nmetadata:\n  resourceVersion: \"\"\n", 0},
		{"List without items", "apiVersion: v1\nkind: List\n", 0},
		{"NodeList items without kind", "apiVersion: v1\nkind: NodeList\nitems:\n- metadata: {name: a}\n- metadata: {name: b}\n", 2},
		{"NodeList items with kind", "apiVersion: v1\nkind: NodeList\nitems:\n- {apiVersion: v1, kind: Node, metadata: {name: a}}\n", 1},
		{"Node documents", "apiVersion: v1\nkind: Node\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: Node\nmetadata: {name: b}\n", 2},
		{"numbers as quantities", "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nstatus:\n  allocatable: {cpu: 4, memory: 1e9, pods: 110}\n", 1},
		{"YAML 1.1 boolean", "apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec:\n  unschedulable: yes\n", 1},
		{"UTF-16", "\xff\xfea\x00p\x00i\x00V\x00e\x00r\x00s\x00i\x00o\x00n\x00:\x00 \x00v\x001\x00\n\x00k\x00i\x00n\x00d\x00:\x00 \x00N\x00o\x00d\x00e\x00\n\x00m\x00e\x00t\x00a\x00d\x00a\x00t\x00a\x00:\x00 \x00{\x00n\x00a\x00m\x00e\x00:\x00 \x00a\x00}\x00\n\x00", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nodes, err := ReadNodes("x", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			if len(nodes) != c.nodes {
				t.Errorf("got %d nodes, want %d", len(nodes), c.nodes)
			}
		})
	}
}

// TestErrorEscapes checks that a hostile nodes file cannot write control
// characters to the terminal through an error message.
func TestErrorEscapes(t *testing.T) {
	in := "apiVersion: v1\nkind: \"\\e[2J\\u202eNode\"\n"
	_, err := ReadNodes("evil\x1b]0;title\x07.yaml", []byte(in))
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, r := range msg {
		if unsafeRune(r) {
			t.Fatalf("raw %U in %q", r, msg)
		}
	}
	if !strings.Contains(msg, `evil\x1b]0;title\x07.yaml:2:7:`) {
		t.Errorf("message %q", msg)
	}
}

// FuzzReadNodes: never a panic; an error always has a position inside
// the file; accepted nodes have a name and taints the API would accept,
// and survive a JSON round trip through the reader unchanged.
func FuzzReadNodes(f *testing.F) {
	// Seeds stay small (one node of each inventory, as JSON): the fuzzer
	// spends its time minimizing, which is slow on 50 kB inventories.
	for _, inv := range inventories {
		n := readInventory(f, inv)[0].Node
		data, err := json.Marshal(&n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Node\n  metadata:\n    name: a\n    labels: {kubernetes.io/os: linux}\n  spec:\n    taints:\n    - {key: a, value: b, effect: NoSchedule}\n  status:\n    allocatable: {cpu: 1500m, memory: 2Gi, pods: \"110\"}\n    conditions:\n    - {type: Ready, status: \"True\"}\n"))
	f.Add([]byte("apiVersion: v1\nkind: Node\nmetadata: {name: a}\nspec: {taints: [{key: k, effect: NoExecute}]}\n"))
	f.Add([]byte("apiVersion: v1\nkind: NodeList\nitems: [{metadata: {name: a, labels: {x: y}}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		nodes, err := ReadNodes("f", data)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			for _, e := range errs {
				if e.Line < 1 || e.Column < 1 || e.Message == "" {
					t.Fatalf("bad position or message: %+v", e)
				}
			}
			return
		}
		var list corev1.NodeList
		list.APIVersion, list.Kind = "v1", "NodeList"
		for _, n := range nodes {
			if n.Name == "" {
				t.Fatal("a node without a name")
			}
			for _, tn := range n.Spec.Taints {
				if tn.Key == "" || !validEffect(tn.Effect) {
					t.Fatalf("bad taint %+v", tn)
				}
			}
			list.Items = append(list.Items, n.Node)
		}
		if len(nodes) == 0 {
			return
		}
		again, err := json.Marshal(&list)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ReadNodes("again", again)
		if err != nil {
			t.Fatalf("re-reading what was read: %v\n%s", err, again)
		}
		for i := range nodes {
			a, b := nodes[i].Node, back[i].Node
			if !maps.Equal(a.Labels, b.Labels) || !sameTaints(a.Spec.Taints, b.Spec.Taints) || a.Spec.Unschedulable != b.Spec.Unschedulable ||
				a.Name != b.Name || len(a.Status.Allocatable) != len(b.Status.Allocatable) || len(a.Status.Conditions) != len(b.Status.Conditions) {
				t.Fatalf("node %q changed in a round trip", a.Name)
			}
			for r, q := range a.Status.Allocatable {
				if q.Cmp(b.Status.Allocatable[r]) != 0 {
					t.Fatalf("node %q: allocatable %s changed in a round trip", a.Name, r)
				}
			}
		}
	})
}

func sameTaints(a, b []corev1.Taint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value != b[i].Value || a[i].Effect != b[i].Effect ||
			(a[i].TimeAdded == nil) != (b[i].TimeAdded == nil) ||
			a[i].TimeAdded != nil && !a[i].TimeAdded.Equal(b[i].TimeAdded) {
			return false
		}
	}
	return true
}
