// Command gen builds the embedded Kubernetes schemas from the upstream
// OpenAPI (swagger 2.0) documents:
//
//	go run ./schemas/gen [-openapi DIR] [-out DIR]
//
// The input is api/openapi-spec/swagger.json of each k8s.io/kubernetes
// module version listed in releases.txt (the go command downloads it
// through the module proxy); -openapi DIR reads v1.N.0/swagger.json
// documents from a directory instead. The output, committed under
// schemas/kubernetes, is what package schemas embeds:
//
//   - definitions.jsonl: every distinct definition of every release, once.
//     A definition that did not change between releases (most of them) is
//     stored once for all of them. One line per definition,
//     ["<name>@<first release with this content>", <JSON Schema>], sorted,
//     so that a definition can be found and decoded alone without parsing
//     the rest of the file.
//   - v1.N.json: one release's index: its kinds (group, version, kind →
//     definition) and which stored variant each of its definitions uses.
//
// Only what validation needs is kept: descriptions and the x-kubernetes-*
// merge hints are dropped; int-or-string becomes "integer or string",
// quantities "string (matching the quantity syntax) or number". Strictness
// (additionalProperties: false) is not stored: it is applied when a schema
// is compiled, so one copy serves strict and relaxed validation.
//
// The output depends only on the input documents: running it twice gives
// the same bytes, and a test regenerates it and compares.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	root, err := repoRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	openapi := flag.String("openapi", "",
		"read v1.N.0/swagger.json documents from this directory instead of the k8s.io/kubernetes modules named in releases.txt")
	out := flag.String("out", filepath.Join(root, "schemas", "kubernetes"), "output directory")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "gen: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	var sources []source
	if *openapi != "" {
		sources, err = dirSources(*openapi)
	} else {
		sources, err = moduleSources(false)
	}
	if err == nil {
		err = generate(sources, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// repoRoot walks up from the working directory to the module root, so the
// defaults work from any directory inside the repository.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.Contains(b, []byte("module github.com/everynode/everynode")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the everynode repository (no go.mod found); run from the repository")
		}
		dir = parent
	}
}

// release is one Kubernetes version's input.
type release struct {
	name string // "1.36"
	defs map[string]map[string]any
	gvks []kindEntry
}

// kindEntry is one row of a release index.
type kindEntry struct {
	Group, Version, Kind, Definition string
}

// index is the per-release file.
type index struct {
	Kubernetes  string
	Kinds       []kindEntry
	Definitions map[string]string
}

