// Command everynode generates and lints Kubernetes DaemonSets.
package main

import (
	"os"
	"runtime/debug"

	"github.com/everynode/everynode/internal/app"
	"github.com/everynode/everynode/internal/sandbox"
)

func main() {
	// Before anything reads a repository: no network, no programs (see
	// docs/security.md). everynode needs neither.
	sandbox.Install()
	// A lint run allocates in bursts and then exits: collecting half as
	// often costs little memory and saves about a tenth of the CPU on a
	// large tree, while the soft limit keeps a huge run from doubling its
	// heap. Users' own GOGC and GOMEMLIMIT win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(100 << 20)
	}
	os.Exit(app.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
