package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCommittedSchemasAreCurrent regenerates the schemas from the OpenAPI
// documents and compares them with what is committed, so that a change to
// the generator or to releases.txt cannot land without its output (and the
// output is deterministic). The documents come from the k8s.io/kubernetes
// modules in the module cache; the test never downloads them (CI does, with
// go mod download, before it runs the tests) and is skipped when they are
// missing, unless EVERYNODE_E2E=1 makes that a failure.
// EVERYNODE_OPENAPI_DIR reads a v1.N.0/swagger.json directory instead.
func TestCommittedSchemasAreCurrent(t *testing.T) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var sources []source
	if dir := os.Getenv("EVERYNODE_OPENAPI_DIR"); dir != "" {
		sources, err = dirSources(dir)
	} else {
		sources, err = moduleSources(true)
	}
	if err != nil {
		if os.Getenv("EVERYNODE_E2E") == "1" {
			t.Fatalf("OpenAPI documents: %v (go run ./schemas/gen downloads them)", err)
		}
		t.Skipf("OpenAPI documents not in the module cache: %v", err)
	}
	out := t.TempDir()
	if err := generate(sources, out); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join(root, "schemas", "kubernetes")
	gotNames := names(t, out)
	wantNames := names(t, committed)
	if !slices.Equal(gotNames, wantNames) {
		t.Fatalf("generated files %v, committed %v: run go run ./schemas/gen", gotNames, wantNames)
	}
	for _, n := range gotNames {
		got, _ := os.ReadFile(filepath.Join(out, n))
		want, _ := os.ReadFile(filepath.Join(committed, n))
		if !bytes.Equal(got, want) {
			t.Errorf("schemas/kubernetes/%s is stale: run go run ./schemas/gen", n)
		}
	}
	// A second run into the same directory changes nothing.
	if err := generate(sources, out); err != nil {
		t.Fatal(err)
	}
	for _, n := range names(t, out) {
		a, _ := os.ReadFile(filepath.Join(out, n))
		b, _ := os.ReadFile(filepath.Join(committed, n))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs on a second run", n)
		}
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestConvertRejectsUnknownKeywords(t *testing.T) {
	tests := []struct {
		name string
		in   map[string]any
		want string
	}{
		{"keyword", map[string]any{"type": "object", "oneOf": []any{}}, `x: unhandled schema keyword "oneOf" (teach schemas/gen about it)`},
		{"remote ref", map[string]any{"$ref": "other.json#/x"}, `x: unsupported $ref "other.json#/x"`},
		{"type list", map[string]any{"type": []any{"string"}}, `x: type is []interface {}, want string`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := convert("x", tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

func TestConvertKeepsWhatValidates(t *testing.T) {
	in := map[string]any{
		"description": "dropped",
		"type":        "object",
		"required":    []any{"b"},
		"properties": map[string]any{
			"a": map[string]any{"type": "integer", "format": "int32", "description": "x"},
			"d": map[string]any{"type": "number", "format": "double"},
			"b": map[string]any{"$ref": "#/definitions/B", "description": "x"},
			"t": map[string]any{"type": "string", "format": "date-time"},
			"p": map[string]any{"type": "string", "format": "int-or-string"},
		},
		"x-kubernetes-list-type": "map",
	}
	got, err := convert("x", in)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type":     "object",
		"required": []any{"b"},
		"properties": map[string]any{
			"a": map[string]any{"type": "integer", "format": "int32"},
			"d": map[string]any{"type": "number"},
			"b": map[string]any{"$ref": "#/definitions/B"},
			"t": map[string]any{"type": "string", "format": "date-time"},
			"p": map[string]any{"type": []any{"integer", "string"}},
		},
	}
	if !equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !equal(x[k], y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, equal)
	}
	return a == b
}
