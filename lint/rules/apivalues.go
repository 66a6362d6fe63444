package rules

import (
	"fmt"
	"math"
	"net"
	"net/netip"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Checks of values whose format the API server validates (label keys and
// values, label selectors, DNS names, IP addresses), shared by the rules
// that mirror one area of pod validation each. Each reports at the path
// the API server's error names, which is not always the value's own: a
// map of labels is reported at the map, as ValidateLabels does.

// reporter reports a rule's findings; value says the caret goes on the
// value rather than the key.
type reporter struct{ p *rule.Pass }

func (r reporter) at(path fieldpath.Path, format string, args ...any) {
	r.p.Reportf(path, format, args...)
}

func (r reporter) value(path fieldpath.Path, format string, args ...any) {
	r.p.Report(rule.Diagnostic{Path: path, AtValue: true, Message: fmt.Sprintf(format, args...)})
}

// checkLabelKey reports a label key (or a field that must be one: a
// topology key, a condition type) that is not a qualified name.
func checkLabelKey(r reporter, path fieldpath.Path, what, key string) {
	if msgs := qualifiedName(key); len(msgs) > 0 {
		r.value(path, "%s %q is not a valid label key: %s", what, key, labelProblem(key, msgs))
	}
}

// checkLabelMap reports the keys and values of a map of labels that the
// API server rejects, at the map's path (its error names the map, with
// the bad key or value).
func checkLabelMap(r reporter, path fieldpath.Path, what string, m map[string]string) {
	for _, k := range sortedKeys(m) {
		if msgs := qualifiedName(k); len(msgs) > 0 {
			r.at(path, "%s key %q is not a valid label key: %s", what, k, labelProblem(k, msgs))
		}
		if msgs := validation.IsValidLabelValue(m[k]); len(msgs) > 0 {
			r.at(path, "%s value %q (for %s) is not a valid label value: %s", what, m[k], k, labelProblem(m[k], msgs))
		}
	}
}

var selectorOps = []string{"In", "NotIn", "Exists", "DoesNotExist"}

// checkLabelSelector mirrors the API server's label selector checks: the
// matchLabels, and each expression's operator, values and key.
// anyValue skips the values' format (preferred terms allow any value).
func checkLabelSelector(r reporter, path fieldpath.Path, what string, sel *metav1.LabelSelector, anyValue bool) {
	if sel == nil {
		return
	}
	checkLabelMap(r, path.Child("matchLabels"), what+" matchLabels", sel.MatchLabels)
	for i, e := range sel.MatchExpressions {
		ep := path.Child("matchExpressions").Index(i)
		switch e.Operator {
		case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
			if len(e.Values) == 0 {
				r.at(ep.Child("values"), "%s: operator %s needs at least one value: add values, or use Exists", what, e.Operator)
			}
		case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
			if len(e.Values) > 0 {
				r.at(ep.Child("values"), "%s: operator %s takes no values: remove values, or use In or NotIn", what, e.Operator)
			}
		default:
			r.value(ep.Child("operator"), "%s: operator %q is not a selector operator%s: use one of %s",
				what, e.Operator, didYouMean(string(e.Operator), selectorOps), strings.Join(selectorOps, ", "))
		}
		checkLabelKey(r, ep.Child("key"), what+" key", e.Key)
		if anyValue {
			continue
		}
		for j, v := range e.Values {
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				r.value(ep.Child("values").Index(j), "%s value %q is not a valid label value: %s", what, v, labelProblem(v, msgs))
			}
		}
	}
}

// checkDNSLabel reports a value that must be a DNS-1123 label (a host
// name, a namespace).
func checkDNSLabel(r reporter, path fieldpath.Path, what, v string) {
	if msgs := validation.IsDNS1123Label(v); len(msgs) > 0 {
		r.value(path, "%s %q is not a valid DNS label (at most 63 lowercase letters, digits and '-', no dots): %s", what, v, labelProblem(v, msgs))
	}
}

// checkDNSSubdomain reports a value that must be a DNS-1123 subdomain.
func checkDNSSubdomain(r reporter, path fieldpath.Path, what, v string) {
	if msgs := validation.IsDNS1123Subdomain(v); len(msgs) > 0 {
		r.value(path, "%s %q is not a valid DNS name (at most 253 lowercase letters, digits, '-' and '.'): %s", what, v, labelProblem(v, msgs))
	}
}

// ipProblem says why the API server rejects an IP address in one of the
// fields that predate strict IP validation (hostAliases, nameservers), or
// "". Those always accepted any form net.ParseIP reads, leading zeros in
// IPv4 octets included; strict (Kubernetes 1.36 on, StrictIPCIDRValidation)
// also rejects leading zeros, which libc reads as octal, and IPv4-mapped
// IPv6 addresses.
func ipProblem(v string, strict bool) string {
	if parseIPSloppy(v) == nil {
		return "not an IP address (for example 10.9.8.7 or 2001:db8::ffff)"
	}
	if !strict {
		return ""
	}
	addr, err := netip.ParseAddr(v)
	if err != nil {
		return "written with a leading 0 in an IPv4 octet, which some resolvers read as octal: remove it"
	}
	if addr.Is4In6() {
		return "an IPv4-mapped IPv6 address: write the IPv4 address itself"
	}
	return ""
}

// parseIPSloppy is net.ParseIP that, as Go before 1.17 did and Kubernetes'
// legacy fields still do, ignores leading zeros in IPv4 octets.
func parseIPSloppy(v string) net.IP {
	if ip := net.ParseIP(v); ip != nil {
		return ip
	}
	if strings.Contains(v, ":") {
		return nil
	}
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return nil
	}
	for i, p := range parts {
		if len(p) > 3 || p == "" {
			return nil
		}
		trimmed := strings.TrimLeft(p, "0")
		if trimmed == "" {
			trimmed = "0"
		}
		parts[i] = trimmed
	}
	return net.ParseIP(strings.Join(parts, "."))
}

// intAt reads an integer written at path, as the object's typed values
// hold it, and reports whether it fits in the given range: the typed
// decoding wraps a number beyond int32 (2147483648 reads as
// -2147483648), where the API server refuses to decode it. ok is false
// when the value is not an integer (the schema says so).
func intAt(o *rule.Object, path fieldpath.Path) (n int64, fits32 bool, ok bool) {
	switch v := o.Get(path).(type) {
	case int64:
		return v, v >= math.MinInt32 && v <= math.MaxInt32, true
	case uint64:
		if v > math.MaxInt64 {
			return math.MaxInt64, false, true
		}
		return int64(v), v <= math.MaxInt32, true
	case float64:
		if v == math.Trunc(v) && v >= math.MinInt64 && v < math.MaxInt64 {
			return int64(v), v >= math.MinInt32 && v <= math.MaxInt32, true
		}
	}
	return 0, false, false
}

// fitsInt64 reports whether a value as the object's typed values hold it
// decodes into an int64: only an unsigned integer beyond its range does
// not (a missing value or one of another type is someone else's finding).
func fitsInt64(v any) bool {
	u, ok := v.(uint64)
	return !ok || u <= math.MaxInt64
}

// oneOf is the message tail that lists the allowed values of an enum.
func oneOf(v string, allowed []string) string {
	return fmt.Sprintf("%s: use %s", didYouMean(v, allowed), strings.Join(allowed, " or "))
}
