package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/rules"
)

// Output paths every rendering step writes under.
var (
	podPath  = fieldpath.New("spec", "template", "spec")
	mainPath = podPath.Child("containers").Index(0)
	specRoot = fieldpath.New("spec")
)

// renderer decodes one spec into Kubernetes objects. It reads the spec's
// typed value and trusts the schema for the shape: a value of the wrong
// type is skipped silently here because the schema has reported it.
// What the schema cannot say (a shorthand that does not parse, a quantity
// that is not one) is reported here, at the spec path.
type renderer struct {
	doc   *document.Document
	spec  map[string]any
	probs []problem
	prov  *Provenance // the DaemonSet's

	name, namespace string
	labels          map[string]string // on every object
	selector        map[string]string

	ds   *appsv1.DaemonSet
	pod  *corev1.PodSpec
	main *corev1.Container

	configMap    *corev1.ConfigMap
	configProv   *Provenance
	configVolume string
	rbacObjects  []Object
}

func (r *renderer) errorf(p fieldpath.Path, format string, args ...any) {
	r.probs = append(r.probs, problem{path: p, msg: fmt.Sprintf(format, args...), atValue: true})
}

func (r *renderer) errorAtKey(p fieldpath.Path, format string, args ...any) {
	r.probs = append(r.probs, problem{path: p, msg: fmt.Sprintf(format, args...)})
}

func (r *renderer) rec(out, spec fieldpath.Path) { r.prov.Record(out, spec) }

// get returns the spec's field (under spec:).
func (r *renderer) get(key string) (any, bool) {
	v, ok := r.spec[key]
	return v, ok && v != nil
}

func (r *renderer) str(key string) (string, bool) {
	v, _ := r.get(key)
	s, ok := v.(string)
	return s, ok
}

func (r *renderer) boolean(key string) (bool, bool) {
	v, _ := r.get(key)
	b, ok := v.(bool)
	return b, ok
}

func (r *renderer) int32p(key string) *int32 {
	v, _ := r.get(key)
	if n, ok := v.(int64); ok && n >= 0 && n <= 1<<31-1 {
		i := int32(n)
		return &i
	}
	return nil
}

func (r *renderer) list(key string) []any {
	v, _ := r.get(key)
	l, _ := v.([]any)
	return l
}

func (r *renderer) object(key string) map[string]any {
	v, _ := r.get(key)
	m, _ := v.(map[string]any)
	return m
}

func stringList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// k8s decodes a long form into a k8s.io/api type. The schema, derived
// from the same types, has checked the field names and types.
func (r *renderer) k8s(p fieldpath.Path, v any, out any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, out); err != nil {
		r.errorf(p, "%v", err)
		return false
	}
	return true
}

// scalarText is what the user wrote for a scalar: "1.0" stays "1.0", a
// YAML 1.1 "yes" stays "yes" (env values and quantities are strings).
func (r *renderer) scalarText(p fieldpath.Path, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if n, found := r.doc.NodeAt(p); n != nil && len(found) == len(p) && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return fmt.Sprint(v)
}

// keysInOrder returns a map's keys in document order (env variables may
// refer to earlier ones, so their order matters).
func (r *renderer) keysInOrder(p fieldpath.Path, m map[string]any) []string {
	var keys []string
	if n, found := r.doc.NodeAt(p); n != nil && len(found) == len(p) && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, ok := m[k]; ok && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) != len(m) {
		// Merge keys or aliases: fall back to sorted order for the rest.
		rest := make([]string, 0, len(m))
		for k := range m {
			if !slices.Contains(keys, k) {
				rest = append(rest, k)
			}
		}
		slices.Sort(rest)
		keys = append(keys, rest...)
	}
	return keys
}

// render decodes a spec whose value has passed the schema.
func render(s *Spec) (*Rendered, []problem) {
	root, _ := s.Doc.Value.(map[string]any)
	meta, _ := root["metadata"].(map[string]any)
	spec, _ := root["spec"].(map[string]any)
	r := &renderer{doc: s.Doc, spec: spec, prov: NewProvenance()}
	r.name, _ = meta["name"].(string)
	r.namespace, _ = meta["namespace"].(string)

	r.metadata(meta)
	r.container()
	r.placement()
	r.volumes()
	r.config()
	r.security()
	r.identity()
	r.rollout()
	r.extraContainers()
	r.ignores()

	out := &Rendered{Spec: s}
	out.Objects = append(out.Objects, r.rbacObjects...)
	if r.configMap != nil {
		out.Objects = append(out.Objects, Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: r.namespace, Name: r.configMap.Name, Value: r.configMap, Provenance: r.configProv})
	}
	out.Objects = append(out.Objects, Object{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: r.namespace, Name: r.name, Value: r.ds, Provenance: r.prov})
	// Kind order: ServiceAccount, Role, ClusterRole, RoleBinding,
	// ClusterRoleBinding, ConfigMap, DaemonSet.
	order := map[string]int{"ServiceAccount": 0, "Role": 1, "ClusterRole": 2, "RoleBinding": 3, "ClusterRoleBinding": 4, "ConfigMap": 5, "DaemonSet": 6}
	slices.SortStableFunc(out.Objects, func(a, b Object) int { return order[a.Kind] - order[b.Kind] })
	return out, r.probs
}

// reservedAnnotation reports annotations that must never be copied into
// output: kustomize and kpt bookkeeping.
func reservedAnnotation(k string) bool {
	return strings.HasPrefix(k, "config.kubernetes.io/") || strings.HasPrefix(k, "internal.config.kubernetes.io/")
}

