package report

import (
	"bufio"

	"github.com/everynode/everynode/lint/finding"
)

// The json format is a public contract (docs/architecture.md, "The JSON
// output"): JSONOutput below is it, field by field, and
// docs/lint-output.schema.json is its JSON Schema. The key names and their
// meaning change only with a version bump. A program that reads the
// output can decode it into JSONOutput.
//
// The writer below writes a JSONOutput exactly as encoding/json would
// (two-space indent, no HTML escaping; a test compares the bytes), by
// hand, because reflection and re-indenting cost more than the rest of a
// large run; that test and the schema test keep the type, the writer and
// the schema from drifting apart.
//
// Suppressed findings are left out: "findings" is exactly what "summary"
// counts and what --fail-on judges, so `jq '.findings | length'` agrees
// with the exit code. SARIF is the format that lists suppressions.

// JSONOutput is what `everynode lint --format json` prints.
type JSONOutput struct {
	// Findings are sorted by file, line and column; never null.
	Findings []JSONFinding `json:"findings"`
	Summary  JSONSummary   `json:"summary"`
}

// JSONSummary counts what the run saw; errors, warnings and infos count
// the findings listed (suppressed ones are not).
type JSONSummary = finding.Summary

// JSONFinding is one finding.
type JSONFinding struct {
	// Rule is the rule ID (docs/rules.md).
	Rule string `json:"rule"`
	// Severity is error, warning or info.
	Severity string `json:"severity"`
	Message  string `json:"message"`
	// File is slash-separated and relative to the working directory.
	File string `json:"file"`
	// Line and Column are 1-based (0 when the finding has no position, as
	// for a KRM item without a source); columns count characters.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Document is the 0-based index of the YAML document in the file.
	Document int `json:"document"`
	// Path is the field path in the document
	// (spec.template.spec.containers[0].image), "" for the document as a
	// whole.
	Path string `json:"path"`
	// Resource is the object the finding is about; its fields are ""
	// when unknown (a file that does not parse).
	Resource JSONResource `json:"resource"`
	// Fix, when present, is a suggested change.
	Fix *JSONFix `json:"fix,omitempty"`
	// Related are other places that explain the finding.
	Related []JSONRelated `json:"related,omitempty"`
}

// JSONResource identifies an object: apiVersion, kind, namespace, name.
type JSONResource = finding.Resource

// JSONFix is a fix: whether --fix applies it (safe) or only
// --unsafe-fixes does, what it does, and its edits, byte ranges of the
// files the fields are written in ("unavailable" says why there are none).
type JSONFix = finding.Fix

// JSONRelated is another place that explains a finding.
type JSONRelated struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Path    string `json:"path"`
	Message string `json:"message"`
}

// NewJSONFinding is a finding as the json format writes it.
func NewJSONFinding(f *finding.Finding) JSONFinding {
	j := JSONFinding{
		Rule: f.Rule, Severity: f.Severity.String(), Message: f.Message,
		File: f.File, Line: f.Line, Column: f.Column, Document: f.Document,
		Path: f.Path.String(), Resource: f.Resource, Fix: f.Fix,
	}
	for _, r := range f.Related {
		j.Related = append(j.Related, JSONRelated{File: r.File, Line: r.Line, Column: r.Column, Path: r.Path.String(), Message: r.Message})
	}
	return j
}

func writeJSON(w *bufio.Writer, r *Report, _ Options) error {
	fs := visible(r.Findings)
	top := beginObject(w, "")
	top.key("findings")
	writeJSONArray(w, top.child(), len(fs), func(i int, indent string) {
		j := NewJSONFinding(&fs[i])
		writeJSONFinding(w, &j, indent)
	})
	top.key("summary")
	s := r.Summary
	sum := beginObject(w, top.child())
	sum.int("files", s.Files)
	sum.int("documents", s.Documents)
	sum.int("resources", s.Resources)
	sum.int("skipped", s.Skipped)
	sum.int("errors", s.Errors)
	sum.int("warnings", s.Warnings)
	sum.int("infos", s.Infos)
	sum.end()
	top.end()
	w.WriteByte('\n')
	return nil
}

func writeJSONFinding(w *bufio.Writer, f *JSONFinding, indent string) {
	o := beginObject(w, indent)
	o.str("rule", f.Rule)
	o.str("severity", f.Severity)
	o.str("message", f.Message)
	o.str("file", f.File)
	o.int("line", f.Line)
	o.int("column", f.Column)
	o.int("document", f.Document)
	o.str("path", f.Path)
	o.key("resource")
	writeJSONResource(w, f.Resource, o.child())
	if f.Fix != nil {
		o.key("fix")
		fix := beginObject(w, o.child())
		fix.bool("safe", f.Fix.Safe)
		fix.str("message", f.Fix.Message)
		fix.key("edits")
		writeJSONArray(w, fix.child(), len(f.Fix.Edits), func(i int, indent string) {
			e := f.Fix.Edits[i]
			eo := beginObject(w, indent)
			eo.str("file", e.File)
			eo.int("start", e.Start)
			eo.int("end", e.End)
			eo.str("text", e.Text)
			eo.end()
		})
		if f.Fix.Unavailable != "" {
			fix.str("unavailable", f.Fix.Unavailable)
		}
		fix.end()
	}
	if len(f.Related) > 0 {
		o.key("related")
		writeJSONArray(w, o.child(), len(f.Related), func(i int, indent string) {
			rel := &f.Related[i]
			ro := beginObject(w, indent)
			ro.str("file", rel.File)
			ro.int("line", rel.Line)
			ro.int("column", rel.Column)
			ro.str("path", rel.Path)
			ro.str("message", rel.Message)
			ro.end()
		})
	}
	o.end()
}

func writeJSONResource(w *bufio.Writer, r JSONResource, indent string) {
	o := beginObject(w, indent)
	o.str("apiVersion", r.APIVersion)
	o.str("kind", r.Kind)
	o.str("namespace", r.Namespace)
	o.str("name", r.Name)
	o.end()
}
