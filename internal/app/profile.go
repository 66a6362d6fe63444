package app

import (
	"bytes"
	"fmt"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/internal/write"
)

// profileFlags are --cpuprofile and --memprofile: what a user who reports
// slowness can attach (go tool pprof reads both).
func profileFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the run to `FILE` (for go tool pprof)"},
		&cli.StringFlag{Name: "memprofile", Usage: "write a heap profile at the end of the run to `FILE` (for go tool pprof)"},
	}
}

// profiled wraps a command's action with the profiles its flags ask for.
// A profile is written whole or not at all (temp+rename), after the
// command has done its work; failing to write one is a usage error only
// when the command itself succeeded (otherwise it is printed and the
// command's own exit code stands).
func profiled(action cli.ActionFunc) cli.ActionFunc {
	return func(c *cli.Context) (err error) {
		cpu, mem := c.String("cpuprofile"), c.String("memprofile")
		if cpu == "" && mem == "" {
			return action(c)
		}
		var cpuBuf bytes.Buffer
		if cpu != "" {
			if err := pprof.StartCPUProfile(&cpuBuf); err != nil {
				return usageError("--cpuprofile: %v", err)
			}
		}
		err = action(c)
		if cpu != "" {
			pprof.StopCPUProfile()
			err = profileError(c, err, "--cpuprofile", writeProfile(cpu, cpuBuf.Bytes()))
		}
		if mem != "" {
			var buf bytes.Buffer
			// The heap profile reports what was allocated since the start
			// (alloc_space) and what is live after a collection.
			runtime.GC()
			perr := pprof.Lookup("allocs").WriteTo(&buf, 0)
			if perr == nil {
				perr = writeProfile(mem, buf.Bytes())
			}
			err = profileError(c, err, "--memprofile", perr)
		}
		return err
	}
}

// profileError reports a profile that could not be written without
// hiding the command's own result: the run's error stands, and a run that
// succeeded exits 2.
func profileError(c *cli.Context, err error, flag string, perr error) error {
	if perr == nil {
		return err
	}
	if err == nil {
		return usageError("%s: %v", flag, perr)
	}
	fmt.Fprintf(c.App.ErrWriter, "everynode: %s: %s\n", flag, safetext.Lines(perr.Error()))
	return err
}

func writeProfile(path string, data []byte) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := write.Write([]write.File{{Dir: filepath.Dir(abs), Name: filepath.Base(abs), Data: data, Label: filepath.Dir(path)}}); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
