package app

import (
	"bytes"
	"strings"
	"testing"
)

// TestFn checks the command's exit statuses; the function itself is
// tested in package krm and with the real clients in package e2e.
func TestFn(t *testing.T) {
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{name: "empty list", stdin: head + "items: []\n", wantStdout: "kind: ResourceList"},
		{
			name:       "error results",
			stdin:      head + "items: []\nfunctionConfig: {apiVersion: everynode.dev/v1alpha1, kind: Config, lint: {podSecurity: high}}\n",
			wantCode:   ExitFindings,
			wantStdout: "results:",
			wantStderr: `lint.podSecurity: "high" is not valid: use one of none, baseline, restricted`,
		},
		{name: "malformed", stdin: "kind: Pod\n", wantCode: ExitFindings, wantStderr: `everynode: <stdin>:1:7: kind is "Pod", not ResourceList`},
		{name: "arguments", args: []string{"x.yaml"}, wantCode: ExitUsage, wantStderr: "fn takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(append([]string{"everynode", "fn"}, tt.args...), strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout lacks %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantStderr, stderr.String())
			}
		})
	}
}
