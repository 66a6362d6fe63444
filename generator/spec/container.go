package spec

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/lint/fieldpath"
)

// ImagePullSecret names a Secret the kubelet pulls the image with.
type ImagePullSecret struct {
	At
	corev1.LocalObjectReference
}

// Forms implements Shorthand.
func (ImagePullSecret) Forms() Forms {
	return Forms{Doc: "a Secret name or {name}", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.LocalObjectReference{}},
	}}
}

func (x *ImagePullSecret) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	if s, ok := v.(string); ok {
		x.Name = s
		return true
	}
	return d.into(p, v, &x.LocalObjectReference)
}

// Port is a port of the main container.
type Port struct {
	At
	corev1.ContainerPort
}

// Forms implements Shorthand.
func (Port) Forms() Forms {
	return Forms{List: []Form{
		{Type: "integer", Schema: M{"minimum": 1, "maximum": 65535}},
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: corev1.ContainerPort{}},
	}}
}

func (x *Port) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	switch v := v.(type) {
	case string:
		port, err := parsePort(v)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.ContainerPort = port
		return true
	case map[string]any:
		return d.into(p, v, &x.ContainerPort)
	}
	n, _ := asInt(v)
	x.ContainerPort.ContainerPort = int32(n)
	return true
}

// Env is the main container's environment, in the order written.
type Env struct {
	Vars []EnvVar
}

// EnvVar is one variable, with where it was written.
type EnvVar struct {
	At
	corev1.EnvVar
}

// Forms implements Shorthand.
func (Env) Forms() Forms {
	return Forms{Doc: "{NAME: value} (shorthand) or a list of EnvVar", List: []Form{
		{Type: "object", Syntax: map[string]EnvValue{}},
		{Type: "array", Syntax: []corev1.EnvVar{}},
	}}
}

func (x *Env) decode(d *decoder, p fieldpath.Path, v any) bool {
	if l, ok := v.([]any); ok {
		for i, item := range l {
			var e corev1.EnvVar
			if d.into(p.Index(i), item, &e) {
				x.Vars = append(x.Vars, EnvVar{At{p.Index(i)}, e})
			}
		}
		return true
	}
	m := v.(map[string]any)
	for _, name := range d.keysInOrder(p, m) {
		var ev EnvValue
		if d.into(p.Child(name), m[name], &ev) {
			ev.Name = name
			x.Vars = append(x.Vars, EnvVar{At{p.Child(name)}, ev.EnvVar})
		}
	}
	return true
}

// EnvValue is a variable's value in the map form: a literal, or where to
// take it from.
type EnvValue struct {
	corev1.EnvVar
}

type envValueSyntax struct {
	Value            *string              `json:"value"`
	ValueFrom        *corev1.EnvVarSource `json:"valueFrom"`
	FieldRef         *FieldRef            `json:"fieldRef"`
	ResourceFieldRef *ResourceFieldRef    `json:"resourceFieldRef"`
	ConfigMapKeyRef  *ConfigMapKeyRef     `json:"configMapKeyRef"`
	SecretKeyRef     *SecretKeyRef        `json:"secretKeyRef"`
}

// Forms implements Shorthand.
func (EnvValue) Forms() Forms {
	return Forms{Doc: "a literal value, or {fieldRef | resourceFieldRef | configMapKeyRef | secretKeyRef | value | valueFrom}", List: []Form{
		{Type: "string"}, {Type: "number"}, {Type: "boolean"},
		{Type: "object", Syntax: envValueSyntax{}, Schema: M{"minProperties": 1, "maxProperties": 1}},
	}}
}

func (x *EnvValue) decode(d *decoder, p fieldpath.Path, v any) bool {
	if _, ok := v.(map[string]any); !ok {
		x.Value = d.scalarText(p, v)
		return true
	}
	var s envValueSyntax
	d.into(p, v, &s)
	switch {
	case s.Value != nil:
		x.Value = *s.Value
	case s.ValueFrom != nil:
		x.ValueFrom = s.ValueFrom
	case s.FieldRef != nil:
		x.ValueFrom = &corev1.EnvVarSource{FieldRef: &s.FieldRef.ObjectFieldSelector}
	case s.ResourceFieldRef != nil:
		x.ValueFrom = &corev1.EnvVarSource{ResourceFieldRef: &s.ResourceFieldRef.ResourceFieldSelector}
	case s.ConfigMapKeyRef != nil:
		x.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &s.ConfigMapKeyRef.ConfigMapKeySelector}
	case s.SecretKeyRef != nil:
		x.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &s.SecretKeyRef.SecretKeySelector}
	default:
		return false
	}
	return true
}

