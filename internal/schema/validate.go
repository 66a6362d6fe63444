package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// walker validates one value tree. path is a stack of the steps from the
// root to the value at hand; an error copies it, a valid document never
// allocates a path.
type walker struct {
	path []fieldpath.Elem
	errs []verr
}

// verr is an Error with what combinators need to merge branch failures.
type verr struct {
	Error
	typeMismatch typeSet // the expected types, when the error is a type mismatch
}

func (w *walker) here() fieldpath.Path { return slices.Clone(fieldpath.Path(w.path)) }

func (w *walker) fail(format string, args ...any) {
	w.errs = append(w.errs, verr{Error: Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: w.here(), Message: fmt.Sprintf(format, args...)}})
}

func (w *walker) push(e fieldpath.Elem) { w.path = append(w.path, e) }
func (w *walker) pop()                  { w.path = w.path[:len(w.path)-1] }

// valueType is the JSON type of a typed value. A float with no fraction is
// an integer, as it is once the YAML becomes JSON (80.0 is 80).
func valueType(v any) typeSet {
	switch x := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case string:
		return tString
	case int64, uint64, int, json.Number:
		return tInteger
	case float64:
		if x == math.Trunc(x) && !math.IsInf(x, 0) {
			return tInteger
		}
		return tNumber
	case map[string]any:
		return tObject
	case []any:
		return tArray
	}
	return 0
}

func (w *walker) validate(n *node, v any) {
	for n.ref != nil {
		r, err := n.ref.get()
		if err != nil {
			w.fail("cannot check this field: the embedded schema of %s is broken: %v", n.ref.name, err)
			return
		}
		n = r
	}
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		w.fail("expected a number JSON can represent, got %s (quote it if it is meant as a string)", strconv.FormatFloat(f, 'g', -1, 64))
		return
	}
	vt := valueType(v)
	if !n.types.allows(vt) {
		w.errs = append(w.errs, verr{
			Error:        Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: w.here(), Message: "expected " + n.types.String() + ", got " + describe(v), WrongType: true},
			typeMismatch: n.types,
		})
		return
	}
	if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { return equalJSON(e, v) }) {
		w.fail("%s", enumMessage(n.enum, v))
	}
	switch x := v.(type) {
	case map[string]any:
		w.object(n, x)
	case []any:
		w.array(n, x)
	case string:
		w.str(n, x)
	case nil, bool:
	default:
		w.num(n, v)
	}
	if n.allOf != nil || n.anyOf != nil || n.oneOf != nil || n.not != nil {
		w.combinators(n, v)
	}
}

func (w *walker) object(n *node, m map[string]any) {
	if len(m) < n.minProps {
		w.fail("must have at least %d %s, got %d", n.minProps, plural(n.minProps, "field"), len(m))
	}
	if n.maxProps >= 0 && len(m) > n.maxProps {
		w.fail("must have at most %d %s, got %d", n.maxProps, plural(n.maxProps, "field"), len(m))
	}
	for _, r := range n.required {
		// A null field is absent: the API server decodes it to the zero
		// value (and prunes it from custom resources). The error names
		// the missing field, as the API server's does; it is placed at
		// the object that lacks it.
		if val, ok := m[r]; !ok || val == nil {
			w.push(fieldpath.Elem{Key: r})
			w.fail("missing required field %q", r)
			w.pop()
		}
	}
	if n.props == nil && n.patternProps == nil && n.additional == nil && !n.closed {
		return
	}
	for k, val := range m {
		if p, ok := n.props[k]; ok {
			if val != nil {
				w.push(fieldpath.Elem{Key: k})
				w.validate(p, val)
				w.pop()
			}
			continue
		}
		matched := false
		for _, pp := range n.patternProps {
			if pp.re.MatchString(k) {
				matched = true
				if val != nil {
					w.push(fieldpath.Elem{Key: k})
					w.validate(pp.node, val)
					w.pop()
				}
			}
		}
		switch {
		case matched:
		case n.additional != nil:
			if val != nil {
				w.push(fieldpath.Elem{Key: k})
				w.validate(n.additional, val)
				w.pop()
			}
		case n.closed:
			// Reported even when null: strict decoding rejects the key.
			w.push(fieldpath.Elem{Key: k})
			msg := fmt.Sprintf("unknown field %q", k)
			if s := suggest(k, n.propNames); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			w.fail("%s", msg)
			w.pop()
		}
	}
}

