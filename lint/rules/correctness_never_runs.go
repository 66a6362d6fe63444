package rules

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// Objects the API server accepts whose pods can never run: the kubelet
// refuses to start a container, a volume cannot be mounted, a probe cannot
// succeed. On a DaemonSet that is every node at once.

var runAsNonRootConflictRule = &rule.Rule{
	ID:       "run-as-non-root-conflict",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "runAsNonRoot: true with runAsUser: 0: the kubelet refuses to start the container",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container whose effective security context (its own fields, else the pod's) has " +
			"`runAsNonRoot: true` and `runAsUser: 0`. Windows pods are left out.",
		Why: "The API server accepts the combination, and the kubelet refuses to create the container " +
			"(CreateContainerConfigError: \"container's runAsUser breaks non-root policy\"): no pod of the " +
			"DaemonSet ever starts, on any node.",
		In:   rule.InPodSpec,
		Bad:  "securityContext:\n  runAsNonRoot: true\n  runAsUser: 0\n",
		Good: "securityContext:\n  runAsNonRoot: true\n  runAsUser: 65534\n",
		Fix: "Set a non-zero runAsUser; if the agent must run as root, remove runAsNonRoot (and say why, " +
			"for runs-as-root).",
		Mirrors: "verifyRunAsNonRoot in pkg/kubelet/kuberuntime/security_context_others.go, on the context " +
			"DetermineEffectiveSecurityContext computes (a container's fields override the pod's)",
		References: []string{"https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"},
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || isWindowsPod(ps) {
			return
		}
		podSC := base.Child("securityContext")
		var podUser *int64
		var podNonRoot *bool
		if sc := ps.SecurityContext; sc != nil {
			podUser, podNonRoot = sc.RunAsUser, sc.RunAsNonRoot
		}
		// Containers that take both values from the pod are reported once,
		// at the pod.
		var fromPod []string
		for _, c := range containers(ps, base) {
			user, nonRoot := podUser, podNonRoot
			userAt, nonRootAt := podSC.Child("runAsUser"), podSC.Child("runAsNonRoot")
			if sc := c.C.SecurityContext; sc != nil {
				if sc.RunAsUser != nil {
					user, userAt = sc.RunAsUser, securityContextPath(c).Child("runAsUser")
				}
				if sc.RunAsNonRoot != nil {
					nonRoot, nonRootAt = sc.RunAsNonRoot, securityContextPath(c).Child("runAsNonRoot")
				}
			}
			if nonRoot == nil || !*nonRoot || user == nil || *user != 0 {
				continue
			}
			if userAt.Equal(podSC.Child("runAsUser")) && nonRootAt.Equal(podSC.Child("runAsNonRoot")) {
				fromPod = append(fromPod, c.C.Name)
				continue
			}
			p.Report(rule.Diagnostic{Path: userAt, AtValue: true,
				Related: []rule.RelatedPath{{Path: nonRootAt, Message: "runAsNonRoot: true applies to " + containerName(c)}},
				Message: fmt.Sprintf("%s runs with runAsUser: 0 and runAsNonRoot: true: the kubelet refuses to start it (\"runAsUser breaks non-root policy\"), on every node; set a non-zero runAsUser, or drop runAsNonRoot if it must run as root",
					containerName(c))})
		}
		if len(fromPod) > 0 {
			p.Report(rule.Diagnostic{Path: podSC.Child("runAsUser"), AtValue: true,
				Related: []rule.RelatedPath{{Path: podSC.Child("runAsNonRoot"), Message: "the pod sets runAsNonRoot: true"}},
				Message: fmt.Sprintf("the pod sets runAsUser: 0 and runAsNonRoot: true for containers %s: the kubelet refuses to start them (\"runAsUser breaks non-root policy\"), on every node; set a non-zero runAsUser, or drop runAsNonRoot if they must run as root",
					quoteList(fromPod))})
		}
	},
}