func (r *renderer) metadata(meta map[string]any) {
	metaPath := fieldpath.New("metadata")
	userLabels := stringMap(meta["labels"])
	r.selector = map[string]string{LabelName: r.name, LabelInstance: r.name}
	r.labels = map[string]string{LabelName: r.name, LabelInstance: r.name, LabelManagedBy: ManagedBy}
	for k, v := range userLabels {
		r.labels[k] = v
		if k == LabelName || k == LabelInstance {
			r.selector[k] = v
		}
	}
	var annotations map[string]string
	for k, v := range stringMap(meta["annotations"]) {
		if reservedAnnotation(k) {
			continue
		}
		if annotations == nil {
			annotations = map[string]string{}
		}
		annotations[k] = v
		r.rec(fieldpath.New("metadata", "annotations", k), metaPath.Child("annotations", k))
	}
	r.ds = &appsv1.DaemonSet{
		TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{
			Name: r.name, Namespace: r.namespace, Labels: copyMap(r.labels), Annotations: annotations,
		},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: copyMap(r.selector)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: copyMap(r.labels)},
			},
		},
	}
	r.pod = &r.ds.Spec.Template.Spec
	r.rec(fieldpath.New("metadata"), metaPath)
	r.rec(fieldpath.New("metadata", "name"), metaPath.Child("name"))
	r.rec(fieldpath.New("metadata", "namespace"), metaPath.Child("namespace"))
	r.rec(fieldpath.New("spec", "selector"), metaPath.Child("labels"))
	r.rec(fieldpath.New("spec", "template", "metadata"), metaPath)
	for _, base := range []fieldpath.Path{fieldpath.New("metadata", "labels"), fieldpath.New("spec", "template", "metadata", "labels"), fieldpath.New("spec", "selector", "matchLabels")} {
		r.rec(base, metaPath.Child("labels"))
		for k := range r.labels {
			if _, user := userLabels[k]; user {
				r.rec(base.Child(k), metaPath.Child("labels", k))
			} else {
				r.rec(base.Child(k), metaPath.Child("name"))
			}
		}
	}
	r.rec(specRoot, specRoot)
	r.rec(fieldpath.New("spec", "template"), specRoot)
	r.rec(podPath, specRoot)

	if pa := stringMap(r.spec["podAnnotations"]); len(pa) > 0 {
		for k, v := range pa {
			if reservedAnnotation(k) {
				continue
			}
			if k == ConfigHashAnnotation {
				r.errorAtKey(specRoot.Child("podAnnotations", k), "%s is set by everynode from spec.config; remove it", k)
				continue
			}
			if r.ds.Spec.Template.Annotations == nil {
				r.ds.Spec.Template.Annotations = map[string]string{}
			}
			r.ds.Spec.Template.Annotations[k] = v
			r.rec(fieldpath.New("spec", "template", "metadata", "annotations", k), specRoot.Child("podAnnotations", k))
		}
	}
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (r *renderer) container() {
	c := corev1.Container{Name: r.name}
	c.Image, _ = r.str("image")
	if p, ok := r.str("imagePullPolicy"); ok {
		c.ImagePullPolicy = corev1.PullPolicy(p)
	}
	r.pod.Containers = []corev1.Container{c}
	r.main = &r.pod.Containers[0]
	r.rec(mainPath, specRoot)
	r.rec(mainPath.Child("name"), fieldpath.New("metadata", "name"))
	for _, k := range []string{"image", "imagePullPolicy", "command", "args", "workingDir", "lifecycle"} {
		r.rec(mainPath.Child(k), specRoot.Child(k))
	}
	r.main.Command = stringList(r.spec["command"])
	r.main.Args = stringList(r.spec["args"])
	r.main.WorkingDir, _ = r.str("workingDir")
	if v, ok := r.get("lifecycle"); ok {
		var lc corev1.Lifecycle
		if r.k8s(specRoot.Child("lifecycle"), v, &lc) {
			r.main.Lifecycle = &lc
		}
	}

	for i, item := range r.list("imagePullSecrets") {
		sp := specRoot.Child("imagePullSecrets").Index(i)
		var ref corev1.LocalObjectReference
		switch item := item.(type) {
		case string:
			ref.Name = item
		default:
			if !r.k8s(sp, item, &ref) {
				continue
			}
		}
		r.pod.ImagePullSecrets = append(r.pod.ImagePullSecrets, ref)
		r.rec(podPath.Child("imagePullSecrets").Index(len(r.pod.ImagePullSecrets)-1), sp)
	}

	r.ports()
	r.env()
	r.envFrom()
	r.resources()
	for _, k := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		if v, ok := r.get(k); ok {
			p := r.probe(specRoot.Child(k), mainPath.Child(k), v)
			switch k {
			case "livenessProbe":
				r.main.LivenessProbe = p
			case "readinessProbe":
				r.main.ReadinessProbe = p
			case "startupProbe":
				r.main.StartupProbe = p
			}
		}
	}
}

func (r *renderer) ports() {
	for i, item := range r.list("ports") {
		sp := specRoot.Child("ports").Index(i)
		var port corev1.ContainerPort
		switch item := item.(type) {
		case int64:
			port.ContainerPort = int32(item)
		case string:
			p, err := parsePort(item)
			if err != nil {
				r.errorf(sp, "%v", err)
				continue
			}
			port = p
		default:
			if !r.k8s(sp, item, &port) {
				continue
			}
		}
		r.main.Ports = append(r.main.Ports, port)
		r.rec(mainPath.Child("ports").Index(len(r.main.Ports)-1), sp)
	}
}

func (r *renderer) env() {
	sp := specRoot.Child("env")
	out := mainPath.Child("env")
	switch env := r.spec["env"].(type) {
	case []any:
		for i, item := range env {
			var e corev1.EnvVar
			if r.k8s(sp.Index(i), item, &e) {
				r.main.Env = append(r.main.Env, e)
				r.rec(out.Index(len(r.main.Env)-1), sp.Index(i))
			}
		}
	case map[string]any:
		for _, name := range r.keysInOrder(sp, env) {
			ip := sp.Child(name)
			e, ok := r.envValue(ip, name, env[name])
			if !ok {
				continue
			}
			r.main.Env = append(r.main.Env, e)
			r.rec(out.Index(len(r.main.Env)-1), ip)
		}
	}
}