func (w *walker) array(n *node, l []any) {
	if len(l) < n.minItems {
		w.fail("must have at least %d %s, got %d", n.minItems, plural(n.minItems, "item"), len(l))
	}
	if n.maxItems >= 0 && len(l) > n.maxItems {
		w.fail("must have at most %d %s, got %d", n.maxItems, plural(n.maxItems, "item"), len(l))
	}
	if n.unique {
	dup:
		for i := range l {
			for j := i + 1; j < len(l); j++ {
				if equalJSON(l[i], l[j]) {
					w.fail("items must be unique: items %d and %d are equal", i, j)
					break dup
				}
			}
		}
	}
	if n.items != nil {
		for i, it := range l {
			if it == nil && n.nullItemsZero {
				zero, ok := zeroValue(n.items)
				if !ok {
					continue
				}
				it = zero
			}
			w.push(fieldpath.Elem{Index: i, IsIndex: true})
			w.validate(n.items, it)
			w.pop()
		}
	}
}

func (w *walker) str(n *node, s string) {
	if n.minLength > 0 || n.maxLength >= 0 {
		l := utf8.RuneCountInString(s)
		if l < n.minLength {
			w.fail("must be at least %d %s long, got %d (%s)", n.minLength, plural(n.minLength, "character"), l, quoteShort(s))
		}
		if n.maxLength >= 0 && l > n.maxLength {
			w.fail("must be at most %d %s long, got %d (%s)", n.maxLength, plural(n.maxLength, "character"), l, quoteShort(s))
		}
	}
	if n.pattern != nil && !n.pattern.MatchString(s) {
		w.fail("%s", patternMessage(n.pattern.String(), s))
	}
	if n.dateTime {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			w.fail("expected an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got %s", quoteShort(s))
		}
	}
}

func (w *walker) num(n *node, v any) {
	if n.intBits != 0 && !fitsInt(v, n.intBits) {
		w.fail("%s does not fit in a %d-bit integer (%s to %s), which is what the API server decodes it into", numberString(v), n.intBits,
			strconv.FormatInt(-1<<(n.intBits-1), 10), strconv.FormatUint(1<<(n.intBits-1)-1, 10))
		return
	}
	if n.minimum == nil && n.maximum == nil && n.multipleOf == 0 {
		return
	}
	f, _ := number(v)
	show := numberString(v)
	if n.minimum != nil {
		if n.exclusiveMin && f <= *n.minimum {
			w.fail("must be greater than %s, got %s", fmtNum(*n.minimum), show)
		} else if f < *n.minimum {
			w.fail("must be at least %s, got %s", fmtNum(*n.minimum), show)
		}
	}
	if n.maximum != nil {
		if n.exclusiveM && f >= *n.maximum {
			w.fail("must be less than %s, got %s", fmtNum(*n.maximum), show)
		} else if f > *n.maximum {
			w.fail("must be at most %s, got %s", fmtNum(*n.maximum), show)
		}
	}
	if n.multipleOf > 0 {
		q := f / n.multipleOf
		if math.Abs(q-math.Round(q)) > 1e-9 {
			w.fail("must be a multiple of %s, got %s", fmtNum(n.multipleOf), show)
		}
	}
}

// branch validates v against one branch of a combinator, apart.
func (w *walker) branch(n *node, v any) []verr {
	sub := walker{path: w.path}
	sub.validate(n, v)
	return sub.errs
}

