// Command everynode generates and lints Kubernetes DaemonSets.
package main

import (
	"os"

	"github.com/everynode/everynode/internal/app"
	"github.com/everynode/everynode/internal/sandbox"
)

func main() {
	// Before anything reads a repository: no network, no programs (see
	// docs/security.md). everynode needs neither.
	sandbox.Install()
	tuneGC()
	os.Exit(app.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
