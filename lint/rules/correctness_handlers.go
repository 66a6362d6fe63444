package rules

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var invalidProbeRule = &rule.Rule{
	ID:       "invalid-probe",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a probe or lifecycle hook without exactly one handler, or whose handler lacks its command or port",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A liveness, readiness or startup probe, or a postStart or preStop hook, that sets no handler (exec, httpGet, " +
			"tcpSocket, grpc, sleep) or more than one; an exec handler without a command; an httpGet, tcpSocket or grpc " +
			"handler whose port is 0 or out of range.",
		Why: "The API server rejects the DaemonSet (\"must specify a handler type\", \"may not specify more than 1 handler " +
			"type\", \"command: Required value\", \"must be between 1 and 65535\"). (A handler with no port at all is " +
			"the schema's finding.)",
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
		for _, c := range containers(ps, base) {
			if !c.Init || isSidecar(c) { // probe-in-init-container covers the others
				for _, pr := range probesOf(c) {
					h := pr.probe.ProbeHandler
					checkHandler(p, pr.path, pr.name, handler{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, grpc: h.GRPC})
				}
			}
			if lc := c.C.Lifecycle; lc != nil && (!c.Init || isSidecar(c)) {
				for _, hook := range []struct {
					name string
					h    *corev1.LifecycleHandler
				}{{"postStart", lc.PostStart}, {"preStop", lc.PreStop}} {
					if hook.h != nil {
						checkHandler(p, c.Path.Child("lifecycle", hook.name), hook.name,
							handler{exec: hook.h.Exec, httpGet: hook.h.HTTPGet, tcpSocket: hook.h.TCPSocket, sleep: hook.h.Sleep})
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

func checkHandler(p *rule.Pass, at fieldpath.Path, name string, h handler) {
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
		p.Reportf(at.Child("exec"), "%s.exec has no command: set command to the program and its arguments", name)
	case h.httpGet != nil:
		checkHandlerPort(p, at.Child("httpGet", "port"), name+".httpGet", h.httpGet.Port)
	case h.tcpSocket != nil:
		checkHandlerPort(p, at.Child("tcpSocket", "port"), name+".tcpSocket", h.tcpSocket.Port)
	case h.grpc != nil && (h.grpc.Port < 1 || h.grpc.Port > 65535):
		p.Report(rule.Diagnostic{Path: at.Child("grpc", "port"), AtValue: true,
			Message: "the gRPC port of " + name + " must be between 1 and 65535"})
	}
}

func handlerKind(name string) string {
	if name == "postStart" || name == "preStop" {
		return "lifecycle hook"
	}
	return "probe"
}

// checkHandlerPort reports a number out of range. A port that is not
// written at all is the schema's finding ("missing required field"); a
// name is checked by invalid-port-name and probe-port-not-declared.
func checkHandlerPort(p *rule.Pass, at fieldpath.Path, name string, port intstr.IntOrString) {
	if port.Type != intstr.Int || port.IntVal >= 1 && port.IntVal <= 65535 {
		return
	}
	if !p.Object.Has(at) {
		return
	}
	p.Report(rule.Diagnostic{Path: at, AtValue: true, Message: "the port of " + name + " must be between 1 and 65535, or a port name"})
}

var invalidEnvRule = &rule.Rule{
	ID:       "invalid-env",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "an environment variable or envFrom source the API server rejects",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "An env entry with an empty name, with both value and valueFrom, or whose valueFrom names no source or " +
			"more than one; a fieldRef without fieldPath, a configMapKeyRef or secretKeyRef without name or key, a " +
			"resourceFieldRef without resource; an envFrom entry with no source, more than one, or no name.",
		Why: "The API server rejects the DaemonSet (\"must specify one of: fieldRef, resourceFieldRef, configMapKeyRef or " +
			"secretKeyRef\", \"may not be specified when value is not empty\", \"key: Required value\").",
		In: rule.InContainer,
		Bad: `env:
  - name: NODE
    value: worker-1
    valueFrom:
      fieldRef: {fieldPath: spec.nodeName}`,
		Good: `env:
  - name: NODE
    valueFrom:
      fieldRef: {fieldPath: spec.nodeName}`,
		Fix:     "Give each variable a name and either a value or one valueFrom source with its required fields.",
		Mirrors: "validateEnv, validateEnvVarValueFrom and validateEnvFrom in pkg/apis/core/validation",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for i := range c.C.Env {
				checkEnvVar(p, c.Path.Child("env").Index(i), &c.C.Env[i])
			}
			for i, src := range c.C.EnvFrom {
				at := c.Path.Child("envFrom").Index(i)
				switch {
				case src.ConfigMapRef == nil && src.SecretRef == nil:
					p.Reportf(at, "envFrom entry has no source: set configMapRef or secretRef")
				case src.ConfigMapRef != nil && src.SecretRef != nil:
					p.Reportf(at.Child("secretRef"), "envFrom entry sets configMapRef and secretRef: split it into two entries")
				case src.ConfigMapRef != nil && src.ConfigMapRef.Name == "":
					p.Reportf(at.Child("configMapRef"), "envFrom configMapRef has no name: name the ConfigMap")
				case src.SecretRef != nil && src.SecretRef.Name == "":
					p.Reportf(at.Child("secretRef"), "envFrom secretRef has no name: name the Secret")
				}
			}
		}
	},
}

func checkEnvVar(p *rule.Pass, at fieldpath.Path, e *corev1.EnvVar) {
	if e.Name == "" && p.Object.Has(at.Child("name")) {
		// A missing name is the schema's finding; an empty one is this.
		p.Report(rule.Diagnostic{Path: at.Child("name"), AtValue: true, Message: "the variable's name is empty: name it"})
	}
	vf := e.ValueFrom
	if vf == nil {
		return
	}
	name := e.Name
	if name == "" {
		name = "the variable"
	}
	var sources []string
	for _, x := range []struct {
		name string
		set  bool
	}{{"fieldRef", vf.FieldRef != nil}, {"resourceFieldRef", vf.ResourceFieldRef != nil}, {"configMapKeyRef", vf.ConfigMapKeyRef != nil}, {"secretKeyRef", vf.SecretKeyRef != nil}, {"fileKeyRef", vf.FileKeyRef != nil}} {
		if x.set {
			sources = append(sources, x.name)
		}
	}
	vp := at.Child("valueFrom")
	switch {
	case e.Value != "":
		p.Reportf(vp, "%s sets both value and valueFrom: keep one", name)
	case len(sources) == 0:
		p.Reportf(vp, "valueFrom of %s names no source: set one of fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef", name)
	case len(sources) > 1:
		p.Reportf(vp.Child(sources[1]), "valueFrom of %s sets %s: keep one", name, strings.Join(sources, " and "))
	case vf.FieldRef != nil && vf.FieldRef.FieldPath == "":
		p.Reportf(vp.Child("fieldRef"), "fieldRef of %s has no fieldPath: set one such as spec.nodeName", name)
	case vf.ResourceFieldRef != nil && vf.ResourceFieldRef.Resource == "":
		p.Reportf(vp.Child("resourceFieldRef"), "resourceFieldRef of %s has no resource: set one such as limits.memory", name)
	case vf.ConfigMapKeyRef != nil && (vf.ConfigMapKeyRef.Name == "" || vf.ConfigMapKeyRef.Key == ""):
		p.Reportf(vp.Child("configMapKeyRef"), "configMapKeyRef of %s needs both name (the ConfigMap) and key", name)
	case vf.SecretKeyRef != nil && (vf.SecretKeyRef.Name == "" || vf.SecretKeyRef.Key == ""):
		p.Reportf(vp.Child("secretKeyRef"), "secretKeyRef of %s needs both name (the Secret) and key", name)
	}
}
