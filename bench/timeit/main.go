// Command timeit runs benchmark cases side by side and prints a Markdown
// table: bench/compare.sh drives it.
//
//	go run ./bench/timeit -runs 5 -cases cases.tsv
//
// Each line of the cases file is
//
//	group <TAB> name <TAB> flags <TAB> command and arguments
//
// flags is a comma-separated list (or "-"): "baseline" marks the case the
// others of its group are compared with; "reps=N" runs the command N
// times a round and keeps the mean (for commands of a few milliseconds). An argument @DIR expands to the
// .yaml files under DIR (for tools that take no directory). Commands run
// without a shell, so process start to exit is all that is timed.
//
// The cases run in rounds, every case once per round in file order, so
// that a machine busy with something else slows all tools alike; a
// ratio is computed within each round and the table gives the median of
// the rounds. A first round warms the caches and is not counted. Exit
// codes are ignored (linters exit 1 on findings) unless the command fails
// to start or is killed.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"time"
)

type testCase struct {
	group, name string
	baseline    bool
	reps        int
	args        []string
	samples     []sample
}

type sample struct {
	wall, cpu time.Duration
	rssKB     int64
}

func main() {
	runs := flag.Int("runs", 5, "measured rounds (after one warm-up round)")
	casesFile := flag.String("cases", "", "the cases `FILE` (see the package doc)")
	flag.Parse()
	if err := run(*casesFile, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "timeit:", err)
		os.Exit(1)
	}
}

func run(file string, runs int) error {
	cases, err := readCases(file)
	if err != nil {
		return err
	}
	for round := 0; round <= runs; round++ {
		if round == 0 {
			fmt.Fprintln(os.Stderr, "warm-up round")
		} else {
			fmt.Fprintf(os.Stderr, "round %d of %d\n", round, runs)
		}
		for _, c := range cases {
			var sum sample
			for range c.reps {
				s, err := measure(c.args)
				if err != nil {
					return fmt.Errorf("%s: %w", c.name, err)
				}
				sum.wall += s.wall
				sum.cpu += s.cpu
				sum.rssKB = max(sum.rssKB, s.rssKB)
			}
			sum.wall /= time.Duration(c.reps)
			sum.cpu /= time.Duration(c.reps)
			if round > 0 {
				c.samples = append(c.samples, sum)
			}
		}
	}
	printTable(os.Stdout, cases)
	return nil
}

func readCases(file string) ([]*testCase, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cases []*testCase
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "\t", 4)
		if len(parts) != 4 {
			return nil, fmt.Errorf("%s:%d: want group, name, flags and command separated by tabs", file, n)
		}
		c := &testCase{group: parts[0], name: parts[1], reps: 1}
		for _, fl := range strings.Split(parts[2], ",") {
			switch {
			case fl == "baseline":
				c.baseline = true
			case strings.HasPrefix(fl, "reps="):
				if _, err := fmt.Sscanf(fl, "reps=%d", &c.reps); err != nil || c.reps < 1 {
					return nil, fmt.Errorf("%s:%d: bad %q", file, n, fl)
				}
			case fl != "-" && fl != "":
				return nil, fmt.Errorf("%s:%d: unknown flag %q", file, n, fl)
			}
		}
		for _, a := range strings.Fields(parts[3]) {
			if dir, ok := strings.CutPrefix(a, "@"); ok {
				files, err := yamlFiles(dir)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: %w", file, n, err)
				}
				c.args = append(c.args, files...)
				continue
			}
			c.args = append(c.args, a)
		}
		cases = append(cases, c)
	}
	return cases, sc.Err()
}

func yamlFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			out = append(out, p)
		}
		return err
	})
	slices.Sort(out)
	return out, err
}

// measure runs a command to its end: wall time, CPU time and peak RSS.
func measure(args []string) (sample, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdout, cmd.Stderr = nil, nil // to /dev/null
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return sample{}, err
	}
	st := cmd.ProcessState
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return sample{}, fmt.Errorf("killed by %v", ws.Signal())
	}
	s := sample{wall: wall, cpu: st.UserTime() + st.SystemTime()}
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		s.rssKB = int64(ru.Maxrss)
		if runtime.GOOS == "darwin" {
			s.rssKB /= 1024 // bytes there
		}
	}
	return s, nil
}

func printTable(w *os.File, cases []*testCase) {
	fmt.Fprintln(w, "| case | median wall | spread (min–max) | wall ratio | median CPU (user+sys) | CPU ratio | peak RSS |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, c := range cases {
		walls := durations(c.samples, func(s sample) time.Duration { return s.wall })
		cpus := durations(c.samples, func(s sample) time.Duration { return s.cpu })
		var rss []int64
		for _, s := range c.samples {
			rss = append(rss, s.rssKB)
		}
		wallRatio := ratio(cases, c, func(s sample) time.Duration { return s.wall })
		cpuRatio := ratio(cases, c, func(s sample) time.Duration { return s.cpu })
		fmt.Fprintf(w, "| %s | %s | %s–%s | %s | %s | %s | %.0f MB |\n", c.name, ms(medianDur(walls)), ms(slices.Min(walls)), ms(slices.Max(walls)),
			wallRatio, ms(medianDur(cpus)), cpuRatio, float64(slices.Max(rss))/1024)
	}
}

// ratio is the median over rounds of c's measure divided by its group's
// baseline's in the same round.
func ratio(cases []*testCase, c *testCase, f func(sample) time.Duration) string {
	base := baselineOf(cases, c)
	switch {
	case base == nil:
		return "–"
	case base == c:
		return "1.00"
	}
	var rs []float64
	for i := range c.samples {
		rs = append(rs, f(c.samples[i]).Seconds()/f(base.samples[i]).Seconds())
	}
	return fmt.Sprintf("%.2f", median(rs))
}

func baselineOf(cases []*testCase, c *testCase) *testCase {
	for _, b := range cases {
		if b.group == c.group && b.baseline {
			return b
		}
	}
	return nil
}

func durations(ss []sample, f func(sample) time.Duration) []time.Duration {
	out := make([]time.Duration, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

func medianDur(ds []time.Duration) time.Duration {
	fs := make([]float64, len(ds))
	for i, d := range ds {
		fs[i] = float64(d)
	}
	return time.Duration(median(fs))
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func ms(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
