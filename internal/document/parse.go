package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// Document is one YAML document of a file.
type Document struct {
	File *File
	// Index is the 0-based position of the document in its file, counting
	// empty documents and documents that failed to parse, as KRM's
	// config.kubernetes.io/index does.
	Index int
	// Node is the document's content node; nil for an empty document or one
	// that failed to parse.
	Node *yaml.Node
	// Value is the typed value: map[string]any, []any, string, int64,
	// uint64, float64, bool or nil.
	Value any
	// Line is where the document starts (its first content line).
	Line int
	// keys indexes the keys of its large mappings (see indexKeys).
	keys map[*yaml.Node]map[string]int
}

// Problem is an input error with a position: a syntax error, a value that
// cannot be typed, or a limit hit.
type Problem struct {
	Document     int
	Line, Column int
	Msg          string
	// Limit marks problems caused by a limit rather than by invalid YAML.
	Limit bool
}

// Stream is the parsed content of one file.
type Stream struct {
	File     *File
	Docs     []*Document
	Problems []Problem
}

// Parse splits and parses a file. It never fails as a whole: every problem
// has a position, and after a syntax error the following documents are
// still parsed (from the next "---" line), with lines still counted from
// the start of the file.
func Parse(name string, data []byte, lim Limits) *Stream {
	s := &Stream{}
	s.File, s.Problems = ParseEach(name, data, lim, func(d *Document) { s.Docs = append(s.Docs, d) })
	return s
}

// ParseEach parses a file as Parse does, but hands each document to fn as
// soon as it is parsed and keeps none: a caller that is done with a
// document when fn returns holds one document's tree at a time, however
// large the file. Documents come in order; the problems are returned at
// the end, in the order Parse lists them.
func ParseEach(name string, data []byte, lim Limits, fn func(*Document)) (*File, []Problem) {
	f := NewFile(name, data)
	if p := Precheck(f, lim); p != nil {
		return f, []Problem{*p}
	}
	return f, ParsePart(f, Part{From: 1, To: f.Lines() + 1}, lim, fn)
}

// Precheck refuses a file before it is parsed: a binary file, or one
// beyond the limits on documents and values (counted without parsing).
func Precheck(f *File, lim Limits) *Problem {
	if i := bytes.IndexByte(f.Data, 0); i >= 0 {
		line, col := f.Position(i)
		return &Problem{Line: line, Column: col,
			Msg: "this is a binary file (it contains a NUL byte), not YAML; exclude it or rename it"}
	}
	// Counting document markers costs nothing next to parsing, and a file
	// with too many is refused before it costs anything.
	return prescan(f, lim.withDefaults())
}

// Part is a run of whole lines of a file, From up to (not including) To,
// whose first document has the index Index in the file (Split).
type Part struct {
	From, To, Index int
}

