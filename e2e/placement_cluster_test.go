package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/internal/placement"
)

// TestPlacementAgainstCluster holds `everynode placement` equal to a real
// Kubernetes control plane: for each node inventory of the placement
// fixtures, the nodes are created in a fresh cluster (kube-apiserver,
// kube-controller-manager's DaemonSet controller and kube-scheduler, no
// kubelet), every fixture DaemonSet is applied, and then
//
//   - each DaemonSet's status.desiredNumberScheduled is placement's
//     desired, and the nodes its controller created pods for are the nodes
//     placement says it runs on;
//   - the scheduler binds every daemon pod placement has no warning about,
//     and leaves Pending at least one pod of every node where placement
//     says the pods placed there do not all fit.
//
// It needs the control-plane scripts (up.sh and down.sh, which start and
// stop the cluster on fixed local ports) in the directory
// EVERYNODE_CLUSTER names, and kubectl; it is skipped otherwise, so the
// project stands alone and `go test ./...` stays fast. It takes about a
// minute.
func TestPlacementAgainstCluster(t *testing.T) {
	scripts := os.Getenv("EVERYNODE_CLUSTER")
	if scripts == "" {
		t.Skip("EVERYNODE_CLUSTER is not set: it names the directory of the control-plane scripts up.sh and down.sh")
	}
	for _, s := range []string{"up.sh", "down.sh"} {
		if _, err := os.Stat(filepath.Join(scripts, s)); err != nil {
			t.Skipf("EVERYNODE_CLUSTER=%s: %v", scripts, err)
		}
	}
	if _, err := exec.LookPath("kubectl"); err != nil {
		t.Skip("kubectl is not on PATH")
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:16443", time.Second); err == nil {
		c.Close()
		t.Skip("port 16443 is in use: another control plane runs on this machine (one at a time)")
	}

	fixtures := filepath.Join(repoRoot, "internal", "placement", "testdata")
	inventories, err := filepath.Glob(filepath.Join(fixtures, "nodes", "*"))
	if err != nil || len(inventories) == 0 {
		t.Fatalf("no inventories: %v", err)
	}
	inventories = append(inventories, filepath.Join(fixtures, "seed", "nodes.yaml"))
	pairs := 0
	for _, inv := range inventories {
		dsDir := filepath.Join(fixtures, "daemonsets")
		if strings.Contains(inv, "seed") {
			dsDir = filepath.Join(fixtures, "seed")
		}
		t.Run(filepath.Base(filepath.Dir(inv))+"/"+filepath.Base(inv), func(t *testing.T) {
			pairs += checkInventory(t, scripts, inv, dsDir)
		})
	}
	t.Logf("%d DaemonSet × node pairs agree with the cluster", pairs)
}

// cluster is a running control plane.
type cluster struct {
	t          *testing.T
	kubeconfig string
}

func startCluster(t *testing.T, scripts string) *cluster {
	t.Helper()
	state := filepath.Join(t.TempDir(), "cluster")
	up := exec.Command(filepath.Join(scripts, "up.sh"), state)
	var stderr bytes.Buffer
	up.Stderr = &stderr
	out, err := up.Output()
	// Whatever up.sh started is stopped, whether it came up or not.
	t.Cleanup(func() {
		down := exec.Command(filepath.Join(scripts, "down.sh"), state)
		if out, err := down.CombinedOutput(); err != nil {
			t.Errorf("down.sh: %v\n%s", err, out)
		}
	})
	if err != nil {
		t.Fatalf("up.sh: %v\n%s", err, stderr.String())
	}
	kc, ok := strings.CutPrefix(strings.TrimSpace(string(out)), "export KUBECONFIG=")
	if !ok {
		t.Fatalf("up.sh printed %q, not export KUBECONFIG=...", out)
	}
	return &cluster{t: t, kubeconfig: strings.Trim(kc, `"'`)}
}

// kubectl runs kubectl against the cluster; stdin may be nil.
func (c *cluster) kubectl(stdin []byte, args ...string) (string, error) {
	cmd := exec.Command("kubectl", args...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.kubeconfig)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}

