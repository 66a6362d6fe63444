package document

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// yaml.v3 knows exactly where a syntax error is (its parser keeps a
// problem mark and a context mark, each with line and column) but puts only
// one line number in the error text, and for parser errors that line is
// 0-based and belongs to the context, not the problem. A linter must say
// where, so the marks are read from the decoder after a failure. They are
// unexported, so this reads them with reflection (read-only, and guarded:
// if a yaml.v3 release renames them, ok is false and Parse falls back to
// the line in the message; TestSyntaxErrorPositions would then fail).
type errorMarks struct {
	kind             int // yaml_error_type_t: 2 reader, 3 scanner, 4 parser; 0 none
	problem, context string
	// Marks, 0-based as yaml.v3 keeps them.
	problemLine, problemCol int
	problemIndex            int
	contextLine, contextCol int
	// offset is the byte offset of a reader (encoding) error.
	offset int
	// eventLine and eventCol are where the event being composed starts
	// (an alias to an unknown anchor).
	eventLine, eventCol int
	// open is where the innermost collection still open starts.
	openLine, openCol int
	hasOpen           bool
	ok                bool
}

const (
	readerError  = 2
	scannerError = 3
	parserError  = 4
)

func marksOf(dec *yaml.Decoder) (m errorMarks) {
	defer func() {
		if recover() != nil {
			m = errorMarks{}
		}
	}()
	p := reflect.ValueOf(dec).Elem().FieldByName("parser")
	if !p.IsValid() || p.IsNil() {
		return m
	}
	p = p.Elem()
	yp := p.FieldByName("parser")
	mark := func(v reflect.Value) (line, col int) {
		return int(v.FieldByName("line").Int()), int(v.FieldByName("column").Int())
	}
	m.kind = int(yp.FieldByName("error").Int())
	m.problem = yp.FieldByName("problem").String()
	m.context = yp.FieldByName("context").String()
	m.problemLine, m.problemCol = mark(yp.FieldByName("problem_mark"))
	m.problemIndex = int(yp.FieldByName("problem_mark").FieldByName("index").Int())
	m.contextLine, m.contextCol = mark(yp.FieldByName("context_mark"))
	m.offset = int(yp.FieldByName("problem_offset").Int())
	m.eventLine, m.eventCol = mark(p.FieldByName("event").FieldByName("start_mark"))
	if marks := yp.FieldByName("marks"); marks.Len() > 0 {
		m.openLine, m.openCol = mark(marks.Index(marks.Len() - 1))
		m.hasOpen = true
	}
	m.ok = true
	return m
}

