package app

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
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
func readConfig(c *cli.Context, workDir string) (cfg *config.Config, fs []finding.Finding, ok bool, err error) {
	path := c.String("config")
	if path != "" {
		if !filepath.IsAbs(path) {
			path = filepath.Join(workDir, path)
		}
		repo := safefs.RootFor(workDir, workDir)
		if safefs.Within(filepath.Clean(path), repo) {
			root, rerr := safefs.Cached(repo)
			if rerr != nil {
				return nil, nil, false, exit(ExitUsage, rerr)
			}
			cfg, fs, err = configfile.LoadWith(path, func(p string) ([]byte, error) { return root.ReadFile(p, configfile.MaxSize) })
		} else {
			cfg, fs, err = configfile.Load(path)
		}
	} else {
		p, found, ferr := configfile.Find(workDir)
		if ferr != nil {
			return nil, nil, false, exit(ExitUsage, ferr)
		}
		if !found {
			if c.IsSet("config-dir") {
				return nil, nil, false, usageError("--config-dir goes with --config")
			}
			return config.Default(), nil, false, nil
		}
		root, rerr := safefs.Cached(safefs.RootFor(workDir, workDir))
		if rerr != nil {
			return nil, nil, false, exit(ExitUsage, rerr)
		}
		path = p
		cfg, fs, err = configfile.LoadWith(p, func(p string) ([]byte, error) { return root.ReadFile(p, configfile.MaxSize) })
	}
	if err != nil {
		return nil, nil, false, exit(ExitUsage, fmt.Errorf("%s: %w", relName(workDir, path), err))
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
	return cfg, fs, true, nil
}

// relName is a path as reported: relative to the working directory when
// below it, slash-separated.
func relName(workDir, p string) string {
	if rel, err := filepath.Rel(workDir, p); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(p)
}

// printConfigFindings prints problems of a configuration, one line each,
// escaped (the configuration is a repository's file like any other).
func printConfigFindings(c *cli.Context, fs []finding.Finding) (bad bool) {
	for _, f := range fs {
		f.File = safetext.Path(f.File)
		f.Message = safetext.Escape(f.Message)
		fmt.Fprintln(c.App.ErrWriter, f.String())
		if f.Severity == finding.Error {
			bad = true
		}
	}
	return bad
}
