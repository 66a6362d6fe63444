package placement

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteMarkdown writes the result for a pull-request comment or a CI job
// summary: the same matrix, groups, reasons and warnings as WriteText, as
// GitHub-flavoured Markdown. Text from the input is escaped: Markdown
// syntax cannot format, link or break out of a table cell, and control
// characters are shown as escapes.
func (r *Result) WriteMarkdown(w io.Writer) error {
	v := r.view()
	b := bufio.NewWriter(w)
	b.WriteString("### DaemonSet placement\n\n")
	b.WriteString(v.headline() + ".\n")
	if len(v.rows) == 0 || len(v.groups) == 0 {
		return b.Flush()
	}

	b.WriteString("\n| DaemonSet |")
	for _, g := range v.groups {
		b.WriteString(" " + g.name + " (" + plural(g.size, "node", "nodes") + ") |")
	}
	b.WriteString(" Desired |\n| --- |")
	for range v.groups {
		b.WriteString(" :-: |")
	}
	b.WriteString(" --: |\n")
	for _, rw := range v.rows {
		b.WriteString("| " + md(rw.name) + " |")
		for i, c := range rw.cells {
			s := [...]string{"❌", "⏸️", "✅"}[c]
			if rw.warned[i] {
				s += " ⚠️"
			}
			b.WriteString(" " + s + " |")
		}
		b.WriteString(" " + strconv.Itoa(rw.desired) + " of " + strconv.Itoa(v.nodes) + " |\n")
	}
	b.WriteString("\n✅ a pod is placed · ⏸️ no new pod, a running one stays · ❌ no pod · ⚠️ see warnings\n")

	b.WriteString("\n#### Node groups\n\n| Group | Nodes | Taints | Labels | State | Allocatable |\n| --- | --- | --- | --- | --- | --- |\n")
	for _, g := range v.groups {
		taints := "none"
		if len(g.taints) > 0 {
			taints = strings.Join(g.taints, ", ")
		}
		cells := []string{
			g.name,
			plural(g.size, "node", "nodes") + ": " + g.memberList(),
			taints,
			strings.Join(g.labels, ", "),
			strings.Join(g.state, ", "),
			g.allocatable,
		}
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + md(c) + " |")
		}
		b.WriteString("\n")
	}

	if len(v.reasons) > 0 {
		b.WriteString("\n#### Not placed\n\n")
		for _, rb := range v.reasons {
			b.WriteString("- **" + md(rb.name) + "** (" + md(rb.source) + ")\n")
			for _, it := range rb.items {
				b.WriteString("  - " + md(it.group) + ": " + md(it.text) + "\n")
			}
		}
	}
	if len(v.warnings) > 0 {
		b.WriteString("\n#### Warnings\n\n")
		for _, wl := range v.warnings {
			b.WriteString("- ")
			if wl.daemonset != "" {
				b.WriteString("**" + md(wl.daemonset) + "** on ")
			}
			b.WriteString(md(wl.group) + ": " + md(wl.text) + "\n")
		}
	}
	return b.Flush()
}

// md makes s literal Markdown text that stays inside its table cell or
// list item: control characters escaped, Markdown syntax backslash-escaped
// (as lint's Markdown report does), and '|' unable to end a cell.
func md(s string) string { return mdEscape(escape(s)) }

var mdEscape = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", "&amp;", "#", `\#`,
).Replace

// WriteJSON writes the result as one JSON object (see Result for the
// contract): the structure indented by two spaces, each node's entry on
// one line, so that 500 nodes × 50 DaemonSets stay a file people can
// read and diff. It is what encoding/json makes of a Result, laid out.
// Characters that could act on a terminal (DEL, C1 and bidirectional
// controls, which encoding/json leaves raw) are written as \u escapes
// too, so the output is safe to print.
func (r *Result) WriteJSON(w io.Writer) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	value := func(v any) error {
		if err := enc.Encode(v); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // Encode's newline
		return nil
	}
	buf.WriteString("{\n  \"nodes\": ")
	buf.WriteString(strconv.Itoa(r.Nodes))
	buf.WriteString(",\n  \"daemonsets\": [")
	for i := range r.DaemonSets {
		d := &r.DaemonSets[i]
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    {\n      \"file\": ")
		if err := value(d.File); err != nil {
			return err
		}
		buf.WriteString(",\n      \"document\": " + strconv.Itoa(d.Document) + ",\n      \"namespace\": ")
		if err := value(d.Namespace); err != nil {
			return err
		}
		buf.WriteString(",\n      \"name\": ")
		if err := value(d.Name); err != nil {
			return err
		}
		buf.WriteString(",\n      \"desired\": " + strconv.Itoa(d.Desired) + ",\n      \"nodes\": [")
		for j := range d.Nodes {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString("\n        ")
			if err := value(&d.Nodes[j]); err != nil {
				return err
			}
		}
		if len(d.Nodes) > 0 {
			buf.WriteString("\n      ")
		}
		buf.WriteString("]\n    }")
	}
	if len(r.DaemonSets) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("],\n  \"nodeTotals\": [")
	for i := range r.NodeTotals {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n    ")
		if err := value(&r.NodeTotals[i]); err != nil {
			return err
		}
	}
	if len(r.NodeTotals) > 0 {
		buf.WriteString("\n  ")
	}
	buf.WriteString("]\n}\n")
	_, err := w.Write(escapeJSONOutput(buf.Bytes()))
	return err
}

// escapeJSONOutput writes as \u escapes the characters encoding/json
// leaves raw that escape would change. They can occur only inside JSON
// strings (everything else is ASCII), where an escape is the same value.
func escapeJSONOutput(data []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(data); {
		if data[i] < 0x7f {
			i++ // ASCII, the whole of the structure and most names
			continue
		}
		r, size := utf8.DecodeRune(data[i:])
		if unsafeRune(r) {
			if out == nil {
				out = make([]byte, 0, len(data)+32)
			}
			out = append(out, data[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}
