package lint_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
)

// TestHugeInputBoundedMemory: a 100 MiB input costs no more memory than
// the size limit, whether it is a file (not read at all: its size is known
// before) or standard input (read up to the limit, then dropped). The file
// is sparse and the input generated, so the test is fast and takes no disk.
func TestHugeInputBoundedMemory(t *testing.T) {
	const huge = 100 << 20
	dir := t.TempDir()
	big := filepath.Join(dir, "huge.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(huge); err != nil {
		t.Fatal(err)
	}
	f.Close()
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\ndata: {x: 1}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		paths    []string
		stdin    io.Reader
		maxAlloc uint64
	}{
		{"file", []string{"huge.yaml", "other.yaml"}, nil, 16 << 20},
		// Reading up to the limit allocates a few times the limit as the
		// buffer grows (garbage, not live memory); what matters is that it
		// does not grow with the input: see the bytes read, below.
		{"stdin", []string{"-", "other.yaml"}, &endless{left: huge}, 8 * lint.DefaultMaxFileSize},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := lint.New(lint.Options{WorkDir: dir, Stdin: tc.stdin})
			if err != nil {
				t.Fatal(err)
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := l.Lint(context.Background(), tc.paths)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > tc.maxAlloc {
				t.Errorf("allocated %d MiB for a 100 MiB input, want at most %d MiB", alloc>>20, tc.maxAlloc>>20)
			}
			var limit, other bool
			for _, f := range res.Findings {
				limit = limit || f.Rule == finding.RuleLimit && f.Line == 1 && strings.Contains(f.Message, "larger than the 32 MiB limit")
				other = other || f.File == "other.yaml"
			}
			if e, ok := tc.stdin.(*endless); ok && e.read > lint.DefaultMaxFileSize*3/2 {
				t.Errorf("read %d MiB of standard input, want about the limit (%d MiB), not all of it", e.read>>20, lint.DefaultMaxFileSize>>20)
			}
			if !limit || !other {
				t.Errorf("want a limit-exceeded finding and other.yaml linted; got:\n%s", strings.Join(lines(res), "\n"))
			}
		})
	}
}

// endless is a long input made as it is read, counting what was read.
type endless struct{ left, read int }

func (e *endless) Read(p []byte) (int, error) {
	if e.left == 0 {
		return 0, io.EOF
	}
	p = p[:min(len(p), e.left)]
	for i := range p {
		p[i] = 'x'
	}
	e.left -= len(p)
	e.read += len(p)
	return len(p), nil
}

// TestRulesSurviveDegenerateObjects runs the whole rule catalog on objects
// whose fields are missing, null or of the wrong type: what a half-edited
// file holds. The schema reports those; no rule may fail on them (a rule
// that panics becomes an internal-error finding). The fuzzer found the
// first one: a DaemonSet without a spec.
func TestRulesSurviveDegenerateObjects(t *testing.T) {
	bodies := []string{
		"",
		"spec: null",
		"spec: x",
		"spec: [1]",
		"spec: {template: null}",
		"spec: {template: x}",
		"spec: {template: {spec: null}}",
		"spec: {template: {metadata: x, spec: {containers: null}}}",
		"spec: {template: {spec: {containers: x, initContainers: [x], volumes: [null]}}}",
		"spec: {template: {spec: {containers: [{}], volumes: [{}]}}}",
		"spec: {template: {spec: {containers: [{securityContext: x, resources: x, ports: x, env: x, volumeMounts: x, image: 1}]}}}",
		"spec: {template: {spec: {containers: [{ports: [x, null, {}], env: [x, {}], volumeMounts: [x, {}], securityContext: {capabilities: x}}]}}}",
		"spec: {template: {spec: {securityContext: x, tolerations: x, affinity: x, nodeSelector: x, hostNetwork: x}}}",
		"spec: {template: {spec: {tolerations: [x, null, {}], affinity: {nodeAffinity: x}, volumes: [{hostPath: x}, {hostPath: {}}]}}}",
		"spec: {selector: x, updateStrategy: x, template: {metadata: {labels: x, annotations: x}}}",
		"spec: {selector: {matchLabels: x, matchExpressions: [x]}, updateStrategy: {rollingUpdate: x}}",
		"metadata: x",
		"metadata: {annotations: x, labels: [1]}",
		"rules: x",
		"rules: [x, {verbs: x, resources: x}]",
		"subjects: x\nroleRef: x",
		"subjects: [x, {}]\nroleRef: {}",
		"data: x",
		"items: [x, null]",
	}
	kinds := []string{
		"apps/v1 DaemonSet", "apps/v1 Deployment", "v1 Pod", "v1 ConfigMap", "v1 Secret", "v1 ServiceAccount", "v1 Service",
		"rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 ClusterRole",
		"rbac.authorization.k8s.io/v1 RoleBinding", "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
		"v1 List", "extensions/v1beta1 DaemonSet", "everynode.dev/v1alpha1 Config",
	}
	l, err := lint.New(lint.Options{PodSecurity: "restricted"})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, k := range kinds {
		apiVersion, kind, _ := strings.Cut(k, " ")
		for _, body := range bodies {
			fmt.Fprintf(&b, "---\napiVersion: %s\nkind: %s\n%s\n", apiVersion, kind, body)
			if !strings.HasPrefix(body, "metadata") {
				b.WriteString("metadata: {name: x, namespace: y}\n")
			}
		}
	}
	res, err := l.LintDocuments("degenerate.yaml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == finding.RuleInternal {
			t.Errorf("%s", f)
		}
	}
}
