package kustomize

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/types"
)

// stringLeaves lists the JSON paths of every string field of typ ("[]"
// for list items, "{}" for map values), recursing into structs as
// encoding/json sees them (inline fields keep their parent's path).
func stringLeaves(typ reflect.Type, prefix string) []string {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	switch typ.Kind() {
	case reflect.Slice:
		return stringLeaves(typ.Elem(), prefix+"[]")
	case reflect.Map:
		return stringLeaves(typ.Elem(), prefix+"{}")
	case reflect.String, reflect.Interface:
		return []string{prefix}
	case reflect.Struct:
		var out []string
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" && f.Anonymous {
				out = append(out, stringLeaves(f.Type, prefix)...)
				continue
			}
			if name == "" {
				name = f.Name
			}
			if prefix != "" {
				name = prefix + "." + name
			}
			out = append(out, stringLeaves(f.Type, name)...)
		}
		return out
	}
	return nil // numbers and booleans name nothing
}

// TestKustomizationFieldsClassified fails when kustomize's Kustomization
// has a string field that fields.go does not classify: a new version of
// kustomize may add a field that names files, and everynode must resolve
// it (or know it does not name one) before kustomize sees it.
func TestKustomizationFieldsClassified(t *testing.T) {
	leaves := stringLeaves(reflect.TypeOf(types.Kustomization{}), "")
	if len(leaves) < 100 {
		t.Fatalf("only %d fields found: the walk is broken", len(leaves))
	}
	seen := map[string]bool{}
	for _, l := range leaves {
		if _, ok := kustomizationFields[l]; ok {
			seen[l] = true
			continue
		}
		parent := ""
		for p := range kustomizationFields {
			if strings.HasPrefix(l, p+".") || strings.HasPrefix(l, p+"[]") || strings.HasPrefix(l, p+"{}") {
				parent = p
			}
		}
		if parent == "" || kustomizationFields[parent] != refusedField {
			t.Errorf("kustomize's Kustomization has a field %s that fields.go does not classify: does it name a file?", l)
			continue
		}
		seen[parent] = true
	}
	for p := range kustomizationFields {
		if !seen[p] {
			t.Errorf("fields.go classifies %s, which kustomize's Kustomization does not have", p)
		}
	}
}

// listener counts the connections made to it.
type listener struct {
	net.Listener
	accepted atomic.Int64
}

func newListener(t *testing.T) *listener {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no local TCP:", err)
	}
	ln := &listener{Listener: l}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			ln.accepted.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close() })
	return ln
}

// TestEveryPathFieldRefusesURLs sets every field fields.go says names a
// file to a URL of a local listener (and to a path out of the
// repository), and expects a kustomize-path finding at each, nothing
// built, and no connection: a field classified as a path that resolve.go
// forgot would let kustomize fetch it.
func TestEveryPathFieldRefusesURLs(t *testing.T) {
	ln := newListener(t)
	url := "http://" + ln.Addr().String() + "/x.yaml"
	var paths []string
	for p, k := range kustomizationFields {
		if k != notAPath && k != refusedField {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, value := range []string{url, "../../outside.yaml", "git@" + ln.Addr().String() + ":org/repo?ref=--upload-pack=touch%20pwned"} {
		for _, p := range paths {
			t.Run(p+"="+value, func(t *testing.T) {
				dir := t.TempDir()
				y := yamlFor(p, value)
				write(t, filepath.Join(dir, "kustomization.yaml"), y)
				_, err := Render(dir, Options{WorkDir: dir})
				var es Errors
				if !errors.As(err, &es) {
					t.Fatalf("%s: rendered (err %v):\n%s", p, err, y)
				}
				if es[0].Rule != RulePath || es[0].Line < 2 {
					t.Errorf("%s: got %s [%s], want a kustomize-path finding at the entry:\n%s", p, es[0], es[0].Rule, y)
				}
				if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
					t.Errorf("%s: a command ran", p)
				}
			})
		}
	}
	if n := ln.accepted.Load(); n != 0 {
		t.Errorf("%d connections were made", n)
	}
}

// yamlFor writes a kustomization that sets the field at a JSON path of
// fields.go to v (a map's entry is "path", openapi's file).
func yamlFor(path, v string) string {
	out, err := yaml.Marshal(valueFor(strings.Split(path, "."), v))
	if err != nil {
		panic(err)
	}
	return "# line 1\n" + string(out)
}

func valueFor(parts []string, v string) any {
	if len(parts) == 0 {
		return v
	}
	name, list := strings.CutSuffix(parts[0], "[]")
	name, isMap := strings.CutSuffix(name, "{}")
	inner := valueFor(parts[1:], v)
	switch {
	case isMap:
		return map[string]any{name: map[string]any{"path": inner}}
	case list:
		return map[string]any{name: []any{inner}}
	}
	return map[string]any{name: inner}
}
