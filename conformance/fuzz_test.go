package conformance

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/everynode/everynode/conformance/mutate"
	"github.com/everynode/everynode/conformance/suite"
)

var (
	knownOnce           sync.Once
	knownGaps, knownFEs map[string]bool
)

// known reads the keys of the committed lists: a fuzzer's disagreement
// that one of them explains is a known gap, not a new one.
func known(t testing.TB) (gaps, falseErrors map[string]bool) {
	knownOnce.Do(func() {
		root, err := suite.ModuleRoot()
		if err != nil {
			t.Fatal(err)
		}
		read := func(name string) map[string]bool {
			data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
			if err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for k := range entries(string(data)) {
				_, key, _ := cutSection(k)
				keys[key] = true
			}
			return keys
		}
		knownGaps, knownFEs = read(suite.KnownGapsFile), read(suite.FalseErrorsFile)
	})
	return knownGaps, knownFEs
}

// watchdog turns a hang into a crash with every goroutine's stack: go
// test -fuzz has no limit on one input's time, and a stuck worker shows
// only as "0/sec" (as a worker minimizing a new input does, harmlessly).
func watchdog() (stop func()) {
	t := time.AfterFunc(30*time.Second, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after 30s: a hang\n\n%s", buf))
	})
	return func() { t.Stop() }
}

// check fails on a disagreement the lists do not explain.
func check(t *testing.T, r suite.Result) {
	t.Helper()
	if r.LintErr != nil {
		t.Fatalf("everynode failed: %v\n%s", r.LintErr, r.Case.Data)
	}
	if r.Outcome == suite.Agree || r.Allowed != "" {
		return
	}
	gaps, fes := known(t)
	key := r.Key()
	if r.Outcome == suite.Missed && gaps[key] || r.Outcome == suite.FalseError && fes[key] {
		return
	}
	t.Errorf("%s not in the known lists: %s\nKubernetes: %s\neverynode: %v\ninput:\n%s", r.Outcome, key, r.K8s.Message, r.Everynode.Errors, r.Case.Data)
}

// FuzzDifferential feeds arbitrary bytes, one YAML document, to both
// sides. Seeds: the bases. Under go test only the seeds run; to fuzz:
//
//	go test -run '^$' -fuzz FuzzDifferential -fuzztime 10m .
func FuzzDifferential(f *testing.F) {
	bs, err := suite.Bases()
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range bs {
		f.Add(b.Data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// One document, of a size a manifest has: a stream is not one
		// object, and the API server reads only its first document.
		if len(data) > 64<<10 || len(suite.SplitDocuments(data)) != 1 || bytes.Contains(data, []byte("\n---")) {
			return
		}
		// A document of comments, or an explicit null, is no object:
		// kubectl skips it without sending anything, and so does
		// everynode.
		if j, err := sigsyaml.YAMLToJSON(data); err == nil && string(bytes.TrimSpace(j)) == "null" {
			return
		}
		defer watchdog()()
		check(t, suite.Judge(suite.Case{ID: "fuzz", Source: suite.SourceFuzz, Data: data}))
	})
}

// FuzzMutation is the structured fuzzer: a base, a field and an op of the
// mutator, picked by the fuzzer's integers.
func FuzzMutation(f *testing.F) {
	bs, err := suite.Bases()
	if err != nil {
		f.Fatal(err)
	}
	for i := range bs {
		f.Add(uint8(i), uint16(i*37), uint16(i))
	}
	f.Fuzz(func(t *testing.T, base uint8, field, op uint16) {
		defer watchdog()()
		c, ok := mutate.One(bs[int(base)%len(bs)], int(field), int(op))
		if !ok {
			return
		}
		check(t, suite.Judge(suite.Case{ID: c.ID, Source: suite.SourceFuzz, Field: c.Field, FieldID: c.FieldID, Op: c.Op, Data: c.Data}))
	})
}
