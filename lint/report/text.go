package report

import (
	"bufio"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// The text format reads like the Go compiler's and rustc's diagnostics:
//
//	deploy/agent.yaml:14:9: error: unknown field "hostNetwrok" [schema]
//	   14 |         hostNetwrok: true
//	      |         ^
//
// A finding that `--fix` fixes has [*] before its message, as ruff marks
// them.
//
// The first line is what editors and CI log parsers match; the source line
// and caret are for people.

const (
	tabWidth = 4
	// Lines longer than this many characters are shown as a window around
	// the caret: a minified JSON manifest is one very long line.
	maxSourceRunes = 160
)

type palette struct {
	bold, dim, gutter, reset string
	sev                      map[finding.Severity]string
}

func newPalette(color bool) palette {
	if !color {
		return palette{}
	}
	return palette{
		bold:   "\x1b[1m",
		dim:    "\x1b[2m",
		gutter: "\x1b[1;34m",
		reset:  "\x1b[0m",
		sev: map[finding.Severity]string{
			finding.Error:   "\x1b[1;31m",
			finding.Warning: "\x1b[1;33m",
			finding.Info:    "\x1b[1;36m",
		},
	}
}

// The text report, within each file, shows errors, then warnings, then
// infos; findings at one position stay together under one source line,
// placed by the most severe of them. With Options.Width (the CLI sets it
// for a terminal) messages are wrapped so that lines fit: the first line
// keeps position, severity and rule ID, the rest of the sentence follows
// indented. Without it each message stays on one line, whole, for editors
// and log parsers that read one line per diagnostic.

// breakdownMin is the number of findings from which the report ends with
// counts by rule and by resource.
const breakdownMin = 5

func writeText(w *bufio.Writer, r *Report, opts Options) error {
	p := newPalette(opts.Color)
	fs := visible(r.Findings)
	if opts.Statistics {
		writeStatistics(w, r, fs, p, opts)
		return nil
	}
	for start := 0; start < len(fs); {
		end := start + 1
		for end < len(fs) && fs[end].File == fs[start].File {
			end++
		}
		var src *document.File
		if !opts.Quiet && r.Source != nil && fs[start].File != "" {
			if data := r.Source(fs[start].File); data != nil {
				// Lines are counted as positions were: where YAML
				// breaks them, in UTF-8.
				src = document.NewFile(fs[start].File, data)
			}
		}
		for _, group := range bySeverityGroups(fs[start:end]) {
			for i := range group {
				writeTextHeader(w, &group[i], p, opts.Width)
			}
			writeSnippet(w, &group[0], src, p)
			if !opts.Quiet {
				w.WriteByte('\n')
			}
		}
		start = end
	}
	if opts.Quiet {
		return nil
	}
	// A breakdown helps with many findings; with a few it only repeats them.
	if len(fs) >= breakdownMin {
		writeBreakdown(w, fs, p)
	}
	w.WriteString(p.bold)
	w.WriteString(summaryLine(r, opts))
	w.WriteString(p.reset)
	w.WriteByte('\n')
	return nil
}

// bySeverityGroups splits one file's findings (sorted by position) into
// groups at one position, ordered by their most severe finding, then by
// position.
func bySeverityGroups(fs []finding.Finding) [][]finding.Finding {
	var groups [][]finding.Finding
	for i := 0; i < len(fs); {
		j := i + 1
		for j < len(fs) && fs[j].Line == fs[i].Line && fs[j].Column == fs[i].Column {
			j++
		}
		g := slices.Clone(fs[i:j])
		// Within a position, most severe first.
		slices.SortStableFunc(g, func(a, b finding.Finding) int { return int(b.Severity) - int(a.Severity) })
		groups = append(groups, g)
		i = j
	}
	slices.SortStableFunc(groups, func(a, b []finding.Finding) int { return int(b[0].Severity) - int(a[0].Severity) })
	return groups
}

func writeTextHeader(w *bufio.Writer, f *finding.Finding, p palette, width int) {
	first, rest, _ := strings.Cut(f.Message, "\n")
	first = safetext.Line(first)
	pos := position(f)
	head, tail := first, ""
	if width > 0 {
		// What fits on the first line after the position, the severity
		// and the rule ID; the rest of the sentence goes on the next lines.
		room := width - displayWidth(pos) - len(f.Severity.String()) - len(": ") - len(" [") - len(f.Rule) - len("]")
		head, tail = splitMessage(first, room)
	}
	w.WriteString(p.bold)
	w.WriteString(pos)
	w.WriteString(p.reset)
	w.WriteString(p.sev[f.Severity])
	w.WriteString(f.Severity.String())
	w.WriteString(p.reset)
	w.WriteString(": ")
	if f.Fix.Applicable(false) {
		// As ruff marks what --fix fixes; the line still ends in the
		// rule ID, which tools read there.
		w.WriteString("[*] ")
	}
	w.WriteString(p.bold)
	w.WriteString(head)
	w.WriteString(p.reset)
	if f.Rule != "" {
		w.WriteString(p.dim)
		w.WriteString(" [")
		w.WriteString(f.Rule)
		w.WriteString("]")
		w.WriteString(p.reset)
	}
	w.WriteByte('\n')
	// Continuation lines are indented so that the first line alone still
	// reads as one diagnostic to tools that parse it.
	for _, line := range wrap(tail, width-4) {
		w.WriteString("    ")
		w.WriteString(line)
		w.WriteByte('\n')
	}
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		if width <= 0 {
			w.WriteString("    ")
			w.WriteString(safetext.Line(line))
			w.WriteByte('\n')
			continue
		}
		for _, l := range wrap(safetext.Line(line), width-4) {
			w.WriteString("    ")
			w.WriteString(l)
			w.WriteByte('\n')
		}
	}
}

