package generator

import (
	"testing"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/templates"
)

// The meeting point of the two halves (docs/architecture.md): every template's output
// lints clean with the default configuration (no error, no warning), and
// under podSecurity: restricted every warning is covered by one of the
// spec's ignore entries.
func TestTemplatesLintClean(t *testing.T) {
	for _, tpl := range templates.List() {
		for _, level := range []string{"none", "restricted"} {
			t.Run(tpl.Name+"/"+level, func(t *testing.T) {
				out := renderTemplate(t, tpl)
				l, err := lint.New(lint.Options{PodSecurity: level})
				if err != nil {
					t.Fatal(err)
				}
				res, err := l.LintDocuments(tpl.Name+".generated.yaml", out)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range res.Findings {
					if f.Suppressed {
						continue
					}
					// An unused ignore entry is a stale template.
					if f.Severity >= finding.Warning || f.Rule == "unused-suppression" {
						t.Errorf("%s", f)
					} else {
						t.Logf("%s", f)
					}
				}
			})
		}
	}
}

func renderTemplate(t *testing.T, tpl templates.Template) []byte {
	t.Helper()
	specs, fs := Load(File{Name: tpl.Name + ".yaml", Data: tpl.Data})
	if len(fs) > 0 || len(specs) != 1 {
		t.Fatalf("template %s: %d specs, findings %v", tpl.Name, len(specs), fs)
	}
	r, fs, err := Render(specs[0])
	if err != nil || r == nil {
		t.Fatalf("template %s: %v %v", tpl.Name, err, fs)
	}
	out, err := r.YAML(tpl.Name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return out
}
