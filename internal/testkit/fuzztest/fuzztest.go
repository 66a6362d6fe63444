// Package fuzztest holds what everynode's fuzz targets share.
package fuzztest

import (
	"fmt"
	"runtime"
	"time"
)

// DefaultTimeout is how long one input may take before Watchdog calls it
// a hang: every target parses at most a few kilobytes, in microseconds.
const DefaultTimeout = 10 * time.Second

// Watchdog turns a hang into a crash with a stack dump. go test -fuzz has
// no limit on the time one input takes, and a stuck worker shows only as
// "0/sec" (which also happens, harmlessly, while a worker minimizes a new
// input). Call it at the start of the fuzz function and the returned stop
// at its end:
//
//	defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
//
// When an input takes longer than d, the process panics with the stacks of
// all goroutines; the fuzzer records the input under testdata/fuzz, and
// `go test -run=FuzzX/ID` shows where it hangs.
func Watchdog(d time.Duration) (stop func()) {
	t := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %s: a hang\n\n%s", d, buf))
	})
	return func() { t.Stop() }
}
