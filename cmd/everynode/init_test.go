package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The budget for package initialisation, which every everynode process
// pays before main, however small its work (a pre-commit hook on one
// file). It is counted in bytes and allocations, which do not depend on
// how busy the machine is, with some headroom over the measure (about
// 1.14 MB and 7,750 allocations, of which this test binary's own testing
// packages are a few). A dependency that adds heavy initialisers (OpenAPI
// validators, regular expressions compiled at init, embedded data decoded
// eagerly) fails it: keep them out of the binary, or make them lazy.
// The rules' regular expressions are compiled on first use
// (sync.OnceValue), not at init: compiled eagerly they cost about 1,600
// allocations here, in every process, linting or not.
const (
	initBudgetBytes  = 1_400_000
	initBudgetAllocs = 9_000
)

const initChildEnv = "EVERYNODE_TEST_INIT_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(initChildEnv) == "1" {
		// Initialised, which is all the parent wants to see.
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestInitBudget runs this test binary, which links every package the
// everynode binary does, with GODEBUG=inittrace=1 and sums what the
// package initialisers allocated.
func TestInitBudget(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), initChildEnv+"=1", "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the test binary: %v\n%s", err, stderr.String())
	}
	inits, err := parseInitTrace(stderr.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(inits) < 50 {
		t.Fatalf("only %d package initialisers traced: is GODEBUG=inittrace=1 still the format?\n%s", len(inits), stderr.String())
	}
	var bytesTotal, allocsTotal int
	for _, in := range inits {
		bytesTotal += in.bytes
		allocsTotal += in.allocs
	}
	t.Logf("package init: %d bytes, %d allocations in %d packages", bytesTotal, allocsTotal, len(inits))
	if bytesTotal > initBudgetBytes || allocsTotal > initBudgetAllocs {
		sort.Slice(inits, func(i, j int) bool { return inits[i].bytes > inits[j].bytes })
		var top strings.Builder
		for _, in := range inits[:min(10, len(inits))] {
			fmt.Fprintf(&top, "\n  %-70s %8d bytes %6d allocs", in.pkg, in.bytes, in.allocs)
		}
		t.Errorf("package initialisers allocate %d bytes in %d allocations, over the budget of %d bytes and %d allocations; the largest:%s",
			bytesTotal, allocsTotal, initBudgetBytes, initBudgetAllocs, top.String())
	}
}

type initTrace struct {
	pkg           string
	bytes, allocs int
}

// parseInitTrace reads lines such as
//
//	init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
func parseInitTrace(out []byte) ([]initTrace, error) {
	var inits []initTrace
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 11 || f[0] != "init" || f[8] != "bytes," || f[10] != "allocs" {
			continue
		}
		b, err1 := strconv.Atoi(f[7])
		a, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("cannot read the init trace line %q", sc.Text())
		}
		inits = append(inits, initTrace{pkg: f[1], bytes: b, allocs: a})
	}
	return inits, sc.Err()
}