func (r *renderer) envValue(p fieldpath.Path, name string, v any) (corev1.EnvVar, bool) {
	e := corev1.EnvVar{Name: name}
	m, isMap := v.(map[string]any)
	if !isMap {
		if v == nil {
			return e, false
		}
		e.Value = r.scalarText(p, v)
		return e, true
	}
	for k, x := range m { // the schema allows exactly one key
		kp := p.Child(k)
		switch k {
		case "value":
			e.Value, _ = x.(string)
		case "valueFrom":
			var src corev1.EnvVarSource
			if !r.k8s(kp, x, &src) {
				return e, false
			}
			e.ValueFrom = &src
		case "fieldRef":
			var sel corev1.ObjectFieldSelector
			if s, ok := x.(string); ok {
				sel.FieldPath = s
			} else if !r.k8s(kp, x, &sel) {
				return e, false
			}
			e.ValueFrom = &corev1.EnvVarSource{FieldRef: &sel}
		case "resourceFieldRef":
			var sel corev1.ResourceFieldSelector
			if s, ok := x.(string); ok {
				sel.Resource = s
			} else if !r.k8s(kp, x, &sel) {
				return e, false
			}
			e.ValueFrom = &corev1.EnvVarSource{ResourceFieldRef: &sel}
		case "configMapKeyRef", "secretKeyRef":
			var name, key string
			var obj map[string]any
			if s, ok := x.(string); ok {
				n, k2, err := parseKeyRef(s)
				if err != nil {
					r.errorf(kp, "%v", err)
					return e, false
				}
				name, key = n, k2
			} else {
				obj, _ = x.(map[string]any)
			}
			if k == "configMapKeyRef" {
				sel := corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
				if obj != nil && !r.k8s(kp, obj, &sel) {
					return e, false
				}
				e.ValueFrom = &corev1.EnvVarSource{ConfigMapKeyRef: &sel}
			} else {
				sel := corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Key: key}
				if obj != nil && !r.k8s(kp, obj, &sel) {
					return e, false
				}
				e.ValueFrom = &corev1.EnvVarSource{SecretKeyRef: &sel}
			}
		}
	}
	return e, true
}

func (r *renderer) envFrom() {
	for i, item := range r.list("envFrom") {
		sp := specRoot.Child("envFrom").Index(i)
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		var src corev1.EnvFromSource
		src.Prefix, _ = m["prefix"].(string)
		var optional *bool
		if b, ok := m["optional"].(bool); ok {
			optional = &b
		}
		var sources []string
		for _, k := range []string{"configMap", "secret", "configMapRef", "secretRef"} {
			if m[k] != nil {
				sources = append(sources, k)
			}
		}
		if len(sources) != 1 {
			if len(sources) == 0 {
				r.errorf(sp, "envFrom needs one of configMap, secret, configMapRef or secretRef")
			} else {
				r.errorf(sp, "envFrom sets %s: set only one", strings.Join(sources, " and "))
			}
			continue
		}
		switch k := sources[0]; k {
		case "configMap":
			name, _ := m[k].(string)
			src.ConfigMapRef = &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Optional: optional}
		case "secret":
			name, _ := m[k].(string)
			src.SecretRef = &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Optional: optional}
		case "configMapRef":
			var ref corev1.ConfigMapEnvSource
			if !r.k8s(sp.Child(k), m[k], &ref) {
				continue
			}
			src.ConfigMapRef = &ref
		case "secretRef":
			var ref corev1.SecretEnvSource
			if !r.k8s(sp.Child(k), m[k], &ref) {
				continue
			}
			src.SecretRef = &ref
		}
		r.main.EnvFrom = append(r.main.EnvFrom, src)
		r.rec(mainPath.Child("envFrom").Index(len(r.main.EnvFrom)-1), sp)
	}
}

// quantity parses a quantity written as a string or a number.
func (r *renderer) quantity(p fieldpath.Path, v any) (resource.Quantity, bool) {
	text := r.scalarText(p, v)
	q, err := resource.ParseQuantity(text)
	if err != nil {
		r.errorf(p, "invalid quantity %q: write a number with an optional suffix, like 100m (CPU) or 64Mi (memory)", text)
		return q, false
	}
	return q, true
}

