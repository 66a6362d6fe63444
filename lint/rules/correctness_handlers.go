package rules

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidProbeRule = &rule.Rule{
	ID:       "invalid-probe",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a probe or lifecycle hook the API server rejects: not exactly one handler, a missing command or port, a bad port name, scheme or header, negative timings",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A liveness, readiness or startup probe, or a postStart or preStop hook, that sets no handler (exec, httpGet, " +
			"tcpSocket, grpc, sleep) or more than one; an exec handler without a command; an httpGet, tcpSocket or grpc " +
			"handler without a port, with a port number out of range or a port name that is not an IANA service name; an " +
			"httpGet scheme other than HTTP and HTTPS or a header name with characters other than letters, digits and '-'; " +
			"a sleep longer than the pod's terminationGracePeriodSeconds, or negative (or 0, for a target before Kubernetes 1.33); a probe with a negative " +
			"initialDelaySeconds, timeoutSeconds, periodSeconds, successThreshold or failureThreshold, a " +
			"terminationGracePeriodSeconds of 0 or less, or any on a readiness probe. The message names the check.",
		Why: "The API server rejects the DaemonSet (\"must specify a handler type\", \"may not specify more than 1 handler " +
			"type\", \"command: Required value\", \"must be between 1 and 65535\", \"must contain at least one letter\").",
		In: rule.InContainer,
		Bad: `startupProbe:
  tcpSocket: {port: 9100}
  httpGet: {path: /healthz, port: 9100}`,
		Good: `startupProbe:
  httpGet: {path: /healthz, port: 9100}`,
		Fix:     "Give each probe and hook exactly one handler, with its command or a port between 1 and 65535 (or a port name).",
		Mirrors: "validateProbe, validateHandler and validateLifecycle in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		// A sleep may not outlast the pod's grace period (30 seconds
		// unless the pod says otherwise).
		grace := int64(corev1.DefaultTerminationGracePeriodSeconds)
		if ps.TerminationGracePeriodSeconds != nil {
			grace = *ps.TerminationGracePeriodSeconds
		}
		for _, c := range containers(ps, base) {
			if !c.Init || isSidecar(c) { // probe-in-init-container covers the others
				for _, pr := range probesOf(c) {
					h := pr.probe.ProbeHandler
					checkHandler(p, pr.path, pr.name, handler{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, grpc: h.GRPC}, grace)
					checkProbeTimings(p, pr.path, pr.name, pr.probe)
				}
			}
			if lc := c.C.Lifecycle; lc != nil && (!c.Init || isSidecar(c)) {
				for _, hook := range []struct {
					name string
					h    *corev1.LifecycleHandler
				}{{"postStart", lc.PostStart}, {"preStop", lc.PreStop}} {
					if hook.h != nil {
						checkHandler(p, c.Path.Child("lifecycle", hook.name), hook.name,
							handler{exec: hook.h.Exec, httpGet: hook.h.HTTPGet, tcpSocket: hook.h.TCPSocket, sleep: hook.h.Sleep}, grace)
					}
				}
			}
		}
	},
}

// handler is what probes and lifecycle hooks have in common.
type handler struct {
	exec      *corev1.ExecAction
	httpGet   *corev1.HTTPGetAction
	tcpSocket *corev1.TCPSocketAction
	grpc      *corev1.GRPCAction
	sleep     *corev1.SleepAction
}

