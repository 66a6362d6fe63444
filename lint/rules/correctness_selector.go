package rules

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var (
	selectorPath       = specPath.Child("selector")
	templateLabelsPath = templatePath.Child("metadata", "labels")
)

var missingSelectorRule = &rule.Rule{
	ID:       "missing-selector",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "the DaemonSet has no selector, or an empty one",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A DaemonSet without spec.selector, or with a selector that has neither matchLabels nor matchExpressions.",
		Why: "In apps/v1 the selector is required and is not derived from the template: the API server rejects a DaemonSet without one " +
			"(\"selector does not match template labels\") and rejects an empty one (\"empty selector is invalid for daemonset\"). " +
			"The selector cannot be changed after creation, so choose it with care.",
		Bad: "apiVersion: apps/v1\n" +
			"kind: DaemonSet\n" +
			"metadata:\n" +
			"  name: node-agent\n" +
			"  namespace: monitoring\n" +
			"spec:\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Good: "apiVersion: apps/v1\n" +
			"kind: DaemonSet\n" +
			"metadata:\n" +
			"  name: node-agent\n" +
			"  namespace: monitoring\n" +
			"spec:\n" +
			"  selector:\n" +
			"    matchLabels: {app.kubernetes.io/name: node-agent}\n" +
			"  template:\n" +
			"    metadata:\n" +
			"      labels: {app.kubernetes.io/name: node-agent}\n" +
			"    spec:\n" +
			"      containers:\n" +
			"        - {name: agent, image: registry.example.com/agent:1.4.2}\n",
		Fix:     "Add spec.selector.matchLabels with stable labels of the pod template (name and instance, never a version).",
		Mirrors: "ValidateDaemonSetSpec in pkg/apis/apps/validation (a nil selector matches nothing; an empty selector is rejected outright)",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil {
			return
		}
		sel := ds.Spec.Selector
		switch {
		case sel == nil:
			p.Reportf(selectorPath, "the DaemonSet has no spec.selector, which apps/v1 requires: add %s (the selector cannot change after creation)",
				suggestSelector(ds.Spec.Template.Labels))
		case len(sel.MatchLabels)+len(sel.MatchExpressions) == 0:
			p.Reportf(selectorPath, "spec.selector is empty, which the API server rejects for a DaemonSet: add %s",
				suggestSelector(ds.Spec.Template.Labels))
		}
	},
	Fix:   fixMissingSelector,
	Fixes: rule.SafeFix,
}

// suggestSelector proposes matchLabels from the template's stable labels.
func suggestSelector(labels map[string]string) string {
	var pick []string
	for _, k := range []string{"app.kubernetes.io/name", "app.kubernetes.io/instance"} {
		if labels[k] != "" {
			pick = append(pick, k)
		}
	}
	if len(pick) == 0 {
		for _, k := range []string{"app", "k8s-app", "name"} {
			if labels[k] != "" {
				pick = append(pick, k)
				break
			}
		}
	}
	if len(pick) == 0 {
		return "labels to spec.template.metadata.labels and select them with spec.selector.matchLabels"
	}
	parts := make([]string, len(pick))
	for i, k := range pick {
		parts[i] = k + ": " + labels[k]
	}
	return "selector: {matchLabels: {" + strings.Join(parts, ", ") + "}}"
}

var invalidSelectorRule = &rule.Rule{
	ID:       "invalid-selector",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a selector label or expression the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A selector whose matchLabels keys or values are not valid label keys or values, or a matchExpressions entry " +
			"with an unknown operator, an In or NotIn without values, or an Exists or DoesNotExist with values.",
		Why: "The API server validates the selector like labels and rejects the DaemonSet.",
		In:  rule.InSpec,
		Bad: `selector:
  matchExpressions:
    - {key: app.kubernetes.io/name, operator: In}`,
		Good: `selector:
  matchExpressions:
    - {key: app.kubernetes.io/name, operator: In, values: [node-exporter]}`,
		Fix:     "Use In or NotIn with at least one value, Exists or DoesNotExist without values, and valid label keys and values.",
		Mirrors: "ValidateLabelSelector in k8s.io/apimachinery/pkg/apis/meta/v1/validation, called by ValidateDaemonSetSpec",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil || ds.Spec.Selector == nil {
			return
		}
		sel := ds.Spec.Selector
		for _, k := range sortedKeys(sel.MatchLabels) {
			path := selectorPath.Child("matchLabels", k)
			if msgs := qualifiedName(k); len(msgs) > 0 {
				p.Reportf(path, "selector key %q is not a valid label key: %s", k, labelProblem(k, msgs))
			}
			if v := sel.MatchLabels[k]; len(validation.IsValidLabelValue(v)) > 0 {
				p.Report(rule.Diagnostic{Path: path, AtValue: true,
					Message: fmt.Sprintf("selector value %q for %s is not a valid label value: %s", v, k, labelProblem(v, validation.IsValidLabelValue(v)))})
			}
		}
		for i, e := range sel.MatchExpressions {
			path := selectorPath.Child("matchExpressions").Index(i)
			if msgs := qualifiedName(e.Key); len(msgs) > 0 {
				p.Reportf(path.Child("key"), "matchExpressions key %q is not a valid label key: %s", e.Key, labelProblem(e.Key, msgs))
			}
			switch e.Operator {
			case metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn:
				if len(e.Values) == 0 {
					p.Reportf(path.Child("values"), "operator %s needs at least one value: add values: [...]", e.Operator)
				}
			case metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist:
				if len(e.Values) > 0 {
					p.Reportf(path.Child("values"), "operator %s takes no values: remove values, or use In or NotIn", e.Operator)
				}
			default:
				p.Report(rule.Diagnostic{Path: path.Child("operator"), AtValue: e.Operator != "",
					Message: fmt.Sprintf("operator %q is not supported: use In, NotIn, Exists or DoesNotExist%s",
						e.Operator, didYouMean(string(e.Operator), []string{"In", "NotIn", "Exists", "DoesNotExist"}))})
			}
			for j, v := range e.Values {
				if msgs := validation.IsValidLabelValue(v); len(msgs) > 0 {
					p.Report(rule.Diagnostic{Path: path.Child("values").Index(j),
						Message: fmt.Sprintf("selector value %q is not a valid label value: %s", v, labelProblem(v, msgs))})
				}
			}
		}
	},
}

