package app

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/krm"
)

func fnCommand() *cli.Command {
	return &cli.Command{
		Name:      "fn",
		Usage:     "run as a KRM function for kustomize and kpt: generate from a Daemon spec, or validate",
		ArgsUsage: " ",
		Description: "Reads a KRM ResourceList on standard input and writes one on standard output; kustomize\n" +
			"(exec functions) and kpt (--exec) run it, nobody types it. The functionConfig decides what it does:\n" +
			"kind Daemon generates the DaemonSet and its objects into the items (replacing what an earlier run\n" +
			"generated); kind Config, a ConfigMap of settings (kpt fn eval -- podSecurity=restricted) or none\n" +
			"validates the items, leaving them unchanged, with every finding as a result and on standard error.\n" +
			"Exit status: 0 success, 1 error results (or findings at or above the configuration's failOn) or a\n" +
			"malformed ResourceList or functionConfig.",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("fn takes no arguments: it reads a ResourceList on standard input (got %q)", c.Args().First())
			}
			if isTerminal(c.App.Reader) {
				// Someone typed it: say what it is rather than wait for
				// input that will not come.
				return usageError("fn reads a KRM ResourceList on standard input and is run by kustomize or kpt (see 'everynode fn --help'); to lint files, run everynode lint")
			}
			err := krm.Run(c.App.Reader, c.App.Writer, c.App.ErrWriter)
			switch {
			case err == nil:
				return nil
			case krm.IsFindings(err):
				return exit(ExitFindings, nil)
			}
			return exit(ExitFindings, err)
		},
	}
}

// isTerminal reports whether r or w is a terminal.
func isTerminal(r any) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
