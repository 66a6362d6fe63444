package lint_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
)

// newLinter makes a linter with the fake schema (fakes_test.go) and, unless
// opts say otherwise, the fake rules.
func newLinter(t testing.TB, opts lint.Options) *lint.Linter {
	t.Helper()
	if opts.Rules == nil {
		opts.Rules = fakeRules()
	}
	lintinternal.SetHooks(&opts, lintinternal.Hooks{Schema: newFakeSchema()})
	l, err := lint.New(opts)
	if err != nil {
		t.Fatalf("lint.New: %v", err)
	}
	return l
}

// lines renders findings one per line: file:line:col: severity rule: message,
// with " (suppressed)" when suppressed.
func lines(res *lint.Result) []string {
	var out []string
	for _, f := range res.Findings {
		s := fmt.Sprintf("%s:%d:%d: %s %s: %s", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message)
		if f.Suppressed {
			s += " (suppressed)"
		}
		out = append(out, s)
	}
	return out
}

// writeTree creates files (slash paths → content) under a new directory.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const daemonSet = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: %s
  namespace: ns
spec:
  selector:
    matchLabels: {app: a}
  template:
    metadata:
      labels: {app: a}
    spec:
      serviceAccountName: agent
      containers:
      - name: c
        image: agent:v1
`

func TestLintDocumentsPositions(t *testing.T) {
	// Findings in the second and later documents, and after a document
	// with a syntax error, must point at their own lines.
	src := `apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: broken
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: third
spec:
  replicas: 2
  template:
    spec:
      hostNetwork: true
      containers:
      - name: c
        image: agent:latest
        ports:
        - containerPort: http
`
	res, err := newLinter(t, lint.Options{}).LintDocuments("ds.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ds.yaml:14:3: error deployment-field-in-daemonset: a DaemonSet runs one pod per node: remove replicas",
		"ds.yaml:17:7: info host-network: uses the host's network",
		"ds.yaml:20:16: warning latest-tag: image tag latest",
		"ds.yaml:22:11: error schema: expected integer, got string \"http\"",
	}
	// The syntax error's exact place and wording are the parser's; here it
	// only has to be in the second document and come first.
	got := lines(res)
	if f := res.Findings[0]; f.Rule != "yaml-syntax" || f.Line < 5 || f.Line > 7 || f.Document != 1 {
		t.Errorf("first finding %v, want a yaml-syntax error in lines 5-7, document 1", f)
	}
	got = got[1:]
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.Rule != "yaml-syntax" && f.Document != 2 {
			t.Errorf("%s: document %d, want 2", f, f.Document)
		}
	}
	if s := res.Summary; s.Documents != 2 || s.Resources != 2 || s.Errors != 3 {
		t.Errorf("summary %+v: want 2 documents, 2 resources, 3 errors", s)
	}
}

func TestSuppressions(t *testing.T) {
	tests := []struct {
		name string
		src  string
		opts lint.Options
		want []string
	}{
		{
			name: "annotation with reason",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: a
  annotations:
    ignore.everynode.dev/host-network: "node metrics come from the host network"
spec:
  template:
    spec:
      hostNetwork: true
`,
			want: []string{"x.yaml:10:7: info host-network: uses the host's network (suppressed)"},
		},
		{
			name: "pod template annotation is honoured",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  template:
    metadata:
      annotations:
        ignore.everynode.dev/host-network: "reason"
    spec:
      hostNetwork: true
`,
			want: []string{"x.yaml:10:7: info host-network: uses the host's network (suppressed)"},
		},
		{
			name: "comment on the line and on the line above",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  template:
    spec:
      hostNetwork: true # everynode:ignore host-network -- CNI agent
      containers:
      - name: c
        # everynode:ignore latest-tag, host-network -- dev image
        # (an ordinary comment between is fine)
        image: agent:latest
`,
			want: []string{
				"x.yaml:7:7: info host-network: uses the host's network (suppressed)",
				"x.yaml:10:9: info unused-suppression: suppression comment of \"host-network\" matched no finding; remove it",
				"x.yaml:12:16: warning latest-tag: image tag latest (suppressed)",
			},
		},
		{
			name: "missing reason still suppresses",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: a
  annotations:
    ignore.everynode.dev/host-network: ""
spec:
  template:
    spec:
      hostNetwork: true   # everynode:ignore host-network
`,
			want: []string{
				"x.yaml:6:5: warning suppression-without-reason: suppression annotation of \"host-network\" gives no reason: its value should say why",
				"x.yaml:10:7: info host-network: uses the host's network (suppressed)",
				"x.yaml:10:27: warning suppression-without-reason: suppression comment of \"host-network\" gives no reason: add one after \" -- \"",
			},
		},
		{
			name: "unused, unused but disabled, unknown",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: a
  annotations:
    ignore.everynode.dev/host-network: "reason"
    ignore.everynode.dev/digest-pinning: "disabled rule: not unused"
    ignore.everynode.dev/latest-tags: "typo"
spec: {}
`,
			want: []string{
				"x.yaml:6:5: info unused-suppression: suppression annotation of \"host-network\" matched no finding; remove it",
				"x.yaml:8:5: warning unused-suppression: suppression annotation names rule \"latest-tags\", which does not exist (did you mean \"latest-tag\"?)",
			},
		},
		{
			name: "schema-only: rule suppressions are not unused",
			opts: lint.Options{SchemaOnly: true},
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: a
  annotations:
    ignore.everynode.dev/host-network: "reason"
spec: {}
`,
		},
		{
			name: "suppressing a schema error",
			src: `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  template:
    spec:
      containers:
      - name: c
        ports:
        - containerPort: http # everynode:ignore schema -- rendered later by a tool
`,
			want: []string{"x.yaml:10:11: error schema: expected integer, got string \"http\" (suppressed)"},
		},
		{
			name: "an annotation covers only its own object",
			src: `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  annotations:
    ignore.everynode.dev/host-network: "wrong object"
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a}
spec:
  template:
    spec:
      hostNetwork: true
