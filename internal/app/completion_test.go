package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBashCompletion sources the script `everynode completion bash` prints
// in a real bash and asks it to complete command lines.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	code, script, stderr := run("completion", "bash")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "everynode.bash")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		line string // the words; the last one is being completed
		want []string
		not  []string
	}{
		{line: "everynode li", want: []string{"lint"}},
		{line: "everynode ", want: []string{"lint", "generate", "explain", "completion", "help"}},
		{line: "everynode lint --for", want: []string{"--format"}},
		{line: "everynode lint deploy/ --format ", want: []string{"text", "json", "sarif", "junit", "github", "markdown"}},
		{line: "everynode lint --enable sec", want: []string{"security", "secret-in-env"}},
		{line: "everynode lint --disable missing-m", want: []string{"missing-memory-limit"}, not: []string{"security"}},
		{line: "everynode explain host-pa", want: []string{"host-path", "host-path-without-type"}},
		{line: "everynode --color never lint --kubernetes-version ", want: []string{"latest", "1.30", "1.37"}},
		{line: "everynode lint --fail-on ", want: []string{"error", "warning", "warn", "info", "none"}},
		{line: "everynode lint --color ", want: []string{"auto", "always", "never"}},
		{line: "everynode lint --gate ", want: []string{"default", "strict"}},
		{line: "everynode rules -f ", want: []string{"table", "json", "markdown"}, not: []string{"sarif"}},
		{line: "everynode schemas ", want: []string{"export"}},
		{line: "everynode schemas export --kubernetes-version ", want: []string{"all", "1.36"}},
		{line: "everynode init --template ", want: []string{"nginx", "fluent-bit"}},
		{line: "everynode completion ", want: []string{"bash", "zsh", "fish"}},
		{line: "everynode generate --", want: []string{"--output", "--check", "--color"}, not: []string{"--format"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			words := strings.Split(tt.line, " ")
			var quoted []string
			for _, w := range words {
				quoted = append(quoted, "'"+w+"'")
			}
			prog := "source " + file + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
				strconv.Itoa(len(words)-1) + "\n_everynode\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
			out, err := exec.Command(bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			got := strings.Fields(string(out))
			for _, w := range tt.want {
				if !contains(got, w) {
					t.Errorf("completions %q lack %q", got, w)
				}
			}
			for _, w := range tt.not {
				if contains(got, w) {
					t.Errorf("completions %q include %q", got, w)
				}
			}
		})
	}
}

func TestCompletionScripts(t *testing.T) {
	for _, sh := range []string{"zsh", "fish"} {
		code, out, stderr := run("completion", sh)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", sh, code, stderr)
		}
		for _, w := range []string{"host-path", "security", "sarif", "1.37", "latest", "fluent-bit"} {
			if !strings.Contains(out, w) {
				t.Errorf("%s script lacks %q", sh, w)
			}
		}
	}
	if code, _, stderr := run("completion", "tcsh"); code != 2 || !strings.Contains(stderr, `unknown shell "tcsh"`) {
		t.Errorf("completion tcsh: exit %d, %s", code, stderr)
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
