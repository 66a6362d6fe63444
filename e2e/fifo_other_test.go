//go:build !unix

package e2e

import (
	"errors"

	"github.com/rogpeppe/go-internal/testscript"
)

func makeFIFO(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("named pipes need unix")
}

func mkfifo(string) error { return errors.ErrUnsupported }
