package schema

import (
	"slices"
	"strconv"
	"strings"
)

// The OpenAPI documents of built-in kinds describe Go types, not what the
// API server enforces. The API server decodes a built-in object into its Go
// type (a missing or null field, or a null list item, becomes the zero
// value) and then runs the kind's validation code: the document's
// "required" is never checked as such. Most fields it marks required are
// required by validation too (a container's name, a volume's name), and the
// validator reports them as the schema says. The ones below are not: the
// API server accepts the zero value, so reporting them would be an error
// the server does not raise. Each entry names the definition, the field and
// why; the differential tests of the conformance module found them, and a
// test checks that each is still required by the embedded documents.
//
// Null list items are the other divergence: the validator checks a null
// item of a built-in list as the zero value of its type ("" for a string,
// {} for an object), which is what the API server validates.

// notRequired is one field that the OpenAPI document marks required and the
// API server does not require.
type notRequired struct {
	definition string
	field      string
	// since is the first minor release of 1.x in which the API server
	// accepts the zero value; 0 means every embedded release.
	since int
	why   string
}

var notRequiredFields = []notRequired{
	{"io.k8s.api.apps.v1.DaemonSetStatus", "currentNumberScheduled", 0, "status is cleared on create"},
	{"io.k8s.api.apps.v1.DaemonSetStatus", "numberMisscheduled", 0, "status is cleared on create"},
	{"io.k8s.api.apps.v1.DaemonSetStatus", "desiredNumberScheduled", 0, "status is cleared on create"},
	{"io.k8s.api.apps.v1.DaemonSetStatus", "numberReady", 0, "status is cleared on create"},
	{"io.k8s.api.core.v1.HTTPHeader", "value", 0, "an empty header value is accepted"},
	{"io.k8s.api.core.v1.Sysctl", "value", 0, "an empty sysctl value is accepted"},
	{"io.k8s.api.core.v1.ISCSIVolumeSource", "lun", 0, "LUN 0 is a valid LUN"},
	{"io.k8s.api.core.v1.ScaleIOVolumeSource", "secretRef", 0, "validation does not look at it"},
	{"io.k8s.api.core.v1.PreferredSchedulingTerm", "preference", 0, "an empty preference is accepted (it matches every node)"},
	// Zero seconds are accepted since PodLifecycleSleepActionAllowZero
	// became on by default (beta in 1.33); before, 0 is refused.
	{"io.k8s.api.core.v1.SleepAction", "seconds", 33, "a sleep of zero seconds is accepted"},
	// A pod template's owner references are not validated at all; the
	// object's own are, by the invalid-owner-reference rule, at the paths
	// the API server names.
	{"io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "apiVersion", 0, "validated by rules where the API server validates it"},
	{"io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "kind", 0, "validated by rules where the API server validates it"},
	{"io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "name", 0, "validated by rules where the API server validates it"},
	{"io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference", "uid", 0, "validated by rules where the API server validates it"},
}

// relaxedRequired returns the fields of a definition's "required" that the
// API server of the release ("1.37") does not require.
func relaxedRequired(version, definition string) []string {
	var out []string
	for _, n := range notRequiredFields {
		if n.definition == definition && minorAtLeast(version, n.since) {
			out = append(out, n.field)
		}
	}
	return out
}

func minorAtLeast(version string, minor int) bool {
	if minor == 0 {
		return true
	}
	m, err := strconv.Atoi(strings.TrimPrefix(version, "1."))
	return err == nil && m >= minor
}

// withoutRelaxed drops the relaxed fields from a required list.
func withoutRelaxed(required []string, relaxed []string) []string {
	if len(relaxed) == 0 {
		return required
	}
	return slices.DeleteFunc(slices.Clone(required), func(r string) bool { return slices.Contains(relaxed, r) })
}

// relaxDefinition applies the same divergence to a decoded definition, for
// tests that hold the validator against a general JSON Schema validator.
func relaxDefinition(version, definition string, d map[string]any) {
	relaxed := relaxedRequired(version, definition)
	if len(relaxed) == 0 {
		return
	}
	var kept []any
	for _, r := range listOf(d["required"]) {
		if s, ok := r.(string); !ok || !slices.Contains(relaxed, s) {
			kept = append(kept, r)
		}
	}
	if len(kept) == 0 {
		delete(d, "required")
	} else {
		d["required"] = kept
	}
}

// zeroValue is the value the API server decodes a null of this schema to,
// for the types whose zero value has something to check: {} for an object,
// "" for a string, 0 for a number, false for a boolean. ok is false for
// lists, maps and untyped schemas (int-or-string, quantities): their zero
// value is absent, and absent has nothing to check.
func zeroValue(n *node) (any, bool) {
	for n.ref != nil {
		r, err := n.ref.get()
		if err != nil {
			return nil, false
		}
		n = r
	}
	switch {
	case n.types&tObject != 0 && n.additional == nil && n.props != nil:
		return map[string]any{}, true
	case n.types == tString:
		return "", true
	case n.types == tInteger, n.types == tNumber:
		return int64(0), true
	case n.types == tBoolean:
		return false, true
	}
	return nil, false
}
