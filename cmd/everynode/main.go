// Command everynode generates and lints Kubernetes DaemonSets.
package main

import (
	"os"

	"github.com/everynode/everynode/cmd/everynode/app"
)

func main() {
	os.Exit(app.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
