package testkit

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/everynode/everynode"

// layers lists the module's packages from the bottom up
// (docs/architecture.md explains each). A package imports only packages
// of lower layers, never one of its own layer or above: the dependency
// graph is one way, and its direction is written down here. A package
// that is not in the table fails the test until it is given a layer.
var layers = []struct {
	name string
	pkgs []string
}{
	{"the walls: the one reader of repositories, the one escaping, the process sandbox", []string{
		"internal/safefs", "internal/safetext", "internal/sandbox",
	}},
	{"leaves: a type, data or I/O with no dependency in the module", []string{
		"lint/fieldpath", "internal/suggest", "internal/testkit/fuzztest", "schemas", "templates",
		"internal/input", "internal/write",
	}},
	{"the document model and the diagnostics leaf", []string{
		"internal/document", "lint/finding", "internal/testkit/benchcorpus", "internal/hostport",
	}},
	{"the gojsonschema adapter, the Daemon spec's types, the configuration's types", []string{
		"internal/gojson", "generator/spec", "lint/config",
	}},
	{"reading the configuration, schema validation, suppressions, kustomize rendering, the spec's schema", []string{
		"internal/configfile", "internal/schema", "internal/suppress", "internal/kustomize", "generator/internal/schemagen",
	}},
	{"the rule API, and the hooks of the linter and the generator that only the module's programs set", []string{"lint/rule", "internal/lintinternal", "internal/generatorinternal"}},
	{"the rule catalog and the rule runner", []string{"lint/rules", "lint/checker", "internal/yamledit"}},
	{"what reads findings or the catalog: docs, the rule test harness, reporters", []string{
		"internal/ruledoc", "lint/ruletest", "lint/report",
	}},
	{"the linter's engine, the generator and placement", []string{"lint", "generator", "internal/placement"}},
	{"the KRM function", []string{"internal/krm"}},
	{"the command line", []string{"internal/app"}},
	{"programs and test-only packages", []string{
		"cmd/everynode", "bench/corpus", "bench/hostile", "bench/parsefloor", "bench/timeit", "schemas/gen", "e2e", "internal/testkit", "internal/testkit/script",
	}},
}

// testSupport are packages for tests and benchmarks only: no package in
// the layers imports them outside its tests, except the programs that
// exist to run benchmarks.
var testSupport = map[string][]string{
	"lint/ruletest":                nil,
	"internal/testkit/fuzztest":    nil,
	"internal/testkit/script":      nil,
	"internal/testkit/benchcorpus": {"bench/corpus", "bench/hostile"},
}

// TestLayers fails on an import that goes up or sideways in the table,
// on a package missing from it, and on an entry naming no package.
func TestLayers(t *testing.T) {
	imports := moduleImports(t)
	layerOf := map[string]int{}
	for i, l := range layers {
		for _, p := range l.pkgs {
			if _, dup := layerOf[p]; dup {
				t.Errorf("%s is in two layers", p)
			}
			layerOf[p] = i
		}
	}
	for p := range layerOf {
		if _, ok := imports[p]; !ok {
			t.Errorf("the layer table names %s, which is not a package of the module (renamed or removed?)", p)
		}
	}
	pkgs := make([]string, 0, len(imports))
	for p := range imports {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, p := range pkgs {
		lp, ok := layerOf[p]
		if !ok {
			t.Errorf("%s is in no layer: add it to the table in internal/testkit/layers_test.go (and to docs/architecture.md)", p)
			continue
		}
		for _, dep := range imports[p] {
			ld, ok := layerOf[dep]
			if !ok {
				continue // reported as a package of its own
			}
			if ld >= lp {
				t.Errorf("%s (layer %q) imports %s (layer %q): imports go down the layers only", p, layers[lp].name, dep, layers[ld].name)
			}
			if users, ok := testSupport[dep]; ok && !slices.Contains(users, p) {
				t.Errorf("%s imports %s, which is for tests only", p, dep)
			}
		}
	}
}

// moduleImports maps every package of the module (by path relative to
// the module, "" for the root) to the packages of the module its non-test
// files import, all build constraints included. Nested modules (their own
// go.mod) are not part of it.
func moduleImports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at the module root %s: %v", root, err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && path != root {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			return nil
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		if pkg == "." {
			pkg = ""
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		deps := out[pkg]
		for _, spec := range f.Imports {
			ip, err := strconv.Unquote(spec.Path.Value)
			if err != nil {
				return err
			}
			if dep, ok := strings.CutPrefix(ip, module+"/"); ok && !slices.Contains(deps, dep) {
				deps = append(deps, dep)
			}
		}
		out[pkg] = deps
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
