package placement

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDaemonPodTolerations(t *testing.T) {
	seconds := int64(30)
	cases := []struct {
		name string
		spec corev1.PodSpec
		want []string
	}{
		{"defaults", corev1.PodSpec{}, []string{
			"node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute",
			"node.kubernetes.io/disk-pressure:Exists:NoSchedule", "node.kubernetes.io/memory-pressure:Exists:NoSchedule",
			"node.kubernetes.io/pid-pressure:Exists:NoSchedule", "node.kubernetes.io/unschedulable:Exists:NoSchedule",
		}},
		{"hostNetwork adds network-unavailable", corev1.PodSpec{HostNetwork: true}, []string{
			"node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute",
			"node.kubernetes.io/disk-pressure:Exists:NoSchedule", "node.kubernetes.io/memory-pressure:Exists:NoSchedule",
			"node.kubernetes.io/pid-pressure:Exists:NoSchedule", "node.kubernetes.io/unschedulable:Exists:NoSchedule",
			"node.kubernetes.io/network-unavailable:Exists:NoSchedule",
		}},
		{"an equal template toleration is kept, not repeated", corev1.PodSpec{Tolerations: []corev1.Toleration{
			{Key: "node.kubernetes.io/unschedulable", Operator: "Exists", Effect: "NoSchedule"}, {Key: "a", Operator: "Exists"},
		}}, []string{
			"node.kubernetes.io/unschedulable:Exists:NoSchedule", "a:Exists:",
			"node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute",
			"node.kubernetes.io/disk-pressure:Exists:NoSchedule", "node.kubernetes.io/memory-pressure:Exists:NoSchedule",
			"node.kubernetes.io/pid-pressure:Exists:NoSchedule",
		}},
		{"a time-limited one is replaced in place (the controller's rule)", corev1.PodSpec{Tolerations: []corev1.Toleration{
			{Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: &seconds},
		}}, []string{
			"node.kubernetes.io/not-ready:Exists:NoExecute", "node.kubernetes.io/unreachable:Exists:NoExecute",
			"node.kubernetes.io/disk-pressure:Exists:NoSchedule", "node.kubernetes.io/memory-pressure:Exists:NoSchedule",
			"node.kubernetes.io/pid-pressure:Exists:NoSchedule", "node.kubernetes.io/unschedulable:Exists:NoSchedule",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := append([]corev1.Toleration(nil), c.spec.Tolerations...)
			got := DaemonPodTolerations(&c.spec)
			var s []string
			for _, tol := range got {
				if tol.TolerationSeconds != nil {
					t.Errorf("%s kept TolerationSeconds", tol.Key)
				}
				s = append(s, tol.Key+":"+string(tol.Operator)+":"+string(tol.Effect))
			}
			if !reflect.DeepEqual(s, c.want) {
				t.Errorf("got  %v\nwant %v", s, c.want)
			}
			if !reflect.DeepEqual(before, c.spec.Tolerations) {
				t.Error("the template was modified")
			}
		})
	}
}

func ds(spec corev1.PodSpec) *appsv1.DaemonSet {
	return &appsv1.DaemonSet{
		ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "ns"},
		Spec:       appsv1.DaemonSetSpec{Template: corev1.PodTemplateSpec{Spec: spec}},
	}
}

func testNode(name string, labels map[string]string, taints ...corev1.Taint) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: corev1.NodeSpec{Taints: taints}}
}

func taint(key, value string, effect corev1.TaintEffect) corev1.Taint {
	return corev1.Taint{Key: key, Value: value, Effect: effect}
}

func affinity(terms ...corev1.NodeSelectorTerm) *corev1.Affinity {
	return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms},
	}}
}

func expr(key string, op corev1.NodeSelectorOperator, values ...string) corev1.NodeSelectorRequirement {
	return corev1.NodeSelectorRequirement{Key: key, Operator: op, Values: values}
}

