package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const examples = "testdata/e2e"

// TestKustomize builds the kustomize examples with the real kustomize,
// which runs everynode fn as an exec function.
func TestKustomize(t *testing.T) {
	kustomize := tools.install(t, kustomizeModule)
	build := func(t *testing.T, dir string) runResult {
		return command(t, dir, nil, nil, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
	}
	tests := []struct {
		name string
		dir  string
		// wantCode is kustomize's exit status.
		wantCode int
		// wantStderr are regexps standard error must match.
		wantStderr []string
		check      func(t *testing.T, dir string, res runResult)
	}{
		{
			name: "generator", dir: "kustomize/generator",
			check: func(t *testing.T, dir string, res runResult) {
				golden(t, "kustomize-generator.yaml", res.stdout)
				for _, want := range []string{"kind: DaemonSet", "everynode.dev/generated-by: monitoring/node-exporter",
					"image: quay.io/prometheus/node-exporter:v1.8.2", "ignore.everynode.dev/host-network:"} {
					if !strings.Contains(res.stdout, want) {
						t.Errorf("output lacks %q", want)
					}
				}
				if strings.Contains(res.stdout, "config.kubernetes.io/function") || strings.Contains(res.stdout, "kind: Daemon\n") {
					t.Error("the spec or its function annotation leaked into the output")
				}
			},
		},
		{
			name: "validator", dir: "kustomize/validator",
			check: func(t *testing.T, dir string, res runResult) {
				// The validator must hand every resource back unchanged:
				// the build equals the build without it.
				kf := filepath.Join(dir, "kustomization.yaml")
				writeFile(t, kf, strings.Replace(readFile(t, kf), "transformers:\n  - everynode.yaml\n", "", 1))
				plain := build(t, dir)
				if plain.code != 0 {
					t.Fatalf("build without the validator: %v", plain)
				}
				if res.stdout != plain.stdout {
					t.Errorf("the validator changed the resources:\n--- with:\n%s\n--- without:\n%s", res.stdout, plain.stdout)
				}
				if res.stderr != "" {
					t.Errorf("a clean build printed:\n%s", res.stderr)
				}
			},
		},
		{
			name: "validator-failing", dir: "kustomize/validator-failing", wantCode: 1,
			wantStderr: []string{
				// origin annotations name the file; the field path the place.
				`agent\.yaml\[0\]: DaemonSet kube-system/agent: spec\.template\.metadata\.labels: error: selector does not match template labels.*\[selector-mismatch\]`,
				`agent\.yaml\[0\]: DaemonSet kube-system/agent: spec\.replicas: error: .*\[deployment-field-in-daemonset\]`,
				`everynode fn: 2 errors`,
				`couldn't execute function`,
			},
			check: func(t *testing.T, dir string, res runResult) {
				if res.stdout != "" {
					t.Errorf("a failed build printed resources:\n%s", res.stdout)
				}
			},
		},
		{
			// Documented as not working: kustomize itself rejects exec
			// functions under validators:.
			name: "validators-field", dir: "kustomize/validators-field", wantCode: 1,
			wantStderr: []string{`validator shouldn't modify the resource map`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyDir(t, filepath.Join(examples, tt.dir), "")
			res := build(t, dir)
			if res.code != tt.wantCode {
				t.Fatalf("kustomize build: want exit status %d, got %v", tt.wantCode, res)
			}
			for _, re := range tt.wantStderr {
				if !regexp.MustCompile(re).MatchString(res.stderr) {
					t.Errorf("stderr does not match %q:\n%s", re, res.stderr)
				}
			}
			if tt.check != nil {
				tt.check(t, dir, res)
			}
		})
	}
}

// badAgent has two errors: a selector that does not match its template,
// and replicas.
func badAgent(t *testing.T) string {
	return readFile(t, filepath.Join(repoRoot, examples, "kustomize/validator-failing/agent.yaml"))
}

func cleanDaemonSet(t *testing.T) string {
	return readFile(t, filepath.Join(repoRoot, examples, "kustomize/validator/node-exporter.yaml"))
}

// warningsOnly is a DaemonSet with warnings and no errors.
const warningsOnly = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:1.4.2
`

// TestKpt runs everynode fn with the real kpt: fn eval as validator and
// generator, and fn render of the example package's pipeline.
func TestKpt(t *testing.T) {
	kpt := lookPath(t, "kpt")
	evalTests := []struct {
		name     string
		files    map[string]string
		args     []string
		wantCode int
		// wantOutput are regexps kpt's combined output must match.
		wantOutput []string
		changed    bool
	}{
		{
			name:  "validate clean",
			files: map[string]string{"node-exporter.yaml": cleanDaemonSet(t)},
			args:  []string{"--exec", "everynode fn"},
		},
		{
			name:     "validate failing",
			files:    map[string]string{"agent.yaml": badAgent(t)},
			args:     []string{"--exec", "everynode fn", "--truncate-output=false"},
			wantCode: 1,
			wantOutput: []string{
				`\[error\] apps/v1/DaemonSet/kube-system/agent spec\.template\.metadata\.labels: selector does not match .*\[selector-mismatch\]`,
				`agent\.yaml\[0\]: DaemonSet kube-system/agent: spec\.replicas: error:`,
			},
		},
		{
			name:     "settings from fn-args",
			files:    map[string]string{"agent.yaml": warningsOnly},
			args:     []string{"--exec", "everynode fn", "--truncate-output=false", "--", "failOn=warning", "kubernetesVersion=1.33"},
			wantCode: 1,
			wantOutput: []string{
				`\[warning\] apps/v1/DaemonSet/kube-system/agent spec\.template\.spec\.containers\[0\]\.readinessProbe: .*\[missing-readiness-probe\]`,
			},
		},
		{
			name:  "warnings pass by default",
			files: map[string]string{"agent.yaml": warningsOnly},
			args:  []string{"--exec", "everynode fn"},
		},
		{
			name:     "bad setting",
			files:    map[string]string{"agent.yaml": warningsOnly},
			args:     []string{"--exec", "everynode fn", "--", "podSecurity=strict"},
			wantCode: 1,
			wantOutput: []string{
				`\[error\] v1/ConfigMap/function-input data\.podSecurity: data\.podSecurity: "strict" is not valid: use one of none, baseline, restricted`,
			},
		},
		{
			name:    "generate",
			files:   map[string]string{"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: pkg\n"},
			args:    []string{"--exec", "everynode fn", "--fn-config", "SPEC"},
			changed: true,
		},
	}
	spec := filepath.Join(repoRoot, examples, "generate/specs/node-exporter.yaml")
	for _, tt := range evalTests {
		t.Run("eval "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				writeFile(t, filepath.Join(dir, name), content)
			}
			args := []string{"fn", "eval", dir}
			for _, a := range tt.args {
				if a == "SPEC" {
					a = spec
				}
				args = append(args, a)
			}
			before := snapshot(t, dir)
			res := command(t, dir, nil, nil, kpt, args...)
			out := res.stdout + res.stderr
			if res.code != tt.wantCode {
				t.Fatalf("want exit status %d, got %v", tt.wantCode, res)
			}
			for _, re := range tt.wantOutput {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("output does not match %q:\n%s", re, out)
				}
			}
			changes := diffSnapshots(before, snapshot(t, dir))
			if !tt.changed && len(changes) > 0 {
				t.Errorf("a validator changed the package: %v", changes)
			}
			if !tt.changed {
				return
			}
			after := snapshot(t, dir)
			ds := after["monitoring/daemonset_node-exporter.yaml"]
			if !generatedByNodeExporter.MatchString(ds) || !strings.Contains(ds, "node-exporter:v1.8.2") {
				t.Fatalf("generated files %v; the DaemonSet:\n%s", changes, ds)
			}
			// Idempotent: a second run replaces its own output.
			again := command(t, dir, nil, nil, kpt, args...)
			if again.code != 0 {
				t.Fatalf("second run: %v", again)
			}
			if c := diffSnapshots(after, snapshot(t, dir)); len(c) > 0 {
				t.Errorf("running the generator twice changed %v", c)
			}
			// A changed spec updates the objects in place.
			changedSpec := filepath.Join(t.TempDir(), "spec.yaml")
			writeFile(t, changedSpec, strings.Replace(readFile(t, spec), "v1.8.2", "v1.9.0", 1))
			args[len(args)-1] = changedSpec
			if res := command(t, dir, nil, nil, kpt, args...); res.code != 0 {
				t.Fatalf("run with a changed spec: %v", res)
			}
			final := snapshot(t, dir)
			if c := diffSnapshots(after, final); len(c) != 1 || c[0] != "changed monitoring/daemonset_node-exporter.yaml" {
				t.Errorf("a changed spec changed %v, want only the DaemonSet", c)
			}
			if !strings.Contains(final["monitoring/daemonset_node-exporter.yaml"], "node-exporter:v1.9.0") {
				t.Errorf("the DaemonSet was not updated:\n%s", final["monitoring/daemonset_node-exporter.yaml"])
			}
		})
	}

	t.Run("render", func(t *testing.T) {
		dir := copyDir(t, filepath.Join(examples, "kpt/package"), "")
		render := func() runResult {
			return command(t, dir, nil, nil, kpt, "fn", "render", dir, "--allow-exec", "--truncate-output=false")
		}
		res := render()
		if res.code != 0 {
			t.Fatalf("kpt fn render: %v", res)
		}
		rendered := snapshot(t, dir)
		ds := rendered["monitoring/daemonset_node-exporter.yaml"]
		if !strings.Contains(ds, "kind: DaemonSet") || !generatedByNodeExporter.MatchString(ds) {
			t.Fatalf("the mutator generated no DaemonSet: files %v", keys(rendered))
		}
		if res := render(); res.code != 0 {
			t.Fatalf("second kpt fn render: %v", res)
		}
		if c := diffSnapshots(rendered, snapshot(t, dir)); len(c) > 0 {
			t.Errorf("rendering twice changed %v", c)
		}
		// The validator stops the pipeline on errors, and kpt writes
		// nothing.
		writeFile(t, filepath.Join(dir, "agent.yaml"), badAgent(t))
		before := snapshot(t, dir)
		res = render()
		if res.code == 0 {
			t.Fatalf("kpt fn render passed a package with errors: %v", res)
		}
		if out := res.stdout + res.stderr; !strings.Contains(out, "[selector-mismatch]") {
			t.Errorf("the failure does not name the rule:\n%s", out)
		}
		if c := diffSnapshots(before, snapshot(t, dir)); len(c) > 0 {
			t.Errorf("a failed render changed %v", c)
		}
	})
}

// generatedByNodeExporter matches the annotation the generator sets (kyaml
// quotes annotation values it writes).
var generatedByNodeExporter = regexp.MustCompile(`everynode\.dev/generated-by: '?monitoring/node-exporter'?\n`)

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestFnMalformedInput feeds the binary what no KRM client sends: it must
// fail with a message, never a panic or a ResourceList.
func TestFnMalformedInput(t *testing.T) {
	everynode := filepath.Join(binDir, "everynode")
	tests := []struct {
		name, input, want string
	}{
		{"empty", "", "standard input is empty"},
		{"not yaml", "items: [", "not valid YAML"},
		{"a manifest", cleanDaemonSet(t), `kind is "DaemonSet", not ResourceList`},
		{"items not a list", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {}\n", "items is a map"},
		{"bad functionConfig", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: [1]\n", "functionConfig is a list"},
		{"unknown functionConfig", "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: v1, kind: Secret, metadata: {name: x}}\n", "everynode fn takes kind Daemon"},
		{"binary", "\x00\x01\x02", "binary file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := command(t, t.TempDir(), nil, []byte(tt.input), everynode, "fn")
			if res.code != 1 {
				t.Errorf("want exit status 1, got %v", res)
			}
			if !strings.Contains(res.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, res.stderr)
			}
			if strings.Contains(res.stderr, "panic") || strings.Contains(res.stderr, "goroutine ") {
				t.Errorf("panicked:\n%s", res.stderr)
			}
		})
	}
}
