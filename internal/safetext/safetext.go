// Package safetext makes text from a linted repository safe to print:
// file names, object names, values, and messages that quote them, as well
// as what kustomize prints. A pull request can put anything in those
// strings (an ESC sequence that rewrites the terminal, a newline followed
// by a GitHub workflow command, a right-to-left override that makes a log
// line read backwards); every output format passes them through here
// before its own escaping (JSON, XML, Markdown, workflow-command
// properties), so no byte that drives a terminal or a CI log reaches one.
//
// Escape is for one-line values; Lines is for text whose line breaks are
// meant (a multi-line message, a diff), and also neutralises what CI log
// parsers read as commands at the start of a line ("::error ...") or
// anywhere in it (GitHub's legacy "##[" form).
package safetext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal or a log raw: C0
// controls (tab and newline included), DEL, C1 controls, line and
// paragraph separators, and format characters (Cf: the bidirectional
// overrides and isolates that reorder text, zero-width characters, the
// byte-order mark).
func Unsafe(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f:
		return true
	case r < 0x80:
		return false
	case r < 0xa0:
		return true
	case r == '\u2028' || r == '\u2029':
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// appendEscaped writes r as Go would in a quoted string, in hex: \n, \r
// and \t by name, \x1b, \x9b, \u202e, \U000e0041.
func appendEscaped(b *strings.Builder, r rune) {
	const hex = "0123456789abcdef"
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case r < 0x100:
		b.WriteString(`\x`)
		b.WriteByte(hex[r>>4])
		b.WriteByte(hex[r&0xf])
	case r < 0x10000:
		b.WriteString(`\u`)
		for s := 12; s >= 0; s -= 4 {
			b.WriteByte(hex[r>>s&0xf])
		}
	default:
		b.WriteString(`\U`)
		for s := 28; s >= 0; s -= 4 {
			b.WriteByte(hex[r>>s&0xf])
		}
	}
}

// Escape returns s with every unsafe rune (see Unsafe) written as its Go
// escape, and every byte that is not UTF-8 as \xNN. Safe text comes back
// unchanged, without allocating.
func Escape(s string) string {
	if isSafe(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	escapeInto(&b, s, false)
	return b.String()
}

func isSafe(s string, keepTab bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && !(keepTab && c == '\t') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || Unsafe(r) {
			return false
		}
		i += size
	}
	return true
}

func escapeInto(b *strings.Builder, s string, keepTab bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			appendEscaped(b, rune(s[i]))
		case keepTab && r == '\t':
			b.WriteByte('\t')
		case Unsafe(r):
			appendEscaped(b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// Breaks is Escape keeping line breaks (\n, \r) and tabs: for a channel
// that escapes those itself, such as the data of a GitHub workflow
// command (%0A, %0D), where a message may span lines.
func Breaks(s string) string {
	if isSafe(strings.NewReplacer("\n", "", "\r", "").Replace(s), true) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "\r\n")
		if j < 0 {
			escapeInto(&b, s[i:], true)
			break
		}
		escapeInto(&b, s[i:i+j], true)
		b.WriteByte(s[i+j])
		i += j + 1
	}
	return b.String()
}

// Lines returns text whose line breaks are meant, safe for a terminal and
// a CI log: each line (split at \n; a \r is escaped) is escaped as by
// Escape, tabs kept, and the forms log parsers read as commands are
// broken: a line that starts, after blanks, with "::" (GitHub workflow
// commands) or "##" (GitHub's legacy "##[command]" and Azure Pipelines'
// "##vso[") gets a backslash before it, and "##[" anywhere becomes "##\[",
// since GitHub's runner looks for that form in the middle of a line too.
func Lines(s string) string {
	if isSafe(s, true) && !strings.Contains(s, "##") && !strings.Contains(s, "::") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(Line(line))
	}
	return b.String()
}

// Line is Lines for one line: a \n in it is escaped.
func Line(s string) string {
	var b strings.Builder
	trimmed := strings.TrimLeft(s, " \t")
	lead := len(s) - len(trimmed)
	b.WriteString(s[:lead])
	if strings.HasPrefix(trimmed, "::") || strings.HasPrefix(trimmed, "##") {
		b.WriteByte('\\')
	}
	rest := strings.ReplaceAll(trimmed, "##[", `##\[`)
	if isSafe(rest, true) {
		b.WriteString(rest)
	} else {
		escapeInto(&b, rest, true)
	}
	return b.String()
}

// Path is how a file name from a repository is printed at the start of a
// diagnostic line: escaped, with "./" in front when it would otherwise
// start like a CI log command ("::", "##"), which keeps it a path an
// editor can open, and with "##[" broken as Lines breaks it.
func Path(name string) string {
	name = strings.ReplaceAll(Escape(name), "##[", `##\[`)
	if strings.HasPrefix(name, "::") || strings.HasPrefix(name, "##") {
		return "./" + name
	}
	return name
}

// MaxQuoted is how many characters of a value a message quotes.
const MaxQuoted = 200

// Quote is strconv.Quote for a value in a message, cut to MaxQuoted
// characters: `"aaaa…" (4096 characters)`.
func Quote(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= MaxQuoted {
		return strconv.Quote(s)
	}
	return strconv.Quote(cut(s, MaxQuoted)+"…") + " (" + strconv.Itoa(n) + " characters)"
}

func cut(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// TruncateQuoted shortens the Go-quoted strings in a message (what %q
// writes) that quote more than MaxQuoted characters, as Quote would have
// written them: rules quote names and values from the manifest, and a
// 30,000-character image name must not become a 30,000-character
// annotation. Everything else in msg is kept as it is.
func TruncateQuoted(msg string) string {
	if len(msg) < MaxQuoted {
		return msg
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(msg); {
		j := strings.IndexByte(msg[i:], '"')
		if j < 0 {
			b.WriteString(msg[i:])
			break
		}
		b.WriteString(msg[i : i+j])
		i += j
		q, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteByte('"')
			i++
			continue
		}
		if v, err := strconv.Unquote(q); err == nil && utf8.RuneCountInString(v) > MaxQuoted {
			b.WriteString(Quote(v))
			changed = true
		} else {
			b.WriteString(q)
		}
		i += len(q)
	}
	if !changed {
		return msg
	}
	return b.String()
}
