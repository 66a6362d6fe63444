package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Shorthand parsers: each takes the text a user wrote and returns the
// Kubernetes value or an error whose message says what the form is.

// parsePort reads NAME:PORT[/PROTOCOL] or PORT[/PROTOCOL].
func parsePort(s string) (corev1.ContainerPort, error) {
	var p corev1.ContainerPort
	want := "want NAME:PORT[/PROTOCOL], like metrics:9100 or dns:53/UDP"
	rest := s
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		proto := strings.ToUpper(rest[i+1:])
		switch corev1.Protocol(proto) {
		case corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
			p.Protocol = corev1.Protocol(proto)
		default:
			return p, fmt.Errorf("invalid port %q: unknown protocol %q (use TCP, UDP or SCTP)", s, rest[i+1:])
		}
		rest = rest[:i]
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		p.Name = rest[:i]
		if p.Name == "" {
			return p, fmt.Errorf("invalid port %q: the name before ':' is empty; %s", s, want)
		}
		rest = rest[i+1:]
	}
	n, err := strconv.Atoi(rest)
	if err != nil {
		return p, fmt.Errorf("invalid port %q: %q is not a port number; %s", s, rest, want)
	}
	if n < 1 || n > 65535 {
		return p, fmt.Errorf("invalid port %q: %d is not between 1 and 65535", s, n)
	}
	p.ContainerPort = int32(n)
	return p, nil
}

// portValue reads a port given as a number or a name (probes).
func portValue(v any) (intstr.IntOrString, bool) {
	switch v := v.(type) {
	case int64:
		return intstr.FromInt32(int32(v)), v >= 1 && v <= 65535
	case string:
		if n, err := strconv.Atoi(v); err == nil {
			return intstr.FromInt32(int32(n)), n >= 1 && n <= 65535
		}
		return intstr.FromString(v), v != ""
	}
	return intstr.IntOrString{}, false
}

// hostPathTypes are the values of HostPathType other than "" (no check).
var hostPathTypes = []string{"Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket", "CharDevice", "BlockDevice"}

// propagations maps the names a mount option may use (Kubernetes' and
// Docker's) to Kubernetes mount propagation.
var propagations = map[string]corev1.MountPropagationMode{
	"None":            corev1.MountPropagationNone,
	"HostToContainer": corev1.MountPropagationHostToContainer,
	"Bidirectional":   corev1.MountPropagationBidirectional,
	"private":         corev1.MountPropagationNone,
	"rprivate":        corev1.MountPropagationNone,
	"rslave":          corev1.MountPropagationHostToContainer,
	"rshared":         corev1.MountPropagationBidirectional,
}

// hostMount is a parsed HOST:CONTAINER[:OPTION...] shorthand.
type hostMount struct {
	host, container string
	readOnly        *bool
	propagation     *corev1.MountPropagationMode
	typ             corev1.HostPathType
}

// parseHostMount reads HOST:CONTAINER followed by options separated by
// ':' or ',': ro or rw, a propagation, a hostPath type.
func parseHostMount(s string) (hostMount, error) {
	var m hostMount
	want := "want HOST:CONTAINER[:ro|:rw][:PROPAGATION][:TYPE], like /var/log:/var/log:ro"
	parts := strings.Split(s, ":")
	if len(parts) < 2 {
		return m, fmt.Errorf("invalid mount %q: %s", s, want)
	}
	m.host, m.container = parts[0], parts[1]
	if !strings.HasPrefix(m.host, "/") {
		return m, fmt.Errorf("invalid mount %q: the host path %q must be absolute; %s", s, m.host, want)
	}
	if !strings.HasPrefix(m.container, "/") {
		return m, fmt.Errorf("invalid mount %q: the container path %q must be absolute; %s", s, m.container, want)
	}
	var opts []string
	for _, p := range parts[2:] {
		opts = append(opts, strings.Split(p, ",")...)
	}
	known := []string{"ro", "rw"}
	known = append(known, hostPathTypes...)
	for k := range propagations {
		known = append(known, k)
	}
	slices.Sort(known)
	for _, o := range opts {
		switch {
		case o == "ro" || o == "rw":
			if m.readOnly != nil {
				return m, fmt.Errorf("invalid mount %q: ro or rw given twice", s)
			}
			ro := o == "ro"
			m.readOnly = &ro
		case propagations[o] != "":
			if m.propagation != nil {
				return m, fmt.Errorf("invalid mount %q: more than one mount propagation", s)
			}
			p := propagations[o]
			m.propagation = &p
		case slices.Contains(hostPathTypes, o):
			if m.typ != "" {
				return m, fmt.Errorf("invalid mount %q: more than one hostPath type", s)
			}
			m.typ = corev1.HostPathType(o)
		default:
			return m, fmt.Errorf("invalid mount %q: unknown option %q%s; options are ro, rw, a propagation (None, HostToContainer, Bidirectional) and a hostPath type (%s)",
				s, o, didYouMean(o, known), strings.Join(hostPathTypes, ", "))
		}
	}
	return m, nil
}

