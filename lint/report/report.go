// Package report turns findings into output: text for terminals, json (a
// public contract: JSONOutput, and docs/lint-output.schema.json), sarif for code scanning, junit for test
// dashboards, github workflow commands for annotations and markdown for job
// summaries. Every format reads the same Report; each lives in its own file
// behind one small function type, as kubeconform's outputs do, and none of
// them decides anything about the findings themselves.
package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/everynode/everynode/lint/finding"
)

// RuleInfo is what reporters need to know about a rule (SARIF metadata,
// Markdown links).
type RuleInfo struct {
	ID       string
	Summary  string
	Help     string // Markdown
	HelpURI  string
	Severity finding.Severity
}

// Object is one linted resource. JUnit lists passing resources as passing
// testcases only when the engine hands them over here.
type Object struct {
	File     string
	Document int
	Resource finding.Resource
}

// Report is everything one run has to say.
type Report struct {
	// Findings are sorted and deduplicated by the engine. Suppressed ones
	// are shown only by SARIF, as results with suppressions.
	Findings []finding.Finding
	Summary  finding.Summary
	// Source returns a file's content for the source lines and carets of
	// the text format; it may be nil or return nil, and then no source line
	// is shown.
	Source func(file string) []byte
	// Rules describes a rule for SARIF metadata and Markdown links; may be
	// nil, and may not know every ID (yaml-syntax, schema).
	Rules       func(id string) (RuleInfo, bool)
	ToolVersion string
	// Objects lists every resource linted, for JUnit's passing testcases;
	// may be nil, and then only resources with findings are listed.
	Objects []Object
	// WorkDir is the absolute working directory that every file is
	// relative to; SARIF resolves %SRCROOT% through it. Optional: without
	// it the SARIF log only describes the base, so output does not depend
	// on where the command ran.
	WorkDir string
}

// Options are rendering choices made by the caller (the CLI), not facts
// about the run.
type Options struct {
	// Color turns on ANSI colour in the text format. The CLI sets it when
	// stdout is a terminal and NO_COLOR is unset.
	Color bool
	// FailOn is the severity that fails the run (0 for --fail-on none);
	// the closing summary says how many findings reach it.
	FailOn finding.Severity
	// LinkBase, when set, turns file:line into links in the markdown format:
	// https://github.com/OWNER/REPO/blob/SHA/ (a trailing slash is added).
	LinkBase string
	// OmitSuppressed leaves suppressed findings out of SARIF too. GitHub
	// code scanning does not act on SARIF suppressions: it opens an alert
	// for every suppressed result, which is what the suppression was for
	// avoiding. The zero value keeps them, as SARIF intends.
	OmitSuppressed bool
	// Quiet leaves the text format with the diagnostic lines alone: no
	// source lines, no closing summary (the caller drops the findings
	// below --fail-on).
	Quiet bool
	// Width, when above zero, wraps the text format's messages to that
	// many columns (the CLI sets 100 on a terminal).
	Width int
	// Statistics makes the text format a count of findings per rule, as
	// ruff --statistics, instead of the findings themselves.
	Statistics bool
}

// Format names an output format.
type Format string

const (
	Text     Format = "text"
	JSON     Format = "json"
	SARIF    Format = "sarif"
	JUnit    Format = "junit"
	GitHub   Format = "github"
	Markdown Format = "markdown"
)

// writeFunc renders a whole report. Writers get a buffered writer and do not
// flush it; errors from the underlying writer surface at the flush in Write.
type writeFunc func(w *bufio.Writer, r *Report, opts Options) error

// formats is the one explicit list of formats, in the order help lists them.
var formats = []struct {
	name  Format
	write writeFunc
}{
	{Text, writeText},
	{JSON, writeJSON},
	{SARIF, writeSARIF},
	{JUnit, writeJUnit},
	{GitHub, writeGitHub},
	{Markdown, writeMarkdown},
}

// Formats lists the valid format names.
func Formats() []Format {
	out := make([]Format, len(formats))
	for i, f := range formats {
		out[i] = f.name
	}
	return out
}

func formatNames() string {
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f.name)
	}
	return strings.Join(names, ", ")
}

func lookup(f Format) (writeFunc, bool) {
	for _, e := range formats {
		if e.name == f {
			return e.write, true
		}
	}
	return nil, false
}

// Target is one place to write one format.
type Target struct {
	Format Format
	File   string // "" is standard output
}

// ParseTargets reads repeated --format values, each FMT or FMT=FILE
// (FILE "-" is standard output). At most one target may be standard output
// and no file may be named twice. No specs means text on standard output.
func ParseTargets(specs []string) ([]Target, error) {
	if len(specs) == 0 {
		return []Target{{Format: Text}}, nil
	}
	targets := make([]Target, 0, len(specs))
	stdout := ""
	files := map[string]string{}
	for _, spec := range specs {
		name, file, hasFile := strings.Cut(spec, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			return nil, fmt.Errorf("--format %q: missing format name (valid formats: %s)", spec, formatNames())
		}
		if _, ok := lookup(Format(name)); !ok {
			return nil, fmt.Errorf("--format %q: unknown format %q (valid formats: %s)", spec, name, formatNames())
		}
		if hasFile && file == "" {
			return nil, fmt.Errorf("--format %q: missing file name after '=' (use %s=FILE, or %s alone for standard output)", spec, name, name)
		}
		if file == "-" {
			file = ""
		}
		if file == "" {
			if stdout != "" {
				return nil, fmt.Errorf("--format %s and --format %s both write to standard output; give one of them a file, e.g. --format %s=everynode.%s",
					stdout, name, name, extension(Format(name)))
			}
			stdout = name
		} else {
			key := filepath.Clean(file)
			if prev, ok := files[key]; ok {
				return nil, fmt.Errorf("--format %s and --format %s both write to %s; give each its own file", prev, spec, file)
			}
			files[key] = spec
		}
		targets = append(targets, Target{Format: Format(name), File: file})
	}
	return targets, nil
}

