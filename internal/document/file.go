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

// NewFile indexes data by line.
func NewFile(name string, data []byte) *File {
	f := &File{Name: name, Data: data, lineStarts: make([]int, 1, bytes.Count(data, []byte{'\n'})+1)}
	for i, b := range data {
		if b == '\n' {
			f.lineStarts = append(f.lineStarts, i+1)
		}
	}
	return f
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
		end = f.lineStarts[n] - 1
	}
	line := f.Data[start:end]
	line = bytes.TrimSuffix(line, []byte{'\r'})
	return string(line)
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