func checkHandler(p *rule.Pass, at fieldpath.Path, name string, h handler, grace int64) {
	var set []string
	for _, x := range []struct {
		name string
		set  bool
	}{{"exec", h.exec != nil}, {"httpGet", h.httpGet != nil}, {"tcpSocket", h.tcpSocket != nil}, {"grpc", h.grpc != nil}, {"sleep", h.sleep != nil}} {
		if x.set {
			set = append(set, x.name)
		}
	}
	switch {
	case len(set) == 0:
		kinds := "exec, httpGet, tcpSocket or grpc"
		if name == "postStart" || name == "preStop" {
			kinds = "exec, httpGet or sleep"
		}
		p.Reportf(at, "%s has no handler: set one of %s", name, kinds)
		return
	case len(set) > 1:
		p.Reportf(at.Child(set[1]), "%s sets %s: a %s has exactly one handler; keep one", name, strings.Join(set, " and "), handlerKind(name))
		return
	}
	switch {
	case h.exec != nil && len(h.exec.Command) == 0:
		p.Reportf(at.Child("exec", "command"), "%s.exec has no command: set command to the program and its arguments", name)
	case h.httpGet != nil:
		hp := at.Child("httpGet")
		checkHandlerPort(p, hp.Child("port"), name+".httpGet", h.httpGet.Port, !isProbe(name))
		if s := h.httpGet.Scheme; s != "" && s != corev1.URISchemeHTTP && s != corev1.URISchemeHTTPS {
			p.Report(rule.Diagnostic{Path: hp.Child("scheme"), AtValue: true,
				Message: fmt.Sprintf("%s.httpGet scheme %q is not supported%s: use HTTP or HTTPS", name, s, didYouMean(string(s), []string{"HTTP", "HTTPS"}))})
		}
		for i, hdr := range h.httpGet.HTTPHeaders {
			if msgs := validation.IsHTTPHeaderName(hdr.Name); len(msgs) > 0 {
				// Kubernetes names the list; the message names the header.
				p.Reportf(hp.Child("httpHeaders"), "header %d of %s.httpGet has the name %q, and a header name is letters, digits and '-' only", i, name, hdr.Name)
			}
		}
	case h.tcpSocket != nil:
		checkHandlerPort(p, at.Child("tcpSocket", "port"), name+".tcpSocket", h.tcpSocket.Port, !isProbe(name))
	case h.grpc != nil && (h.grpc.Port < 1 || h.grpc.Port > 65535):
		p.Report(rule.Diagnostic{Path: at.Child("grpc", "port"), AtValue: true,
			Message: "the gRPC port of " + name + " must be between 1 and 65535"})
	case h.sleep != nil:
		// A sleep of 0 is accepted from 1.33, where
		// PodLifecycleSleepActionAllowZero is on by default; before, the
		// shortest sleep is 1 second.
		least := int64(0)
		if !p.Object.AtLeast(33) {
			least = 1
		}
		if h.sleep.Seconds < least || h.sleep.Seconds > grace {
			p.Report(rule.Diagnostic{Path: at.Child("sleep"),
				Message: fmt.Sprintf("%s sleeps %d seconds, and a sleep must be between %d and the pod's terminationGracePeriodSeconds (%d): change it, or raise the grace period", name, h.sleep.Seconds, least, grace)})
		}
	}
}

// isProbe tells a probe's name from a lifecycle hook's.
func isProbe(name string) bool { return name != "postStart" && name != "preStop" }

// checkProbeTimings reports the probe fields Kubernetes bounds.
func checkProbeTimings(p *rule.Pass, at fieldpath.Path, name string, pr *corev1.Probe) {
	for _, f := range []struct {
		field string
		v     int32
	}{{"initialDelaySeconds", pr.InitialDelaySeconds}, {"timeoutSeconds", pr.TimeoutSeconds}, {"periodSeconds", pr.PeriodSeconds}, {"successThreshold", pr.SuccessThreshold}, {"failureThreshold", pr.FailureThreshold}} {
		if f.v < 0 {
			p.Report(rule.Diagnostic{Path: at.Child(f.field), AtValue: true, Message: fmt.Sprintf("%s.%s is %d: it must be 0 or more (0 means the default)", name, f.field, f.v)})
		}
	}
	if t := pr.TerminationGracePeriodSeconds; t != nil {
		tp := at.Child("terminationGracePeriodSeconds")
		switch {
		case name == "readinessProbe":
			p.Report(rule.Diagnostic{Path: tp, AtValue: true, Message: "terminationGracePeriodSeconds cannot be set on a readiness probe, which never kills the container: remove it"})
		case *t <= 0:
			p.Report(rule.Diagnostic{Path: tp, AtValue: true, Message: fmt.Sprintf("%s.terminationGracePeriodSeconds is %d: it must be 1 or more, or left out to use the pod's", name, *t)})
		}
	}
}

func handlerKind(name string) string {
	if name == "postStart" || name == "preStop" {
		return "lifecycle hook"
	}
	return "probe"
}

// checkHandlerPort reports a port that is missing, a number out of range
// or a malformed name. A name made of digits only on a probe is
// probe-port-not-declared's finding (a quoted number); a well-formed name
// the container does not declare is too.
func checkHandlerPort(p *rule.Pass, at fieldpath.Path, name string, port intstr.IntOrString, digitsToo bool) {
	if !p.Object.Has(at) {
		p.Reportf(at, "%s has no port: set the port number or the name of a container port", name)
		return
	}
	switch port.Type {
	case intstr.Int:
		if port.IntVal < 1 || port.IntVal > 65535 {
			p.Report(rule.Diagnostic{Path: at, AtValue: true, Message: "the port of " + name + " must be between 1 and 65535, or a port name"})
		}
	case intstr.String:
		if _, err := strconv.Atoi(port.StrVal); err == nil && !digitsToo {
			return
		}
		if msgs := validation.IsValidPortName(port.StrVal); len(msgs) > 0 {
			p.Report(rule.Diagnostic{Path: at, AtValue: true,
				Message: fmt.Sprintf("the port of %s, %q, is neither a number nor a valid port name: %s", name, port.StrVal, labelProblem(port.StrVal, msgs))})
		}
	}
}
