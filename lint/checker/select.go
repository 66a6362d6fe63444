package checker

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Rule selection works as ruff's select/ignore and kube-linter's
// include/exclude: --enable and --disable (and lint.enable, lint.disable
// in the configuration, and the KRM function's enable and disable) take
// selectors, each a comma-separated list of
//
//	a rule ID          host-path
//	a category         security, reliability, correctness, operations
//	a glob of IDs      missing-*, host-?ath, *-probe
//	all                every rule
//
// For each rule the most specific selector that matches it decides (an
// ID over a glob over a category over all), and at equal specificity
// disable wins: `--disable security --enable host-path` keeps host-path
// alone of the security rules. The configuration's lists apply first, its
// per-rule lint.rules entries then, and the command line's lists last.
// Selectors other than an ID never touch the engine's own rules, which are
// always on. A selector that matches no rule is an error with a
// suggestion: a typo must not silently select nothing.

// specificity orders selectors; a higher one wins.
type specificity int

const (
	specAll specificity = iota + 1
	specCategory
	specGlob
	specID
)

// Categories lists the category names a selector may use.
func Categories() []string {
	return []string{string(rule.Correctness), string(rule.Reliability), string(rule.Security), string(rule.Operations)}
}

// SplitSelectors splits comma-separated selectors and drops empty ones.
func SplitSelectors(values []string) []string {
	var out []string
	for _, v := range values {
		for s := range strings.SplitSeq(v, ",") {
			if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

// selection is the outcome of one layer of selectors for one rule.
type selection struct {
	on   bool
	spec specificity
}

// match returns the rules a selector matches and how specifically, or an
// error that says what is wrong with it.
func (c *Checker) match(sel string) ([]*rule.Rule, specificity, error) {
	switch {
	case sel == "all":
		return c.nonEngine(func(*rule.Rule) bool { return true }), specAll, nil
	case slices.Contains(Categories(), sel):
		return c.nonEngine(func(r *rule.Rule) bool { return string(r.Category) == sel }), specCategory, nil
	case sel == string(rule.Engine):
		return nil, 0, fmt.Errorf("the engine's rules (%s) are always on", sel)
	case strings.ContainsAny(sel, "*?["):
		if _, err := path.Match(sel, ""); err != nil {
			return nil, 0, fmt.Errorf("%q is not a valid glob pattern (check the brackets)", sel)
		}
		rs := c.nonEngine(func(r *rule.Rule) bool { ok, _ := path.Match(sel, r.ID); return ok })
		if len(rs) == 0 {
			return nil, 0, fmt.Errorf("%q matches no rule (see 'everynode rules')", sel)
		}
		return rs, specGlob, nil
	}
	r, ok := c.catalog[sel]
	if !ok {
		return nil, 0, fmt.Errorf("unknown rule or category %q%s (see 'everynode rules')", sel, c.selectorSuggestion(sel))
	}
	if r.Category == rule.Engine {
		return nil, 0, fmt.Errorf("rule %q is the engine's own and is always on", sel)
	}
	return []*rule.Rule{r}, specID, nil
}

func (c *Checker) nonEngine(keep func(*rule.Rule) bool) []*rule.Rule {
	var out []*rule.Rule
	for _, id := range c.known {
		if r := c.catalog[id]; r.Category != rule.Engine && keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func (c *Checker) selectorSuggestion(sel string) string {
	names := slices.Concat(c.known, Categories(), []string{"all"})
	if s := suggest.Closest(sel, names); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}

// layer resolves one layer of enable and disable selectors: for each rule
// a selector matches, whether it is on. Problems are appended to errs,
// made by errFor from the selector's list and index.
func (c *Checker) layer(enable, disable []string, errFor func(disable bool, i int, err error) error, errs *[]error) map[string]bool {
	best := map[string]selection{}
	apply := func(sels []string, on bool) {
		for i, s := range sels {
			rs, spec, err := c.match(s)
			if err != nil {
				*errs = append(*errs, errFor(!on, i, err))
				continue
			}
			for _, r := range rs {
				b, seen := best[r.ID]
				// Disable is applied second: at equal specificity it wins.
				if !seen || spec >= b.spec {
					best[r.ID] = selection{on: on, spec: spec}
				}
			}
		}
	}
	apply(enable, true)
	apply(disable, false)
	out := make(map[string]bool, len(best))
	for id, s := range best {
		out[id] = s.on
	}
	return out
}

// configSelectors reads lint.enable and lint.disable, each item possibly
// a comma-separated list, remembering where each selector is written.
func configSelectors(cfg *config.Config, key string, values []string) (sels []string, paths []fieldpath.Path) {
	for i, v := range values {
		for _, s := range SplitSelectors([]string{v}) {
			sels = append(sels, s)
			paths = append(paths, fieldpath.New("lint", key).Index(i))
		}
	}
	return sels, paths
}
