package krm

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// TestRun runs the function on each testdata/*.txtar: the input section is
// standard input; stdout, stderr and error (the error's text, "" for none)
// are compared, and rewritten with UPDATE_GOLDEN=1.
func TestRun(t *testing.T) {
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			sections := map[string]string{}
			for _, f := range ar.Files {
				sections[f.Name] = string(f.Data)
			}
			input, ok := sections["input.yaml"]
			if !ok {
				t.Fatal("no input.yaml section")
			}
			var stdout, stderr bytes.Buffer
			err = Run(strings.NewReader(input), &stdout, &stderr)
			errText := ""
			if err != nil {
				errText = err.Error() + "\n"
			}
			got := map[string]string{"stdout": stdout.String(), "stderr": stderr.String(), "error": errText}
			if os.Getenv("UPDATE_GOLDEN") == "1" {
				ar.Files = []txtar.File{{Name: "input.yaml", Data: []byte(input)}}
				for _, name := range []string{"stdout", "stderr", "error"} {
					ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(got[name])})
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for _, name := range []string{"stdout", "stderr", "error"} {
				if got[name] != sections[name] {
					t.Errorf("%s differs (UPDATE_GOLDEN=1 rewrites it):\n--- got:\n%s\n--- want:\n%s", name, got[name], sections[name])
				}
			}
			if err != nil && !IsFindings(err) && stdout.Len() > 0 && !strings.Contains(stdout.String(), "results:") {
				t.Errorf("a failure wrote a ResourceList without results:\n%s", stdout.String())
			}
		})
	}
}

func run(t *testing.T, input string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = Run(strings.NewReader(input), &out, &errOut)
	return out.String(), errOut.String(), err
}

const daemonConfig = `functionConfig:
  apiVersion: everynode.dev/v1alpha1
  kind: Daemon
  metadata:
    name: agent
    namespace: kube-system
  spec:
    image: registry.example.com/agent:IMAGE_TAG
    resources: {cpu: 10m, memory: 32Mi}
`

// TestGenerateIdempotent runs the generator on its own output: nothing may
// change, and a changed spec replaces its objects where they were.
func TestGenerateIdempotent(t *testing.T) {
	input := "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n" +
		"- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: kube-system\n" +
		strings.ReplaceAll(daemonConfig, "IMAGE_TAG", "1.0.0")
	first, _, err := run(t, input)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(first, GeneratedBy+": 'kube-system/agent'"); n == 0 {
		t.Fatalf("no generated object is annotated:\n%s", first)
	}
	second, _, err := run(t, first)
	if err != nil {
		t.Fatal(err)
	}
	if second != first {
		t.Errorf("a second run changed the output:\n--- first:\n%s\n--- second:\n%s", first, second)
	}

	// kpt hands the objects back with the file they were written to; a
	// changed spec must update them in place, not add copies.
	ds := strings.Index(first, "kind: DaemonSet")
	mark := GeneratedBy + ": 'kube-system/agent'\n"
	at := ds + strings.Index(first[ds:], mark)
	lineStart := strings.LastIndex(first[:at], "\n") + 1
	indent := first[lineStart:at]
	placed := first[:at+len(mark)] + indent + "internal.config.kubernetes.io/path: agent/ds.yaml\n" + first[at+len(mark):]
	// An object of the user's after the generated ones stays after them.
	fc := strings.Index(placed, "functionConfig:")
	placed = placed[:fc] + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: after\n" + placed[fc:]
	fc = strings.Index(placed, "functionConfig:")
	bumped := placed[:fc] + strings.Replace(placed[fc:], "agent:1.0.0", "agent:2.0.0", 1)
	third, _, err := run(t, bumped)
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(third, "kind: DaemonSet"); c != 1 {
		t.Errorf("%d DaemonSets after regenerating, want 1:\n%s", c, third)
	}
	if strings.Contains(third, "agent:1.0.0") {
		t.Errorf("the old image is still there:\n%s", third)
	}
	if !regexp.MustCompile(`internal\.config\.kubernetes\.io/path: '?agent/ds\.yaml`).MatchString(third) {
		t.Errorf("the replaced DaemonSet lost its file:\n%s", third)
	}
	if strings.Index(third, "name: after") < strings.Index(third, "kind: DaemonSet") {
		t.Errorf("the regenerated objects moved after an object that followed them:\n%s", third)
	}
}

