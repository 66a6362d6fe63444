package document

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

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
	f := NewFile(name, data)
	s := &Stream{File: f}
	if i := bytes.IndexByte(data, 0); i >= 0 && !isUTF16(data) {
		line := bytes.Count(data[:i], []byte{'\n'}) + 1
		s.Problems = append(s.Problems, Problem{Line: line, Column: 1,
			Msg: "this is a binary file (it contains a NUL byte), not YAML; exclude it or rename it"})
		return s
	}
	offset := 0 // line offset of the chunk being parsed
	rest := data
	index := 0
	for {
		docs, errLine, err := parseChunk(rest, f, offset, lim)
		for _, d := range docs {
			d.File = f
			d.Index = index
			index++
			s.Docs = append(s.Docs, d.Document)
		}
		for _, d := range docs {
			for _, p := range d.problems {
				p.Document = d.Index
				s.Problems = append(s.Problems, p)
			}
		}
		if err == nil {
			return s
		}
		line := errLine + offset
		if line < 1 {
			line = 1
		}
		msg := syntaxMessage(err, f, line)
		line, col := f.Clamp(line, f.FirstColumn(line))
		s.Problems = append(s.Problems, Problem{Document: index, Line: line, Column: col, Msg: msg})
		index++
		// Resume at the next document marker after the error.
		next := nextDocumentStart(f, line+1)
		if next == 0 {
			return s
		}
		offset = next - 1
		rest = data[f.LineOffset(next):]
	}
}

// isUTF16 reports a UTF-16 byte-order mark: such files are legal YAML
// (yaml.v3 decodes them) even though they are full of NUL bytes.
func isUTF16(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE})
}

var lineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// parseChunk decodes documents until the end or the first syntax error,
// whose line (relative to the chunk) it returns. The chunk starts after
// line offset of f; node lines are made absolute before values are typed,
// so every message (such as "first defined at line N") speaks of the file.
func parseChunk(data []byte, f *File, offset int, lim Limits) (docs []*parsedDoc, errLine int, err error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := decodeSafely(dec, &n)
		if errors.Is(err, io.EOF) {
			return docs, 0, nil
		}
		if err != nil {
			line := 0
			if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
				line, _ = strconv.Atoi(m[1])
			} else {
				// No line: the error is at the end of the chunk.
				line = bytes.Count(data, []byte{'\n'}) + 1
			}
			return docs, line, err
		}
		d := &parsedDoc{Document: &Document{}}
		if len(n.Content) > 0 {
			d.Node = n.Content[0]
			shiftLines(d.Node, offset)
			d.Line = d.Node.Line
			v, verrs := toValue(d.Node, f, lim)
			d.Value = v
			for _, e := range verrs {
				d.problems = append(d.problems, Problem{Line: e.Line, Column: e.Column, Msg: e.Msg, Limit: e.Limit})
			}
			if d.Node.Kind == yaml.ScalarNode && d.Value == nil {
				d.Node = nil // a document that says only "null" or "~"
			}
		} else {
			d.Line = n.Line + offset
		}
		docs = append(docs, d)
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

// nextDocumentStart finds the first line at or after from that starts a
// new document ("---" at column 1), returning 0 when there is none.
func nextDocumentStart(f *File, from int) int {
	for n := from; n <= f.Lines(); n++ {
		l := f.Line(n)
		if l == "---" || strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "---\t") {
			return n
		}
	}
	return 0
}

// syntaxMessage rewrites a yaml.v3 error into what a user can act on: no
// "yaml: line N:" prefix (the position says it), and a hint for the
// mistakes people make most.
func syntaxMessage(err error, f *File, line int) string {
	msg := lineRE.ReplaceAllString(err.Error(), "")
	msg = strings.TrimPrefix(msg, "yaml: ")
	text := f.Line(line)
	switch {
	case strings.HasPrefix(text, "\t") || strings.Contains(msg, "found character that cannot start any token") && strings.Contains(text, "\t"):
		msg += " (a tab is used for indentation; YAML allows only spaces)"
	case strings.Contains(msg, "invalid leading UTF-8 octet") || strings.Contains(msg, "invalid trailing UTF-8 octet") || strings.Contains(msg, "incomplete UTF-8 octet"):
		msg += " (the file is not valid UTF-8; save it as UTF-8)"
	case strings.Contains(msg, "mapping values are not allowed"):
		msg += " (a value containing \": \" must be quoted, or the indentation is off)"
	case strings.Contains(msg, "did not find expected key"):
		msg += " (check the indentation of this block)"
	}
	return msg
}
