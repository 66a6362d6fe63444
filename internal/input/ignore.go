package input

import (
	"bytes"
	"path"
	"path/filepath"
	"strings"
)

// Ignore files: a directory walk skips what .gitignore and .everynodeignore
// files ignore, as ruff, ripgrep and git itself do, so that build output
// and vendored trees are not linted.
//
// The matching is git's (gitignore(5)), written here rather than taken
// from a library: the files come from the repository being linted, which
// is hostile, so matching must take time linear in the pattern and the
// path whatever the pattern (no backtracking regular expressions, no
// recursion per "**"), and the module stays free of a git implementation
// for the sake of 200 lines.
//
//   - Blank lines and lines starting with # are nothing; \# and \! start
//     a pattern with # or !; trailing spaces are dropped unless escaped.
//   - ! negates: a later match that re-includes a path. A path whose
//     directory is ignored stays ignored (the directory is not walked).
//   - A trailing / matches directories only.
//   - A pattern with a / at the start or in the middle is relative to the
//     ignore file's directory; otherwise it matches a name at any depth
//     below it.
//   - * and ? do not match /; [...] is a class ([!...] and [^...] negate);
//     a leading **/ matches in every directory, a trailing /** everything
//     inside, /**/ zero or more directories.
//
// Precedence, lowest first: .git/info/exclude, then per directory from the
// root down, .gitignore then .everynodeignore (which can re-include what
// .gitignore ignores); within a file, later lines win.

// IgnoreFileNames are read in every walked directory, in this order.
var IgnoreFileNames = []string{".gitignore", ".everynodeignore"}

// MaxIgnoreFileSize bounds an ignore file: real ones are a few KiB, and
// every pattern is tried against every path walked.
const MaxIgnoreFileSize = 256 << 10

// ignorePattern is one line of an ignore file.
type ignorePattern struct {
	// base is the directory the file is in (absolute, clean).
	base     string
	negate   bool
	dirOnly  bool
	anchored bool
	// segs are the pattern's /-separated parts; "**" is a part of its
	// own.
	segs []string
}

// parseIgnore reads the patterns of an ignore file in dir.
func parseIgnore(dir string, data []byte) []ignorePattern {
	var out []ignorePattern
	for _, raw := range bytes.Split(data, []byte("\n")) {
		line := strings.TrimSuffix(string(raw), "\r")
		line = trimTrailingSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := ignorePattern{base: dir}
		if strings.HasPrefix(line, "!") {
			p.negate = true
			line = line[1:]
		} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") && !strings.HasSuffix(line, `\/`) {
			p.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		if strings.Contains(line, "/") {
			p.anchored = true
			line = strings.TrimPrefix(line, "/")
		}
		for _, s := range strings.Split(line, "/") {
			if s == "" {
				continue // a//b is a/b
			}
			if strings.Contains(s, "**") && s != "**" {
				// "**" inside a part is an ordinary "*" (gitignore(5)).
				for strings.Contains(s, "**") {
					s = strings.ReplaceAll(s, "**", "*")
				}
			}
			// Consecutive "**" parts mean the same as one.
			if s == "**" && len(p.segs) > 0 && p.segs[len(p.segs)-1] == "**" {
				continue
			}
			p.segs = append(p.segs, toGoClass(s))
		}
		if len(p.segs) == 0 {
			continue
		}
		out = append(out, p)
	}
	return out
}

// trimTrailingSpace drops trailing spaces that are not escaped.
func trimTrailingSpace(s string) string {
	for strings.HasSuffix(s, " ") && !strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-1]
	}
	if strings.HasSuffix(s, `\ `) {
		s = s[:len(s)-2] + " "
	}
	return s
}

// toGoClass turns git's [!...] into path.Match's [^...].
func toGoClass(s string) string {
	if !strings.Contains(s, "[!") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteString(s[i : i+2])
			i++
			continue
		}
		if s[i] == '[' && i+1 < len(s) && s[i+1] == '!' {
			b.WriteString("[^")
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// match reports whether the pattern matches abs (a path below its base).
func (p *ignorePattern) match(abs string, isDir bool) bool {
	if p.dirOnly && !isDir {
		return false
	}
	rel, err := filepath.Rel(p.base, abs)
	if err != nil || rel == "." || !filepath.IsLocal(rel) {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if !p.anchored {
		// A name at any depth: the pattern is one part.
		return len(p.segs) == 1 && (p.segs[0] == "**" || segMatch(p.segs[0], parts[len(parts)-1]))
	}
	return partsMatch(p.segs, parts)
}

// segMatch matches one part; path.Match takes time linear in the pattern
// times the name (it never backtracks over an earlier *). A malformed
// pattern matches nothing.
func segMatch(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return ok && err == nil
}

// partsMatch matches parts against segs, where "**" matches zero or more
// parts, by dynamic programming over (segment, part): time and memory
// are the product of their numbers, whatever the pattern.
func partsMatch(segs, parts []string) bool {
	n := len(parts)
	// next[j]: segs[i+1:] matches parts[j:]; cur the same for segs[i:].
	next := make([]bool, n+1)
	cur := make([]bool, n+1)
	next[n] = true
	for i := len(segs) - 1; i >= 0; i-- {
		for j := n; j >= 0; j-- {
			switch {
			case segs[i] == "**" && i == len(segs)-1:
				// A trailing "/**" matches everything inside, not the
				// directory itself.
				cur[j] = j < n
			case segs[i] == "**":
				// Zero parts, or one more part and still "**".
				cur[j] = next[j] || j < n && cur[j+1]
			case j < n:
				cur[j] = next[j+1] && segMatch(segs[i], parts[j])
			default:
				cur[j] = false
			}
		}
		next, cur = cur, next
	}
	return next[0]
}

// ignoreSet is the patterns in force in a directory, lowest precedence
// first.
type ignoreSet []ignorePattern

// ignored reports whether abs is ignored: the last pattern that matches
// decides.
func (s ignoreSet) ignored(abs string, isDir bool) bool {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i].match(abs, isDir) {
			return !s[i].negate
		}
	}
	return false
}
