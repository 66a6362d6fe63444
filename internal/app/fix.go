package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint"
)

// runFix applies (--fix) or prints (--diff) the fixes of the findings in
// paths. With --diff the run is done here (exit 1 when there is a diff);
// with --fix the files are written and the caller lints again to report
// what is left.
func runFix(c *cli.Context, l *lint.Linter, paths []string) (done bool, err error) {
	fix, diff := c.Bool("fix"), c.Bool("diff")
	if !fix && !diff {
		return true, usageError("--unsafe-fixes needs --fix or --diff")
	}
	if fix && diff {
		return true, usageError("--fix and --diff: choose one (--diff shows what --fix would write)")
	}
	opts := lint.FixOptions{Unsafe: c.Bool("unsafe-fixes")}
	res, err := l.Fix(context.Background(), paths, opts)
	if err != nil {
		return true, fixError(err)
	}
	stderr := c.App.ErrWriter
	if diff {
		printDropped(stderr, res)
		// The diff shows file contents: escaped like every other output,
		// so that a manifest cannot drive the terminal.
		io.WriteString(c.App.Writer, safetext.Lines(res.Diff()))
		if len(res.Files) > 0 {
			fmt.Fprintf(stderr, "%s in %s would be applied by --fix\n", countOf(res.Changed(), "fix", "fixes"), countOf(len(res.Files), "file", "files"))
			return true, exit(ExitFindings, nil)
		}
		return true, nil
	}
	// Files that kustomize builds are fixed one round per build: fixes
	// that meet in one file wait for the next round, after the build is
	// linted again with the first round written.
	fixes, files := 0, map[string]bool{}
	for round := 0; ; round++ {
		if err := res.Write(); err != nil {
			return true, exit(ExitUsage, fmt.Errorf("writing fixes: %w", err))
		}
		fixes += res.Changed()
		for _, f := range res.Files {
			files[f.Name] = true
		}
		if len(res.Files) == 0 || round == 9 {
			break
		}
		if res, err = l.Fix(context.Background(), paths, opts); err != nil {
			return true, fixError(err)
		}
	}
	printDropped(stderr, res)
	if fixes > 0 {
		fmt.Fprintf(stderr, "fixed %s in %s\n", countOf(fixes, "finding", "findings"), countOf(len(files), "file", "files"))
	}
	return false, nil
}

func fixError(err error) error {
	var pe *lint.PathError
	if errors.As(err, &pe) {
		return exit(ExitUsage, err)
	}
	return exit(ExitUsage, fmt.Errorf("internal error: %w", err))
}

func printDropped(w io.Writer, res *lint.FixResult) {
	for _, d := range res.Dropped {
		f := d.Finding
		fmt.Fprintf(w, "%s:%d:%d: not fixed [%s]: %s\n", safetext.Path(f.File), f.Line, f.Column, f.Rule, safetext.Line(d.Reason))
	}
}
