package placement_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	featuregatetesting "k8s.io/component-base/featuregate/testing"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	_ "k8s.io/kubernetes/pkg/apis/apps/install" // apps/v1 defaulting, as the API server stores a DaemonSet
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	"k8s.io/kubernetes/pkg/features"
	"sigs.k8s.io/yaml"

	"github.com/everynode/everynode/conformance/everynode"
	oracle "github.com/everynode/everynode/conformance/placement"
)

// The differential test of everynode's placement (`everynode placement`)
// against the DaemonSet controller's own NodeShouldRunDaemonPod: every
// fixture DaemonSet × every fixture node, then generated DaemonSets and
// nodes that go where nobody writes fixtures (invalid affinity terms,
// every toleration operator, value and effect, time-limited tolerations,
// the default tolerations' taints in every effect, hostNetwork), with the
// TaintTolerationComparisonOperators feature gate off (1.37's default) and
// on. Everynode reads the fixtures its own way (ReadNodes, its document
// model); the controller gets them decoded by sigs.k8s.io/yaml and, for
// DaemonSets, defaulted as the API server stores them. Any disagreement
// on (shouldRun, shouldContinueRunning) fails.

const fixtures = "../../internal/placement/testdata"

func TestMain(m *testing.M) {
	// Gt/Lt tolerations with unparsable values make the controller log
	// an error per node; they are cases here, not failures.
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("logtostderr", "false")
	_ = fs.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard)
	os.Exit(m.Run())
}

func TestFixturesAgreeWithController(t *testing.T) {
	invs, err := filepath.Glob(filepath.Join(fixtures, "nodes", "*"))
	if err != nil || len(invs) == 0 {
		t.Fatalf("no inventories: %v", err)
	}
	dsFiles, err := filepath.Glob(filepath.Join(fixtures, "daemonsets", "*.yaml"))
	if err != nil || len(dsFiles) == 0 {
		t.Fatalf("no DaemonSets: %v", err)
	}
	seed := []string{filepath.Join(fixtures, "seed", "daemonset.yaml")}
	for _, gate := range []bool{false, true} {
		t.Run(fmt.Sprintf("comparisonOperators=%v", gate), func(t *testing.T) {
			featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.TaintTolerationComparisonOperators, gate)
			pairs, runs := 0, 0
			for _, inv := range append(invs, filepath.Join(fixtures, "seed", "nodes.yaml")) {
				ours := readOurNodes(t, inv)
				theirs := decodeNodes(t, inv)
				if len(ours) != len(theirs) {
					t.Fatalf("%s: everynode read %d nodes, sigs.k8s.io/yaml %d", inv, len(ours), len(theirs))
				}
				files := dsFiles
				if strings.Contains(inv, "seed") {
					files = seed
				}
				for _, f := range files {
					for _, d := range decodeDaemonSets(t, f) {
						for _, p := range everynode.Place(d.ours, ours, gate) {
							want := oracle.ShouldRun(d.theirs, theirs[p.Node])
							pairs++
							if want.Runs {
								runs++
							}
							if p.Runs != want.Runs || p.KeepsRunning != want.KeepsRunning {
								t.Errorf("%s × %s/%s on %s: everynode (%v, %v), controller (%v, %v); reason %q",
									filepath.Base(inv), filepath.Base(f), d.theirs.Name, p.Node, p.Runs, p.KeepsRunning, want.Runs, want.KeepsRunning, p.Reason)
							}
						}
					}
				}
			}
			t.Logf("%d pairs (%d placed), all agree", pairs, runs)
			if pairs < 400 { // 14 DaemonSets × 35 nodes, and the seed example
				t.Errorf("only %d pairs: fixtures missing?", pairs)
			}
		})
	}
}