// FieldRef takes a variable from a field of the pod.
type FieldRef struct{ corev1.ObjectFieldSelector }

// Forms implements Shorthand.
func (FieldRef) Forms() Forms {
	return Forms{Doc: "a field path (spec.nodeName, status.hostIP, metadata.name, ...) or an ObjectFieldSelector", List: []Form{
		{Type: "string"}, {Type: "object", Syntax: corev1.ObjectFieldSelector{}},
	}}
}

func (x *FieldRef) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		x.FieldPath = s
		return true
	}
	return d.into(p, v, &x.ObjectFieldSelector)
}

// ResourceFieldRef takes a variable from the container's resources.
type ResourceFieldRef struct{ corev1.ResourceFieldSelector }

// Forms implements Shorthand.
func (ResourceFieldRef) Forms() Forms {
	return Forms{Doc: "a resource (limits.memory, requests.cpu, ...) or a ResourceFieldSelector", List: []Form{
		{Type: "string"}, {Type: "object", Syntax: corev1.ResourceFieldSelector{}},
	}}
}

func (x *ResourceFieldRef) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		x.Resource = s
		return true
	}
	return d.into(p, v, &x.ResourceFieldSelector)
}

// ConfigMapKeyRef takes a variable from a key of a ConfigMap.
type ConfigMapKeyRef struct{ corev1.ConfigMapKeySelector }

// Forms implements Shorthand.
func (ConfigMapKeyRef) Forms() Forms {
	return Forms{Doc: "NAME/KEY or a ConfigMapKeySelector", List: []Form{
		{Type: "string"}, {Type: "object", Syntax: corev1.ConfigMapKeySelector{}},
	}}
}

func (x *ConfigMapKeyRef) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		name, key, err := parseKeyRef(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.Name, x.Key = name, key
		return true
	}
	return d.into(p, v, &x.ConfigMapKeySelector)
}

// SecretKeyRef takes a variable from a key of a Secret.
type SecretKeyRef struct{ corev1.SecretKeySelector }

// Forms implements Shorthand.
func (SecretKeyRef) Forms() Forms {
	return Forms{Doc: "NAME/KEY or a SecretKeySelector", List: []Form{
		{Type: "string"}, {Type: "object", Syntax: corev1.SecretKeySelector{}},
	}}
}

func (x *SecretKeyRef) decode(d *decoder, p fieldpath.Path, v any) bool {
	if s, ok := v.(string); ok {
		name, key, err := parseKeyRef(s)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.Name, x.Key = name, key
		return true
	}
	return d.into(p, v, &x.SecretKeySelector)
}

// EnvFrom imports every key of a ConfigMap or Secret as variables.
type EnvFrom struct {
	At
	corev1.EnvFromSource
}

type envFromSyntax struct {
	ConfigMap    *string                    `json:"configMap" jsonschema:"minLength=1" doc:"a ConfigMap name"`
	Secret       *string                    `json:"secret" jsonschema:"minLength=1" doc:"a Secret name"`
	ConfigMapRef *corev1.ConfigMapEnvSource `json:"configMapRef"`
	SecretRef    *corev1.SecretEnvSource    `json:"secretRef"`
	Prefix       string                     `json:"prefix"`
	Optional     *bool                      `json:"optional"`
}

// envFromSources are envFromSyntax's sources, one of which is set.
var envFromSources = []string{"configMap", "secret", "configMapRef", "secretRef"}

// Forms implements Shorthand.
func (EnvFrom) Forms() Forms {
	return Forms{Doc: "{configMap: NAME} or {secret: NAME} (shorthands), or an EnvFromSource", List: []Form{
		{Type: "object", Syntax: envFromSyntax{}},
	}}
}

