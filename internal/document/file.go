// Package document is everynode's one model of YAML input, shared by the
// generator and the linter: a file is parsed once into go.yaml.in/yaml/v3
// node trees (which keep line and column, absolute in the file), values are
// typed from those trees the way kubectl types them (YAML 1.1, as
// sigs.k8s.io/yaml does), and one index turns a field path into a position.
package document

import (
	"bytes"
	"encoding/binary"
	"sort"
	"unicode/utf16"
	"unicode/utf8"
)

// File is the source of one input: its name as it will be reported and its
// bytes. Lines are numbered from 1.
type File struct {
	Name string
	// Data is the content as UTF-8: a file in UTF-16 with a byte-order
	// mark, which kubectl reads too, is converted (positions count
	// characters, so they are the same in both).
	Data []byte
	// lineStarts[i] is the byte offset where line i+1 begins.
	lineStarts []int
	// wide holds a bit for each line that has a byte outside ASCII: in
	// the others a column is a byte offset, found without counting.
	wide []uint64
}

func (f *File) ascii(line int) bool {
	i := line - 1
	return i >= 0 && i/64 < len(f.wide) && f.wide[i/64]&(1<<(i%64)) == 0
}

// NewFile indexes data by line. Lines break where YAML breaks them (and
// so where yaml.v3 counts): at LF, CRLF, a lone CR, and the Unicode
// breaks NEL, LS and PS, so positions agree with the parser's.
func NewFile(name string, data []byte) *File {
	if isUTF16(data) {
		data = fromUTF16(data)
	}
	f := &File{Name: name, Data: data, lineStarts: make([]int, 1, bytes.Count(data, []byte{'\n'})+1)}
	f.wide = make([]uint64, (cap(f.lineStarts)+64)/64)
	for i := 0; i < len(data); i++ {
		if data[i] >= 0x80 {
			n := len(f.lineStarts) - 1
			if n/64 >= len(f.wide) {
				f.wide = append(f.wide, make([]uint64, n/64-len(f.wide)+1)...)
			}
			f.wide[n/64] |= 1 << (n % 64)
		}
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
	return string(f.lineBytes(n))
}

// lineBytes is Line without a copy: positions are computed for every
// finding, and a minified manifest is one line of megabytes.
func (f *File) lineBytes(n int) []byte {
	if n < 1 || n > len(f.lineStarts) {
		return nil
	}
	start := f.lineStarts[n-1]
	end := len(f.Data)
	if n < len(f.lineStarts) {
		end = f.lineStarts[n]
		end -= breakLen(f.Data, end)
	}
	return f.Data[start:end]
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
	text := f.lineBytes(line)
	if f.ascii(line) {
		if col > len(text)+1 {
			col = len(text) + 1
		}
		return line, col
	}
	// Count the line's characters only as far as the column.
	n := 0
	for i := 0; i < len(text) && n < col-1; n++ {
		_, size := utf8.DecodeRune(text[i:])
		i += size
	}
	if col > n+1 {
		col = n + 1
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

// Offset is the byte offset of line:col (col counted in characters, as
// yaml.v3 counts them: a byte-order mark at the start of the file is not
// a character), or -1 when the position is not in the file.
func (f *File) Offset(line, col int) int {
	if line < 1 || line > len(f.lineStarts) || col < 1 {
		return -1
	}
	off := f.lineStarts[line-1]
	if line == 1 && bytes.HasPrefix(f.Data, utf8BOM) {
		off += len(utf8BOM)
	}
	text := f.lineBytes(line)
	if line == 1 {
		text = bytes.TrimPrefix(text, utf8BOM)
	}
	if f.ascii(line) {
		if col-1 <= len(text) {
			return off + col - 1
		}
		return -1
	}
	for i := 0; i < len(text); {
		if col == 1 {
			return off + i
		}
		col--
		_, size := utf8.DecodeRune(text[i:])
		i += size
	}
	if col == 1 {
		return off + len(text)
	}
	return -1
}

// Position is the line and column (in characters, 1-based) of a byte
// offset; an offset past the end is the end of the last line.
func (f *File) Position(off int) (line, col int) {
	if off > len(f.Data) {
		off = len(f.Data)
	}
	if off < 0 {
		off = 0
	}
	line = sort.Search(len(f.lineStarts), func(i int) bool { return f.lineStarts[i] > off })
	start := f.lineStarts[line-1]
	if line == 1 && bytes.HasPrefix(f.Data, utf8BOM) && off >= len(utf8BOM) {
		start += len(utf8BOM)
	}
	return line, utf8.RuneCount(f.Data[start:off]) + 1
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// isUTF16 reports a UTF-16 byte-order mark.
func isUTF16(b []byte) bool {
	return bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.HasPrefix(b, []byte{0xFF, 0xFE})
}

// fromUTF16 converts UTF-16 with a byte-order mark to UTF-8 (the mark
// becomes a UTF-8 one), as kubectl does when it reads a file; what cannot
// be decoded becomes U+FFFD.
func fromUTF16(b []byte) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if b[0] == 0xFE {
		order = binary.BigEndian
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	out := make([]byte, 0, len(b))
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	if len(b)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}
