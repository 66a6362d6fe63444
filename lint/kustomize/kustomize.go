// Package kustomize renders a kustomization the way `kustomize build`
// does, in-process with sigs.k8s.io/kustomize/api/krusty, and maps every
// rendered object back to the file and line it came from, so the linter
// reports findings in the sources people edit.
//
// Nothing is fetched and nothing is executed: remote bases and resources
// are refused with an error that names the entry, and plugins (exec, KRM
// functions, Helm) stay disabled as krusty's defaults have them.
// everynode's own Daemon generator is the exception, run in-process
// through Options.Generate.
//
// Origins come from kustomize itself: the root kustomization is served
// with buildMetadata: [originAnnotations] added (krusty has no option for
// it), which makes kustomize annotate every object with the file it was
// read from, or the kustomization whose generator made it. Everything
// kustomize forgets on the way (the object's name before namePrefix, which
// patches touched it) is recovered from our own reading of the
// kustomization tree; see Locate.
package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"

	"github.com/everynode/everynode/internal/document"
)

// Options configure Render.
type Options struct {
	// WorkDir is what OriginFile and error paths are relative to; "" is
	// the process's working directory.
	WorkDir string
	// Generate renders an everynode Daemon spec, named under generators:
	// in a kustomization, to a YAML stream of Kubernetes objects. file is
	// the spec's path (the kustomization's directory as given to Render
	// joined with the entry), data its content (one or more Daemon
	// documents). When nil, such a kustomization fails with an error that
	// says so.
	Generate func(file string, data []byte) ([]byte, error)
	// Limits apply to the rendered output and to the sources parsed for
	// positions; the zero value is document.DefaultLimits.
	Limits document.Limits
}

// Resource is one rendered object.
type Resource struct {
	// Object is the object as `kustomize build` prints it and kubectl
	// would read it, typed like internal/document values (map[string]any,
	// []any, string, int64, float64, bool, nil), with kustomize's origin
	// annotation removed.
	Object map[string]any
	// OriginFile is the file the object came from, slash-separated and
	// relative to Options.WorkDir: the resource file, or for a generated
	// object the kustomization (configMapGenerator, secretGenerator) or
	// Daemon spec that generated it. "" when kustomize recorded none.
	OriginFile string
	// Generated is true when OriginFile is a generator's configuration
	// rather than the object's own source.
	Generated bool
	// Kustomization is the kustomization file that was rendered, relative
	// to Options.WorkDir.
	Kustomization string

	origin origin
	src    *source
}

// origin is kustomize's config.kubernetes.io/origin annotation.
type origin struct {
	Path         string `yaml:"path"`
	Repo         string `yaml:"repo"`
	ConfiguredIn string `yaml:"configuredIn"`
	ConfiguredBy struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
		Name       string `yaml:"name"`
	} `yaml:"configuredBy"`
}

const originAnnotation = "config.kubernetes.io/origin"