var effects = []string{string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)}

// parseToleration reads everywhere, control-plane or KEY[=VALUE][:EFFECT].
func parseToleration(s string) (corev1.Toleration, error) {
	switch s {
	case "everywhere":
		return corev1.Toleration{Operator: corev1.TolerationOpExists}, nil
	case "control-plane":
		return corev1.Toleration{Key: "node-role.kubernetes.io/control-plane", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule}, nil
	}
	var t corev1.Toleration
	if !strings.ContainsAny(s, "=:./") {
		if sug := suggestOne(s, []string{"everywhere", "control-plane"}); sug != "" {
			return t, fmt.Errorf("unknown toleration %q (did you mean %q?); a taint key alone is written KEY:EFFECT or KEY=VALUE:EFFECT", s, sug)
		}
	}
	rest := s
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		eff := rest[i+1:]
		if !slices.Contains(effects, eff) {
			return t, fmt.Errorf("invalid toleration %q: unknown effect %q%s; use NoSchedule, PreferNoSchedule or NoExecute", s, eff, didYouMean(eff, effects))
		}
		t.Effect = corev1.TaintEffect(eff)
		rest = rest[:i]
	}
	key, value, hasValue := strings.Cut(rest, "=")
	if errs := validation.IsQualifiedName(key); len(errs) > 0 {
		hint := ""
		if !strings.ContainsAny(s, "=:") {
			hint = didYouMean(s, []string{"everywhere", "control-plane"})
		}
		return t, fmt.Errorf("invalid toleration %q%s: the taint key %q is not valid: %s; want everywhere, control-plane or KEY[=VALUE][:EFFECT]", s, hint, key, strings.Join(errs, "; "))
	}
	t.Key = key
	if hasValue {
		t.Operator = corev1.TolerationOpEqual
		t.Value = value
	} else {
		t.Operator = corev1.TolerationOpExists
	}
	return t, nil
}

// parseSelectorTerm reads a label selector (key=value, key in (a,b), key,
// !key, key>3) as a node selector term.
func parseSelectorTerm(s string) (corev1.NodeSelectorTerm, error) {
	var term corev1.NodeSelectorTerm
	sel, err := labels.Parse(s)
	if err != nil {
		return term, fmt.Errorf("invalid node selector %q: %w", s, err)
	}
	reqs, _ := sel.Requirements()
	if len(reqs) == 0 {
		return term, fmt.Errorf("invalid node selector %q: it selects nothing; write key=value, key in (a,b), key or !key", s)
	}
	for _, r := range reqs {
		e := corev1.NodeSelectorRequirement{Key: r.Key(), Values: r.Values().List()}
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			e.Operator = corev1.NodeSelectorOpIn
		case selection.NotEquals, selection.NotIn:
			e.Operator = corev1.NodeSelectorOpNotIn
		case selection.Exists:
			e.Operator = corev1.NodeSelectorOpExists
		case selection.DoesNotExist:
			e.Operator = corev1.NodeSelectorOpDoesNotExist
		case selection.GreaterThan:
			e.Operator = corev1.NodeSelectorOpGt
		case selection.LessThan:
			e.Operator = corev1.NodeSelectorOpLt
		default:
			return term, fmt.Errorf("invalid node selector %q: operator %q is not usable for nodes", s, r.Operator())
		}
		if len(e.Values) == 0 {
			e.Values = nil
		}
		term.MatchExpressions = append(term.MatchExpressions, e)
	}
	return term, nil
}

