package app

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/report"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
	"github.com/everynode/everynode/schemas"
	"github.com/everynode/everynode/templates"
)

// Completion scripts are generated from the command tree itself (every
// command, subcommand and flag, whoever adds them) and from the catalogs
// (rule IDs and categories, formats, Kubernetes versions, templates), so
// they never drift from the binary that printed them.

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script: bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "Completes commands, flags, rule IDs and categories (--enable, --disable, explain), formats,\n" +
			"Kubernetes versions, templates and the other fixed values. Load it with:\n\n" +
			"  bash:  source <(everynode completion bash)     (or save it in /etc/bash_completion.d/everynode)\n" +
			"  zsh:   source <(everynode completion zsh)      (or save it as _everynode in a directory of $fpath)\n" +
			"  fish:  everynode completion fish > ~/.config/fish/completions/everynode.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageError("completion takes one argument, the shell: bash, zsh or fish")
			}
			tree := completionTree(c.App)
			switch sh := c.Args().First(); sh {
			case "bash":
				writeBash(c.App.Writer, tree, false)
			case "zsh":
				writeBash(c.App.Writer, tree, true)
			case "fish":
				writeFish(c.App.Writer, tree)
			default:
				return usageError("unknown shell %q: want bash, zsh or fish%s", sh, didYouMean(sh, []string{"bash", "zsh", "fish"}))
			}
			return nil
		},
	}
}

// compCommand is a command as completion sees it.
type compCommand struct {
	path  string // "lint", "schemas export"; "" for the root
	usage string
	flags []compFlag
	subs  []string
	args  []string // values for arguments; nil: files
}

type compFlag struct {
	names  []string
	usage  string
	value  bool     // takes a value
	values []string // its fixed values; nil with value: a file
}

func completionTree(app *cli.App) []compCommand {
	root := compCommand{flags: compFlags("", rootFlags(app))}
	for _, c := range app.Commands {
		if !c.Hidden {
			root.subs = append(root.subs, c.Name)
		}
	}
	if !slices.Contains(root.subs, "help") {
		root.subs = append(root.subs, "help")
	}
	out := []compCommand{root}
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			// urfave/cli gives commands a help subcommand of their own;
			// `everynode lint --help` is the spelling completion offers.
			if c.Hidden || prefix != "" && c.Name == "help" {
				continue
			}
			path := strings.TrimSpace(prefix + " " + c.Name)
			// The global flags (--color) work after a command too.
			cc := compCommand{path: path, usage: c.Usage, flags: compFlags(path, slices.Concat(commandFlags(c), globalFlags())), args: argValues(path)}
			for _, s := range c.Subcommands {
				if !s.Hidden && s.Name != "help" {
					cc.subs = append(cc.subs, s.Name)
				}
			}
			out = append(out, cc)
			walk(path, c.Subcommands)
		}
	}
	walk("", app.Commands)
	return out
}

func compFlags(path string, fs []cli.Flag) []compFlag {
	var out []compFlag
	for _, f := range fs {
		if v, ok := f.(cli.VisibleFlag); ok && !v.IsVisible() {
			continue
		}
		usage := ""
		if d, ok := f.(cli.DocGenerationFlag); ok {
			usage = d.GetUsage()
		}
		cf := compFlag{names: f.Names(), usage: usage, value: takesValue(f)}
		if cf.value {
			cf.values = flagValues(path, f.Names()[0])
		}
		out = append(out, cf)
	}
	return out
}

// selectorValues are what --enable, --disable and explain complete: rule
// IDs, and for the selectors categories and all.
func ruleIDs() []string {
	var ids []string
	for _, r := range rules.All() {
		if r.Category != rule.Engine {
			ids = append(ids, r.ID)
		}
	}
	sort.Strings(ids)
	return ids
}

// flagValues are a flag's fixed values, by name (and command where the
// same name means different things); nil means a file or free text.
func flagValues(path, name string) []string {
	switch name {
	case "enable", "disable":
		return slices.Concat(checker.Categories(), []string{"all"}, ruleIDs())
	case "format":
		if path == "rules" {
			return []string{"table", "json", "markdown"}
		}
		var fs []string
		for _, f := range report.Formats() {
			fs = append(fs, string(f))
		}
		return fs
	case "fail-on":
		return config.FailOnValues
	case "min-severity":
		return []string{"error", "warning", "info"}
	case "kubernetes-version":
		vs := append([]string{"latest"}, schemas.Versions()...)
		if path == "schemas export" {
			vs = append(vs, "all")
		}
		return vs
	case "color":
		return []string{"auto", "always", "never"}
	case "gate":
		return []string{"default", "strict"}
	case "pod-security":
		return []string{"none", "baseline", "restricted"}
	case "template":
		return templates.Names()
	case "layout":
		return []string{"kubeconform"}
	}
	return nil
}

// argValues are the values of a command's arguments; nil means files.
func argValues(path string) []string {
	switch path {
	case "explain":
		return ruleIDs()
	case "completion":
		return []string{"bash", "zsh", "fish"}
	case "rules", "version", "fn", "schemas":
		return []string{}
	}
	return nil
}