// ParsePart parses the lines of one part of a file that passed Precheck,
// handing each document to fn; positions and document indexes are those
// of the whole file.
func ParsePart(f *File, part Part, lim Limits, fn func(*Document)) []Problem {
	lim = lim.withDefaults()
	var problems []Problem
	offset := part.From - 1 // line offset of the chunk being parsed
	end := f.LineOffset(part.To)
	rest := f.Data[f.LineOffset(part.From):end]
	index := part.Index
	emit := func(d *parsedDoc) {
		d.File = f
		d.Index = index
		index++
		for _, p := range d.problems {
			p.Document = d.Index
			problems = append(problems, p)
		}
		fn(d.Document)
	}
	for {
		synErr := parseChunk(rest, f, offset, lim, lim.MaxDocuments-index, emit)
		if synErr == nil {
			return problems
		}
		if synErr.documentLimit {
			// Documents that start without a marker (after "..."): the
			// count of Precheck could not see them.
			line, _ := f.Clamp(synErr.line+offset, 1)
			return append(problems, documentLimit(line, lim.MaxDocuments))
		}
		line, col := f.Clamp(synErr.line+offset, synErr.col)
		if synErr.col == 0 {
			line, col = f.Clamp(line, f.FirstColumn(line))
		}
		p := Problem{Document: index, Line: line, Column: col, Msg: syntaxMessage(synErr, f, line, col)}
		if strings.HasPrefix(synErr.msg, "exceeded max depth") {
			// yaml.v3's own nesting limit, met before ours can be.
			p.Limit = true
			p.Msg = "nesting deeper than 10000 levels (the YAML parser's limit; Kubernetes objects nest about 20 deep)"
		}
		problems = append(problems, p)
		index++
		// Resume at the next document marker from where the parser gave
		// up: on that line itself when the marker is what stopped it
		// (a flow collection left open before the next "---").
		stop := synErr.stop + offset
		next := 0
		if stop > offset+1 && isDocumentStart(f.Line(stop)) {
			next = stop
		} else {
			next = nextDocumentStart(f, max(stop, offset+1)+1)
		}
		if next == 0 || next >= part.To {
			return problems
		}
		offset = next - 1
		rest = f.Data[f.LineOffset(next):end]
	}
}

// Split divides a large file into up to n parts at document markers, so
// that several goroutines can parse it; each part is about the same size
// and at least minSize bytes. It returns one part (the whole file) when
// the file is small, or when its layout could make the document indexes
// of a later part differ from a parse of the whole file: a directive
// ("%YAML") or a document end marker ("...") at the start of a line.
// Where a part meets a syntax error, the parser's recovery may skip a
// marker that Split counted: callers parse such a file again whole.
func Split(f *File, n, minSize int) []Part {
	whole := []Part{{From: 1, To: f.Lines() + 1}}
	if n <= 1 || minSize <= 0 || len(f.Data) < 2*minSize {
		return whole
	}
	n = min(n, len(f.Data)/minSize)
	target := len(f.Data) / n
	parts := []Part{{From: 1}}
	markers, content := 0, false
	for line := 1; line <= f.Lines(); line++ {
		text := f.lineBytes(line)
		if line == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		switch {
		case len(text) > 0 && text[0] == '%', bytes.HasPrefix(text, []byte("...")):
			return whole
		case bytes.HasPrefix(text, []byte("---")) && (len(text) == 3 || text[3] == ' ' || text[3] == '\t'):
			cur := &parts[len(parts)-1]
			if len(parts) < n && f.LineOffset(line)-f.LineOffset(cur.From) >= target {
				// The document starting here comes after one document
				// per marker before it, and one before the first marker
				// if there is content there.
				index := markers
				if content {
					index++
				}
				cur.To = line
				parts = append(parts, Part{From: line, Index: index})
			}
			markers++
		case markers == 0 && !content:
			t := bytes.TrimSpace(text)
			content = len(t) > 0 && t[0] != '#'
		}
	}
	parts[len(parts)-1].To = f.Lines() + 1
	return parts
}

// parseChunk decodes documents until the end or the first syntax error,
// handing each to emit.
// The chunk starts after line offset of f; node lines are made absolute
// before values are typed, so every message (such as "first defined at
// line N") speaks of the file. The syntax error's lines are relative to
// the chunk.
func parseChunk(data []byte, f *File, offset int, lim Limits, budget int, emit func(*parsedDoc)) (synErr *syntaxError) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	count, lastLine := 0, 0
	for {
		if count >= budget {
			line := 1
			if count > 0 {
				line = lastLine - offset
			}
			return &syntaxError{line: line, documentLimit: true}
		}
		var n yaml.Node
		err := decodeSafely(dec, &n)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return locateError(err, marksOf(dec), data, f, offset)
		}
		d := &parsedDoc{Document: &Document{}}
		if len(n.Content) > 0 {
			d.Node = n.Content[0]
			shiftLines(d.Node, offset)
			if !endsWithBreak(f.Data) {
				clampEnd(d.Node, f)
			}
			d.Line, _ = f.Clamp(d.Node.Line, 1)
			v, verrs := toValue(d.Node, f, lim)
			d.Value = v
			if len(verrs) == 0 {
				d.keys = indexKeys(d.Node)
			}
			for _, e := range verrs {
				d.problems = append(d.problems, Problem{Line: e.Line, Column: e.Column, Msg: e.Msg, Limit: e.Limit})
			}
			if d.Node.Kind == yaml.ScalarNode && d.Value == nil {
				d.Node = nil // a document that says only "null" or "~"
			}
		} else {
			// An empty document: yaml.v3 may place it past the last line.
			d.Line, _ = f.Clamp(n.Line+offset, 1)
		}
		count, lastLine = count+1, d.Line
		emit(d)
	}
}

