package app

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/report"
)

// configFlags are the flags that choose the configuration.
func configFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "config", Usage: "configuration `FILE` (default: .everynode.yaml in the working directory or a parent, up to the repository root)"},
		&cli.StringFlag{Name: "config-dir", Usage: "take the configuration's relative paths (excludes, generate specs and outputs) from `DIR` instead of the --config file's directory: for a configuration read from elsewhere, such as the base branch of a pull request"},
	}
}

// readConfig returns the configuration to use and where it came from:
// --config FILE or the .everynode.yaml found from workDir up. A file in
// the working directory's repository is read through its root like
// everything else there (a pull request can make it a link to
// /etc/passwd, and a workflow may name it with --config); one outside it
// was named by whoever runs everynode and is read as given. ok is false
// when there is none.
func readConfig(c *cli.Context, workDir string) (cfg *config.Config, fs []finding.Finding, ok bool, src configText, err error) {
	path := c.String("config")
	if path != "" {
		if !filepath.IsAbs(path) {
			path = filepath.Join(workDir, path)
		}
		repo := safefs.RootFor(workDir, workDir)
		if safefs.Within(filepath.Clean(path), repo) {
			root, rerr := safefs.Cached(repo)
			if rerr != nil {
				return nil, nil, false, src, exit(ExitUsage, rerr)
			}
			cfg, fs, err = configfile.LoadWith(path, keep(&src, func(p string) ([]byte, error) { return root.ReadFile(p, configfile.MaxSize) }))
		} else {
			cfg, fs, err = configfile.LoadWith(path, keep(&src, func(p string) ([]byte, error) {
				f, err := os.Open(p)
				if err != nil {
					return nil, err
				}
				defer f.Close()
				return safefs.ReadLimited(f, configfile.MaxSize)
			}))
		}
	} else {
		p, found, ferr := configfile.Find(workDir)
		if ferr != nil {
			return nil, nil, false, src, exit(ExitUsage, ferr)
		}
		if !found {
			if c.IsSet("config-dir") {
				return nil, nil, false, src, usageError("--config-dir goes with --config")
			}
			return config.Default(), nil, false, src, nil
		}
		root, rerr := safefs.Cached(safefs.RootFor(workDir, workDir))
		if rerr != nil {
			return nil, nil, false, src, exit(ExitUsage, rerr)
		}
		path = p
		cfg, fs, err = configfile.LoadWith(p, keep(&src, func(p string) ([]byte, error) { return root.ReadFile(p, configfile.MaxSize) }))
	}
	if err != nil {
		return nil, nil, false, src, exit(ExitUsage, fmt.Errorf("%s: %w", relName(workDir, path), err))
	}
	if d := c.String("config-dir"); d != "" {
		if !filepath.IsAbs(d) {
			d = filepath.Join(workDir, d)
		}
		cfg.Base = filepath.Clean(d)
	}
	for i := range fs {
		fs[i].File = relName(workDir, fs[i].File)
	}
	src.name = relName(workDir, path)
	return cfg, fs, true, src, nil
}

// configText is the configuration read last, for the source lines of its
// findings; set by readConfig.
type configText struct {
	name string
	data []byte
}

// relName is a path as reported: relative to the working directory when
// below it, slash-separated.
func relName(workDir, p string) string {
	if rel, err := filepath.Rel(workDir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// keep wraps a read function to remember what it read.
func keep(src *configText, read func(string) ([]byte, error)) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		b, err := read(p)
		src.data = b
		return b, err
	}
}

// configProblems turns the configuration errors in err (lint.New's, which
// joins every problem it finds) into findings; what is not about the
// configuration (a mistyped --enable) is returned as errors.
func configProblems(err error, workDir string) (fs []finding.Finding, other []error) {
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var ce *checker.ConfigError
		if errors.As(err, &ce) && ce.File != "" {
			fs = append(fs, finding.Finding{Rule: finding.RuleSchema, Severity: finding.Error, Message: ce.Msg,
				File: relName(workDir, ce.File), Line: ce.Line, Column: ce.Column, Path: ce.Path,
				Resource: finding.Resource{APIVersion: config.APIVersion, Kind: config.Kind}})
			return
		}
		other = append(other, err)
	}
	walk(err)
	return fs, other
}

func hasError(fs []finding.Finding) bool {
	for _, f := range fs {
		if f.Severity == finding.Error {
			return true
		}
	}
	return false
}

// writeConfigFindings prints problems of a configuration on standard
// error as lint prints findings, source line and caret included.
func writeConfigFindings(c *cli.Context, fs []finding.Finding, src configText) {
	fs = finding.SortAndDedupe(fs)
	var sum finding.Summary
	sum.Files = 1
	sum.Count(fs)
	rep := &report.Report{Findings: fs, Summary: sum, Source: func(name string) []byte {
		if name == src.name {
			return src.data
		}
		return nil
	}}
	_ = report.Write(c.App.ErrWriter, report.Text, rep, report.Options{Color: useColor(c, c.App.ErrWriter)})
}

// withoutBadEntries is the configuration without the entries the findings
// are about (an unknown rule, parameter or selector), so that the run can
// go on with the rest and report everything at once.
func withoutBadEntries(cfg *config.Config, fs []finding.Finding) *config.Config {
	c := *cfg
	c.Lint.Rules = maps.Clone(cfg.Lint.Rules)
	c.Lint.Enable = slices.Clone(cfg.Lint.Enable)
	c.Lint.Disable = slices.Clone(cfg.Lint.Disable)
	for _, f := range fs {
		p := f.Path
		if len(p) < 3 || p[0].Key != "lint" {
			continue
		}
		switch {
		case p[1].Key == "rules" && len(p) >= 5 && p[3].Key == "params":
			rc := c.Lint.Rules[p[2].Key]
			rc.Params = maps.Clone(rc.Params)
			delete(rc.Params, p[4].Key)
			c.Lint.Rules[p[2].Key] = rc
		case p[1].Key == "rules":
			delete(c.Lint.Rules, p[2].Key)
		case p[1].Key == "enable" && p[2].IsIndex && p[2].Index < len(c.Lint.Enable):
			c.Lint.Enable[p[2].Index] = ""
		case p[1].Key == "disable" && p[2].IsIndex && p[2].Index < len(c.Lint.Disable):
			c.Lint.Disable[p[2].Index] = ""
		}
	}
	return &c
}
