package config

import "strings"

// suggest returns the candidate closest to word, or "" when none is close
// enough to be the likely intent: within one edit for short words, two
// for longer ones (a swap of two letters counts as one edit).
func suggest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := editDistance(lw, strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := 1
	if len(word) >= 5 {
		limit = 2
	}
	if len(word) >= 12 {
		limit = 3
	}
	if bestD < 0 || bestD > limit {
		// A prefix is an abbreviation (warn for warning, err for error).
		if len(word) >= 3 {
			for _, c := range candidates {
				if strings.HasPrefix(strings.ToLower(c), lw) {
					return c
				}
			}
		}
		return ""
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions of neighbours.
func editDistance(a, b string) int {
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
