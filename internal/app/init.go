package app

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/write"
	"github.com/everynode/everynode/templates"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "write a starter Daemon spec",
		ArgsUsage: "[FILE]",
		Description: "Writes a starter spec from an embedded template to FILE, or to standard output when FILE is\n" +
			"missing or -. An existing FILE is never overwritten without --force.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "template", Aliases: []string{"t"}, Value: "nginx", Usage: "start from template `NAME` (see --list)"},
			&cli.BoolFlag{Name: "list", Aliases: []string{"l"}, Usage: "list the templates"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite FILE if it exists"},
			&cli.StringFlag{Name: "workdir", Hidden: true},
		},
		Action: runInit,
	}
}

func runInit(c *cli.Context) error {
	if c.Bool("list") {
		tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
		for _, t := range templates.List() {
			fmt.Fprintf(tw, "%s\t%s\n", t.Name, t.Description)
		}
		return tw.Flush()
	}
	if c.NArg() > 1 {
		return usageError("init writes one file, got %d arguments", c.NArg())
	}
	name := c.String("template")
	t, ok := templates.Get(name)
	if !ok {
		hint := ""
		if s := suggestName(name, templates.Names()); s != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", s)
		}
		return usageError("unknown template %q%s: choose one of %s (everynode init --list describes them)", name, hint, strings.Join(templates.Names(), ", "))
	}
	file := c.Args().First()
	if file == "" || file == "-" {
		_, err := c.App.Writer.Write(t.Data)
		return err
	}
	if !filepath.IsAbs(file) {
		if wd := c.String("workdir"); wd != "" {
			file = filepath.Join(wd, file)
		}
	}
	f := write.File{Dir: filepath.Dir(file), Name: filepath.Base(file), Data: t.Data}
	var err error
	if c.Bool("force") {
		_, err = write.Write([]write.File{f})
	} else {
		err = write.Create(f)
	}
	if errors.Is(err, write.ErrExists) {
		return exit(ExitUsage, fmt.Errorf("%s exists: use --force to overwrite it", c.Args().First()))
	}
	if err != nil {
		return exit(ExitUsage, err)
	}
	fmt.Fprintf(c.App.ErrWriter, "wrote %s (template %s); generate its DaemonSet with: everynode generate %s\n", c.Args().First(), name, c.Args().First())
	return nil
}

// suggestName returns the name closest to a mistyped one, if any is close.
func suggestName(name string, names []string) string {
	best, bestDist := "", 3
	for _, n := range names {
		if d := levenshtein(name, n); d < bestDist {
			best, bestDist = n, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
