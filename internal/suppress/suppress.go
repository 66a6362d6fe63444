// Package suppress reads everynode's suppressions and applies them to
// findings (docs/architecture.md, "Suppressions"):
//
//   - an annotation on the object's own metadata,
//     ignore.everynode.dev/<rule-id>: "<reason>", which covers every finding
//     about that object (annotations on the pod template are honoured too,
//     but never recommended: changing them restarts the pod on every node);
//   - a YAML comment "# everynode:ignore rule-id[,rule-id] -- reason",
//     trailing the offending line or on its own line above it (a run of
//     such comment lines covers the first line that follows them).
//
// A suppression is kept honest: one without a reason still suppresses but
// is reported (suppression-without-reason), one that matched nothing is
// reported (unused-suppression) unless its rule is disabled, and one that
// names a rule that does not exist is a warning with a suggestion.
package suppress

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

const (
	// AnnotationPrefix starts every suppression annotation key.
	AnnotationPrefix = "ignore.everynode.dev/"
	// Marker starts a suppression comment (after "#").
	Marker = "everynode:ignore"
)

// Kind says where a suppression was written.
type Kind int

const (
	Annotation Kind = iota + 1
	PodTemplateAnnotation
	Comment
)

// Directive is one suppression of one rule.
type Directive struct {
	Rule   string
	Reason string
	Kind   Kind
	// Where the annotation key or the comment is (Line 0 when unknown).
	File         string
	Line, Column int
	// Document and Base scope an annotation to its object's findings: the
	// same file and document, and a path under Base (an item of a List).
	Document int
	Base     fieldpath.Path
	Resource finding.Resource
	// Covers is the line a comment applies to besides its own. (Document
	// of a comment only says where it is: the engine fills it in.)
	Covers int
	// Used is set by Apply when the directive suppressed a finding.
	Used bool
}

func (d *Directive) key() string {
	return fmt.Sprintf("%s\x00%d\x00%d\x00%d\x00%s\x00%d\x00%s", d.File, d.Line, d.Column, d.Document, d.Base, d.Kind, d.Rule)
}

var (
	metadataAnnotations = fieldpath.New("metadata", "annotations")
	templateAnnotations = fieldpath.New("spec", "template", "metadata", "annotations")
)

// FromObject returns the annotation suppressions of an object: obj is the
// object's value, doc (may be nil) the document it was read from with the
// object at base inside it, file and index how findings name it.
func FromObject(obj map[string]any, doc *document.Document, base fieldpath.Path, file string, index int, res finding.Resource) []*Directive {
	var out []*Directive
	add := func(at fieldpath.Path, kind Kind) {
		anns, _ := document.ValueAt(obj, at).(map[string]any)
		keys := make([]string, 0, len(anns))
		for k := range anns {
			if strings.HasPrefix(k, AnnotationPrefix) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			reason, _ := anns[k].(string)
			d := &Directive{
				Rule:     strings.TrimPrefix(k, AnnotationPrefix),
				Reason:   strings.TrimSpace(reason),
				Kind:     kind,
				File:     file,
				Document: index,
				Base:     base,
				Resource: res,
			}
			if doc != nil {
				full := append(append(fieldpath.Path{}, base...), at.Child(k)...)
				d.Line, d.Column, _ = doc.Locate(full)
			}
			out = append(out, d)
		}
	}
	add(metadataAnnotations, Annotation)
	add(templateAnnotations, PodTemplateAnnotation)
	return out
}

// FromComments scans a file's lines for suppression comments. name is how
// findings name the file.
func FromComments(f *document.File, name string) []*Directive {
	if !bytes.Contains(f.Data, []byte(Marker)) {
		return nil
	}
	var out []*Directive
	var pending []*Directive // own-line comments waiting for their line
	for n := 1; n <= f.Lines(); n++ {
		text := f.Line(n)
		trimmed := strings.TrimSpace(text)
		col, rules, reason, ok := parseComment(text)
		if !ok {
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue // blank lines and other comments keep pending ones waiting
			}
			for _, d := range pending {
				d.Covers = n
			}
			pending = nil
			continue
		}
		ownLine := strings.HasPrefix(trimmed, "#")
		for _, r := range rules {
			d := &Directive{Rule: r, Reason: reason, Kind: Comment, File: name, Line: n, Column: col}
			out = append(out, d)
			if ownLine {
				pending = append(pending, d)
			}
		}
		if !ownLine {
			for _, d := range pending {
				d.Covers = n
			}
			pending = nil
		}
	}
	return out
}

// parseComment finds "# everynode:ignore a,b -- reason" in a line; col is
// the column of the '#'.
func parseComment(line string) (col int, rules []string, reason string, ok bool) {
	i := strings.Index(line, Marker)
	if i < 0 {
		return 0, nil, "", false
	}
	hash := strings.LastIndexByte(line[:i], '#')
	if hash < 0 || strings.TrimSpace(line[hash+1:i]) != "" {
		return 0, nil, "", false
	}
	// A '#' starts a comment only at the start of a line or after a blank.
	if hash > 0 && line[hash-1] != ' ' && line[hash-1] != '\t' {
		return 0, nil, "", false
	}
	rest := line[i+len(Marker):]
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return 0, nil, "", false // everynode:ignored, everynode:ignore-me
	}
	list := rest
	if j := strings.Index(rest, "--"); j >= 0 {
		list, reason = rest[:j], strings.TrimSpace(rest[j+2:])
	}
	rules = strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	return hash + 1, rules, reason, true
}

