package app

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/generator"
	"github.com/everynode/everynode/internal/placement"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/report"
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:      "generate",
		Usage:     "generate DaemonSet manifests from Daemon specs",
		ArgsUsage: "[SPEC...]",
		Description: "Reads Daemon specs (files, directories of .yaml/.yml files, or - for standard input) and prints\n" +
			"the DaemonSet and the objects it needs, or with -o writes one file per Daemon into DIR.\n" +
			"Without SPEC arguments it follows the generate: section of .everynode.yaml (found in the working\n" +
			"directory or a parent, up to the repository root).\n" +
			"Exit status: 0 done (or --check found everything up to date), 1 an invalid spec (every problem is\n" +
			"reported and nothing is written), 2 usage or I/O error, 3 --check found stale output.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write one file per Daemon into `DIR` instead of standard output"},
			&cli.BoolFlag{Name: "check", Usage: "write nothing; print a diff of what would change and exit 3 if anything would"},
			&cli.BoolFlag{Name: "kustomization", Usage: "also write a kustomization.yaml listing the generated files (with -o)"},
			&cli.BoolFlag{Name: "exit-non-zero-on-change", Usage: "exit 3 when a file was written or removed (the pre-commit hook: the commit stops until the change is staged)"},
			&cli.StringFlag{Name: "nodes", Usage: "after writing, print to standard error where the generated DaemonSets run on the nodes in `FILE` (what `kubectl get nodes -o yaml` writes; - for standard input), as everynode placement does"},
			// Paths are reported relative to the working directory; tests,
			// which cannot chdir in parallel, set it here.
			&cli.StringFlag{Name: "workdir", Hidden: true},
		}, append(configFlags(), profileFlags()...)...),
		Action: profiled(runGenerate),
	}
}

func runGenerate(c *cli.Context) error {
	wd := c.String("workdir")
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return exit(ExitUsage, fmt.Errorf("finding the working directory: %w", err))
		}
	}
	check := c.Bool("check")
	// The nodes are read first: a bad nodes file is a usage error, and
	// nothing should be written for a run that fails.
	var nodes []placement.Node
	if n := c.String("nodes"); n != "" {
		if check {
			return usageError("--nodes goes with writing, not with --check")
		}
		if n == "-" && slices.Contains(c.Args().Slice(), "-") {
			return usageError("--nodes - and the spec - both read standard input: give one of them as a file")
		}
		var err error
		if nodes, err = readNodesFile(c, wd, n); err != nil {
			return err
		}
	}
	var (
		jobs        []generator.Job
		cfgFindings []finding.Finding
		cfgSrc      configText
	)
	if c.NArg() > 0 {
		out := c.String("output")
		if c.Bool("kustomization") && out == "" {
			return usageError("--kustomization needs -o DIR")
		}
		if check && out == "" {
			return usageError("--check compares files: give -o DIR, or run without SPEC to follow .everynode.yaml")
		}
		if c.IsSet("config") || c.IsSet("config-dir") {
			return usageError("--config and --config-dir choose the generate: section, which SPEC arguments replace")
		}
		jobs = []generator.Job{{Specs: c.Args().Slice(), Output: out, Kustomization: c.Bool("kustomization")}}
	} else {
		if c.IsSet("output") || c.IsSet("kustomization") {
			return usageError("-o and --kustomization go with SPEC arguments; without them the generate: section of %s decides", config.FileName)
		}
		var err error
		if jobs, cfgFindings, cfgSrc, err = configJobs(c, wd); err != nil {
			return err
		}
	}

	res, err := generator.Generate(jobs, generator.Options{WorkDir: wd, Stdin: c.App.Reader})
	if err != nil {
		if len(cfgFindings) > 0 {
			writeConfigFindings(c, cfgFindings, cfgSrc)
		}
		return exit(ExitUsage, err)
	}
	// The configuration's problems and the specs' come in one report.
	if len(res.Findings)+len(cfgFindings) > 0 {
		sources := res.Sources
		if len(cfgFindings) > 0 {
			sources = maps.Clone(sources)
			if sources == nil {
				sources = map[string][]byte{}
			}
			sources[cfgSrc.name] = cfgSrc.data
		}
		sum := finding.Summary{Files: len(sources), Resources: res.Specs}
		writeFindings(c, finding.SortAndDedupe(slices.Concat(cfgFindings, res.Findings)), sources, sum)
	}
	if hasError(cfgFindings) {
		return exit(ExitUsage, fmt.Errorf("the configuration %s is invalid: nothing was written", cfgSrc.name))
	}
	if res.HasErrors() {
		return exit(ExitFindings, fmt.Errorf("invalid spec: nothing was written"))
	}
	if res.Specs == 0 {
		return exit(ExitUsage, fmt.Errorf("no Daemon spec found (kind: Daemon, apiVersion: %s)", generator.APIVersion))
	}
	if len(res.Stdout) > 0 {
		if _, err := c.App.Writer.Write(res.Stdout); err != nil {
			return exit(ExitUsage, err)
		}
	}
	if check {
		stale, err := res.Check()
		if err != nil {
			return exit(ExitUsage, err)
		}
		for _, s := range stale {
			// The old content is the repository's: escaped like any of it.
			fmt.Fprint(c.App.Writer, safetext.Lines(s.Diff))
		}
		if len(stale) > 0 {
			var names []string
			for _, s := range stale {
				if s.Removed {
					names = append(names, safetext.Escape(s.File)+" (its spec is gone: it would be removed)")
				} else {
					names = append(names, safetext.Escape(s.File))
				}
			}
			return exit(ExitStale, fmt.Errorf("out of date: %s (run %s)", strings.Join(names, ", "), rerunWithout(c, "check")))
		}
		return nil
	}
	written, err := res.Write()
	for _, f := range written {
		fmt.Fprintf(c.App.ErrWriter, "wrote %s\n", safetext.Escape(f))
	}
	if err != nil {
		return exit(ExitUsage, err)
	}
	removed, err := res.Prune()
	for _, f := range removed {
		fmt.Fprintf(c.App.ErrWriter, "removed %s (its spec is gone)\n", safetext.Escape(f))
	}
	if err != nil {
		return exit(ExitUsage, err)
	}
	if c.IsSet("nodes") {
		if err := printPlacement(c.App.ErrWriter, wd, nodes, res.Sources); err != nil {
			return err
		}
	}
	if c.Bool("exit-non-zero-on-change") && len(written)+len(removed) > 0 {
		// pre-commit sees a change to a tracked file, but not a new
		// untracked one: the first commit of a spec would pass without
		// its manifest. The exit status says it for both.
		return exit(ExitStale, fmt.Errorf("generated files changed: stage them (git add) and commit again"))
	}
	return nil
}