// splitMessage cuts a message that does not fit room columns at the last
// clause boundary that fits and leaves at least half the room used: "; "
// first, then ": ", then ", ", then any space, never inside parentheses,
// brackets or quotes ("(quote it: "3")" stays whole) unless nothing else
// fits.
func splitMessage(msg string, room int) (head, tail string) {
	room = max(room, 10)
	if displayWidth(msg) <= room {
		return msg, ""
	}
	limit := byteIndexAtWidth(msg, room)
	// cuts[k] is the last cut of kind k (0 "; ", 1 ": ", 2 ", ", 3 " "
	// outside any nesting, 4 any space) before limit: the byte index of
	// the space where the line breaks.
	cuts := [5]int{-1, -1, -1, -1, -1}
	depth, quoted := 0, false
	for i := 0; i < limit; i++ {
		switch c := msg[i]; {
		case c == '"':
			quoted = !quoted
		case c == '(' || c == '[' || c == '{':
			depth++
		case (c == ')' || c == ']' || c == '}') && depth > 0:
			depth--
		case c == ' ':
			cuts[4] = i
			if depth > 0 || quoted {
				continue
			}
			cuts[3] = i
			switch msg[i-1] {
			case ';':
				cuts[0] = i
			case ':':
				cuts[1] = i
			case ',':
				cuts[2] = i
			}
		}
	}
	for k, i := range cuts {
		if i > 0 && (i >= room/2 || k == len(cuts)-1) {
			return msg[:i], strings.TrimLeft(msg[i:], " ")
		}
	}
	return msg, ""
}