// labelProblem explains why a label key or value is invalid, pointing out
// an unrendered placeholder first because that is the usual cause.
func labelProblem(s string, msgs []string) string {
	if ph := placeholder(s); ph != "" {
		return placeholderHint(ph)
	}
	return invalidBecause(msgs)
}

var selectorMismatchRule = &rule.Rule{
	ID:       "selector-mismatch",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "the selector does not select the pod template's labels",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A selector (matchLabels or matchExpressions) that the pod template's own labels do not satisfy.",
		Why: "The DaemonSet controller finds its pods through the selector; the API server rejects a DaemonSet whose template " +
			"would create pods it cannot select (\"`selector` does not match template `labels`\").",
		In: rule.InSpec,
		Bad: `selector:
  matchLabels: {app: web}
template:
  metadata:
    labels: {app: api}`,
		Good: `selector:
  matchLabels: {app: api}
template:
  metadata:
    labels: {app: api}`,
		Fix: "Make the template carry every label the selector asks for. The selector is immutable once created, so " +
			"for a live DaemonSet change the template, not the selector.",
		Mirrors: "ValidateDaemonSetSpec in pkg/apis/apps/validation (selector.Matches(template labels))",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil || ds.Spec.Selector == nil {
			return
		}
		sel := ds.Spec.Selector
		if _, err := metav1.LabelSelectorAsSelector(sel); err != nil {
			return // invalid-selector says why; Kubernetes does not match an invalid selector either
		}
		labels := ds.Spec.Template.Labels
		// One finding, where the API server puts its error: on the
		// template's labels, with each failing requirement of the
		// selector as a related place.
		var problems []string
		var related []rule.RelatedPath
		fail := func(at fieldpath.Path, problem string) {
			problems = append(problems, problem)
			related = append(related, rule.RelatedPath{Path: at, Message: "a requirement of the selector the template's labels fail"})
		}
		for _, k := range sortedKeys(sel.MatchLabels) {
			want := sel.MatchLabels[k]
			got, ok := labels[k]
			switch {
			case !ok:
				fail(selectorPath.Child("matchLabels", k), fmt.Sprintf("spec.selector.matchLabels[%s]=%q but the template has no %s label; add %s: %s to spec.template.metadata.labels",
					k, want, k, k, want))
			case got != want:
				fail(selectorPath.Child("matchLabels", k), fmt.Sprintf("spec.selector.matchLabels[%s]=%q but the template has %s=%q; make them equal (the selector is immutable once created, so usually change the template)",
					k, want, k, got))
			}
		}
		for i, e := range sel.MatchExpressions {
			got, ok := labels[e.Key]
			var problem string
			switch e.Operator {
			case metav1.LabelSelectorOpIn:
				if !ok {
					problem = fmt.Sprintf("the template has no %s label", e.Key)
				} else if !slices.Contains(e.Values, got) {
					problem = fmt.Sprintf("the template has %s=%q, which is not in %q", e.Key, got, e.Values)
				}
			case metav1.LabelSelectorOpNotIn:
				if ok && slices.Contains(e.Values, got) {
					problem = fmt.Sprintf("the template has %s=%q, which NotIn excludes", e.Key, got)
				}
			case metav1.LabelSelectorOpExists:
				if !ok {
					problem = fmt.Sprintf("the template has no %s label", e.Key)
				}
			case metav1.LabelSelectorOpDoesNotExist:
				if ok {
					problem = fmt.Sprintf("the template has a %s label, which DoesNotExist excludes", e.Key)
				}
			}
			if problem != "" {
				fail(selectorPath.Child("matchExpressions").Index(i), fmt.Sprintf("spec.selector.matchExpressions[%d] (%s %s) fails because %s; change the template's labels so the selector selects its pods",
					i, e.Key, e.Operator, problem))
			}
		}
		if len(problems) > 0 {
			p.Report(rule.Diagnostic{Path: templateLabelsPath, Related: related,
				Message: "selector does not match template labels: " + strings.Join(problems, "; and ")})
		}
	},
}
