package krm

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const placementItems = `items:
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: agent
    namespace: monitoring
    annotations: {config.kubernetes.io/path: agent.yaml, config.kubernetes.io/index: "0"}
  spec:
    selector: {matchLabels: {app: agent}}
    template:
      metadata: {labels: {app: agent}}
      spec:
        nodeSelector: {kubernetes.io/os: linux}
        containers:
        - name: agent
          image: example.com/agent:1.0
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
          ports: [{containerPort: 9100, hostPort: 9100}]
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: gpu
    namespace: kube-system
    annotations: {config.kubernetes.io/path: gpu.yaml, config.kubernetes.io/index: "0"}
  spec:
    selector: {matchLabels: {app: gpu}}
    template:
      metadata: {labels: {app: gpu}}
      spec:
        nodeSelector: {nvidia.com/gpu.present: "true"}
        containers:
        - name: gpu
          image: example.com/gpu:1.0
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 64Mi}}
`

const placementNodes = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Node, metadata: {name: linux-1, labels: {kubernetes.io/os: linux}}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
- {apiVersion: v1, kind: Node, metadata: {name: windows-1, labels: {kubernetes.io/os: windows}}, status: {allocatable: {cpu: "2", memory: 4Gi, pods: "110"}}}
`

// TestPlacement: a functionConfig naming a nodes file adds the placement
// of the items' DaemonSets, as results and on standard error; the file
// must be in the repository around the working directory.
func TestPlacement(t *testing.T) {
	repo := t.TempDir()
	for name, data := range map[string]string{".git/HEAD": "ref: refs/heads/main\n", "k/nodes.yaml": placementNodes} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(repo, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wd := filepath.Join(repo, "k")
	config := func(placement string) string {
		return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n" + placementItems +
			"functionConfig:\n  apiVersion: everynode.dev/v1alpha1\n  kind: Config\n  metadata: {name: v}\n  lint: {failOn: none}\n  placement: " + placement + "\n"
	}
	configMap := func(data string) string {
		return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n" + placementItems +
			"functionConfig:\n  apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: v}\n  data: " + data + "\n"
	}
	cases := []struct {
		name, input string
		fails       bool
		stdout      []string // regexps
		stderr      []string
	}{
		{"placed", config("{nodes: nodes.yaml}"), false,
			[]string{`message: 'runs on 1 of 2 nodes: linux-1 \[placement\]'`, `message: runs on none of the 2 nodes \[placement\]`},
			[]string{`(?m)^monitoring/agent +yes +no +1 of 2$`, `nodeSelector nvidia.com/gpu.present=true: the node has no nvidia.com/gpu.present label`}},
		{"failIfNone", config("{nodes: nodes.yaml, failIfNone: true}"), true,
			[]string{`severity: error`, `runs on none of the 2 nodes \(placement.failIfNone is set\)`}, nil},
		{"ConfigMap", configMap("{nodes: nodes.yaml, failIfNone: \"true\"}"), true,
			[]string{`runs on none of the 2 nodes \(placement.failIfNone is set\)`}, nil},
		{"outside the repository", config("{nodes: ../../outside.yaml}"), true,
			[]string{`placement.nodes: "../../outside.yaml" leads outside the repository`}, nil},
		{"missing", config("{nodes: missing.yaml}"), true,
			[]string{`placement.nodes: .*no such file`}, nil},
		{"malformed", config("{nodes: ../.git/HEAD}"), true,
			[]string{`not a nodes file`}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := runIn(wd, strings.NewReader(c.input), &out, &errOut)
			if (err != nil) != c.fails || err != nil && !IsFindings(err) {
				t.Errorf("error = %v, want a failure: %v", err, c.fails)
			}
			for _, re := range c.stdout {
				if !regexp.MustCompile(re).MatchString(out.String()) {
					t.Errorf("stdout does not match %s:\n%s", re, out.String())
				}
			}
			for _, re := range c.stderr {
				if !regexp.MustCompile(re).MatchString(errOut.String()) {
					t.Errorf("stderr does not match %s:\n%s", re, errOut.String())
				}
			}
		})
	}
}