// Error is a build that failed, with the kustomization (or the entry in
// it) that caused it.
type Error struct {
	// File is slash-separated, relative to the working directory.
	File string
	// Line and Column are 1-based; 0 when kustomize did not say where.
	Line, Column int
	Msg          string
	Err          error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return e.File + ": " + e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// buildMu serialises builds: kustomize keeps its OpenAPI schema in
// package state, which a kustomization's openapi: field changes.
var buildMu sync.Mutex

// Render builds the kustomization in dir. An error names the kustomization
// file (or the entry in it) and what kustomize said; it is an *Error
// except for I/O failures outside kustomize.
func Render(dir string, opts Options) ([]Resource, error) {
	work := opts.WorkDir
	if work == "" {
		var err error
		if work, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	work, err := filepath.Abs(work)
	if err != nil {
		return nil, err
	}
	src := &source{work: work, lim: opts.Limits, files: map[string]*document.Stream{}, virtual: map[string]string{}}

	dir = filepath.Clean(dir)
	w := &walker{byAbs: map[string]*kust{}, lim: opts.Limits, name: src.rel}
	root, err := w.walk(dir)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, &Error{File: src.rel(dir), Msg: err.Error(), Err: err}
	}
	src.root = root
	kfile := src.rel(root.abs)
	if e := root.firstRemote(); e != nil {
		return nil, e
	}

	fsys := newOverlayFS()
	for _, k := range root.all() {
		if len(k.daemons) == 0 && k != root {
			continue
		}
		data, err := src.rewrite(k, k == root, opts.Generate, fsys)
		if err != nil {
			return nil, err
		}
		fsys.set(k.abs, data, false)
	}

	absDir := filepath.Dir(root.abs)
	out, err := build(fsys, absDir)
	if err != nil {
		return nil, &Error{File: kfile, Msg: "kustomize build failed: " + src.cleanMessage(err.Error()), Err: err}
	}

	s := document.Parse(kfile+" (rendered)", out, opts.Limits)
	if len(s.Problems) > 0 {
		p := s.Problems[0]
		return nil, &Error{File: kfile, Msg: fmt.Sprintf("the rendered output does not parse (document %d): %s", p.Document, p.Msg)}
	}
	res := make([]Resource, 0, len(s.Docs))
	for _, d := range s.Docs {
		obj, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		r := Resource{Object: obj, Kustomization: kfile, src: src}
		r.origin = takeOrigin(obj)
		switch {
		case r.origin.Path != "" && r.origin.Repo == "":
			p := filepath.Join(absDir, filepath.FromSlash(r.origin.Path))
			if spec, ok := src.virtual[p]; ok {
				r.OriginFile, r.Generated = src.rel(spec), true
			} else {
				r.OriginFile = src.rel(p)
			}
		case r.origin.ConfiguredIn != "" && r.origin.Repo == "":
			r.OriginFile = src.rel(filepath.Join(absDir, filepath.FromSlash(r.origin.ConfiguredIn)))
			r.Generated = true
		}
		res = append(res, r)
	}
	return res, nil
}

// build runs kustomize and prints its result as `kustomize build` does.
// kustomize panics on some inputs it considers impossible; a linter in a
// pre-commit hook must report those, not crash.
func build(fsys *overlayFS, dir string) (out []byte, err error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("kustomize failed on this input: %v", r)
		}
	}()
	m, err := krusty.MakeKustomizer(&krusty.Options{
		Reorder:          krusty.ReorderOptionNone,
		LoadRestrictions: types.LoadRestrictionsRootOnly,
		PluginConfig:     types.DisabledPluginConfig(),
	}).Run(fsys, dir)
	if err != nil {
		return nil, err
	}
	return m.AsYaml()
}

// takeOrigin removes kustomize's origin annotation from obj and returns
// it; an annotations map left empty goes too, as kustomize would print it.
func takeOrigin(obj map[string]any) origin {
	var o origin
	md, _ := obj["metadata"].(map[string]any)
	ann, _ := md["annotations"].(map[string]any)
	s, ok := ann[originAnnotation].(string)
	if !ok {
		return o
	}
	delete(ann, originAnnotation)
	if len(ann) == 0 {
		delete(md, "annotations")
	}
	_ = yaml.Unmarshal([]byte(s), &o)
	return o
}