func (w *walker) combinators(n *node, v any) {
	for _, b := range n.allOf {
		w.validate(b, v)
	}
	if n.anyOf != nil {
		var failed [][]verr
		ok := false
		for _, b := range n.anyOf {
			errs := w.branch(b, v)
			if len(errs) == 0 {
				ok = true
				break
			}
			failed = append(failed, errs)
		}
		if !ok {
			w.noBranch(failed, v)
		}
	}
	if n.oneOf != nil {
		var failed [][]verr
		passed := 0
		for _, b := range n.oneOf {
			errs := w.branch(b, v)
			if len(errs) == 0 {
				passed++
			} else {
				failed = append(failed, errs)
			}
		}
		switch {
		case passed == 0:
			w.noBranch(failed, v)
		case passed > 1:
			w.fail("matches more than one of the forms this field allows, and must match exactly one")
		}
	}
	if n.not != nil && len(w.branch(n.not, v)) == 0 {
		w.fail("has a form that is not allowed here")
	}
}

// noBranch reports a value that matches no branch of anyOf or oneOf. When
// every branch only wanted another type, one message lists the types
// ("expected integer or string, got boolean true"); otherwise the errors
// of the branch that came closest (fewest errors, deepest) stand for all.
func (w *walker) noBranch(failed [][]verr, v any) {
	var types typeSet
	allTypes := true
	for _, errs := range failed {
		if len(errs) != 1 || errs[0].typeMismatch == 0 || len(errs[0].Path) != len(w.path) {
			allTypes = false
			break
		}
		types |= errs[0].typeMismatch
	}
	if allTypes && len(failed) > 0 {
		w.errs = append(w.errs, verr{
			Error:        Error{Rule: finding.RuleSchema, Severity: finding.Error, Path: w.here(), Message: "expected " + types.String() + ", got " + describe(v), WrongType: true},
			typeMismatch: types,
		})
		return
	}
	best := failed[0]
	for _, errs := range failed[1:] {
		if len(errs) < len(best) || (len(errs) == len(best) && depth(errs) > depth(best)) {
			best = errs
		}
	}
	w.errs = append(w.errs, best...)
}

func depth(errs []verr) int {
	d := 0
	for _, e := range errs {
		d = max(d, len(e.Path))
	}
	return d
}

// equalJSON compares two values as JSON: numbers by value whatever their
// Go type, maps and lists deeply.
func equalJSON(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && slices.EqualFunc(x, y, equalJSON)
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !equalJSON(xv, yv) {
				return false
			}
		}
		return true
	}
	return false
}

func enumMessage(enum []any, v any) string {
	shown := make([]string, len(enum))
	var strs []string
	for i, e := range enum {
		shown[i] = jsonText(e)
		if s, ok := e.(string); ok {
			strs = append(strs, s)
		}
	}
	msg := "must be one of " + strings.Join(shown, ", ") + ", got " + describe(v)
	if s, ok := v.(string); ok {
		if sug := suggest(s, strs); sug != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", sug)
		}
	}
	return msg
}

func jsonText(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case nil:
		return "null"
	}
	if s := numberString(v); s != "" {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func numberString(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case uint64:
		return strconv.FormatUint(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case json.Number:
		return string(x)
	}
	return ""
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// fitsInt reports whether an integer value fits in a signed integer of the
// given size. Values that are not integers are the type check's business.
func fitsInt(v any, bits int) bool {
	lo, hi := int64(-1)<<(bits-1), int64(uint64(1)<<(bits-1)-1)
	switch x := v.(type) {
	case int64:
		return x >= lo && x <= hi
	case int:
		return int64(x) >= lo && int64(x) <= hi
	case uint64:
		return x <= uint64(hi)
	case float64:
		// -lo is 2^(bits-1), exact as a float64, unlike hi.
		return x != math.Trunc(x) || x >= float64(lo) && x < -float64(lo)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i >= lo && i <= hi
		}
		f, err := x.Float64()
		return err != nil || f != math.Trunc(f) || f >= float64(lo) && f < -float64(lo)
	}
	return true
}
