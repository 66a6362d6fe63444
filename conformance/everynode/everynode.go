// Package everynode is the conformance module's one bridge to the main
// module: it lints bytes the way `everynode lint` does by default
// (default configuration, Kubernetes 1.37, strict schemas) and reduces
// the result to what the differential test compares with the API server:
// a verdict (at least one error finding that is not suppressed) and the
// field paths of those findings. It also renders Daemon specs with the
// generator, in process, for the test that every spec the generator
// accepts renders a DaemonSet Kubernetes accepts.
//
// Everything the conformance module knows about everynode's packages is
// in this package (this file, and placement.go for the placement
// command), so that moving them (lint under internal/, say) is a change
// here alone.
package everynode

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/everynode/everynode/generator"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rules"
	"github.com/everynode/everynode/schemas"
	"github.com/everynode/everynode/templates"
)

// KubernetesVersion is the version everynode is asked to lint for: the
// release the oracle runs.
const KubernetesVersion = "1.37"

// Error is one error finding.
type Error struct {
	Rule    string
	Path    string // field path from the document's root, Kubernetes' syntax
	Message string
	Line    int
	Column  int
}

// Verdict is everynode's answer for one file.
type Verdict struct {
	Errors []Error
	// Suppressed are error findings the file itself suppresses (an
	// ignore annotation or comment): they do not count.
	Suppressed []Error
	// NotObject: everynode skipped a document as not a Kubernetes object
	// (not a mapping, or without an apiVersion and a kind), as it says
	// under --verbose.
	NotObject bool
	// NoSchema: everynode has no schema for the object's kind and says
	// so (no-schema, info): a custom resource whose definition it was not
	// given, or another tool's file in Kubernetes' shape.
	NoSchema bool
}

// notObject are lint's reasons for skipping a document that is not a
// Kubernetes object (lint/object.go); TestNotObject keeps them in step.
var notObject = []string{"not a mapping", "no apiVersion and kind (Chart.yaml, values, CI config)"}

// Rejected reports whether everynode says the API server would refuse
// the object: at least one error finding.
func (v Verdict) Rejected() bool { return len(v.Errors) > 0 }

// KubeletRule reports whether the rule id is an error the API server does
// not raise but the kubelet does: the catalog documents it as mirroring
// the kubelet's code (Doc.Mirrors names pkg/kubelet). The API server
// creates such a DaemonSet and its pods, and every pod fails to start.
func KubeletRule(id string) bool {
	r, ok := rules.ByID(id)
	return ok && r.Severity == finding.Error && strings.Contains(r.Doc.Mirrors, "pkg/kubelet")
}

// linters holds idle linters: lint.Linter promises one caller per
// method call at a time, so each concurrent caller takes its own.
var linters sync.Pool

