package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/app"
)

func runSchemas(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = app.Run(append([]string{"everynode", "schemas"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSchemasCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings, in order
		stderr string
	}{
		{"versions", nil, app.ExitOK, []string{"KUBERNETES  KINDS\n", "1.30 ", "1.31 ", "1.36 ", "1.37 ", " (default)\n"}, ""},
		{"kinds", []string{"--kubernetes-version", "v1.33.0"}, app.ExitOK, []string{"APIVERSION", "KIND\n", "\nv1 ", "ConfigMap\n", "\napps/v1 ", "DaemonSet\n"}, ""},
		{"unknown version", []string{"--kubernetes-version", "1.12"}, app.ExitUsage, nil, "Kubernetes 1.12 has no embedded schemas (available: 1.30 to"},
		{"argument", []string{"out"}, app.ExitUsage, nil, "did you mean 'everynode schemas export out'"},
		{"export", []string{"export", "--layout", "kubeconform", "--kubernetes-version", "1.31", filepath.Join(dir, "kc")}, app.ExitOK,
			[]string{"wrote ", " schemas to " + filepath.Join(dir, "kc", "v1.31.0-standalone-strict") + "\n", "use: kubeconform -strict -kubernetes-version 1.31.0 -schema-location " + filepath.Join(dir, "kc")}, ""},
		{"export relaxed", []string{"export", "--strict=false", filepath.Join(dir, "kc")}, app.ExitOK, []string{"v1.37.0-standalone\n", "use: kubeconform -kubernetes-version 1.37.0"}, ""},
		{"export all", []string{"export", "--kubernetes-version", "all", filepath.Join(dir, "all")}, app.ExitOK, []string{"v1.30.0-standalone-strict\n", "v1.37.0-standalone-strict\n"}, ""},
		{"other layout", []string{"export", "--layout", "kubeval", dir}, app.ExitUsage, nil, `--layout "kubeval": the only layout is kubeconform`},
		{"no directory", []string{"export"}, app.ExitUsage, nil, "export takes one argument, the output directory (got 0)"},
		{"a file", []string{"export", file}, app.ExitUsage, nil, "exists and is not a directory"},
		{"bad version", []string{"export", "--kubernetes-version", "2.0", dir}, app.ExitUsage, nil, "Kubernetes 2.0 has no embedded schemas"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runSchemas(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
			rest := stdout
			for _, want := range tc.stdout {
				i := strings.Index(rest, want)
				if i < 0 {
					t.Fatalf("stdout lacks %q (in order):\n%s", want, stdout)
				}
				rest = rest[i+len(want):]
			}
			if !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr, tc.stderr)
			}
		})
	}
	for _, f := range []string{"kc/v1.31.0-standalone-strict/daemonset-apps-v1.json", "kc/v1.37.0-standalone/configmap-v1.json", "all/v1.33.0-standalone-strict/clusterrole-rbac-v1.json"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}
