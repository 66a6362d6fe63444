package generator

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/templates"
)

var update = os.Getenv("UPDATE_GOLDEN") != ""

// golden compares got with the file, or rewrites it under UPDATE_GOLDEN=1.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./generator/ to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run UPDATE_GOLDEN=1 go test ./generator/ and review the diff):\n%s", path, firstDiff(want, got))
	}
}

func firstDiff(want, got []byte) string {
	wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", i+1, w, g)
		}
	}
	return "(no line differs)"
}

// checkOutput decodes every generated document strictly into its
// k8s.io/api type (an unknown or misspelt field fails) and checks the
// DaemonSet's selector against its template's labels.
func checkOutput(t *testing.T, out []byte) {
	t.Helper()
	docs := splitDocs(out)
	if len(docs) == 0 {
		t.Fatal("no documents in the output")
	}
	sawDS := false
	for i, doc := range docs {
		var meta struct{ Kind string }
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var obj any
		switch meta.Kind {
		case "DaemonSet":
			obj = &appsv1.DaemonSet{}
		case "ConfigMap":
			obj = &corev1.ConfigMap{}
		case "ServiceAccount":
			obj = &corev1.ServiceAccount{}
		case "ClusterRole":
			obj = &rbacv1.ClusterRole{}
		case "ClusterRoleBinding":
			obj = &rbacv1.ClusterRoleBinding{}
		case "Role":
			obj = &rbacv1.Role{}
		case "RoleBinding":
			obj = &rbacv1.RoleBinding{}
		default:
			t.Fatalf("document %d: unexpected kind %q", i, meta.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Errorf("document %d (%s) does not decode strictly: %v", i, meta.Kind, err)
			continue
		}
		ds, ok := obj.(*appsv1.DaemonSet)
		if !ok {
			continue
		}
		sawDS = true
		sel := ds.Spec.Selector
		if sel == nil || len(sel.MatchExpressions) > 0 {
			t.Errorf("DaemonSet %s: selector must be matchLabels only, got %+v", ds.Name, sel)
			continue
		}
		keys := make([]string, 0, len(sel.MatchLabels))
		for k, v := range sel.MatchLabels {
			keys = append(keys, k)
			if got := ds.Spec.Template.Labels[k]; got != v {
				t.Errorf("DaemonSet %s: selector %s=%s does not match the template label %q", ds.Name, k, v, got)
			}
		}
		slices.Sort(keys)
		if want := []string{LabelInstance, LabelName}; !slices.Equal(keys, want) {
			t.Errorf("DaemonSet %s: selector keys %v, want exactly %v", ds.Name, keys, want)
		}
		for k := range ds.Spec.Template.Annotations {
			if strings.HasPrefix(k, IgnoreAnnotationPrefix) {
				t.Errorf("DaemonSet %s: suppression annotation %s on the pod template", ds.Name, k)
			}
		}
		for _, m := range []map[string]string{ds.Annotations, ds.Spec.Template.Annotations} {
			for k := range m {
				if reservedAnnotation(k) {
					t.Errorf("DaemonSet %s: kustomize annotation %s copied into the output", ds.Name, k)
				}
			}
		}
	}
	if !sawDS {
		t.Error("no DaemonSet in the output")
	}
}

// splitDocs splits a generated stream at its "---" lines.
func splitDocs(out []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(out, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

func TestTemplatesGolden(t *testing.T) {
	list := templates.List()
	if len(list) < 5 {
		t.Fatalf("%d templates, want at least 5", len(list))
	}
	for _, tpl := range list {
		t.Run(tpl.Name, func(t *testing.T) {
			if tpl.Description == "" {
				t.Errorf("template %s has no \"# %s: description\" first line", tpl.Name, tpl.Name)
			}
			out := renderTemplate(t, tpl)
			checkOutput(t, out)
			golden(t, filepath.Join("testdata", "golden", "templates", tpl.Name+".yaml"), out)
		})
	}
}

// TestValidGolden generates every spec file in testdata/valid, each a set
// of edge cases of the spec, as generate would print it.
func TestValidGolden(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "valid"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no valid specs: %v", err)
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			res, err := Generate([]Job{{Specs: []string{name}}}, Options{WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range res.Findings {
				if f.Severity >= finding.Error {
					t.Errorf("unexpected finding: %s", f)
				}
			}
			if t.Failed() {
				return
			}
			checkOutput(t, res.Stdout)
			golden(t, filepath.Join("testdata", "golden", "valid", name), res.Stdout)
		})
	}
}

// wantRE reads expectations from invalid specs:
//
//	# want COL "regexp"        on the line it is about
//	# want LINE:COL "regexp"   anywhere (for lines that cannot hold a comment)
//
// The regexp (\" for a quote) is matched against "rule: message".
var wantRE = regexp.MustCompile(`# want (?:(\d+):)?(\d+) "((?:[^"\\]|\\.)*)"`)

type want struct {
	line, col int
	re        *regexp.Regexp
	matched   bool
}

func readWants(t *testing.T, data []byte) []*want {
	t.Helper()
	var ws []*want
	for i, line := range strings.Split(string(data), "\n") {
		for _, m := range wantRE.FindAllStringSubmatch(line, -1) {
			w := &want{line: i + 1}
			if m[1] != "" {
				w.line, _ = strconv.Atoi(m[1])
			}
			w.col, _ = strconv.Atoi(m[2])
			// The text between the quotes is a regexp; \" is a quote.
			var err error
			w.re, err = regexp.Compile(strings.ReplaceAll(m[3], `\"`, `"`))
			if err != nil {
				t.Fatalf("line %d: bad want regexp: %v", i+1, err)
			}
			ws = append(ws, w)
		}
	}
	return ws
}

// TestInvalid runs every spec in testdata/invalid: each finding must match
// a want at its exact line and column, and every want must be matched.
// Nothing may be generated from an invalid spec.
func TestInvalid(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("testdata", "invalid"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 25 {
		t.Fatalf("%d invalid specs, want at least 25", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(strings.TrimSuffix(name, ".yaml"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			wants := readWants(t, data)
			if len(wants) == 0 {
				t.Fatal("no # want comment")
			}
			res, err := Generate([]Job{{Specs: []string{name}}}, Options{WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if !res.HasErrors() {
				t.Error("no error finding")
			}
			if len(res.Stdout) > 0 || len(res.files) > 0 {
				t.Error("output was produced for an invalid spec")
			}
		findings:
			for _, f := range res.Findings {
				if f.File != name {
					t.Errorf("finding names file %q, want %q", f.File, name)
				}
				text := f.Rule + ": " + f.Message
				for _, w := range wants {
					if !w.matched && w.line == f.Line && w.col == f.Column && w.re.MatchString(text) {
						w.matched = true
						continue findings
					}
				}
				t.Errorf("unexpected finding %d:%d: %s", f.Line, f.Column, text)
			}
			for _, w := range wants {
				if !w.matched {
					t.Errorf("no finding at %d:%d matching %q", w.line, w.col, w.re)
				}
			}
		})
	}
}