// TestMalformed: input no KRM client sends is an error naming the problem,
// with nothing on standard output.
func TestMalformed(t *testing.T) {
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	tests := []struct{ name, input, want string }{
		{"empty", "", "standard input is empty"},
		{"only a comment", "# nothing\n", "standard input is empty"},
		{"syntax error", "items: [\n", "<stdin>:1:8: "},
		{"two documents", head + "items: []\n---\n" + head + "items: []\n", "<stdin>:5:1: standard input holds 2 YAML documents"},
		{"a list", "- a\n", "standard input is a list, not a ResourceList"},
		{"a manifest", "apiVersion: v1\nkind: ConfigMap\n", `<stdin>:2:7: kind is "ConfigMap", not ResourceList`},
		{"wrong apiVersion", "apiVersion: v1\nkind: ResourceList\nitems: []\n", `ResourceList apiVersion "v1"`},
		{"no items", head, "the ResourceList has no items field"},
		{"items a map", head + "items: {a: b}\n", "<stdin>:3:8: items is a map"},
		{"item a string", head + "items: [x]\n", "items[0] is a string, not a Kubernetes object"},
		{"item without kind", head + "items: [{apiVersion: v1}]\n", "items[0] has no kind"},
		{"item kind a number", head + "items: [{apiVersion: v1, kind: 3}]\n", "items[0].kind must be a non-empty string"},
		{"metadata a list", head + "items: [{apiVersion: v1, kind: X, metadata: []}]\n", "items[0].metadata is a list"},
		{"annotation a map", head + "items: [{apiVersion: v1, kind: X, metadata: {annotations: {a: {b: c}}}}]\n", "items[0].metadata.annotations[a] is a map"},
		{"labels a list", head + "items: [{apiVersion: v1, kind: X, metadata: {labels: [a]}}]\n", "items[0].metadata.labels is a list"},
		{"name a map", head + "items: [{apiVersion: v1, kind: X, metadata: {name: {a: b}}}]\n", "items[0].metadata.name is a map"},
		{"item an alias", head + "items:\n- &o {apiVersion: v1, kind: X}\n- *o\n", "<stdin>:5:3: items[1] is an alias (*o)"},
		{"metadata an alias", head + "items:\n- {apiVersion: v1, kind: X, metadata: &m {name: a}}\n- {apiVersion: v1, kind: X, metadata: *m}\n", "items[1].metadata uses an alias (*m)"},
		{"functionConfig a string", head + "items: []\nfunctionConfig: x\n", "functionConfig is a string"},
		{"functionConfig without kind", head + "items: []\nfunctionConfig: {apiVersion: v1}\n", "functionConfig has no kind"},
		{"binary", "\x00\x01", "binary file"},
		{"billion laughs", head + "items: []\nfunctionConfig:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n  g: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n", "<stdin>:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _, err := run(t, tt.input)
			if err == nil {
				t.Fatalf("no error; stdout:\n%s", stdout)
			}
			if IsFindings(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want one containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Errorf("malformed input is reported as an internal error: %v", err)
			}
			if stdout != "" {
				t.Errorf("wrote to standard output:\n%s", stdout)
			}
		})
	}
}

// errReader fails like a closed pipe.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestReadError(t *testing.T) {
	err := Run(errReader{}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "reading standard input: broken pipe") {
		t.Errorf("error %v", err)
	}
}

// FuzzRun: whatever comes in, the function answers with an error or a
// ResourceList, never a panic (which Run would report as an internal
// error).
func FuzzRun(f *testing.F) {
	f.Add("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n")
	f.Add("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- {apiVersion: apps/v1, kind: DaemonSet, metadata: {name: a, annotations: {config.kubernetes.io/path: a.yaml}}, spec: {template: {spec: {containers: [{name: a, image: b}]}}}}\n")
	f.Add("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n" + strings.ReplaceAll(daemonConfig, "IMAGE_TAG", "1"))
	f.Add("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: v1, kind: ConfigMap, data: {podSecurity: restricted}}\n")
	f.Add("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig: {apiVersion: everynode.dev/v1alpha1, kind: Config, lint: {rules: {x: on}}}\n")
	f.Fuzz(func(t *testing.T, input string) {
		_, _, err := run(t, input)
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Errorf("input %q: %v", input, err)
		}
	})
}
