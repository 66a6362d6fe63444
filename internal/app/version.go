package app

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

func init() {
	// --version alone: -v is left free for commands (kubectl's -v is
	// verbosity), and both spellings print what `everynode version` does.
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print the everynode version"}
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, versionString()) }
}

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the everynode version",
		Action: func(c *cli.Context) error {
			fmt.Fprintln(c.App.Writer, versionString())
			return nil
		},
	}
}

// versionString is "everynode v1.2.3 (go1.26.0, linux/amd64)".
func versionString() string {
	v := Version
	if v == "devel" {
		if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
	}
	return fmt.Sprintf("everynode %s (%s, %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