// resources reads the long form {requests, limits, claims} or the short
// form {cpu, memory, ...}. In the short form, memory (and hugepages) is
// both requested and limited: a container that exceeds its memory request
// is the first evicted, so the two should be equal; CPU and
// ephemeral-storage are requested only, because a CPU limit throttles an
// agent that a node needs most when it is busiest; extended resources
// (vendor.com/gpu) are limited only, which Kubernetes also takes as the
// request.
func (r *renderer) resources() {
	m := r.object("resources")
	if len(m) == 0 {
		return
	}
	sp := specRoot.Child("resources")
	out := mainPath.Child("resources")
	r.rec(out, sp)
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
		r.errorAtKey(sp.Child(short[0]), "resources mixes the short form (%s) with the long form (%s): write {cpu, memory} or {requests: {...}, limits: {...}}", strings.Join(short, ", "), strings.Join(long, ", "))
		return
	}
	req := &r.main.Resources
	if len(long) > 0 {
		for _, k := range []string{"requests", "limits"} {
			list, _ := m[k].(map[string]any)
			if len(list) == 0 {
				continue
			}
			rl := corev1.ResourceList{}
			for _, name := range sortedKeys(list) {
				if q, ok := r.quantity(sp.Child(k, name), list[name]); ok {
					rl[corev1.ResourceName(name)] = q
				}
			}
			if k == "requests" {
				req.Requests = rl
			} else {
				req.Limits = rl
			}
		}
		if c, ok := m["claims"].([]any); ok {
			for i, item := range c {
				var claim corev1.ResourceClaim
				if r.k8s(sp.Child("claims").Index(i), item, &claim) {
					req.Claims = append(req.Claims, claim)
				}
			}
		}
		return
	}
	for _, name := range short {
		p := sp.Child(name)
		q, ok := r.quantity(p, m[name])
		if !ok {
			continue
		}
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
			if req.Requests == nil {
				req.Requests = corev1.ResourceList{}
			}
			req.Requests[rn] = q
			r.rec(out.Child("requests", name), p)
		}
		if limit {
			if req.Limits == nil {
				req.Limits = corev1.ResourceList{}
			}
			req.Limits[rn] = q
			r.rec(out.Child("limits", name), p)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// defaultPort is the port an http probe without one uses: the main
// container's first port, by name when it has one.
func (r *renderer) defaultPort() (intstr.IntOrString, bool) {
	if len(r.main.Ports) == 0 {
		return intstr.IntOrString{}, false
	}
	p := r.main.Ports[0]
	if p.Name != "" {
		return intstr.FromString(p.Name), true
	}
	return intstr.FromInt32(p.ContainerPort), true
}

var probeHandlers = []string{"http", "tcp", "grpc", "exec", "httpGet", "tcpSocket"}

func (r *renderer) probe(sp, out fieldpath.Path, v any) *corev1.Probe {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	r.rec(out, sp)
	var handlers []string
	for _, h := range probeHandlers {
		if m[h] != nil {
			handlers = append(handlers, h)
		}
	}
	if len(handlers) != 1 {
		if len(handlers) == 0 {
			r.errorf(sp, "a probe needs one of http, tcp, grpc or exec (or the Kubernetes httpGet, tcpSocket)")
		} else {
			r.errorf(sp, "the probe sets %s: a probe has exactly one handler", strings.Join(handlers, " and "))
		}
		return nil
	}
	p := &corev1.Probe{}
	h := handlers[0]
	hp := sp.Child(h)
	noPort := func() {
		r.errorf(hp, "the probe names no port and the container declares none: add one (like /healthz:8080) or declare ports")
	}
	switch x := m[h]; h {
	case "http":
		g := &corev1.HTTPGetAction{Path: "/"}
		switch x := x.(type) {
		case int64:
			g.Port = intstr.FromInt32(int32(x))
		case string:
			path, port, err := parseHTTPProbe(x)
			if err != nil {
				r.errorf(hp, "%v", err)
				return nil
			}
			g.Path = path
			if port == "" {
				dp, ok := r.defaultPort()
				if !ok {
					noPort()
					return nil
				}
				g.Port = dp
			} else {
				g.Port, _ = portValue(port)
			}
		case map[string]any:
			if s, ok := x["path"].(string); ok {
				g.Path = s
			}
			if pv, ok := x["port"]; ok {
				g.Port, _ = portValue(pv)
			} else if dp, ok := r.defaultPort(); ok {
				g.Port = dp
			} else {
				noPort()
				return nil
			}
			g.Host, _ = x["host"].(string)
			if s, ok := x["scheme"].(string); ok {
				g.Scheme = corev1.URIScheme(s)
			}
			for i, hh := range asList(x["httpHeaders"]) {
				var header corev1.HTTPHeader
				if r.k8s(hp.Child("httpHeaders").Index(i), hh, &header) {
					g.HTTPHeaders = append(g.HTTPHeaders, header)
				}
			}
		}
		p.HTTPGet = g
		r.rec(out.Child("httpGet"), hp)
	case "tcp":
		port, ok := portValue(x)
		if !ok {
			r.errorf(hp, "invalid tcp probe port %v: want a port number (1-65535) or a port name", x)
			return nil
		}
		p.TCPSocket = &corev1.TCPSocketAction{Port: port}
		r.rec(out.Child("tcpSocket"), hp)
	case "grpc":
		if n, ok := x.(int64); ok {
			p.GRPC = &corev1.GRPCAction{Port: int32(n)}
		} else {
			var g corev1.GRPCAction
			if !r.k8s(hp, x, &g) {
				return nil
			}
			p.GRPC = &g
		}
		r.rec(out.Child("grpc"), hp)
	case "exec":
		if l, ok := x.([]any); ok {
			p.Exec = &corev1.ExecAction{Command: stringList(l)}
		} else {
			var e corev1.ExecAction
			if !r.k8s(hp, x, &e) {
				return nil
			}
			p.Exec = &e
		}
		r.rec(out.Child("exec"), hp)
	case "httpGet":
		var g corev1.HTTPGetAction
		if !r.k8s(hp, x, &g) {
			return nil
		}
		p.HTTPGet = &g
		r.rec(out.Child("httpGet"), hp)
	case "tcpSocket":
		var t corev1.TCPSocketAction
		if !r.k8s(hp, x, &t) {
			return nil
		}
		p.TCPSocket = &t
		r.rec(out.Child("tcpSocket"), hp)
	}
	num := func(k string) int32 {
		n, _ := m[k].(int64)
		if n != 0 {
			r.rec(out.Child(k), sp.Child(k))
		}
		return int32(n)
	}
	p.InitialDelaySeconds = num("initialDelaySeconds")
	p.TimeoutSeconds = num("timeoutSeconds")
	p.PeriodSeconds = num("periodSeconds")
	p.SuccessThreshold = num("successThreshold")
	p.FailureThreshold = num("failureThreshold")
	if n, ok := m["terminationGracePeriodSeconds"].(int64); ok {
		p.TerminationGracePeriodSeconds = &n
		r.rec(out.Child("terminationGracePeriodSeconds"), sp.Child("terminationGracePeriodSeconds"))
	}
	return p
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// parseHTTPProbe reads PATH[:PORT] (or :PORT alone).
func parseHTTPProbe(s string) (path, port string, err error) {
	path = s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		path, port = s[:i], s[i+1:]
		if port == "" {
			return "", "", fmt.Errorf("invalid http probe %q: nothing after ':'; want PATH[:PORT], like /healthz:8080", s)
		}
		if n, err := strconv.Atoi(port); err == nil && (n < 1 || n > 65535) {
			return "", "", fmt.Errorf("invalid http probe %q: port %d is not between 1 and 65535", s, n)
		}
	}
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		return "", "", fmt.Errorf("invalid http probe %q: the path must start with /; want PATH[:PORT], like /healthz:8080 (use {path, port, scheme: HTTPS} for HTTPS)", s)
	}
	return path, port, nil
}