var knownVerbs = []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "*",
	"use", "bind", "escalate", "impersonate", "approve", "sign", "attest"}

// parsePolicyRules reads "VERBS RESOURCES": verbs and resources are
// comma-separated; a resource is NAME[.GROUP][/SUBRESOURCE] (pods,
// nodes/metrics, ingresses.networking.k8s.io) or a non-resource URL
// starting with /. Resources of different API groups become one rule per
// group.
func parsePolicyRules(s string, cluster bool) ([]rbacv1.PolicyRule, error) {
	want := "want \"VERBS RESOURCES\", like \"get,list,watch pods,nodes\""
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return nil, fmt.Errorf("invalid rule %q: %s", s, want)
	}
	verbs := strings.Split(fields[0], ",")
	for _, v := range verbs {
		if v == "" {
			return nil, fmt.Errorf("invalid rule %q: empty verb; %s", s, want)
		}
		if !slices.Contains(knownVerbs, v) {
			if sug := suggestOne(v, knownVerbs); sug != "" {
				return nil, fmt.Errorf("invalid rule %q: unknown verb %q (did you mean %q?)", s, v, sug)
			}
		}
	}
	var rules []rbacv1.PolicyRule
	byGroup := map[string]int{}
	var urls []string
	for _, res := range strings.Split(fields[1], ",") {
		if res == "" {
			return nil, fmt.Errorf("invalid rule %q: empty resource; %s", s, want)
		}
		if strings.HasPrefix(res, "/") {
			if !cluster {
				return nil, fmt.Errorf("invalid rule %q: non-resource URLs like %q are only allowed in clusterRules", s, res)
			}
			urls = append(urls, res)
			continue
		}
		name, sub, hasSub := strings.Cut(res, "/")
		name, group, _ := strings.Cut(name, ".")
		if hasSub {
			name += "/" + sub
		}
		i, ok := byGroup[group]
		if !ok {
			i = len(rules)
			byGroup[group] = i
			rules = append(rules, rbacv1.PolicyRule{APIGroups: []string{group}, Verbs: verbs})
		}
		rules[i].Resources = append(rules[i].Resources, name)
	}
	if len(urls) > 0 {
		rules = append(rules, rbacv1.PolicyRule{NonResourceURLs: urls, Verbs: verbs})
	}
	return rules, nil
}

// parseSeccomp reads RuntimeDefault, Unconfined or localhost/PROFILE.
func parseSeccomp(s string) (*corev1.SeccompProfile, error) {
	switch s {
	case string(corev1.SeccompProfileTypeRuntimeDefault), string(corev1.SeccompProfileTypeUnconfined):
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileType(s)}, nil
	}
	if p, ok := strings.CutPrefix(s, "localhost/"); ok && p != "" {
		return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: &p}, nil
	}
	return nil, fmt.Errorf("invalid seccompProfile %q: use RuntimeDefault, Unconfined or localhost/PROFILE%s", s,
		didYouMean(s, []string{"RuntimeDefault", "Unconfined"}))
}

// parseKeyRef reads NAME/KEY.
func parseKeyRef(s string) (name, key string, err error) {
	name, key, ok := strings.Cut(s, "/")
	if !ok || name == "" || key == "" || strings.Contains(key, "/") {
		return "", "", fmt.Errorf("invalid reference %q: want NAME/KEY, like app-config/log-level", s)
	}
	return name, key, nil
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
