package app

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
	"github.com/everynode/everynode/lint/rules/ruledoc"
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
			var found []any // *rule.Rule or an engine rule's index
			for _, arg := range c.Args().Slice() {
				id := strings.ToLower(strings.TrimSpace(arg))
				if r, ok := rules.ByID(id); ok {
					found = append(found, r)
				} else if i := engineRule(id); i >= 0 {
					found = append(found, i)
				} else {
					return exit(ExitUsage, unknownRule(arg))
				}
			}
			for i, f := range found {
				if i > 0 {
					fmt.Fprintln(c.App.Writer)
				}
				if r, ok := f.(*rule.Rule); ok {
					if err := ruledoc.Explain(c.App.Writer, r); err != nil {
						return exit(ExitUsage, fmt.Errorf("writing the documentation of %s: %w", r.ID, err))
					}
					continue
				}
				e := lint.EngineRules[f.(int)]
				fmt.Fprintf(c.App.Writer, "%s: %s\n\n  reported by the lint engine · %s\n\nHow to fix\n%s\n", e.ID, e.Summary, e.Severity, indentWrap(e.Fix, 78))
			}
			return nil
		},
	}
}

// engineRule returns the index of an engine rule in lint.EngineRules, or -1.
func engineRule(id string) int {
	for i, e := range lint.EngineRules {
		if e.ID == id {
			return i
		}
	}
	return -1
}

// indentWrap wraps text at width with a two-space indent.
func indentWrap(text string, width int) string {
	var b strings.Builder
	line := "  "
	for _, w := range strings.Fields(text) {
		if len(line)+len(w)+1 > width && len(line) > 2 {
			b.WriteString(line + "\n")
			line = "  "
		}
		if len(line) > 2 {
			line += " "
		}
		line += w
	}
	b.WriteString(line)
	return b.String()
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
