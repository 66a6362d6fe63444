package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/suggest"
)

// urfave/cli v2 parses a command's flags with the standard flag package,
// which stops at the first argument: `everynode lint deploy/ --format json`
// would lint a directory called --format. kubectl, helm and kube-linter
// take flags anywhere, so normalizeArgs rewrites the command line once,
// for every command, before urfave/cli sees it: each flag is moved to the
// command that defines it (the deepest first, then its parents, so a
// global flag such as --color works after a command name too), its value
// with it when it takes one, and the arguments go last, after "--" when
// one of them looks like a flag. "--" ends the flags as usual.
//
// It also rejects what urfave/cli would answer with its whole help on
// standard output: an unknown command or flag is one line with a
// suggestion on standard error (exit 2), so a typo never corrupts a
// `-f json` pipeline.

// level is one command of the path being parsed (the root is the app).
type level struct {
	name  string
	flags []cli.Flag
	subs  []*cli.Command
	out   []string // flags and values given to this command
}

// normalizeArgs returns args (args[0] is the program) reordered as
// described above, or a usage error.
func normalizeArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) == 0 {
		return args, nil
	}
	levels := []*level{{name: app.Name, flags: rootFlags(app), subs: app.Commands}}
	var positional []string
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) > 1 && a[0] == '-' {
			name, _, hasValue := strings.Cut(strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-"), "=")
			f, at := findFlag(levels, name)
			if f == nil {
				return nil, unknownFlag(levels, a, name)
			}
			levels[at].out = append(levels[at].out, a)
			if takesValue(f) && !hasValue {
				if i+1 >= len(args) {
					return nil, usageError("flag %s needs a value (see '%s --help')", a, commandPath(levels))
				}
				i++
				levels[at].out = append(levels[at].out, args[i])
			}
			continue
		}
		cur := levels[len(levels)-1]
		if len(positional) == 0 && len(cur.subs) > 0 {
			if len(levels) == 1 && (a == "help" || a == "h") {
				// urfave/cli's own help command: `everynode help lint`.
				return slices.Concat(args[:1], levels[0].out, args[i:]), nil
			}
			if cmd := findCommand(cur.subs, a); cmd != nil {
				levels = append(levels, &level{name: cmd.Name, flags: commandFlags(cmd), subs: cmd.Subcommands})
				continue
			}
			if len(levels) == 1 {
				return nil, unknownCommand(app, a)
			}
		}
		positional = append(positional, a)
	}
	out := []string{args[0]}
	for i, l := range levels {
		if i > 0 {
			out = append(out, l.name)
		}
		out = append(out, l.out...)
	}
	if slices.ContainsFunc(positional, func(p string) bool { return len(p) > 1 && p[0] == '-' }) {
		out = append(out, "--")
	}
	return append(out, positional...), nil
}

// rootFlags are the app's flags with the help and version flags
// urfave/cli adds.
func rootFlags(app *cli.App) []cli.Flag {
	fs := slices.Clone(app.Flags)
	// urfave/cli adds them to app.Flags itself once the app has run.
	has := func(f cli.Flag) bool { return slices.Contains(fs, f) }
	if !app.HideHelp && !has(cli.HelpFlag) {
		fs = append(fs, cli.HelpFlag)
	}
	if !app.HideVersion && !has(cli.VersionFlag) {
		fs = append(fs, cli.VersionFlag)
	}
	return fs
}

func commandFlags(cmd *cli.Command) []cli.Flag {
	fs := slices.Clone(cmd.Flags)
	if !cmd.HideHelp {
		fs = append(fs, cli.HelpFlag)
	}
	return fs
}

// findFlag looks a flag name up in the deepest command first, then in its
// parents, and returns the flag and the index of its level.
func findFlag(levels []*level, name string) (cli.Flag, int) {
	for i := len(levels) - 1; i >= 0; i-- {
		for _, f := range levels[i].flags {
			if slices.Contains(f.Names(), name) {
				return f, i
			}
		}
	}
	return nil, -1
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.Name == name || slices.Contains(c.Aliases, name) {
			return c
		}
	}
	return nil
}

// takesValue reports whether a flag consumes the next argument when given
// without "=": every flag but a boolean one.
func takesValue(f cli.Flag) bool {
	if tv, ok := f.(interface{ TakesValue() bool }); ok {
		return tv.TakesValue()
	}
	return true
}

func commandPath(levels []*level) string {
	names := make([]string, len(levels))
	for i, l := range levels {
		names[i] = l.name
	}
	return strings.Join(names, " ")
}

// flagSpelling is how a flag name is typed: -f, --format.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func unknownFlag(levels []*level, typed, name string) error {
	var names []string
	for _, l := range levels {
		for _, f := range l.flags {
			for _, n := range f.Names() {
				if len(n) > 1 {
					names = append(names, n)
				}
			}
		}
	}
	hint := ""
	if s := suggest.Closest(name, names); s != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", flagSpelling(s))
	}
	return usageError("unknown flag %s for '%s'%s; '%s --help' lists the flags", typed, commandPath(levels), hint, commandPath(levels))
}

func unknownCommand(app *cli.App, name string) error {
	var names []string
	for _, c := range app.Commands {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	hint := ""
	if s := suggest.Closest(name, names); s != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", s)
	}
	return usageError("unknown command %q%s; 'everynode --help' lists the commands", name, hint)
}