func (r *renderer) placement() {
	if ns := stringMap(r.spec["nodeSelector"]); len(ns) > 0 {
		r.pod.NodeSelector = ns
		r.rec(podPath.Child("nodeSelector"), specRoot.Child("nodeSelector"))
	}
	if v, ok := r.get("affinity"); ok {
		var a corev1.Affinity
		if r.k8s(specRoot.Child("affinity"), v, &a) {
			r.pod.Affinity = &a
			r.rec(podPath.Child("affinity"), specRoot.Child("affinity"))
		}
	}
	if na := r.object("nodeAffinity"); na != nil {
		sp := specRoot.Child("nodeAffinity")
		if r.pod.Affinity != nil && r.pod.Affinity.NodeAffinity != nil {
			r.errorAtKey(sp, "node affinity is set twice, here and in affinity.nodeAffinity: keep one")
		}
		r.nodeAffinity(sp, na)
	}
	for i, item := range r.list("tolerations") {
		sp := specRoot.Child("tolerations").Index(i)
		var t corev1.Toleration
		if s, ok := item.(string); ok {
			parsed, err := parseToleration(s)
			if err != nil {
				r.errorf(sp, "%v", err)
				continue
			}
			t = parsed
		} else if !r.k8s(sp, item, &t) {
			continue
		}
		r.pod.Tolerations = append(r.pod.Tolerations, t)
		r.rec(podPath.Child("tolerations").Index(len(r.pod.Tolerations)-1), sp)
	}
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		b, _ := r.boolean(k)
		switch k {
		case "hostNetwork":
			r.pod.HostNetwork = b
		case "hostPID":
			r.pod.HostPID = b
		case "hostIPC":
			r.pod.HostIPC = b
		}
		r.rec(podPath.Child(k), specRoot.Child(k))
	}
	if p, ok := r.str("dnsPolicy"); ok {
		r.pod.DNSPolicy = corev1.DNSPolicy(p)
		r.rec(podPath.Child("dnsPolicy"), specRoot.Child("dnsPolicy"))
	} else if r.pod.HostNetwork {
		// With the host's network a pod resolves through the node's DNS
		// unless told otherwise, and cannot find cluster services.
		r.pod.DNSPolicy = corev1.DNSClusterFirstWithHostNet
		r.rec(podPath.Child("dnsPolicy"), specRoot.Child("hostNetwork"))
	}
	if v, ok := r.get("dnsConfig"); ok {
		var c corev1.PodDNSConfig
		if r.k8s(specRoot.Child("dnsConfig"), v, &c) {
			r.pod.DNSConfig = &c
			r.rec(podPath.Child("dnsConfig"), specRoot.Child("dnsConfig"))
		}
	}
	if s, ok := r.str("priorityClassName"); ok {
		r.pod.PriorityClassName = s
		r.rec(podPath.Child("priorityClassName"), specRoot.Child("priorityClassName"))
	}
	if n, ok := r.spec["terminationGracePeriodSeconds"].(int64); ok {
		r.pod.TerminationGracePeriodSeconds = &n
		r.rec(podPath.Child("terminationGracePeriodSeconds"), specRoot.Child("terminationGracePeriodSeconds"))
	}
}

func (r *renderer) nodeAffinity(sp fieldpath.Path, na map[string]any) {
	aff := &corev1.NodeAffinity{}
	out := podPath.Child("affinity", "nodeAffinity")
	for i, item := range asList(na["required"]) {
		ip := sp.Child("required").Index(i)
		var term corev1.NodeSelectorTerm
		if s, ok := item.(string); ok {
			t, err := parseSelectorTerm(s)
			if err != nil {
				r.errorf(ip, "%v", err)
				continue
			}
			term = t
		} else if !r.k8s(ip, item, &term) {
			continue
		}
		if aff.RequiredDuringSchedulingIgnoredDuringExecution == nil {
			aff.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{}
		}
		req := aff.RequiredDuringSchedulingIgnoredDuringExecution
		req.NodeSelectorTerms = append(req.NodeSelectorTerms, term)
		r.rec(out.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms").Index(len(req.NodeSelectorTerms)-1), ip)
	}
	for i, item := range asList(na["preferred"]) {
		ip := sp.Child("preferred").Index(i)
		m, _ := item.(map[string]any)
		w, _ := m["weight"].(int64)
		pt := corev1.PreferredSchedulingTerm{Weight: int32(w)}
		switch {
		case m["match"] != nil && m["preference"] != nil:
			r.errorf(ip, "set match or preference, not both")
			continue
		case m["match"] != nil:
			s, _ := m["match"].(string)
			t, err := parseSelectorTerm(s)
			if err != nil {
				r.errorf(ip.Child("match"), "%v", err)
				continue
			}
			pt.Preference = t
		case m["preference"] != nil:
			if !r.k8s(ip.Child("preference"), m["preference"], &pt.Preference) {
				continue
			}
		default:
			r.errorf(ip, "a preferred term needs match (a label selector) or preference (a NodeSelectorTerm)")
			continue
		}
		aff.PreferredDuringSchedulingIgnoredDuringExecution = append(aff.PreferredDuringSchedulingIgnoredDuringExecution, pt)
		r.rec(out.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(len(aff.PreferredDuringSchedulingIgnoredDuringExecution)-1), ip)
	}
	if aff.RequiredDuringSchedulingIgnoredDuringExecution == nil && aff.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return
	}
	if r.pod.Affinity == nil {
		r.pod.Affinity = &corev1.Affinity{}
	}
	r.pod.Affinity.NodeAffinity = aff
	r.rec(out, sp)
}

