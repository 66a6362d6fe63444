// Package document is everynode's one model of YAML input, shared by the
// generator and the linter: a file is parsed once into go.yaml.in/yaml/v3
// node trees (which keep line and column, absolute in the file), values are
// typed from those trees the way kubectl types them (YAML 1.1, as
// sigs.k8s.io/yaml does), and one index turns a field path into a position.
package document

import (
	"bytes"
	"unicode/utf8"
)

// File is the source of one input: its name as it will be reported and its
// bytes. Lines are numbered from 1.
type File struct {
	Name string
	Data []byte
	// lineStarts[i] is the byte offset where line i+1 begins.
	lineStarts []int
}

// NewFile indexes data by line. Lines break where YAML breaks them (and
// so where yaml.v3 counts): at LF, CRLF, a lone CR, and the Unicode
// breaks NEL, LS and PS, so positions agree with the parser's.
func NewFile(name string, data []byte) *File {
	f := &File{Name: name, Data: data, lineStarts: make([]int, 1, bytes.Count(data, []byte{'\n'})+1)}
	for i := 0; i < len(data); i++ {
		switch data[i] {
		case '\n':
			f.lineStarts = append(f.lineStarts, i+1)
		case '\r':
			if i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			f.lineStarts = append(f.lineStarts, i+1)
		case 0xC2:
			if i+1 < len(data) && data[i+1] == 0x85 {
				i++
				f.lineStarts = append(f.lineStarts, i+1)
			}
		case 0xE2:
			if i+2 < len(data) && data[i+1] == 0x80 && (data[i+2] == 0xA8 || data[i+2] == 0xA9) {
				i += 2
				f.lineStarts = append(f.lineStarts, i+1)
			}
		}
	}
	return f
}

// breakLen is the length of the line break that ends at end (exclusive).
func breakLen(data []byte, end int) int {
	switch {
	case end >= 2 && data[end-2] == '\r' && data[end-1] == '\n':
		return 2
	case end >= 1 && (data[end-1] == '\n' || data[end-1] == '\r'):
		return 1
	case end >= 2 && data[end-2] == 0xC2 && data[end-1] == 0x85:
		return 2
	case end >= 3 && data[end-3] == 0xE2 && data[end-2] == 0x80:
		return 3
	}
	return 0
}

// Lines is the number of lines in the file.
func (f *File) Lines() int { return len(f.lineStarts) }

// Line returns line n without its line ending, or "" when n is out of range.
func (f *File) Line(n int) string {
	if n < 1 || n > len(f.lineStarts) {
		return ""
	}
	start := f.lineStarts[n-1]
	end := len(f.Data)
	if n < len(f.lineStarts) {
		end = f.lineStarts[n]
		end -= breakLen(f.Data, end)
	}
	return string(f.Data[start:end])
}

// LineOffset returns the byte offset where line n begins.
func (f *File) LineOffset(n int) int {
	if n < 1 {
		return 0
	}
	if n > len(f.lineStarts) {
		return len(f.Data)
	}
	return f.lineStarts[n-1]
}

// Clamp moves a position into the file: findings must always point at a
// line and column that exist, even when a parser reports past the end.
func (f *File) Clamp(line, col int) (int, int) {
	if line < 1 {
		line = 1
	}
	if line > len(f.lineStarts) {
		line = len(f.lineStarts)
	}
	if col < 1 {
		col = 1
	}
	if max := utf8.RuneCountInString(f.Line(line)) + 1; col > max {
		col = max
	}
	return line, col
}

// FirstColumn is the column of the first non-blank character of line n
// (1 for a blank line): where to point when only the line is known.
func (f *File) FirstColumn(n int) int {
	line := f.Line(n)
	col := 1
	for _, r := range line {
		if r != ' ' && r != '\t' {
			return col
		}
		col++
	}
	return 1
}
