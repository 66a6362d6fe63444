package app

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/ruledoc"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "print a rule's documentation: what it flags, why, examples, fix, how to suppress, parameters",
		ArgsUsage: "RULE...",
		Description: "RULE is a rule ID as shown by 'everynode rules' and in every finding (host-path, selector-mismatch).\n" +
			"Exit status 2 when a rule does not exist.",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageError("explain needs a rule ID (see 'everynode rules')")
			}
			// Look every ID up first, so a typo in the second of two does
			// not print half the output.
			var found []*rule.Rule
			for _, arg := range c.Args().Slice() {
				r, ok := rules.ByID(strings.ToLower(strings.TrimSpace(arg)))
				if !ok {
					return exit(ExitUsage, unknownRule(arg))
				}
				found = append(found, r)
			}
			for i, r := range found {
				if i > 0 {
					fmt.Fprintln(c.App.Writer)
				}
				if err := ruledoc.Explain(c.App.Writer, r); err != nil {
					return exit(ExitUsage, fmt.Errorf("writing the documentation of %s: %w", r.ID, err))
				}
			}
			return nil
		},
	}
}

// unknownRule says that a rule does not exist and what was perhaps meant.
func unknownRule(id string) error {
	msg := fmt.Sprintf("unknown rule %q", id)
	if s := ruledoc.Suggest(id, rules.All()); len(s) > 0 {
		msg += " (did you mean " + quoteOr(s) + "?)"
	}
	return fmt.Errorf("%s; 'everynode rules' lists them", msg)
}

// quoteOr renders names as "a", "b" or "c".
func quoteOr(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}
