package placement

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Everything placement prints comes from files it does not trust: node
// names, label values and taints from a nodes file, DaemonSet names from
// the linted repository. None of it may reach a terminal or a CI log raw,
// so every format passes names and values through escape. lint/report has
// the same rule for findings; its helper is unexported there, so this
// package keeps its own (small, and tested against the same characters).

// escape replaces the characters that can change what a terminal or a log
// viewer shows: C0 controls (tab and newline included: a name is one
// line), DEL, C1 controls, the line and paragraph separators, and the
// Unicode bidirectional controls that can reorder text on screen
// ("Trojan Source"). Everything else is kept, so names in any script read
// as they are.
func escape(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r) || r == utf8.RuneError && size == 1 {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			// Not UTF-8: show the byte, never pass it through.
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case unsafeRune(r):
			b.WriteString(escapeRune(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f: // ALM, LRM, RLM
		return true
	case r >= 0x2028 && r <= 0x202e: // LS, PS, LRE, RLE, PDF, LRO, RLO
		return true
	case r >= 0x2066 && r <= 0x2069: // LRI, RLI, FSI, PDI
		return true
	}
	return false
}

func escapeRune(r rune) string {
	if r < 0x100 {
		return `\x` + hex2(byte(r))
	}
	q := strconv.QuoteRuneToASCII(r) // '\u202e'
	return q[1 : len(q)-1]
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}