func (c *cluster) must(stdin []byte, args ...string) string {
	c.t.Helper()
	out, err := c.kubectl(stdin, args...)
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

// createNodes creates the inventory's nodes with the fields placement
// reads, status included (set through the status subresource, as a
// kubelet would).
func (c *cluster) createNodes(nodes []placement.Node) {
	c.t.Helper()
	for _, n := range nodes {
		obj := map[string]any{
			"apiVersion": "v1", "kind": "Node",
			"metadata": map[string]any{"name": n.Name, "labels": n.Labels},
			"spec":     map[string]any{"taints": n.Spec.Taints, "unschedulable": n.Spec.Unschedulable},
		}
		data, err := json.Marshal(obj)
		if err != nil {
			c.t.Fatal(err)
		}
		c.must(data, "create", "-f", "-")
		status, err := json.Marshal(map[string]any{"status": map[string]any{
			"capacity": n.Status.Capacity, "allocatable": n.Status.Allocatable, "conditions": n.Status.Conditions}})
		if err != nil {
			c.t.Fatal(err)
		}
		c.must(nil, "patch", "node", n.Name, "--subresource=status", "--type=merge", "-p", string(status))
	}
}

// daemonPod is what the test reads of a daemon pod: the node the
// controller made it for (its required node affinity's metadata.name)
// and the node the scheduler bound it to.
type daemonPod struct {
	owner, target, bound string
}

func (c *cluster) daemonPods() []daemonPod {
	c.t.Helper()
	out := c.must(nil, "get", "pods", "-A", "-o", "json")
	var list corev1.PodList
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		c.t.Fatal(err)
	}
	var pods []daemonPod
	for _, p := range list.Items {
		var owner string
		for _, r := range p.OwnerReferences {
			if r.Kind == "DaemonSet" {
				owner = p.Namespace + "/" + r.Name
			}
		}
		if owner == "" {
			continue
		}
		dp := daemonPod{owner: owner, bound: p.Spec.NodeName}
		if a := p.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			for _, term := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
				for _, f := range term.MatchFields {
					if f.Key == "metadata.name" && len(f.Values) == 1 {
						dp.target = f.Values[0]
					}
				}
			}
		}
		if dp.target == "" {
			dp.target = dp.bound
		}
		pods = append(pods, dp)
	}
	return pods
}