type parsedDoc struct {
	*Document
	problems []Problem
}

// decodeSafely turns a panic inside the YAML library into an error: a
// linter in a pre-commit hook must never crash on a half-edited file.
func decodeSafely(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: the YAML parser failed on this input: %v", r)
		}
	}()
	return dec.Decode(n)
}

func shiftLines(n *yaml.Node, by int) {
	if n == nil || by == 0 {
		return
	}
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if seen[n] {
			return
		}
		seen[n] = true
		n.Line += by
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}

// clampEnd moves nodes that yaml.v3 places past the end of the file back
// to its end. The stream ends on the line after the last line break, so
// in a file that does not end with one, empty nodes at the end ("key:")
// sit on a line that does not exist; yaml.v3 does not keep positions in
// order around them, so every node is visited, but only for such files.
func clampEnd(n *yaml.Node, f *File) {
	if n.Line > f.Lines() {
		n.Line, n.Column = f.Clamp(n.Line, n.Column)
	}
	for _, c := range n.Content {
		clampEnd(c, f) // Content is a tree: aliases point through Alias
	}
}

// endsWithBreak reports whether data ends with a line break (or is empty).
func endsWithBreak(data []byte) bool {
	n := len(data)
	switch {
	case n == 0 || data[n-1] == '\n' || data[n-1] == '\r':
		return true
	case n >= 2 && data[n-2] == 0xC2 && data[n-1] == 0x85: // NEL
		return true
	case n >= 3 && data[n-3] == 0xE2 && data[n-2] == 0x80 && (data[n-1] == 0xA8 || data[n-1] == 0xA9): // LS, PS
		return true
	}
	return false
}

// nextDocumentStart finds the first line at or after from that starts a
// new document ("---" at column 1), returning 0 when there is none.
func nextDocumentStart(f *File, from int) int {
	for n := from; n <= f.Lines(); n++ {
		if isDocumentStart(f.Line(n)) {
			return n
		}
	}
	return 0
}

func isDocumentStart(l string) bool {
	return l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t")
}