// syntaxError is a parse failure located in its chunk: line and col (col
// 0: unknown) are where to point, stop is the line where the parser gave
// up, from which parsing resumes.
type syntaxError struct {
	line, col, stop int
	msg             string
	// note says where the enclosing collection starts.
	note string
	// documentLimit: not a syntax error; the file holds more documents
	// than Limits.MaxDocuments.
	documentLimit bool
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// locateError turns a yaml.v3 error and its marks into a position and a
// message a user can act on. The chunk starts after line offset of f.
func locateError(err error, m errorMarks, chunk []byte, f *File, offset int) *syntaxError {
	msg := strings.TrimPrefix(lineRE.ReplaceAllString(err.Error(), ""), "yaml: ")
	e := &syntaxError{msg: msg}
	where := func(line, col int) string {
		if off := f.Offset(line+offset, col); off < 0 || len(bytes.TrimSpace(f.Data[off:])) == 0 {
			return "the end of the file"
		}
		return fmt.Sprintf("line %d, column %d", line+offset, col)
	}
	switch {
	case m.ok && m.kind == readerError:
		// The reader runs ahead of the scanner, so the marks are stale;
		// it reports a byte offset in the chunk instead.
		base := f.LineOffset(offset + 1)
		off := base + m.offset
		if strings.Contains(m.problem, "UTF-8") {
			// Point at the first byte of the bad sequence (yaml.v3 points
			// at the byte after a lead byte when that one is wrong).
			if i := invalidUTF8(f.Data[base:min(off+1, len(f.Data))]); i >= 0 {
				off = base + i
			}
			e.msg = fmt.Sprintf("invalid UTF-8: byte 0x%02X", f.Data[min(off, len(f.Data)-1)])
		}
		line, col := f.Position(off)
		e.line, e.col, e.stop = line-offset, col, line-offset
	case m.ok && (m.kind == scannerError || m.kind == parserError) && m.problem != "":
		pl, pc := m.problemLine+1, m.problemCol+1
		cl, cc := m.contextLine+1, m.contextCol+1
		e.line, e.col, e.stop, e.msg = pl, pc, pl, m.problem
		switch {
		case m.context == "while parsing a flow sequence" || m.context == "while parsing a flow mapping":
			// Where the parser gives up can be far away (the end of the
			// file); the bracket left open is what to fix.
			open := "["
			if m.context == "while parsing a flow mapping" {
				open = "{"
			}
			e.line, e.col = cl, cc
			e.msg = fmt.Sprintf("%q is not closed: %s (at %s)", open, m.problem, where(pl, pc))
		case m.kind == parserError && m.hasOpen && where(pl, pc) == "the end of the file" && flowOpen(f, m.openLine+1+offset, m.openCol+1) != "":
			// The file ends inside a flow collection whose entry the
			// parser was reading ("a: [" and nothing after).
			e.line, e.col = m.openLine+1, m.openCol+1
			e.msg = fmt.Sprintf("%q is not closed: %s (at the end of the file)", flowOpen(f, m.openLine+1+offset, m.openCol+1), m.problem)
		case m.context == "while scanning a quoted scalar" && m.problem == "found unexpected end of stream":
			e.line, e.col = cl, cc
			e.msg = "the quoted string that starts here is not closed (the file ends before its closing quote)"
		case m.context == "while scanning an anchor" || m.context == "while scanning an alias":
			e.line, e.col = cl, cc
			what, sign := "an anchor", "&"
			if m.context == "while scanning an alias" {
				what, sign = "an alias", "*"
			}
			e.msg = fmt.Sprintf("%s (%q) needs a name of letters, digits, \"-\" or \"_\"", what, sign)
		case m.context == "while scanning a simple key":
			e.line, e.col = cl, cc
			e.msg = `could not find the ":" after the key that starts here (a line in a mapping is "key: value"; or the indentation is off)`
		case m.problem == "found unexpected end of stream" && m.context != "":
			e.line, e.col = cl, cc
			e.msg = fmt.Sprintf("%s %s that starts here", m.problem, m.context)
		case (m.context == "while parsing a block mapping" || m.context == "while parsing a block collection") && (cl != pl || cc != pc):
			kind := "mapping"
			if m.context == "while parsing a block collection" {
				kind = "list"
			}
			e.note = fmt.Sprintf("in the %s that starts at %s", kind, where(cl, cc))
		}
	case m.ok && strings.HasPrefix(msg, "unknown anchor"):
		// A composer error: the alias event is still the current one.
		e.line, e.col = m.eventLine+1, m.eventCol+1
		e.stop = e.line
		e.msg = msg + ` (an alias "*name" refers to an anchor "&name" earlier in the same document)`
	default:
		line := bytes.Count(chunk, []byte{'\n'}) + 1
		if mm := lineRE.FindStringSubmatch(err.Error()); mm != nil {
			line, _ = strconv.Atoi(mm[1])
		}
		e.line, e.stop = line, line
	}
	return e
}

// flowOpen returns "[" or "{" when one is at line:col of f, else "".
func flowOpen(f *File, line, col int) string {
	if off := f.Offset(line, col); off >= 0 && off < len(f.Data) && (f.Data[off] == '[' || f.Data[off] == '{') {
		return string(f.Data[off])
	}
	return ""
}

// invalidUTF8 is the offset of the first byte of b that does not start a
// valid UTF-8 sequence, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
