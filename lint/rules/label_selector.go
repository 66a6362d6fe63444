package rules

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// labelSelectorDiagnostics checks a label selector as the API server does
// for selectors inside a pod template (a volume claim template's, a trust
// bundle's): label keys and values, operators and their values. what
// names the selector in messages.
func labelSelectorDiagnostics(sel *metav1.LabelSelector, at fieldpath.Path, what string) []rule.Diagnostic {
	if sel == nil {
		return nil
	}
	var out []rule.Diagnostic
	add := func(path fieldpath.Path, atValue bool, format string, args ...any) {
		out = append(out, rule.Diagnostic{Path: path, AtValue: atValue, Message: what + ": " + fmt.Sprintf(format, args...)})
	}
	for _, k := range sortedKeys(sel.MatchLabels) {
		path := at.Child("matchLabels", k)
		if msgs := qualifiedName(k); len(msgs) > 0 {
			add(path, false, "matchLabels key %q is not a valid label key: %s", k, labelProblem(k, msgs))
		}
		if v := sel.MatchLabels[k]; len(validation.IsValidLabelValue(v)) > 0 {
			add(path, true, "matchLabels value %q is not a valid label value: %s", v, labelProblem(v, validation.IsValidLabelValue(v)))
		}
	}
	for i, e := range sel.MatchExpressions {
		path := at.Child("matchExpressions").Index(i)
		switch e.Operator {
		case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
			if len(e.Values) == 0 {
				add(path.Child("values"), false, "operator %s needs at least one value: add values: [...]", e.Operator)
			}
		case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
			if len(e.Values) > 0 {
				add(path.Child("values"), false, "operator %s takes no values: remove values, or use In or NotIn", e.Operator)
			}
		default:
			ops := []string{"In", "NotIn", "Exists", "DoesNotExist"}
			add(path.Child("operator"), e.Operator != "", "operator %q is not supported: use In, NotIn, Exists or DoesNotExist%s", e.Operator, didYouMean(string(e.Operator), ops))
		}
		if msgs := qualifiedName(e.Key); len(msgs) > 0 {
			add(path.Child("key"), e.Key != "", "matchExpressions key %q is not a valid label key: %s", e.Key, labelProblem(e.Key, msgs))
		}
		for j, v := range e.Values {
			if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
				add(path.Child("values").Index(j), false, "value %q is not a valid label value: %s", v, labelProblem(v, msgs))
			}
		}
	}
	return out
}
