package rule

import (
	"fmt"
	"slices"

	"github.com/everynode/everynode/lint/fieldpath"
)

// A rule may offer a fix for its diagnostics, as go/analysis offers a
// SuggestedFix: Rule.Fix returns what to change, as Changes at field
// paths of the object. A rule never computes text or positions; the
// engine turns Changes into text edits of the file the fields are
// written in (one place, internal/yamledit), so that comments, key
// order, quoting and indentation survive everywhere outside the edited
// node, and a fix is never a re-serialisation of the file.

// Fix is a change that resolves one diagnostic.
type Fix struct {
	// Message says what the fix does, in the imperative ("set dnsPolicy
	// to ClusterFirstWithHostNet").
	Message string
	// Unsafe marks a fix that may change what the workload does (a
	// security hardening that can stop an agent from working, a guess at
	// a misspelled field). `--fix` applies only safe fixes; unsafe ones
	// need `--unsafe-fixes`.
	Unsafe bool
	// Changes are applied together, or not at all.
	Changes []Change
}

// ChangeKind is what a Change does.
type ChangeKind int

const (
	// SetField writes Value at Path: it replaces the value there, or adds the
	// key (and any missing mappings on the way) when it is missing. A
	// missing list item is not created.
	SetField ChangeKind = iota + 1
	// DeleteField removes the key at Path and its value.
	DeleteField
	// RenameField changes the key at Path to Key, keeping its value.
	RenameField
)

// Change is one edit of an object, at a path relative to it.
type Change struct {
	Kind ChangeKind
	Path fieldpath.Path
	// Value (SetField) is a typed value as documents have them: string,
	// int64, bool, nil, []any, map[string]any (written with sorted keys)
	// or Fields (written in their order).
	Value any
	// Key (RenameField) is the new key.
	Key string
	// Before (SetField of a missing key) names a sibling key the new key is
	// written in front of, when that sibling exists; otherwise the new
	// key goes after the mapping's last key.
	Before string
}

// Field is a key and value of Fields.
type Field struct {
	Key   string
	Value any
}

// Fields is a mapping whose keys are written in this order.
type Fields []Field

// SetAt is a Set change.
func SetAt(p fieldpath.Path, v any) Change { return Change{Kind: SetField, Path: p, Value: v} }

// DeleteAt is a Delete change.
func DeleteAt(p fieldpath.Path) Change { return Change{Kind: DeleteField, Path: p} }

// RenameAt is a Rename change.
func RenameAt(p fieldpath.Path, key string) Change {
	return Change{Kind: RenameField, Path: p, Key: key}
}

// Plain returns v with every Fields turned into a map[string]any: the
// value as a document types it.
func Plain(v any) any {
	switch x := v.(type) {
	case Fields:
		m := make(map[string]any, len(x))
		for _, f := range x {
			m[f.Key] = Plain(f.Value)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = Plain(e)
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = Plain(e)
		}
		return out
	case int:
		return int64(x)
	}
	return v
}

// ApplyChanges returns obj with the changes made, as the file would read
// after their text edits: the typed value of the fixed object. obj itself
// is not modified (what a change touches is copied). A change that cannot
// be made (a path through a missing list item, a rename onto an existing
// key) is an error.
func ApplyChanges(obj map[string]any, changes []Change) (map[string]any, error) {
	var root any = obj
	for _, c := range changes {
		if len(c.Path) == 0 {
			return nil, fmt.Errorf("a change needs a path")
		}
		var err error
		root, err = applyAt(root, c.Path, c, 0)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Path, err)
		}
	}
	m, _ := root.(map[string]any)
	return m, nil
}

func applyAt(v any, p fieldpath.Path, c Change, depth int) (any, error) {
	e := p[0]
	last := len(p) == 1
	switch x := v.(type) {
	case map[string]any:
		if e.IsIndex {
			return nil, fmt.Errorf("an index into a mapping")
		}
		cp := make(map[string]any, len(x)+1)
		for k, val := range x {
			cp[k] = val
		}
		child, exists := x[e.Key]
		if last {
			switch c.Kind {
			case SetField:
				cp[e.Key] = Plain(c.Value)
			case DeleteField:
				delete(cp, e.Key)
			case RenameField:
				if !exists {
					return nil, fmt.Errorf("no key to rename")
				}
				if _, clash := x[c.Key]; clash && c.Key != e.Key {
					return nil, fmt.Errorf("key %q exists already", c.Key)
				}
				delete(cp, e.Key)
				cp[c.Key] = child
			}
			return cp, nil
		}
		if !exists || child == nil {
			if c.Kind != SetField || slices.ContainsFunc(p[1:], func(e fieldpath.Elem) bool { return e.IsIndex }) {
				if c.Kind == DeleteField {
					return v, nil
				}
				return nil, fmt.Errorf("%q is missing", e.Key)
			}
			child = map[string]any{}
		}
		nv, err := applyAt(child, p[1:], c, depth+1)
		if err != nil {
			return nil, err
		}
		cp[e.Key] = nv
		return cp, nil
	case []any:
		if !e.IsIndex || e.Index < 0 || e.Index >= len(x) {
			return nil, fmt.Errorf("no list item %v", e)
		}
		cp := slices.Clone(x)
		if last {
			if c.Kind != SetField {
				return nil, fmt.Errorf("list items are only replaced")
			}
			cp[e.Index] = Plain(c.Value)
			return cp, nil
		}
		nv, err := applyAt(x[e.Index], p[1:], c, depth+1)
		if err != nil {
			return nil, err
		}
		cp[e.Index] = nv
		return cp, nil
	}
	if c.Kind == DeleteField {
		return v, nil
	}
	return nil, fmt.Errorf("not a mapping or a list")
}
