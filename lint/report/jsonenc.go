package report

import (
	"bufio"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/everynode/everynode/internal/safetext"
)

// writeJSONString writes s as a JSON string as encoding/json does with
// HTML escaping off (invalid UTF-8 becomes U+FFFD, U+2028 and U+2029 are
// escaped so that the output is also valid JavaScript), and also escapes
// C1 controls and format characters (bidirectional overrides, zero-width
// characters: safetext.Unsafe), so that a report shown in a terminal
// cannot reorder or hide text; the decoded value is the same. The json
// and sarif formats write their frame by hand, and a hot loop of
// reflection and re-indenting cost more than the rest of a run.
func writeJSONString(w *bufio.Writer, s string) {
	const hex = "0123456789abcdef"
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != 0x7f {
				i++
				continue
			}
			w.WriteString(s[start:i])
			switch b {
			case '"', '\\':
				w.WriteByte('\\')
				w.WriteByte(b)
			case '\b':
				w.WriteString(`\b`)
			case '\f':
				w.WriteString(`\f`)
			case '\n':
				w.WriteString(`\n`)
			case '\r':
				w.WriteString(`\r`)
			case '\t':
				w.WriteString(`\t`)
			default:
				w.WriteString(`\u00`)
				w.WriteByte(hex[b>>4])
				w.WriteByte(hex[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			w.WriteString(s[start:i])
			w.WriteString(`\ufffd`)
			i += size
			start = i
			continue
		}
		if safetext.Unsafe(r) {
			w.WriteString(s[start:i])
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				writeJSONRuneEscape(w, r1)
				writeJSONRuneEscape(w, r2)
			} else {
				writeJSONRuneEscape(w, r)
			}
			i += size
			start = i
			continue
		}
		i += size
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}

// writeEscapedJSON writes JSON that encoding/json made, with the C1
// controls and format characters it leaves raw inside strings escaped as
// writeJSONString escapes them (outside strings JSON holds none).
func writeEscapedJSON(w *bufio.Writer, b []byte) {
	start := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if safetext.Unsafe(r) {
			w.Write(b[start:i])
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				writeJSONRuneEscape(w, r1)
				writeJSONRuneEscape(w, r2)
			} else {
				writeJSONRuneEscape(w, r)
			}
			start = i + size
		}
		i += size
	}
	w.Write(b[start:])
}

// writeJSONRuneEscape writes \uXXXX for a rune of the basic plane.
func writeJSONRuneEscape(w *bufio.Writer, r rune) {
	const hex = "0123456789abcdef"
	w.WriteString(`\u`)
	w.WriteByte(hex[r>>12&0xf])
	w.WriteByte(hex[r>>8&0xf])
	w.WriteByte(hex[r>>4&0xf])
	w.WriteByte(hex[r&0xf])
}

func writeJSONInt(w *bufio.Writer, n int) {
	w.Write(strconv.AppendInt(w.AvailableBuffer(), int64(n), 10))
}

// spaces holds every indent the writers use, so that nesting one level
// deeper is a slice, not an allocation.
const spaces = "                                                                "

func deeper(indent string) string {
	if n := len(indent) + 2; n <= len(spaces) {
		return spaces[:n]
	}
	return indent + "  "
}

// jsonObject writes one indented JSON object, key by key, in the layout
// of json.MarshalIndent with a two-space indent.
type jsonObject struct {
	w      *bufio.Writer
	indent string // of the line the object starts on
	n      int
}

func beginObject(w *bufio.Writer, indent string) jsonObject {
	w.WriteByte('{')
	return jsonObject{w: w, indent: indent}
}

// key writes the separator and the key; the caller writes the value.
func (o *jsonObject) key(k string) {
	if o.n > 0 {
		o.w.WriteByte(',')
	}
	o.n++
	o.w.WriteByte('\n')
	o.w.WriteString(deeper(o.indent))
	writeJSONString(o.w, k)
	o.w.WriteString(": ")
}

func (o *jsonObject) str(k, v string) { o.key(k); writeJSONString(o.w, v) }
func (o *jsonObject) int(k string, v int) {
	o.key(k)
	writeJSONInt(o.w, v)
}

// child is the indent of a value nested in this object.
func (o *jsonObject) bool(k string, v bool) {
	o.key(k)
	if v {
		o.w.WriteString("true")
	} else {
		o.w.WriteString("false")
	}
}

func (o *jsonObject) child() string { return deeper(o.indent) }

func (o *jsonObject) end() {
	if o.n > 0 {
		o.w.WriteByte('\n')
		o.w.WriteString(o.indent)
	}
	o.w.WriteByte('}')
}

// writeJSONArray writes n elements, each by elem at the given indent.
func writeJSONArray(w *bufio.Writer, indent string, n int, elem func(i int, indent string)) {
	w.WriteByte('[')
	for i := range n {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteByte('\n')
		w.WriteString(deeper(indent))
		elem(i, deeper(indent))
	}
	if n > 0 {
		w.WriteByte('\n')
		w.WriteString(indent)
	}
	w.WriteByte(']')
}
