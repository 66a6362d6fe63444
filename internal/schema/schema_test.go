package schema

import (
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

// parse types a YAML document the way the linter does.
func parse(t testing.TB, text string) map[string]any {
	t.Helper()
	s := document.Parse("test.yaml", []byte(text), document.Limits{})
	if len(s.Problems) > 0 {
		t.Fatalf("bad test YAML: %v\n%s", s.Problems, text)
	}
	if len(s.Docs) != 1 {
		t.Fatalf("want one document, got %d", len(s.Docs))
	}
	m, ok := s.Docs[0].Value.(map[string]any)
	if !ok {
		t.Fatalf("not a map: %T", s.Docs[0].Value)
	}
	return m
}

// daemonSet wraps a pod spec (YAML at column 0) in a minimal valid
// DaemonSet.
func daemonSet(podSpec string) string {
	var b strings.Builder
	b.WriteString(`apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  labels: {app.kubernetes.io/name: agent}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: agent}
  template:
    metadata:
      labels: {app.kubernetes.io/name: agent}
    spec:
`)
	for _, l := range strings.Split(strings.Trim(podSpec, "\n"), "\n") {
		b.WriteString("      " + l + "\n")
	}
	return b.String()
}

// container is a pod spec with one container holding the given fields.
func container(fields string) string {
	var b strings.Builder
	b.WriteString("containers:\n  - name: agent\n    image: agent:1.0\n")
	for _, l := range strings.Split(strings.Trim(fields, "\n"), "\n") {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

func strs(errs []Error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.String()
	}
	return out
}

// validators are shared by the tests, as the linter shares one per run:
// it also exercises the lazily compiled definitions across cases.
var validators sync.Map

func validator(t testing.TB, version string, strict bool) *Validator {
	t.Helper()
	key := version + "/" + map[bool]string{true: "strict", false: "relaxed"}[strict]
	if v, ok := validators.Load(key); ok {
		return v.(*Validator)
	}
	v, err := New(Options{KubernetesVersion: version, Strict: strict})
	if err != nil {
		t.Fatal(err)
	}
	actual, _ := validators.LoadOrStore(key, v)
	return actual.(*Validator)
}

func TestValidate(t *testing.T) {
	const c0 = "spec.template.spec.containers[0]"
	tests := []struct {
		name    string
		version string
		relaxed bool
		yaml    string
		want    []string
	}{
		{name: "minimal", yaml: daemonSet(container(""))},
		{name: "int-or-string port by name", yaml: daemonSet(container("livenessProbe: {httpGet: {port: metrics, path: /}}"))},
		{name: "int-or-string port by number", yaml: daemonSet(container("livenessProbe: {httpGet: {port: 8080}}"))},
		{
			name: "int-or-string rejects a boolean",
			yaml: daemonSet(container("readinessProbe: {tcpSocket: {port: true}}")),
			want: []string{c0 + `.readinessProbe.tcpSocket.port: expected integer or string, got boolean true [schema]`},
		},
		{
			name: "int-or-string rejects a fraction",
			yaml: daemonSet(container("readinessProbe: {tcpSocket: {port: 80.5}}")),
			want: []string{c0 + `.readinessProbe.tcpSocket.port: expected integer or string, got number 80.5 [schema]`},
		},
		{name: "a float without fraction is an integer", yaml: daemonSet(container("ports: [{containerPort: 80.0}]"))},
		{name: "int32 and int64 bounds", yaml: daemonSet(container("livenessProbe: {exec: {command: [x]}, periodSeconds: 2147483647, terminationGracePeriodSeconds: 9223372036854775807}"))},
		{
			name: "beyond int32 and int64",
			yaml: daemonSet(container("livenessProbe: {exec: {command: [x]}, periodSeconds: 2147483648, timeoutSeconds: -2147483649, terminationGracePeriodSeconds: 9223372036854775808}")),
			want: []string{
				c0 + `.livenessProbe.periodSeconds: 2147483648 does not fit in a 32-bit integer (-2147483648 to 2147483647), which is what the API server decodes it into [schema]`,
				c0 + `.livenessProbe.terminationGracePeriodSeconds: 9223372036854775808 does not fit in a 64-bit integer (-9223372036854775808 to 9223372036854775807), which is what the API server decodes it into [schema]`,
				c0 + `.livenessProbe.timeoutSeconds: -2147483649 does not fit in a 32-bit integer (-2147483648 to 2147483647), which is what the API server decodes it into [schema]`,
			},
		},
		{
			name: "containerPort as a name",
			yaml: daemonSet(container("ports: [{containerPort: http}]")),
			want: []string{c0 + `.ports[0].containerPort: expected integer, got string "http" [schema]`},
		},
		{
			name: "maxUnavailable as number and percent",
			yaml: strings.Replace(daemonSet(container("")), "  template:", "  updateStrategy:\n    rollingUpdate: {maxUnavailable: 1, maxSurge: 25%}\n  template:", 1),
		},
		{name: "quantities", yaml: daemonSet(container("resources: {requests: {cpu: 500m, memory: 1.5Gi}, limits: {cpu: 0.5, memory: 1, nvidia.com/gpu: 1e3}}"))},
		{
			name: "quantity with a unit Kubernetes does not know",
			yaml: daemonSet(container("resources: {limits: {memory: 64MB}}")),
			want: []string{c0 + `.resources.limits.memory: invalid quantity "64MB": want a number with an optional suffix: Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or m, k, M, G, T, P, E (powers of 1000), such as 500m, 64Mi, 1.5Gi or 2 [schema]`},
		},
		{
			name: "quantity of the wrong type",
			yaml: daemonSet(container("resources: {requests: {cpu: [1]}}")),
			want: []string{c0 + `.resources.requests.cpu: expected number or string, got array [schema]`},
		},
		{
			name: "nulls are absent fields",
			yaml: daemonSet(container("resources: null\nsecurityContext: ~\nargs: null") + "hostNetwork: null\n"),
		},
		{
			name: "creationTimestamp null from kubectl",
			yaml: strings.Replace(daemonSet(container("")), "      labels: {app", "      creationTimestamp: null\n      labels: {app", 1),
		},
		{
			name: "a null required field is missing",
			yaml: daemonSet("containers: null"),
			want: []string{`spec.template.spec.containers: missing required field "containers" [schema]`},
		},
		{
			// The API server decodes a null item as its type's zero value
			// ("" and an empty toleration here) and accepts both.
			name: "null in a list is the zero value",
			yaml: daemonSet(container("args: [--v=2, null]") + "tolerations: [null]\n"),
		},
		{
			// An empty container still lacks its name.
			name: "null container",
			yaml: daemonSet(container("") + "initContainers: [null]\n"),
			want: []string{`spec.template.spec.initContainers[0].name: missing required field "name" [schema]`},
		},
		{
			// The document marks these required; the API server does not.
			name: "fields the API server does not require",
			yaml: daemonSet(container("lifecycle: {preStop: {sleep: {}}, postStart: {httpGet: {port: 80, httpHeaders: [{name: X-A}]}}}") +
				"securityContext: {sysctls: [{name: net.ipv4.ip_forward}]}\n" +
				"volumes: [{name: v, iscsi: {targetPortal: 10.0.0.1, iqn: iqn.2001-04.com.example:storage}}]\n"),
		},
		{name: "empty maps", yaml: daemonSet(container("resources: {}\nsecurityContext: {}") + "nodeSelector: {}\naffinity: {}\n")},
		{
			name: "empty spec",
			yaml: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: x}\nspec: {}\n",
			want: []string{
				`spec.selector: missing required field "selector" [schema]`,
				`spec.template: missing required field "template" [schema]`,
			},
		},
		{
			name: "unknown field with a suggestion",
			yaml: daemonSet(container("") + "hostNetwrok: true\n"),
			want: []string{`spec.template.spec.hostNetwrok: unknown field "hostNetwrok" (did you mean "hostNetwork"?) [schema]`},
		},
		{
			name: "unknown field deep down",
			yaml: daemonSet(container("securityContext: {capabilities: {dorp: [ALL]}}")),
			want: []string{c0 + `.securityContext.capabilities.dorp: unknown field "dorp" (did you mean "drop"?) [schema]`},
		},
		{
			name: "unknown field in another case",
			yaml: daemonSet(container("imagepullpolicy: Always")),
			want: []string{c0 + `.imagepullpolicy: unknown field "imagepullpolicy" (did you mean "imagePullPolicy"?) [schema]`},
		},
		{
			name: "unknown field without a close match",
			yaml: daemonSet(container("") + "replicas: 3\n"),
			want: []string{`spec.template.spec.replicas: unknown field "replicas" [schema]`},
		},
		{
			name: "unknown field set to null is still unknown",
			yaml: daemonSet(container("") + "hostNetwrok: null\n"),
			want: []string{`spec.template.spec.hostNetwrok: unknown field "hostNetwrok" (did you mean "hostNetwork"?) [schema]`},
		},
		{name: "relaxed mode allows unknown fields", relaxed: true, yaml: daemonSet(container("") + "hostNetwrok: true\n")},
		{
			name:    "relaxed mode still checks types",
			relaxed: true,
			yaml:    daemonSet(container("") + "hostPID: \"yes\"\n"),
			want:    []string{`spec.template.spec.hostPID: expected boolean, got string "yes" [schema]`},
		},
		{
			name: "a boolean where a string goes, keys with dots",
			yaml: daemonSet(container("") + "nodeSelector: {gpu.example.com/present: yes}\n"),
			want: []string{`spec.template.spec.nodeSelector[gpu.example.com/present]: expected string, got boolean true [schema]`},
		},
		{
			name: "label values are strings",
			yaml: strings.Replace(daemonSet(container("")), "labels: {app.kubernetes.io/name: agent}\nspec:", "labels: {app.kubernetes.io/name: agent, app.kubernetes.io/version: 1.10}\nspec:", 1),
			want: []string{`metadata.labels[app.kubernetes.io/version]: expected string, got number 1.1 [schema]`},
		},
		{
			name: "object where a list goes",
			yaml: daemonSet(container("env: {name: A, value: b}")),
			want: []string{c0 + `.env: expected array, got object [schema]`},
		},
		{
			name: "long strings are shortened",
			yaml: daemonSet(container("ports: [{containerPort: " + strings.Repeat("x", 100) + "}]")),
			want: []string{c0 + `.ports[0].containerPort: expected integer, got string "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxxxxxx" (100 characters) [schema]`},
		},
		{
			name: "date-time",
			yaml: "apiVersion: v1\nkind: Event\nmetadata: {name: e}\ninvolvedObject: {}\nfirstTimestamp: yesterday\nlastTimestamp: \"2024-05-01T12:00:00Z\"\n",
			want: []string{`firstTimestamp: expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got "yesterday" [schema]`},
		},
		{
			name:    "pod-level resources do not exist in 1.31",
			version: "1.31",
			yaml:    daemonSet(container("") + "resources: {limits: {cpu: 1}}\n"),
			want:    []string{`spec.template.spec.resources: unknown field "resources" [schema]`},
		},
		{name: "pod-level resources exist in 1.32", version: "1.32", yaml: daemonSet(container("") + "resources: {limits: {cpu: 1}}\n")},
		{
			name:    "restartPolicyRules is new in 1.34",
			version: "v1.33.2",
			yaml:    daemonSet(container("restartPolicyRules: []")),
			want:    []string{c0 + `.restartPolicyRules: unknown field "restartPolicyRules" [schema]`},
		},
		{name: "restartPolicyRules in 1.34", version: "1.34.0", yaml: daemonSet(container("restartPolicyRules: []"))},
		{
			name: "removed API version",
			yaml: "apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: x}\nspec: {}\n",
			want: []string{`apiVersion: extensions/v1beta1 DaemonSet is no longer served: Kubernetes 1.16 removed it; use apiVersion apps/v1 [removed-api-version]`},
		},
		{
			name: "removed API version without replacement",
			yaml: "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: x}\n",
			want: []string{`apiVersion: policy/v1beta1 PodSecurityPolicy is no longer served: Kubernetes 1.25 removed it; PodSecurityPolicy has no replacement: use Pod Security Admission (pod-security.kubernetes.io/* namespace labels) or an admission webhook [removed-api-version]`},
		},
		{
			name:    "still served before its removal",
			version: "1.31",
			yaml:    "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: x}\nspec: {priorityLevelConfiguration: {name: global-default}}\n",
		},
		{
			name:    "removed in 1.32",
			version: "1.32",
			yaml:    "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: x}\n",
			want:    []string{`apiVersion: flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is no longer served: Kubernetes 1.32 removed it; use apiVersion flowcontrol.apiserver.k8s.io/v1 [removed-api-version]`},
		},
		{
			name: "alpha version dropped between embedded releases",
			yaml: "apiVersion: resource.k8s.io/v1alpha2\nkind: ResourceClaim\nmetadata: {name: x}\n",
			want: []string{`apiVersion: resource.k8s.io/v1alpha2 ResourceClaim is no longer served: Kubernetes 1.31 removed it; use apiVersion resource.k8s.io/v1 [removed-api-version]`},
		},
		{
			name:    "not served yet",
			version: "1.30",
			yaml:    "apiVersion: resource.k8s.io/v1\nkind: ResourceClaim\nmetadata: {name: x}\n",
			want:    []string{`apiVersion: resource.k8s.io/v1 ResourceClaim is not served by Kubernetes 1.30: it was added in 1.34 [schema]`},
		},
		{
			name: "kind typo in a built-in group",
			yaml: "apiVersion: apps/v1\nkind: Daemonset\nmetadata: {name: x}\n",
			want: []string{`kind: unknown kind "Daemonset" in apps/v1 (did you mean "DaemonSet"?) [schema]`},
		},
		{
			name: "kind of another group",
			yaml: "apiVersion: v1\nkind: DaemonSet\nmetadata: {name: x}\n",
			want: []string{`apiVersion: there is no DaemonSet in v1; use apiVersion apps/v1 [schema]`},
		},
		{
			name: "version that never existed",
			yaml: "apiVersion: apps/v2\nkind: DaemonSet\nmetadata: {name: x}\n",
			want: []string{`apiVersion: Kubernetes 1.37 has no apps/v2 DaemonSet; use apiVersion apps/v1 [schema]`},
		},
		{
			name: "custom resource without CRD",
			yaml: "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n",
			want: []string{`no schema for monitoring.coreos.com/v1 ServiceMonitor in Kubernetes 1.37, not validated (a custom resource? load its CustomResourceDefinition to validate it) [no-schema]`},
		},
		{
			name: "unknown kind in a built-in group",
			yaml: "apiVersion: apps/v1\nkind: Widget\nmetadata: {name: x}\n",
			want: []string{`kind: Kubernetes 1.37 serves no apps/v1 Widget, and no CustomResourceDefinition can add a kind to a built-in group: check kind and apiVersion [schema]`},
		},
		{
			name: "built-in kind in a group without a dot",
			yaml: "apiVersion: app/v1\nkind: DaemonSet\nmetadata: {name: x}\n",
			want: []string{`apiVersion: there is no API group "app" in Kubernetes 1.37 (a custom resource's group has a dot, such as example.com); use apiVersion apps/v1 [schema]`},
		},
		{
			// Another tool's file says apiVersion: v1 too.
			name: "kubeconfig",
			yaml: "apiVersion: v1\nkind: Config\nclusters: []\n",
			want: []string{`no schema for v1 Config in Kubernetes 1.37, not validated (a custom resource? load its CustomResourceDefinition to validate it) [no-schema]`},
		},
		{
			name: "tool configuration in a group without a dot",
			yaml: "apiVersion: skaffold/v4beta6\nkind: Config\n",
			want: []string{`no schema for skaffold/v4beta6 Config in Kubernetes 1.37, not validated (a custom resource? load its CustomResourceDefinition to validate it) [no-schema]`},
		},
		{name: "not a Kubernetes object", yaml: "name: my-chart\nversion: 1.0.0\n"},
		{
			name: "several errors are sorted by path",
			yaml: daemonSet(container("ports: [{containerPort: http}, {containerPort: 99999999999, protocol: 7}]") + "hostPID: 1\n"),
			want: []string{
				c0 + `.ports[0].containerPort: expected integer, got string "http" [schema]`,
				c0 + `.ports[1].containerPort: 99999999999 does not fit in a 32-bit integer (-2147483648 to 2147483647), which is what the API server decodes it into [schema]`,
				c0 + `.ports[1].protocol: expected string, got integer 7 [schema]`,
				`spec.template.spec.hostPID: expected boolean, got integer 1 [schema]`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := validator(t, tt.version, !tt.relaxed)
			got := strs(v.Validate(parse(t, tt.yaml)))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestEveryVersion validates realistic manifests against every embedded
// release, strictly.
func TestEveryVersion(t *testing.T) {
	files := []string{"testdata/daemonset.yaml", "testdata/node-agent.yaml"}
	for _, version := range schemas.Versions() {
		for _, f := range files {
			t.Run(version+"/"+f, func(t *testing.T) {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				s := document.Parse(f, data, document.Limits{})
				if len(s.Problems) > 0 {
					t.Fatal(s.Problems)
				}
				v := validator(t, version, true)
				for _, d := range s.Docs {
					obj, _ := d.Value.(map[string]any)
					if errs := v.Validate(obj); len(errs) > 0 {
						t.Errorf("document %d: %s", d.Index, strings.Join(strs(errs), "\n"))
					}
				}
			})
		}
	}
	if len(schemas.Versions()) < 8 {
		t.Errorf("embedded versions %v: want 1.30 to 1.37 at least", schemas.Versions())
	}
}

func TestNonFinite(t *testing.T) {
	// internal/document reports .nan and .inf itself; values built by
	// other code can still carry them.
	obj := parse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
	obj["metadata"].(map[string]any)["generation"] = math.Inf(1)
	got := strs(validator(t, "", true).Validate(obj))
	want := []string{`metadata.generation: expected a number JSON can represent, got +Inf (quote it if it is meant as a string) [schema]`}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestErrorFields(t *testing.T) {
	v := validator(t, "", true)
	errs := v.Validate(parse(t, daemonSet(container("")+"nodeSelector: {kubernetes.io/os: 1}\n")))
	if len(errs) != 1 {
		t.Fatalf("got %v", errs)
	}
	want := fieldpath.New("spec", "template", "spec", "nodeSelector", "kubernetes.io/os")
	if e := errs[0]; e.Rule != finding.RuleSchema || e.Severity != finding.Error || !e.Path.Equal(want) {
		t.Errorf("got %+v, want rule schema, severity error, path %v", e, want)
	}
	errs = v.Validate(parse(t, "apiVersion: example.com/v1\nkind: Widget\n"))
	if len(errs) != 1 || errs[0].Severity != finding.Info || errs[0].Rule != finding.RuleNoSchema || len(errs[0].Path) != 0 {
		t.Errorf("no-schema: got %+v", errs)
	}
}

func TestValidateDoesNotModify(t *testing.T) {
	text := daemonSet(container("resources: null\nports: [{containerPort: 80}]"))
	obj := parse(t, text)
	validator(t, "", true).Validate(obj)
	if want := parse(t, text); !equalJSON(obj, want) {
		t.Errorf("object changed:\n%v\nwant\n%v", obj, want)
	}
	c := obj["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	if _, ok := c["resources"]; !ok {
		t.Error("the null field was removed from the caller's object")
	}
}

func TestNew(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{in: "", want: schemas.Newest()},
		{in: "1.30", want: "1.30"},
		{in: "v1.36", want: "1.36"},
		{in: "1.35.2", want: "1.35"},
		{in: "1.12", err: "Kubernetes 1.12 has no embedded schemas (available: 1.30 to "},
		{in: "latest", want: schemas.Newest()},
		{in: "newest", err: `invalid Kubernetes version "newest"`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			v, err := New(Options{KubernetesVersion: tt.in})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got %v, want error containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.KubernetesVersion() != tt.want {
				t.Errorf("got %s, want %s", v.KubernetesVersion(), tt.want)
			}
		})
	}
}

func TestConcurrentFirstUse(t *testing.T) {
	// Many goroutines reach the same lazily compiled definitions at once
	// (run with -race).
	v, err := New(Options{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	objs := []map[string]any{
		parse(t, daemonSet(container("ports: [{containerPort: http}]"))),
		parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {spec: {containers: [{name: a, image: b, resources: {limits: {cpu: x}}}]}}}\n"),
		parse(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: 1}\n"),
	}
	want := make([][]string, len(objs))
	for i, o := range objs {
		ref, err := New(Options{Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		want[i] = strs(ref.Validate(o))
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				k := (g + i) % len(objs)
				if got := strs(v.Validate(objs[k])); !slices.Equal(got, want[k]) {
					t.Errorf("object %d: got %v, want %v", k, got, want[k])
				}
			}
		})
	}
	wg.Wait()
}

func TestSuggest(t *testing.T) {
	names := []string{"hostNetwork", "hostPID", "hostIPC", "containers", "drop", "add"}
	for _, tt := range []struct{ in, want string }{
		{"hostNetwrok", "hostNetwork"},
		{"HostNetwork", "hostNetwork"},
		{"host_network", "hostNetwork"},
		{"hostPid", "hostPID"},
		{"containres", "containers"},
		{"dorp", "drop"},
		{"ad", ""}, // too short to guess
		{"volumes", ""},
	} {
		if got := suggest(tt.in, names); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestEveryKindCompiles compiles every definition of every embedded
// release: validation compiles lazily, so a broken definition would
// otherwise surface only when some manifest reaches it.
func TestEveryKindCompiles(t *testing.T) {
	for _, version := range schemas.Versions() {
		v, err := New(Options{KubernetesVersion: version, Strict: true})
		if err != nil {
			t.Fatal(err)
		}
		kinds, _ := schemas.Kinds(version)
		for _, g := range kinds {
			root, errs := v.rootFor(g)
			if errs != nil {
				t.Fatalf("%s %s: %v", version, g, errs)
			}
			if err := compileAll(root); err != nil {
				t.Errorf("%s %s: %v", version, g, err)
			}
		}
	}
}
