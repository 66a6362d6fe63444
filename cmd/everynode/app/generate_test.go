package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/everynode/everynode/cmd/everynode/app"
)

// TestGenerateScripts runs the txtar scripts in testdata/generate, which
// cover generate and init. Commands:
//
//	everynode ARGS...   runs the CLI in-process in the script's directory
//	                    (stdin from the file named by $STDIN, if set)
//	status N            checks the exit code of the last everynode
//
// UPDATE_GOLDEN=1 rewrites the files that cmp compares with.
func TestGenerateScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "generate"),
		UpdateScripts: os.Getenv("UPDATE_GOLDEN") != "",
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"everynode": runGenerateCLI,
			"status":    generateStatus,
		},
	})
}

func runGenerateCLI(ts *testscript.TestScript, neg bool, args []string) {
	var stdin bytes.Buffer
	if f := ts.Getenv("STDIN"); f != "" {
		stdin.WriteString(ts.ReadFile(f))
	}
	// Scripts run in parallel: the working directory is passed, not
	// changed.
	if len(args) > 0 && (args[0] == "generate" || args[0] == "init") {
		args = append([]string{args[0], "--workdir", ts.MkAbs(".")}, args[1:]...)
	}
	code := app.Run(append([]string{"everynode"}, args...), &stdin, ts.Stdout(), ts.Stderr())
	ts.Setenv("EXIT", strconv.Itoa(code))
	if neg != (code != 0) {
		ts.Fatalf("everynode exited %d", code)
	}
}

func generateStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	if got := ts.Getenv("EXIT"); (got == args[0]) == neg {
		ts.Fatalf("exit code %s, want %s", got, args[0])
	}
}
