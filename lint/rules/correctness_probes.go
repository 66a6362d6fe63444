package rules

import (
	"fmt"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidSuccessThresholdRule = &rule.Rule{
	ID:       "invalid-success-threshold",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a liveness or startup probe with successThreshold other than 1",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "livenessProbe.successThreshold or startupProbe.successThreshold set to a value other than 1.",
		Why: "A liveness or startup probe decides after one success; the API server rejects any other value (\"must be 1\"). " +
			"Only a readiness probe may ask for several successes.",
		In: rule.InContainer,
		Bad: `livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  successThreshold: 3`,
		Good: `livenessProbe:
  httpGet: {path: /healthz, port: 8080}
  failureThreshold: 3`,
		Fix:     "Remove successThreshold (it defaults to 1); to tolerate flapping, raise failureThreshold instead.",
		Mirrors: "validateLivenessProbe and validateStartupProbe in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if c.Init && !isSidecar(c) {
				continue // probe-in-init-container covers these
			}
			for _, pr := range probesOf(c) {
				if pr.name == "readinessProbe" {
					continue
				}
				if t := pr.probe.SuccessThreshold; t != 0 && t != 1 {
					p.Report(rule.Diagnostic{Path: pr.path.Child("successThreshold"), AtValue: true,
						Message: fmt.Sprintf("%s.successThreshold must be 1, not %d: remove it, and raise failureThreshold if the probe flaps", pr.name, t)})
				}
			}
		}
	},
	Fix:   setTo("set successThreshold: 1", int64(1)),
	Fixes: rule.SafeFix,
}

var probeInInitContainerRule = &rule.Rule{
	ID:       "probe-in-init-container",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a probe or lifecycle hook on an init container that is not a sidecar",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "livenessProbe, readinessProbe, startupProbe or lifecycle on an init container without restartPolicy: Always.",
		Why: "A plain init container runs to completion before the others start, so there is nothing to probe; the API server " +
			"rejects the DaemonSet (\"may not be set for init containers without restartPolicy=Always\").",
		In: rule.InPodSpec,
		Bad: `initContainers:
  - name: install
    image: example/installer:1.0
    readinessProbe:
      exec: {command: [test, -f, /done]}`,
		Good: `initContainers:
  - name: proxy
    image: example/proxy:1.0
    restartPolicy: Always
    readinessProbe:
      tcpSocket: {port: 15000}`,
		Fix:     "Remove the probe, or make the init container a sidecar with restartPolicy: Always if it must keep running.",
		Mirrors: "validateInitContainers in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if !c.Init || isSidecar(c) {
				continue
			}
			for _, pr := range probesOf(c) {
				p.Reportf(pr.path, "%s is not allowed on %s, which runs to completion before the containers start: remove it, or add restartPolicy: Always to make it a sidecar",
					pr.name, containerName(c))
			}
			if c.C.Lifecycle != nil {
				p.Reportf(c.Path.Child("lifecycle"), "lifecycle hooks are not allowed on %s, which runs to completion before the containers start: remove them, or add restartPolicy: Always to make it a sidecar",
					containerName(c))
			}
		}
	},
}
