package rules

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// regularContainers are the pod's containers without the init containers.
func regularContainers(ps *corev1.PodSpec) []containerRef {
	var out []containerRef
	for _, c := range containers(ps, podSpecPath) {
		if !c.Init {
			out = append(out, c)
		}
	}
	return out
}

var missingReadinessProbeRule = &rule.Rule{
	ID:       "missing-readiness-probe",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "a container has no readiness probe, so a rollout cannot tell a broken pod from a ready one",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container without `readinessProbe`.",
		Why: "A DaemonSet rolling update replaces the pods node by node and moves on when the new pod " +
			"is ready. Without a readiness probe a container is ready as soon as it starts, so a " +
			"release that crashes after a few seconds, or never connects, rolls out to every node " +
			"before anyone notices. The probe is what lets maxUnavailable stop a bad rollout.",
		In:  rule.InPodSpec,
		Bad: "containers:\n  - name: agent\n    ports: [{name: metrics, containerPort: 9100}]\n",
		Good: "containers:\n  - name: agent\n    ports: [{name: metrics, containerPort: 9100}]\n" +
			"    readinessProbe:\n      httpGet: {path: /ready, port: metrics}\n",
		Fix: "Add a `readinessProbe` that succeeds only when the agent does its job (an HTTP health " +
			"endpoint, a gRPC health check, or an exec command).",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range regularContainers(ps) {
			if c.C.ReadinessProbe == nil {
				p.Reportf(c.Path.Child("readinessProbe"),
					"%s has no readiness probe: a rolling update counts it ready as soon as it starts, so a broken release reaches every node; add a readinessProbe", containerName(c))
			}
		}
	},
}

var missingLivenessProbeRule = &rule.Rule{
	ID:       "missing-liveness-probe",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "a container has no liveness probe",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container without `livenessProbe`.",
		Why: "A liveness probe lets the kubelet restart an agent that hangs without exiting (a " +
			"deadlock, a stuck watch). Without it, a hung agent stays hung on its node until someone " +
			"looks. It is info: a wrong liveness probe does more harm than none, so add one only when " +
			"the agent has a check that means \"restart me\".",
		In:   rule.InPodSpec,
		Bad:  "containers:\n  - name: agent\n    readinessProbe:\n      httpGet: {path: /ready, port: 8080}\n",
		Good: "containers:\n  - name: agent\n    readinessProbe:\n      httpGet: {path: /ready, port: 8080}\n    livenessProbe:\n      httpGet: {path: /healthz, port: 8080}\n      failureThreshold: 6\n",
		Fix:  "Add a `livenessProbe` on a cheap endpoint that fails only when a restart would help.",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range regularContainers(ps) {
			if c.C.LivenessProbe == nil {
				p.Reportf(c.Path.Child("livenessProbe"),
					"%s has no liveness probe: if it hangs without exiting, nothing restarts it", containerName(c))
			}
		}
	},
}

// probeWindow is how long a probe keeps failing before it acts, in
// seconds, with the API's defaults.
func probeWindow(pr *corev1.Probe) int32 {
	period, failures := pr.PeriodSeconds, pr.FailureThreshold
	if period == 0 {
		period = 10
	}
	if failures == 0 {
		failures = 3
	}
	return period * failures
}

var identicalProbesRule = &rule.Rule{
	ID:       "identical-probes",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "liveness and readiness probes run the same check with the same patience",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A container whose liveness probe runs the same check as its readiness probe (the " +
			"same httpGet, tcpSocket, grpc or exec handler) and gives up no later than it.",
		Why: "Readiness says \"do not count on me now\", liveness says \"restart me\". When they are the " +
			"same check, anything that makes the agent briefly unready (a slow API server, a full " +
			"buffer) also restarts it, losing its state and turning a blip into a crash loop.",
		In:  rule.InContainer,
		Bad: "readinessProbe:\n  httpGet: {path: /healthz, port: 8080}\nlivenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n",
		Good: "readinessProbe:\n  httpGet: {path: /ready, port: 8080}\nlivenessProbe:\n  httpGet: {path: /healthz, port: 8080}\n" +
			"  failureThreshold: 6\n",
		Fix: "Give liveness a cheaper check that fails only when the process is stuck, or at least a " +
			"longer failure window (`failureThreshold` × `periodSeconds`) than readiness.",
	},
	Check: func(p *rule.Pass) {
		ps, _ := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range longRunning(ps) {
			l, r := c.C.LivenessProbe, c.C.ReadinessProbe
			if l == nil || r == nil || !reflect.DeepEqual(l.ProbeHandler, r.ProbeHandler) || probeWindow(l) > probeWindow(r) {
				continue
			}
			p.Reportf(c.Path.Child("livenessProbe"),
				"%s's liveness probe is its readiness check with no more patience: whatever makes it unready also restarts it; use a separate check or a longer failure window",
				containerName(c))
		}
	},
}

var missingMinReadySecondsRule = &rule.Rule{
	ID:       "missing-min-ready-seconds",
	Category: rule.Reliability,
	Severity: finding.Info,
	Summary:  "a readiness probe but no minReadySeconds: a pod that fails right after its first success still counts",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A DaemonSet whose containers have a readiness probe and whose `spec.minReadySeconds` " +
			"is unset or 0.",
		Why: "A rolling update moves to the next node as soon as the new pod is ready once. Many " +
			"broken releases pass their first probe and fail a few seconds later (a config reload, a " +
			"first connection); `minReadySeconds` makes the pod stay ready that long before it counts, " +
			"so the rollout stops on the first nodes instead of reaching all of them.",
		Bad:  "spec:\n  template:\n    spec:\n      containers:\n        - name: agent\n          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n",
		Good: "spec:\n  minReadySeconds: 10\n  template:\n    spec:\n      containers:\n        - name: agent\n          readinessProbe: {httpGet: {path: /ready, port: 8080}}\n",
		Fix:  "Set `spec.minReadySeconds` to a few probe periods (10 to 30 seconds is common).",
	},
	Check: func(p *rule.Pass) {
		ds := p.Object.DaemonSet()
		if ds == nil || ds.Spec.MinReadySeconds > 0 {
			return
		}
		for _, c := range longRunning(&ds.Spec.Template.Spec) {
			if c.C.ReadinessProbe != nil {
				p.Reportf(specPath.Child("minReadySeconds"),
					"%s has a readiness probe but the DaemonSet has no minReadySeconds: a pod that fails seconds after its first success still lets the rollout move on; set spec.minReadySeconds",
					containerName(c))
				return
			}
		}
	},
}