func (x *EnvFrom) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	m := v.(map[string]any)
	var sources []string
	for _, k := range envFromSources {
		if m[k] != nil {
			sources = append(sources, k)
		}
	}
	if len(sources) != 1 {
		if len(sources) == 0 {
			d.errorf(p, "envFrom needs one of configMap, secret, configMapRef or secretRef")
		} else {
			d.errorf(p, "envFrom sets %s: set only one", strings.Join(sources, " and "))
		}
		return false
	}
	var s envFromSyntax
	d.into(p, v, &s)
	x.Prefix = s.Prefix
	switch {
	case s.ConfigMap != nil:
		x.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: *s.ConfigMap}, Optional: s.Optional}
	case s.Secret != nil:
		x.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: *s.Secret}, Optional: s.Optional}
	case s.ConfigMapRef != nil:
		x.ConfigMapRef = s.ConfigMapRef
	case s.SecretRef != nil:
		x.SecretRef = s.SecretRef
	default:
		return false
	}
	return true
}

// Resources are the main container's resource requirements.
type Resources struct {
	At
	corev1.ResourceRequirements
	// Short: written as {cpu, memory, ...}, each resource requested,
	// limited or both (see Decode); the Requirements then came from
	// spec.resources.NAME.
	Short bool
}

type resourcesSyntax struct {
	Requests map[string]Quantity    `json:"requests"`
	Limits   map[string]Quantity    `json:"limits"`
	Claims   []corev1.ResourceClaim `json:"claims"`
	// Short is the short form: the other keys are resource names.
	Short map[string]Quantity `json:",inline"`
}

// Forms implements Shorthand.
func (Resources) Forms() Forms {
	return Forms{Doc: "short form {cpu, memory, ...} or long form {requests, limits}", List: []Form{
		{Type: "object", Syntax: resourcesSyntax{}},
	}}
}

// decode reads the long form {requests, limits, claims} or the short form
// {cpu, memory, ...}. In the short form, memory (and hugepages) is both
// requested and limited: a container that exceeds its memory request is
// the first evicted, so the two should be equal; CPU and ephemeral-storage
// are requested only, because a CPU limit throttles an agent that a node
// needs most when it is busiest; extended resources (vendor.com/gpu) are
// limited only, which Kubernetes also takes as the request.
func (x *Resources) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	m := v.(map[string]any)
	if len(m) == 0 {
		return false
	}
	var long, short []string
	for k := range m {
		if k == "requests" || k == "limits" || k == "claims" {
			long = append(long, k)
		} else {
			short = append(short, k)
		}
	}
	slices.Sort(long)
	slices.Sort(short)
	if len(long) > 0 && len(short) > 0 {
		d.errorAtKey(p.Child(short[0]), "resources mixes the short form (%s) with the long form (%s): write {cpu, memory} or {requests: {...}, limits: {...}}", strings.Join(short, ", "), strings.Join(long, ", "))
		return false
	}
	var s resourcesSyntax
	d.into(p, v, &s)
	if len(long) > 0 {
		x.Requests = resourceList(s.Requests)
		x.Limits = resourceList(s.Limits)
		x.Claims = s.Claims
		return true
	}
	x.Short = true
	for name, q := range s.Short {
		rn := corev1.ResourceName(name)
		request, limit := false, false
		switch {
		case rn == corev1.ResourceCPU || rn == corev1.ResourceEphemeralStorage:
			request = true
		case rn == corev1.ResourceMemory || strings.HasPrefix(name, corev1.ResourceHugePagesPrefix):
			request, limit = true, true
		default:
			limit = true
		}
		if request {
			if x.Requests == nil {
				x.Requests = corev1.ResourceList{}
			}
			x.Requests[rn] = q.Quantity
		}
		if limit {
			if x.Limits == nil {
				x.Limits = corev1.ResourceList{}
			}
			x.Limits[rn] = q.Quantity
		}
	}
	return true
}

func resourceList(m map[string]Quantity) corev1.ResourceList {
	if len(m) == 0 {
		return nil
	}
	out := make(corev1.ResourceList, len(m))
	for k, q := range m {
		out[corev1.ResourceName(k)] = q.Quantity
	}
	return out
}

