package app

import (
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

func TestNormalizeArgs(t *testing.T) {
	tests := []struct {
		in, want string // space-separated, without the program name
		err      string
	}{
		{in: "lint a b --format json", want: "lint --format json a b"},
		{in: "lint --format=json a", want: "lint --format=json a"},
		{in: "lint a -f json --strict=false b", want: "lint -f json --strict=false a b"},
		{in: "lint a --strict b", want: "lint --strict a b"},
		{in: "lint -- --format", want: "lint -- --format"},
		{in: "lint a -- -b", want: "lint -- a -b"},
		{in: "lint - --fail-on none", want: "lint --fail-on none -"},
		{in: "lint a --color never", want: "--color never lint a"},
		{in: "--color never lint a", want: "--color never lint a"},
		{in: "init x.yaml --template fluent-bit", want: "init --template fluent-bit x.yaml"},
		{in: "schemas export dir --kubernetes-version all", want: "schemas export --kubernetes-version all dir"},
		{in: "schemas --kubernetes-version 1.36", want: "schemas --kubernetes-version 1.36"},
		{in: "help lint", want: "help lint"},
		{in: "--version", want: "--version"},
		{in: "lint --help a", want: "lint --help a"},
		{in: "lint --formt json", err: "unknown flag --formt for 'everynode lint' (did you mean --format?)"},
		{in: "lnt", err: `unknown command "lnt" (did you mean "lint"?)`},
		{in: "lint a --format", err: "flag --format needs a value"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := normalizeArgs(newApp(nil, io.Discard, io.Discard), append([]string{"everynode"}, strings.Fields(tt.in)...))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g := strings.Join(got[1:], " "); g != tt.want {
				t.Errorf("got %q, want %q", g, tt.want)
			}
		})
	}
}

// TestEveryFlagAfterArguments moves every flag of every command after an
// argument and checks that the command line comes back with the flag before
// it: flags added by any command, now or later, work in either place.
func TestEveryFlagAfterArguments(t *testing.T) {
	app := newApp(nil, io.Discard, io.Discard)
	var walk func(path []string, cmds []*cli.Command)
	walk = func(path []string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			p := append(slices.Clone(path), cmd.Name)
			for _, f := range cmd.Flags {
				name := "--" + f.Names()[0]
				args := append(append([]string{"everynode"}, p...), "ARG", name)
				want := append(append([]string{"everynode"}, p...), name)
				if takesValue(f) {
					args = append(args, "VALUE")
					want = append(want, "VALUE")
				}
				want = append(want, "ARG")
				got, err := normalizeArgs(app, args)
				if err != nil {
					t.Errorf("%s: %v", strings.Join(args, " "), err)
					continue
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: got %q, want %q", strings.Join(args, " "), got, want)
				}
			}
			walk(p, cmd.Subcommands)
		}
	}
	walk(nil, app.Commands)
}

// TestShortFlagsAgree: a one-letter flag means the same long flag in every
// command that has it (-f is --format everywhere), so muscle memory from
// one command never does something else in another.
func TestShortFlagsAgree(t *testing.T) {
	app := newApp(nil, io.Discard, io.Discard)
	meaning := map[string]string{}
	where := map[string]string{}
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, cmd := range cmds {
			p := path + " " + cmd.Name
			for _, f := range append(slices.Clone(cmd.Flags), app.Flags...) {
				names := f.Names()
				for _, n := range names[1:] {
					if len(n) != 1 {
						continue
					}
					if m, ok := meaning[n]; ok && m != names[0] {
						t.Errorf("-%s is --%s in%s but --%s in%s", n, names[0], p, m, where[n])
					}
					meaning[n], where[n] = names[0], p
				}
			}
			walk(p, cmd.Subcommands)
		}
	}
	walk("", app.Commands)
}

func TestColorFor(t *testing.T) {
	tests := []struct {
		mode string
		env  map[string]string
		want bool
	}{
		{"auto", nil, false}, // not a terminal
		{"always", nil, true},
		{"never", map[string]string{"FORCE_COLOR": "1"}, false},
		{"auto", map[string]string{"FORCE_COLOR": "1"}, true},
		{"auto", map[string]string{"FORCE_COLOR": "0"}, false},
		{"auto", map[string]string{"FORCE_COLOR": ""}, false},
		{"auto", map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, true},
		{"always", map[string]string{"NO_COLOR": "1"}, true},
	}
	for _, tt := range tests {
		env := func(k string) (string, bool) { v, ok := tt.env[k]; return v, ok }
		if got := colorFor(tt.mode, env, io.Discard); got != tt.want {
			t.Errorf("colorFor(%s, %v) = %v, want %v", tt.mode, tt.env, got, tt.want)
		}
	}
}
