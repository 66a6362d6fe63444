package placement

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteText writes the result for a terminal: a matrix with a row per
// DaemonSet and a column per node group (nodes every DaemonSet treats
// alike, with the group sizes), then the groups, the reasons why
// DaemonSets are not placed on a group, and the warnings. Names and values
// from the input have their control characters escaped.
func (r *Result) WriteText(w io.Writer) error {
	v := r.view()
	b := bufio.NewWriter(w)
	b.WriteString(v.headline())
	b.WriteString("\n")
	if len(v.rows) == 0 || len(v.groups) == 0 {
		return b.Flush()
	}
	b.WriteString("\n")

	header := []string{"DAEMONSET"}
	sizes := []string{"nodes"}
	for _, g := range v.groups {
		header = append(header, g.name)
		sizes = append(sizes, strconv.Itoa(g.size))
	}
	header = append(header, "DESIRED")
	sizes = append(sizes, "")
	table := [][]string{header, sizes}
	for _, rw := range v.rows {
		line := []string{escape(rw.name)}
		for i, c := range rw.cells {
			s := [...]string{"no", "keep", "yes"}[c]
			if rw.warned[i] {
				s += "!"
			}
			line = append(line, s)
		}
		line = append(line, strconv.Itoa(rw.desired)+" of "+strconv.Itoa(v.nodes))
		table = append(table, line)
	}
	writeTable(b, table)
	b.WriteString("\nyes: a pod is placed   keep: no new pod, a running one stays   no: no pod   !: see warnings\n")

	b.WriteString("\nNode groups:\n")
	for _, g := range v.groups {
		b.WriteString("  " + g.name + "  " + plural(g.size, "node", "nodes") + ": " + escape(g.memberList()) + "\n")
		detail := func(label string, items []string, empty string) {
			if len(items) == 0 && empty == "" {
				return
			}
			text := empty
			if len(items) > 0 {
				text = strings.Join(items, ", ")
			}
			b.WriteString("      " + label + ": " + escape(text) + "\n")
		}
		detail("taints", g.taints, "none")
		detail("labels", g.labels, "")
		detail("state", g.state, "")
		detail("allocatable", nil, g.allocatable)
	}

	if len(v.reasons) > 0 {
		b.WriteString("\nNot placed:\n")
		for _, rb := range v.reasons {
			b.WriteString("  " + escape(rb.name) + " (" + escape(rb.source) + "):\n")
			for _, it := range rb.items {
				b.WriteString("    " + escape(it.group) + ": " + escape(it.text) + "\n")
			}
		}
	}
	if len(v.warnings) > 0 {
		b.WriteString("\nWarnings:\n")
		for _, wl := range v.warnings {
			b.WriteString("  ")
			if wl.daemonset != "" {
				b.WriteString(escape(wl.daemonset) + " on ")
			}
			b.WriteString(escape(wl.group) + ": " + escape(wl.text) + "\n")
		}
	}
	return b.Flush()
}

// writeTable writes rows with columns padded to their widest cell (the
// first column left-aligned, the others too: short words read best so).
func writeTable(b *bufio.Writer, rows [][]string) {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range rows {
		var line strings.Builder
		for i, c := range r {
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)+2))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteString("\n")
	}
}