// Quantity is an amount of a resource.
type Quantity struct{ resource.Quantity }

// Forms implements Shorthand.
func (Quantity) Forms() Forms {
	return Forms{Doc: "a quantity: 100m, 64Mi, 1", List: []Form{{Type: "string"}, {Type: "number"}}}
}

func (x *Quantity) decode(d *decoder, p fieldpath.Path, v any) bool {
	text := d.scalarText(p, v)
	q, err := resource.ParseQuantity(text)
	if err != nil {
		d.errorf(p, "invalid quantity %q: write a number with an optional suffix, like 100m (CPU) or 64Mi (memory)", text)
		return false
	}
	x.Quantity = q
	return true
}

// Probe is a probe of the main container.
type Probe struct {
	At
	corev1.Probe
	// Handler is where the handler is written (spec.livenessProbe.http).
	Handler fieldpath.Path
	// DefaultPort is set for an HTTP probe that names no port: it probes
	// the container's first declared port.
	DefaultPort bool
}

type probeSyntax struct {
	HTTP      *HTTPAction             `json:"http"`
	TCP       *ProbePort              `json:"tcp"`
	GRPC      *GRPCAction             `json:"grpc"`
	Exec      *ExecAction             `json:"exec"`
	HTTPGet   *corev1.HTTPGetAction   `json:"httpGet"`
	TCPSocket *corev1.TCPSocketAction `json:"tcpSocket"`

	InitialDelaySeconds           int32  `json:"initialDelaySeconds" jsonschema:"minimum=0"`
	TimeoutSeconds                int32  `json:"timeoutSeconds" jsonschema:"minimum=0"`
	PeriodSeconds                 int32  `json:"periodSeconds" jsonschema:"minimum=0"`
	SuccessThreshold              int32  `json:"successThreshold" jsonschema:"minimum=0"`
	FailureThreshold              int32  `json:"failureThreshold" jsonschema:"minimum=0"`
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds" jsonschema:"minimum=1"`
}

// probeHandlers are probeSyntax's handlers, exactly one of which is set.
var probeHandlers = []string{"http", "tcp", "grpc", "exec", "httpGet", "tcpSocket"}

// Forms implements Shorthand.
func (Probe) Forms() Forms {
	return Forms{Definition: "probe", Doc: "a probe: one of http, tcp, grpc, exec (shorthands) or httpGet, tcpSocket (Kubernetes forms), plus timing", List: []Form{
		{Type: "object", Syntax: probeSyntax{}},
	}}
}

func (x *Probe) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	m := v.(map[string]any)
	var handlers []string
	for _, h := range probeHandlers {
		if m[h] != nil {
			handlers = append(handlers, h)
		}
	}
	if len(handlers) != 1 {
		if len(handlers) == 0 {
			d.errorf(p, "a probe needs one of http, tcp, grpc or exec (or the Kubernetes httpGet, tcpSocket)")
		} else {
			d.errorf(p, "the probe sets %s: a probe has exactly one handler", strings.Join(handlers, " and "))
		}
		return false
	}
	x.Handler = p.Child(handlers[0])
	var s probeSyntax
	d.into(p, v, &s)
	switch {
	case s.HTTP != nil:
		x.HTTPGet = &s.HTTP.HTTPGetAction
		x.DefaultPort = s.HTTP.DefaultPort
	case s.TCP != nil:
		if !s.TCP.valid {
			d.errorf(x.Handler, "invalid tcp probe port %v: want a port number (1-65535) or a port name", m["tcp"])
			return false
		}
		x.TCPSocket = &corev1.TCPSocketAction{Port: s.TCP.IntOrString}
	case s.GRPC != nil:
		x.GRPC = &s.GRPC.GRPCAction
	case s.Exec != nil:
		x.Exec = &s.Exec.ExecAction
	case s.HTTPGet != nil:
		x.HTTPGet = s.HTTPGet
	case s.TCPSocket != nil:
		x.TCPSocket = s.TCPSocket
	default:
		return false // the handler did not decode; it said why
	}
	x.InitialDelaySeconds = s.InitialDelaySeconds
	x.TimeoutSeconds = s.TimeoutSeconds
	x.PeriodSeconds = s.PeriodSeconds
	x.SuccessThreshold = s.SuccessThreshold
	x.FailureThreshold = s.FailureThreshold
	x.TerminationGracePeriodSeconds = s.TerminationGracePeriodSeconds
	return true
}

