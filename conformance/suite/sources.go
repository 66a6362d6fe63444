package suite

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/conformance/bases"
	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/mutate"
)

// Sources of cases.
const (
	// SourceBase: a base DaemonSet as it is (both sides must accept it).
	SourceBase = "base"
	// SourceMutation: a base with one field mutated.
	SourceMutation = "mutation"
	// SourceScenario: a base with a hand-written cross-field change.
	SourceScenario = "scenario"
	// SourceCorpus: a DaemonSet document found in the repository's own
	// test data (rule fixtures, example manifests), as it is.
	SourceCorpus = "corpus"
	// SourceGenerated: a DaemonSet the generator rendered from a spec it
	// accepted.
	SourceGenerated = "generated"
	// SourceFuzz: a fuzzer's input.
	SourceFuzz = "fuzz"
)

// Case is one DaemonSet document for both sides.
type Case struct {
	ID     string
	Source string
	// Field and FieldID name the mutated field (mutations only); Op the
	// mutation.
	Field, FieldID, Op string
	Data               []byte
}

// repoBases are manifests of the repository's own test data that are
// valid DaemonSets, used as bases too: they were written by other hands
// than the bases package's.
var repoBases = []string{
	"lint/testdata/corpus/monitoring/node-exporter.yaml",
	"lint/testdata/corpus/cni/cni-agent.yaml",
}

// Bases returns the DaemonSets mutations start from: the bases package,
// the repository's templates rendered by the generator (template/NAME),
// and repoBases (repo/PATH). Each is one YAML document.
func Bases() ([]mutate.Base, error) {
	var out []mutate.Base
	for _, b := range bases.List() {
		out = append(out, mutate.Base{Name: b.Name, Data: b.Data})
	}
	for _, t := range everynode.Templates() {
		g, err := everynode.Generate(t.Name+".yaml", t.Data)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", t.Name, err)
		}
		if !g.Accepted() {
			return nil, fmt.Errorf("template %s: the generator refuses it: %s", t.Name, strings.Join(g.Problems, "; "))
		}
		for _, o := range g.Objects {
			if o.Kind == "DaemonSet" {
				out = append(out, mutate.Base{Name: "template/" + t.Name, Data: stripComments(o.YAML)})
			}
		}
	}
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	for _, p := range repoBases {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		docs := DaemonSetDocuments(data)
		if len(docs) != 1 {
			return nil, fmt.Errorf("%s: want exactly one DaemonSet document, found %d", p, len(docs))
		}
		out = append(out, mutate.Base{Name: "repo/" + strings.TrimSuffix(p, ".yaml"), Data: docs[0]})
	}
	return out, nil
}

// stripComments drops whole-line comments (the generated-file header).
func stripComments(data []byte) []byte {
	var out []byte
	for _, l := range bytes.SplitAfter(data, []byte("\n")) {
		if t := bytes.TrimSpace(l); len(t) > 0 && t[0] == '#' {
			continue
		}
		out = append(out, l...)
	}
	return out
}

// SplitDocuments splits a YAML stream at its "---" lines (a document
// end marker "..." ends a document too), keeping each document's bytes as
// written.
func SplitDocuments(data []byte) [][]byte {
	var out [][]byte
	var cur []byte
	flush := func() {
		if len(bytes.TrimSpace(cur)) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		t := string(bytes.TrimRight(line, " \t\r\n"))
		if t == "---" || strings.HasPrefix(t, "--- ") || t == "..." {
			flush()
			continue
		}
		cur = append(cur, line...)
	}
	flush()
	return out
}

// DaemonSetDocuments returns the documents of a stream that are
// DaemonSets (any apiVersion), as written.
func DaemonSetDocuments(data []byte) [][]byte {
	var out [][]byte
	for _, d := range SplitDocuments(data) {
		if isDaemonSet(d) {
			out = append(out, d)
		}
	}
	return out
}

func isDaemonSet(doc []byte) bool {
	var v struct {
		Kind string `yaml:"kind"`
	}
	return yaml.Unmarshal(doc, &v) == nil && v.Kind == "DaemonSet"
}

// corpusSkip are directories of the repository whose YAML is not
// manifests to judge: the conformance module itself (its cases are
// generated), and places that hold templates or deliberately broken files.
var corpusSkip = []string{".git", "conformance", "node_modules"}

// corpusKeep are the directories on the way to the conformance module's
// hand-written cases (combinations across fields that one field's
// mutation does not make), judged as the repository's manifests are.
var corpusKeep = []string{"conformance", "conformance/testdata", casesDir}

const casesDir = "conformance/testdata/cases"

// Corpus returns every DaemonSet document in the repository's YAML files
// (outside corpusSkip), as it is written: rule fixtures, example
// manifests, golden output. Files with template directives ({{) are left
// out: they are not manifests until rendered.
func Corpus() ([]Case, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	var out []Case
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		inModule := rel == "conformance" || strings.HasPrefix(rel, "conformance/")
		if inModule && !slices.Contains(corpusKeep, rel) && !strings.HasPrefix(rel, casesDir+"/") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if slices.Contains(corpusSkip, d.Name()) && p != root && !inModule {
				return filepath.SkipDir
			}
			// A Helm chart's files are values and templates, not
			// manifests.
			if _, err := os.Stat(filepath.Join(p, "Chart.yaml")); err == nil {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("{{")) {
			return nil
		}
		for i, doc := range SplitDocuments(data) {
			if isDaemonSet(doc) {
				out = append(out, Case{ID: fmt.Sprintf("corpus:%s#%d", rel, i), Source: SourceCorpus, Data: doc})
			}
		}
		return nil
	})
	return out, err
}
