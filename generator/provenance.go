package generator

import (
	"slices"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Provenance maps places in a rendered object to the places in the spec
// they came from: spec.template.spec.containers[0].ports[1] came from
// spec.ports[1], spec.updateStrategy.rollingUpdate.maxSurge from
// spec.maxSurge. Checks that run on the rendered object (the rule catalog)
// report at output paths; Lookup turns them into spec paths so the user is
// shown the line they wrote.
type Provenance struct {
	m map[string]fieldpath.Path
}

// NewProvenance returns an empty map.
func NewProvenance() *Provenance { return &Provenance{m: map[string]fieldpath.Path{}} }

// Record says that the output at out came from the spec at spec.
func (p *Provenance) Record(out, spec fieldpath.Path) { p.m[out.String()] = spec }

// Lookup returns the spec path for an output path: the recorded entry for
// the longest prefix of out, with the rest of out appended. The appended
// part names the same field when the spec used the long (Kubernetes) form;
// after a shorthand it names nothing, and Document.Locate then stops at the
// shorthand itself. ok is false when no prefix of out was recorded.
func (p *Provenance) Lookup(out fieldpath.Path) (spec fieldpath.Path, ok bool) {
	for n := len(out); n >= 0; n-- {
		if s, found := p.m[out[:n].String()]; found {
			rest := out[n:]
			spec = make(fieldpath.Path, 0, len(s)+len(rest))
			spec = append(append(spec, s...), rest...)
			return spec, true
		}
	}
	return nil, false
}

// Entry is one recorded mapping.
type Entry struct {
	Out, Spec fieldpath.Path
}

// Entries lists the mappings sorted by output path, for tests and tools.
func (p *Provenance) Entries() []Entry {
	out := make([]Entry, 0, len(p.m))
	for k, v := range p.m {
		out = append(out, Entry{Out: fieldpath.Parse(k), Spec: v})
	}
	slices.SortFunc(out, func(a, b Entry) int {
		as, bs := a.Out.String(), b.Out.String()
		switch {
		case as < bs:
			return -1
		case as > bs:
			return 1
		}
		return 0
	})
	return out
}
