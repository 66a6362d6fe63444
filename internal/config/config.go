// Package config reads everynode's configuration: kind: Config, in
// .everynode.yaml (found in the working directory or a parent, up to the
// repository root) or given with --config, and the same object as the
// functionConfig of the KRM validator.
//
// Every problem in a configuration is a finding with a position, so a bad
// file reads like any other lint error; only I/O fails with an error. The
// shape is checked against schemas/config.schema.json (the schema editors
// use). This package knows nothing of rules: it holds lint.rules as plain
// settings, and the engine checks rule IDs and parameter values against
// the rule catalog, positioning what is wrong with Config.Locate.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

const (
	// APIVersion and Kind identify a configuration object.
	APIVersion = "everynode.dev/v1alpha1"
	Kind       = "Config"
	// FileName is the configuration file Find looks for.
	FileName = ".everynode.yaml"

	// RuleSchema is the rule ID of findings about the shape or meaning of a
	// configuration: it is validated against its own schema, as
	// everynode's own kinds are. RuleSyntax and RuleLimit are the IDs of
	// parse problems. All three are the engine's (lint/finding).
	RuleSchema = finding.RuleSchema
	RuleSyntax = finding.RuleSyntax
	RuleLimit  = finding.RuleLimit
)

// Config is a parsed configuration.
type Config struct {
	// Path is the file the configuration was read from, as given to Load;
	// "" for the default configuration and for functionConfigs.
	Path string
	// Base, when set, is the directory the configuration's relative paths
	// are taken from instead of Path's (--config-dir: a configuration
	// read from elsewhere, such as the base branch, for this tree).
	Base     string
	Lint     Lint
	Generate []GenerateTarget
	// Doc is the parsed document, for positions; nil for Default.
	Doc *document.Document
}

// Lint is the lint: section. Zero values mean "not set": the command line
// and then the engine's defaults decide.
type Lint struct {
	// KubernetesVersion is a minor version such as "1.36" (a leading "v" is
	// dropped); "" means the newest embedded version.
	KubernetesVersion string
	// Strict is nil when not set (the default is strict).
	Strict *bool
	// PodSecurity is none, baseline or restricted ("" is none).
	PodSecurity string
	// FailOn is error, warning, info or none ("" means the default).
	FailOn string
	// Exclude holds glob patterns relative to the configuration's
	// directory; see Config.RelPath.
	Exclude         []string
	CheckReferences bool
	// Rules maps a rule ID to its settings.
	Rules map[string]RuleConfig
}

// RuleConfig is one entry of lint.rules.
type RuleConfig struct {
	// Enabled is nil when the entry does not say; a severity without
	// enabled: false enables the rule.
	Enabled *bool
	// Severity is error, warning, info or "" (the rule's own).
	Severity string
	// Params holds the configured parameters, typed like YAML values
	// (string, int64, float64, bool, []any, map[string]any); the engine
	// converts each to its parameter's declared type.
	Params map[string]any
}

// SeverityLevel is the configured severity, 0 when not set.
func (r RuleConfig) SeverityLevel() finding.Severity {
	s, _ := finding.ParseSeverity(r.Severity)
	return s
}

// GenerateTarget is one entry of the generate: section. The generator owns
// its meaning; specs and output are relative to the configuration's
// directory (see Config.Resolve).
type GenerateTarget struct {
	Specs         []string
	Output        string
	Kustomization bool
	// Path is where the entry is in the configuration (generate[2]); pass
	// it, or a child of it, to Config.Locate for a position.
	Path fieldpath.Path
}

// Default is the configuration used when there is no file.
func Default() *Config {
	strict := true
	return &Config{Lint: Lint{Strict: &strict, PodSecurity: "none", Rules: map[string]RuleConfig{}}}
}

// IsStrict reports the effective strict setting (true unless set false).
func (l Lint) IsStrict() bool { return l.Strict == nil || *l.Strict }

// Find looks for FileName in dir and its parents, stopping at the
// repository root (the first directory that holds .git) or the file-system
// root. ok is false when there is none.
func Find(dir string) (path string, ok bool, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("finding %s: %w", FileName, err)
	}
	for {
		p := filepath.Join(dir, FileName)
		st, err := os.Stat(p)
		switch {
		case err == nil && st.Mode().IsRegular():
			return p, true, nil
		case err == nil:
			return "", false, fmt.Errorf("%s is not a regular file", p)
		case !errors.Is(err, fs.ErrNotExist):
			return "", false, fmt.Errorf("finding %s: %w", FileName, err)
		}
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return "", false, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false, nil
		}
		dir = parent
	}
}