// volumes renders spec.mounts (a volume and a mount each) and
// spec.volumes. Derived volume names avoid the names the spec chose.
func (r *renderer) volumes() {
	taken := map[string]bool{}
	for _, item := range r.list("mounts") {
		if m, ok := item.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				taken[n] = true
			}
		}
	}
	for _, item := range r.list("volumes") {
		if m, ok := item.(map[string]any); ok {
			if n, ok := m["name"].(string); ok {
				taken[n] = true
			}
		}
	}
	unique := func(base string) string {
		name := base
		for i := 2; taken[name]; i++ {
			name = base + "-" + strconv.Itoa(i)
		}
		taken[name] = true
		return name
	}
	r.configVolume = unique("config")

	for i, item := range r.list("mounts") {
		sp := specRoot.Child("mounts").Index(i)
		var vol *corev1.Volume
		var vm corev1.VolumeMount
		switch item := item.(type) {
		case string:
			hm, err := parseHostMount(item)
			if err != nil {
				r.errorf(sp, "%v", err)
				continue
			}
			typ := hm.typ
			if typ == "" {
				typ = corev1.HostPathDirectory
			}
			vm = corev1.VolumeMount{Name: unique(volumeName(hm.container)), MountPath: hm.container, ReadOnly: hm.readOnly == nil || *hm.readOnly, MountPropagation: hm.propagation}
			vol = &corev1.Volume{Name: vm.Name, VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: hm.host, Type: &typ}}}
		case map[string]any:
			var ok bool
			vol, vm, ok = r.mountObject(sp, item, unique)
			if !ok {
				continue
			}
		default:
			continue
		}
		if vol != nil {
			r.pod.Volumes = append(r.pod.Volumes, *vol)
			r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), sp)
		}
		r.main.VolumeMounts = append(r.main.VolumeMounts, vm)
		r.rec(mainPath.Child("volumeMounts").Index(len(r.main.VolumeMounts)-1), sp)
	}
	for i, item := range r.list("volumes") {
		sp := specRoot.Child("volumes").Index(i)
		var v corev1.Volume
		if r.k8s(sp, item, &v) {
			r.pod.Volumes = append(r.pod.Volumes, v)
			r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), sp)
		}
	}
}

var volumeSources = []string{"hostPath", "configMap", "secret", "emptyDir"}

// mountObject reads the long form of a mount: VolumeMount fields and at
// most one volume source. Without a source, name refers to spec.volumes.
func (r *renderer) mountObject(sp fieldpath.Path, m map[string]any, unique func(string) string) (*corev1.Volume, corev1.VolumeMount, bool) {
	var vm corev1.VolumeMount
	vm.MountPath, _ = m["mountPath"].(string)
	vm.SubPath, _ = m["subPath"].(string)
	vm.SubPathExpr, _ = m["subPathExpr"].(string)
	if s, ok := m["mountPropagation"].(string); ok {
		mp := corev1.MountPropagationMode(s)
		vm.MountPropagation = &mp
	}
	name, named := m["name"].(string)
	var sources []string
	for _, k := range volumeSources {
		if _, ok := m[k]; ok {
			sources = append(sources, k)
		}
	}
	if len(sources) > 1 {
		r.errorf(sp, "the mount sets %s: a mount has one volume source", strings.Join(sources, " and "))
		return nil, vm, false
	}
	ro, roSet := m["readOnly"].(bool)
	vm.ReadOnly = ro
	if len(sources) == 0 {
		if !named {
			r.errorf(sp, "the mount has no volume: add hostPath, configMap, secret or emptyDir, or name a volume from spec.volumes")
			return nil, vm, false
		}
		vm.Name = name
		return nil, vm, true
	}
	if !named {
		name = unique(volumeName(vm.MountPath))
	}
	vm.Name = name
	vol := &corev1.Volume{Name: name}
	src := sources[0]
	x := m[src]
	xp := sp.Child(src)
	switch src {
	case "hostPath":
		// Host paths are mounted read-only unless the spec says otherwise.
		if !roSet {
			vm.ReadOnly = true
		}
		if s, ok := x.(string); ok {
			typ := corev1.HostPathDirectory
			vol.HostPath = &corev1.HostPathVolumeSource{Path: s, Type: &typ}
		} else {
			var h corev1.HostPathVolumeSource
			if !r.k8s(xp, x, &h) {
				return nil, vm, false
			}
			vol.HostPath = &h
		}
	case "configMap":
		if s, ok := x.(string); ok {
			vol.ConfigMap = &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: s}}
		} else {
			var c corev1.ConfigMapVolumeSource
			if !r.k8s(xp, x, &c) {
				return nil, vm, false
			}
			vol.ConfigMap = &c
		}
	case "secret":
		if s, ok := x.(string); ok {
			vol.Secret = &corev1.SecretVolumeSource{SecretName: s}
		} else {
			var c corev1.SecretVolumeSource
			if !r.k8s(xp, x, &c) {
				return nil, vm, false
			}
			vol.Secret = &c
		}
	case "emptyDir":
		var e corev1.EmptyDirVolumeSource
		if x != nil && !r.k8s(xp, x, &e) {
			return nil, vm, false
		}
		vol.EmptyDir = &e
	}
	return vol, vm, true
}

// config renders spec.config as a ConfigMap mounted read-only, and the
// hash of its data on the pod template.
func (r *renderer) config() {
	c := r.object("config")
	if c == nil {
		return
	}
	sp := specRoot.Child("config")
	files, _ := c["files"].(map[string]any)
	mountPath, _ := c["mountPath"].(string)
	data := map[string]string{}
	r.configProv = NewProvenance()
	r.configProv.Record(nil, sp)
	for _, k := range sortedKeys(files) {
		s, ok := files[k].(string)
		if !ok {
			continue
		}
		if errs := validation.IsConfigMapKey(k); len(errs) > 0 {
			r.errorAtKey(sp.Child("files", k), "invalid file name %q: %s", k, strings.Join(errs, "; "))
			continue
		}
		data[k] = s
		r.configProv.Record(fieldpath.New("data", k), sp.Child("files", k))
	}
	name := r.name + "-config"
	r.configMap = &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: r.namespace, Labels: copyMap(r.labels)},
		Data:       data,
	}
	r.configProv.Record(fieldpath.New("metadata"), fieldpath.New("metadata"))
	r.pod.Volumes = append(r.pod.Volumes, corev1.Volume{Name: r.configVolume, VolumeSource: corev1.VolumeSource{
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}},
	}})
	r.rec(podPath.Child("volumes").Index(len(r.pod.Volumes)-1), sp)
	r.main.VolumeMounts = append(r.main.VolumeMounts, corev1.VolumeMount{Name: r.configVolume, MountPath: mountPath, ReadOnly: true})
	r.rec(mainPath.Child("volumeMounts").Index(len(r.main.VolumeMounts)-1), sp.Child("mountPath"))

	if r.ds.Spec.Template.Annotations == nil {
		r.ds.Spec.Template.Annotations = map[string]string{}
	}
	r.ds.Spec.Template.Annotations[ConfigHashAnnotation] = configHash(data)
	r.rec(fieldpath.New("spec", "template", "metadata", "annotations", ConfigHashAnnotation), sp)
}

