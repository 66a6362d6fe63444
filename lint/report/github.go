package report

import (
	"bufio"
	"strconv"
	"strings"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// The github format prints workflow commands that GitHub Actions turns into
// annotations on the pull request:
//
//	::error file=deploy/agent.yaml,line=14,col=9,title=everynode%3A schema::unknown field "hostNetwrok"
//
// GitHub shows at most 10 annotations of each severity per step and drops
// the rest silently, so the most severe come first, 10 of each, and the
// rest follow as plain log lines under a line that counts them.

const maxAnnotationsPerSeverity = 10

var (
	// GitHub's toolkit escapes these in a command's data…
	ghDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	// …and these in its properties, where ':' and ',' are separators.
	ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
	ghFlatten         = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")
)

func ghCommand(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "notice"
}

func writeGitHub(w *bufio.Writer, r *Report, opts Options) error {
	fs := bySeverity(visible(r.Findings))
	shown := map[finding.Severity]int{}
	var rest []*finding.Finding
	for i := range fs {
		f := &fs[i]
		if shown[f.Severity] >= maxAnnotationsPerSeverity {
			rest = append(rest, f)
			continue
		}
		shown[f.Severity]++
		writeAnnotation(w, f)
	}
	if len(rest) > 0 {
		left := map[finding.Severity]int{}
		for _, f := range rest {
			left[f.Severity]++
		}
		var parts []string
		if n := left[finding.Error]; n > 0 {
			parts = append(parts, plural(n, "error", "errors"))
		}
		if n := left[finding.Warning]; n > 0 {
			parts = append(parts, plural(n, "warning", "warnings"))
		}
		if n := left[finding.Info]; n > 0 {
			parts = append(parts, plural(n, "info", "infos"))
		}
		w.WriteString("everynode: " + strings.Join(parts, ", ") + " more than GitHub annotates (it shows " +
			strconv.Itoa(maxAnnotationsPerSeverity) + " per severity per step):\n")
		for _, f := range rest {
			// One log line each: the runner reads any line that starts
			// with "::", after leading blanks, as a command, so a message
			// must not be able to start a line of its own (and a file
			// name that starts with "::" gets "./" in front: oneLine).
			flat := *f
			flat.Message = ghFlatten.Replace(f.Message)
			w.WriteString(oneLine(&flat))
		}
	}
	w.WriteString("everynode: ")
	w.WriteString(summaryLine(r, opts))
	w.WriteByte('\n')
	return nil
}

func writeAnnotation(w *bufio.Writer, f *finding.Finding) {
	w.WriteString("::")
	w.WriteString(ghCommand(f.Severity))
	var props []string
	if f.File != "" {
		// GitHub's runner reads "##[command]" anywhere in a line: a file
		// named so does not get its annotation (the name no longer
		// matches), rather than run a command.
		props = append(props, "file="+ghPropertyEscaper.Replace(strings.ReplaceAll(safetext.Escape(f.File), "##[", "##%5B")))
		if f.Line > 0 {
			props = append(props, "line="+strconv.Itoa(f.Line))
			if f.Column > 0 {
				props = append(props, "col="+strconv.Itoa(f.Column))
			}
		}
	}
	title := "everynode"
	if f.Rule != "" {
		title += ": " + f.Rule
	}
	props = append(props, "title="+ghPropertyEscaper.Replace(title))
	w.WriteByte(' ')
	w.WriteString(strings.Join(props, ","))
	w.WriteString("::")
	w.WriteString(ghDataEscaper.Replace(safetext.Breaks(strings.ReplaceAll(f.Message, "##[", `##\[`))))
	w.WriteByte('\n')
}
