package report

import (
	"bufio"
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

func writeText(w *bufio.Writer, r *Report, opts Options) error {
	p := newPalette(opts.Color)
	var (
		srcName string
		src     *document.File
		srcDone bool
	)
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed {
			continue
		}
		if !srcDone || f.File != srcName {
			// Findings come sorted by file, so one lookup per file.
			srcName, srcDone, src = f.File, true, nil
			if r.Source != nil && f.File != "" {
				if data := r.Source(f.File); data != nil {
					// Lines are counted as positions were: where YAML
					// breaks them, in UTF-8.
					src = document.NewFile(f.File, data)
				}
			}
		}
		writeTextFinding(w, f, src, p)
	}
	w.WriteString(p.bold)
	w.WriteString(summaryLine(r, opts))
	w.WriteString(p.reset)
	w.WriteByte('\n')
	return nil
}

func writeTextFinding(w *bufio.Writer, f *finding.Finding, src *document.File, p palette) {
	first, rest, _ := strings.Cut(f.Message, "\n")
	w.WriteString(p.bold)
	w.WriteString(position(f))
	w.WriteString(p.reset)
	w.WriteString(p.sev[f.Severity])
	w.WriteString(f.Severity.String())
	w.WriteString(p.reset)
	w.WriteString(": ")
	w.WriteString(p.bold)
	w.WriteString(safetext.Line(first))
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
	for rest != "" {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		w.WriteString("    ")
		w.WriteString(safetext.Line(line))
		w.WriteByte('\n')
	}
	if src != nil && f.Line >= 1 && f.Line <= src.Lines() {
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
