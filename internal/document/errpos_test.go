package document

import (
	"strings"
	"testing"
)

// TestSyntaxErrorPositions pins where syntax errors are reported. yaml.v3
// puts only a line in its messages (0-based for parser errors, and the
// line where the enclosing collection starts rather than the problem);
// locateError reads its marks instead. If a yaml.v3 upgrade renames the
// fields marksOf reads, this test fails: positions fall back to lines.
func TestSyntaxErrorPositions(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line, col int
		msg       string
	}{
		{"unclosed flow sequence", "a: 1\nm:\n  name: [a, b\ndata: {}\n", 3, 9, `"[" is not closed: did not find expected ',' or ']' (at line 4, column 5)`},
		{"unclosed flow mapping", "a: 1\nm: {name: a, namespace: b\ndata:\n  x: y\n", 2, 4, `"{" is not closed`},
		{"flow sequence open at the end", "a: 1\nb: [\n", 2, 4, `"[" is not closed: did not find expected node content (at the end of the file)`},
		{"unclosed flow sequence, whole file", "[a, b", 1, 1, "(at the end of the file)"},
		{"key indented too far", "a: 1\nm:\n  name: a\n   namespace: b\n", 4, 13, "mapping values are not allowed in this context (a value containing"},
		{"key indented too little", "a: 1\nm:\n    name: a\n  namespace: b\n", 4, 3, "did not find expected key (check the indentation of this line; in the mapping that starts at line 1, column 1)"},
		{"map entry in a list", "a: 1\nm:\n  - a\n  b: c\n", 4, 3, "did not find expected '-' indicator (check the indentation of this line; in the list that starts at line 3, column 3)"},
		{"unterminated double quote", "a: 1\nm:\n  name: \"a\n  namespace: b\n", 3, 9, "the quoted string that starts here is not closed"},
		{"unterminated single quote", "a: 1\nm:\n  name: 'a\n", 3, 9, "the quoted string that starts here is not closed"},
		{"quote inside a single-quoted string", "a: 'it's'\n", 1, 8, `the quoted value ends at the quote before this; inside '...' write a quote as ''`},
		{"value with colon", "a: 1\nm:\n  name: a: b\n", 3, 10, "mapping values are not allowed"},
		{"unknown anchor", "a: 1\nm:\n  name: *nope\n", 3, 9, "unknown anchor 'nope' referenced"},
		{"empty anchor", "a: 1\nm:\n  name: &\n", 3, 9, `an anchor ("&") needs a name`},
		{"cron schedule", "schedule: * * * * *\n", 1, 11, `an alias ("*") needs a name`},
		{"tab at the start of a line", "a: 1\nm:\n\tname: a\n", 3, 1, "a tab is used for indentation"},
		{"tab inside a block", "a: 1\n\tb: 2\n", 2, 1, "found a tab character that violates indentation; indent with spaces"},
		{"content after document end", "a: 1\nm:\n  name: a\n...\n  namespace: b\n", 5, 3, `a new document starts with "---"`},
		{"reserved character", "a: 1\nm: @x\n", 2, 4, `"@" is reserved in YAML`},
		{"unknown escape", "a: 1\nm: \"a\\qb\"\n", 2, 6, "found unknown escape character"},
		{"duplicate directive", "%YAML 1.1\n%YAML 1.1\n---\na: 1\n", 2, 1, "found duplicate %YAML directive"},
		{"stray closing bracket", "a: 1\nm: [a, b]]\n", 2, 10, `this "]" closes nothing`},
		{"invalid UTF-8", "a: 1\nm: \"caf\xe9\"\n", 2, 8, "invalid UTF-8: byte 0xE9"},
		{"truncated UTF-8", "a: 1\nb: \xc3", 2, 4, "invalid UTF-8: byte 0xC3"},
		{"CRLF", "a: 1\r\nb: [2\r\n", 2, 4, `"[" is not closed`},
		{"UTF-8 byte-order mark", "\xef\xbb\xbfa: [1\n", 1, 4, `"[" is not closed`},
		{"UTF-16 byte-order mark", "\xff\xfea\x00:\x00 \x00[\x001\x00\n\x00", 1, 4, `"[" is not closed`},
		{"error in a later document", "a: 1\n---\nb: 2\n---\nc: [\n", 5, 4, `"[" is not closed`},
		{"alias to an earlier document", "a: &x 1\n---\nb: *x\n", 3, 4, "refers to an anchor in an earlier document (line 1)"},
		{"nesting past the parser's limit", "a: " + strings.Repeat("[", 10001) + "\n", 1, 10004, "nesting deeper than 10000 levels"},
		{"binary", "a: 1\nb: \x00\n", 2, 4, "binary file"},
		{"line without a colon", "a:\n  b: 1\n  c\n  d: 2\n", 3, 3, `could not find the ":" after the key that starts here`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse("x.yaml", []byte(tc.src), Limits{})
			if len(s.Problems) != 1 {
				t.Fatalf("problems: %+v", s.Problems)
			}
			p := s.Problems[0]
			if p.Line != tc.line || p.Column != tc.col || !strings.Contains(p.Msg, tc.msg) {
				t.Errorf("got %d:%d %q\nwant %d:%d %q", p.Line, p.Column, p.Msg, tc.line, tc.col, tc.msg)
			}
		})
	}
}

// TestResumeAfterSyntaxError: parsing resumes at the next "---" after the
// line where the parser gave up, even when that line is the marker itself
// (a flow collection left open before it), so no document is lost.
func TestResumeAfterSyntaxError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		src   string
		docs  []int // indexes of the documents parsed
		lines []int // their first lines
	}{
		{"open bracket before a marker", "a: [1\n---\nb: 2\n", []int{1}, []int{3}},
		{"error mid-document", "a: 1\n---\nb: [1\nc: 2\n---\nd: 4\n", []int{0, 2}, []int{1, 6}},
		{"marker on the error line", "--- [\n---\nb: 2\n", []int{1}, []int{3}},
		{"two errors", "a: [\n---\nb: {\n---\nc: 3\n", []int{2}, []int{5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Parse("x.yaml", []byte(tc.src), Limits{})
			var docs, lines []int
			for _, d := range s.Docs {
				if d.Node != nil {
					docs, lines = append(docs, d.Index), append(lines, d.Line)
				}
			}
			if !equalInts(docs, tc.docs) || !equalInts(lines, tc.lines) {
				t.Errorf("documents %v at lines %v, want %v at %v (problems: %+v)", docs, lines, tc.docs, tc.lines, s.Problems)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestFilePositionAndOffset(t *testing.T) {
	f := NewFile("x", []byte("\xef\xbb\xbfab\ncé\r\nx"))
	for _, tc := range []struct{ off, line, col int }{
		{3, 1, 1}, {4, 1, 2}, {6, 2, 1}, {7, 2, 2}, {9, 2, 3}, {11, 3, 1}, {12, 3, 2},
	} {
		if line, col := f.Position(tc.off); line != tc.line || col != tc.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
		if off := f.Offset(tc.line, tc.col); off != tc.off {
			t.Errorf("Offset(%d:%d) = %d, want %d", tc.line, tc.col, off, tc.off)
		}
	}
	if off := f.Offset(2, 5); off != -1 {
		t.Errorf("Offset past the end of a line = %d, want -1", off)
	}
}
