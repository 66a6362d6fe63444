// Package configfile reads everynode's configuration (package
// lint/config): kind: Config, in .everynode.yaml (found in the working
// directory or a parent, up to the repository root) or given with
// --config, and the same object as the functionConfig of the KRM
// validator.
//
// Every problem in a configuration is a finding with a position, so a bad
// file reads like any other lint error; only I/O fails with an error. The
// shape is checked against schemas/config.schema.json (the schema editors
// use). This package knows nothing of rules: it holds lint.rules as plain
// settings, and the engine checks rule IDs and parameter values against
// the rule catalog, positioning what is wrong with Config.Locate.
package configfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

const (
	// RuleSchema is the rule ID of findings about the shape or meaning of a
	// configuration: it is validated against its own schema, as
	// everynode's own kinds are. RuleSyntax and RuleLimit are the IDs of
	// parse problems. All three are the engine's (lint/finding).
	RuleSchema = finding.RuleSchema
	RuleSyntax = finding.RuleSyntax
	RuleLimit  = finding.RuleLimit
)

// Find looks for config.FileName in dir and its parents, stopping at the
// repository root (the first directory that holds .git) or the file-system
// root. ok is false when there is none.
func Find(dir string) (path string, ok bool, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("finding %s: %w", config.FileName, err)
	}
	for {
		p := filepath.Join(dir, config.FileName)
		st, err := os.Stat(p)
		switch {
		case err == nil && st.Mode().IsRegular():
			return p, true, nil
		case err == nil:
			return "", false, fmt.Errorf("%s is not a regular file", p)
		case !errors.Is(err, fs.ErrNotExist):
			return "", false, fmt.Errorf("finding %s: %w", config.FileName, err)
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
func Load(path string) (*config.Config, []finding.Finding, error) {
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
func LoadWith(path string, read func(path string) ([]byte, error)) (*config.Config, []finding.Finding, error) {
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
func Parse(name string, data []byte) (*config.Config, []finding.Finding) {
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
		c := config.Default()
		c.Path = name
		if len(s.Problems) == 0 {
			out = append(out, finding.Finding{Rule: RuleSchema, Severity: finding.Error, File: name, Line: 1, Column: 1,
				Message: fmt.Sprintf("the configuration is empty; it needs at least apiVersion: %s and kind: %s", config.APIVersion, config.Kind)})
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
func FromObject(doc *document.Document) (*config.Config, []finding.Finding) {
	c := config.Default()
	if doc == nil {
		return c, nil
	}
	c.Position = func(p fieldpath.Path) (string, int, int) {
		line, col, _ := doc.Locate(p)
		if doc.File == nil {
			return "", line, col
		}
		return doc.File.Name, line, col
	}
	if doc.Node == nil {
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