// rewrite returns the content kustomize is served for a kustomization:
// the root gets origin annotations; Daemon generators are rendered with
// generate into virtual files listed under resources: instead, so that
// the kustomization's transformers apply to them as to any generator's
// output.
func (src *source) rewrite(k *kust, root bool, generate func(string, []byte) ([]byte, error), fsys *overlayFS) ([]byte, error) {
	data, err := os.ReadFile(k.abs)
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &Error{File: src.rel(k.abs), Msg: err.Error(), Err: err}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return data, nil // kustomize will say what is wrong
	}
	m := doc.Content[0]
	if root && len(k.daemons) == 0 {
		if out, ok := appendBuildMetadata(data, m); ok {
			return out, nil
		}
	}
	if root {
		bm := mapValue(m, "buildMetadata", yaml.SequenceNode)
		if bm.Kind == yaml.SequenceNode && !hasScalar(bm, types.OriginAnnotations) {
			bm.Content = append(bm.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: types.OriginAnnotations})
		}
	}
	if len(k.daemons) > 0 {
		gens := mapValue(m, "generators", yaml.SequenceNode)
		resources := mapValue(m, "resources", yaml.SequenceNode)
		drop := map[int]bool{}
		for _, d := range k.daemons {
			line, col, _ := k.doc.LocateValue(d.pos)
			if generate == nil {
				return nil, &Error{File: src.rel(k.abs), Line: line, Column: col,
					Msg: fmt.Sprintf("%s: %q is an everynode Daemon spec, but this build cannot run the Daemon generator", d.pos, d.entry)}
			}
			spec, err := os.ReadFile(d.spec)
			if err != nil {
				return nil, err
			}
			// The generator names the spec in its messages: relative to
			// the working directory, like every other path we report.
			out, err := generate(src.rel(d.spec), spec)
			if err != nil {
				return nil, &Error{File: src.rel(k.abs), Line: line, Column: col,
					Msg: fmt.Sprintf("%s: generating from %q: %v", d.pos, d.entry, err), Err: err}
			}
			entry := strings.TrimSuffix(d.entry, filepath.Base(d.entry)) + ".everynode-generated." + filepath.Base(d.entry)
			virtual := filepath.Join(filepath.Dir(d.spec), filepath.Base(entry))
			fsys.set(virtual, out, true)
			src.virtual[virtual] = d.spec
			k.resources = append(k.resources, virtual)
			drop[d.index] = true
			resources.Content = append(resources.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: entry})
		}
		kept := gens.Content[:0]
		for i, n := range gens.Content {
			if !drop[i] {
				kept = append(kept, n)
			}
		}
		gens.Content = kept
		if len(kept) == 0 {
			removeKey(m, "generators")
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, &Error{File: src.rel(k.abs), Msg: err.Error(), Err: err}
	}
	return buf.Bytes(), nil
}

// mapValue returns the value of key in mapping m, adding an empty node of
// the given kind when the key is missing or null.
func mapValue(m *yaml.Node, key string, kind yaml.Kind) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v := m.Content[i+1]
			if v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
				*v = yaml.Node{Kind: kind}
			}
			return v
		}
	}
	v := &yaml.Node{Kind: kind}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

func removeKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

func hasScalar(seq *yaml.Node, v string) bool {
	for _, n := range seq.Content {
		if n.Value == v {
			return true
		}
	}
	return false
}

// appendBuildMetadata adds buildMetadata: [originAnnotations] as text at
// the end of a kustomization that has no buildMetadata, so that every
// other byte, and every line number kustomize may quote in an error, stays
// as the user wrote it. ok is false when that is not safe (flow style,
// several documents); the caller then edits the node tree.
func appendBuildMetadata(data []byte, m *yaml.Node) ([]byte, bool) {
	if m.Style&yaml.FlowStyle != 0 {
		return nil, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "buildMetadata" {
			return nil, false
		}
	}
	out := make([]byte, 0, len(data)+40)
	out = append(out, data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	out = append(out, "buildMetadata: ["+types.OriginAnnotations+"]\n"...)
	// Check the result is still one mapping with the key added.
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var first, second yaml.Node
	if err := dec.Decode(&first); err != nil || dec.Decode(&second) == nil {
		return nil, false
	}
	if len(first.Content) != 1 || first.Content[0].Kind != yaml.MappingNode || len(first.Content[0].Content) != len(m.Content)+2 {
		return nil, false
	}
	return out, true
}