// readOurNodes is everynode's reading of an inventory.
func readOurNodes(t *testing.T, path string) []corev1.Node {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := everynode.ReadNodes(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// decodeNodes is an independent reading: Kubernetes' YAML-or-JSON stream
// decoder and sigs.k8s.io/yaml into the API types, the whole Node.
func decodeNodes(t *testing.T, path string) map[string]*corev1.Node {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*corev1.Node{}
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	for {
		var raw map[string]any
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if raw == nil {
			continue
		}
		data, _ := yaml.Marshal(raw)
		switch raw["kind"] {
		case "Node":
			n := &corev1.Node{}
			if err := yaml.Unmarshal(data, n); err != nil {
				t.Fatal(err)
			}
			out[n.Name] = n
		default:
			var list corev1.NodeList
			if err := yaml.Unmarshal(data, &list); err != nil {
				t.Fatal(err)
			}
			for i := range list.Items {
				out[list.Items[i].Name] = &list.Items[i]
			}
		}
	}
}

type daemonSetPair struct {
	ours   *appsv1.DaemonSet // as everynode gets it: decoded, not defaulted
	theirs *appsv1.DaemonSet // as the controller gets it: defaulted
}

func decodeDaemonSets(t *testing.T, path string) []daemonSetPair {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []daemonSetPair
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var raw map[string]any
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if raw["kind"] != "DaemonSet" {
			continue
		}
		doc, _ := yaml.Marshal(raw)
		ours, theirs := &appsv1.DaemonSet{}, &appsv1.DaemonSet{}
		if err := yaml.UnmarshalStrict(doc, ours); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := yaml.UnmarshalStrict(doc, theirs); err != nil {
			t.Fatal(err)
		}
		legacyscheme.Scheme.Default(theirs)
		out = append(out, daemonSetPair{ours, theirs})
	}
}

// TestGeneratedAgreeWithController: 300 generated DaemonSets × 60
// generated nodes, with the gate off and on (36,000 pairs).
func TestGeneratedAgreeWithController(t *testing.T) {
	for _, gate := range []bool{false, true} {
		t.Run(fmt.Sprintf("comparisonOperators=%v", gate), func(t *testing.T) {
			featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.TaintTolerationComparisonOperators, gate)
			g := &gen{rand.New(rand.NewSource(1))}
			var nodes []corev1.Node
			for i := range 60 {
				nodes = append(nodes, *g.node(i))
			}
			outcomes := map[[2]bool]int{}
			for i := range 300 {
				d := g.daemonSet(i)
				compare(t, d, nodes, gate, outcomes)
			}
			t.Logf("outcomes (runs, keepsRunning): %v", outcomes)
			// The generator must reach every outcome, or it tests little.
			for _, o := range [][2]bool{{true, true}, {false, true}, {false, false}} {
				if outcomes[o] < 100 {
					t.Errorf("outcome %v reached only %d times", o, outcomes[o])
				}
			}
		})
	}
}

// FuzzGeneratedAgreeWithController lets the fuzzer drive the generator.
func FuzzGeneratedAgreeWithController(f *testing.F) {
	f.Add(int64(1), false)
	f.Add(int64(42), true)
	f.Fuzz(func(t *testing.T, seed int64, gate bool) {
		featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.TaintTolerationComparisonOperators, gate)
		g := &gen{rand.New(rand.NewSource(seed))}
		var nodes []corev1.Node
		for i := range 8 {
			nodes = append(nodes, *g.node(i))
		}
		for i := range 8 {
			compare(t, g.daemonSet(i), nodes, gate, map[[2]bool]int{})
		}
	})
}

func compare(t *testing.T, d *appsv1.DaemonSet, nodes []corev1.Node, gate bool, outcomes map[[2]bool]int) {
	t.Helper()
	theirs := d.DeepCopy()
	legacyscheme.Scheme.Default(theirs)
	byName := map[string]*corev1.Node{}
	for i := range nodes {
		byName[nodes[i].Name] = &nodes[i]
	}
	for _, p := range everynode.Place(d, nodes, gate) {
		want := oracle.ShouldRun(theirs, byName[p.Node])
		outcomes[[2]bool{want.Runs, want.KeepsRunning}]++
		if p.Runs != want.Runs || p.KeepsRunning != want.KeepsRunning {
			spec, _ := yaml.Marshal(d.Spec.Template.Spec)
			node, _ := yaml.Marshal(byName[p.Node])
			t.Fatalf("on %s: everynode (%v, %v), controller (%v, %v); reason %q\npod spec:\n%s\nnode:\n%s",
				p.Node, p.Runs, p.KeepsRunning, want.Runs, want.KeepsRunning, p.Reason, spec, node)
		}
		if !p.Runs && p.Reason == "" {
			t.Fatalf("on %s: no reason", p.Node)
		}
	}
}

// gen makes DaemonSets and nodes from small vocabularies, so that labels,
// taints and tolerations meet often, with the odd invalid value.
type gen struct{ r *rand.Rand }

func (g *gen) pick(s ...string) string { return s[g.r.Intn(len(s))] }

var (
	labelKeys   = []string{"kubernetes.io/os", "kubernetes.io/arch", "pool", "tier", "gpu", "node-role.kubernetes.io/control-plane"}
	labelValues = []string{"linux", "windows", "amd64", "arm64", "a", "b", "", "1", "2", "10", "-3", "x"}
	taintKeys   = []string{
		"dedicated", "gpu", "q", "node-role.kubernetes.io/control-plane",
		"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/disk-pressure",
		"node.kubernetes.io/memory-pressure", "node.kubernetes.io/pid-pressure", "node.kubernetes.io/unschedulable",
		"node.kubernetes.io/network-unavailable",
	}
	taintValues = []string{"", "a", "b", "3", "-1", "10", "x"}
	effects     = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}
)

