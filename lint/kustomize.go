package lint

import (
	"errors"
	"fmt"
	"strings"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/kustomize"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/internal/yamledit"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// lintKustomization lints what a kustomization renders. Each object is
// placed in the file it came from, and each finding where its field is
// written (the source, or the patch that set it); objects without a
// source point at the kustomization file, with their identity in the
// finding. One source reached through several overlays gives the same
// findings at the same places, which the final de-duplication merges.
func (r *run) lintKustomization(src input.Source) *fileResult {
	k := r.l.opts.hooks.Kustomize
	fr := &fileResult{summary: finding.Summary{Files: 1}, sources: map[string]diskFile{}}
	kfile := k.Kustomization(src.Path)
	kname := r.name(kfile)
	fr.sources[kname] = diskFile{kfile, src.Root, true}
	rendered, messages, err := k.Render(src.Path, src.Root)
	if err != nil {
		var (
			ke  *kustomize.Error
			kes kustomize.Errors
		)
		switch {
		case errors.As(err, &kes):
			for _, e := range kes {
				fr.findings = append(fr.findings, r.kustomizeFinding(fr, kname, e, src.Root))
			}
		case errors.As(err, &ke):
			fr.findings = append(fr.findings, r.kustomizeFinding(fr, kname, ke, src.Root))
		default:
			fr.findings = append(fr.findings, finding.Finding{Rule: finding.RuleKustomizeBuild, Severity: finding.Error,
				File: kname, Line: 1, Column: 1, Message: fmt.Sprintf("kustomize build failed: %v", err)})
		}
		return fr
	}
	// What kustomize printed, as findings: never raw on the terminal.
	for _, m := range messages {
		fr.findings = append(fr.findings, finding.Finding{Rule: finding.RuleKustomizeLog, Severity: finding.Warning,
			File: kname, Line: 1, Column: 1, Message: "kustomize: " + strings.TrimPrefix(m, "# ")})
	}
	fr.summary.Documents += len(rendered)
	fallback := place{file: kname, doc: &document.Document{Line: 1}}
	if data, err := readDisk(src.Root, kfile, r.l.opts.MaxFileSize); err == nil {
		fallback.doc.File = document.NewFile(kname, data)
	}
	// Suppression comments of every file a finding may point into.
	seen := map[*document.File]bool{}
	comments := func(d *document.Document) {
		if d == nil || d.File == nil || seen[d.File] {
			return
		}
		seen[d.File] = true
		fr.sources[d.File.Name] = diskFile{r.path(d.File.Name), src.Root, true}
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
		pl.where = rr.Where
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

// kustomizeFinding is a finding for a build that failed or an entry that
// was refused, at the entry when it is known.
func (r *run) kustomizeFinding(fr *fileResult, kname string, e *kustomize.Error, root *safefs.Root) finding.Finding {
	f := finding.Finding{Rule: e.Rule, Severity: finding.Error, File: kname, Line: 1, Column: 1}
	if f.Rule == "" {
		f.Rule = finding.RuleKustomizeBuild
	}
	msg := e.Msg
	if f.Rule == finding.RuleKustomizeBuild && !strings.HasPrefix(msg, "kustomize build failed") {
		msg = "kustomize build failed: " + msg
	}
	f.Message = msg
	if e.File != "" && (e.Line > 0 || e.File != kname) {
		f.File = e.File
		if e.Line > 0 {
			f.Line, f.Column = e.Line, e.Column
		}
		if e.File != kname {
			fr.sources[e.File] = diskFile{r.path(e.File), root, true}
		}
	}
	return f
}

// kustomizeEdits places a fix of a rendered object in the file its
// fields are written in (the source or the patch that set them, as the
// finding's position says). All the changes of one fix must land in one
// document; a field that a transformer or generator produces is not
// fixed, and the reason says so.
func (p place) kustomizeEdits(fx *rule.Fix) ([]finding.Edit, string) {
	if p.where == nil {
		return nil, "the object is built by kustomize, which recorded no source for it"
	}
	var (
		file    string
		doc     *document.Document
		changes []rule.Change
	)
	for _, c := range fx.Changes {
		f, d, local, why := p.where(p.full(c.Path))
		if why != "" {
			return nil, why
		}
		if doc != nil && d != doc {
			return nil, "the fix would change fields written in different files (" + file + ", " + f + ")"
		}
		file, doc = f, d
		c.Path = local
		changes = append(changes, c)
	}
	edits, err := yamledit.Edits(doc, file, nil, changes)
	if err != nil {
		return nil, err.Error()
	}
	return edits, ""
}
