package configfile

import (
	"strings"

	typo "github.com/everynode/everynode/internal/suggest"
)

// suggest returns the candidate closest to word, or "" when none is close
// enough to be the likely intent: within one edit for short words, two
// for longer ones (a swap of two letters counts as one edit).
func suggest(word string, candidates []string) string {
	best, bestD := "", -1
	lw := strings.ToLower(word)
	for _, c := range candidates {
		d := typo.Distance(lw, strings.ToLower(c))
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
