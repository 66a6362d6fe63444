// Package config is everynode's configuration as Go values: kind: Config,
// apiVersion everynode.dev/v1alpha1, the file .everynode.yaml (see
// docs/configuration.md). It holds plain settings: the lint: section,
// which the rule runner (package checker) checks against a rule catalog,
// and the generate: section, which the generator reads.
//
// A Config is read with lint.LoadConfig or lint.ParseConfig, which report
// everything wrong in the file as positioned findings, or made in code;
// Default is the configuration used when there is none.
package config

import (
	"path/filepath"
	"strings"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

const (
	// APIVersion and Kind identify a configuration object.
	APIVersion = "everynode.dev/v1alpha1"
	Kind       = "Config"
	// FileName is the configuration file looked for in the working
	// directory and its parents.
	FileName = ".everynode.yaml"
)

// FailOnValues are the words lint.failOn and --fail-on accept, the same
// in both (schemas/config.schema.json lists them too).
var FailOnValues = []string{"error", "warning", "warn", "info", "none"}

// Config is a parsed configuration.
type Config struct {
	// Path is the file the configuration was read from, as given to Load;
	// "" for the default configuration and for functionConfigs.
	Path string
	// Base, when set, is the directory the configuration's relative paths
	// are taken from instead of Path's (--config-dir: a configuration
	// read from elsewhere, such as the base branch, for this tree).
	Base      string
	Lint      Lint
	Placement Placement
	Generate  []GenerateTarget
	// Position, when set, says where a path of the configuration is
	// written: the file, line and column, a missing field at its nearest
	// parent. The loader sets it; a Config made in code has none.
	Position func(p fieldpath.Path) (file string, line, col int)
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
	// FailOn is one of FailOnValues ("" means the default).
	FailOn string
	// Exclude holds glob patterns relative to the configuration's
	// directory; see Config.RelPath.
	Exclude         []string
	CheckReferences bool
	// Gate is default or strict ("" is default): strict makes the clearly
	// dangerous host-access findings errors.
	Gate string
	// Baseline is a baseline file (everynode lint --write-baseline),
	// relative to the configuration's directory; see Config.Resolve.
	Baseline string
	// Enable and Disable are rule selectors (a rule ID, a category, a
	// glob of IDs, all; see package checker), applied before Rules.
	Enable, Disable []string
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

// Placement is the placement: section: the settings of `everynode
// placement` and of the KRM validator's placement. Zero values mean "not
// set".
type Placement struct {
	// Nodes is the nodes file, slash-separated, relative to the
	// configuration's directory (Config.Resolve); "" means none.
	Nodes string
	// FailIfNone fails a run in which a DaemonSet runs on no node.
	FailIfNone bool
	// FailOn is "warning" (fail when a placed pod stays Pending), "none"
	// or "" (not set).
	FailOn string
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
// A missing field is located at its nearest parent; without Position it
// is line 1 of the file.
func (c *Config) Locate(p fieldpath.Path) (file string, line, col int) {
	if c.Position == nil {
		return c.Path, 1, 1
	}
	file, line, col = c.Position(p)
	if c.Path != "" {
		file = c.Path
	}
	return file, line, col
}
