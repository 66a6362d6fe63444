// Package suite is the differential test's machinery: it collects the
// cases (mutations of the bases, scenarios, the repository's own
// manifests, the generator's output), judges each with Kubernetes' create
// path (package oracle) and with everynode (package everynode), and turns
// the disagreements into the known-gaps work list and the report.
package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/everynode/everynode/conformance/mutate"
)

// DefaultSeed is the seed of the committed known-gaps list and report.
// CONFORMANCE_SEED overrides it for exploration (the list then differs).
const DefaultSeed = 1

// Seed returns the seed to use.
func Seed() uint64 {
	if s := os.Getenv("CONFORMANCE_SEED"); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil {
			return v
		}
	}
	return DefaultSeed
}

// Suite is everything one run judged.
type Suite struct {
	Seed  uint64
	Bases []mutate.Base
	Set   *mutate.Set
	// Results of the bases, mutations, scenarios and corpus, in that
	// order.
	Results []Result
	// Generator holds the generator's cases (see generator.go).
	Generator *GeneratorRun
	// CrossCheck is the committed result of the oracle's check against a
	// real API server ("" when there is none).
	CrossCheck string
}

// Collect generates and judges every case.
func Collect(seed uint64) (*Suite, error) {
	bs, err := Bases()
	if err != nil {
		return nil, err
	}
	set, err := mutate.Generate(bs, mutate.Options{Seed: seed})
	if err != nil {
		return nil, err
	}
	var cases []Case
	for _, b := range bs {
		cases = append(cases, Case{ID: "base:" + b.Name, Source: SourceBase, Data: b.Data})
	}
	for _, c := range set.Cases {
		src := SourceMutation
		if c.Field == "" {
			src = SourceScenario
		}
		cases = append(cases, Case{ID: c.ID, Source: src, Field: c.Field, FieldID: c.FieldID, Op: c.Op, Data: c.Data})
	}
	corpus, err := Corpus()
	if err != nil {
		return nil, err
	}
	cases = append(cases, corpus...)
	gen, err := RunGenerator(seed)
	if err != nil {
		return nil, err
	}
	s := &Suite{Seed: seed, Bases: bs, Set: set, Results: Run(cases), Generator: gen}
	if root, err := ModuleRoot(); err == nil {
		if data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(CrossCheckFile))); err == nil {
			s.CrossCheck = string(data)
		}
	}
	return s, nil
}

// Of returns the results of the given sources.
func (s *Suite) Of(sources ...string) []Result {
	var out []Result
	for _, r := range s.Results {
		if slices.Contains(sources, r.Case.Source) {
			out = append(out, r)
		}
	}
	return out
}

// Find returns the result of a case ID.
func (s *Suite) Find(id string) (Result, bool) {
	for _, r := range s.Results {
		if r.Case.ID == id {
			return r, true
		}
	}
	for _, r := range s.Generator.Results {
		if r.Case.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// Counts are the headline numbers of a set of results.
type Counts struct {
	Cases, Rejected, Agree, Missed, FalseErrors int
	// Allowed disagreements, by reason.
	Allowed map[string]int
	// BothRejectWithField: both reject and Kubernetes' first error names
	// a field; PathMatch: of those, everynode names the same field.
	BothRejectWithField, PathMatch int
	// BothRejectNoField: both reject, Kubernetes names no field.
	BothRejectNoField int
}

// Count computes the numbers.
func Count(rs []Result) Counts {
	c := Counts{Allowed: map[string]int{}}
	for _, r := range rs {
		c.Cases++
		if !r.K8s.Accepted() {
			c.Rejected++
		}
		switch {
		case r.Outcome == Agree:
			c.Agree++
			if !r.K8s.Accepted() {
				if r.HasField() {
					c.BothRejectWithField++
					if r.PathMatch {
						c.PathMatch++
					}
				} else {
					c.BothRejectNoField++
				}
			}
		case r.Allowed != "":
			c.Allowed[r.Allowed]++
		case r.Outcome == Missed:
			c.Missed++
		case r.Outcome == FalseError:
			c.FalseErrors++
		}
	}
	return c
}

// Pct formats a ratio as a percentage with one decimal.
func Pct(n, d int) string {
	if d == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(d))
}
