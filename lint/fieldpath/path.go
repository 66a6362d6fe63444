// Package fieldpath names a place in a Kubernetes object, the way
// k8s.io/apimachinery/pkg/util/validation/field does, but as plain data
// that can be walked: the document model turns a Path into a line and
// column, rules and the schema validator only build them.
package fieldpath

import (
	"strconv"
	"strings"
)

// Elem is one step of a Path: a map key, or a list index when IsIndex.
type Elem struct {
	Key     string
	Index   int
	IsIndex bool
}

// Path is a sequence of steps from the root of a document. The zero value
// is the root. Paths are values: every method returns a new Path and never
// changes the receiver's backing array.
type Path []Elem

// New returns a path of plain keys: New("spec", "template").
func New(keys ...string) Path {
	p := make(Path, 0, len(keys))
	for _, k := range keys {
		p = append(p, Elem{Key: k})
	}
	return p
}

// Child appends map keys.
func (p Path) Child(keys ...string) Path {
	q := make(Path, len(p), len(p)+len(keys))
	copy(q, p)
	for _, k := range keys {
		q = append(q, Elem{Key: k})
	}
	return q
}

// Index appends a list index.
func (p Path) Index(i int) Path {
	q := make(Path, len(p), len(p)+1)
	copy(q, p)
	return append(q, Elem{Index: i, IsIndex: true})
}

// Parent is the path without its last step; the root's parent is the root.
func (p Path) Parent() Path {
	if len(p) == 0 {
		return p
	}
	return p[: len(p)-1 : len(p)-1]
}

// Last is the last step, or the zero Elem at the root.
func (p Path) Last() Elem {
	if len(p) == 0 {
		return Elem{}
	}
	return p[len(p)-1]
}

// HasPrefix reports whether q is p or one of its ancestors.
func (p Path) HasPrefix(q Path) bool {
	if len(q) > len(p) {
		return false
	}
	for i := range q {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// Equal reports whether two paths name the same place.
func (p Path) Equal(q Path) bool { return len(p) == len(q) && p.HasPrefix(q) }

// plainKey is a key that reads unambiguously after a dot: field names.
func plainKey(k string) bool {
	if k == "" {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '$') {
			return false
		}
	}
	return true
}

// String renders the path as Kubernetes does in its validation errors:
// spec.template.spec.containers[0].image. Keys that are not plain field
// names (label keys such as app.kubernetes.io/name) are written in
// brackets, metadata.labels[app.kubernetes.io/name], so a dot inside a key
// can never be read as a step.
func (p Path) String() string {
	var b strings.Builder
	for i, e := range p {
		switch {
		case e.IsIndex:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(e.Index))
			b.WriteByte(']')
		case plainKey(e.Key):
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(e.Key)
		default:
			b.WriteByte('[')
			b.WriteString(e.Key)
			b.WriteByte(']')
		}
	}
	return b.String()
}

// Parse reads what String writes. Bracketed text that is all digits is an
// index; any other bracketed text is a key. It never fails: malformed input
// reads as plain keys, which at worst names a place that does not exist.
func Parse(s string) Path {
	var p Path
	for len(s) > 0 {
		switch s[0] {
		case '.':
			s = s[1:]
		case '[':
			end := strings.IndexByte(s, ']')
			if end < 0 {
				p = append(p, Elem{Key: s[1:]})
				return p
			}
			inner := s[1:end]
			if n, err := strconv.Atoi(inner); err == nil && n >= 0 && inner != "" && inner[0] != '+' {
				p = append(p, Elem{Index: n, IsIndex: true})
			} else {
				p = append(p, Elem{Key: inner})
			}
			s = s[end+1:]
		default:
			end := strings.IndexAny(s, ".[")
			if end < 0 {
				end = len(s)
			}
			p = append(p, Elem{Key: s[:end]})
			s = s[end:]
		}
	}
	return p
}
