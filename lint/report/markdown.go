package report

import (
	"bufio"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// The markdown format is a GitHub job summary ($GITHUB_STEP_SUMMARY): a
// heading, the counts, and a table of findings, most severe first. GitHub
// caps a step's summary at 1 MiB, so the table stops at maxMarkdownRows
// and each message at maxCellRunes.

const (
	maxMarkdownRows = 500
	maxCellRunes    = 1000
)

func writeMarkdown(w *bufio.Writer, r *Report, opts Options) error {
	s := r.Summary
	w.WriteString("## everynode lint: ")
	if s.Errors+s.Warnings+s.Infos == 0 {
		w.WriteString("no findings")
	} else {
		var parts []string
		for _, c := range []struct {
			n         int
			one, many string
		}{{s.Errors, "error", "errors"}, {s.Warnings, "warning", "warnings"}, {s.Infos, "info", "infos"}} {
			if c.n > 0 {
				parts = append(parts, plural(c.n, c.one, c.many))
			}
		}
		w.WriteString(strings.Join(parts, ", "))
	}
	w.WriteString("\n\n")
	w.WriteString("| Errors | Warnings | Infos | Files | Resources | Skipped |\n")
	w.WriteString("| ---: | ---: | ---: | ---: | ---: | ---: |\n")
	w.WriteString("| " + strings.Join([]string{
		strconv.Itoa(s.Errors), strconv.Itoa(s.Warnings), strconv.Itoa(s.Infos),
		strconv.Itoa(s.Files), strconv.Itoa(s.Resources), strconv.Itoa(s.Skipped),
	}, " | ") + " |\n")
	if n := suppressedCount(r.Findings); n > 0 {
		w.WriteString("\n" + plural(n, "finding was", "findings were") + " suppressed by annotations or comments.\n")
	}

	fs := bySeverity(visible(r.Findings))
	if len(fs) == 0 {
		return nil
	}
	base := opts.LinkBase
	if base != "" && !strings.HasSuffix(base, "/") {
		base += "/"
	}
	w.WriteString("\n| Severity | Location | Rule | Message |\n| --- | --- | --- | --- |\n")
	for i := range fs {
		if i == maxMarkdownRows {
			break
		}
		f := &fs[i]
		w.WriteString("| ")
		w.WriteString(f.Severity.String())
		w.WriteString(" | ")
		w.WriteString(mdLocation(f, base))
		w.WriteString(" | ")
		w.WriteString(mdRule(r, f.Rule))
		w.WriteString(" | ")
		w.WriteString(mdEscape(truncateRunes(safetext.Lines(f.Message), maxCellRunes)))
		w.WriteString(" |\n")
	}
	if len(fs) > maxMarkdownRows {
		w.WriteString("\n_Showing the " + strconv.Itoa(maxMarkdownRows) + " most severe of " + strconv.Itoa(len(fs)) +
			" findings; the job log or `--format json` has them all._\n")
	}
	return nil
}

func mdLocation(f *finding.Finding, base string) string {
	text := safetext.Escape(f.File)
	if f.Line > 0 {
		text += ":" + strconv.Itoa(f.Line)
	}
	if text == "" {
		return ""
	}
	// Only paths inside the repository can be linked there.
	if base == "" || f.File == "" || strings.HasPrefix(f.File, "/") || strings.HasPrefix(f.File, "../") || f.File == ".." {
		return mdEscape(text)
	}
	link := base + (&url.URL{Path: f.File}).EscapedPath()
	if f.Line > 0 {
		link += "#L" + strconv.Itoa(f.Line)
	}
	return "[" + mdEscape(text) + "](" + mdURL(link) + ")"
}

func mdRule(r *Report, id string) string {
	if info, ok := r.rule(id); ok && info.HelpURI != "" {
		return "[" + mdEscape(id) + "](" + mdURL(info.HelpURI) + ")"
	}
	return mdEscape(id)
}

// mdURL keeps a link destination in one piece: parentheses and spaces
// would end it early, and '|' would end the table cell.
var mdURL = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "|", "%7C", "<", "%3C", ">", "%3E").Replace

// mdEscape makes s literal text inside a table cell: Markdown syntax is
// backslash-escaped, '|' cannot end the cell, and newlines become <br>
// because a table row is one line.
var mdEscape = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`,
	"<", `\<`, ">", `\>`, "|", `\|`, "~", `\~`, "&", "&amp;",
	"\r\n", "<br>", "\n", "<br>", "\r", "<br>",
).Replace

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