// printPlacement writes the placement matrix of what was generated, for
// generate --nodes. What has been written stays written whatever happens
// here.
func printPlacement(w io.Writer, wd string, nodes []placement.Node, sources map[string][]byte) error {
	pl, problems, err := placementOf(w, wd, nodes, sources)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	if err := pl.WriteText(w); err != nil {
		return exit(ExitUsage, err)
	}
	if problems > 0 {
		return exit(ExitUsage, fmt.Errorf("internal error: the generated DaemonSets could not be placed"))
	}
	return nil
}

// rerunWithout is the command line the user ran, without the flag name
// (and the hidden --workdir that tests pass), quoted for a POSIX shell:
// what --check tells them to run.
func rerunWithout(c *cli.Context, name string) string {
	args, _ := c.App.Metadata[argsKey].([]string)
	if len(args) == 0 {
		return "everynode " + c.Command.Name
	}
	out := []string{filepath.Base(args[0])}
	for i := 1; i < len(args); i++ {
		a := args[i]
		flag, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && flag == name {
			continue
		}
		if strings.HasPrefix(a, "-") && flag == "workdir" {
			if !strings.Contains(a, "=") {
				i++
			}
			continue
		}
		out = append(out, shellQuote(a))
	}
	return strings.Join(out, " ")
}

// shellQuote quotes an argument for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=@%+,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// configJobs reads the generate: section of the configuration. Its spec
// and output paths are a repository's (a pull request can change
// .everynode.yaml): each job is confined to the repository around the
// configuration's directory.
//
// The configuration's own problems are returned as findings, for the
// caller to report with the specs' (one pass, one format): the specs its
// generate: section names are still read and checked, but nothing is
// written.
func configJobs(c *cli.Context, wd string) ([]generator.Job, []finding.Finding, configText, error) {
	cfg, fs, ok, src, err := readConfig(c, wd)
	if err != nil {
		return nil, nil, src, err
	}
	if !ok {
		return nil, nil, src, usageError("no SPEC given and no %s found in %s or its parents: give spec files, or add a generate: section", config.FileName, wd)
	}
	name := relName(wd, cfg.Path)
	if len(cfg.Generate) == 0 {
		if len(fs) > 0 {
			writeConfigFindings(c, fs, src)
		}
		if hasError(fs) {
			return nil, nil, src, exit(ExitUsage, fmt.Errorf("the configuration %s is invalid", name))
		}
		return nil, nil, src, usageError("no SPEC given and %s has no generate: section", name)
	}
	base, err := filepath.Abs(cfg.Dir())
	if err != nil {
		return nil, nil, src, exit(ExitUsage, err)
	}
	root := safefs.RootFor(wd, base)
	var jobs []generator.Job
	for _, t := range cfg.Generate {
		j := generator.Job{Specs: t.Specs, Output: t.Output, Kustomization: t.Kustomization, Base: base, Root: root}
		for i := range t.Specs {
			file, line, col := cfg.Locate(t.Path.Child("specs").Index(i))
			j.Origins = append(j.Origins, fmt.Sprintf("%s:%d:%d", relName(wd, file), line, col))
		}
		jobs = append(jobs, j)
	}
	return jobs, fs, src, nil
}

func writeFindings(c *cli.Context, fs []finding.Finding, sources map[string][]byte, sum finding.Summary) {
	sum.Count(fs)
	rep := &report.Report{
		Findings: fs,
		Summary:  sum,
		Source:   func(name string) []byte { return sources[name] },
	}
	_ = report.Write(c.App.ErrWriter, report.Text, rep, report.Options{Color: useColor(c, c.App.ErrWriter)})
}
