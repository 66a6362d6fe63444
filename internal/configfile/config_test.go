package configfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

const head = "apiVersion: everynode.dev/v1alpha1\nkind: Config\n"

// want is one expected finding: position, path and a part of the message.
type want struct {
	line, col int
	path      string
	msg       string
}

func checkFindings(t *testing.T, got []finding.Finding, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, f := range got {
			t.Logf("got %s (path %s)", f, f.Path)
		}
		t.Fatalf("got %d findings, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		f := got[i]
		if f.Line != w.line || f.Column != w.col || f.Path.String() != w.path || !strings.Contains(f.Message, w.msg) {
			t.Errorf("finding %d:\n got %d:%d %s %q\nwant %d:%d %s %q", i, f.Line, f.Column, f.Path, f.Message, w.line, w.col, w.path, w.msg)
		}
		if f.Severity != finding.Error || f.File != "cfg.yaml" {
			t.Errorf("finding %d: severity %s file %q", i, f.Severity, f.File)
		}
	}
}

func TestParseBad(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		wants []want
	}{
		{"empty file", "", []want{{1, 1, "", "the configuration is empty"}}},
		{"comment only", "# nothing\n", []want{{1, 1, "", "the configuration is empty"}}},
		{"syntax error", head + "lint: [\n", []want{{3, 7, "", `"[" is not closed`}}},
		{"no apiVersion", "kind: Config\n", []want{{1, 1, "apiVersion", "missing apiVersion"}}},
		{"wrong apiVersion", "apiVersion: everynode.dev/v1\nkind: Config\n",
			[]want{{1, 13, "apiVersion", `apiVersion: must be "everynode.dev/v1alpha1", not "everynode.dev/v1"`}}},
		{"a Daemon spec", "apiVersion: everynode.dev/v1alpha1\nkind: Daemon\nspec: {}\n", []want{
			{2, 7, "kind", `kind: must be "Config", not "Daemon"; this is not an everynode configuration`},
			{3, 1, "spec", `unknown field "spec"`},
		}},
		{"two documents", head + "---\n" + head, []want{{4, 1, "", "holds one document"}}},
		{"unknown top-level field", head + "lnt: {}\n", []want{{3, 1, "lnt", `unknown field "lnt" (did you mean "lint"?)`}}},
		{"unknown lint field", head + "lint:\n  strcit: true\n",
			[]want{{4, 3, "lint.strcit", `lint: unknown field "strcit" (did you mean "strict"?)`}}},
		{"unknown field, no suggestion", head + "lint:\n  colour: red\n",
			[]want{{4, 3, "lint.colour", "known fields: baseline, checkReferences, disable, enable, exclude, failOn, gate, kubernetesVersion, podSecurity, rules, strict"}}},
		{"lint not a map", head + "lint: [1]\n", []want{{3, 7, "lint", "lint: must be a map, not a list"}}},
		{"strict not a boolean", head + "lint:\n  strict: sometimes\n",
			[]want{{4, 11, "lint.strict", `lint.strict: must be a boolean, not a string ("sometimes")`}}},
		{"kubernetesVersion as a number", head + "lint:\n  kubernetesVersion: 1.30\n",
			[]want{{4, 22, "lint.kubernetesVersion", `must be a string, not a number (1.30); quote it (kubernetesVersion: "1.30")`}}},
		{"kubernetesVersion not a version", head + "lint:\n  kubernetesVersion: newest\n",
			[]want{{4, 22, "lint.kubernetesVersion", `lint.kubernetesVersion: "newest" is not a Kubernetes minor version`}}},
		{"unknown pod security level", head + "lint:\n  podSecurity: restricte\n",
			[]want{{4, 16, "lint.podSecurity", `"restricte" is not valid: use one of none, baseline, restricted (did you mean "restricted"?)`}}},
		{"bad failOn", head + "lint:\n  failOn: warnig\n",
			[]want{{4, 11, "lint.failOn", `"warnig" is not valid: use one of error, warning, warn, info, none (did you mean "warning"?)`}}},
		{"exclude not a list", head + "lint:\n  exclude: vendor\n",
			[]want{{4, 12, "lint.exclude", `lint.exclude: must be a list, not a string ("vendor")`}}},
		{"bad exclude glob", head + "lint:\n  exclude: ['a[']\n",
			[]want{{4, 13, "lint.exclude[0]", `"a[" is not a valid glob pattern`}}},
		{"exclude item not a string", head + "lint:\n  exclude:\n  - ok/**\n  - 3\n",
			[]want{{6, 5, "lint.exclude[1]", "lint.exclude[1]: must be a string, not an integer (3)"}}},
		{"bad shorthand severity", head + "lint:\n  rules:\n    host-network: warnin\n",
			[]want{{5, 19, "lint.rules.host-network", `"warnin" is not valid: use one of off, on, error, warning, info (did you mean "warning"?)`}}},
		{"rule setting of the wrong type", head + "lint:\n  rules:\n    host-network: 3\n",
			[]want{{5, 19, "lint.rules.host-network", "must be off, on, error, warning, info or a map of enabled, severity and params, not an integer (3)"}}},
		{"bad severity", head + "lint:\n  rules:\n    host-network: {severity: err}\n",
			[]want{{5, 30, "lint.rules.host-network.severity", `"err" is not valid: use one of error, warning, info (did you mean "error"?)`}}},
		{"misspelt rule field", head + "lint:\n  rules:\n    host-network:\n      enabeld: true\n",
			[]want{{6, 7, "lint.rules.host-network.enabeld", `lint.rules.host-network: unknown field "enabeld" (did you mean "enabled"?)`}}},
		{"params not a map", head + "lint:\n  rules:\n    host-path:\n      params: [a]\n",
			[]want{{6, 15, "lint.rules.host-path.params", "lint.rules.host-path.params: must be a map, not a list"}}},
		{"generate not a list", head + "generate: {specs: [a]}\n", []want{{3, 11, "generate", "generate: must be a list, not a map"}}},
		{"generate target without output", head + "generate:\n- specs: [a.yaml]\n",
			[]want{{4, 3, "generate[0].output", `generate[0]: missing required field "output"`}}},
		{"misspelt output is one finding", head + "generate:\n- specs: [a.yaml]\n  outptu: x\n",
			[]want{{5, 3, "generate[0].outptu", `generate[0]: unknown field "outptu" (did you mean "output"?)`}}},
		{"empty specs", head + "generate:\n- specs: []\n  output: out\n",
			[]want{{4, 10, "generate[0].specs", "generate[0].specs: must have at least 1 item"}}},
		{"empty output", head + "generate:\n- specs: [a]\n  output: ''\n",
			[]want{{5, 11, "generate[0].output", "must not be empty"}}},
		{"kustomization not a boolean", head + "generate:\n- specs: [a]\n  output: o\n  kustomization: sure\n",
			[]want{{6, 18, "generate[0].kustomization", `must be a boolean, not a string ("sure")`}}},
		{"bad spec glob", head + "generate:\n- specs: ['[']\n  output: o\n",
			[]want{{4, 11, "generate[0].specs[0]", "not a valid glob pattern"}}},
		{"duplicate key", head + "lint:\n  strict: true\n  strict: false\n", []want{{5, 3, "", "strict"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, fs := Parse("cfg.yaml", []byte(tc.src))
			if c == nil {
				t.Fatal("nil config")
			}
			checkFindings(t, fs, tc.wants)
		})
	}
}

