package rules

import (
	"sync"
	"sync/atomic"

	"k8s.io/apimachinery/pkg/util/validation"
)

// qualifiedName is validation.IsQualifiedName, remembering keys found
// valid: label and annotation keys come from a small vocabulary
// (app.kubernetes.io/name on every object), and the check runs regular
// expressions. Only valid keys are kept, at most maxValidKeys of them, so
// the messages of invalid ones are always validation's own.
func qualifiedName(k string) []string {
	if _, ok := validKeys.Load(k); ok {
		return nil
	}
	msgs := validation.IsQualifiedName(k)
	if len(msgs) == 0 && validKeyCount.Add(1) <= maxValidKeys {
		validKeys.Store(k, struct{}{})
	}
	return msgs
}

const maxValidKeys = 4096

var (
	validKeys     sync.Map
	validKeyCount atomic.Int64
)