`,
			want: []string{
				"x.yaml:6:5: info unused-suppression: suppression annotation of \"host-network\" matched no finding; remove it",
				"x.yaml:14:7: info host-network: uses the host's network",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := newLinter(t, tt.opts).LintDocuments("x.yaml", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if got := lines(res); !slices.Equal(got, tt.want) {
				t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestRuleReplacesSchemaError(t *testing.T) {
	src := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  replicas: 3\n"
	t.Run("rule on", func(t *testing.T) {
		res, _ := newLinter(t, lint.Options{}).LintDocuments("x.yaml", []byte(src))
		want := []string{"x.yaml:5:3: error deployment-field-in-daemonset: a DaemonSet runs one pod per node: remove replicas"}
		if got := lines(res); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("rule off", func(t *testing.T) {
		res, _ := newLinter(t, lint.Options{Disable: []string{"deployment-field-in-daemonset"}}).LintDocuments("x.yaml", []byte(src))
		want := []string{"x.yaml:4:1: error schema: unknown field \"replicas\""}
		if got := lines(res); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestRulePanicIsAFinding(t *testing.T) {
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: boom}\n"
	res, err := newLinter(t, lint.Options{}).LintDocuments("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != finding.RuleInternal || res.Findings[0].Line != 5 ||
		!strings.Contains(res.Findings[0].Message, "rule explodes failed") || res.InternalErrors != 1 {
		t.Errorf("got %q (%d internal errors), want one internal-error naming rule explodes at line 5", lines(res), res.InternalErrors)
	}
}

func TestRuleSelection(t *testing.T) {
	src := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n"
	enabled := func(b bool) *bool { return &b }
	cfg := func(l config.Lint) *config.Config { c := config.Default(); c.Lint = l; return c }
	tests := []struct {
		name string
		opts lint.Options
		want []string // rule IDs reported, with severity
	}{
		{"defaults", lint.Options{}, []string{"info host-network"}},
		{"pod security restricted raises to warning", lint.Options{PodSecurity: "restricted"},
			[]string{"warning runs-as-root", "info host-network"}},
		{"pod security baseline leaves restricted controls off", lint.Options{PodSecurity: "baseline"}, []string{"info host-network"}},
		{"config severity enables and overrides", lint.Options{Config: cfg(config.Lint{Rules: map[string]config.RuleConfig{
			"digest-pinning": {Severity: "warning"}, "host-network": {Enabled: enabled(false)}}})},
			[]string{"warning digest-pinning"}},
		{"command line over config", lint.Options{Enable: []string{"host-network"}, Config: cfg(config.Lint{Rules: map[string]config.RuleConfig{
			"host-network": {Enabled: enabled(false)}}})}, []string{"info host-network"}},
		{"schema only", lint.Options{SchemaOnly: true, Enable: []string{"digest-pinning"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := newLinter(t, tt.opts).LintDocuments("x.yaml", []byte(src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Severity.String()+" "+f.Rule)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	c := config.Default()
	c.Lint.Rules = map[string]config.RuleConfig{"host-netwrok": {}}
	tests := []struct {
		name string
		opts lint.Options
		want string
	}{
		{"unknown rule on the command line", lint.Options{Disable: []string{"latest-tags"}}, `unknown rule or category "latest-tags" (did you mean "latest-tag"?)`},
		{"unknown rule in the configuration", lint.Options{Config: c}, `unknown rule "host-netwrok" (did you mean "host-network"?)`},
		{"an engine rule on the command line", lint.Options{Disable: []string{"no-schema"}}, `rule "no-schema" is the engine's own and is always on`},
		{"bad pod security level", lint.Options{PodSecurity: "strict"}, `unknown pod security level "strict"`},
		{"bad exclude glob", lint.Options{Excludes: []string{"[a"}}, `exclude pattern "[a" is not a valid glob`},
		{"missing CRD path", lint.Options{CRDs: []string{"does-not-exist"}}, "does-not-exist: no such file or directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Rules, tt.opts.WorkDir = fakeRules(), t.TempDir()
			lintinternal.SetHooks(&tt.opts, lintinternal.Hooks{Schema: newFakeSchema()})
			_, err := lint.New(tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSkipped(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"Chart.yaml":                     "apiVersion: v2\nname: agent\nversion: 0.1.0\n",
		"values.yaml":                    "image: {repository: agent, tag: v1}\nkind: DaemonSet\n",
		".pre-commit-config.yaml":        "repos: []\n",
		"templates/ds.yaml":              "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {{ include \"x\" . }}\n---\nkind: ConfigMap\n",
		"templates/plain.yaml":           "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-templates-dir}\n",
		"helm-elsewhere.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
		"Kptfile":                        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: pkg}\n",
		"kptfile.yaml":                   "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: pkg}\n",
		"kustomization.yaml":             "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: []\n",
		"local.yaml":                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fn-config\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\n",
		"scalars.yaml":                   "just a string\n---\n- a\n- list\n---\n# only a comment\n---\n",
		"empty.yaml":                     "",
		".github/workflows/ci.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hidden-dir-not-walked}\n",
		"notes.txt":                      "apiVersion: v1\nkind: ConfigMap\n",
		"prometheus-rules.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rules}\ndata:\n  alert: 'Instance {{ $labels.instance }} down'\n",
		"daemon.yaml":                    "apiVersion: everynode.dev/v1alpha1\nkind: Daemon\nmetadata: {name: agent}\nspec: {image: agent:v1}\n",
		"list.yaml":                      "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: item}\n- not an object\n",
		"sub/templates/not-a-chart.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: no-chart-above}\n",
	})
	res, err := newLinter(t, lint.Options{WorkDir: dir}).Lint(context.Background(), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 {
		t.Errorf("unexpected findings:\n%s", strings.Join(lines(res), "\n"))
	}
	var linted []string
	for _, o := range res.Objects {
		linted = append(linted, o.File+" "+o.Resource.Name)
	}
	want := []string{"list.yaml item", "prometheus-rules.yaml rules", "sub/templates/not-a-chart.yaml no-chart-above"}
	slices.Sort(linted)
	if !slices.Equal(linted, want) {
		t.Errorf("linted %q, want %q", linted, want)
	}
	// Files: every .yaml/.yml/.json walked (not Kptfile or notes.txt, not
	// .github, not the chart's templates/).
	// Skipped: Chart, values, pre-commit, helm-elsewhere, kptfile.yaml,
	// kustomization, local, 2 scalar docs, the Daemon (no spec checker)
	// and the List's non-object item.
	if s := res.Summary; s.Files != 13 || s.Skipped != 11 || s.Resources != 3 {
		t.Errorf("summary %+v: want 13 files, 11 skipped, 3 resources", s)
	}
	// Every skipped file or document is listed with its reason, and the
	// chart with what to run instead of linting its templates.
	var skipped []string
	for _, s := range res.Skipped {
		skipped = append(skipped, fmt.Sprintf("%s#%d", s.File, s.Document))
		if s.Reason == "" {
			t.Errorf("%s#%d skipped without a reason", s.File, s.Document)
		}
	}
	wantSkipped := []string{".#-1", ".pre-commit-config.yaml#0", "Chart.yaml#0", "daemon.yaml#0", "helm-elsewhere.yaml#-1",
		"kptfile.yaml#0", "kustomization.yaml#0", "list.yaml#0", "local.yaml#0", "scalars.yaml#0", "scalars.yaml#1", "values.yaml#0"}
	if !slices.Equal(skipped, wantSkipped) {
		t.Errorf("skipped %q, want %q", skipped, wantSkipped)
	}
	if res.Skipped[0].Reason != "Helm chart skipped (render it with helm template . | everynode lint -)" {
		t.Errorf("the chart's reason is %q", res.Skipped[0].Reason)
	}
}

