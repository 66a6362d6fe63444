// Package app is the everynode command line: one file per command, each
// turning flags into library calls and nothing more. Run is a function of
// its arguments and streams so that tests drive it in-process.
package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/safetext"
)

// Exit codes shared by the commands (docs/architecture.md has the table).
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
	ExitStale    = 3
)

// exitError carries an exit code through urfave/cli without printing:
// commands print their own diagnostics.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

// exit returns an error that makes Run return code. A nil err means the
// command has already said everything it had to say.
func exit(code int, err error) error { return &exitError{code: code, err: err} }

// usageError is a bad flag or argument: exit 2 with the message.
func usageError(format string, args ...any) error {
	return exit(ExitUsage, fmt.Errorf(format, args...))
}

// commands lists every command; each lives in its own file.
func commands() []*cli.Command {
	return []*cli.Command{
		versionCommand(),
		generateCommand(),
		initCommand(),
		lintCommand(),
		placementCommand(),
		rulesCommand(),
		explainCommand(),
		fnCommand(),
		schemasCommand(),
		completionCommand(),
	}
}

// Version is set at build time with -ldflags "-X ...app.Version=v1.2.3".
var Version = "devel"

func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "everynode",
		Usage:     "generate and lint Kubernetes DaemonSets",
		UsageText: "everynode COMMAND [options] [arguments]",
		Description: "everynode turns compact Daemon specs into complete, secure-by-default DaemonSet manifests,\n" +
			"and lints manifests against the official Kubernetes schemas and DaemonSet best practices.",
		Commands:  commands(),
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags:     globalFlags(),
		Before:    checkColor,
		// A --format sarif=a,b.sarif path may contain commas: repeated
		// flags, not commas, separate values.
		DisableSliceFlagSeparator: true,
		Version:                   versionString(),
		// Errors are printed once, by Run, with the exit code they carry.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return exit(ExitUsage, fmt.Errorf("%w (see '%s --help')", err, c.Command.HelpName))
		},
	}
	// A bad flag value (--workers x) is one line on standard error, never
	// the command's help on standard output: urfave/cli asks each command's
	// own OnUsageError, so every command gets the app's.
	var walk func([]*cli.Command)
	walk = func(cmds []*cli.Command) {
		for _, cmd := range cmds {
			if cmd.OnUsageError == nil {
				cmd.OnUsageError = app.OnUsageError
			}
			walk(cmd.Subcommands)
		}
	}
	walk(app.Commands)
	return app
}

const envKey = "env"

// lookupEnv reads an environment variable through RunEnv's env.
func lookupEnv(c *cli.Context, name string) (string, bool) {
	if env, ok := c.App.Metadata[envKey].(func(string) (string, bool)); ok {
		return env(name)
	}
	return os.LookupEnv(name)
}

// globalFlags are the flags every command takes, before or after its name.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the output: `WHEN` is auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never"},
	}
}

// argsKey holds the command line as given, in App.Metadata (generate
// --check repeats it without --check).
const argsKey = "args"

// runMu serialises Runs: urfave/cli writes to package-level flags (its
// help flag) while parsing, so two Runs at once in one process race. A
// process runs one command; only in-process tests ever wait here.
var runMu sync.Mutex

// Run runs the command line and returns the process exit code.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return RunEnv(args, os.LookupEnv, stdin, stdout, stderr)
}

// RunEnv is Run with the environment variables it reads (NO_COLOR,
// FORCE_COLOR, TERM) looked up with env: tests run the CLI in-process,
// in parallel, each with its own environment.
func RunEnv(args []string, env func(string) (string, bool), stdin io.Reader, stdout, stderr io.Writer) int {
	runMu.Lock()
	defer runMu.Unlock()
	app := newApp(stdin, stdout, stderr)
	app.Metadata = map[string]any{envKey: env, argsKey: args}
	args, err := normalizeArgs(app, args)
	if err == nil {
		err = app.Run(args)
	}
	if err == nil {
		return ExitOK
	}
	// Errors name files and quote values of the repository: escaped, so
	// that none can drive the terminal or write a CI log command.
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "everynode: %s\n", safetext.Lines(ee.err.Error()))
		}
		return ee.code
	}
	// Anything urfave/cli reports itself (unknown command, bad flag) is a
	// usage error.
	fmt.Fprintf(stderr, "everynode: %s\n", safetext.Lines(err.Error()))
	return ExitUsage
}
