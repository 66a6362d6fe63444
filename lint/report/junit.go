package report

import (
	"bufio"
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// The junit format lists one testcase per resource (classname = file,
// name = the resource's identity), grouped into one testsuite per file,
// for CI dashboards that read JUnit XML (GitLab, Jenkins, Azure DevOps).
// Errors and warnings fail a testcase; infos go to its system-out and do
// not. Passing resources are listed when the engine passes Report.Objects.
//
// The XML is written by hand so that every string goes through one escape
// function: characters XML 1.0 cannot hold (NUL, ESC) become U+FFFD.

type junitKey struct {
	file  string
	doc   int
	res   finding.Resource
	whole bool // about the file itself (unreadable-file), not a document
}

func (k junitKey) name() string {
	switch {
	case k.res.Kind != "":
		return k.res.String()
	case k.whole:
		return "(file)"
	}
	return "document " + strconv.Itoa(k.doc)
}

type junitCase struct {
	key      junitKey
	failures []*finding.Finding
	infos    []*finding.Finding
}

func writeJUnit(w *bufio.Writer, r *Report, _ Options) error {
	cases := map[junitKey]*junitCase{}
	get := func(k junitKey) *junitCase {
		c := cases[k]
		if c == nil {
			c = &junitCase{key: k}
			cases[k] = c
		}
		return c
	}
	for _, o := range r.Objects {
		get(junitKey{file: o.File, doc: o.Document, res: o.Resource})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.Suppressed {
			continue
		}
		k := junitKey{file: f.File, doc: f.Document, res: f.Resource}
		if f.Resource.Kind == "" && f.Line <= 0 {
			k = junitKey{file: f.File, whole: true}
		}
		c := get(k)
		if f.Severity >= finding.Warning {
			c.failures = append(c.failures, f)
		} else {
			c.infos = append(c.infos, f)
		}
	}
	list := make([]*junitCase, 0, len(cases))
	for _, c := range cases {
		list = append(list, c)
	}
	slices.SortFunc(list, func(a, b *junitCase) int {
		ka, kb := a.key, b.key
		return cmp.Or(
			cmp.Compare(ka.file, kb.file),
			boolCompare(!ka.whole, !kb.whole),
			cmp.Compare(ka.doc, kb.doc),
			cmp.Compare(ka.res.Kind, kb.res.Kind),
			cmp.Compare(ka.res.Namespace, kb.res.Namespace),
			cmp.Compare(ka.res.Name, kb.res.Name),
			cmp.Compare(ka.res.APIVersion, kb.res.APIVersion),
		)
	})

	total, failed := len(list), 0
	for _, c := range list {
		if len(c.failures) > 0 {
			failed++
		}
	}
	w.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	w.WriteString(`<testsuites name="everynode" tests="` + strconv.Itoa(total) + `" failures="` + strconv.Itoa(failed) + `" errors="0" skipped="0">` + "\n")
	if len(list) == 0 {
		w.WriteString(`  <testsuite name="everynode" tests="0" failures="0" errors="0" skipped="0"></testsuite>` + "\n")
	}
	for start := 0; start < len(list); {
		end := start + 1
		for end < len(list) && list[end].key.file == list[start].key.file {
			end++
		}
		suite := list[start:end]
		nfail := 0
		for _, c := range suite {
			if len(c.failures) > 0 {
				nfail++
			}
		}
		file := suite[0].key.file
		w.WriteString(`  <testsuite name="`)
		xmlEscape(w, safetext.Escape(file), true)
		w.WriteString(`" tests="` + strconv.Itoa(len(suite)) + `" failures="` + strconv.Itoa(nfail) + `" errors="0" skipped="0">` + "\n")
		for _, c := range suite {
			writeJUnitCase(w, c)
		}
		w.WriteString("  </testsuite>\n")
		start = end
	}
	w.WriteString("</testsuites>\n")
	return nil
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func writeJUnitCase(w *bufio.Writer, c *junitCase) {
	w.WriteString(`    <testcase classname="`)
	xmlEscape(w, safetext.Escape(c.key.file), true)
	w.WriteString(`" name="`)
	xmlEscape(w, safetext.Escape(c.key.name()), true)
	w.WriteString(`" file="`)
	xmlEscape(w, safetext.Escape(c.key.file), true)
	w.WriteString(`"`)
	if len(c.failures) == 0 && len(c.infos) == 0 {
		w.WriteString("></testcase>\n")
		return
	}
	w.WriteString(">\n")
	if len(c.failures) > 0 {
		worst := c.failures[0]
		for _, f := range c.failures[1:] {
			if f.Severity > worst.Severity {
				worst = f
			}
		}
		msg, _, _ := strings.Cut(safetext.Lines(worst.Message), "\n")
		msg += " [" + worst.Rule + "]"
		if n := len(c.failures) - 1; n > 0 {
			msg += " (and " + plural(n, "more finding", "more findings") + ")"
		}
		w.WriteString(`      <failure type="` + worst.Severity.String() + `" message="`)
		xmlEscape(w, msg, true)
		w.WriteString(`">`)
		for _, f := range c.failures {
			xmlEscape(w, oneLine(f), false)
		}
		w.WriteString("</failure>\n")
	}
	if len(c.infos) > 0 {
		w.WriteString("      <system-out>")
		for _, f := range c.infos {
			xmlEscape(w, oneLine(f), false)
		}
		w.WriteString("</system-out>\n")
	}
	w.WriteString("    </testcase>\n")
}

// oneLine is the text format's first line (continuation lines indented),
// ending in a newline.
func oneLine(f *finding.Finding) string {
	var b strings.Builder
	b.WriteString(position(f))
	b.WriteString(f.Severity.String())
	b.WriteString(": ")
	b.WriteString(strings.ReplaceAll(safetext.Lines(f.Message), "\n", "\n    "))
	if f.Rule != "" {
		b.WriteString(" [")
		b.WriteString(f.Rule)
		b.WriteByte(']')
	}
	b.WriteByte('\n')
	return b.String()
}

// xmlEscape writes s as XML character data, or as an attribute value when
// attr is set (where newlines and tabs must be character references to
// survive attribute normalisation).
func xmlEscape(w *bufio.Writer, s string, attr bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '&':
			w.WriteString("&amp;")
		case r == '<':
			w.WriteString("&lt;")
		case r == '>':
			w.WriteString("&gt;")
		case r == '"' && attr:
			w.WriteString("&quot;")
		case r == '\n' && attr:
			w.WriteString("&#xA;")
		case r == '\r':
			w.WriteString("&#xD;")
		case r == '\t' && attr:
			w.WriteString("&#x9;")
		case r == '\n' || r == '\t':
			w.WriteRune(r)
		case r == utf8.RuneError && size == 1, !xmlChar(r):
			w.WriteRune('\uFFFD')
		default:
			w.WriteRune(r)
		}
	}
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