// TestDecide covers the controller's rule case by case, with the reason
// each refusal gives. The differential test in the conformance module
// holds the decisions equal to the controller's own code; this one pins
// the words.
func TestDecide(t *testing.T) {
	linux := map[string]string{"kubernetes.io/os": "linux", "kubernetes.io/arch": "arm64"}
	cases := []struct {
		name        string
		spec        corev1.PodSpec
		node        *corev1.Node
		opts        Options
		runs, keeps bool
		reason      string // a regexp
	}{
		{"nothing asked", corev1.PodSpec{}, testNode("a", nil), Options{}, true, true, ""},
		{"nodeName elsewhere", corev1.PodSpec{NodeName: "b"}, testNode("a", nil), Options{}, false, false, `^spec.template.spec.nodeName is b$`},
		{"nodeName here: taints still count", corev1.PodSpec{NodeName: "a"}, testNode("a", nil, taint("x", "", "NoSchedule")), Options{}, false, true, `^taint x:NoSchedule is not tolerated$`},
		{"nodeSelector other value", corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/os": "windows"}}, testNode("a", linux), Options{}, false, false,
			`^nodeSelector kubernetes.io/os=windows: the node has linux$`},
		{"nodeSelector missing label", corev1.PodSpec{NodeSelector: map[string]string{"pool": "gpu"}}, testNode("a", linux), Options{}, false, false,
			`^nodeSelector pool=gpu: the node has no pool label$`},
		{"nodeSelector empty value", corev1.PodSpec{NodeSelector: map[string]string{"role": ""}}, testNode("a", map[string]string{"role": "x"}), Options{}, false, false,
			`^nodeSelector role=: the node has x$`},
		{"affinity In", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("kubernetes.io/arch", "In", "amd64")}})},
			testNode("a", linux), Options{}, false, false, `^required node affinity term 1: kubernetes.io/arch in \(amd64\): the node has arm64$`},
		{"affinity second term matches", corev1.PodSpec{Affinity: affinity(
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("kubernetes.io/arch", "In", "amd64")}},
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("kubernetes.io/arch", "In", "arm64")}})},
			testNode("a", linux), Options{}, true, true, ""},
		{"affinity two terms fail", corev1.PodSpec{Affinity: affinity(
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("gpu", "Exists")}},
			corev1.NodeSelectorTerm{},
			corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("kubernetes.io/os", "NotIn", "linux"), expr("tier", "Gt", "2")}})},
			testNode("a", linux), Options{}, false, false,
			`^required node affinity term 1: gpu exists: the node has no gpu label; term 3: kubernetes.io/os notin \(linux\): the node has linux, tier gt 2: the node has no tier label$`},
		{"affinity only empty terms", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{})}, testNode("a", linux), Options{}, false, false,
			`^required node affinity has no term with matchExpressions or matchFields, so it matches no node$`},
		{"affinity no terms", corev1.PodSpec{Affinity: affinity()}, testNode("a", linux), Options{}, false, false, `matches no node`},
		{"affinity invalid operator", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("a", "Like", "x")}})},
			testNode("a", linux), Options{}, false, false, `^required node affinity term 1: matchExpressions\[0\] is invalid, so the term matches no node: operator "Like" is not supported`},
		{"affinity Gt not an integer", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("cores", "Gt", "8")}})},
			testNode("a", map[string]string{"cores": "many"}), Options{}, false, false, `^required node affinity term 1: cores gt 8: the node has many, not an integer$`},
		{"affinity DoesNotExist", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("node-role.kubernetes.io/control-plane", "DoesNotExist")}})},
			testNode("a", map[string]string{"node-role.kubernetes.io/control-plane": ""}), Options{}, false, false,
			`^required node affinity term 1: node-role.kubernetes.io/control-plane does not exist: the node has this label$`},
		{"matchFields other node", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", "In", "b")}})},
			testNode("a", nil), Options{}, false, false, `^required node affinity term 1: matchFields metadata.name in \(b\): the node is not b$`},
		{"matchFields NotIn this node", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", "NotIn", "a")}})},
			testNode("a", nil), Options{}, false, false, `^required node affinity term 1: matchFields metadata.name notin \(a\): the node is a$`},
		{"matchFields two values", corev1.PodSpec{Affinity: affinity(corev1.NodeSelectorTerm{MatchFields: []corev1.NodeSelectorRequirement{expr("metadata.name", "In", "a", "b")}})},
			testNode("a", nil), Options{}, false, false, `matchFields\[0\] is invalid, so the term matches no node: In needs exactly one value`},
		{"nodeSelector and affinity both fail, and a taint", corev1.PodSpec{NodeSelector: map[string]string{"kubernetes.io/os": "windows"},
			Affinity: affinity(corev1.NodeSelectorTerm{MatchExpressions: []corev1.NodeSelectorRequirement{expr("kubernetes.io/arch", "In", "amd64")}})},
			testNode("a", linux, taint("gpu", "", "NoExecute")), Options{}, false, false,
			`^nodeSelector kubernetes.io/os=windows: the node has linux; required node affinity term 1: kubernetes.io/arch in \(amd64\): the node has arm64; taint gpu:NoExecute is not tolerated$`},
		{"NoSchedule taint keeps a running pod", corev1.PodSpec{}, testNode("a", nil, taint("nvidia.com/gpu", "present", "NoSchedule")), Options{}, false, true,
			`^taint nvidia.com/gpu=present:NoSchedule is not tolerated$`},
		{"NoExecute taint evicts", corev1.PodSpec{}, testNode("a", nil, taint("dedicated", "x", "NoSchedule"), taint("dedicated", "x", "NoExecute")), Options{}, false, false,
			`^taint dedicated=x:NoSchedule is not tolerated; taint dedicated=x:NoExecute is not tolerated$`},
		{"PreferNoSchedule is no obstacle", corev1.PodSpec{}, testNode("a", nil, taint("metered", "true", "PreferNoSchedule")), Options{}, true, true, ""},
		{"tolerate everything", corev1.PodSpec{Tolerations: []corev1.Toleration{{Operator: "Exists"}}},
			testNode("a", nil, taint("x", "", "NoSchedule"), taint("y", "", "NoExecute")), Options{}, true, true, ""},
		{"toleration value mismatch", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "dedicated", Value: "logging"}}},
			testNode("a", nil, taint("dedicated", "ingress", "NoSchedule")), Options{}, false, true,
			`^taint dedicated=ingress:NoSchedule is not tolerated \(the toleration for dedicated wants value logging\)$`},
		{"toleration effect mismatch", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "dedicated", Operator: "Exists", Effect: "NoSchedule"}}},
			testNode("a", nil, taint("dedicated", "x", "NoExecute")), Options{}, false, false,
			`^taint dedicated=x:NoExecute is not tolerated \(the toleration for dedicated is for effect NoSchedule\)$`},
		{"unknown toleration operator", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "k", Operator: "Has"}}},
			testNode("a", nil, taint("k", "", "NoSchedule")), Options{}, false, true, `\(the toleration for k has operator "Has", which matches nothing\)`},
		{"not-ready NoSchedule is not a default toleration", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/not-ready", "", "NoSchedule")), Options{}, false, true,
			`daemon pods tolerate only the NoExecute form of this taint`},
		{"not-ready NoExecute is", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/not-ready", "", "NoExecute")), Options{}, true, true, ""},
		{"unreachable NoExecute is", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/unreachable", "", "NoExecute")), Options{}, true, true, ""},
		{"pressure and cordon are", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/disk-pressure", "", "NoSchedule"),
			taint("node.kubernetes.io/memory-pressure", "", "NoSchedule"), taint("node.kubernetes.io/pid-pressure", "", "NoSchedule"),
			taint("node.kubernetes.io/unschedulable", "", "NoSchedule")), Options{}, true, true, ""},
		{"pressure NoExecute is not", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/memory-pressure", "", "NoExecute")), Options{}, false, false,
			`^taint node.kubernetes.io/memory-pressure:NoExecute is not tolerated$`},
		{"network-unavailable without hostNetwork", corev1.PodSpec{}, testNode("a", nil, taint("node.kubernetes.io/network-unavailable", "", "NoSchedule")), Options{}, false, true,
			`only with hostNetwork: true`},
		{"network-unavailable with hostNetwork", corev1.PodSpec{HostNetwork: true}, testNode("a", nil, taint("node.kubernetes.io/network-unavailable", "", "NoSchedule")), Options{}, true, true, ""},
		{"Gt toleration without the gate", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "q", Operator: "Gt", Value: "2", Effect: "NoSchedule"}}},
			testNode("a", nil, taint("q", "3", "NoSchedule")), Options{}, false, true, `TaintTolerationComparisonOperators feature gate`},
		{"Gt toleration with the gate", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "q", Operator: "Gt", Value: "2", Effect: "NoSchedule"}}},
			testNode("a", nil, taint("q", "3", "NoSchedule")), Options{TaintTolerationComparisonOperators: true}, true, true, ""},
		{"Gt toleration with the gate, value too low", corev1.PodSpec{Tolerations: []corev1.Toleration{{Key: "q", Operator: "Gt", Value: "2", Effect: "NoSchedule"}}},
			testNode("a", nil, taint("q", "1", "NoSchedule")), Options{TaintTolerationComparisonOperators: true}, false, true,
			`^taint q=1:NoSchedule is not tolerated \(the toleration for q wants an integer value gt 2\)$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := ds(c.spec)
			runs, keeps := ShouldRun(d, c.node, c.opts)
			if runs != c.runs || keeps != c.keeps {
				t.Errorf("ShouldRun = (%v, %v), want (%v, %v)", runs, keeps, c.runs, c.keeps)
			}
			res := Compute([]DaemonSetSource{{File: "f.yaml", DaemonSet: d}}, []Node{{Node: *c.node}}, c.opts)
			p := res.DaemonSets[0].Nodes[0]
			if p.Runs != runs || p.KeepsRunning != keeps {
				t.Errorf("Compute disagrees with ShouldRun: %+v", p)
			}
			if c.reason == "" {
				if p.Reason != "" {
					t.Errorf("reason %q, want none", p.Reason)
				}
				return
			}
			if !regexp.MustCompile(c.reason).MatchString(p.Reason) {
				t.Errorf("reason\n got  %q\n want %s", p.Reason, c.reason)
			}
		})
	}
}

// TestInvariants checks, over every fixture DaemonSet and inventory, what
// must hold of every Result: a reason exactly when a DaemonSet does not
// run, never the fallback reason; keepsRunning whenever it runs; warnings
// only where it runs; desired counts what runs; and the nodes of a group
// get the same Placements (the text formats show one per group).
func TestInvariants(t *testing.T) {
	all := readDaemonSets(t, "testdata/daemonsets")
	for _, inv := range inventories {
		for _, opts := range []Options{{}, {TaintTolerationComparisonOperators: true}} {
			res := Compute(all, readInventory(t, inv), opts)
			pending := 0
			for _, d := range res.DaemonSets {
				runs := 0
				for _, p := range d.Nodes {
					for _, w := range p.Warnings {
						if !strings.HasPrefix(w, "the node is cordoned") && !strings.HasPrefix(w, "the node is NotReady") {
							pending++
						}
					}
					switch {
					case p.Runs && p.Reason != "", !p.Runs && p.Reason == "":
						t.Errorf("%s/%s on %s: runs %v with reason %q", inv, d.Name, p.Node, p.Runs, p.Reason)
					case strings.Contains(p.Reason, "places no pod on this node"):
						t.Errorf("%s/%s on %s: the fallback reason: decide and explain disagree", inv, d.Name, p.Node)
					case p.Runs && !p.KeepsRunning:
						t.Errorf("%s/%s on %s: runs but does not keep running", inv, d.Name, p.Node)
					case !p.Runs && len(p.Warnings) > 0:
						t.Errorf("%s/%s on %s: warnings where it does not run", inv, d.Name, p.Node)
					}
					if p.Runs {
						runs++
					}
				}
				if runs != d.Desired {
					t.Errorf("%s/%s: desired %d, runs on %d", inv, d.Name, d.Desired, runs)
				}
			}
			if pending != res.PendingWarnings() {
				t.Errorf("%s: PendingWarnings = %d, but %d warnings say a pod stays Pending", inv, res.PendingWarnings(), pending)
			}
			for _, g := range res.groups {
				first := g.members[0]
				for _, m := range g.members[1:] {
					for _, d := range res.DaemonSets {
						a, b := d.Nodes[first], d.Nodes[m]
						a.Node, b.Node = "", ""
						if !reflect.DeepEqual(a, b) {
							t.Errorf("%s group %s: %s differs between %s and %s:\n%+v\n%+v", inv, g.name, d.Name,
								res.nodes[first].Name, res.nodes[m].Name, a, b)
						}
					}
				}
			}
		}
	}
}

// TestComputeDoesNotModify: the DaemonSets and nodes handed in are
// read-only, whatever defaulting placement applies on the way.
func TestComputeDoesNotModify(t *testing.T) {
	all := readDaemonSets(t, "testdata/daemonsets")
	nodes := readInventory(t, "kubeadm.json")
	var before []*appsv1.DaemonSet
	for _, d := range all {
		before = append(before, d.DaemonSet.DeepCopy())
	}
	nodesBefore := make([]corev1.Node, len(nodes))
	for i := range nodes {
		nodesBefore[i] = *nodes[i].DeepCopy()
	}
	order := []string{}
	for _, n := range nodes {
		order = append(order, n.Name)
	}
	Compute(all, nodes, Options{})
	for i := range all {
		if !reflect.DeepEqual(before[i], all[i].DaemonSet) {
			t.Errorf("%s was modified", all[i].DaemonSet.Name)
		}
	}
	for i := range nodes {
		if nodes[i].Name != order[i] || !reflect.DeepEqual(nodesBefore[i], nodes[i].Node) {
			t.Errorf("node %d was modified or moved", i)
		}
	}
}
