// Package finding holds the one type everything in everynode reports:
// rule findings, schema errors, parse errors and spec errors alike.
// Reporters format Findings; nothing else decides how they look.
package finding

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Rule IDs of the findings the engine itself reports, rather than a rule
// over objects: they are constants here, in the leaf every stage
// imports, so that the parser, the schema validator, the configuration
// and the suppressions name them without importing the catalog. Each is
// also a rule value in the catalog (lint/rules), which documents it.
const (
	RuleSyntax         = "yaml-syntax"                // the file is not valid YAML
	RuleSchema         = "schema"                     // the official schema rejects the object
	RuleRemovedAPI     = "removed-api-version"        // the API version is no longer served
	RuleNoSchema       = "no-schema"                  // no schema for the kind (a CRD is missing)
	RuleLimit          = "limit-exceeded"             // size, depth or alias limits
	RuleUnreadable     = "unreadable-file"            // a file met while walking cannot be read
	RuleInternal       = "internal-error"             // everynode failed on an object
	RuleKustomizeBuild = "kustomize-build"            // kustomize cannot build a kustomization
	RuleKustomizePath  = "kustomize-path"             // a kustomization names what is not a file in the repository
	RuleKustomizeLog   = "kustomize-log"              // kustomize printed a warning while building
	RuleNoObjects      = "no-objects"                 // --fail-if-no-objects and nothing was linted
	RuleUnused         = "unused-suppression"         // a suppression matched no finding
	RuleWithoutReason  = "suppression-without-reason" // a suppression gives no reason
)

// RuleIDPattern is the shape of every rule ID, kebab-case, as a regular
// expression: the catalog's Validate checks it (rule.ValidID), and
// whatever reads a rule ID a user wrote (an ignore entry of a Daemon spec,
// its JSON Schema, the JSON output's schema) uses the same.
const RuleIDPattern = `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`

// Severity orders findings; a higher value is more severe.
type Severity int

const (
	Info Severity = iota + 1
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "none"
}

// ParseSeverity reads error, warning or info (and "none" as 0 with ok true,
// for --fail-on none).
func ParseSeverity(s string) (Severity, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return Error, true
	case "warning", "warn":
		return Warning, true
	case "info":
		return Info, true
	case "none", "off":
		return 0, true
	}
	return 0, false
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, ok := ParseSeverity(string(b))
	if !ok || v == 0 {
		return fmt.Errorf("unknown severity %q (want error, warning or info)", b)
	}
	*s = v
	return nil
}

// Resource identifies the object a finding is about.
type Resource struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace"`
	Name       string `json:"name"`
}

// ResourceOf reads an object's identity from its value, typed as
// internal/document types YAML: apiVersion, kind, metadata.namespace and
// metadata.name, or metadata.generateName for an object that has no name
// yet. A field that is missing or not a string is "".
func ResourceOf(obj map[string]any) Resource {
	var r Resource
	r.APIVersion, _ = obj["apiVersion"].(string)
	r.Kind, _ = obj["kind"].(string)
	if md, ok := obj["metadata"].(map[string]any); ok {
		r.Namespace, _ = md["namespace"].(string)
		r.Name, _ = md["name"].(string)
		if r.Name == "" {
			r.Name, _ = md["generateName"].(string)
		}
	}
	return r
}

func (r Resource) String() string {
	s := r.Kind
	if r.Namespace != "" {
		s += " " + r.Namespace + "/" + r.Name
	} else if r.Name != "" {
		s += " " + r.Name
	}
	return s
}

// Position is a 1-based place in a file. Columns count characters (Unicode
// code points), as the YAML parser does, not bytes.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Edit replaces the bytes of one file between two byte offsets, as
// go/analysis's TextEdit does: Start and End are 0-based offsets into the
// file as it is on disk (End is exclusive; Start == End inserts).
type Edit struct {
	File  string `json:"file"`
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
}

// Fix is a change that resolves a finding: text edits of the files the
// fields are written in, never a rewrite of a whole file.
type Fix struct {
	// Safe fixes are applied by --fix; the others only with
	// --unsafe-fixes (they may change what the workload does).
	Safe    bool   `json:"safe"`
	Message string `json:"message"`
	Edits   []Edit `json:"edits"`
	// Unavailable, when set, says why the rule's fix cannot be made as
	// edits here (the field is produced by a kustomize generator, written
	// through a YAML alias, ...): Edits is then empty.
	Unavailable string `json:"unavailable,omitempty"`
}

// Applicable reports whether the fix can be applied: it has edits, and
// it is safe or unsafe fixes are allowed.
func (f *Fix) Applicable(unsafe bool) bool {
	return f != nil && f.Unavailable == "" && len(f.Edits) > 0 && (f.Safe || unsafe)
}

// Related is another place that explains a finding (the first of two
// duplicate names, the volume a mount should have named).
type Related struct {
	File    string         `json:"file"`
	Line    int            `json:"line"`
	Column  int            `json:"column"`
	Path    fieldpath.Path `json:"-"`
	Message string         `json:"message"`
}

// Finding is one thing reported. File is slash-separated and relative to
// the working directory when reported; Line and Column are 1-based;
// Document is the 0-based index of the YAML document in its file.
type Finding struct {
	Rule     string
	Severity Severity
	Message  string
	File     string
	Line     int
	Column   int
	Document int
	Resource Resource
	Path     fieldpath.Path
	Fix      *Fix
	Related  []Related
	// Suppressed by an annotation or comment; kept so reporters that want
	// them (SARIF) can list them, with the reason the suppression gave.
	Suppressed     bool
	SuppressReason string
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s [%s]", f.File, f.Line, f.Column, f.Severity, f.Message, f.Rule)
}

// Compare orders findings by file, line, column, then severity (most severe
// first), rule and message, so output is deterministic.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Document, b.Document),
	)
}

// SortAndDedupe sorts findings and drops exact repeats (the same rule at
// the same place with the same message), which arise when one source file
// is reached through several kustomize overlays.
func SortAndDedupe(fs []Finding) []Finding {
	slices.SortStableFunc(fs, Compare)
	return slices.CompactFunc(fs, func(a, b Finding) bool {
		return a.Rule == b.Rule && a.File == b.File && a.Line == b.Line &&
			a.Column == b.Column && a.Message == b.Message && a.Path.Equal(b.Path)
	})
}

// Summary counts what a run saw.
type Summary struct {
	Files     int `json:"files"`
	Documents int `json:"documents"`
	Resources int `json:"resources"`
	Skipped   int `json:"skipped"`
	Errors    int `json:"errors"`
	Warnings  int `json:"warnings"`
	Infos     int `json:"infos"`
}

// Count adds the severities of unsuppressed findings to s.
func (s *Summary) Count(fs []Finding) {
	for _, f := range fs {
		if f.Suppressed {
			continue
		}
		switch f.Severity {
		case Error:
			s.Errors++
		case Warning:
			s.Warnings++
		case Info:
			s.Infos++
		}
	}
}