// extension is the usual file extension of a format, for suggestions.
func extension(f Format) string {
	switch f {
	case Text:
		return "txt"
	case JUnit:
		return "xml"
	case Markdown:
		return "md"
	case GitHub:
		return "log"
	}
	return string(f)
}

// Write renders r in format f to w.
func Write(w io.Writer, f Format, r *Report, opts Options) error {
	write, ok := lookup(f)
	if !ok {
		return fmt.Errorf("unknown format %q (valid formats: %s)", f, formatNames())
	}
	if r == nil {
		r = &Report{}
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := write(bw, r, opts); err != nil {
		return fmt.Errorf("writing %s: %w", f, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", f, err)
	}
	return nil
}

// WriteTargets writes every target. Files are written atomically (a temporary
// file in the same directory, renamed over the target), so a reader never
// sees half a report; missing parent directories are created. A failing
// target does not stop the others: all errors are returned together.
func WriteTargets(targets []Target, stdout io.Writer, r *Report, opts Options) error {
	var errs []error
	for _, t := range targets {
		var err error
		if t.File == "" {
			err = Write(stdout, t.Format, r, opts)
		} else {
			err = writeFileAtomic(t.File, func(w io.Writer) error { return Write(w, t.Format, r, opts) })
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func writeFileAtomic(name string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// CreateTemp makes the file 0600; a report is meant to be read by
	// whatever uploads it.
	if err := tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}

// visible returns the findings that are not suppressed; every format except
// SARIF shows only these. It does not copy when nothing is suppressed.
func visible(fs []finding.Finding) []finding.Finding {
	n := 0
	for i := range fs {
		if fs[i].Suppressed {
			n++
		}
	}
	if n == 0 {
		return fs
	}
	out := make([]finding.Finding, 0, len(fs)-n)
	for _, f := range fs {
		if !f.Suppressed {
			out = append(out, f)
		}
	}
	return out
}

func suppressedCount(fs []finding.Finding) int {
	n := 0
	for i := range fs {
		if fs[i].Suppressed {
			n++
		}
	}
	return n
}

// bySeverity returns the findings most severe first, keeping the engine's
// order (file, line) within a severity.
func bySeverity(fs []finding.Finding) []finding.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b finding.Finding) int { return int(b.Severity) - int(a.Severity) })
	return out
}

func (r *Report) rule(id string) (RuleInfo, bool) {
	if r.Rules == nil {
		return RuleInfo{}, false
	}
	return r.Rules(id)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// summaryLine is the closing sentence shared by text and github output:
// "3 files, 5 resources checked, 1 document skipped: 2 errors, 1 warning;
// 2 at or above --fail-on=error".
func summaryLine(r *Report, opts Options) string {
	s := r.Summary
	var b strings.Builder
	b.WriteString(plural(s.Files, "file", "files"))
	b.WriteString(", ")
	b.WriteString(plural(s.Resources, "resource", "resources"))
	b.WriteString(" checked")
	if s.Skipped > 0 {
		b.WriteString(", ")
		b.WriteString(plural(s.Skipped, "document", "documents"))
		b.WriteString(" skipped")
	}
	b.WriteString(": ")
	if s.Errors+s.Warnings+s.Infos == 0 {
		b.WriteString("no findings")
	} else {
		var parts []string
		if s.Errors > 0 {
			parts = append(parts, plural(s.Errors, "error", "errors"))
		}
		if s.Warnings > 0 {
			parts = append(parts, plural(s.Warnings, "warning", "warnings"))
		}
		if s.Infos > 0 {
			parts = append(parts, plural(s.Infos, "info", "infos"))
		}
		b.WriteString(strings.Join(parts, ", "))
	}
	if n := suppressedCount(r.Findings); n > 0 {
		fmt.Fprintf(&b, " (%d suppressed)", n)
	}
	if total := s.Errors + s.Warnings + s.Infos; opts.FailOn > 0 && total > 0 {
		n := 0
		if opts.FailOn <= finding.Error {
			n += s.Errors
		}
		if opts.FailOn <= finding.Warning {
			n += s.Warnings
		}
		if opts.FailOn <= finding.Info {
			n += s.Infos
		}
		fmt.Fprintf(&b, "; %d at or above --fail-on=%s", n, opts.FailOn)
	}
	if safe, unsafe := fixable(r.Findings); safe > 0 || unsafe > 0 {
		switch {
		case safe > 0 && unsafe > 0:
			fmt.Fprintf(&b, "; %d fixable with --fix (%d more with --unsafe-fixes)", safe, unsafe)
		case safe > 0:
			fmt.Fprintf(&b, "; %d fixable with --fix", safe)
		default:
			fmt.Fprintf(&b, "; %d fixable with --fix --unsafe-fixes", unsafe)
		}
	}
	return b.String()
}

// fixable counts the findings shown whose fix --fix would apply, and
// those only --unsafe-fixes would.
func fixable(fs []finding.Finding) (safe, unsafe int) {
	for i := range fs {
		f := &fs[i]
		switch {
		case f.Suppressed:
		case f.Fix.Applicable(false):
			safe++
		case f.Fix.Applicable(true):
			unsafe++
		}
	}
	return safe, unsafe
}