// wrap breaks text into lines of at most width columns at spaces (a word
// longer than that stays whole).
func wrap(text string, width int) []string {
	var lines []string
	for text != "" {
		if displayWidth(text) <= width {
			lines = append(lines, text)
			break
		}
		limit := byteIndexAtWidth(text, width)
		i := strings.LastIndex(text[:limit+1], " ")
		if i <= 0 {
			if i = strings.Index(text, " "); i < 0 {
				lines = append(lines, text)
				break
			}
		}
		lines = append(lines, text[:i])
		text = strings.TrimLeft(text[i:], " ")
	}
	return lines
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

// byteIndexAtWidth is the byte offset where s reaches width columns.
func byteIndexAtWidth(s string, width int) int {
	n := 0
	for i, r := range s {
		if n+runeWidth(r) > width {
			return i
		}
		n += runeWidth(r)
	}
	return len(s)
}

func writeSnippet(w *bufio.Writer, f *finding.Finding, src *document.File, p palette) {
	if src == nil || f.Line < 1 || f.Line > src.Lines() {
		return
	}
	shown, caret := renderSource(src.Line(f.Line), f.Column)
	num := strconv.Itoa(f.Line)
	pad := strings.Repeat(" ", len(num))
	w.WriteString(p.gutter)
	w.WriteString(" ")
	w.WriteString(num)
	w.WriteString(" | ")
	w.WriteString(p.reset)
	w.WriteString(shown)
	w.WriteByte('\n')
	if caret >= 0 {
		w.WriteString(p.gutter)
		w.WriteString(" ")
		w.WriteString(pad)
		w.WriteString(" | ")
		w.WriteString(p.reset)
		w.WriteString(strings.Repeat(" ", caret))
		w.WriteString(p.sev[f.Severity])
		w.WriteByte('^')
		w.WriteString(p.reset)
		w.WriteByte('\n')
	}
}

// writeBreakdown is the closing summary by rule and by resource: which
// rules fire most, and which objects have the most findings.
func writeBreakdown(w *bufio.Writer, fs []finding.Finding, p palette) {
	type count struct {
		key    string
		bySev  [finding.Error + 1]int
		n, sev int
	}
	tally := func(key func(*finding.Finding) string) []*count {
		idx := map[string]*count{}
		var out []*count
		for i := range fs {
			k := key(&fs[i])
			c, ok := idx[k]
			if !ok {
				c = &count{key: k}
				idx[k] = c
				out = append(out, c)
			}
			c.n++
			c.bySev[fs[i].Severity]++
			c.sev = max(c.sev, int(fs[i].Severity))
		}
		slices.SortStableFunc(out, func(a, b *count) int {
			if a.n != b.n {
				return b.n - a.n
			}
			return strings.Compare(a.key, b.key)
		})
		return out
	}
	const maxRules, maxResources = 10, 10
	byRule := tally(func(f *finding.Finding) string { return f.Rule })
	width := 0
	for _, c := range byRule {
		width = max(width, len(c.key))
	}
	w.WriteString(p.bold)
	w.WriteString("By rule:")
	w.WriteString(p.reset)
	w.WriteByte('\n')
	for i, c := range byRule {
		if i == maxRules {
			fmt.Fprintf(w, "  … %d more (--statistics lists them all)\n", len(byRule)-maxRules)
			break
		}
		sev := finding.Severity(c.sev)
		fmt.Fprintf(w, "  %5d  %-*s  %s%s%s\n", c.n, width, c.key, p.sev[sev], sev, p.reset)
	}
	byResource := tally(func(f *finding.Finding) string {
		r := f.Resource
		if r.Kind == "" {
			return safetext.Path(f.File)
		}
		name := r.Name
		if r.Namespace != "" {
			name = r.Namespace + "/" + name
		}
		if name == "" {
			return fmt.Sprintf("%s (%s)", r.Kind, safetext.Path(f.File))
		}
		return fmt.Sprintf("%s %s (%s)", r.Kind, safetext.Line(name), safetext.Path(f.File))
	})
	w.WriteString(p.bold)
	w.WriteString("By resource:")
	w.WriteString(p.reset)
	w.WriteByte('\n')
	for i, c := range byResource {
		if i == maxResources {
			fmt.Fprintf(w, "  … %d more\n", len(byResource)-maxResources)
			break
		}
		var parts []string
		for _, sev := range []finding.Severity{finding.Error, finding.Warning, finding.Info} {
			if n := c.bySev[sev]; n > 0 {
				parts = append(parts, p.sev[sev]+plural(n, sev.String(), sev.String()+"s")+p.reset)
			}
		}
		fmt.Fprintf(w, "  %5d  %s: %s\n", c.n, c.key, strings.Join(parts, ", "))
	}
	w.WriteByte('\n')
}

// writeStatistics prints how many findings each rule has, most first, as
// ruff --statistics does, and the summary line.
func writeStatistics(w *bufio.Writer, r *Report, fs []finding.Finding, p palette, opts Options) {
	type row struct {
		rule string
		sev  finding.Severity
		n    int
	}
	idx := map[string]int{}
	var rows []row
	for _, f := range fs {
		j, ok := idx[f.Rule]
		if !ok {
			j = len(rows)
			idx[f.Rule] = j
			rows = append(rows, row{rule: f.Rule})
		}
		rows[j].n++
		rows[j].sev = max(rows[j].sev, f.Severity)
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.rule, b.rule)
	})
	width := 0
	for _, x := range rows {
		width = max(width, len(x.rule))
	}
	for _, x := range rows {
		summary := ""
		if info, ok := r.rule(x.rule); ok {
			summary = info.Summary
		}
		line := fmt.Sprintf("%5d  %-*s  %s%-7s%s  %s", x.n, width, x.rule, p.sev[x.sev], x.sev, p.reset, safetext.Line(summary))
		w.WriteString(strings.TrimRight(line, " "))
		w.WriteByte('\n')
	}
	w.WriteString(p.bold)
	w.WriteString(summaryLine(r, opts))
	w.WriteString(p.reset)
	w.WriteByte('\n')
}