// Dedupe drops repeated directives (one source file reached through
// several kustomize overlays), keeping the first of each, used when any
// of the copies was.
func Dedupe(ds []*Directive) []*Directive {
	seen := make(map[string]*Directive, len(ds))
	out := ds[:0:0]
	for _, d := range ds {
		k := d.key()
		if first, ok := seen[k]; ok {
			first.Used = first.Used || d.Used
			continue
		}
		seen[k] = d
		out = append(out, d)
	}
	return out
}

// Meta reports whether a rule is one about suppressions themselves: those
// cannot be suppressed.
func Meta(rule string) bool { return rule == finding.RuleUnused || rule == finding.RuleWithoutReason }

// ApplyObject applies an object's annotation suppressions to findings
// about that object (wherever they are located: a kustomize patch, the
// object's source), marking the directives that suppressed something.
func ApplyObject(fs []finding.Finding, ds []*Directive) {
	for i := range fs {
		if Meta(fs[i].Rule) {
			continue
		}
		for _, d := range ds {
			if d.Kind != Comment && d.Rule == fs[i].Rule {
				fs[i].Suppressed = true
				d.Used = true
			}
		}
	}
}

// Apply marks the findings that a directive covers as suppressed and the
// directives that suppressed something as used. Annotations cover the
// findings in their object's document under their Base; the engine
// applies them per object with ApplyObject instead, which also covers
// findings located in other files.
func Apply(fs []finding.Finding, ds []*Directive) {
	if len(ds) == 0 {
		return
	}
	byFile := map[string][]*Directive{}
	for _, d := range ds {
		byFile[d.File] = append(byFile[d.File], d)
	}
	for i := range fs {
		f := &fs[i]
		if Meta(f.Rule) {
			continue
		}
		for _, d := range byFile[f.File] {
			if d.Rule != f.Rule || !d.covers(f) {
				continue
			}
			f.Suppressed = true
			d.Used = true
		}
	}
}

func (d *Directive) covers(f *finding.Finding) bool {
	if d.Kind == Comment {
		return f.Line > 0 && (f.Line == d.Line || f.Line == d.Covers)
	}
	return f.Document == d.Document && f.Path.HasPrefix(d.Base)
}

// Status is what the run knows of a rule a suppression names.
type Status int

const (
	Unknown Status = iota
	Disabled
	Enabled
)

// Check returns the findings about the directives themselves; status says
// whether a rule exists and runs, known lists every rule ID (for
// suggestions). Call it after Apply.
func Check(ds []*Directive, status func(rule string) Status, known []string) []finding.Finding {
	var out []finding.Finding
	for _, d := range ds {
		where := d.describe()
		base := finding.Finding{File: d.File, Line: d.Line, Column: d.Column, Document: d.Document, Resource: d.Resource}
		if d.Kind != Comment {
			base.Path = append(append(fieldpath.Path{}, d.Base...), d.Path()...)
		}
		st := status(d.Rule)
		if st == Unknown {
			f := base
			f.Rule, f.Severity = finding.RuleUnused, finding.Warning
			f.Message = fmt.Sprintf("%s names rule %q, which does not exist", where, d.Rule)
			if s := Suggest(d.Rule, known); s != "" {
				f.Message += fmt.Sprintf(" (did you mean %q?)", s)
			}
			out = append(out, f)
			continue
		}
		if d.Reason == "" {
			f := base
			f.Rule, f.Severity = finding.RuleWithoutReason, finding.Warning
			if d.Kind == Comment {
				f.Message = fmt.Sprintf("%s of %q gives no reason: add one after \" -- \"", where, d.Rule)
			} else {
				f.Message = fmt.Sprintf("%s of %q gives no reason: its value should say why", where, d.Rule)
			}
			out = append(out, f)
		}
		if !d.Used && st == Enabled {
			f := base
			f.Rule, f.Severity = finding.RuleUnused, finding.Info
			f.Message = fmt.Sprintf("%s of %q matched no finding; remove it", where, d.Rule)
			out = append(out, f)
		}
	}
	return out
}

// Path is where an annotation is, relative to its object (nil for a
// comment).
func (d *Directive) Path() fieldpath.Path {
	switch d.Kind {
	case Annotation:
		return metadataAnnotations.Child(AnnotationPrefix + d.Rule)
	case PodTemplateAnnotation:
		return templateAnnotations.Child(AnnotationPrefix + d.Rule)
	}
	return nil
}

func (d *Directive) describe() string {
	switch d.Kind {
	case Annotation:
		return "suppression annotation"
	case PodTemplateAnnotation:
		return "suppression annotation on the pod template"
	}
	return "suppression comment"
}

// Suggest returns the candidate closest to name when it is close enough
// to be a likely typo, or "".
func Suggest(name string, candidates []string) string {
	best, bestD := "", len(name)/2+2
	for _, c := range candidates {
		if d := suggest.Distance(name, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
