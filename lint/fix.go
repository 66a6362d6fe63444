package lint

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/write"
	"github.com/everynode/everynode/internal/yamledit"
	"github.com/everynode/everynode/lint/finding"
)

// FixOptions say which fixes Fix applies.
type FixOptions struct {
	// Unsafe applies unsafe fixes too (--unsafe-fixes).
	Unsafe bool
}

// maxFixRounds bounds how often a file is fixed again: a fix can reveal
// another (a selector added, then its labels checked), and fixes that
// touch the same bytes wait for the next round, as ruff's do.
const maxFixRounds = 100

// FixResult is what Fix would change. Nothing is written until Write.
type FixResult struct {
	// Files are the files that change, in the order of their names.
	Files []FixedFile
	// Dropped are fixes that were not applied, with the reason: the
	// fixed file would not parse or would gain a finding, the fix cannot
	// be written as edits, the file is not on disk.
	Dropped []DroppedFix
}

// FixedFile is one file's content before and after its fixes.
type FixedFile struct {
	// Name is the file as findings name it.
	Name          string
	Before, After []byte
	// Fixed are the findings whose fixes were applied (in the first
	// round, or revealed by it).
	Fixed []finding.Finding
	disk  diskFile
}

// DroppedFix is a fix that was not applied.
type DroppedFix struct {
	Finding finding.Finding
	Reason  string
}

// Changed counts the fixes applied.
func (r *FixResult) Changed() int {
	n := 0
	for _, f := range r.Files {
		n += len(f.Fixed)
	}
	return n
}

// Fix lints paths and computes the fixed content of every file that has
// fixes. A file is fixed only if, after its fixes, it parses and lints
// with no finding it did not have before; a fix that breaks either is
// dropped, and the others of the file still apply. Files linted as part of
// a kustomization, standard input and files in memory are not fixed.
func (l *Linter) Fix(ctx context.Context, paths []string, opts FixOptions) (*FixResult, error) {
	res, err := l.Lint(ctx, paths)
	if err != nil {
		return nil, err
	}
	out := &FixResult{}
	byFile := map[string][]finding.Finding{}
	var names []string
	for _, f := range res.Findings {
		if f.Suppressed || f.Fix == nil {
			continue
		}
		if f.Fix.Unavailable != "" {
			if f.Fix.Safe || opts.Unsafe {
				out.Dropped = append(out.Dropped, DroppedFix{f, f.Fix.Unavailable})
			}
			continue
		}
		if !f.Fix.Applicable(opts.Unsafe) {
			continue
		}
		// A fix is applied to the file its edits change: for an object
		// kustomize builds, that may be the base rather than the patch
		// the finding points at.
		file := f.Fix.Edits[0].File
		if !sameFile(f.Fix, file) {
			out.Dropped = append(out.Dropped, DroppedFix{f, "the fix changes more than one file"})
			continue
		}
		if _, ok := byFile[file]; !ok {
			names = append(names, file)
		}
		byFile[file] = append(byFile[file], f)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		fs := byFile[name]
		d, ok := res.disk(name)
		if !ok {
			for _, f := range fs {
				out.Dropped = append(out.Dropped, DroppedFix{f, "the file is not on disk (standard input is not fixed)"})
			}
			continue
		}
		before, err := readDisk(d.root, d.path, l.opts.MaxFileSize)
		if err != nil {
			return nil, fmt.Errorf("reading %s again to fix it: %w", name, err)
		}
		if !bytes.Equal(document.NewFile(name, before).Data, before) {
			for _, f := range fs {
				out.Dropped = append(out.Dropped, DroppedFix{f, "the file is UTF-16; fixes are written to UTF-8 files only"})
			}
			continue
		}
		var (
			ff      *FixedFile
			dropped []DroppedFix
		)
		if d.rendered {
			ff, dropped = l.fixRendered(name, before, fs)
		} else {
			ff, dropped = l.fixFile(name, before, opts)
		}
		out.Dropped = append(out.Dropped, dropped...)
		if ff != nil {
			ff.disk = d
			out.Files = append(out.Files, *ff)
		}
	}
	return out, nil
}