// writeBash writes a bash completion function; for zsh the same function
// through zsh's bashcompinit, which zsh ships for this.
func writeBash(w io.Writer, tree []compCommand, zsh bool) {
	q := func(vs []string) string { return strings.Join(vs, " ") }
	if zsh {
		fmt.Fprintln(w, "#compdef everynode")
		fmt.Fprintln(w, "# zsh completion for everynode; generated by 'everynode completion zsh'.")
		fmt.Fprintln(w, "autoload -U +X bashcompinit && bashcompinit")
	} else {
		fmt.Fprintln(w, "# bash completion for everynode; generated by 'everynode completion bash'.")
	}
	// Flags that take a value, so that their value is not taken for a
	// command name.
	valued := map[string]bool{}
	for _, c := range tree {
		for _, f := range c.flags {
			if f.value {
				for _, n := range f.names {
					valued[flagSpelling(n)] = true
				}
			}
		}
	}
	var valuedList []string
	for n := range valued {
		valuedList = append(valuedList, n)
	}
	sort.Strings(valuedList)
	fmt.Fprintln(w, `_everynode() {
  local cur prev cmd="" i w skip=""
  cur="${COMP_WORDS[COMP_CWORD]}"
  prev="${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=""; continue; fi
    case "$w" in`)
	fmt.Fprintf(w, "      %s) skip=1 ;;\n", strings.Join(valuedList, "|"))
	fmt.Fprintln(w, `      -*) ;;
      *)
        case "$cmd:$w" in`)
	for _, c := range tree {
		for _, s := range c.subs {
			fmt.Fprintf(w, "          %q) cmd=%q ;;\n", c.path+":"+s, strings.TrimSpace(c.path+" "+s))
		}
	}
	fmt.Fprintln(w, `        esac ;;
    esac
  done
  case "$cmd:$prev" in`)
	for _, c := range tree {
		for _, f := range c.flags {
			if !f.value {
				continue
			}
			var pats []string
			for _, n := range f.names {
				pats = append(pats, fmt.Sprintf("%q", c.path+":"+flagSpelling(n)))
			}
			if f.values == nil {
				fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n", strings.Join(pats, "|"))
				continue
			}
			fmt.Fprintf(w, "    %s) COMPREPLY=($(compgen -W %q -- \"$cur\")); return ;;\n", strings.Join(pats, "|"), q(f.values))
		}
	}
	fmt.Fprintln(w, `  esac
  if [[ $cur == -* ]]; then
    case "$cmd" in`)
	for _, c := range tree {
		var names []string
		for _, f := range c.flags {
			for _, n := range f.names {
				names = append(names, flagSpelling(n))
			}
		}
		fmt.Fprintf(w, "      %q) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", c.path, q(names))
	}
	fmt.Fprintln(w, `    esac
    return
  fi
  case "$cmd" in`)
	for _, c := range tree {
		switch {
		case len(c.subs) > 0:
			fmt.Fprintf(w, "    %q) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", c.path, q(c.subs))
		case c.args != nil:
			fmt.Fprintf(w, "    %q) COMPREPLY=($(compgen -W %q -- \"$cur\")) ;;\n", c.path, q(c.args))
		}
	}
	fmt.Fprintln(w, `  esac
}
complete -o default -F _everynode everynode`)
}

// writeFish writes fish completions: one complete line per command, flag
// and value set.
func writeFish(w io.Writer, tree []compCommand) {
	fmt.Fprintln(w, "# fish completion for everynode; generated by 'everynode completion fish'.")
	fmt.Fprintln(w, "complete -c everynode -f")
	esc := func(s string) string {
		return "'" + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), "'", `\'`) + "'"
	}
	short := func(s string) string {
		s, _, _ = strings.Cut(s, "\n")
		s = strings.ReplaceAll(s, "`", "")
		if len(s) > 70 {
			s = s[:67] + "..."
		}
		return s
	}
	for _, c := range tree {
		// The condition under which this command's words apply.
		var cond string
		switch {
		case c.path == "":
			cond = "__fish_use_subcommand"
		case strings.Contains(c.path, " "):
			parts := strings.Fields(c.path)
			cond = fmt.Sprintf("__fish_seen_subcommand_from %s; and __fish_seen_subcommand_from %s", parts[0], parts[1])
		default:
			cond = "__fish_seen_subcommand_from " + c.path
			if len(c.subs) > 0 {
				cond += "; and not __fish_seen_subcommand_from " + strings.Join(c.subs, " ")
			}
		}
		for _, s := range c.subs {
			desc := ""
			for _, x := range tree {
				if x.path == strings.TrimSpace(c.path+" "+s) {
					desc = x.usage
				}
			}
			fmt.Fprintf(w, "complete -c everynode -n %s -a %s -d %s\n", esc(cond), s, esc(short(desc)))
		}
		if len(c.args) > 0 {
			fmt.Fprintf(w, "complete -c everynode -n %s -a %s\n", esc(cond), esc(strings.Join(c.args, " ")))
		} else if c.args == nil && c.path != "" && len(c.subs) == 0 {
			fmt.Fprintf(w, "complete -c everynode -n %s -F\n", esc(cond))
		}
		for _, f := range c.flags {
			line := fmt.Sprintf("complete -c everynode -n %s", esc(cond))
			for _, n := range f.names {
				if len(n) == 1 {
					line += " -s " + n
				} else {
					line += " -l " + n
				}
			}
			switch {
			case f.value && f.values != nil:
				line += " -x -a " + esc(strings.Join(f.values, " "))
			case f.value:
				line += " -r -F"
			}
			line += " -d " + esc(short(f.usage))
			fmt.Fprintln(w, line)
		}
	}
}