// position is "file:line:col: ", leaving out what is unknown: a finding
// about a whole file (unreadable-file) has no line.
func position(f *finding.Finding) string {
	var b strings.Builder
	if f.File != "" {
		b.WriteString(safetext.Path(f.File))
		b.WriteByte(':')
	}
	if f.Line > 0 {
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteByte(':')
		if f.Column > 0 {
			b.WriteString(strconv.Itoa(f.Column))
			b.WriteByte(':')
		}
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	return b.String()
}

// renderSource makes a source line safe and aligned for a terminal: tabs
// expanded, control characters escaped (a manifest must not be able to
// drive the terminal), wide characters counted as two cells. It returns
// the line and the cell where the caret for rune column col goes, or -1
// when col is unknown. Long lines are cut to a window around the column.
func renderSource(line string, col int) (string, int) {
	n := utf8.RuneCountInString(line)
	from, to := 1, n
	if n > maxSourceRunes {
		center := col
		if center < 1 {
			center = 1
		}
		from = max(1, center-maxSourceRunes/2)
		to = min(n, from+maxSourceRunes-1)
		from = max(1, to-maxSourceRunes+1)
	}
	var b strings.Builder
	cells, caret := 0, -1
	if from > 1 {
		b.WriteString("…")
		cells++
	}
	i := 0
	var prev1, prev2 rune
	for _, r := range line {
		i++
		if i < from {
			continue
		}
		if i > to {
			break
		}
		if i == col {
			caret = cells
		}
		p1, p2 := prev1, prev2
		prev1, prev2 = r, p1
		switch {
		case r == '[' && p1 == '#' && p2 == '#':
			// GitHub's runner reads "##[command]" anywhere in a log line.
			b.WriteString(`\[`)
			cells += 2
		case r == '\t':
			pad := tabWidth - cells%tabWidth
			b.WriteString(strings.Repeat(" ", pad))
			cells += pad
		case isControl(r):
			esc := escapeControl(r)
			b.WriteString(esc)
			cells += len(esc)
		default:
			b.WriteRune(r)
			cells += runeWidth(r)
		}
	}
	if to < n {
		b.WriteString("…")
	}
	if caret < 0 && col > to {
		// Past the end of the line: point just after it (a missing value).
		caret = cells + (col - to - 1)
	}
	if col < 1 {
		caret = -1
	}
	return b.String(), caret
}

// isControl reports what a source line shows escaped: everything
// safetext calls unsafe but the tab, which is expanded.
func isControl(r rune) bool {
	return r != '\t' && safetext.Unsafe(r)
}

func escapeControl(r rune) string {
	return safetext.Escape(string(r))
}

// runeWidth is the number of terminal cells r takes.
func runeWidth(r rune) int {
	if r < 0x7f {
		return 1 // controls never get here
	}
	if unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}