// syntaxMessage adds to a message from locateError where the enclosing
// collection starts and a hint for the mistakes people make most, looking
// at the text where it points.
func syntaxMessage(e *syntaxError, f *File, line, col int) string {
	msg := e.msg
	at, before := "", ""
	if off := f.Offset(line, col); off >= 0 && off < len(f.Data) {
		r, _ := utf8.DecodeRune(f.Data[off:])
		at = string(r)
		if off > 0 {
			r, _ := utf8.DecodeLastRune(f.Data[:off])
			before = string(r)
		}
	}
	var hint string
	switch {
	case strings.Contains(msg, "tab character"):
		msg += "; indent with spaces"
	case at == "\t" || strings.HasPrefix(msg, "found character that cannot start any token") && strings.HasPrefix(f.Line(line), "\t"):
		hint = "a tab is used for indentation; YAML allows only spaces"
	case strings.HasPrefix(msg, "found character that cannot start any token") && (at == "@" || at == "`"):
		hint = fmt.Sprintf("%q is reserved in YAML and cannot start a plain value; quote the value", at)
	case strings.Contains(msg, "UTF-8"):
		hint = "the file is not valid UTF-8, perhaps Latin-1 or Windows-1252; save it as UTF-8"
	case strings.Contains(msg, "mapping values are not allowed"):
		hint = `a value containing ": " must be quoted, or the indentation is off`
	case strings.Contains(msg, "did not find expected key") && (at == "]" || at == "}"):
		hint = fmt.Sprintf("this %q closes nothing", at)
	case strings.Contains(msg, "did not find expected key") && (before == "'" || before == `"`):
		hint = `the quoted value ends at the quote before this; inside '...' write a quote as '', inside "..." as \"`
	case strings.Contains(msg, "did not find expected key"), strings.Contains(msg, "did not find expected '-' indicator"):
		hint = "check the indentation of this line"
	case strings.HasPrefix(msg, "an anchor (") || strings.HasPrefix(msg, "an alias ("):
		hint = `quote the value if it is text, such as a cron schedule "*/5 * * * *"`
	case strings.Contains(msg, "did not find expected <document start>"):
		hint = `after a "..." document end marker, a new document starts with "---"`
	}
	var parts []string
	for _, p := range []string{hint, e.note} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, "; ") + ")"
	}
	return msg
}

// CountDocuments counts the documents of a YAML stream by their "---"
// markers (an upper bound: a marker inside a block scalar at column 1
// ends it anyway), without parsing it.
func CountDocuments(data []byte) int {
	n := 0
	if !bytes.HasPrefix(data, []byte("---")) {
		n = 1
	}
	for i := 0; i < len(data); {
		if isMarkerAt(data, i) {
			n++
		}
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	return n
}

func isMarkerAt(data []byte, i int) bool {
	return bytes.HasPrefix(data[i:], []byte("---")) && (i+3 == len(data) || data[i+3] == '\n' || data[i+3] == '\r' || data[i+3] == ' ' || data[i+3] == '\t')
}

// prescan refuses, before anything is parsed, a file that would cost
// more than the limits allow: more documents than MaxDocuments (counted
// by their "---" markers), more values than MaxFileValues, or a document
// of more values than half of MaxNodes (values counted as lines plus
// commas: the parser builds a node for each before any limit sees them,
// and a line can hold three). It costs one pass over the bytes.
func prescan(f *File, lim Limits) *Problem {
	data := f.Data
	docs, docStart, units, docUnits := 0, 1, 0, 0
	if !bytes.HasPrefix(data, []byte("---")) {
		docs = 1
	}
	line := 1
	for i := 0; i < len(data); line++ {
		if isMarkerAt(data, i) {
			docs++
			if docs > lim.MaxDocuments {
				p := documentLimit(line, lim.MaxDocuments)
				return &p
			}
			docStart, docUnits = line, 0
		}
		j := bytes.IndexByte(data[i:], '\n')
		end := len(data)
		if j >= 0 {
			end = i + j + 1
		}
		n := 1 + bytes.Count(data[i:end], []byte{','})
		units += n
		docUnits += n
		if units > lim.MaxFileValues {
			return &Problem{Line: 1, Column: 1, Limit: true,
				Msg: fmt.Sprintf("the file has more lines and commas than the %d values a file may hold (the limit on values per file, counted before parsing); it was not linted: split it", lim.MaxFileValues)}
		}
		if docUnits > lim.MaxNodes/2 {
			return &Problem{Line: docStart, Column: 1, Limit: true,
				Msg: fmt.Sprintf("this document has more lines and commas than the %d values a document may hold (the limit on values per document, counted before parsing); the file was not linted: split it", lim.MaxNodes/2)}
		}
		i = end
	}
	return nil
}

func documentLimit(line, max int) Problem {
	return Problem{Line: line, Column: 1, Limit: true,
		Msg: fmt.Sprintf("the file has more than %d documents (the limit on documents per file); it was not linted: split it", max)}
}