// ProbePort is a port a probe connects to: a number or the name of a port
// of the container.
type ProbePort struct {
	intstr.IntOrString
	valid bool
}

// Forms implements Shorthand.
func (ProbePort) Forms() Forms {
	return Forms{Doc: "a port number or the name of a port of the container", List: []Form{{Type: "integer"}, {Type: "string"}}}
}

func (x *ProbePort) decode(_ *decoder, _ fieldpath.Path, v any) bool {
	if n, ok := asInt(v); ok {
		x.IntOrString, x.valid = portValue(n)
	} else {
		x.IntOrString, x.valid = portValue(v)
	}
	return true
}

// HTTPAction is an HTTP GET probe.
type HTTPAction struct {
	corev1.HTTPGetAction
	// DefaultPort: no port is written; the container's first is meant.
	DefaultPort bool
}

type httpSyntax struct {
	Path        *string             `json:"path"`
	Port        *ProbePort          `json:"port"`
	Host        string              `json:"host"`
	Scheme      corev1.URIScheme    `json:"scheme" jsonschema:"enum=HTTP|HTTPS"`
	HTTPHeaders []corev1.HTTPHeader `json:"httpHeaders"`
}

// Forms implements Shorthand.
func (HTTPAction) Forms() Forms {
	return Forms{Doc: "PATH[:PORT], a port, or {path, port, host, scheme, httpHeaders}", List: []Form{
		{Type: "integer", Schema: M{"minimum": 1, "maximum": 65535}},
		{Type: "string"},
		{Type: "object", Syntax: httpSyntax{}},
	}}
}

func (x *HTTPAction) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = "/"
	switch v := v.(type) {
	case string:
		path, port, err := parseHTTPProbe(v)
		if err != nil {
			d.errorf(p, "%v", err)
			return false
		}
		x.Path = path
		if port == "" {
			x.DefaultPort = true
		} else {
			x.Port, _ = portValue(port)
		}
	case map[string]any:
		var s httpSyntax
		d.into(p, v, &s)
		if s.Path != nil {
			x.Path = *s.Path
		}
		if s.Port != nil {
			x.Port = s.Port.IntOrString
		} else if _, written := v["port"]; !written {
			x.DefaultPort = true
		}
		x.Host = s.Host
		x.Scheme = s.Scheme
		x.HTTPHeaders = s.HTTPHeaders
	default:
		n, _ := asInt(v)
		x.Port = intstr.FromInt32(int32(n))
	}
	return true
}

// GRPCAction is a gRPC health check.
type GRPCAction struct{ corev1.GRPCAction }

// Forms implements Shorthand.
func (GRPCAction) Forms() Forms {
	return Forms{Doc: "a port, or {port, service}", List: []Form{
		{Type: "integer", Schema: M{"minimum": 1, "maximum": 65535}},
		{Type: "object", Syntax: corev1.GRPCAction{}},
	}}
}

func (x *GRPCAction) decode(d *decoder, p fieldpath.Path, v any) bool {
	if n, ok := asInt(v); ok {
		x.Port = int32(n)
		return true
	}
	return d.into(p, v, &x.GRPCAction)
}

// ExecAction runs a command in the container.
type ExecAction struct{ corev1.ExecAction }

// Forms implements Shorthand.
func (ExecAction) Forms() Forms {
	return Forms{Doc: "a command (list of strings), or {command: [...]}", List: []Form{
		{Type: "array", Syntax: []string{}, Schema: M{"minItems": 1}},
		{Type: "object", Syntax: corev1.ExecAction{}},
	}}
}

func (x *ExecAction) decode(d *decoder, p fieldpath.Path, v any) bool {
	if _, ok := v.([]any); ok {
		return d.into(p, v, &x.Command)
	}
	return d.into(p, v, &x.ExecAction)
}
