//go:build unix

package e2e

import (
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

func makeFIFO(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo FILE")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

func mkfifo(path string) error { return syscall.Mkfifo(path, 0o644) }
