package rules

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var requestsExceedLimitsRule = &rule.Rule{
	ID:       "requests-exceed-limits",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a resource request above its limit",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container whose request for a resource (cpu, memory, ephemeral-storage, ...) is greater than its limit.",
		Why:  "A container can never use more than its limit, so such a request is impossible; the API server rejects the DaemonSet.",
		In:   rule.InContainer,
		Bad: `resources:
  requests: {memory: 256Mi}
  limits: {memory: 128Mi}`,
		Good: `resources:
  requests: {memory: 128Mi}
  limits: {memory: 256Mi}`,
		Fix:     "Raise the limit or lower the request.",
		Mirrors: "ValidateResourceRequirements in pkg/apis/core/validation (request must be less than or equal to the limit)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			res := c.C.Resources
			for _, name := range sortedKeys(res.Limits) {
				limit := res.Limits[corev1.ResourceName(name)]
				req, ok := res.Requests[corev1.ResourceName(name)]
				if !ok || req.Cmp(limit) <= 0 {
					continue
				}
				rp := c.Path.Child("resources")
				p.Report(rule.Diagnostic{Path: rp.Child("requests", name), AtValue: true,
					Related: []rule.RelatedPath{{Path: rp.Child("limits", name), Message: "the limit"}},
					Message: fmt.Sprintf("%s request %s is above its limit %s in %s: raise the limit or lower the request",
						name, req.String(), limit.String(), containerName(c))})
			}
		}
	},
}
