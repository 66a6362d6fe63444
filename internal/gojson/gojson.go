// Package gojson is the glue between the shared document model and
// gojsonschema, which checks the Daemon spec and the Config: values go in
// without a JSON round trip, and error contexts come back as field paths.
package gojson

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/xeipuuv/gojsonschema"

	"github.com/everynode/everynode/lint/fieldpath"
)

// Value copies a typed document value with its numbers as json.Number,
// the only numeric type gojsonschema checks (it expects what encoding/json
// decodes with UseNumber). NaN and infinities, which JSON cannot carry,
// become strings, so a schema asking for a number rejects them.
func Value(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = Value(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = Value(e)
		}
		return l
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case uint64:
		return json.Number(strconv.FormatUint(x, 10))
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return strconv.FormatFloat(x, 'g', -1, 64)
		}
		return json.Number(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return v
}

// ContextPath turns a gojsonschema context ("(root).spec.ports.0") into a
// field path. It splits on a byte no key contains, so keys with dots stay
// whole, and tells list indexes from keys by the value each step enters.
func ContextPath(ctx *gojsonschema.JsonContext, value any) fieldpath.Path {
	if ctx == nil {
		return nil
	}
	parts := strings.Split(ctx.String("\x00"), "\x00")
	var p fieldpath.Path
	cur := value
	for _, part := range parts[1:] { // parts[0] is "(root)"
		if l, ok := cur.([]any); ok {
			if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(l) {
				p = p.Index(i)
				cur = l[i]
				continue
			}
		}
		p = p.Child(part)
		if m, ok := cur.(map[string]any); ok {
			cur = m[part]
		} else {
			cur = nil
		}
	}
	return p
}