func TestCRDsInTheSetComeFirst(t *testing.T) {
	// a-cr.yaml sorts before z-crd.yaml: the custom resource must still
	// be validated against the CRD.
	dir := writeTree(t, map[string]string{
		"a-cr.yaml":    "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec:\n  size: big\n",
		"b-other.yaml": "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n",
		"z-crd.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  names: {kind: Widget}\n",
	})
	// One worker reads a-cr.yaml before the CRD: its object is linted
	// again at the end.
	for _, workers := range []int{1, 4} {
		res, err := newLinter(t, lint.Options{WorkDir: dir, Workers: workers}).Lint(context.Background(), []string{"."})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"a-cr.yaml:5:3: error schema: expected integer",
			"b-other.yaml:1:1: info no-schema: no schema for example.com/v1 Gadget",
		}
		if got := lines(res); !slices.Equal(got, want) {
			t.Errorf("%d workers: got:\n%s\nwant:\n%s", workers, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if s := res.Summary; s.Resources != 4 || s.Files != 3 {
			t.Errorf("%d workers: summary %+v, want 4 resources in 3 files", workers, s)
		}
	}
	t.Run("--crd", func(t *testing.T) {
		crds := writeTree(t, map[string]string{"crds/gadget.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\nspec:\n  names: {kind: Gadget}\n"})
		res, err := newLinter(t, lint.Options{WorkDir: dir, CRDs: []string{filepath.Join(crds, "crds")}}).Lint(context.Background(), []string{"b-other.yaml"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"b-other.yaml:1:1: error schema: expected integer"}
		if got := lines(res); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestDeferredRulesSeeTheWholeSet(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"a.yaml":  fmt.Sprintf(daemonSet, "a"),
		"b.yaml":  "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: other, namespace: ns}\n",
		"c.yaml":  "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb}\n",
		"ok.yaml": strings.Replace(fmt.Sprintf(daemonSet, "ok"), "serviceAccountName: agent", "serviceAccountName: other", 1),
	})
	res, err := newLinter(t, lint.Options{WorkDir: dir, Workers: 4}).Lint(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`a.yaml:13:7: warning service-account-not-found: service account "agent" is not in the linted set (1 bindings seen)`}
	if got := lines(res); !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestInputs(t *testing.T) {
	big := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  x: " + strings.Repeat("a", 200) + "\n"
	dir := writeTree(t, map[string]string{
		"ok.yaml":          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n",
		"big.yaml":         big,
		"loop/a.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: in-loop}\n",
		"vendor/x.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: excluded}\n",
		"deep/gen/x.json":  `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "excluded-too"}}`,
		"json/config.json": `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "json"}}`,
	})
	if err := os.Symlink("../loop", filepath.Join(dir, "loop", "self")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if err := os.Symlink("missing.yaml", filepath.Join(dir, "dangling.yaml")); err != nil {
		t.Fatal(err)
	}
	opts := lint.Options{WorkDir: dir, MaxFileSize: 100, Excludes: []string{"vendor", "**/gen/**"}}
	l := newLinter(t, opts)

	res, err := l.Lint(context.Background(), []string{"."})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"big.yaml:1:1: error limit-exceeded: file is " + fmt.Sprint(len(big)) + " bytes, larger than the 100 bytes limit; it was not read (split it, or exclude it if it is not a manifest)",
		`dangling.yaml:1:1: error unreadable-file: dangling symbolic link to "missing.yaml": no such file or directory`,
		"loop/self:1:1: warning unreadable-file: symbolic link loop: it leads back to loop, which is being walked; not followed",
	}
	if got := lines(res); !slices.Equal(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if s := res.Summary; s.Resources != 3 {
		t.Errorf("summary %+v: want 3 resources (ok, in-loop, json)", s)
	}

	t.Run("named path that does not exist", func(t *testing.T) {
		_, err := l.Lint(context.Background(), []string{"ok.yaml", "nope.yaml"})
		var pe *lint.PathError
		if !errors.As(err, &pe) || pe.Path != "nope.yaml" {
			t.Errorf("error %v, want a PathError for nope.yaml", err)
		}
	})
	t.Run("stdin", func(t *testing.T) {
		l := newLinter(t, lint.Options{WorkDir: dir, Stdin: strings.NewReader("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  template:\n    spec: {hostNetwork: true}\n")})
		res, err := l.Lint(context.Background(), []string{"-"})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"stdin:6:12: info host-network: uses the host's network"}
		if got := lines(res); !slices.Equal(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
		if src := res.Source("stdin"); !strings.Contains(string(src), "\n    spec: {hostNetwork: true}\n") {
			t.Errorf("Source(stdin) does not give the input back")
		}
	})
	t.Run("fail if no objects", func(t *testing.T) {
		l := newLinter(t, lint.Options{WorkDir: dir, FailIfNoObjects: true, Excludes: opts.Excludes})
		res, err := l.Lint(context.Background(), []string{"vendor"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 || res.Findings[0].Rule != finding.RuleNoObjects {
			t.Errorf("got %q, want one no-objects finding", lines(res))
		}
	})
}

func TestLintObjects(t *testing.T) {
	// KRM items: no positions, file and index from the annotations.
	objs := []lint.Object{
		{Value: map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": map[string]any{"name": "a"},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"hostNetwork": true}}}},
			File: "base/ds.yaml", Index: 2},
	}
	res, err := newLinter(t, lint.Options{}).LintObjects(objs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("got %q, want one finding", lines(res))
	}
	f := res.Findings[0]
	if f.File != "base/ds.yaml" || f.Document != 2 || f.Line != 0 || f.Path.String() != "spec.template.spec.hostNetwork" || f.Resource.Name != "a" {
		t.Errorf("got %+v", f)
	}
	// With a document (the KRM function's ResourceList), positions come
	// from it.
	s := document.Parse("rl.yaml", []byte("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      hostNetwork: true\n"), document.Limits{})
	o := lint.Object{Value: s.Docs[0].Value.(map[string]any), File: "ds.yaml"}
	lintinternal.SetDocument(&o, s.Docs[0], nil)
	res, _ = newLinter(t, lint.Options{}).LintObjects([]lint.Object{o})
	if got := lines(res); !slices.Equal(got, []string{"ds.yaml:7:7: info host-network: uses the host's network"}) {
		t.Errorf("got %q", got)
	}
}

func TestSortedAndCounted(t *testing.T) {
	res, _ := newLinter(t, lint.Options{}).LintDocuments("x.yaml", []byte(fmt.Sprintf(daemonSet, "a")+"---\n"+strings.Replace(fmt.Sprintf(daemonSet, "b"), "agent:v1", "agent:latest", 1)))
	if !slices.IsSortedFunc(res.Findings, finding.Compare) {
		t.Error("findings are not sorted")
	}
	if res.Summary.Warnings != 1 || res.Summary.Resources != 2 {
		t.Errorf("summary %+v", res.Summary)
	}
}
