package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/mutate"
)

// specBaseDir holds the generator's own valid specs, used as spec bases
// beside the templates.
const specBaseDir = "generator/testdata/valid"

// GeneratorRun is the generator's part of the suite: Daemon specs (the
// templates, the generator's valid test specs, and mutations of them)
// rendered in process; every DaemonSet rendered from a spec the generator
// accepts is judged like any other case.
type GeneratorRun struct {
	// Specs is the number of spec cases, Fields the number of places of
	// the Daemon schema mutated.
	Specs, Fields int
	// Accepted specs rendered; Refused specs got error findings.
	Accepted, Refused int
	// Results judge the DaemonSet of each accepted spec (Source
	// SourceGenerated, the spec case's ID).
	Results []Result
	// Failures are specs the generator could not render without an
	// error finding (an internal error, or output it could not split).
	Failures []string
	// specs keeps each case's spec, for printing a case.
	specs map[string][]byte
}

// SpecBases are the templates (template/NAME) and the generator's valid
// test specs (spec/NAME).
func SpecBases() ([]mutate.Base, error) {
	var out []mutate.Base
	for _, t := range everynode.Templates() {
		out = append(out, mutate.Base{Name: "template/" + t.Name, Data: t.Data})
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(specBaseDir)))
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(specBaseDir), e.Name()))
		if err != nil {
			return nil, err
		}
		// Multi-document specs are used whole, as they are; the mutator
		// needs one document.
		if len(SplitDocuments(data)) != 1 {
			continue
		}
		out = append(out, mutate.Base{Name: "spec/" + name, Data: data})
	}
	return out, nil
}

// RunGenerator renders the spec bases and their mutations and judges
// every DaemonSet rendered.
func RunGenerator(seed uint64) (*GeneratorRun, error) {
	bases, err := SpecBases()
	if err != nil {
		return nil, err
	}
	muts, fields, err := mutate.GenerateSpecs(bases, everynode.DaemonSchema(), mutate.Options{Seed: seed})
	if err != nil {
		return nil, err
	}
	g := &GeneratorRun{Fields: fields, specs: map[string][]byte{}}
	type spec struct {
		id   string
		data []byte
	}
	var specs []spec
	for _, b := range bases {
		specs = append(specs, spec{"spec-base:" + b.Name, b.Data})
	}
	for _, m := range muts {
		specs = append(specs, spec{m.ID, m.Data})
	}
	g.Specs = len(specs)
	var cases []Case
	for _, s := range specs {
		g.specs[s.id] = s.data
		out, err := everynode.Generate("daemon.yaml", s.data)
		if err != nil {
			g.Failures = append(g.Failures, fmt.Sprintf("%s: %v", s.id, err))
			continue
		}
		if !out.Accepted() {
			g.Refused++
			continue
		}
		g.Accepted++
		for _, o := range out.Objects {
			if o.Kind == "DaemonSet" {
				cases = append(cases, Case{ID: s.id, Source: SourceGenerated, Data: o.YAML})
			}
		}
	}
	g.Results = Run(cases)
	slices.SortFunc(g.Results, func(a, b Result) int { return strings.Compare(a.Case.ID, b.Case.ID) })
	return g, nil
}

// Spec returns the spec a generator case was rendered from.
func (g *GeneratorRun) Spec(id string) []byte { return g.specs[id] }

// IsGeneratorFailure selects generated DaemonSets Kubernetes rejects:
// the generator accepted a spec and rendered something invalid.
func IsGeneratorFailure(r Result) bool { return !r.K8s.Accepted() }
