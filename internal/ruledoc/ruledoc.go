// Package ruledoc renders the rule catalog for people: the table of
// `everynode rules`, the page of `everynode explain RULE`, and the
// reference docs/rules.md, all from the registry so that none of them can
// drift from the rules themselves.
package ruledoc

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	typo "github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/rule"
)

// width is where explain wraps prose.
const width = 80

// Default says whether a rule runs under the default configuration:
// on, off, or always for the engine's own findings.
func Default(r *rule.Rule) string {
	switch {
	case r.Category == rule.Engine:
		return "always"
	case r.Disabled:
		return "off"
	}
	return "on"
}

// defaultPhrase is Default in a sentence.
func defaultPhrase(r *rule.Rule) string {
	if r.Category == rule.Engine {
		return "always on"
	}
	return Default(r) + " by default"
}

// Table writes the catalog as an aligned text table, one rule a line.
func Table(w io.Writer, rules []*rule.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCATEGORY\tSEVERITY\tDEFAULT\tSUMMARY")
	for _, r := range rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.ID, r.Category, r.Severity, Default(r), r.Summary)
	}
	return tw.Flush()
}

// jsonRule is one rule in `everynode rules --format json`. The field names
// are a public contract, like the findings' JSON.
type jsonRule struct {
	ID          string      `json:"id"`
	Category    string      `json:"category"`
	Severity    string      `json:"severity"`
	Enabled     bool        `json:"enabled"`
	PodSecurity string      `json:"podSecurity,omitempty"`
	CrossObject bool        `json:"crossObject,omitempty"`
	Summary     string      `json:"summary"`
	URL         string      `json:"url"`
	Params      []jsonParam `json:"params,omitempty"`
}

type jsonParam struct {
	Name    string `json:"name"`
	Default any    `json:"default"`
	Doc     string `json:"doc"`
}

