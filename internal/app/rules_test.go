package app_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/app"
	"github.com/everynode/everynode/lint/rules"
)

// run runs the CLI in-process and returns its exit code and output.
func run(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = app.Run(append([]string{"everynode"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestRulesCommand(t *testing.T) {
	all := rules.All()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings, in order
		stderr string
	}{
		{"table", []string{"rules"}, app.ExitOK,
			[]string{"ID", "CATEGORY", "SEVERITY", "DEFAULT", "SUMMARY", "\nimage-without-digest ", " reliability ", " info ", " off ", "\nhost-network ", " security ", " info ", " on "}, ""},
		{"explicit table", []string{"rules", "--format", "table"}, app.ExitOK, []string{"host-path"}, ""},
		{"json", []string{"rules", "--format", "json"}, app.ExitOK, []string{`"rules": [`, `"id": "host-network"`, `"podSecurity": "baseline"`}, ""},
		{"markdown", []string{"rules", "-f", "markdown"}, app.ExitOK, []string{"| Rule | Category |", "| [`host-pid`](https://github.com/everynode/everynode/blob/main/docs/rules.md#host-pid) |"}, ""},
		{"bad format", []string{"rules", "--format", "yaml"}, app.ExitUsage, nil, `--format "yaml": want table, json or markdown`},
		{"argument", []string{"rules", "host-path"}, app.ExitUsage, nil, "did you mean 'everynode explain host-path'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
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
			if tc.code != app.ExitOK && stdout != "" {
				t.Errorf("a failing command printed to stdout: %q", stdout)
			}
		})
	}
	t.Run("one line per rule", func(t *testing.T) {
		_, stdout, _ := run("rules")
		if n := strings.Count(stdout, "\n"); n != len(all)+1 {
			t.Errorf("%d lines for %d rules", n, len(all))
		}
	})
	t.Run("json parses", func(t *testing.T) {
		_, stdout, _ := run("rules", "--format", "json")
		var got struct{ Rules []struct{ ID string } }
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatal(err)
		}
		if len(got.Rules) != len(all) {
			t.Errorf("%d rules, want %d", len(got.Rules), len(all))
		}
	})
}

func TestExplainCommand(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"host access", []string{"explain", "host-network"}, app.ExitOK, []string{
			"host-network: ", "Pod Security baseline", "What it flags", "Why it matters", "Bad", "hostNetwork: true",
			"Good", "How to fix", "How to suppress", `ignore.everynode.dev/host-network: "<reason>"`,
			"# everynode:ignore host-network -- <reason>",
		}, ""},
		{"parameters", []string{"explain", "host-path"}, app.ExitOK, []string{"Parameters", "runtimeSockets (default: /var/run/docker.sock", "params:"}, ""},
		{"disabled rule", []string{"explain", "image-without-digest"}, app.ExitOK, []string{"off by default", "image-without-digest: {enabled: true}"}, ""},
		{"case-insensitive", []string{"explain", "HOST-PID"}, app.ExitOK, []string{"host-pid: "}, ""},
		{"several", []string{"explain", "host-pid", "host-ipc"}, app.ExitOK, []string{"host-pid: ", "\n\nhost-ipc: "}, ""},
		{"engine rule", []string{"explain", "yaml-syntax"}, app.ExitOK, []string{"yaml-syntax: ", "reported by the lint engine", "How to fix", "tab"}, ""},
		{"typo", []string{"explain", "host-netwrok"}, app.ExitUsage, nil, `unknown rule "host-netwrok" (did you mean "host-network"?)`},
		{"unknown among known", []string{"explain", "host-pid", "no-such-rule-at-all"}, app.ExitUsage, nil, `unknown rule "no-such-rule-at-all"; 'everynode rules' lists them`},
		{"no argument", []string{"explain"}, app.ExitUsage, nil, "explain needs a rule ID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := run(tc.args...)
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
			if tc.code != app.ExitOK && stdout != "" {
				t.Errorf("a failing command printed to stdout: %q", stdout)
			}
		})
	}
	// Every registered rule can be explained.
	for _, r := range rules.All() {
		if code, _, stderr := run("explain", r.ID); code != app.ExitOK {
			t.Errorf("explain %s: exit %d: %s", r.ID, code, stderr)
		}
	}
}