func newLinter() (*lint.Linter, error) {
	strict := true
	l, err := lint.New(lint.Options{
		KubernetesVersion: KubernetesVersion,
		Strict:            &strict,
		// One file per call; callers run calls in parallel.
		Workers: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("everynode linter: %w", err)
	}
	return l, nil
}

// Lint lints data as one file named name. It is safe for concurrent use.
func Lint(name string, data []byte) (Verdict, error) {
	l, _ := linters.Get().(*lint.Linter)
	if l == nil {
		var err error
		if l, err = newLinter(); err != nil {
			return Verdict{}, err
		}
	}
	defer linters.Put(l)
	res, err := l.LintDocuments(name, data)
	if err != nil {
		return Verdict{}, err
	}
	var v Verdict
	for _, sk := range res.Skipped {
		v.NotObject = v.NotObject || slices.Contains(notObject, sk.Reason)
	}
	for _, f := range res.Findings {
		v.NoSchema = v.NoSchema || f.Rule == finding.RuleNoSchema
		if f.Severity < finding.Error {
			continue
		}
		e := Error{Rule: f.Rule, Path: f.Path.String(), Message: f.Message, Line: f.Line, Column: f.Column}
		if f.Suppressed {
			v.Suppressed = append(v.Suppressed, e)
		} else {
			v.Errors = append(v.Errors, e)
		}
	}
	return v, nil
}

// Fix applies everynode's fixes to data, one file named name, as
// `everynode lint --fix` would (with unsafe, --unsafe-fixes too), and
// returns the fixed content and the rules whose fixes were applied. It
// is safe for concurrent use.
func Fix(name string, data []byte, unsafe bool) ([]byte, []string, error) {
	l, _ := linters.Get().(*lint.Linter)
	if l == nil {
		var err error
		if l, err = newLinter(); err != nil {
			return nil, nil, err
		}
	}
	defer linters.Put(l)
	out, fixed, _ := l.FixDocuments(name, data, lint.FixOptions{Unsafe: unsafe})
	var rules []string
	for _, f := range fixed {
		rules = append(rules, f.Rule)
	}
	return out, rules, nil
}

// DaemonSchema is the JSON Schema of the Daemon spec
// (schemas/daemon.schema.json).
func DaemonSchema() []byte { return schemas.DaemonSchema }

// Template is one of the repository's starter Daemon specs.
type Template struct {
	Name string
	Data []byte
}

// Templates lists the starter specs (everynode init --template).
func Templates() []Template {
	var out []Template
	for _, t := range templates.List() {
		out = append(out, Template{Name: t.Name, Data: t.Data})
	}
	return out
}

// Object is one rendered object: its kind and its YAML document, as
// `everynode generate` writes it.
type Object struct {
	Kind, Name string
	YAML       []byte
}

// Generated is what the generator made of one spec file.
type Generated struct {
	// Problems are the error findings about the spec (the generator
	// refuses it when there is any); Objects is empty then.
	Problems []string
	Objects  []Object
}

// Accepted reports whether the generator accepted the spec.
func (g Generated) Accepted() bool { return len(g.Problems) == 0 }

// Generate loads and renders every Daemon spec in data (a file named
// name), in process, as `everynode generate` does.
func Generate(name string, data []byte) (Generated, error) {
	specs, fs := generator.Load(generator.File{Name: name, Data: data})
	var g Generated
	for _, f := range fs {
		if f.Severity >= finding.Error {
			g.Problems = append(g.Problems, f.String())
		}
	}
	if len(g.Problems) > 0 {
		return g, nil
	}
	for _, s := range specs {
		r, fs, err := generator.Render(s)
		if err != nil {
			return g, err
		}
		for _, f := range fs {
			if f.Severity >= finding.Error {
				g.Problems = append(g.Problems, f.String())
			}
		}
		if r == nil {
			continue
		}
		out, err := r.YAML(name)
		if err != nil {
			return g, err
		}
		docs := splitDocuments(out)
		if len(docs) != len(r.Objects) {
			return g, fmt.Errorf("%s: %d objects rendered but %d YAML documents written", name, len(r.Objects), len(docs))
		}
		for i, o := range r.Objects {
			g.Objects = append(g.Objects, Object{Kind: o.Kind, Name: o.Name, YAML: docs[i]})
		}
	}
	if len(g.Problems) > 0 {
		g.Objects = nil
	}
	return g, nil
}

// splitDocuments splits a YAML stream at its "---" lines, dropping
// documents that hold only comments (the generated-file header).
func splitDocuments(data []byte) [][]byte {
	var out [][]byte
	var cur []byte
	flush := func() {
		for _, l := range bytes.Split(cur, []byte("\n")) {
			if t := bytes.TrimSpace(l); len(t) > 0 && t[0] != '#' {
				out = append(out, cur)
				break
			}
		}
		cur = nil
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if string(bytes.TrimRight(line, "\r\n")) == "---" {
			flush()
			continue
		}
		cur = append(cur, line...)
	}
	flush()
	return out
}
