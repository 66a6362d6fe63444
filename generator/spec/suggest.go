package spec

import "github.com/everynode/everynode/internal/suggest"

var (
	suggestOne = suggest.Closest
	didYouMean = suggest.DidYouMean
)
