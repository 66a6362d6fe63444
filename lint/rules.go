package lint

import (
	"slices"

	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// newChecker selects the rules of the run (package checker).
func newChecker(opts Options) (*checker.Checker, error) {
	catalog := opts.Rules
	if catalog == nil {
		catalog = rules.All()
	}
	// The engine's own rules are known whatever catalog a caller runs.
	for _, r := range rules.All() {
		if r.Category == rule.Engine && !slices.ContainsFunc(catalog, func(c *rule.Rule) bool { return c.ID == r.ID }) {
			catalog = append(slices.Clip(catalog), r)
		}
	}
	copts := checker.Options{
		Config:          opts.Config,
		PodSecurity:     opts.PodSecurity,
		CheckReferences: opts.CheckReferences,
		Gate:            opts.Gate,
		Enable:          opts.Enable,
		Disable:         opts.Disable,
	}
	if opts.SchemaOnly {
		copts.Only = func(*rule.Rule) bool { return false }
	}
	return checker.New(catalog, copts)
}

// status tells suppressions whether the rule they name exists and runs: a
// suppression of a disabled rule is not "unused".
func (l *Linter) status(id string) suppress.Status {
	switch {
	case l.checker.Enabled(id) != nil:
		return suppress.Enabled
	}
	if _, ok := l.checker.Rule(id); ok {
		return suppress.Disabled
	}
	return suppress.Unknown
}
