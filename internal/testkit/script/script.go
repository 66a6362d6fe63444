// Package script is the one runner of everynode's txtar scripts
// (github.com/rogpeppe/go-internal/testscript): the command-line tests of
// internal/app and the bad-input catalog in e2e share its commands, so a
// script reads the same wherever it is.
//
// Commands, besides testscript's own:
//
//	everynode ARGS...   the CLI, in-process, in the script's directory
//	                    (standard input streamed from the file $STDIN names)
//	status N            the exit code of the last everynode
//
// UPDATE_GOLDEN=1 rewrites the expected output in the scripts; review the
// diff.
package script

import (
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/everynode/everynode/internal/app"
)

// Cmd is a script command.
type Cmd = func(ts *testscript.TestScript, neg bool, args []string)

// Params are what a caller adds to the shared commands.
type Params struct {
	// Cmds are more commands (the bad-input catalog's file makers).
	Cmds map[string]Cmd
	// Condition answers conditions other than testscript's own.
	Condition func(cond string) (bool, error)
}

// Run runs the scripts in dir.
func Run(t *testing.T, dir string, p Params) {
	cmds := map[string]Cmd{"everynode": Everynode, "status": Status}
	for name, c := range p.Cmds {
		cmds[name] = c
	}
	testscript.Run(t, testscript.Params{
		Dir:           dir,
		UpdateScripts: os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Condition: p.Condition,
		Cmds:      cmds,
	})
}

// Everynode runs the CLI in-process.
func Everynode(ts *testscript.TestScript, neg bool, args []string) {
	// Standard input is the file $STDIN names, streamed: a 100 MiB input
	// is not read into memory by the test.
	var stdin io.Reader = strings.NewReader("")
	if name := ts.Getenv("STDIN"); name != "" {
		f, err := os.Open(ts.MkAbs(name))
		ts.Check(err)
		defer f.Close()
		stdin = f
	}
	// Reported paths are relative to the working directory; scripts run
	// in parallel, so it is passed rather than changed.
	if len(args) > 0 && (args[0] == "lint" || args[0] == "generate" || args[0] == "init" || args[0] == "placement") {
		args = append([]string{args[0], "--workdir", ts.MkAbs(".")}, args[1:]...)
	}
	// The environment variables the CLI reads (NO_COLOR, FORCE_COLOR,
	// TERM, COLUMNS) are the script's, not the test process's.
	env := func(k string) (string, bool) {
		v := ts.Getenv(k)
		return v, v != ""
	}
	code := app.RunEnv(append([]string{"everynode"}, args...), env, stdin, ts.Stdout(), ts.Stderr())
	ts.Setenv("EXIT", strconv.Itoa(code))
	if neg != (code != 0) {
		ts.Fatalf("everynode exited %d", code)
	}
}

// Status checks the exit code of the last everynode.
func Status(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	if got := ts.Getenv("EXIT"); (got == args[0]) == neg {
		ts.Fatalf("exit code %s, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}
