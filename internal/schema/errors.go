package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	typo "github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/schemas"
)

// finish turns a walk's errors into the result: sorted by path, then
// message, without duplicates (a combinator can report the same thing
// twice).
func finish(errs []verr) []Error {
	if len(errs) == 0 {
		return nil
	}
	out := make([]Error, len(errs))
	for i, e := range errs {
		out[i] = e.Error
	}
	sortErrors(out)
	return slices.CompactFunc(out, func(a, b Error) bool {
		return a.Rule == b.Rule && a.Message == b.Message && a.Path.Equal(b.Path)
	})
}

func sortErrors(errs []Error) {
	slices.SortFunc(errs, func(a, b Error) int {
		if c := comparePaths(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
}

func comparePaths(a, b fieldpath.Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		switch {
		case x.IsIndex && y.IsIndex:
			if x.Index != y.Index {
				return x.Index - y.Index
			}
		case x.IsIndex != y.IsIndex:
			if x.IsIndex {
				return -1
			}
			return 1
		default:
			if c := strings.Compare(x.Key, y.Key); c != 0 {
				return c
			}
		}
	}
	return len(a) - len(b)
}

// describe names a value's JSON type and, for scalars, shows it:
// `string "http"`, `integer 80`, `boolean true`, `object`.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string " + quoteShort(x)
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	if valueType(v) == tInteger {
		return "integer " + numberString(v)
	}
	if s := numberString(v); s != "" {
		return "number " + s
	}
	return fmt.Sprintf("%v", v)
}

// quoteShort quotes a string, eliding the middle of long ones so that a
// certificate pasted into the wrong field does not flood the terminal.
func quoteShort(s string) string {
	const limit = 60
	if utf8.RuneCountInString(s) <= limit {
		return strconv.Quote(s)
	}
	r := []rune(s)
	return strconv.Quote(string(r[:limit/2])+"…"+string(r[len(r)-limit/4:])) + fmt.Sprintf(" (%d characters)", len(r))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func patternMessage(pattern, value string) string {
	if pattern == schemas.QuantityPattern {
		return fmt.Sprintf("invalid quantity %s: want a number with an optional suffix: Ki, Mi, Gi, Ti, Pi, Ei (powers of 1024) or m, k, M, G, T, P, E (powers of 1000), such as 500m, 64Mi, 1.5Gi or 2", quoteShort(value))
	}
	return fmt.Sprintf("%s does not match the pattern %s", quoteShort(value), strconv.Quote(pattern))
}

// suggest returns the candidate closest to name, or "" when none is close
// enough to be a likely typo: the same name in another case or with
// separators, or within a small edit distance for its length.
func suggest(name string, candidates []string) string {
	norm := func(s string) string {
		return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s))
	}
	n := norm(name)
	for _, c := range candidates {
		if norm(c) == n {
			return c
		}
	}
	limit := 1
	switch l := utf8.RuneCountInString(name); {
	case l <= 3:
		return ""
	case l >= 12:
		limit = 3
	case l >= 6:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := typo.Distance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