// MaxSize bounds a configuration file: a real one is a few KiB.
const MaxSize = 1 << 20

// Load reads and parses a configuration file named by whoever runs
// everynode (--config). The error is only for I/O; everything wrong
// inside the file is a finding.
func Load(path string) (*Config, []finding.Finding, error) {
	return LoadWith(path, func(p string) ([]byte, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return safefs.ReadLimited(f, MaxSize)
	})
}

// LoadWith is Load with the file read by read: a configuration found in
// a repository is read through the repository's root (internal/safefs),
// since a pull request can make .everynode.yaml a link to any file.
func LoadWith(path string, read func(path string) ([]byte, error)) (*Config, []finding.Finding, error) {
	data, err := read(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading configuration: %w", err)
	}
	c, fs := Parse(path, data)
	c.Path = path
	return c, fs, nil
}

// Parse parses a configuration file's content; name is used in findings.
// The returned Config is never nil: what could be read is set, the rest
// keeps its defaults.
func Parse(name string, data []byte) (*Config, []finding.Finding) {
	s := document.Parse(name, data, document.Limits{})
	var out []finding.Finding
	for _, p := range s.Problems {
		rule := RuleSyntax
		if p.Limit {
			rule = RuleLimit
		}
		out = append(out, finding.Finding{Rule: rule, Severity: finding.Error, Message: p.Msg,
			File: name, Line: p.Line, Column: p.Column, Document: p.Document})
	}
	var docs []*document.Document
	for _, d := range s.Docs {
		if d.Node != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		c := Default()
		c.Path = name
		if len(s.Problems) == 0 {
			out = append(out, finding.Finding{Rule: RuleSchema, Severity: finding.Error, File: name, Line: 1, Column: 1,
				Message: fmt.Sprintf("the configuration is empty; it needs at least apiVersion: %s and kind: %s", APIVersion, Kind)})
		}
		return c, out
	}
	for _, d := range docs[1:] {
		out = append(out, finding.Finding{Rule: RuleSchema, Severity: finding.Error, File: name, Line: d.Line, Column: 1, Document: d.Index,
			Message: "a configuration file holds one document; merge this one into the first or delete it"})
	}
	c, fs := FromObject(docs[0])
	c.Path = name
	return c, append(out, fs...)
}

// FromObject reads a configuration from a parsed document: the KRM
// functionConfig, or a Config met while linting.
func FromObject(doc *document.Document) (*Config, []finding.Finding) {
	c := Default()
	c.Doc = doc
	if doc == nil || doc.Node == nil {
		return c, nil
	}
	v := &validator{doc: doc}
	v.schema()
	if m, ok := doc.Value.(map[string]any); ok {
		v.decode(c, m)
	}
	slices.SortStableFunc(v.out, finding.Compare)
	return c, v.out
}

// Dir is the directory paths in the configuration are relative to: the
// file's directory, or the working directory when there is no file.
func (c *Config) Dir() string {
	if c.Base != "" {
		return c.Base
	}
	if c.Path == "" {
		return "."
	}
	return filepath.Dir(c.Path)
}

// Resolve turns a slash-separated path from the configuration (a generate
// spec glob or output directory) into a file-system path: relative paths
// are taken from the configuration's directory.
func (c *Config) Resolve(p string) string {
	p = filepath.FromSlash(p)
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(c.Dir(), p)
}

// RelPath expresses a file-system path (relative to the working directory
// or absolute) relative to the configuration's directory, slash-separated:
// the form lint.exclude patterns are matched against. ok is false when the
// file is outside that directory, where no exclude pattern applies.
func (c *Config) RelPath(file string) (rel string, ok bool) {
	base, err := filepath.Abs(c.Dir())
	if err != nil {
		return "", false
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	r, err := filepath.Rel(base, abs)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(r), true
}

// Locate returns the position of a path in the configuration, for
// findings about a setting (a generate spec glob that matches nothing).
// A missing field is located at its nearest parent; without a document it
// is line 1 of the file.
func (c *Config) Locate(p fieldpath.Path) (file string, line, col int) {
	file = c.Path
	if c.Doc == nil {
		return file, 1, 1
	}
	if file == "" && c.Doc.File != nil {
		file = c.Doc.File.Name
	}
	line, col, _ = c.Doc.Locate(p)
	return file, line, col
}
