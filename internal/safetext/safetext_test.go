package safetext

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":              "plain text",
		"説明 Zoë":                  "説明 Zoë",
		"a\x1b[31mred":            `a\x1b[31mred`,
		"line\nbreak\r\ttab":      `line\nbreak\r\ttab`,
		"bel\x07 del\x7f":         `bel\x07 del\x7f`,
		"c1 \u009b31m \u0085":     `c1 \x9b31m \x85`,
		"bidi \u202egnp.exe":      `bidi \u202egnp.exe`,
		"isolate \u2066x\u2069":   `isolate \u2066x\u2069`,
		"zero\u200bwidth \ufeff":  `zero\u200bwidth \ufeff`,
		"tag \U000E0041":          `tag \U000e0041`,
		"separator \u2028":        `separator \u2028`,
		"bad utf-8 \xff\xc3":      `bad utf-8 \xff\xc3`,
		"::error::not at a start": "::error::not at a start",
	} {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLines(t *testing.T) {
	for in, want := range map[string]string{
		"one\ntwo":                      "one\ntwo",
		"msg\n::error file=x::pwned":    "msg\n\\::error file=x::pwned",
		"msg\n   ::stop-commands::tok":  "msg\n   \\::stop-commands::tok",
		"a ##[error]b":                  `a ##\[error]b`,
		"##vso[task.setvariable]x":      `\##vso[task.setvariable]x`,
		"esc \x1b]0;title\x07\nnext\t.": "esc \\x1b]0;title\\x07\nnext\t.",
		"cr\r\nlf":                      "cr\\r\nlf",
		"mid :: line":                   "mid :: line",
	} {
		if got := Lines(in); got != want {
			t.Errorf("Lines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPath(t *testing.T) {
	for in, want := range map[string]string{
		"deploy/a.yaml":           "deploy/a.yaml",
		"::error::x.yaml":         "./::error::x.yaml",
		"##[error]x.yaml":         `./##\[error]x.yaml`,
		"new\nline.yaml":          `new\nline.yaml`,
		"\x1b[2Jclear.yaml":       `\x1b[2Jclear.yaml`,
		"dir/::error::x.yaml":     "dir/::error::x.yaml",
		"../outside/\u202ex.yaml": `../outside/\u202ex.yaml`,
	} {
		if got := Path(in); got != want {
			t.Errorf("Path(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQuoteAndTruncate(t *testing.T) {
	long := strings.Repeat("a", 300)
	q := Quote(long)
	if want := strconv.Quote(strings.Repeat("a", MaxQuoted)+"…") + " (300 characters)"; q != want {
		t.Errorf("Quote = %s", q)
	}
	if Quote("short") != `"short"` {
		t.Error("Quote of a short value changed it")
	}
	msg := "image " + strconv.Quote(long) + " is not pinned; label \"ok\" and " + strconv.Quote("x\x1b"+long)
	got := TruncateQuoted(msg)
	if !strings.Contains(got, Quote(long)) || !strings.Contains(got, `label "ok" and`) || strings.Contains(got, long) {
		t.Errorf("TruncateQuoted = %s", got)
	}
	odd := `a value containing ": " must be quoted ` + strings.Repeat("x", 300)
	if TruncateQuoted(odd) != odd {
		t.Error("TruncateQuoted changed text that quotes nothing long")
	}
}

// FuzzSafetext: whatever the input, what Escape, Lines and Path return
// holds no unsafe rune raw (Lines keeps \n and \t), is UTF-8, and no
// line of Lines starts a CI log command.
func FuzzSafetext(f *testing.F) {
	for _, s := range []string{"", "a\x1bb", "\n::error::x", "##[add-mask]", "\u202e\u009b\xff", "\t  ::x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Escape(s), Path(s)} {
			if strings.ContainsFunc(out, Unsafe) || !utf8.ValidString(out) {
				t.Errorf("%q → %q", s, out)
			}
		}
		l := Lines(s)
		if !utf8.ValidString(l) || strings.ContainsFunc(l, func(r rune) bool { return r != '\n' && r != '\t' && Unsafe(r) }) {
			t.Errorf("Lines(%q) = %q", s, l)
		}
		for _, line := range strings.Split(l, "\n") {
			trimmed := strings.TrimLeft(line, " \t")
			if strings.HasPrefix(trimmed, "::") || strings.HasPrefix(trimmed, "##") || strings.Contains(line, "##[") {
				t.Errorf("Lines(%q) has a command line %q", s, line)
			}
		}
		if strings.HasPrefix(Path(s), "::") {
			t.Errorf("Path(%q) starts with ::", s)
		}
	})
}
