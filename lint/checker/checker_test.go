package checker_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	registries = &rule.Param[[]string]{Name: "registries", Doc: "allowed registries", Default: []string{"docker.io"}}
	maxAge     = &rule.Param[int]{Name: "maxAgeDays", Doc: "days", Default: 90}
	allow      = &rule.Param[bool]{Name: "allowLatest", Doc: "allow latest"}
	policy     = &rule.Param[string]{Name: "policy", Doc: "a policy", Default: "strict"}
)

// testRule is a complete rule for the catalogs of these tests.
func testRule(id string, cat rule.Category, sev finding.Severity, check func(*rule.Pass)) *rule.Rule {
	r := &rule.Rule{ID: id, Category: cat, Severity: sev, Summary: "s",
		Doc: rule.Doc{What: "w", Why: "y", Bad: "a: 1", Good: "a: 2", Fix: "f", Mirrors: "m"}, Check: check}
	if cat == rule.Engine {
		r.Doc.Bad, r.Doc.Good, r.Check = "", "", nil
	}
	return r
}

func catalog() []*rule.Rule {
	hostNetwork := testRule("host-network", rule.Security, finding.Info, func(p *rule.Pass) {
		if v, _ := p.Object.Get(fieldpath.Parse("spec.template.spec.hostNetwork")).(bool); v {
			p.Reportf(fieldpath.Parse("spec.template.spec.hostNetwork"), "host network")
		}
	})
	hostNetwork.PodSecurity = rule.Baseline
	runsAsRoot := testRule("runs-as-root", rule.Security, finding.Info, func(p *rule.Pass) { p.Reportf(nil, "root") })
	runsAsRoot.PodSecurity, runsAsRoot.Disabled = rule.Restricted, true
	imageTag := testRule("image-tag", rule.Reliability, finding.Warning, func(p *rule.Pass) {
		p.Reportf(fieldpath.New("metadata"), "registries %v, max age %d, latest %v, policy %s",
			registries.Get(p), maxAge.Get(p), allow.Get(p), policy.Get(p))
	})
	imageTag.Params = []rule.Parameter{registries, maxAge, allow, policy}
	explodes := testRule("explodes", rule.Correctness, finding.Error, func(p *rule.Pass) { panic("boom") })
	explodes.Disabled = true
	// sa-not-found reports DaemonSets whose service account is not in the set.
	saNotFound := testRule("sa-not-found", rule.Reliability, finding.Warning, func(p *rule.Pass) {
		name, _ := p.Object.Get(fieldpath.Parse("spec.template.spec.serviceAccountName")).(string)
		if name == "" {
			return
		}
		ns := p.Object.Resource.Namespace
		p.ReportLater(fieldpath.Parse("spec.template.spec.serviceAccountName"), func(set *rule.Set) (string, bool) {
			return "no ServiceAccount " + name, !set.Has("ServiceAccount", ns, name)
		})
	})
	saNotFound.Deferred, saNotFound.Kinds = true, []string{"DaemonSet"}
	return []*rule.Rule{hostNetwork, runsAsRoot, imageTag, explodes, saNotFound,
		testRule(finding.RuleSchema, rule.Engine, finding.Error, nil)}
}

const head = "apiVersion: everynode.dev/v1alpha1\nkind: Config\nmetadata:\n  name: c\n"

