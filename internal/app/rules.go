package app

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/ruledoc"
	"github.com/everynode/everynode/lint/rules"
)

func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list the lint rules: ID, category, severity, on or off by default, summary",
		Description: "Prints the rule catalog. 'everynode explain RULE' prints one rule's documentation;\n" +
			"docs/rules.md has all of them.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "output `FMT`: table, json or markdown"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("rules takes no arguments (did you mean 'everynode explain %s'?)", c.Args().First())
			}
			all := rules.All()
			var err error
			switch f := c.String("format"); f {
			case "table", "text":
				err = ruledoc.Table(c.App.Writer, all)
			case "json":
				err = ruledoc.JSON(c.App.Writer, all)
			case "markdown", "md":
				err = ruledoc.MarkdownTable(c.App.Writer, all)
			default:
				return usageError("--format %q: want table, json or markdown", f)
			}
			if err != nil {
				return exit(ExitUsage, fmt.Errorf("writing the catalog: %w", err))
			}
			return nil
		},
	}
}
