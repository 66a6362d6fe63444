package rules

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// obj is a DaemonSet as typed values, for mutations.
type obj map[string]any

// set writes v at a path (fieldpath syntax), creating maps and lists on
// the way; an index may name an existing item or the one after the last.
func (o obj) set(path string, v any) { setIn(map[string]any(o), fieldpath.Parse(path), v) }

// del removes the field or list item at a path.
func (o obj) del(path string) { delIn(map[string]any(o), fieldpath.Parse(path)) }

func setIn(cur any, p fieldpath.Path, v any) any {
	if len(p) == 0 {
		return v
	}
	e := p[0]
	if e.IsIndex {
		l, _ := cur.([]any)
		if e.Index == len(l) {
			l = append(l, nil)
		}
		l[e.Index] = setIn(l[e.Index], p[1:], v)
		return l
	}
	m, ok := cur.(map[string]any)
	if !ok {
		m = map[string]any{}
	}
	m[e.Key] = setIn(m[e.Key], p[1:], v)
	return m
}

func delIn(cur any, p fieldpath.Path) any {
	e := p[0]
	switch c := cur.(type) {
	case map[string]any:
		if len(p) == 1 {
			delete(c, e.Key)
		} else {
			c[e.Key] = delIn(c[e.Key], p[1:])
		}
	case []any:
		if len(p) == 1 {
			return slices.Delete(c, e.Index, e.Index+1)
		}
		c[e.Index] = delIn(c[e.Index], p[1:])
	}
	return cur
}

// TestMutations: the valid DaemonSet has no error findings, and each
// mutation makes exactly its rule report an error.
func TestMutations(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "valid-daemonset.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	all := checked()
	t.Run("valid", func(t *testing.T) {
		for _, res := range lintBytes(t, "valid-daemonset.yaml", data, all) {
			if res.Severity == finding.Error {
				t.Errorf("the valid DaemonSet has an error: %s", res)
			}
		}
	})
	for _, r := range all {
		if r.Deferred {
			// An error about other objects (a key of a ConfigMap) needs
			// them, which a mutation of the DaemonSet cannot add: the
			// rule's fixtures cover it.
			continue
		}
		if r.Severity != finding.Error {
			if mutations[r.ID] != nil {
				t.Errorf("mutations[%q]: the rule is not error-level; remove the entry", r.ID)
			}
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			mutate := mutations[r.ID]
			if mutate == nil {
				t.Fatalf("no entry in mutations for error-level rule %s", r.ID)
			}
			var m map[string]any
			if err := yaml.Unmarshal(data, &m); err != nil {
				t.Fatal(err)
			}
			mutate(obj(m))
			out, err := yaml.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			var errs []string
			fired := false
			for _, res := range lintBytes(t, r.ID+".yaml", out, all) {
				if res.Severity != finding.Error {
					continue
				}
				if res.Rule == r.ID {
					fired = true
					continue
				}
				errs = append(errs, res.String())
			}
			if !fired {
				t.Errorf("the mutation did not make %s report an error", r.ID)
			}
			if len(errs) > 0 {
				sort.Strings(errs)
				t.Errorf("the mutation for %s also made other rules report errors:\n  %s\nmutated object:\n%s", r.ID, strings.Join(errs, "\n  "), out)
			}
		})
	}
	for id := range mutations {
		if _, ok := ByID(id); !ok {
			t.Errorf("mutations[%q]: no such rule", id)
		}
	}
}

// lintBytes runs rules, each turned on, on a file's content with the
// default configuration.
func lintBytes(t *testing.T, name string, data []byte, rules []*rule.Rule) []finding.Finding {
	t.Helper()
	return ruletest.Findings(t, name, data, rules, ruletest.Settings{})
}
