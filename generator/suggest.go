package generator

import (
	"fmt"

	typo "github.com/everynode/everynode/internal/suggest"
)

// suggest returns the candidate closest to word, or "" when none is close
// enough to be a plausible typo.
func suggest(word string, candidates []string) string {
	return typo.Closest(word, candidates)
}

// didYouMean formats a suggestion as a hint to append to a message.
func didYouMean(word string, candidates []string) string {
	if s := suggest(word, candidates); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	return ""
}
