package report

import (
	"bufio"

	"github.com/everynode/everynode/lint/finding"
)

// The json format is a public contract (DESIGN.md, "Findings"): the key
// names and their meaning change only with a version bump. The writer
// below fixes the key order, so output is stable and diffs stay small;
// TestGolden pins the layout and checkJSONContract the keys.
//
// Suppressed findings are left out: "findings" is exactly what "summary"
// counts and what --fail-on judges, so `jq '.findings | length'` agrees
// with the exit code. SARIF is the format that lists suppressions.

func writeJSON(w *bufio.Writer, r *Report, _ Options) error {
	fs := visible(r.Findings)
	top := beginObject(w, "")
	top.key("findings")
	writeJSONArray(w, top.child(), len(fs), func(i int, indent string) {
		writeJSONFinding(w, &fs[i], indent)
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

func writeJSONFinding(w *bufio.Writer, f *finding.Finding, indent string) {
	o := beginObject(w, indent)
	o.str("rule", f.Rule)
	o.str("severity", f.Severity.String())
	o.str("message", f.Message)
	o.str("file", f.File)
	o.int("line", f.Line)
	o.int("column", f.Column)
	o.int("document", f.Document)
	o.str("path", f.Path.String())
	o.key("resource")
	writeJSONResource(w, f.Resource, o.child())
	if f.Fix != nil {
		o.key("fix")
		fix := beginObject(w, o.child())
		fix.str("message", f.Fix.Message)
		if len(f.Fix.Edits) > 0 {
			fix.key("edits")
			writeJSONArray(w, fix.child(), len(f.Fix.Edits), func(i int, indent string) {
				e := f.Fix.Edits[i]
				eo := beginObject(w, indent)
				eo.key("start")
				writeJSONPosition(w, e.Start, eo.child())
				eo.key("end")
				writeJSONPosition(w, e.End, eo.child())
				eo.str("newText", e.NewText)
				eo.end()
			})
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
			ro.str("path", rel.Path.String())
			ro.str("message", rel.Message)
			ro.end()
		})
	}
	o.end()
}

func writeJSONResource(w *bufio.Writer, r finding.Resource, indent string) {
	o := beginObject(w, indent)
	o.str("apiVersion", r.APIVersion)
	o.str("kind", r.Kind)
	o.str("namespace", r.Namespace)
	o.str("name", r.Name)
	o.end()
}

func writeJSONPosition(w *bufio.Writer, p finding.Position, indent string) {
	o := beginObject(w, indent)
	o.int("line", p.Line)
	o.int("column", p.Column)
	o.end()
}