func parseConfig(t *testing.T, src string) *config.Config {
	t.Helper()
	c, fs := configfile.Parse("cfg.yaml", []byte(head+src))
	if len(fs) > 0 {
		t.Fatalf("configuration findings: %v", fs)
	}
	return c
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      string // the error, with its position
	}{
		{"unknown rule", "lint:\n  rules:\n    host-netwrok: off\n",
			`cfg.yaml:7:5: unknown rule "host-netwrok" (did you mean "host-network"?)`},
		{"no parameters", "lint:\n  rules:\n    host-network:\n      params: {x: 1}\n",
			`cfg.yaml:8:16: rule "host-network" has no parameter "x" (it takes none)`},
		{"misspelt parameter", "lint:\n  rules:\n    image-tag:\n      params:\n        regsitries: []\n",
			`cfg.yaml:9:9: rule "image-tag" has no parameter "regsitries" (did you mean "registries"?)`},
		{"unknown parameter", "lint:\n  rules:\n    image-tag:\n      params:\n        colour: red\n",
			`(it takes registries, maxAgeDays, allowLatest, policy)`},
		{"wrong type: bool", "lint:\n  rules:\n    image-tag:\n      params:\n        allowLatest: \"yes\"\n",
			`cfg.yaml:9:9: parameter "allowLatest" of rule "image-tag": want true or false, got the string "yes"`},
		{"wrong type: list item", "lint:\n  rules:\n    image-tag:\n      params:\n        registries: [a, 1]\n",
			`want a list of strings, got the number 1 as item 1`},
		{"wrong type: int", "lint:\n  rules:\n    image-tag:\n      params:\n        maxAgeDays: 1.5\n",
			`want an integer, got the number 1.5`},
		{"wrong type: string", "lint:\n  rules:\n    image-tag:\n      params:\n        policy: [x]\n",
			`want a string, got a list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := checker.New(catalog(), checker.Options{Config: parseConfig(t, tt.src)})
			if err == nil || !strings.Contains(err.Error(), tt.want) || !checker.IsConfigError(err) {
				t.Errorf("error %v, want a configuration error containing %q", err, tt.want)
			}
		})
	}
	// Without a file (a KRM functionConfig), no position.
	c := config.Default()
	c.Lint.Rules = map[string]config.RuleConfig{"nope": {}}
	if _, err := checker.New(catalog(), checker.Options{Config: c}); err == nil || err.Error() != `configuration: unknown rule "nope"` {
		t.Errorf("error %v", err)
	}
	for _, opts := range []checker.Options{
		{Enable: []string{"host-netwrk"}},
		{Enable: []string{"securty"}},
		{Enable: []string{"nothing-*"}},
		{Enable: []string{"host-[a"}},
		{Disable: []string{"engine"}},
		{Disable: []string{"schema"}},
		{PodSecurity: "strict"},
	} {
		if _, err := checker.New(catalog(), opts); err == nil || checker.IsConfigError(err) {
			t.Errorf("%+v: error %v, want one that is not the configuration's", opts, err)
		}
	}
	if _, err := checker.New([]*rule.Rule{{ID: "Not_Kebab"}}, checker.Options{}); err == nil {
		t.Error("an invalid catalog was accepted")
	}
}

func TestSelectorErrors(t *testing.T) {
	tests := []struct {
		opts checker.Options
		src  string
		want []string
	}{
		{checker.Options{Enable: []string{"securty"}}, "", []string{`--enable: unknown rule or category "securty" (did you mean "security"?)`}},
		{checker.Options{Disable: []string{"host-netwrk,nothing-*"}}, "", []string{
			`--disable: unknown rule or category "host-netwrk" (did you mean "host-network"?)`,
			`--disable: "nothing-*" matches no rule`}},
		// Every problem of the configuration in one pass, each where it is written.
		{checker.Options{}, "lint:\n  enable: [reliabilty]\n  disable: [ok-*, host-network]\n  rules:\n    nope: off\n", []string{
			`cfg.yaml:9:5: unknown rule "nope"`,
			`cfg.yaml:6:12: unknown rule or category "reliabilty" (did you mean "reliability"?)`,
			`cfg.yaml:7:13: "ok-*" matches no rule`}},
	}
	for _, tt := range tests {
		tt.opts.Config = parseConfig(t, tt.src)
		_, err := checker.New(catalog(), tt.opts)
		if err == nil {
			t.Errorf("%+v: no error", tt.opts)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q, want it to contain %q", err, w)
			}
		}
	}
}

func TestSelection(t *testing.T) {
	enabled := func(c *checker.Checker) []string {
		var out []string
		for _, r := range catalog() {
			if e := c.Enabled(r.ID); e != nil {
				out = append(out, e.Severity.String()+" "+r.ID)
			}
		}
		return out
	}
	tests := []struct {
		name string
		opts checker.Options
		src  string
		want []string
	}{
		{"defaults", checker.Options{}, "", []string{"info host-network", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"restricted raises to warning and enables", checker.Options{PodSecurity: "restricted"}, "",
			[]string{"warning host-network", "warning runs-as-root", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"baseline leaves restricted controls off", checker.Options{}, "lint:\n  podSecurity: baseline\n",
			[]string{"warning host-network", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"configured severity enables and overrides", checker.Options{},
			"lint:\n  rules:\n    runs-as-root: error\n    host-network: off\n    schema: off\n",
			[]string{"error runs-as-root", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"the command line over the configuration", checker.Options{Enable: []string{"host-network"}, Disable: []string{"image-tag"}},
			"lint:\n  rules:\n    host-network: off\n", []string{"info host-network", "warning sa-not-found", "error schema"}},
		{"only", checker.Options{Only: func(r *rule.Rule) bool { return r.Category == rule.Reliability }}, "",
			[]string{"warning image-tag", "warning sa-not-found", "error schema"}},
		// Selectors: IDs, categories, globs, all, comma lists; the most
		// specific wins, disable at a tie.
		{"a category", checker.Options{Disable: []string{"security"}}, "",
			[]string{"warning image-tag", "warning sa-not-found", "error schema"}},
		{"a category enables rules off by default", checker.Options{Enable: []string{"security"}}, "",
			[]string{"info host-network", "info runs-as-root", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"an ID over its category", checker.Options{Disable: []string{"security"}, Enable: []string{"host-network"}}, "",
			[]string{"info host-network", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"a glob", checker.Options{Disable: []string{"*-tag"}}, "",
			[]string{"info host-network", "warning sa-not-found", "error schema"}},
		{"a glob over a category", checker.Options{Disable: []string{"reliability"}, Enable: []string{"image-*"}}, "",
			[]string{"info host-network", "warning image-tag", "error schema"}},
		{"disable wins a tie", checker.Options{Enable: []string{"host-*"}, Disable: []string{"host-*"}}, "",
			[]string{"warning image-tag", "warning sa-not-found", "error schema"}},
		{"comma lists and all", checker.Options{Disable: []string{"all"}, Enable: []string{"image-tag, explodes"}}, "",
			[]string{"warning image-tag", "error explodes", "error schema"}},
		{"the engine's rules stay on under all", checker.Options{Disable: []string{"all"}}, "", []string{"error schema"}},
		{"the configuration's lists", checker.Options{}, "lint:\n  disable: [security, sa-not-found]\n  enable: [\"explodes,runs-*\"]\n",
			[]string{"info runs-as-root", "warning image-tag", "error explodes", "error schema"}},
		{"rules entries over the configuration's lists", checker.Options{}, "lint:\n  disable: [security]\n  rules:\n    host-network: on\n",
			[]string{"info host-network", "warning image-tag", "warning sa-not-found", "error schema"}},
		{"the command line over the configuration's lists", checker.Options{Enable: []string{"security"}}, "lint:\n  disable: [host-network]\n",
			[]string{"info host-network", "info runs-as-root", "warning image-tag", "warning sa-not-found", "error schema"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Config = parseConfig(t, tt.src)
			c, err := checker.New(catalog(), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := enabled(c); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// targets parses a YAML stream into one target per document, placed
// through the object's own Locate (no Target.Locate).
func targets(t *testing.T, src string) []*checker.Target {
	t.Helper()
	s := document.Parse("in.yaml", []byte(src), document.Limits{})
	if len(s.Problems) > 0 {
		t.Fatal(s.Problems)
	}
	var out []*checker.Target
	for _, d := range s.Docs {
		m := d.Value.(map[string]any)
		locate := func(p fieldpath.Path) (string, int, int) {
			line, col := d.Place(p, false)
			return d.File.Name, line, col
		}
		out = append(out, &checker.Target{Object: &rule.Object{Resource: finding.ResourceOf(m), Map: m, Locate: locate}, Document: d.Index})
	}
	return out
}

func TestRun(t *testing.T) {
	src := `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: ns}
spec:
  template:
    spec:
      hostNetwork: true
      serviceAccountName: agent
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: other, namespace: ns}
spec:
  template:
    spec:
      serviceAccountName: present
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: present, namespace: ns}
`
	cfg := parseConfig(t, "lint:\n  rules:\n    image-tag:\n      params: {registries: [ghcr.io], maxAgeDays: 7}\n")
	c, err := checker.New(catalog(), checker.Options{Config: cfg, Enable: []string{"explodes"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range c.Run(targets(t, src)) {
		got = append(got, f.String()+" at "+f.Path.String())
	}
	want := []string{
		"in.yaml:7:7: info: host network [host-network] at spec.template.spec.hostNetwork",
		"in.yaml:3:1: warning: registries [ghcr.io], max age 7, latest false, policy strict [image-tag] at metadata",
		"in.yaml:1:1: error: rule explodes failed on this object: boom (please report this at https://github.com/everynode/everynode/issues) [internal-error] at ",
		"in.yaml:12:1: warning: registries [ghcr.io], max age 7, latest false, policy strict [image-tag] at metadata",
		"in.yaml:10:1: error: rule explodes failed on this object: boom (please report this at https://github.com/everynode/everynode/issues) [internal-error] at ",
		"in.yaml:20:1: warning: registries [ghcr.io], max age 7, latest false, policy strict [image-tag] at metadata",
		"in.yaml:18:1: error: rule explodes failed on this object: boom (please report this at https://github.com/everynode/everynode/issues) [internal-error] at ",
		"in.yaml:8:7: warning: no ServiceAccount agent [sa-not-found] at spec.template.spec.serviceAccountName",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestLocateAndBase(t *testing.T) {
	// An item of a List: paths are relative to the document, and Locate
	// may move a finding to another file.
	src := "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: DaemonSet\n  metadata: {name: a}\n  spec: {template: {spec: {hostNetwork: true}}}\n"
	s := document.Parse("list.yaml", []byte(src), document.Limits{})
	item := s.Docs[0].Value.(map[string]any)["items"].([]any)[0].(map[string]any)
	base := fieldpath.New("items").Index(0)
	obj := &rule.Object{Base: base, Resource: finding.ResourceOf(item), Map: item, Locate: func(p fieldpath.Path) (string, int, int) {
		line, col := s.Docs[0].Place(slices.Concat(base, p), false)
		return "list.yaml", line, col
	}}
	c, err := checker.New(catalog(), checker.Options{Disable: []string{"image-tag"}})
	if err != nil {
		t.Fatal(err)
	}
	fs := c.Run([]*checker.Target{{Object: obj}})
	if len(fs) != 1 || fs[0].String() != "list.yaml:7:28: info: host network [host-network]" || fs[0].Path.String() != "items[0].spec.template.spec.hostNetwork" {
		t.Fatalf("got %v", fs)
	}
	moved := c.Run([]*checker.Target{{Object: obj, File: "x", Locate: func(f *finding.Finding, p fieldpath.Path, atValue bool) {
		f.File, f.Line, f.Column = "patch.yaml", len(p), 1
	}}})
	if len(moved) != 1 || moved[0].String() != "patch.yaml:6:1: info: host network [host-network]" {
		t.Fatalf("got %v", moved)
	}
}

// TestForSet checks what the set keeps of an object: the fields that the
// rules reading its kind declare, with its identity, or the whole object
// when one of them declares none.
func TestForSet(t *testing.T) {
	obj := func() map[string]any {
		return map[string]any{
			"apiVersion": "apps/v1", "kind": "DaemonSet",
			"metadata": map[string]any{"name": "a", "namespace": "ns", "labels": map[string]any{"x": "y"}},
			"spec": map[string]any{"template": map[string]any{"spec": map[string]any{
				"serviceAccountName": "agent", "containers": []any{map[string]any{"name": "c"}}}}},
			"subjects": "not a map",
		}
	}
	reader := func(id string, fields ...string) *rule.Rule {
		r := testRule(id, rule.Reliability, finding.Warning, func(*rule.Pass) {})
		r.Deferred, r.SetKinds, r.SetFields = true, []string{"DaemonSet"}, fields
		return r
	}
	tests := []struct {
		name  string
		rules []*rule.Rule
		want  map[string]any
	}{
		{"declared fields", []*rule.Rule{reader("a", "spec.template.spec.serviceAccountName", "spec.template.spec.serviceAccount")},
			map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": map[string]any{"name": "a", "namespace": "ns"},
				"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"serviceAccountName": "agent"}}}}},
		{"a path through a value that is not a map", []*rule.Rule{reader("a", "subjects.name")},
			map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": map[string]any{"name": "a", "namespace": "ns"}}},
		{"a whole field wins over its children", []*rule.Rule{reader("a", "metadata.labels.x"), reader("b", "metadata")},
			map[string]any{"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": obj()["metadata"]}},
		{"one rule reads the whole object", []*rule.Rule{reader("a", "spec"), reader("b")}, obj()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := checker.New(tt.rules, checker.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !c.InSetKinds("DaemonSet") || c.InSetKinds("Service") {
				t.Errorf("InSetKinds: want DaemonSet only")
			}
			if got := c.ForSet("DaemonSet", obj()); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestGate: gate: strict makes reports marked Danger errors, and only
// those; the flag overrides the configuration.
func TestGate(t *testing.T) {
	danger := testRule("danger", rule.Security, finding.Info, func(p *rule.Pass) {
		p.Report(rule.Diagnostic{Path: fieldpath.New("metadata"), Message: "dangerous", Danger: true})
		p.Report(rule.Diagnostic{Path: fieldpath.New("kind"), Message: "merely odd"})
	})
	src := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
	for _, tt := range []struct {
		cfg, gate string
		want      []string
	}{
		{"", "", []string{"info dangerous", "info merely odd"}},
		{"", "strict", []string{"error dangerous", "info merely odd"}},
		{"lint:\n  gate: strict\n", "", []string{"error dangerous", "info merely odd"}},
		{"lint:\n  gate: strict\n", "default", []string{"info dangerous", "info merely odd"}},
	} {
		c, err := checker.New([]*rule.Rule{danger}, checker.Options{Config: parseConfig(t, tt.cfg), Gate: tt.gate})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range c.Run(targets(t, src)) {
			got = append(got, f.Severity.String()+" "+f.Message)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) {
			t.Errorf("config %q, gate %q: got %q, want %q", tt.cfg, tt.gate, got, tt.want)
		}
	}
	if _, err := checker.New([]*rule.Rule{danger}, checker.Options{Gate: "loose"}); err == nil {
		t.Error("gate loose was accepted")
	}
}