// fixFile fixes one file's content round by round. A round may give
// the file a finding that a later round fixes (a misspelled hostNetwork,
// once renamed, asks for a dnsPolicy); what is returned is the last state
// with no finding the original did not have.
func (l *Linter) fixFile(name string, data []byte, opts FixOptions) (*FixedFile, []DroppedFix) {
	ff := &FixedFile{Name: name, Before: data}
	var dropped []DroppedFix
	refused := map[string]bool{}
	current := l.lintAlone(name, data)
	original := current
	clean, cleanFixed := data, 0
	for range maxFixRounds {
		var candidates []finding.Finding
		for _, f := range current {
			if f.Fix.Applicable(opts.Unsafe) && f.File == name && !refused[fixKey(f)] && sameFile(f.Fix, name) {
				candidates = append(candidates, f)
			}
		}
		if len(candidates) == 0 {
			break
		}
		// All the fixes that do not touch each other's bytes at once;
		// if together they break something, find the ones that do alone.
		batch := nonOverlapping(candidates)
		next, after, err := l.tryFixes(name, data, current, batch, opts)
		if err != nil {
			var good []finding.Finding
			for _, f := range batch {
				if _, _, err := l.tryFixes(name, data, current, []finding.Finding{f}, opts); err != nil {
					refused[fixKey(f)] = true
					dropped = append(dropped, DroppedFix{f, err.Error()})
					continue
				}
				good = append(good, f)
			}
			if len(good) == 0 {
				continue
			}
			if next, after, err = l.tryFixes(name, data, current, good, opts); err != nil {
				// Each is fine alone, not together: one per round.
				good = good[:1]
				if next, after, err = l.tryFixes(name, data, current, good, opts); err != nil {
					refused[fixKey(good[0])] = true
					continue
				}
			}
			batch = good
		}
		ff.Fixed = append(ff.Fixed, batch...)
		data, current = next, after
		if newFinding(original, current) == nil {
			clean, cleanFixed = data, len(ff.Fixed)
		}
	}
	if cleanFixed < len(ff.Fixed) {
		nf := newFinding(original, current)
		for _, f := range ff.Fixed[cleanFixed:] {
			dropped = append(dropped, DroppedFix{f, fmt.Sprintf("the fixed file would have a new finding: %s [%s]", nf.Message, nf.Rule)})
		}
		ff.Fixed = ff.Fixed[:cleanFixed]
	}
	if bytes.Equal(clean, ff.Before) {
		return nil, dropped
	}
	ff.After = clean
	return ff, dropped
}

// newFinding returns a finding of after that before does not have, or nil.
func newFinding(before, after []finding.Finding) *finding.Finding {
	had := map[string]int{}
	for _, f := range before {
		had[findingKey(f)]++
	}
	for i, f := range after {
		k := findingKey(f)
		if had[k] == 0 {
			return &after[i]
		}
		had[k]--
	}
	return nil
}

// fixRendered fixes a file read through a kustomization (a base or a
// patch) with the fixes found on what kustomize built from it, in one
// round: such a file means nothing linted alone, so it is not linted
// again here; the fixed file must parse, and the run's report after
// --fix lints the build again.
func (l *Linter) fixRendered(name string, data []byte, fs []finding.Finding) (*FixedFile, []DroppedFix) {
	var dropped []DroppedFix
	ok := fs
	batch := nonOverlapping(ok)
	for _, f := range ok {
		if !slices.ContainsFunc(batch, func(g finding.Finding) bool { return fixKey(g) == fixKey(f) }) {
			dropped = append(dropped, DroppedFix{f, "another fix changes the same place; run --fix again"})
		}
	}
	if len(batch) == 0 {
		return nil, dropped
	}
	var edits []finding.Edit
	for _, f := range batch {
		edits = append(edits, f.Fix.Edits...)
	}
	next, err := yamledit.Apply(data, edits)
	if err == nil {
		if s := document.Parse(name, next, l.opts.hooks.Limits); len(s.Problems) > 0 {
			err = fmt.Errorf("the fixed file would not parse (line %d: %s)", s.Problems[0].Line, s.Problems[0].Msg)
		}
	}
	if err != nil {
		for _, f := range batch {
			dropped = append(dropped, DroppedFix{f, err.Error()})
		}
		return nil, dropped
	}
	return &FixedFile{Name: name, Before: data, After: next, Fixed: batch}, dropped
}

// tryFixes applies fixes to data and checks the result: it parses, and
// lints with no finding that was not there before, except findings that
// a fix of a later round will take care of.
func (l *Linter) tryFixes(name string, data []byte, before []finding.Finding, fixes []finding.Finding, opts FixOptions) ([]byte, []finding.Finding, error) {
	var edits []finding.Edit
	for _, f := range fixes {
		edits = append(edits, f.Fix.Edits...)
	}
	next, err := yamledit.Apply(data, edits)
	if err != nil {
		return nil, nil, err
	}
	if s := document.Parse(name, next, l.opts.hooks.Limits); len(s.Problems) > 0 {
		p := s.Problems[0]
		return nil, nil, fmt.Errorf("the fixed file would not parse (line %d: %s)", p.Line, p.Msg)
	}
	after := l.lintAlone(name, next)
	had := map[string]int{}
	for _, f := range before {
		had[findingKey(f)]++
	}
	for _, f := range after {
		k := findingKey(f)
		if had[k] == 0 && !f.Fix.Applicable(opts.Unsafe) {
			return nil, nil, fmt.Errorf("the fixed file would have a new finding: %s [%s]", f.Message, f.Rule)
		}
		had[k]--
	}
	return next, after, nil
}