func (g *gen) node(i int) *corev1.Node {
	n := &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("n%d", i), Labels: map[string]string{}}}
	for _, k := range labelKeys {
		if g.r.Intn(3) > 0 {
			n.Labels[k] = g.pick(labelValues...)
		}
	}
	seen := map[string]bool{}
	for range g.r.Intn(4) {
		t := corev1.Taint{Key: g.pick(taintKeys...), Value: g.pick(taintValues...), Effect: corev1.TaintEffect(g.pick(effects...))}
		if !seen[t.Key+string(t.Effect)] {
			seen[t.Key+string(t.Effect)] = true
			n.Spec.Taints = append(n.Spec.Taints, t)
		}
	}
	return n
}

func (g *gen) daemonSet(i int) *appsv1.DaemonSet {
	spec := corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox"}}}
	if g.r.Intn(10) == 0 {
		spec.NodeName = fmt.Sprintf("n%d", g.r.Intn(12))
	}
	spec.HostNetwork = g.r.Intn(3) == 0
	if g.r.Intn(2) == 0 {
		spec.NodeSelector = map[string]string{}
		for range 1 + g.r.Intn(2) {
			spec.NodeSelector[g.pick(labelKeys...)] = g.pick(labelValues...)
		}
	}
	if g.r.Intn(2) == 0 {
		required := &corev1.NodeSelector{}
		for range g.r.Intn(4) {
			var term corev1.NodeSelectorTerm
			for range g.r.Intn(3) {
				e := corev1.NodeSelectorRequirement{Key: g.pick(labelKeys...),
					Operator: corev1.NodeSelectorOperator(g.pick("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "In", "NotIn", "Bogus"))}
				for range g.r.Intn(3) {
					e.Values = append(e.Values, g.pick(append(labelValues, "not valid!")...))
				}
				term.MatchExpressions = append(term.MatchExpressions, e)
			}
			if g.r.Intn(4) == 0 {
				e := corev1.NodeSelectorRequirement{Key: g.pick("metadata.name", "metadata.name", "spec.unschedulable"),
					Operator: corev1.NodeSelectorOperator(g.pick("In", "NotIn", "Exists"))}
				for range 1 + g.r.Intn(2) {
					e.Values = append(e.Values, fmt.Sprintf("n%d", g.r.Intn(12)))
				}
				term.MatchFields = append(term.MatchFields, e)
			}
			required.NodeSelectorTerms = append(required.NodeSelectorTerms, term)
		}
		spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: required}}
	}
	for range g.r.Intn(5) {
		tol := corev1.Toleration{
			Key:      g.pick(append(taintKeys, "", "")...),
			Operator: corev1.TolerationOperator(g.pick("", "Equal", "Exists", "Exists", "Gt", "Lt", "Bogus")),
			Value:    g.pick(taintValues...),
			Effect:   corev1.TaintEffect(g.pick("", "", "NoSchedule", "NoExecute", "PreferNoSchedule")),
		}
		if g.r.Intn(5) == 0 {
			s := int64(g.r.Intn(600))
			tol.TolerationSeconds = &s
		}
		spec.Tolerations = append(spec.Tolerations, tol)
	}
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("ds%d", i), Namespace: "default"},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}}, Spec: spec},
		},
	}
}

// TestDaemonPodTolerationsAgree holds everynode's list of the tolerations
// the controller adds equal to the controller's, for generated templates.
func TestDaemonPodTolerationsAgree(t *testing.T) {
	g := &gen{rand.New(rand.NewSource(7))}
	for i := range 500 {
		d := g.daemonSet(i)
		got := everynode.DaemonPodTolerations(&d.Spec.Template.Spec)
		want := oracle.Tolerations(d)
		if !sameTolerations(got, want) {
			t.Fatalf("template tolerations %v:\n everynode  %v\n controller %v", d.Spec.Template.Spec.Tolerations, got, want)
		}
	}
}

func sameTolerations(a, b []corev1.Toleration) bool {
	key := func(l []corev1.Toleration) []string {
		var out []string
		for _, t := range l {
			s := fmt.Sprintf("%s|%s|%s|%s|", t.Key, t.Operator, t.Value, t.Effect)
			if t.TolerationSeconds != nil {
				s += fmt.Sprint(*t.TolerationSeconds)
			}
			out = append(out, s)
		}
		return out
	}
	ka, kb := key(a), key(b)
	if len(ka) != len(kb) {
		return false
	}
	// Order as well as content: the list is what the pod gets.
	for i := range ka {
		if ka[i] != kb[i] {
			return false
		}
	}
	return true
}