// configHash is the sha256 of the data in a canonical form (JSON with
// sorted keys), hex-encoded.
func configHash(data map[string]string) string {
	b, _ := json.Marshal(data) // a map[string]string always marshals
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// rollout renders the update strategy. For RollingUpdate exactly one of
// maxUnavailable and maxSurge is non-zero; maxUnavailable defaults to 1
// on the API server, so when maxSurge is set the output says
// maxUnavailable: 0, and otherwise it states the 1 explicitly.
func (r *renderer) rollout() {
	sp := specRoot
	if n := r.int32p("minReadySeconds"); n != nil {
		r.ds.Spec.MinReadySeconds = *n
		r.rec(fieldpath.New("spec", "minReadySeconds"), sp.Child("minReadySeconds"))
	}
	if n := r.int32p("revisionHistoryLimit"); n != nil {
		r.ds.Spec.RevisionHistoryLimit = n
		r.rec(fieldpath.New("spec", "revisionHistoryLimit"), sp.Child("revisionHistoryLimit"))
	}
	out := fieldpath.New("spec", "updateStrategy")
	st := appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType}
	switch v := r.spec["updateStrategy"].(type) {
	case string:
		st.Type = appsv1.DaemonSetUpdateStrategyType(v)
		r.rec(out, sp.Child("updateStrategy"))
	case map[string]any:
		if !r.k8s(sp.Child("updateStrategy"), v, &st) {
			return
		}
		if st.Type == "" {
			st.Type = appsv1.RollingUpdateDaemonSetStrategyType
		}
		r.rec(out, sp.Child("updateStrategy"))
	}
	surge, hasSurge := intOrString(r.spec["maxSurge"])
	unavail, hasUnavail := intOrString(r.spec["maxUnavailable"])
	if st.Type == appsv1.OnDeleteDaemonSetStrategyType {
		for _, k := range []string{"maxSurge", "maxUnavailable"} {
			if _, ok := r.spec[k]; ok {
				r.errorAtKey(sp.Child(k), "%s applies to RollingUpdate only, and updateStrategy is OnDelete: remove it", k)
			}
		}
		r.ds.Spec.UpdateStrategy = st
		return
	}
	ru := st.RollingUpdate
	if (hasSurge || hasUnavail) && ru != nil && (ru.MaxSurge != nil || ru.MaxUnavailable != nil) {
		r.errorAtKey(sp.Child("updateStrategy"), "maxSurge and maxUnavailable are set both here and as spec.maxSurge/spec.maxUnavailable: keep one place")
		return
	}
	if ru == nil {
		ru = &appsv1.RollingUpdateDaemonSet{}
	}
	ruOut := out.Child("rollingUpdate")
	if hasSurge {
		ru.MaxSurge = &surge
		r.rec(ruOut.Child("maxSurge"), sp.Child("maxSurge"))
	}
	if hasUnavail {
		ru.MaxUnavailable = &unavail
		r.rec(ruOut.Child("maxUnavailable"), sp.Child("maxUnavailable"))
	}
	if ru.MaxUnavailable == nil {
		if ru.MaxSurge != nil && !isZero(*ru.MaxSurge) {
			zero := intstr.FromInt32(0)
			ru.MaxUnavailable = &zero
			if hasSurge {
				r.rec(ruOut.Child("maxUnavailable"), sp.Child("maxSurge"))
			}
		} else {
			one := intstr.FromInt32(1)
			ru.MaxUnavailable = &one
		}
	}
	st.RollingUpdate = ru
	r.ds.Spec.UpdateStrategy = st
}

// kebabCase is the shape of a rule ID (the schema reports other shapes).
var kebabCase = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)

// ruleIDs lists the catalog's rule IDs, which ignore entries name.
var ruleIDs = sync.OnceValue(func() []string {
	var ids []string
	for _, r := range rules.All() {
		ids = append(ids, r.ID)
	}
	return ids
})

func intOrString(v any) (intstr.IntOrString, bool) {
	switch v := v.(type) {
	case int64:
		return intstr.FromInt32(int32(v)), true
	case string:
		return intstr.FromString(v), true
	}
	return intstr.IntOrString{}, false
}

func isZero(v intstr.IntOrString) bool {
	if v.Type == intstr.Int {
		return v.IntVal == 0
	}
	return v.StrVal == "0%" || v.StrVal == "0"
}

func (r *renderer) extraContainers() {
	for i, item := range r.list("initContainers") {
		sp := specRoot.Child("initContainers").Index(i)
		var c corev1.Container
		if r.k8s(sp, item, &c) {
			applySecurityDefaults(&c, r.pod.SecurityContext)
			r.pod.InitContainers = append(r.pod.InitContainers, c)
			r.rec(podPath.Child("initContainers").Index(len(r.pod.InitContainers)-1), sp)
		}
	}
	for i, item := range r.list("sidecars") {
		sp := specRoot.Child("sidecars").Index(i)
		var c corev1.Container
		if r.k8s(sp, item, &c) {
			applySecurityDefaults(&c, r.pod.SecurityContext)
			r.pod.Containers = append(r.pod.Containers, c)
			r.main = &r.pod.Containers[0] // the append may have moved it
			r.rec(podPath.Child("containers").Index(len(r.pod.Containers)-1), sp)
		}
	}
}