// JSON writes the catalog as {"rules": [...]}.
func JSON(w io.Writer, rules []*rule.Rule) error {
	out := struct {
		Rules []jsonRule `json:"rules"`
	}{Rules: make([]jsonRule, 0, len(rules))}
	for _, r := range rules {
		jr := jsonRule{
			ID: r.ID, Category: string(r.Category), Severity: r.Severity.String(), Enabled: !r.Disabled,
			CrossObject: r.Deferred, Summary: r.Summary, URL: r.URL(),
		}
		if r.PodSecurity != rule.PodSecurityNone {
			jr.PodSecurity = r.PodSecurity.String()
		}
		for _, p := range r.Params {
			info := p.Info()
			jr.Params = append(jr.Params, jsonParam{Name: info.Name, Default: info.Default, Doc: info.Doc})
		}
		out.Rules = append(out.Rules, jr)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// MarkdownTable writes the catalog as a Markdown table whose IDs link to
// the reference.
func MarkdownTable(w io.Writer, rules []*rule.Rule) error {
	return markdownTable(w, rules, func(r *rule.Rule) string { return r.URL() })
}

func markdownTable(w io.Writer, rules []*rule.Rule, link func(*rule.Rule) string) error {
	var b strings.Builder
	b.WriteString("| Rule | Category | Severity | Default | Pod Security | Summary |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range rules {
		pss := "–"
		if r.PodSecurity != rule.PodSecurityNone {
			pss = r.PodSecurity.String()
		}
		fmt.Fprintf(&b, "| [`%s`](%s) | %s | %s | %s | %s | %s |\n",
			r.ID, link(r), r.Category, r.Severity, Default(r), pss, escapeCell(r.Summary))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// suppressAnnotation is the annotation that suppresses a rule on an object.
func suppressAnnotation(id string) string { return suppress.AnnotationPrefix + id }

// suppressComment is the comment that suppresses a rule on a line.
func suppressComment(id string) string { return "# " + suppress.Marker + " " + id + " -- <reason>" }

// Explain writes one rule's documentation for the terminal.
func Explain(w io.Writer, r *rule.Rule) error {
	var b strings.Builder
	b.WriteString(wrap(r.ID+": "+r.Summary, ""))
	b.WriteString("\n")
	b.WriteString(wrapItems(metaItems(r, r.Severity.String()), " · ", "  "))
	fmt.Fprintf(&b, "  %s\n", r.URL())
	section(&b, "What it flags", r.Doc.What)
	section(&b, "Why it matters", r.Doc.Why)
	if r.PodSecurity != rule.PodSecurityNone {
		section(&b, "Pod Security", podSecurityNote(r))
	}
	example(&b, exampleTitle("Bad", r.Doc.In), r.Doc.Bad)
	example(&b, exampleTitle("Good", r.Doc.In), r.Doc.Good)
	section(&b, "How to fix", r.Doc.Fix+FixNote(r))
	if r.Doc.Mirrors != "" {
		section(&b, "What it mirrors", r.Doc.Mirrors)
	}
	if len(r.Doc.References) > 0 {
		b.WriteString("\nReferences\n")
		for _, u := range r.Doc.References {
			fmt.Fprintf(&b, "  %s\n", u)
		}
	}
	b.WriteString("\nHow to suppress\n")
	if suppress.Meta(r.ID) {
		b.WriteString(wrap("It cannot be suppressed: fix or remove the suppression it is about.", "  "))
	} else {
		b.WriteString(wrap("On the object's own metadata, with the reason as the value (a suppression without a reason is itself reported):", "  "))
		fmt.Fprintf(&b, "    metadata:\n      annotations:\n        %s: \"<reason>\"\n", suppressAnnotation(r.ID))
		b.WriteString(wrap("or with a comment on the offending line or the line above it:", "  "))
		fmt.Fprintf(&b, "    %s\n", suppressComment(r.ID))
		b.WriteString(wrap(fmt.Sprintf("In an everynode Daemon spec: ignore: [{rule: %s, reason: \"<reason>\"}].", r.ID), "  "))
	}
	if len(r.Params) > 0 {
		b.WriteString("\nParameters\n")
		for _, p := range r.Params {
			info := p.Info()
			b.WriteString(wrap(fmt.Sprintf("%s (default: %s)", info.Name, formatDefault(info.Default)), "  "))
			b.WriteString(wrap(info.Doc, "      "))
		}
		b.WriteString("  Set them in .everynode.yaml:\n")
		fmt.Fprintf(&b, "    lint:\n      rules:\n        %s:\n          params:\n            %s: %s\n",
			r.ID, r.Params[0].Info().Name, yamlDefault(r.Params[0].Info().Default))
	}
	if r.Disabled {
		b.WriteString("\nEnabling it\n")
		fmt.Fprintf(&b, "  Off by default. In .everynode.yaml:\n    lint:\n      rules:\n        %s: {enabled: true}\n", r.ID)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// metaItems are the facts about a rule under its summary: category,
// severity, default, Pod Security level, whether it looks across objects.
func metaItems(r *rule.Rule, severity string) []string {
	first := string(r.Category)
	if r.Category == rule.Engine {
		first = "reported by the lint engine"
	}
	meta := []string{first, severity, defaultPhrase(r)}
	if r.PodSecurity != rule.PodSecurityNone {
		meta = append(meta, "Pod Security "+r.PodSecurity.String())
	}
	if r.Deferred {
		meta = append(meta, "looks across objects")
	}
	switch r.Fixes {
	case rule.SafeFix:
		meta = append(meta, "fix: safe (--fix)")
	case rule.UnsafeFix:
		meta = append(meta, "fix: unsafe (--unsafe-fixes)")
	case rule.MixedFix:
		meta = append(meta, "fix: safe or unsafe")
	}
	return meta
}

// FixNote says what `everynode lint --fix` does for a rule ("" when it
// has no fix), after the doc's own words on the fix.
func FixNote(r *rule.Rule) string {
	switch r.Fixes {
	case rule.SafeFix:
		return " `everynode lint --fix` makes this change where it is certain (a safe fix)."
	case rule.UnsafeFix:
		return " `everynode lint --fix --unsafe-fixes` makes this change; it is unsafe, because it can stop an agent " +
			"that needs what it takes away: check the workload after it."
	case rule.MixedFix:
		return " `everynode lint --fix` makes this change where it is safe, and `--unsafe-fixes` where it may " +
			"change what the workload does."
	}
	return ""
}

// podSecurityNote says what the podSecurity setting does to a rule.
func podSecurityNote(r *rule.Rule) string {
	levels := "`podSecurity: restricted`"
	if r.PodSecurity == rule.Baseline {
		levels = "`podSecurity: baseline` or `restricted`"
	}
	return fmt.Sprintf("This rule implements a Pod Security Standards %s control: with %s in .everynode.yaml "+
		"it is enabled and its findings are at least warnings.", r.PodSecurity, levels)
}

func section(b *strings.Builder, title, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	b.WriteString(wrap(text, "  "))
}

// exampleTitle says where an example is written, when it is not the top
// of an object: "Bad (in a container)".
func exampleTitle(title string, in rule.ExampleIn) string {
	if d := in.Describe(); d != "" {
		return title + " (" + d + ")"
	}
	return title
}

func example(b *strings.Builder, title, text string) {
	if text == "" {
		return
	}
	fmt.Fprintf(b, "\n%s\n", title)
	for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if l == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("    " + l + "\n")
	}
}

// wrap fills text to width (counted in characters) with every line
// prefixed by indent.
func wrap(text, indent string) string {
	var b strings.Builder
	line, n := indent, utf8.RuneCountInString(indent)
	start := n
	for _, word := range strings.Fields(text) {
		w := utf8.RuneCountInString(word)
		if n > start && n+1+w > width {
			b.WriteString(line + "\n")
			line, n = indent, start
		}
		if n > start {
			line += " "
			n++
		}
		line += word
		n += w
	}
	if n > start {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// wrapItems joins items with sep, breaking lines between items only.
func wrapItems(items []string, sep, indent string) string {
	var b strings.Builder
	line := indent
	for i, it := range items {
		switch {
		case i == 0:
			line += it
		case utf8.RuneCountInString(line+sep+it) > width:
			b.WriteString(strings.TrimRight(line+sep, " ") + "\n")
			line = indent + it
		default:
			line += sep + it
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

// formatDefault renders a parameter default for prose.
func formatDefault(v any) string {
	switch d := v.(type) {
	case []string:
		if len(d) == 0 {
			return "none"
		}
		return strings.Join(d, ", ")
	case string:
		return fmt.Sprintf("%q", d)
	}
	return fmt.Sprint(v)
}

// yamlDefault renders a parameter default as a YAML value.
func yamlDefault(v any) string {
	switch d := v.(type) {
	case []string:
		q := make([]string, len(d))
		for i, s := range d {
			q[i] = fmt.Sprintf("%q", s)
		}
		return "[" + strings.Join(q, ", ") + "]"
	case string:
		return fmt.Sprintf("%q", d)
	}
	return fmt.Sprint(v)
}

// Suggest returns up to three rule IDs close to an unknown one: IDs that
// contain it or that it contains, then IDs a few edits away.
func Suggest(id string, rules []*rule.Rule) []string {
	id = strings.ToLower(strings.TrimSpace(id))
	type cand struct {
		id   string
		dist int
	}
	var cands []cand
	for _, r := range rules {
		d := typo.Distance(id, r.ID)
		switch {
		case id != "" && (strings.Contains(r.ID, id) || strings.Contains(id, r.ID)):
			cands = append(cands, cand{r.ID, min(d, 1)})
		case d <= max(2, len(id)/3):
			cands = append(cands, cand{r.ID, d})
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return a.dist - b.dist })
	if len(cands) > 0 && cands[0].dist == 0 {
		// Only the case differed: that is the rule meant.
		return []string{cands[0].id}
	}
	var out []string
	for _, c := range cands {
		if len(out) == 3 {
			break
		}
		out = append(out, c.id)
	}
	return out
}