var probeOnUDPPortRule = &rule.Rule{
	ID:       "probe-on-udp-port",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a tcpSocket, httpGet or grpc probe on a port the container declares only as UDP",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A liveness, readiness or startup probe (`tcpSocket`, `httpGet` or `grpc`, all over TCP) whose " +
			"port, by number or by name, the container declares only with `protocol: UDP` (or SCTP). A " +
			"port it does not declare at all is left out (probe-port-not-declared covers names).",
		Why: "The kubelet connects over TCP, where nothing listens: the probe never succeeds. A readiness " +
			"probe keeps every pod unready (the rollout stalls on the first node), a liveness or startup " +
			"probe restarts the container forever. DNS agents (node-local-dns, CoreDNS) declare port 53 as " +
			"UDP and TCP; probing a UDP-only port is a typo or a missing TCP declaration.",
		In: rule.InContainer,
		Bad: "ports:\n  - {name: dns, containerPort: 53, protocol: UDP}\n" +
			"readinessProbe:\n  tcpSocket: {port: dns}\n",
		Good: "ports:\n  - {name: dns, containerPort: 53, protocol: UDP}\n  - {name: dns-tcp, containerPort: 53, protocol: TCP}\n" +
			"readinessProbe:\n  tcpSocket: {port: dns-tcp}\n",
		Fix:        "Probe a TCP port the agent listens on (declare it with protocol TCP), or use an exec probe for a UDP-only service.",
		Mirrors:    "the kubelet's probers (pkg/kubelet/prober: tcp, http and grpc dial TCP) after findPortByName resolves a named port",
		References: []string{"https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/"},
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			for _, pr := range probesOf(c) {
				var port intstr.IntOrString
				var at fieldpath.Path
				switch h := pr.probe.ProbeHandler; {
				case h.TCPSocket != nil:
					port, at = h.TCPSocket.Port, pr.path.Child("tcpSocket", "port")
				case h.HTTPGet != nil:
					port, at = h.HTTPGet.Port, pr.path.Child("httpGet", "port")
				case h.GRPC != nil:
					port, at = intstr.FromInt32(h.GRPC.Port), pr.path.Child("grpc", "port")
				default:
					continue
				}
				number, ok := resolvePort(c.C, port)
				if !ok {
					continue
				}
				var protocols []string
				tcp := false
				for _, cp := range c.C.Ports {
					if cp.ContainerPort != number {
						continue
					}
					proto := string(cp.Protocol)
					if proto != string(corev1.ProtocolUDP) && proto != string(corev1.ProtocolSCTP) {
						// TCP, the default, or a value unsupported-value
						// rejects: not this rule's to judge.
						tcp = true
					}
					protocols = append(protocols, proto)
				}
				if tcp || len(protocols) == 0 {
					continue
				}
				p.Report(rule.Diagnostic{Path: at, AtValue: true, Message: fmt.Sprintf(
					"%s's %s connects over TCP to port %d, which the container declares only as %s: the probe never succeeds; probe a TCP port, or declare %d with protocol TCP if the agent listens there too",
					containerName(c), pr.name, number, strings.Join(slices.Compact(protocols), " and "), number)})
			}
		}
	},
}

// resolvePort turns a probe's port into a number as the kubelet does: a
// name is looked up among the container's ports (findPortByName).
func resolvePort(c *corev1.Container, port intstr.IntOrString) (int32, bool) {
	if port.Type == intstr.Int {
		return port.IntVal, port.IntVal > 0
	}
	for _, cp := range c.Ports {
		if cp.Name == port.StrVal {
			return cp.ContainerPort, true
		}
	}
	return 0, false
}