func TestParseFull(t *testing.T) {
	c, fs, err := Load(filepath.Join("testdata", "full.everynode.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 0 {
		t.Fatalf("findings: %v", fs)
	}
	tr, fa := true, false
	want := config.Lint{
		KubernetesVersion: "1.33",
		Strict:            &tr,
		PodSecurity:       "baseline",
		FailOn:            "warning",
		Exclude:           []string{"vendor/**", "charts/*/templates/**"},
		CheckReferences:   true,
		Rules: map[string]config.RuleConfig{
			"host-network":         {Enabled: &fa},
			"missing-memory-limit": {Enabled: &tr, Severity: "error"},
			"tolerates-all-taints": {Enabled: &tr, Severity: "info"},
			"image-tag": {Params: map[string]any{
				"allowLatest": false, "registries": []any{"ghcr.io", "quay.io"}, "maxAgeDays": int64(30)}},
		},
	}
	if !reflect.DeepEqual(c.Lint, want) {
		t.Errorf("lint:\n got %+v\nwant %+v", c.Lint, want)
	}
	if wantP := (config.Placement{Nodes: "clusters/prod-nodes.yaml", FailIfNone: true, FailOn: "warning"}); c.Placement != wantP {
		t.Errorf("placement:\n got %+v\nwant %+v", c.Placement, wantP)
	}
	wantGen := []config.GenerateTarget{
		{Specs: []string{"deploy/specs/*.yaml"}, Output: "deploy/generated", Kustomization: true, Path: fieldpath.New("generate").Index(0)},
		{Specs: []string{"agents/node-exporter.yaml"}, Output: "../out", Path: fieldpath.New("generate").Index(1)},
	}
	if !reflect.DeepEqual(c.Generate, wantGen) {
		t.Errorf("generate:\n got %+v\nwant %+v", c.Generate, wantGen)
	}
	if file, line, col := c.Locate(c.Generate[1].Path.Child("output")); file != c.Path || line != 29 || col != 5 {
		t.Errorf("Locate(generate[1].output) = %s:%d:%d", file, line, col)
	}
	if got, want := c.Resolve(c.Generate[0].Output), filepath.Join("testdata", "deploy", "generated"); got != want {
		t.Errorf("Resolve = %q, want %q", got, want)
	}
	if got := c.Resolve(c.Generate[1].Output); got != "out" {
		t.Errorf("Resolve(../out) = %q", got)
	}
	for _, tc := range []struct {
		file string
		rel  string
		ok   bool
	}{
		{filepath.Join("testdata", "vendor", "x.yaml"), "vendor/x.yaml", true},
		{"config.go", "", false},
	} {
		rel, ok := c.RelPath(tc.file)
		if rel != tc.rel || ok != tc.ok {
			t.Errorf("RelPath(%s) = %q, %v; want %q, %v", tc.file, rel, ok, tc.rel, tc.ok)
		}
	}
}

func TestEmptySections(t *testing.T) {
	// Sections whose content is all commented out are null: allowed.
	src := head + "lint:\n  # strict: false\n  rules:\n  exclude:\ngenerate:\n"
	c, fs := Parse("cfg.yaml", []byte(src))
	if len(fs) != 0 {
		t.Fatalf("findings: %v", fs)
	}
	if !c.Lint.IsStrict() || c.Generate != nil || len(c.Lint.Rules) != 0 {
		t.Errorf("config = %+v", c)
	}
}

func TestShorthands(t *testing.T) {
	src := head + `lint:
  rules:
    a: off
    b: on
    c: "off"
    d: "on"
    e: warning
    f: false
    g: {severity: info, enabled: false}
    h: {enabled: true}
`
	c, fs := Parse("cfg.yaml", []byte(src))
	if len(fs) != 0 {
		t.Fatalf("findings: %v", fs)
	}
	tr, fa := true, false
	want := map[string]config.RuleConfig{
		"a": {Enabled: &fa}, "b": {Enabled: &tr}, "c": {Enabled: &fa}, "d": {Enabled: &tr},
		"e": {Enabled: &tr, Severity: "warning"}, "f": {Enabled: &fa},
		"g": {Enabled: &fa, Severity: "info"}, "h": {Enabled: &tr},
	}
	if !reflect.DeepEqual(c.Lint.Rules, want) {
		t.Errorf("got %+v", c.Lint.Rules)
	}
	if got := c.Lint.Rules["e"].SeverityLevel(); got != finding.Warning {
		t.Errorf("SeverityLevel = %v", got)
	}
}

func TestDefault(t *testing.T) {
	c := config.Default()
	if !c.Lint.IsStrict() || c.Lint.Strict == nil || !*c.Lint.Strict {
		t.Error("default is not strict")
	}
	if c.Lint.PodSecurity != "none" || c.Lint.FailOn != "" || c.Lint.KubernetesVersion != "" || c.Lint.CheckReferences {
		t.Errorf("default lint = %+v", c.Lint)
	}
	if c.Lint.Rules == nil || len(c.Lint.Rules) != 0 || c.Generate != nil || c.Path != "" || c.Position != nil {
		t.Errorf("default = %+v", c)
	}
	if c.Dir() != "." {
		t.Errorf("Dir = %q", c.Dir())
	}
	if file, line, col := c.Locate(fieldpath.New("lint")); file != "" || line != 1 || col != 1 {
		t.Errorf("Locate = %s:%d:%d", file, line, col)
	}
	// A minimal file is the default with a document.
	m, fs := Parse("cfg.yaml", []byte(head))
	if len(fs) != 0 {
		t.Fatal(fs)
	}
	m.Position, m.Path = nil, ""
	if !reflect.DeepEqual(m, c) {
		t.Errorf("minimal config = %+v, want the default %+v", m, c)
	}
}

func TestFromObject(t *testing.T) {
	// A functionConfig inside a ResourceList: positions are the stream's.
	src := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n  apiVersion: everynode.dev/v1alpha1\n  kind: Config\n  metadata:\n    name: lint\n    annotations: {config.kubernetes.io/local-config: \"true\"}\n  lint:\n    podSecurity: restricted\n    stict: false\n"
	s := document.Parse("rl.yaml", []byte(src), document.Limits{})
	fc := s.Docs[0].Value.(map[string]any)["functionConfig"]
	// The engine hands over a document whose Node is the functionConfig.
	n, _ := s.Docs[0].NodeAt(fieldpath.New("functionConfig"))
	doc := &document.Document{File: s.File, Node: n, Value: fc, Line: n.Line}
	c, fs := FromObject(doc)
	if len(fs) != 1 || fs[0].Line != 12 || fs[0].Column != 5 || !strings.Contains(fs[0].Message, `did you mean "strict"`) {
		t.Fatalf("findings = %v", fs)
	}
	if fs[0].Resource.Name != "lint" || fs[0].Resource.Kind != "Config" {
		t.Errorf("resource = %+v", fs[0].Resource)
	}
	if c.Lint.PodSecurity != "restricted" {
		t.Errorf("podSecurity = %q", c.Lint.PodSecurity)
	}
	if c, fs := FromObject(nil); c == nil || fs != nil {
		t.Error("FromObject(nil)")
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	deep := filepath.Join(repo, "a", "b")
	outside := filepath.Join(root, "other", "x")
	for _, d := range []string{deep, filepath.Join(repo, ".git"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(head), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A configuration above the repository root is not the repository's.
	write(filepath.Join(root, config.FileName))
	for _, tc := range []struct {
		name  string
		setup func()
		dir   string
		want  string
	}{
		{"stops at the repository root", nil, deep, ""},
		{"outside a repository, up to the file-system root", nil, outside, filepath.Join(root, config.FileName)},
		{"at the repository root", func() { write(filepath.Join(repo, config.FileName)) }, deep, filepath.Join(repo, config.FileName)},
		{"nearest wins", func() { write(filepath.Join(repo, "a", config.FileName)) }, deep, filepath.Join(repo, "a", config.FileName)},
		{"in the directory itself", func() { write(filepath.Join(deep, config.FileName)) }, deep, filepath.Join(deep, config.FileName)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			got, ok, err := Find(tc.dir)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("Find = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
	t.Run("a directory named like the file", func(t *testing.T) {
		d := filepath.Join(root, "weird")
		if err := os.MkdirAll(filepath.Join(d, config.FileName), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, _, err := Find(d); err == nil {
			t.Error("no error")
		}
	})
}

func TestLoadMissing(t *testing.T) {
	if _, _, err := Load(filepath.Join("testdata", "nope.yaml")); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestSuggest(t *testing.T) {
	cands := []string{"strict", "kubernetesVersion", "podSecurity", "warning", "error"}
	for _, tc := range []struct{ in, want string }{
		{"strcit", "strict"},
		{"Strict", "strict"},
		{"kubernetesversion", "kubernetesVersion"},
		{"kubernetsVersoin", "kubernetesVersion"},
		{"warn", "warning"},
		{"xyz", ""},
		{"pod", "podSecurity"},
		{"s", ""},
	} {
		if got := suggest(tc.in, cands); got != tc.want {
			t.Errorf("suggest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
