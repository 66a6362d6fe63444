package app

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/everynode/everynode/generator"
	"github.com/everynode/everynode/internal/generatorinternal"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/internal/suggest"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/report"
	"github.com/everynode/everynode/lint/rules"
)

func lintCommand() *cli.Command {
	return &cli.Command{
		Name:      "lint",
		Usage:     "validate manifests against the Kubernetes schemas and DaemonSet best practices",
		ArgsUsage: "[PATH...]",
		Description: "Lints files, directories (recursively: .yaml, .yml, .json) and - (standard input); the default is\n" +
			"standard input when something is piped in, else the current directory. Directory walks skip what\n" +
			".gitignore and .everynodeignore ignore, hidden directories, vendor/ and node_modules/. Helm charts,\n" +
			"kustomize patches and YAML that is not a Kubernetes object are skipped and counted (--verbose lists\n" +
			"them); a file that a kustomization reads is also linted through it. Exit status: 0 no finding at or\n" +
			"above --fail-on, 1 findings at or above it (or --fail-if-no-objects and nothing linted), 2 usage\n" +
			"error, missing path or internal error.",
		Flags: append([]cli.Flag{
			&cli.StringSliceFlag{Name: "format", Aliases: []string{"f"}, Usage: "output `FMT` or FMT=FILE (text, json, sarif, junit, github, markdown); repeatable"},
			&cli.StringFlag{Name: "fail-on", Value: "error", Usage: "exit 1 on findings at or above `SEVERITY`: error, warning (warn), info, or none to never fail on findings"},
			&cli.StringFlag{Name: "kubernetes-version", Usage: "validate against Kubernetes `VERSION`: 1.36, v1.36.2 or latest (the default, the newest embedded)"},
			&cli.BoolFlag{Name: "strict", Value: true, Usage: "unknown fields are errors, as kubectl --validate=strict (--strict=false relaxes)"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "skip files and directories matching `GLOB` (** crosses directories); repeatable"},
			&cli.StringSliceFlag{Name: "crd", Usage: "load CustomResourceDefinitions from `FILE|DIR` to validate custom resources; repeatable"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only the findings at or above --fail-on, without source lines or summary"},
			&cli.StringFlag{Name: "min-severity", Usage: "leave out findings below `LEVEL` (error, warning or info) from the output and the exit status"},
			&cli.BoolFlag{Name: "statistics", Usage: "print how many findings each rule has instead of the findings (text format)"},
			&cli.StringFlag{Name: "baseline", Usage: "report and fail only on findings not in the baseline `FILE` (see --write-baseline), and list its entries that no longer occur"},
			&cli.StringFlag{Name: "write-baseline", Usage: "record today's findings in `FILE` (by rule, file, resource and field path, not line) and exit 0"},
			&cli.BoolFlag{Name: "fail-if-no-objects", Usage: "exit 1 when no Kubernetes object was linted"},
			&cli.BoolFlag{Name: "respect-gitignore", Value: true, Usage: "skip what .gitignore and .everynodeignore files ignore when walking directories (--respect-gitignore=false lints it)"},
			&cli.BoolFlag{Name: "verbose", Usage: "list every file (or document) that was skipped, and why, on standard error"},
			&cli.BoolFlag{Name: "changed", Usage: "PATHs are the files a change touched (as pre-commit passes them): files that are not manifests are linted only through the kustomizations that read them"},
			&cli.BoolFlag{Name: "check-references", Usage: "report references to objects missing from the linted set even when no object of that kind is linted"},
			&cli.BoolFlag{Name: "schema-only", Usage: "turn every rule off: schema validation only"},
			&cli.StringFlag{Name: "gate", Usage: "`GATE` strict makes clearly dangerous host access (privileged, the runtime socket, a writable /) an error; default leaves severities alone"},
			&cli.BoolFlag{Name: "fix", Usage: "apply the safe fixes of the findings marked [*] to the files, then report what is left"},
			&cli.BoolFlag{Name: "diff", Usage: "print the fixes as a unified diff instead of applying them; exit 1 when there is one"},
			&cli.BoolFlag{Name: "unsafe-fixes", Usage: "with --fix or --diff, apply unsafe fixes too (they may change what the workload does)"},
			&cli.StringFlag{Name: "pod-security", Usage: "Pod Security Standards `LEVEL` to enforce as warnings: none, baseline or restricted"},
			&cli.StringSliceFlag{Name: "enable", Usage: "turn on rules: `SELECTOR` is a rule ID, a category (security, reliability, correctness, operations), a glob (missing-*) or all; comma-separated, repeatable"},
			&cli.StringSliceFlag{Name: "disable", Usage: "turn off rules (`SELECTOR` as for --enable; the most specific selector wins, --disable at a tie)"},
			// Reported paths are relative to the working directory; tests
			// (which cannot chdir in parallel) and wrappers set it here.
			&cli.StringFlag{Name: "workdir", Hidden: true},
		}, append(configFlags(), profileFlags()...)...),
		Action: profiled(runLint),
	}
}

func runLint(c *cli.Context) error {
	targets, err := report.ParseTargets(c.StringSlice("format"))
	if err != nil {
		return exit(ExitUsage, err)
	}
	workDir := c.String("workdir")
	if workDir == "" {
		if workDir, err = os.Getwd(); err != nil {
			return exit(ExitUsage, fmt.Errorf("finding the working directory: %w", err))
		}
	}
	cfg, cfgFindings, _, cfgSrc, err := readConfig(c, workDir)
	if err != nil {
		return err
	}
	failOnName := c.String("fail-on")
	if !c.IsSet("fail-on") && cfg.Lint.FailOn != "" {
		failOnName = cfg.Lint.FailOn
	}
	failOn, ok := finding.ParseSeverity(failOnName)
	if !ok || !slices.Contains(config.FailOnValues, failOnName) {
		return usageError("--fail-on %q: want %s%s", failOnName, strings.Join(config.FailOnValues, ", "), didYouMean(failOnName, config.FailOnValues))
	}
	opts := lint.Options{
		Config:            cfg,
		KubernetesVersion: c.String("kubernetes-version"),
		PodSecurity:       c.String("pod-security"),
		Gate:              c.String("gate"),
		Enable:            c.StringSlice("enable"),
		Disable:           c.StringSlice("disable"),
		Excludes:          c.StringSlice("exclude"),
		CRDs:              c.StringSlice("crd"),
		SchemaOnly:        c.Bool("schema-only"),
		CheckReferences:   c.Bool("check-references"),
		FailIfNoObjects:   c.Bool("fail-if-no-objects"),
		Changed:           c.Bool("changed"),
		NoIgnoreFiles:     !c.Bool("respect-gitignore"),
		Stdin:             c.App.Reader,
		WorkDir:           workDir,
	}
	lintinternal.SetHooks(&opts, lintinternal.Hooks{
		Kustomize: lintinternal.NewKustomizer(workDir, generator.RenderBytes),
		Specs:     generatorinternal.CheckDocument,
	})
	if c.IsSet("strict") {
		strict := c.Bool("strict")
		opts.Strict = &strict
	}
	args := c.Args().Slice()
	if len(args) == 0 {
		// cat ds.yaml | everynode lint: standard input when something is
		// piped in, as kubeconform reads it (stdinPiped).
		if r, ok := stdinPiped(c.App.Reader); ok {
			args, opts.Stdin = []string{"-"}, r
		}
	}
	l, err := lint.New(opts)
	// Every problem of the configuration (its shape, and the rule IDs,
	// selectors and parameters the catalog does not know) is reported in
	// one pass and one format, that of findings: with the rest of the
	// configuration, the run goes on, so the problems of the manifests and
	// specs come in the same report, and the exit status is 2.
	if err != nil {
		more, other := configProblems(err, workDir)
		cfgFindings = append(cfgFindings, more...)
		if len(other) == 0 {
			opts.Config = withoutBadEntries(cfg, more)
			l, err = lint.New(opts)
			if err != nil {
				_, other = configProblems(err, workDir)
			}
		}
		if len(other) > 0 {
			if len(cfgFindings) > 0 {
				writeConfigFindings(c, cfgFindings, cfgSrc)
			}
			return exit(ExitUsage, errors.Join(other...))
		}
	}
	// A path that does not exist is a usage error (exit 2), but the other
	// paths are still linted and reported first: one typo in a hook's
	// file list must not hide the findings in the rest.
	paths, missing := splitMissing(args, workDir)
	if len(missing) > 0 && len(paths) == 0 {
		return exit(ExitUsage, errors.Join(missing...))
	}
	if c.Bool("fix") || c.Bool("diff") || c.Bool("unsafe-fixes") {
		done, err := runFix(c, l, paths)
		if done || err != nil {
			return err
		}
	}
	res, err := l.Lint(context.Background(), paths)
	if err != nil {
		var pe *lint.PathError
		if errors.As(err, &pe) {
			return exit(ExitUsage, err)
		}
		return exit(ExitUsage, fmt.Errorf("internal error: %w", err))
	}
	if len(cfgFindings) > 0 {
		// The configuration's findings join the report, as those of any
		// file; its text is shown from what was read.
		res.Findings = finding.SortAndDedupe(append(res.Findings, cfgFindings...))
		res.Summary.Errors, res.Summary.Warnings, res.Summary.Infos = 0, 0, 0
		res.Summary.Count(res.Findings)
		source := res.Source
		res.Source = func(name string) []byte {
			if name == cfgSrc.name {
				return cfgSrc.data
			}
			return source(name)
		}
	}
	if err := applyBaseline(c, cfg, workDir, res); err != nil {
		return err
	}
	minSev := finding.Severity(0)
	if name := c.String("min-severity"); name != "" {
		s, ok := finding.ParseSeverity(name)
		if !ok || s == 0 {
			return usageError("--min-severity %q: want error, warning or info%s", name, didYouMean(name, []string{"error", "warning", "info"}))
		}
		minSev = s
	}
	if c.Bool("quiet") {
		// Only what fails the run; with --fail-on none, nothing does.
		minSev = max(minSev, failOn)
		if failOn == 0 {
			minSev = finding.Error + 1
		}
	}
	if minSev > 0 {
		res.Findings, res.Summary = atLeast(res.Findings, res.Summary, minSev)
	}
	rep := &report.Report{
		Findings:    res.Findings,
		Summary:     res.Summary,
		Source:      res.Source,
		Rules:       ruleInfo,
		ToolVersion: Version,
		WorkDir:     workDir,
	}
	for _, o := range res.Objects {
		rep.Objects = append(rep.Objects, report.Object{File: o.File, Document: o.Document, Resource: o.Resource})
	}
	ropts := report.Options{Color: useColor(c, c.App.Writer), FailOn: failOn, LinkBase: githubLinkBase(),
		Quiet: c.Bool("quiet"), Statistics: c.Bool("statistics"), Width: textWidth(c, c.App.Writer)}
	if err := report.WriteTargets(resolveTargets(targets, workDir), c.App.Writer, rep, ropts); err != nil {
		return exit(ExitUsage, err)
	}
	printSkipped(c.App.ErrWriter, res, c.Bool("verbose"), opts.FailIfNoObjects)
	switch {
	case hasError(cfgFindings):
		return exit(ExitUsage, fmt.Errorf("the configuration %s is invalid", relName(workDir, cfg.Path)))
	case len(missing) > 0:
		return exit(ExitUsage, errors.Join(missing...))
	case res.InternalErrors > 0:
		return exit(ExitUsage, nil)
	case failOn > 0 && reaches(res.Summary, failOn):
		return exit(ExitFindings, nil)
	case opts.FailIfNoObjects && res.Summary.Resources == 0:
		return exit(ExitFindings, nil)
	}
	return nil
}

// resolveTargets makes report files relative to the working directory.
func resolveTargets(ts []report.Target, workDir string) []report.Target {
	out := make([]report.Target, len(ts))
	for i, t := range ts {
		if t.File != "" && !filepath.IsAbs(t.File) {
			t.File = filepath.Join(workDir, t.File)
		}
		out[i] = t
	}
	return out
}

// atLeast keeps the findings at or above min and counts them again: what
// --min-severity and --quiet leave out is out of the exit status too.
func atLeast(fs []finding.Finding, sum finding.Summary, min finding.Severity) ([]finding.Finding, finding.Summary) {
	out := fs[:0:0]
	for _, f := range fs {
		if f.Severity >= min {
			out = append(out, f)
		}
	}
	sum.Errors, sum.Warnings, sum.Infos = 0, 0, 0
	sum.Count(out)
	return out, sum
}

func reaches(s finding.Summary, failOn finding.Severity) bool {
	return s.Errors > 0 && failOn <= finding.Error ||
		s.Warnings > 0 && failOn <= finding.Warning ||
		s.Infos > 0 && failOn <= finding.Info
}

// useColor decides colour for output written to w: --color always or
// never wins; with auto (the default) a non-empty FORCE_COLOR turns it on
// (force-color.org; "0" and "false" do not), a non-empty NO_COLOR turns it
// off (no-color.org: an empty one does not count), and otherwise colour is
// on for a terminal that is not TERM=dumb.
func useColor(c *cli.Context, w io.Writer) bool {
	return colorFor(c.String("color"), func(k string) (string, bool) { return lookupEnv(c, k) }, w)
}

func colorFor(mode string, env func(string) (string, bool), w io.Writer) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if v, _ := env("FORCE_COLOR"); v != "" && v != "0" && v != "false" {
		return true
	}
	if v, _ := env("NO_COLOR"); v != "" {
		return false
	}
	if v, _ := env("TERM"); v == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// textWidth is the width the text report wraps messages to: 100 columns
// on a terminal (or COLUMNS, when set and narrower), none in a pipe or a
// file, where editors and log parsers read one line per finding.
func textWidth(c *cli.Context, w io.Writer) int {
	if !isTerminal(w) {
		return 0
	}
	width := 100
	if v, _ := lookupEnv(c, "COLUMNS"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 40 && n < width {
			width = n
		}
	}
	return width
}

// checkColor rejects a --color value other than auto, always or never.
func checkColor(c *cli.Context) error {
	switch m := c.String("color"); m {
	case "auto", "always", "never":
		return nil
	default:
		return usageError("--color %q: want auto, always or never", m)
	}
}

// ruleInfo describes rules for SARIF metadata and Markdown links, from the
// same catalog as `everynode rules`, `explain` and docs/rules.md.
func ruleInfo(id string) (report.RuleInfo, bool) {
	r, ok := rules.ByID(id)
	if !ok {
		return report.RuleInfo{}, false
	}
	help := r.Doc.What + "\n\n" + r.Doc.Why + "\n\nFix: " + r.Doc.Fix
	return report.RuleInfo{ID: r.ID, Summary: r.Summary, Help: help, HelpURI: r.URL(), Severity: r.Severity}, true
}

// githubLinkBase is where files of the commit being checked are shown,
// when running in GitHub Actions, so the Markdown job summary links each
// finding to its line.
func githubLinkBase() string {
	server, repo, sha := os.Getenv("GITHUB_SERVER_URL"), os.Getenv("GITHUB_REPOSITORY"), os.Getenv("GITHUB_SHA")
	if server == "" || repo == "" || sha == "" {
		return ""
	}
	return strings.TrimSuffix(server, "/") + "/" + repo + "/blob/" + sha + "/"
}

// stdinPiped returns standard input to read when it is not a terminal
// and holds something. A terminal (and /dev/null, a character device too)
// is not read. Standard input that is empty at once, as CI runners and
// hooks often give a process, is not read either: the current directory
// is linted, so that `everynode lint` in a CI step never passes by
// linting nothing. A reader that is not a file (a test's) counts as
// piped.
func stdinPiped(in io.Reader) (io.Reader, bool) {
	if in == nil {
		return nil, false
	}
	if f, ok := in.(*os.File); ok {
		fi, err := f.Stat()
		if err != nil || fi.Mode()&os.ModeCharDevice != 0 {
			return nil, false
		}
	}
	br := bufio.NewReader(in)
	if _, err := br.Peek(1); err != nil {
		return nil, false
	}
	return br, true
}

// printSkipped says on standard error what was not linted: a Helm chart
// always (it holds manifests that are never checked unless rendered),
// everything with --verbose, and a note when no object was linted at all
// and nothing else was found, which passes (exit 0) but should never pass
// unseen.
func printSkipped(w io.Writer, res *lint.Result, verbose, failIfNone bool) {
	for _, s := range res.Skipped {
		switch {
		case verbose && s.Document >= 0:
			fmt.Fprintf(w, "skipped %s (document %d): %s\n", safetext.Escape(s.File), s.Document, safetext.Escape(s.Reason))
		case verbose && s.Reason != input.HelmChartSkip(s.File):
			fmt.Fprintf(w, "skipped %s: %s\n", safetext.Escape(s.File), safetext.Escape(s.Reason))
		case s.Reason == input.HelmChartSkip(s.File):
			fmt.Fprintf(w, "note: %s: %s\n", safetext.Escape(s.File), safetext.Escape(s.Reason))
		}
	}
	// With errors or warnings, those say what is wrong; the note is for a
	// run that would otherwise pass in silence.
	if res.Summary.Resources == 0 && !failIfNone && res.Summary.Errors == 0 && res.Summary.Warnings == 0 {
		sum := res.Summary
		msg := fmt.Sprintf("note: no Kubernetes objects were linted (%d %s, %d %s skipped)",
			sum.Files, plural(sum.Files, "file", "files"), sum.Skipped, plural(sum.Skipped, "document", "documents"))
		if !verbose && len(res.Skipped) > 0 {
			msg += "; --verbose lists what was skipped and why"
		}
		fmt.Fprintln(w, msg)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// splitMissing separates the paths that do not exist (as errors) from the
// rest. Standard input ("-") and anything Lstat can see (a dangling symlink
// is reported by the linter itself) are kept.
func splitMissing(args []string, workDir string) (paths []string, missing []error) {
	for _, a := range args {
		p := a
		if a != "-" && !filepath.IsAbs(p) && workDir != "" {
			p = filepath.Join(workDir, p)
		}
		if a != "-" {
			if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
				missing = append(missing, fmt.Errorf("%s: no such file or directory", a))
				continue
			}
		}
		paths = append(paths, a)
	}
	return paths, missing
}

// didYouMean is " (did you mean "x"?)" for the candidate closest to a
// mistyped word, or "".
func didYouMean(word string, candidates []string) string {
	if s := suggest.Closest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// applyBaseline writes the baseline (--write-baseline) or reads it
// (--baseline, lint.baseline) and marks the findings it holds suppressed,
// counting the rest again; entries that no longer occur are listed on
// standard error, so the baseline shrinks as findings are fixed.
func applyBaseline(c *cli.Context, cfg *config.Config, workDir string, res *lint.Result) error {
	var (
		b   *baseline
		err error
	)
	switch {
	case c.String("write-baseline") != "":
		name := c.String("write-baseline")
		if b, err = writeBaseline(name, workDir, res.Findings); err != nil {
			return exit(ExitUsage, err)
		}
		n := 0
		for _, e := range b.entries {
			n += e.Count
		}
		fmt.Fprintf(c.App.ErrWriter, "everynode: wrote %s to the baseline %s\n", countOf(n, "finding", "findings"), safetext.Path(name))
	case c.String("baseline") != "":
		if b, err = readBaseline(c.String("baseline"), workDir, true); err != nil {
			return exit(ExitUsage, err)
		}
	case cfg.Lint.Baseline != "":
		if b, err = readBaseline(relName(workDir, cfg.Resolve(cfg.Lint.Baseline)), workDir, false); err != nil {
			return exit(ExitUsage, err)
		}
	default:
		return nil
	}
	matched, gone := b.apply(res.Findings, workDir)
	res.Summary.Errors, res.Summary.Warnings, res.Summary.Infos = 0, 0, 0
	res.Summary.Count(res.Findings)
	if matched > 0 && c.String("write-baseline") == "" {
		fmt.Fprintf(c.App.ErrWriter, "everynode: %s in the baseline %s not shown\n", countOf(matched, "finding", "findings"), safetext.Path(b.name))
	}
	if len(gone) > 0 {
		n := 0
		for _, e := range gone {
			n += e.Count
		}
		fmt.Fprintf(c.App.ErrWriter, "everynode: %s of the baseline %s no longer occur (fixed, or moved); update it with --write-baseline %s:\n",
			countOf(n, "finding", "findings"), safetext.Path(b.name), safetext.Path(b.name))
		for _, e := range gone {
			fmt.Fprintf(c.App.ErrWriter, "  %s\n", e.describe())
		}
	}
	return nil
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