// lintAlone lints one file's content on its own: the unsuppressed
// findings in it.
func (l *Linter) lintAlone(name string, data []byte) []finding.Finding {
	r := l.newRun()
	r.keepSource(name, data)
	r.registerCRDsIn(name, data)
	r.add(r.lintData(name, "", data))
	res := r.finish()
	out := res.Findings[:0]
	for _, f := range res.Findings {
		if !f.Suppressed {
			out = append(out, f)
		}
	}
	return out
}

// findingKey identifies a finding across edits, which move positions.
func findingKey(f finding.Finding) string {
	return fmt.Sprintf("%s\x00%d\x00%s\x00%s", f.Rule, f.Document, f.Path, f.Message)
}

func fixKey(f finding.Finding) string { return findingKey(f) }

func sameFile(fx *finding.Fix, name string) bool {
	for _, e := range fx.Edits {
		if e.File != name {
			return false
		}
	}
	return true
}

// nonOverlapping picks, in file order, the fixes whose edits touch none
// of the bytes an earlier pick's do.
func nonOverlapping(fs []finding.Finding) []finding.Finding {
	slices.SortStableFunc(fs, func(a, b finding.Finding) int {
		return cmp.Compare(a.Fix.Edits[0].Start, b.Fix.Edits[0].Start)
	})
	var out []finding.Finding
	var taken []finding.Edit
	for _, f := range fs {
		clash := false
		for _, e := range f.Fix.Edits {
			for _, t := range taken {
				if yamledit.Overlap(e, t) {
					clash = true
				}
			}
		}
		if !clash {
			out = append(out, f)
			taken = append(taken, f.Fix.Edits...)
		}
	}
	return out
}

// Diff is a unified diff of every file's fixes.
func (r *FixResult) Diff() string {
	var b strings.Builder
	for _, f := range r.Files {
		name := strings.TrimPrefix(f.Name, "/")
		d, _ := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: diffLines(f.Before), B: diffLines(f.After),
			FromFile: "a/" + name, ToFile: "b/" + name, Context: 3,
		})
		b.WriteString(d)
	}
	return b.String()
}

func diffLines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	out := strings.SplitAfter(string(b), "\n")
	if out[len(out)-1] == "" {
		return out[:len(out)-1]
	}
	out[len(out)-1] += "\n\\ No newline at end of file\n"
	return out
}

// Write writes the fixed files, each atomically (a temporary file renamed
// over it), never through a symbolic link and never outside the tree the
// file was read from. A file that changed on disk since Fix read it is
// not written.
func (r *FixResult) Write() error {
	for _, f := range r.Files {
		abs, err := filepath.Abs(f.disk.path)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		wf := write.File{Dir: filepath.Dir(abs), Name: filepath.Base(abs), Data: f.After, Label: filepath.Dir(f.Name)}
		if f.disk.root != nil {
			if within, err := filepath.Abs(f.disk.root.Dir()); err == nil {
				wf.Within = within
			}
		}
		fi, err := os.Lstat(f.disk.path)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file (a symbolic link?): fix the file it points to", f.Name)
		}
		cur, err := os.ReadFile(f.disk.path)
		if err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
		if !bytes.Equal(cur, f.Before) {
			return fmt.Errorf("%s changed while it was being fixed; run again", f.Name)
		}
		if _, err := write.Write([]write.File{wf}); err != nil {
			return fmt.Errorf("%s: %w", f.Name, err)
		}
	}
	return nil
}

// FixDocuments fixes one file held in memory (name is how findings name
// it) and returns its content after the fixes (data itself when nothing
// changes), with the findings whose fixes were applied and the fixes
// that were dropped. The checks are Fix's: the result parses and has no
// finding that data did not have.
func (l *Linter) FixDocuments(name string, data []byte, opts FixOptions) ([]byte, []finding.Finding, []DroppedFix) {
	ff, dropped := l.fixFile(name, data, opts)
	if ff == nil {
		return data, nil, dropped
	}
	return ff.After, ff.Fixed, dropped
}
