package generator_test

import (
	"bytes"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/everynode/everynode/generator"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/testkit/fuzztest"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/templates"
)

// FuzzGenerate loads arbitrary bytes as spec files. Whatever is wrong is
// a finding, never a panic or an internal error; and whatever a valid spec
// renders to must decode strictly (no unknown or duplicate field) into
// the k8s.io/api type of its kind, and lint with no error-level finding.
// Seeds: the templates, and testdata/fuzz/FuzzGenerate (the valid specs
// of testdata/valid).
func FuzzGenerate(f *testing.F) {
	for _, t := range templates.List() {
		f.Add(t.Data)
	}
	l, err := lint.New(lint.Options{Workers: 1})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		specs, fs := generator.Load(generator.File{Name: "fuzz.yaml", Data: data})
		checkFindings(t, data, fs)
		if hasError(fs) {
			return
		}
		for _, s := range specs {
			r, fs, err := generator.Render(s)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			checkFindings(t, data, fs)
			if hasError(fs) {
				continue
			}
			if r == nil {
				t.Fatal("Render returned nothing and no error finding")
			}
			out, err := r.YAML("fuzz.yaml")
			if err != nil {
				t.Fatalf("YAML: %v", err)
			}
			decodeStrictly(t, out)
			res, err := l.LintDocuments("generated.yaml", out)
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range res.Findings {
				if fd.Severity >= finding.Error && !fd.Suppressed {
					t.Errorf("the output of a valid spec has an error: %s\nspec:\n%s\noutput:\n%s", fd, data, out)
				}
			}
		}
	})
}

func hasError(fs []finding.Finding) bool {
	for _, f := range fs {
		if f.Severity >= finding.Error {
			return true
		}
	}
	return false
}

// checkFindings: every finding about the spec points inside it, and none
// is an internal error.
func checkFindings(t *testing.T, data []byte, fs []finding.Finding) {
	t.Helper()
	file := document.NewFile("fuzz.yaml", data)
	for _, f := range fs {
		if f.Rule == "internal-error" {
			t.Fatalf("internal error: %s", f)
		}
		if f.Line < 1 || f.Line > file.Lines() || f.Column < 1 {
			t.Fatalf("finding outside the spec (%d lines): %s", file.Lines(), f)
		}
	}
}

// decodeStrictly decodes every document of a generated file into the type
// of its kind, failing on unknown and duplicate fields.
func decodeStrictly(t *testing.T, out []byte) {
	t.Helper()
	for i, doc := range bytes.Split(out, []byte("\n---\n")) {
		var meta struct{ APIVersion, Kind string }
		if err := sigsyaml.Unmarshal(doc, &meta); err != nil {
			t.Fatalf("document %d: %v\n%s", i, err, out)
		}
		var obj any
		switch meta.APIVersion + " " + meta.Kind {
		case "apps/v1 DaemonSet":
			obj = &appsv1.DaemonSet{}
		case "v1 ServiceAccount":
			obj = &corev1.ServiceAccount{}
		case "v1 ConfigMap":
			obj = &corev1.ConfigMap{}
		case "rbac.authorization.k8s.io/v1 Role":
			obj = &rbacv1.Role{}
		case "rbac.authorization.k8s.io/v1 ClusterRole":
			obj = &rbacv1.ClusterRole{}
		case "rbac.authorization.k8s.io/v1 RoleBinding":
			obj = &rbacv1.RoleBinding{}
		case "rbac.authorization.k8s.io/v1 ClusterRoleBinding":
			obj = &rbacv1.ClusterRoleBinding{}
		default:
			t.Fatalf("document %d is a %s %s: add its type to decodeStrictly", i, meta.APIVersion, meta.Kind)
		}
		if err := sigsyaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("document %d does not decode strictly into %T: %v\n%s", i, obj, err, doc)
		}
	}
}
