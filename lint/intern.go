package lint

import (
	"encoding/binary"
	"unique"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// interner shares equal strings and paths among the findings a run holds
// until it ends: a corpus repeats a few thousand messages and a hundred
// paths tens of thousands of times, and a finding's message and path are
// most of its memory. Strings are canonicalised by the standard library's
// unique package; paths, which are slices and so not comparable, by an
// encoding of their elements. Paths are never modified once made (Child
// and Index copy), so findings may share them.
type interner struct {
	// live holds the handle of every string handed out: unique keeps a
	// canonical copy only while its handle is reachable, and the findings
	// hold copies of the string, not the handle.
	live  map[unique.Handle[string]]struct{}
	paths map[string]fieldpath.Path
	key   []byte
}

func newInterner() *interner {
	return &interner{live: map[unique.Handle[string]]struct{}{}, paths: map[string]fieldpath.Path{}}
}

func (in *interner) str(s string) string {
	h := unique.Make(s)
	in.live[h] = struct{}{}
	return h.Value()
}

func (in *interner) path(p fieldpath.Path) fieldpath.Path {
	if len(p) == 0 {
		return p
	}
	k := in.key[:0]
	for _, e := range p {
		if e.IsIndex {
			k = binary.AppendUvarint(append(k, 0), uint64(e.Index))
			continue
		}
		k = append(binary.AppendUvarint(append(k, 1), uint64(len(e.Key))), e.Key...)
	}
	in.key = k
	if v, ok := in.paths[string(k)]; ok {
		return v
	}
	in.paths[string(k)] = p
	return p
}

func (in *interner) finding(f *finding.Finding) {
	f.Message = in.str(f.Message)
	f.Path = in.path(f.Path)
	in.resource(&f.Resource)
}

// resource shares what objects have in common; names are mostly unique.
func (in *interner) resource(r *finding.Resource) {
	r.APIVersion = in.str(r.APIVersion)
	r.Kind = in.str(r.Kind)
	r.Namespace = in.str(r.Namespace)
}