// ignores renders spec.ignore as suppression annotations on the
// DaemonSet's own metadata (never the pod template: changing those
// restarts every pod).
func (r *renderer) ignores() {
	seen := map[string]int{}
	for i, item := range r.list("ignore") {
		sp := specRoot.Child("ignore").Index(i)
		m, _ := item.(map[string]any)
		id, _ := m["rule"].(string)
		reason, _ := m["reason"].(string)
		if id == "" {
			continue
		}
		if first, dup := seen[id]; dup {
			r.errorf(sp.Child("rule"), "rule %q is already ignored by spec.ignore[%d]", id, first)
			continue
		}
		if ids := ruleIDs(); kebabCase.MatchString(id) && !slices.Contains(ids, id) {
			// A misspelt ID would suppress nothing and leave the finding
			// it was meant for.
			r.errorf(sp.Child("rule"), "unknown rule %q%s: everynode rules lists the rule IDs", id, didYouMean(id, ids))
			continue
		}
		seen[id] = i
		if r.ds.Annotations == nil {
			r.ds.Annotations = map[string]string{}
		}
		key := IgnoreAnnotationPrefix + id
		r.ds.Annotations[key] = reason
		r.rec(fieldpath.New("metadata", "annotations", key), sp)
	}
}

// identity renders the service account and RBAC objects.
func (r *renderer) identity() {
	sp := specRoot.Child("serviceAccount")
	saName := ""
	create := false
	automount := true
	var saAnnotations map[string]string
	requested := false
	switch v := r.spec["serviceAccount"].(type) {
	case string:
		saName, requested = v, true
	case map[string]any:
		requested = true
		saName, _ = v["name"].(string)
		create = true
		if b, ok := v["create"].(bool); ok {
			create = b
		}
		if b, ok := v["automountToken"].(bool); ok {
			automount = b
		}
		saAnnotations = stringMap(v["annotations"])
		if !create && saName == "" {
			r.errorAtKey(sp.Child("create"), "a service account that is not created needs a name: set serviceAccount.name or remove create: false")
			return
		}
	}
	rbac := r.object("rbac")
	var clusterRules, rules []rbacv1.PolicyRule
	var clusterProv, ruleProv []fieldpath.Path
	parse := func(key string, cluster bool) ([]rbacv1.PolicyRule, []fieldpath.Path) {
		var out []rbacv1.PolicyRule
		var prov []fieldpath.Path
		for i, item := range asList(rbac[key]) {
			ip := specRoot.Child("rbac", key).Index(i)
			if s, ok := item.(string); ok {
				rs, err := parsePolicyRules(s, cluster)
				if err != nil {
					r.errorf(ip, "%v", err)
					continue
				}
				for range rs {
					prov = append(prov, ip)
				}
				out = append(out, rs...)
				continue
			}
			var pr rbacv1.PolicyRule
			if r.k8s(ip, item, &pr) {
				out = append(out, pr)
				prov = append(prov, ip)
			}
		}
		return out, prov
	}
	clusterRules, clusterProv = parse("clusterRules", true)
	rules, ruleProv = parse("rules", false)
	if len(clusterRules)+len(rules) > 0 && !requested {
		requested, create = true, true
	}
	if !requested {
		// No identity asked for: no token in the pod.
		f := false
		r.pod.AutomountServiceAccountToken = &f
		return
	}
	if saName == "" {
		saName = r.name
	}
	r.pod.ServiceAccountName = saName
	r.pod.AutomountServiceAccountToken = &automount
	r.rec(podPath.Child("serviceAccountName"), sp)
	r.rec(podPath.Child("automountServiceAccountToken"), sp)
	if len(clusterRules)+len(rules) > 0 && r.namespace == "" {
		r.errorAtKey(fieldpath.New("metadata", "namespace"), "required with rbac: a role binding must name the namespace of the service account it binds")
		return
	}
	meta := func(name, ns string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(r.labels)}
	}
	rbacProv := func(spec fieldpath.Path, rulesProv []fieldpath.Path) *Provenance {
		p := NewProvenance()
		p.Record(nil, spec)
		for i, ip := range rulesProv {
			p.Record(fieldpath.New("rules").Index(i), ip)
		}
		return p
	}
	if create {
		sa := &corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta(saName, r.namespace)}
		sa.Annotations = saAnnotations
		p := NewProvenance()
		if _, ok := r.spec["serviceAccount"]; ok {
			p.Record(nil, sp)
		} else {
			p.Record(nil, specRoot.Child("rbac"))
		}
		r.rbacObjects = append(r.rbacObjects, Object{APIVersion: "v1", Kind: "ServiceAccount", Namespace: r.namespace, Name: saName, Value: sa, Provenance: p})
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: saName, Namespace: r.namespace}}
	if len(rules) > 0 {
		role := &rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: meta(r.name, r.namespace), Rules: rules}
		binding := &rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: meta(r.name, r.namespace),
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: r.name}, Subjects: subject}
		sp := specRoot.Child("rbac", "rules")
		r.rbacObjects = append(r.rbacObjects,
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Namespace: r.namespace, Name: r.name, Value: role, Provenance: rbacProv(sp, ruleProv)},
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Namespace: r.namespace, Name: r.name, Value: binding, Provenance: rbacProv(sp, nil)})
	}
	if len(clusterRules) > 0 {
		// Cluster-scoped names are global: qualify them by namespace so the
		// same Daemon in two namespaces does not share (and overwrite) them.
		name := r.namespace + "-" + r.name
		role := &rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: meta(name, ""), Rules: clusterRules}
		binding := &rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"}, ObjectMeta: meta(name, ""),
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}, Subjects: subject}
		sp := specRoot.Child("rbac", "clusterRules")
		r.rbacObjects = append(r.rbacObjects,
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: name, Value: role, Provenance: rbacProv(sp, clusterProv)},
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: name, Value: binding, Provenance: rbacProv(sp, nil)})
	}
}
