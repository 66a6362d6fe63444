package app_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/everynode/everynode/internal/app"
)

// TestScripts runs the txtar scripts in testdata/lint (lint) and
// testdata/generate (generate and init). Commands:
//
//	everynode ARGS...   runs the CLI in-process in the script's directory
//	                    (stdin from the file named by $STDIN, if set)
//	status N            checks the exit code of the last everynode
//
// UPDATE_GOLDEN=1 rewrites the files that cmp compares with.
func TestScripts(t *testing.T) {
	for _, dir := range []string{"lint", "generate"} {
		t.Run(dir, func(t *testing.T) {
			testscript.Run(t, testscript.Params{
				Dir:           filepath.Join("testdata", dir),
				UpdateScripts: os.Getenv("UPDATE_GOLDEN") != "",
				Setup: func(env *testscript.Env) error {
					env.Setenv("NO_COLOR", "1")
					return nil
				},
				Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
					"everynode": runEverynode,
					"status":    checkStatus,
				},
			})
		})
	}
}

func runEverynode(ts *testscript.TestScript, neg bool, args []string) {
	var stdin bytes.Buffer
	if f := ts.Getenv("STDIN"); f != "" {
		stdin.WriteString(ts.ReadFile(f))
	}
	// Every path the CLI reports is relative to its working directory;
	// scripts run in parallel, so it is passed rather than changed.
	if len(args) > 0 && slices.Contains([]string{"lint", "generate", "init"}, args[0]) {
		args = append([]string{args[0], "--workdir", ts.MkAbs(".")}, args[1:]...)
	}
	code := app.Run(append([]string{"everynode"}, args...), &stdin, ts.Stdout(), ts.Stderr())
	ts.Setenv("EXIT", strconv.Itoa(code))
	if neg != (code != 0) {
		ts.Fatalf("everynode exited %d", code)
	}
}

func checkStatus(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: status N")
	}
	if got := ts.Getenv("EXIT"); (got == args[0]) == neg {
		ts.Fatalf("exit code %s, want %s%s", got, map[bool]string{true: "not ", false: ""}[neg], args[0])
	}
}
