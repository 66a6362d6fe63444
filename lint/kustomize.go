package lint

import (
	"errors"
	"fmt"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/input"
	"github.com/everynode/everynode/lint/kustomize"
	"github.com/everynode/everynode/lint/suppress"
)

// lintKustomization lints what a kustomization renders. Each object is
// placed in the file it came from, and each finding where its field is
// written (the source, or the patch that set it); objects without a
// source point at the kustomization file, with their identity in the
// finding. One source reached through several overlays gives the same
// findings at the same places, which the final de-duplication merges.
func (r *run) lintKustomization(src input.Source) *fileResult {
	k := r.l.opts.Kustomize
	fr := &fileResult{summary: finding.Summary{Files: 1}, sources: map[string]string{}}
	kfile := k.Kustomization(src.Path)
	kname := r.name(kfile)
	fr.sources[kname] = kfile
	rendered, err := k.Render(src.Path)
	if err != nil {
		f := finding.Finding{Rule: finding.RuleKustomizeBuild, Severity: finding.Error,
			File: kname, Line: 1, Column: 1, Message: fmt.Sprintf("kustomize build failed: %v", err)}
		// Point at the entry that failed when kustomize's error says where.
		if ke := (*kustomize.Error)(nil); errors.As(err, &ke) && ke.Line > 0 && ke.File != "" {
			f.File, f.Line, f.Column = ke.File, ke.Line, ke.Column
			f.Message = "kustomize build failed: " + ke.Msg
			if ke.File != kname {
				fr.sources[ke.File] = ke.File
			}
		}
		fr.findings = append(fr.findings, f)
		return fr
	}
	fr.summary.Documents += len(rendered)
	fallback := place{file: kname, doc: &document.Document{Line: 1}}
	if data, err := input.ReadFile(kfile, r.l.opts.MaxFileSize); err == nil {
		fallback.doc.File = document.NewFile(kname, data)
	}
	// Suppression comments of every file a finding may point into.
	seen := map[*document.File]bool{}
	comments := func(d *document.Document) {
		if d == nil || d.File == nil || seen[d.File] {
			return
		}
		seen[d.File] = true
		fr.sources[d.File.Name] = r.path(d.File.Name)
		for _, c := range suppress.FromComments(d.File, d.File.Name) {
			c.Document = d.Index
			fr.directives = append(fr.directives, c)
		}
	}
	places := make([]place, len(rendered))
	for i, rr := range rendered {
		pl := fallback
		if rr.File != "" && rr.Doc != nil {
			pl = place{file: rr.File, doc: rr.Doc, index: rr.Doc.Index}
			comments(rr.Doc)
		}
		if rr.Locate != nil {
			loc := rr.Locate
			pl.locator = func(p fieldpath.Path) (string, int, int, *document.Document, bool) {
				file, line, col, doc, ok := loc(p)
				if !ok {
					return "", 0, 0, nil, false
				}
				comments(doc)
				return file, line, col, doc, true
			}
		}
		places[i] = pl
	}
	// CRDs of the rendered set before the objects that need them.
	for i, rr := range rendered {
		if isCRD(rr.Object) {
			fr.findings = append(fr.findings, r.addCRD(rr.Object, places[i])...)
		}
	}
	for i, rr := range rendered {
		r.lintValue(fr, places[i], rr.Object)
	}
	return fr
}
