package lint_test

import (
	"testing"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
)

// TestToolFilesInKubernetesShape: files of other tools that borrow
// apiVersion and kind (a kubeconfig, skaffold.yaml) are never sent to an
// API server; with no schema for them the linter says so once, as info,
// and no rule calls them broken. A custom resource of a built-in group or
// a built-in kind in a misspelt group is an error.
func TestToolFilesInKubernetesShape(t *testing.T) {
	// The real schemas and rules, as the command runs them.
	l, err := lint.New(lint.Options{WorkDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, data string
		errors     int
	}{
		{"kubeconfig", "apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters: []\n", 0},
		{"skaffold", "apiVersion: skaffold/v4beta6\nkind: Config\nbuild: {artifacts: []}\n", 0},
		{"custom resource", "apiVersion: example.com/v1\nkind: Widget\nspec: {}\n", 0},
		{"misspelt group", "apiVersion: app/v1\nkind: DaemonSet\nmetadata: {name: agent}\n", 1},
		{"unknown kind in apps", "apiVersion: apps/v1\nkind: Widget\nmetadata: {name: agent}\n", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := l.LintDocuments(tt.name+".yaml", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			var errs []finding.Finding
			for _, f := range res.Findings {
				if f.Severity >= finding.Error {
					errs = append(errs, f)
				}
			}
			if len(errs) != tt.errors {
				t.Errorf("got %d errors, want %d: %v", len(errs), tt.errors, errs)
			}
		})
	}
}
