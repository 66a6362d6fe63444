// Package suggest finds the name a user probably meant: every "did you
// mean" in everynode (unknown fields, rule IDs, volume names) comes from
// here, so they all judge a typo the same way.
package suggest

import (
	"fmt"
	"strings"
)

// Distance is the optimal-string-alignment Damerau-Levenshtein distance
// between a and b, in runes: insertions, deletions, substitutions and
// transpositions of adjacent runes (the commonest typo) each cost one.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Closest returns the candidate nearest to word, or "" when none is near
// enough to be a plausible typo (a third of the shorter length, at least
// one edit). A candidate that differs only in case always wins.
func Closest(word string, candidates []string) string {
	lw := strings.ToLower(word)
	best, bestDist := "", -1
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == lw {
			return c
		}
		d := Distance(lw, lc)
		if bestDist < 0 || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist > max(1, min(len(word), len(best))/3) {
		return ""
	}
	return best
}

// DidYouMean is a message tail naming the candidate nearest to word,
// ` (did you mean "x"?)`, or "" when none is near.
func DidYouMean(word string, candidates []string) string {
	if s := Closest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
