package conformance

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/oracle"
)

// TestFixKeepsAccepted: every object Kubernetes accepts is still
// accepted after `everynode lint --fix --unsafe-fixes`, over the bases,
// the repository's manifests and a sample of the accepted mutations.
func TestFixKeepsAccepted(t *testing.T) {
	s := theSuite(t)
	var accepted []int
	for i, r := range s.Results {
		if r.K8s.Accepted() {
			accepted = append(accepted, i)
		}
	}
	// Every accepted case costs a lint per fix round: a stride keeps the
	// test to some 300 cases, spread over every field.
	stride := max(1, len(accepted)/300)
	var (
		wg             sync.WaitGroup
		mu             sync.Mutex
		checked, fixed atomic.Int64
		sem            = make(chan struct{}, 4)
	)
	for k := 0; k < len(accepted); k += stride {
		r := s.Results[accepted[k]]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out, rules, err := everynode.Fix(r.Case.ID+".yaml", r.Case.Data, true)
			if err != nil {
				t.Error(err)
				return
			}
			checked.Add(1)
			if bytes.Equal(out, r.Case.Data) {
				return
			}
			fixed.Add(1)
			if v := oracle.Create(out); !v.Accepted() {
				mu.Lock()
				defer mu.Unlock()
				t.Errorf("%s: Kubernetes accepted it before the fixes (%s) and rejects it after: %s\n%s",
					r.Case.ID, strings.Join(rules, ", "), v.Message, out)
			}
		}()
	}
	wg.Wait()
	t.Logf("%d accepted cases checked, %d changed by fixes, all still accepted", checked.Load(), fixed.Load())
	if fixed.Load() == 0 {
		t.Error("no case was changed by a fix")
	}
}

// TestFixUpgradesOldManifests: DaemonSets written for extensions/v1beta1
// and apps/v1beta2, in the style of public projects of 2018, are refused
// by Kubernetes as they are, and after `everynode lint --fix` (safe fixes
// only) are apps/v1 objects Kubernetes accepts.
func TestFixUpgradesOldManifests(t *testing.T) {
	files, _ := filepath.Glob("testdata/old-manifests/*.yaml")
	if len(files) < 4 {
		t.Fatalf("want at least 4 old manifests, found %d", len(files))
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if v := oracle.Create(data); v.Accepted() {
				t.Fatal("Kubernetes accepts the old manifest as it is: not a test of the upgrade")
			}
			out, rules, err := everynode.Fix(filepath.Base(file), data, false)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte("apiVersion: apps/v1\n")) {
				t.Fatalf("not upgraded to apps/v1 (fixes: %v):\n%s", rules, out)
			}
			if v := oracle.Create(out); !v.Accepted() {
				t.Fatalf("Kubernetes rejects the fixed manifest: %s\n%s", v.Message, out)
			}
			if v, err := everynode.Lint(filepath.Base(file), out); err != nil || v.Rejected() {
				t.Fatalf("everynode still finds errors after --fix: %v %v", v.Errors, err)
			}
			t.Logf("fixes: %v", rules)
		})
	}
}
