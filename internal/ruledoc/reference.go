package ruledoc

import (
	"fmt"
	"io"
	"strings"

	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/rule"
)

// categories in the order the reference presents them.
var categories = []struct {
	cat   rule.Category
	title string
	intro string
}{
	{rule.Correctness, "Correctness", "What the API server would reject, or what keeps the DaemonSet from ever rolling out or becoming ready. Each error-level rule names the Kubernetes validation or controller behaviour it mirrors."},
	{rule.Reliability, "Reliability", "It works, but it will hurt: evictions, stalled or unsafe rollouts, agents missing from some nodes, references to objects that do not exist."},
	{rule.Security, "Security", "Host access and container hardening. Host access that node agents legitimately need is info and asks for a reason; only clearly dangerous shapes are warnings."},
	{rule.Operations, "Operations", "Conventions that make a DaemonSet easier to run."},
	{rule.Engine, "Engine", "What the engine reports itself, around the rules: input it cannot read or parse, what the official schema rejects, suppressions that do not hold. These are always on; all but the two about suppressions can be suppressed like any rule."},
}

// Reference writes the Markdown reference of every rule (docs/rules.md).
// Each rule's heading is its ID, so its anchor is #<id>, which is where
// rule.URL points.
func Reference(w io.Writer, rules []*rule.Rule) error {
	var b strings.Builder
	b.WriteString("# everynode rules\n\n")
	b.WriteString("<!-- Generated from the rule registry by `UPDATE_GOLDEN=1 go test ./internal/ruledoc`. Do not edit. -->\n\n")
	b.WriteString("Every rule `everynode lint` runs, with what it flags, why it matters, an example, the fix and its parameters. ")
	b.WriteString("`everynode rules` prints this catalog as a table and `everynode explain RULE` prints one entry.\n\n")
	b.WriteString("**Severities.** **error**: the API server would reject the object, or the DaemonSet can never roll out or become ready as written. ")
	b.WriteString("**warning**: it works but is likely to hurt (eviction, stalled or unsafe rollouts, supply-chain risk). ")
	b.WriteString("**info**: worth a look, or a stated reason.\n\n")
	b.WriteString("**Pod Security.** A rule marked with a Pod Security level implements one of that level's controls. ")
	b.WriteString("With `podSecurity: baseline` or `restricted` in `.everynode.yaml`, the rules of that level and the ones below it are enabled and report at least warnings. ")
	b.WriteString("The default is `none`, because baseline forbids the host access every node agent needs.\n\n")
	b.WriteString("**Suppressing a finding.** Give the reason with an annotation on the object's own metadata, ")
	b.WriteString("`" + suppressAnnotation("<rule-id>") + ": \"<reason>\"`, or with a comment on the offending line or the line above it, ")
	b.WriteString("`# " + suppress.Marker + " <rule-id>[,<rule-id>] -- <reason>`. In an everynode Daemon spec, `ignore: [{rule: <rule-id>, reason: ...}]` becomes that annotation. ")
	b.WriteString("Annotations on the pod template are honoured but never recommended: changing one restarts the pod on every node.\n\n")
	b.WriteString("**Configuring a rule.** In `.everynode.yaml`, `lint.rules.<rule-id>` takes `enabled`, `severity` and `params`.\n\n")
	b.WriteString("**Examples.** Each Bad example gives a finding of its rule and each Good one does not: a test lints them. ")
	b.WriteString("An example shows the part of a DaemonSet that matters, written where its title says (the top of the object when it does not say); ")
	b.WriteString("the rest is a minimal valid DaemonSet, `node-agent` in namespace `monitoring`. Objects after `---` are linted with it.\n\n")
	if err := markdownTable(&b, rules, func(r *rule.Rule) string { return "#" + r.ID }); err != nil {
		return err
	}
	for _, c := range categories {
		var in []*rule.Rule
		for _, r := range rules {
			if r.Category == c.cat {
				in = append(in, r)
			}
		}
		if len(in) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n%s\n", c.title, c.intro)
		for _, r := range in {
			referenceEntry(&b, r)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func referenceEntry(b *strings.Builder, r *rule.Rule) {
	fmt.Fprintf(b, "\n### %s\n\n", r.ID)
	meta := metaItems(r, "**"+r.Severity.String()+"**")
	fmt.Fprintf(b, "%s\n\n%s.\n\n", strings.Join(meta, " · "), strings.TrimSuffix(r.Summary, "."))
	fmt.Fprintf(b, "**What it flags.** %s\n\n", r.Doc.What)
	fmt.Fprintf(b, "**Why it matters.** %s\n\n", r.Doc.Why)
	if r.Doc.Mirrors != "" {
		fmt.Fprintf(b, "**Mirrors.** %s\n\n", r.Doc.Mirrors)
	}
	if r.Doc.Bad != "" {
		fmt.Fprintf(b, "%s:\n\n```yaml\n%s\n```\n\n", exampleTitle("Bad", r.Doc.In), strings.TrimRight(r.Doc.Bad, "\n"))
		fmt.Fprintf(b, "%s:\n\n```yaml\n%s\n```\n\n", exampleTitle("Good", r.Doc.In), strings.TrimRight(r.Doc.Good, "\n"))
	}
	fmt.Fprintf(b, "**Fix.** %s%s\n\n", r.Doc.Fix, FixNote(r))
	if len(r.Doc.References) > 0 {
		b.WriteString("**References.**\n\n")
		for _, u := range r.Doc.References {
			fmt.Fprintf(b, "- <%s>\n", u)
		}
		b.WriteString("\n")
	}
	if len(r.Params) > 0 {
		b.WriteString("**Parameters.**\n\n| Name | Default | Meaning |\n|---|---|---|\n")
		for _, p := range r.Params {
			info := p.Info()
			fmt.Fprintf(b, "| `%s` | %s | %s |\n", info.Name, escapeCell(formatDefault(info.Default)), escapeCell(info.Doc))
		}
		b.WriteString("\n")
	}
	if suppress.Meta(r.ID) {
		b.WriteString("**Suppress.** It cannot be suppressed: fix or remove the suppression it is about.\n")
		return
	}
	fmt.Fprintf(b, "**Suppress.** `%s: \"<reason>\"` in `metadata.annotations`, or `%s`.\n",
		suppressAnnotation(r.ID), suppressComment(r.ID))
}