// encode writes the index as JSON with one kind or definition a line:
// compact to embed, and a new release reads as a short diff.
//
//	{"kubernetes":"1.36",
//	"kinds":[
//	["apps","v1","DaemonSet","io.k8s.api.apps.v1.DaemonSet"],
//	...],
//	"definitions":{
//	"io.k8s.api.apps.v1.DaemonSet":"1.30",
//	...}}
func (idx index) encode() []byte {
	var b bytes.Buffer
	str := func(s string) {
		q, _ := json.Marshal(s)
		b.Write(q)
	}
	b.WriteString(`{"kubernetes":`)
	str(idx.Kubernetes)
	b.WriteString(",\n\"kinds\":[")
	for i, k := range idx.Kinds {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n[")
		for j, f := range [...]string{k.Group, k.Version, k.Kind, k.Definition} {
			if j > 0 {
				b.WriteString(",")
			}
			str(f)
		}
		b.WriteString("]")
	}
	b.WriteString("],\n\"definitions\":{")
	names := make([]string, 0, len(idx.Definitions))
	for n := range idx.Definitions {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		str(n)
		b.WriteString(":")
		str(idx.Definitions[n])
	}
	b.WriteString("}}\n")
	return b.Bytes()
}

var releaseDir = regexp.MustCompile(`^v1\.(\d+)\.0$`)

// source is one release's OpenAPI document on disk.
type source struct {
	minor int    // 36 for Kubernetes 1.36
	path  string // swagger.json
}

// dirSources lists the v1.N.0/swagger.json documents in dir.
func dirSources(dir string) ([]source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading OpenAPI documents: %w", err)
	}
	var out []source
	for _, e := range entries {
		if m := releaseDir.FindStringSubmatch(e.Name()); m != nil && e.IsDir() {
			n, _ := strconv.Atoi(m[1])
			out = append(out, source{n, filepath.Join(dir, e.Name(), "swagger.json")})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no v1.N.0/swagger.json directories", dir)
	}
	return out, nil
}

func generate(sources []source, outDir string) error {
	sources = slices.Clone(sources)
	slices.SortFunc(sources, func(a, b source) int { return a.minor - b.minor })
	var releases []*release
	for _, s := range sources {
		r, err := readRelease(s.path, fmt.Sprintf("1.%d", s.minor))
		if err != nil {
			return err
		}
		releases = append(releases, r)
	}

	// Store each distinct definition once: the first release (in version
	// order) that has a given content names the variant.
	type variant struct {
		id   string
		body []byte
	}
	variants := map[string][]variant{} // definition name → variants
	var lines []variant
	indexes := make([]index, len(releases))
	for i, r := range releases {
		idx := index{Kubernetes: r.name, Kinds: r.gvks, Definitions: map[string]string{}}
		for name, def := range r.defs {
			body, err := json.Marshal(def) // map keys come out sorted: deterministic
			if err != nil {
				return fmt.Errorf("%s %s: %w", r.name, name, err)
			}
			found := ""
			for _, v := range variants[name] {
				if bytes.Equal(v.body, body) {
					found = v.id
					break
				}
			}
			if found == "" {
				found = name + "@" + r.name
				v := variant{id: found, body: body}
				variants[name] = append(variants[name], v)
				lines = append(lines, v)
			}
			idx.Definitions[name] = strings.TrimPrefix(found, name+"@")
		}
		indexes[i] = idx
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].id < lines[j].id })

	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	var defs bytes.Buffer
	for _, l := range lines {
		id, _ := json.Marshal(l.id)
		defs.WriteString("[")
		defs.Write(id)
		defs.WriteString(",")
		defs.Write(l.body)
		defs.WriteString("]\n")
	}
	written := map[string]bool{"definitions.jsonl": true}
	if err := writeAtomic(filepath.Join(outDir, "definitions.jsonl"), defs.Bytes()); err != nil {
		return err
	}
	for _, idx := range indexes {
		name := "v" + idx.Kubernetes + ".json"
		written[name] = true
		if err := writeAtomic(filepath.Join(outDir, name), idx.encode()); err != nil {
			return err
		}
	}
	// A release dropped from the input must not linger in the output.
	old, err := os.ReadDir(outDir)
	if err != nil {
		return err
	}
	for _, e := range old {
		n := e.Name()
		if !written[n] && (strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl")) {
			if err := os.Remove(filepath.Join(outDir, n)); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".gen-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

func readRelease(path, name string) (*release, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var doc struct {
		Definitions map[string]map[string]any `json:"definitions"`
	}
	dec := json.NewDecoder(bufio.NewReader(f))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%s: trailing data after the document", path)
	}
	if len(doc.Definitions) == 0 {
		return nil, fmt.Errorf("%s: no definitions", path)
	}
	r := &release{name: name, defs: map[string]map[string]any{}}
	for defName, def := range doc.Definitions {
		for _, g := range listOf(def["x-kubernetes-group-version-kind"]) {
			m, _ := g.(map[string]any)
			e := kindEntry{Definition: defName}
			e.Group, _ = m["group"].(string)
			e.Version, _ = m["version"].(string)
			e.Kind, _ = m["kind"].(string)
			if e.Version == "" || e.Kind == "" {
				return nil, fmt.Errorf("%s: %s: malformed x-kubernetes-group-version-kind", path, defName)
			}
			r.gvks = append(r.gvks, e)
		}
		c, err := convertDefinition(defName, def)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		r.defs[defName] = c
	}
	sort.Slice(r.gvks, func(i, j int) bool {
		a, b := r.gvks[i], r.gvks[j]
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Kind < b.Kind
	})
	for i := 1; i < len(r.gvks); i++ {
		a, b := r.gvks[i-1], r.gvks[i]
		if a.Group == b.Group && a.Version == b.Version && a.Kind == b.Kind {
			return nil, fmt.Errorf("%s: kind %s/%s %s defined twice (%s, %s)", path, a.Group, a.Version, a.Kind, a.Definition, b.Definition)
		}
	}
	return r, nil
}

func listOf(v any) []any {
	l, _ := v.([]any)
	return l
}

const (
	intOrString = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
	quantity    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
)

// quantityPattern is schemas.QuantityPattern (the validator recognises it
// to explain quantity errors; a test in package schemas checks that they
// match). It is repeated here because the generator must build without the
// package it generates: package schemas embeds gen's output.
const quantityPattern = `^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`

func convertDefinition(name string, def map[string]any) (map[string]any, error) {
	switch name {
	case intOrString:
		// IntOrString.UnmarshalJSON takes a JSON string or an int32; the
		// swagger document only says "string, format int-or-string".
		return map[string]any{"type": []any{"integer", "string"}}, nil
	case quantity:
		// Quantity.UnmarshalJSON takes a string or a bare number (cpu: 0.5).
		return map[string]any{"type": []any{"string", "number"}, "pattern": quantityPattern}, nil
	}
	return convert(name, def)
}

// dropped are the swagger keys that do not affect validation.
var dropped = map[string]bool{
	"description":                     true,
	"x-kubernetes-group-version-kind": true,
	"x-kubernetes-list-map-keys":      true,
	"x-kubernetes-list-type":          true,
	"x-kubernetes-map-type":           true,
	"x-kubernetes-patch-merge-key":    true,
	"x-kubernetes-patch-strategy":     true,
	"x-kubernetes-unions":             true,
}

// convert keeps the validation keywords of one schema. An unknown keyword
// stops the generator: a new swagger feature must be handled on purpose,
// not silently dropped.
func convert(where string, s map[string]any) (map[string]any, error) {
	out := map[string]any{}
	for k, v := range s {
		switch {
		case dropped[k]:
		case k == "type":
			t, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("%s: type is %T, want string", where, v)
			}
			out[k] = t
		case k == "format":
			// date-time is checked the same way by the API server (RFC
			// 3339) and by gojsonschema; int32 and int64 are the Go
			// integers the API server decodes into, which refuse a number
			// that does not fit (JSON Schema validators that do not know
			// them ignore them); double and byte change nothing.
			if v == "date-time" || v == "int32" || v == "int64" {
				out[k] = v
			}
		case k == "$ref":
			ref, _ := v.(string)
			if !strings.HasPrefix(ref, "#/definitions/") {
				return nil, fmt.Errorf("%s: unsupported $ref %q", where, ref)
			}
			out[k] = ref
		case k == "required":
			l := listOf(v)
			req := make([]any, 0, len(l))
			for _, r := range l {
				if _, ok := r.(string); !ok {
					return nil, fmt.Errorf("%s: required holds %T", where, r)
				}
				req = append(req, r)
			}
			if len(req) > 0 {
				out[k] = req
			}
		case k == "properties":
			props, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%s: properties is %T", where, v)
			}
			cp := make(map[string]any, len(props))
			for pn, pv := range props {
				ps, ok := pv.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("%s.%s: schema is %T", where, pn, pv)
				}
				c, err := convert(where+"."+pn, ps)
				if err != nil {
					return nil, err
				}
				cp[pn] = c
			}
			out[k] = cp
		case k == "items" || k == "additionalProperties":
			switch x := v.(type) {
			case bool:
				out[k] = x
			case map[string]any:
				c, err := convert(where+"."+k, x)
				if err != nil {
					return nil, err
				}
				out[k] = c
			default:
				return nil, fmt.Errorf("%s: %s is %T", where, k, v)
			}
		default:
			return nil, fmt.Errorf("%s: unhandled schema keyword %q (teach schemas/gen about it)", where, k)
		}
	}
	if s["format"] == "int-or-string" {
		// IntOrString itself is replaced where the definition is named; a
		// field that carries the format inline is int-or-string too.
		out["type"] = []any{"integer", "string"}
	}
	if ref, ok := out["$ref"]; ok && len(out) > 1 {
		// JSON Schema draft 4 ignores a $ref's siblings; keep the $ref only
		// so that every validator reads the same thing.
		out = map[string]any{"$ref": ref}
	}
	return out, nil
}