// kustomizeHashSuffix is the suffix kustomize's generators append to a
// name: a dash and ten characters of an encoded hash (api/hasher.encode).
var kustomizeHashSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^-[bcdfghkmt2-9]{10}$`) })

// generatorName is a name without its kustomize hash suffix: the name the
// manifests write, which every rendering of a base and its overlays shares.
func generatorName(name string) string {
	if i := len(name) - 11; i > 0 && kustomizeHashSuffix().MatchString(name[i:]) {
		return name[:i]
	}
	return name
}

// keyHolder is a ConfigMap or Secret of the set, as the key rules need it.
type keyHolder struct {
	namespace, name string
	keys            []string
	// binary are a ConfigMap's binaryData keys, which a volume reads and
	// an environment variable does not.
	binary []string
	// filled: keys are added by a controller (a service account token
	// Secret), or the object has none written (a placeholder filled
	// elsewhere): the rules do not judge it.
	filled bool
	at     finding.Related
}

type keyIndexKey struct{ kind string }

// keyFacts keep the keys of the set's ConfigMaps and Secrets (never their
// values) as they are read.
var keyFacts = map[string]*rule.Fact{
	"ConfigMap": {Kind: "ConfigMap", Compute: func(o *rule.Object) any { return keyHolderOf(o, "ConfigMap") }},
	"Secret":    {Kind: "Secret", Compute: func(o *rule.Object) any { return keyHolderOf(o, "Secret") }},
}

func keyHolderOf(o *rule.Object, kind string) any {
	h := &keyHolder{namespace: o.Resource.Namespace, name: o.Resource.Name}
	fields := []string{"data", "binaryData"}
	if kind == "Secret" {
		fields = []string{"data", "stringData"}
	}
	for _, f := range fields {
		m, _ := o.Map[f].(map[string]any)
		for k := range m {
			h.keys = append(h.keys, k)
			if f == "binaryData" {
				h.binary = append(h.binary, k)
			}
		}
	}
	slices.Sort(h.keys)
	h.keys = slices.Compact(h.keys)
	typ, _ := o.Map["type"].(string)
	h.filled = len(h.keys) == 0 || typ == string(corev1.SecretTypeServiceAccountToken)
	h.at = rule.Place(o, fieldpath.New("metadata", "name"), fmt.Sprintf("%s has keys %s", o.Resource, quoteList(h.keys)))
	return h
}

// keysOf indexes the set's ConfigMaps or Secrets by name.
func keysOf(set *rule.Set, kind string) map[string][]*keyHolder {
	return set.Memo(keyIndexKey{kind}, func() any {
		idx := map[string][]*keyHolder{}
		for _, f := range set.Facts(keyFacts[kind]) {
			h := f.(*keyHolder)
			idx[h.name] = append(idx[h.name], h)
		}
		return idx
	}).(map[string][]*keyHolder)
}

// missingKey decides a key reference with the set: the objects that may be
// the one referred to (its name, or its name with a kustomize hash suffix,
// or, for a hash-suffixed name, every version of that generator's output,
// in the namespace) and whether none of them has the key. ok is false when
// no such object is linted, or one of them has the key or is filled
// elsewhere.
//
// For an environment variable (env), a ConfigMap's binaryData keys do not
// count: the kubelet reads env values from data only.
func missingKey(set *rule.Set, kind, namespace, name, key string, env bool) (holders []*keyHolder, ok bool) {
	idx := keysOf(set, kind)
	// A generated name (kustomize output) stands for its generator: every
	// version of it counts, the base's and each overlay's (which may merge
	// keys into it).
	stem := generatorName(name)
	for n, hs := range idx {
		if n != stem && !(strings.HasPrefix(n, stem) && kustomizeHashSuffix().MatchString(n[len(stem):])) {
			continue
		}
		for _, h := range hs {
			if !sameNamespace(h.namespace, namespace) {
				continue
			}
			if h.filled || (slices.Contains(h.keys, key) && !(env && slices.Contains(h.binary, key))) {
				return nil, false
			}
			holders = append(holders, h)
		}
	}
	slices.SortFunc(holders, func(a, b *keyHolder) int { return comparePlaces(a.at, b.at) })
	return holders, len(holders) > 0
}

// keyRef is a reference from a pod template to one key of a ConfigMap or
// Secret.
type keyRef struct {
	name, key string
	path      fieldpath.Path
	where     string
	effect    string
	env       bool
}

// keyRefs lists the pod's non-optional references to keys of kind.
func keyRefs(ps *corev1.PodSpec, base fieldpath.Path, kind string) []keyRef {
	var out []keyRef
	items := func(name string, list []corev1.KeyToPath, at fieldpath.Path, where string) {
		for i, it := range list {
			out = append(out, keyRef{name, it.Key, at.Index(i).Child("key"), where, volumeEffect, false})
		}
	}
	for i, v := range ps.Volumes {
		vp := base.Child("volumes").Index(i)
		where := fmt.Sprintf("volume %q", v.Name)
		if cm := v.ConfigMap; kind == "ConfigMap" && cm != nil && !optional(cm.Optional) {
			items(cm.Name, cm.Items, vp.Child("configMap", "items"), where)
		}
		if s := v.Secret; kind == "Secret" && s != nil && !optional(s.Optional) {
			items(s.SecretName, s.Items, vp.Child("secret", "items"), where)
		}
		if pr := v.Projected; pr != nil {
			for j, src := range pr.Sources {
				sp := vp.Child("projected", "sources").Index(j)
				if cm := src.ConfigMap; kind == "ConfigMap" && cm != nil && !optional(cm.Optional) {
					items(cm.Name, cm.Items, sp.Child("configMap", "items"), where)
				}
				if s := src.Secret; kind == "Secret" && s != nil && !optional(s.Optional) {
					items(s.Name, s.Items, sp.Child("secret", "items"), where)
				}
			}
		}
	}
	for _, c := range containers(ps, base) {
		for i, e := range c.C.Env {
			if e.ValueFrom == nil {
				continue
			}
			ep := c.Path.Child("env").Index(i).Child("valueFrom")
			where := fmt.Sprintf("%s's variable %s", containerName(c), e.Name)
			if r := e.ValueFrom.ConfigMapKeyRef; kind == "ConfigMap" && r != nil && !optional(r.Optional) {
				out = append(out, keyRef{r.Name, r.Key, ep.Child("configMapKeyRef", "key"), where, envEffect, true})
			}
			if r := e.ValueFrom.SecretKeyRef; kind == "Secret" && r != nil && !optional(r.Optional) {
				out = append(out, keyRef{r.Name, r.Key, ep.Child("secretKeyRef", "key"), where, envEffect, true})
			}
		}
	}
	return out
}

// keyNotFoundRule builds config-map-key-not-found and secret-key-not-found.
func keyNotFoundRule(id, kind, fields string, bad, good string) *rule.Rule {
	return &rule.Rule{
		ID:       id,
		Category: rule.Correctness,
		Severity: finding.Error,
		Summary:  "a reference to a key that the " + kind + " in the linted set does not have",
		Kinds:    daemonSetOnly,
		Deferred: true,
		Facts:    []*rule.Fact{keyFacts[kind]},
		Doc: rule.Doc{
			What: "An `env[].valueFrom` " + strings.ToLower(kind[:1]) + kind[1:] + "KeyRef, or an `items[].key` of a " + strings.ToLower(kind[:1]) + kind[1:] +
				" volume or projected source, not marked `optional: true`, naming a key that the referenced " + kind +
				" does not have (in " + fields + "; an environment variable reads a ConfigMap's data only, not its binaryData). It speaks only when that " + kind + " is among the linted objects " +
				"(config-map-not-found and secret-not-found report a missing one); a name with a kustomize hash " +
				"suffix (agent-config-5f2k8h7c9t) counts as the same object as every other version of it (a base's " +
				"and its overlays', which may merge keys in), and the key must be missing from every such object in " +
				"the namespace. An object with no keys written (filled by a controller) is not " +
				"judged" + map[bool]string{true: ", nor a service account token Secret, whose keys the token controller writes", false: ""}[kind == "Secret"] + ".",
			Why: "The API server accepts the reference, and the kubelet cannot resolve it: a missing env key keeps " +
				"the container in CreateContainerConfigError (\"couldn't find key\"), a missing volume item keeps the " +
				"pod in ContainerCreating (\"references non-existent config key\"). On a DaemonSet, every node.",
			In:      rule.InContainer,
			Bad:     bad,
			Good:    good,
			Fix:     "Fix the key (the message lists the keys the " + kind + " has), add it to the " + kind + ", or mark the reference `optional: true` if the agent copes without it.",
			Mirrors: "the kubelet's makeEnvironmentVariables (pkg/kubelet/kubelet_pods.go) and the " + strings.ToLower(kind) + " volume plugin's MakePayload (pkg/volume)",
			References: []string{map[bool]string{true: "https://kubernetes.io/docs/concepts/configuration/secret/",
				false: "https://kubernetes.io/docs/concepts/configuration/configmap/"}[kind == "Secret"]},
		},
		Check: func(p *rule.Pass) {
			ps, base := daemonSetPod(p.Object)
			if ps == nil {
				return
			}
			ns := p.Object.Resource.Namespace
			for _, r := range keyRefs(ps, base, kind) {
				if r.name == "" || r.key == "" {
					continue
				}
				p.ReportLaterVerdict(r.path, func(set *rule.Set) (rule.Verdict, bool) {
					holders, ok := missingKey(set, kind, ns, r.name, r.key, r.env)
					if !ok {
						return rule.Verdict{}, false
					}
					var keys []string
					var related []finding.Related
					binary := false
					for _, h := range holders {
						keys = append(keys, h.keys...)
						binary = binary || slices.Contains(h.binary, r.key)
						related = append(related, h.at)
					}
					slices.Sort(keys)
					keys = slices.Compact(keys)
					if binary {
						return rule.Verdict{Related: related, Message: fmt.Sprintf("%s needs key %q of %s %q, which has it only in binaryData, which environment variables cannot read: %s; move it to data, or mount it as a file",
							r.where, r.key, kind, generatorName(r.name), r.effect)}, true
					}
					return rule.Verdict{Related: related, Message: fmt.Sprintf("%s needs key %q of %s %q, which has no such key%s (it has %s): %s",
						r.where, r.key, kind, generatorName(r.name), didYouMean(r.key, keys), quoteList(keys), r.effect)}, true
				})
			}
		},
	}
}

var configMapKeyNotFoundRule = keyNotFoundRule("config-map-key-not-found", "ConfigMap", "data or binaryData",
	"env:\n"+
		"  - name: LOG_LEVEL\n"+
		"    valueFrom:\n"+
		"      configMapKeyRef: {name: agent-config, key: log-level}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: ConfigMap\n"+
		"metadata: {name: agent-config, namespace: monitoring}\n"+
		"data: {loglevel: info}\n",
	"env:\n"+
		"  - name: LOG_LEVEL\n"+
		"    valueFrom:\n"+
		"      configMapKeyRef: {name: agent-config, key: loglevel}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: ConfigMap\n"+
		"metadata: {name: agent-config, namespace: monitoring}\n"+
		"data: {loglevel: info}\n")

var secretKeyNotFoundRule = keyNotFoundRule("secret-key-not-found", "Secret", "data or stringData",
	"env:\n"+
		"  - name: API_TOKEN\n"+
		"    valueFrom:\n"+
		"      secretKeyRef: {name: agent-credentials, key: api-token}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: Secret\n"+
		"metadata: {name: agent-credentials, namespace: monitoring}\n"+
		"stringData: {token: replace-me}\n",
	"env:\n"+
		"  - name: API_TOKEN\n"+
		"    valueFrom:\n"+
		"      secretKeyRef: {name: agent-credentials, key: token}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: Secret\n"+
		"metadata: {name: agent-credentials, namespace: monitoring}\n"+
		"stringData: {token: replace-me}\n")