func checkInventory(t *testing.T, scripts, inv, dsDir string) int {
	data, err := os.ReadFile(inv)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := placement.ReadNodes(inv, data)
	if err != nil {
		t.Fatal(err)
	}

	// everynode's answer, from the command line.
	res := command(t, repoRoot, nil, nil, filepath.Join(binDir, "everynode"), "placement", "--format", "json", "--nodes", inv, dsDir)
	if res.code != 0 {
		t.Fatalf("everynode placement: exit %d\n%s", res.code, res.stderr)
	}
	var want placement.Result
	if err := json.Unmarshal([]byte(res.stdout), &want); err != nil {
		t.Fatal(err)
	}

	c := startCluster(t, scripts)
	c.createNodes(nodes)
	files, err := filepath.Glob(filepath.Join(dsDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	namespaces, accounts := map[string]bool{}, map[string]bool{}
	for _, ds := range want.DaemonSets {
		namespaces[ds.Namespace] = true
	}
	for _, f := range files {
		sc := bufio.NewScanner(strings.NewReader(readFile(t, f)))
		ns := ""
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if v, ok := strings.CutPrefix(line, "namespace: "); ok {
				ns = v
			}
			if v, ok := strings.CutPrefix(line, "serviceAccountName: "); ok {
				accounts[ns+"/"+v] = true
			}
		}
	}
	for ns := range namespaces {
		if ns != "" && ns != "default" && ns != "kube-system" {
			c.must(nil, "create", "namespace", ns)
		}
	}
	// The controller creates no pod for an account that does not exist.
	for a := range accounts {
		ns, name, _ := strings.Cut(a, "/")
		c.must(nil, "-n", ns, "create", "serviceaccount", name)
	}
	appliedCount := 0
	for _, f := range files {
		out, err := c.kubectl(nil, "apply", "-f", f)
		if err != nil {
			// The API server may refuse a fixture (a toleration operator
			// behind a feature gate): it cannot be compared, and says so.
			t.Logf("not applied: %v", err)
		}
		appliedCount += strings.Count(out, "daemonset.apps/")
	}

	type dsStatus struct {
		Metadata struct {
			Namespace  string `json:"namespace"`
			Name       string `json:"name"`
			Generation int64  `json:"generation"`
		} `json:"metadata"`
		Status struct {
			ObservedGeneration int64 `json:"observedGeneration"`
			Desired            int   `json:"desiredNumberScheduled"`
		} `json:"status"`
	}
	// Wait for the controller to have seen every DaemonSet and created
	// its pods, and for the scheduler to have bound what it will bind.
	var statuses map[string]dsStatus
	var pods []daemonPod
	deadline := time.Now().Add(90 * time.Second)
	for {
		out := c.must(nil, "get", "daemonsets", "-A", "-o", "json")
		var list struct{ Items []dsStatus }
		if err := json.Unmarshal([]byte(out), &list); err != nil {
			t.Fatal(err)
		}
		statuses = map[string]dsStatus{}
		ready, total := true, 0
		for _, s := range list.Items {
			statuses[s.Metadata.Namespace+"/"+s.Metadata.Name] = s
			total += s.Status.Desired
			if s.Status.ObservedGeneration < s.Metadata.Generation {
				ready = false
			}
		}
		pods = c.daemonPods()
		if ready && len(pods) >= total && len(list.Items) == appliedCount {
			// Binding is asynchronous: give the scheduler a moment after
			// the last pod appeared, then take what it did.
			time.Sleep(3 * time.Second)
			pods = c.daemonPods()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the controller did not settle in 90 s: %d DaemonSets seen of %d applied, %d pods of %d desired", len(list.Items), appliedCount, len(pods), total)
		}
		time.Sleep(500 * time.Millisecond)
	}

	targets := map[string][]string{}
	bound := map[[2]string]bool{}
	for _, p := range pods {
		targets[p.owner] = append(targets[p.owner], p.target)
		if p.bound != "" {
			bound[[2]string{p.owner, p.target}] = true
		}
	}
	pairs := 0
	for _, ds := range want.DaemonSets {
		key := clusterKey(ds)
		st, ok := statuses[key]
		if !ok {
			t.Logf("%s: not applied, not compared", key)
			continue
		}
		if st.Status.Desired != ds.Desired {
			t.Errorf("%s: desiredNumberScheduled %d, everynode says %d", key, st.Status.Desired, ds.Desired)
		}
		var runs []string
		for _, p := range ds.Nodes {
			pairs++
			if p.Runs {
				runs = append(runs, p.Node)
			}
			key2 := [2]string{key, p.Node}
			if p.Runs && len(p.Warnings) == 0 && !bound[key2] {
				t.Errorf("%s on %s: everynode warns of nothing, but the scheduler did not bind the pod", key, p.Node)
			}
		}
		got := slices.Clone(targets[key])
		sort.Strings(got)
		if !slices.Equal(got, runs) {
			t.Errorf("%s: the controller made pods for %v, everynode places it on %v", key, got, runs)
		}
	}
	// Where the pods placed on a node do not all fit (requests beyond its
	// allocatable, a host port claimed twice), the scheduler leaves at
	// least one Pending.
	for i, total := range want.NodeTotals {
		node := total.Node
		var placed, pendingWarned int
		var unbound int
		for _, ds := range want.DaemonSets {
			key := clusterKey(ds)
			if _, ok := statuses[key]; !ok {
				continue
			}
			p := ds.Nodes[i]
			if !p.Runs {
				continue
			}
			placed++
			if !bound[[2]string{key, node}] {
				unbound++
			}
			for _, w := range p.Warnings {
				if strings.Contains(w, "stays Pending") {
					pendingWarned++
					break
				}
			}
		}
		if pendingWarned > 0 && unbound == 0 {
			t.Errorf("%s: everynode warns that a pod stays Pending, but the scheduler bound all %d", node, placed)
		}
		if pendingWarned == 0 && unbound > 0 {
			t.Errorf("%s: the scheduler left %d of %d pods Pending, and everynode warned of none", node, unbound, placed)
		}
	}
	t.Logf("%s: %d DaemonSets applied, %d pairs compared, %d pods (%d bound)", filepath.Base(inv), len(statuses), pairs, len(pods), len(bound))
	return pairs
}

// clusterKey names a DaemonSet as the cluster has it: namespace/name,
// in default when the manifest gives no namespace.
func clusterKey(ds placement.DaemonSetResult) string {
	if ds.Namespace == "" {
		return "default/" + ds.Name
	}
	return ds.Namespace + "/" + ds.Name
}
