package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	namespaces = []string{"kube-system", "monitoring", "logging", "networking", "storage", "security", "observability", "gpu-operator"}
	purposes   = []string{"node", "log", "metrics", "cni", "csi", "gpu", "dns", "proxy", "audit", "storage", "net", "trace", "falco", "kernel"}
	roles      = []string{"agent", "exporter", "shipper", "plugin", "daemon", "collector", "driver", "sensor", "cache", "tuner"}
	registries = []string{"registry.example.com", "quay.io/example", "ghcr.io/example", "registry.k8s.io", "docker.io/library", "123456789012.dkr.ecr.eu-west-1.amazonaws.com"}
	verbs      = [][]string{{"get", "list", "watch"}, {"get"}, {"get", "list", "watch", "update", "patch"}, {"create", "patch"}, {"get", "update"}}
	coreRes    = []string{"pods", "nodes", "namespaces", "services", "endpoints", "configmaps", "events", "nodes/status", "nodes/metrics", "nodes/proxy", "persistentvolumes", "secrets"}
	groupRes   = map[string][]string{
		"apps":                         {"daemonsets", "deployments", "replicasets", "statefulsets"},
		"discovery.k8s.io":             {"endpointslices"},
		"networking.k8s.io":            {"networkpolicies", "ingresses"},
		"storage.k8s.io":               {"csinodes", "storageclasses", "volumeattachments", "csidrivers"},
		"coordination.k8s.io":          {"leases"},
		"metrics.k8s.io":               {"nodes", "pods"},
		"policy":                       {"poddisruptionbudgets"},
		"apiextensions.k8s.io":         {"customresourcedefinitions"},
		"authentication.k8s.io":        {"tokenreviews"},
		"authorization.k8s.io":         {"subjectaccessreviews"},
		"certificates.k8s.io":          {"certificatesigningrequests"},
		"admissionregistration.k8s.io": {"validatingwebhookconfigurations"},
	}
	groups = []string{"apps", "discovery.k8s.io", "networking.k8s.io", "storage.k8s.io", "coordination.k8s.io", "metrics.k8s.io",
		"policy", "apiextensions.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io", "admissionregistration.k8s.io"}
	hostPaths = []struct{ path, typ string }{
		{"/var/log", "Directory"}, {"/var/lib/docker/containers", ""}, {"/proc", ""}, {"/sys", ""}, {"/", ""},
		{"/etc/cni/net.d", "DirectoryOrCreate"}, {"/opt/cni/bin", "DirectoryOrCreate"}, {"/run/containerd/containerd.sock", "Socket"},
		{"/var/lib/kubelet/plugins_registry", "Directory"}, {"/var/lib/kubelet/pods", "Directory"}, {"/dev", ""},
		{"/lib/modules", "Directory"}, {"/run/xtables.lock", "FileOrCreate"}, {"/sys/fs/bpf", "DirectoryOrCreate"},
		{"/var/run/secrets/agent", "DirectoryOrCreate"}, {"/etc/machine-id", "File"},
	}
	capabilities = []string{"NET_ADMIN", "NET_RAW", "SYS_ADMIN", "SYS_PTRACE", "SYS_RESOURCE", "BPF", "PERFMON", "SYS_MODULE", "DAC_READ_SEARCH", "CHOWN"}
	envNames     = []string{"LOG_LEVEL", "LOG_FORMAT", "CLUSTER_NAME", "REGION", "METRICS_ADDR", "HEALTH_ADDR", "GOMAXPROCS", "GOMEMLIMIT", "HTTP_PROXY", "NO_PROXY", "FEATURE_GATES", "SCRAPE_INTERVAL"}
	cpus         = []string{"5m", "10m", "25m", "50m", "100m", "200m", "250m", "500m", "1", "1500m", "2"}
	mems         = []string{"16Mi", "32Mi", "64Mi", "128Mi", "200Mi", "256Mi", "400M", "512Mi", "1Gi", "1.5Gi", "2Gi"}
	priorities   = []string{"system-node-critical", "system-cluster-critical", "node-agents", "high-priority"}
	taintKeys    = []string{"node-role.kubernetes.io/control-plane", "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable",
		"node.kubernetes.io/disk-pressure", "node.kubernetes.io/memory-pressure", "nvidia.com/gpu", "dedicated", "node.cloudprovider.kubernetes.io/uninitialized"}
)

// agent is one node agent's shape, chosen once and used by every object
// of its file so that selectors, names and references agree.
type agent struct {
	r            *rand.Rand
	name, ns     string
	labels       [][2]string
	selector     [][2]string
	configMaps   []string
	secret       string
	ports        []port
	hostNetwork  bool
	serviceAcct  string
	clusterScope bool
}

type port struct {
	name     string
	number   int
	protocol string
}

// Agent returns the i-th agent file of a corpus and its document count.
func Agent(seed uint64, i int) ([]byte, int) {
	r := rng(seed, uint64(i))
	a := &agent{r: r}
	a.name = fmt.Sprintf("%s-%s-%d", pick(r, purposes), pick(r, roles), i)
	a.ns = pick(r, namespaces)
	if chance(r, 0.3) {
		a.ns = fmt.Sprintf("team-%d", r.IntN(40))
	}
	a.selector = [][2]string{{"app.kubernetes.io/name", a.name}}
	if chance(r, 0.5) {
		a.selector = append(a.selector, [2]string{"app.kubernetes.io/instance", a.name})
	} else if chance(r, 0.3) {
		a.selector = [][2]string{{"k8s-app", a.name}}
	}
	a.labels = append([][2]string{}, a.selector...)
	if chance(r, 0.7) {
		a.labels = append(a.labels, [2]string{"app.kubernetes.io/part-of", pick(r, purposes) + "-stack"},
			[2]string{"app.kubernetes.io/version", fmt.Sprintf("v%d.%d.%d", r.IntN(4), r.IntN(30), r.IntN(10))})
	}
	if chance(r, 0.4) {
		a.labels = append(a.labels, [2]string{"app.kubernetes.io/managed-by", pick(r, []string{"Helm", "kustomize", "everynode", "argocd"})})
	}
	a.serviceAcct = a.name
	a.hostNetwork = chance(r, 0.35)
	for range 2 + r.IntN(2) {
		a.configMaps = append(a.configMaps, fmt.Sprintf("%s-%s", a.name, pick(r, []string{"config", "rules", "env", "scripts", "filters", "plugins"})))
	}
	a.configMaps = dedupe(a.configMaps)
	if chance(r, 0.35) {
		a.secret = a.name + "-credentials"
	}
	a.ports = []port{{"metrics", 9000 + r.IntN(900), "TCP"}}
	if chance(r, 0.5) {
		a.ports = append(a.ports, port{"health", 8080 + r.IntN(20), "TCP"})
	}
	if chance(r, 0.15) {
		a.ports = append(a.ports, port{"dns", 53, "UDP"})
	}
	a.clusterScope = chance(r, 0.85)

	w := &y{}
	docs := 0
	emit := func(f func(*y)) {
		if docs > 0 {
			w.doc()
		}
		f(w)
		docs++
	}
	if chance(r, 0.3) {
		fmt.Fprintf(&w.b, "# %s: %s\n# Source: generated by the everynode benchmark corpus.\n", a.name, pick(r, []string{
			"collects node metrics", "ships container logs", "manages the pod network", "mounts volumes for pods", "exposes GPUs to the kubelet"}))
	}
	if a.ns != "kube-system" && chance(r, 0.2) {
		emit(a.namespace)
	}
	emit(a.serviceAccount)
	if a.clusterScope {
		emit(a.clusterRole)
		emit(a.clusterRoleBinding)
	}
	if chance(r, 0.8) || !a.clusterScope {
		emit(a.role)
		emit(a.roleBinding)
	}
	for _, cm := range a.configMaps {
		emit(func(w *y) { a.configMap(w, cm) })
	}
	if a.secret != "" {
		emit(a.secretObj)
	}
	emit(a.daemonSet)
	emit(a.service)
	if chance(r, 0.6) {
		emit(a.headlessService)
	}
	if chance(r, 0.6) {
		emit(a.networkPolicy)
	}
	return w.b.Bytes(), docs
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

func (a *agent) meta(w *y, name string, namespaced bool) {
	w.l(0, "metadata:")
	w.l(2, "name: %s", name)
	if namespaced {
		w.l(2, "namespace: %s", a.ns)
	}
	if a.r.IntN(3) == 0 {
		w.l(2, "labels: {%s}", flowPairs(a.labels))
		return
	}
	w.l(2, "labels:")
	for _, kv := range a.labels {
		w.l(4, "%s: %s", kv[0], quoteMaybe(a.r, kv[1]))
	}
}

func flowPairs(kvs [][2]string) string {
	parts := make([]string, len(kvs))
	for i, kv := range kvs {
		parts[i] = kv[0] + ": " + kv[1]
	}
	return strings.Join(parts, ", ")
}

// quoteMaybe quotes some plain strings, as hand-written manifests do.
func quoteMaybe(r *rand.Rand, s string) string {
	if r.IntN(4) == 0 {
		return `"` + s + `"`
	}
	return s
}

func (a *agent) namespace(w *y) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: Namespace")
	w.l(0, "metadata:")
	w.l(2, "name: %s", a.ns)
	w.l(2, "labels:")
	w.l(4, "pod-security.kubernetes.io/enforce: %s", pick(a.r, []string{"privileged", "baseline", "restricted"}))
}

func (a *agent) serviceAccount(w *y) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: ServiceAccount")
	a.meta(w, a.serviceAcct, true)
	if chance(a.r, 0.2) {
		w.l(0, "automountServiceAccountToken: false")
	}
	if chance(a.r, 0.1) {
		w.l(0, "imagePullSecrets:")
		w.l(0, "- name: registry-credentials")
	}
}

func (a *agent) rules(w *y, n int) {
	w.l(0, "rules:")
	for range n {
		if chance(a.r, 0.5) {
			res := pickN(a.r, coreRes, 1+a.r.IntN(4))
			w.l(0, `- apiGroups: [""]`)
			w.l(2, "resources: [%s]", strings.Join(res, ", "))
		} else {
			g := pick(a.r, groups)
			res := pickN(a.r, groupRes[g], 1+a.r.IntN(len(groupRes[g])))
			w.l(0, "- apiGroups:")
			w.l(2, "- %s", g)
			w.l(2, "resources:")
			for _, x := range res {
				w.l(2, "- %s", x)
			}
		}
		w.l(2, "verbs: [%s]", strings.Join(pick(a.r, verbs), ", "))
	}
}

// pickN picks up to n distinct items in their original order.
func pickN(r *rand.Rand, xs []string, n int) []string {
	idx := r.Perm(len(xs))[:min(n, len(xs))]
	keep := make([]bool, len(xs))
	for _, i := range idx {
		keep[i] = true
	}
	var out []string
	for i, x := range xs {
		if keep[i] {
			out = append(out, x)
		}
	}
	return out
}

func (a *agent) clusterRole(w *y) {
	w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
	w.l(0, "kind: ClusterRole")
	a.meta(w, a.name, false)
	a.rules(w, 1+a.r.IntN(5))
}

func (a *agent) clusterRoleBinding(w *y) {
	w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
	w.l(0, "kind: ClusterRoleBinding")
	a.meta(w, a.name, false)
	w.l(0, "roleRef:")
	w.l(2, "apiGroup: rbac.authorization.k8s.io")
	w.l(2, "kind: ClusterRole")
	w.l(2, "name: %s", a.name)
	w.l(0, "subjects:")
	w.l(0, "- kind: ServiceAccount")
	w.l(2, "name: %s", a.serviceAcct)
	w.l(2, "namespace: %s", a.ns)
}

func (a *agent) role(w *y) {
	w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
	w.l(0, "kind: Role")
	a.meta(w, a.name+"-leader-election", true)
	w.l(0, "rules:")
	w.l(0, "- apiGroups: [coordination.k8s.io]")
	w.l(2, "resources: [leases]")
	w.l(2, "verbs: [get, create, update]")
	w.l(0, `- apiGroups: [""]`)
	w.l(2, "resources: [configmaps]")
	w.l(2, "resourceNames: [%s]", a.configMaps[0])
	w.l(2, "verbs: [get, watch]")
}

func (a *agent) roleBinding(w *y) {
	w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
	w.l(0, "kind: RoleBinding")
	a.meta(w, a.name+"-leader-election", true)
	w.l(0, "roleRef:")
	w.l(2, "apiGroup: rbac.authorization.k8s.io")
	w.l(2, "kind: Role")
	w.l(2, "name: %s-leader-election", a.name)
	w.l(0, "subjects:")
	w.l(0, "- {kind: ServiceAccount, name: %s, namespace: %s}", a.serviceAcct, a.ns)
}

// configText is a plausible configuration file of n lines.
func configText(r *rand.Rand, n int) string {
	var b strings.Builder
	switch r.IntN(3) {
	case 0: // INI-like, as fluent-bit's
		for i := range n {
			if i%6 == 0 {
				fmt.Fprintf(&b, "[%s]\n", pick(r, []string{"SERVICE", "INPUT", "FILTER", "OUTPUT", "PARSER"}))
				continue
			}
			fmt.Fprintf(&b, "    %-16s %s\n", pick(r, []string{"Name", "Match", "Path", "Tag", "Flush", "Log_Level", "Mem_Buf_Limit", "Refresh_Interval"}),
				pick(r, []string{"tail", "kube.*", "/var/log/containers/*.log", "5", "info", "5MB", "10", "On"}))
		}
	case 1: // YAML in YAML, as Prometheus' and Falco's
		for i := range n {
			fmt.Fprintf(&b, "%s- %s: %s_%d\n", strings.Repeat("  ", i%3), pick(r, []string{"job_name", "rule", "record", "expr", "target", "action"}),
				pick(r, []string{"node", "up", "rate(node_cpu_seconds_total[5m])", "keep", "drop", "replace"}), i)
		}
	default: // JSON, as a CNI conflist
		b.WriteString("{\n  \"cniVersion\": \"1.0.0\",\n  \"name\": \"k8s-pod-network\",\n  \"plugins\": [\n")
		for i := range max(1, n/4) {
			if i > 0 {
				b.WriteString(",\n")
			}
			fmt.Fprintf(&b, "    {\n      \"type\": %q,\n      \"mtu\": %d\n    }", pick(r, []string{"bridge", "portmap", "bandwidth", "tuning", "calico"}), 1400+r.IntN(100))
		}
		b.WriteString("\n  ]\n}\n")
	}
	return b.String()
}

func (a *agent) configMap(w *y, name string) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: ConfigMap")
	a.meta(w, name, true)
	w.l(0, "data:")
	keys := pickN(a.r, envNames, 3)
	for i := range 1 + a.r.IntN(3) {
		if chance(a.r, 0.3) {
			w.l(2, "%s: %s", keys[i], quoteMaybe(a.r, pick(a.r, []string{"info", "debug", "json", "eu-west-1", "0.0.0.0:9100", "30s"})))
			continue
		}
		w.l(2, "%s-%d.%s: |", pick(a.r, []string{"agent", "config", "rules", "filters", "10-net"}), i, pick(a.r, []string{"conf", "yaml", "conflist", "json"}))
		w.block(4, configText(a.r, 5+a.r.IntN(40)))
	}
}

func (a *agent) secretObj(w *y) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: Secret")
	a.meta(w, a.secret, true)
	w.l(0, "type: Opaque")
	w.l(0, "stringData:")
	w.l(2, "api-key: %q", fmt.Sprintf("%016x", a.r.Uint64()))
	if chance(a.r, 0.5) {
		w.l(0, "data:")
		w.l(2, "token: %s", "c2VjcmV0LXRva2VuLXZhbHVl")
	}
}

func (a *agent) service(w *y) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: Service")
	a.meta(w, a.name, true)
	if chance(a.r, 0.4) {
		w.l(2, "annotations:")
		w.l(4, `prometheus.io/scrape: "true"`)
		w.l(4, `prometheus.io/port: "%d"`, a.ports[0].number)
	}
	w.l(0, "spec:")
	w.l(2, "type: ClusterIP")
	w.l(2, "selector:")
	for _, kv := range a.selector {
		w.l(4, "%s: %s", kv[0], kv[1])
	}
	w.l(2, "ports:")
	for _, p := range a.ports {
		if chance(a.r, 0.5) {
			w.l(2, "- {name: %s, port: %d, targetPort: %s, protocol: %s}", p.name, p.number, p.name, p.protocol)
			continue
		}
		w.l(2, "- name: %s", p.name)
		w.l(4, "port: %d", p.number)
		w.l(4, "targetPort: %d", p.number)
		w.l(4, "protocol: %s", p.protocol)
	}
	if chance(a.r, 0.3) {
		w.l(2, "internalTrafficPolicy: Local")
	}
}

func (a *agent) headlessService(w *y) {
	w.l(0, "apiVersion: v1")
	w.l(0, "kind: Service")
	a.meta(w, a.name+"-headless", true)
	w.l(0, "spec:")
	w.l(2, "clusterIP: None")
	w.l(2, "publishNotReadyAddresses: true")
	w.l(2, "selector: {%s}", flowPairs(a.selector))
	w.l(2, "ports:")
	p := a.ports[0]
	w.l(2, "- name: %s", p.name)
	w.l(4, "port: %d", p.number)
}

func (a *agent) networkPolicy(w *y) {
	w.l(0, "apiVersion: networking.k8s.io/v1")
	w.l(0, "kind: NetworkPolicy")
	a.meta(w, a.name, true)
	w.l(0, "spec:")
	w.l(2, "podSelector:")
	w.l(4, "matchLabels:")
	for _, kv := range a.selector {
		w.l(6, "%s: %s", kv[0], kv[1])
	}
	w.l(2, "policyTypes: [Ingress]")
	w.l(2, "ingress:")
	w.l(2, "- from:")
	w.l(4, "- namespaceSelector:")
	w.l(8, "matchLabels: {kubernetes.io/metadata.name: %s}", pick(a.r, []string{"monitoring", "observability", "kube-system"}))
	w.l(4, "ports:")
	for _, p := range a.ports {
		w.l(4, "- {port: %d, protocol: %s}", p.number, p.protocol)
	}
}

// image is a reference: a tag, sometimes a digest, sometimes :latest.
func image(r *rand.Rand, name string) string {
	reg := pick(r, registries)
	switch r.IntN(10) {
	case 0:
		return fmt.Sprintf("%s/%s:latest", reg, name)
	case 1:
		return fmt.Sprintf("%s/%s", reg, name)
	case 2, 3:
		return fmt.Sprintf("%s/%s@sha256:%016x%016x%016x%016x", reg, name, r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())
	}
	return fmt.Sprintf("%s/%s:v%d.%d.%d", reg, name, r.IntN(4), r.IntN(30), r.IntN(10))
}

type volume struct {
	name, kind, path, typ, ref string
	mountPath                  string
	readOnly                   bool
}

func (a *agent) volumes() []volume {
	r := a.r
	var vs []volume
	for i, hp := range pickHostPaths(r, r.IntN(5)) {
		vs = append(vs, volume{name: fmt.Sprintf("host-%d", i), kind: "hostPath", path: hp.path, typ: hp.typ,
			mountPath: "/host" + hp.path, readOnly: chance(r, 0.6)})
	}
	for i, cm := range a.configMaps {
		vs = append(vs, volume{name: fmt.Sprintf("config-%d", i), kind: "configMap", ref: cm, mountPath: fmt.Sprintf("/etc/%s/%d", a.name, i), readOnly: true})
	}
	if a.secret != "" && chance(r, 0.6) {
		vs = append(vs, volume{name: "credentials", kind: "secret", ref: a.secret, mountPath: "/var/run/secrets/" + a.name, readOnly: true})
	}
	if chance(r, 0.5) {
		vs = append(vs, volume{name: "tmp", kind: "emptyDir", mountPath: "/tmp"})
	}
	if chance(r, 0.2) {
		vs = append(vs, volume{name: "token", kind: "projected", mountPath: "/var/run/secrets/tokens", readOnly: true})
	}
	return vs
}

func pickHostPaths(r *rand.Rand, n int) []struct{ path, typ string } {
	idx := r.Perm(len(hostPaths))[:n]
	out := make([]struct{ path, typ string }, n)
	for i, j := range idx {
		out[i] = hostPaths[j]
	}
	return out
}

func (a *agent) daemonSet(w *y) {
	r := a.r
	w.l(0, "apiVersion: apps/v1")
	w.l(0, "kind: DaemonSet")
	a.meta(w, a.name, true)
	if a.hostNetwork && chance(r, 0.5) {
		w.l(2, "annotations:")
		w.l(4, `ignore.everynode.dev/host-network: "the agent serves the node's own network"`)
	}
	w.l(0, "spec:")
	w.l(2, "selector:")
	w.l(4, "matchLabels:")
	for _, kv := range a.selector {
		w.l(6, "%s: %s", kv[0], kv[1])
	}
	switch r.IntN(5) {
	case 0:
		w.l(2, "updateStrategy: {type: OnDelete}")
	case 1:
		w.l(2, "updateStrategy:")
		w.l(4, "type: RollingUpdate")
		w.l(4, "rollingUpdate:")
		w.l(6, "maxUnavailable: %s", pick(r, []string{"1", "10%", `"25%"`, "2"}))
		w.l(6, "maxSurge: 0")
	case 2:
		w.l(2, "updateStrategy:")
		w.l(4, "rollingUpdate: {maxUnavailable: %d}", 1+r.IntN(3))
	}
	if chance(r, 0.5) {
		w.l(2, "minReadySeconds: %d", r.IntN(30))
	}
	if chance(r, 0.4) {
		w.l(2, "revisionHistoryLimit: %d", 3+r.IntN(8))
	}
	w.l(2, "template:")
	w.l(4, "metadata:")
	w.l(6, "labels:")
	for _, kv := range a.labels {
		w.l(8, "%s: %s", kv[0], kv[1])
	}
	if chance(r, 0.5) {
		w.l(6, "annotations:")
		w.l(8, `kubectl.kubernetes.io/default-container: agent`)
		if chance(r, 0.5) {
			w.l(8, `checksum/config: %016x%016x`, r.Uint64(), r.Uint64())
		}
	}
	w.l(4, "spec:")
	s := 6
	w.l(s, "serviceAccountName: %s", a.serviceAcct)
	if chance(r, 0.7) {
		w.l(s, "priorityClassName: %s", pick(r, priorities))
	}
	if a.hostNetwork {
		w.l(s, "hostNetwork: true")
		w.l(s, "dnsPolicy: ClusterFirstWithHostNet")
	}
	if chance(r, 0.15) {
		w.l(s, "hostPID: true # everynode:ignore host-pid -- per-process metrics need the host's PID namespace")
	}
	if chance(r, 0.6) {
		w.l(s, "nodeSelector:")
		w.l(s+2, "kubernetes.io/os: linux")
		if chance(r, 0.2) {
			w.l(s+2, "node.kubernetes.io/instance-type: %s", pick(r, []string{"m5.large", "p3.2xlarge", "n2-standard-8"}))
		}
	}
	if chance(r, 0.3) {
		w.l(s, "affinity:")
		w.l(s+2, "nodeAffinity:")
		w.l(s+4, "requiredDuringSchedulingIgnoredDuringExecution:")
		w.l(s+6, "nodeSelectorTerms:")
		w.l(s+6, "- matchExpressions:")
		w.l(s+8, "- key: %s", pick(r, []string{"kubernetes.io/arch", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone"}))
		w.l(s+10, "operator: %s", pick(r, []string{"In", "NotIn"}))
		w.l(s+10, "values: [%s]", strings.Join(pickN(r, []string{"amd64", "arm64", "eu-west-1a", "eu-west-1b", "m5.large"}, 1+r.IntN(3)), ", "))
		if chance(r, 0.3) {
			w.l(s+8, "- {key: kubernetes.io/os, operator: Exists}")
		}
	}
	switch r.IntN(4) {
	case 0:
		w.l(s, "tolerations:")
		w.l(s, "- operator: Exists")
	case 1:
		w.l(s, "tolerations:")
		for _, k := range pickN(r, taintKeys, 1+r.IntN(4)) {
			if chance(r, 0.5) {
				w.l(s, "- {key: %s, operator: Exists, effect: %s}", k, pick(r, []string{"NoSchedule", "NoExecute"}))
				continue
			}
			w.l(s, "- key: %s", k)
			w.l(s+2, "operator: Exists")
			w.l(s+2, "effect: NoExecute")
			w.l(s+2, "tolerationSeconds: %d", 60*(1+r.IntN(10)))
		}
	case 2:
		w.l(s, "tolerations: [{operator: Exists, effect: NoSchedule}]")
	}
	if chance(r, 0.5) {
		w.l(s, "terminationGracePeriodSeconds: %d", 5+r.IntN(60))
	}
	if chance(r, 0.5) {
		w.l(s, "securityContext:")
		if chance(r, 0.6) {
			w.l(s+2, "runAsNonRoot: true")
			w.l(s+2, "runAsUser: %d", 1000+r.IntN(64000))
			w.l(s+2, "fsGroup: %d", 1000+r.IntN(64000))
		} else {
			w.l(s+2, "runAsUser: 0")
		}
		w.l(s+2, "seccompProfile: {type: RuntimeDefault}")
	}
	vols := a.volumes()
	if chance(r, 0.4) {
		w.l(s, "initContainers:")
		for i := range 1 + r.IntN(2) {
			a.container(w, s, fmt.Sprintf("init-%d", i), vols, true)
		}
	}
	w.l(s, "containers:")
	a.container(w, s, "agent", vols, false)
	for _, side := range pickN(r, []string{"config-reloader", "kube-rbac-proxy", "node-driver-registrar", "liveness-probe"}, r.IntN(3)) {
		a.container(w, s, side, nil, false)
	}
	if len(vols) > 0 {
		w.l(s, "volumes:")
		for _, v := range vols {
			a.volume(w, s, v)
		}
	}
}

func (a *agent) container(w *y, s int, name string, vols []volume, init bool) {
	r := a.r
	w.l(s, "- name: %s", name)
	c := s + 2
	img := a.name
	if init {
		img += "-installer"
	}
	w.l(c, "image: %s", image(r, img))
	if chance(r, 0.5) {
		w.l(c, "imagePullPolicy: %s", pick(r, []string{"IfNotPresent", "Always"}))
	}
	if init {
		w.l(c, "command: [/bin/sh, -c]")
		w.l(c, "args:")
		w.l(c, "- |")
		w.block(c+2, fmt.Sprintf("set -eu\ncp -r /opt/%s/bin/. /host/opt/cni/bin/\necho installed %d", a.name, r.IntN(100)))
	} else if chance(r, 0.7) {
		w.l(c, "args:")
		for range 1 + r.IntN(6) {
			w.l(c, "- --%s=%s", pick(r, []string{"v", "log-level", "metrics-bind-address", "health-probe-bind-address", "config", "node-name", "path.rootfs"}),
				pick(r, []string{"2", "info", ":9100", "/etc/agent/config.yaml", "$(NODE_NAME)", "/host"}))
		}
	}
	if chance(r, 0.7) {
		w.l(c, "env:")
		w.l(c, "- name: NODE_NAME")
		w.l(c+2, "valueFrom:")
		w.l(c+4, "fieldRef: {fieldPath: spec.nodeName}")
		for _, e := range pickN(r, envNames, r.IntN(4)) {
			switch r.IntN(4) {
			case 0:
				w.l(c, "- name: %s", e)
				w.l(c+2, "valueFrom:")
				w.l(c+4, "configMapKeyRef: {name: %s, key: %s, optional: true}", a.configMaps[0], e)
			case 1:
				if a.secret != "" {
					w.l(c, "- name: %s", e)
					w.l(c+2, "valueFrom:")
					w.l(c+4, "secretKeyRef:")
					w.l(c+6, "name: %s", a.secret)
					w.l(c+6, "key: api-key")
					continue
				}
				fallthrough
			case 2:
				w.l(c, "- name: %s", e)
				w.l(c+2, "value: %q", pick(r, []string{"info", "1", "true", "eu-west-1", "128MiB"}))
			default:
				w.l(c, "- {name: %s, value: %s}", e, pick(r, []string{"debug", `"2"`, "json", `"false"`}))
			}
		}
	}
	if chance(r, 0.2) {
		w.l(c, "envFrom:")
		w.l(c, "- configMapRef: {name: %s}", a.configMaps[0])
	}
	if !init && name == "agent" {
		w.l(c, "ports:")
		for _, p := range a.ports {
			if a.hostNetwork {
				w.l(c, "- {name: %s, containerPort: %d, hostPort: %d, protocol: %s}", p.name, p.number, p.number, p.protocol)
				continue
			}
			w.l(c, "- name: %s", p.name)
			w.l(c+2, "containerPort: %d", p.number)
			w.l(c+2, "protocol: %s", p.protocol)
		}
		a.probes(w, c)
	}
	if chance(r, 0.85) {
		// Limits at or above requests, as the API server requires.
		cpu, mem := r.IntN(len(cpus)), r.IntN(len(mems))
		w.l(c, "resources:")
		if chance(r, 0.5) {
			w.l(c+2, "requests: {cpu: %s, memory: %s}", cpus[cpu], mems[mem])
		} else {
			w.l(c+2, "requests:")
			w.l(c+4, "cpu: %s", cpus[cpu])
			w.l(c+4, "memory: %s", mems[mem])
		}
		if chance(r, 0.7) {
			w.l(c+2, "limits:")
			if chance(r, 0.3) {
				w.l(c+4, "cpu: %s", cpus[cpu+r.IntN(len(cpus)-cpu)])
			}
			w.l(c+4, "memory: %s", mems[mem+r.IntN(len(mems)-mem)])
		}
	}
	switch r.IntN(4) {
	case 0:
		w.l(c, "securityContext:")
		w.l(c+2, "allowPrivilegeEscalation: false")
		w.l(c+2, "readOnlyRootFilesystem: true")
		w.l(c+2, "capabilities:")
		w.l(c+4, "drop: [ALL]")
		if chance(r, 0.5) {
			w.l(c+4, "add: [%s]", strings.Join(pickN(r, capabilities, 1+r.IntN(3)), ", "))
		}
	case 1:
		w.l(c, "securityContext:")
		w.l(c+2, "privileged: true")
	case 2:
		w.l(c, "securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}")
	}
	if !init && chance(r, 0.2) {
		w.l(c, "lifecycle:")
		w.l(c+2, "preStop:")
		w.l(c+4, "exec:")
		w.l(c+6, "command: [/bin/sh, -c, sleep 5]")
	}
	if len(vols) > 0 {
		w.l(c, "volumeMounts:")
		for _, v := range vols {
			if chance(r, 0.5) {
				w.l(c, "- {name: %s, mountPath: %s, readOnly: %v}", v.name, v.mountPath, v.readOnly)
				continue
			}
			w.l(c, "- name: %s", v.name)
			w.l(c+2, "mountPath: %s", v.mountPath)
			if v.readOnly {
				w.l(c+2, "readOnly: true")
			}
			if v.kind == "hostPath" && chance(r, 0.15) {
				w.l(c+2, "mountPropagation: HostToContainer")
			}
		}
	}
	if chance(r, 0.1) {
		w.l(c, "terminationMessagePolicy: FallbackToLogsOnError")
	}
}

func (a *agent) probes(w *y, c int) {
	r := a.r
	p := a.ports[len(a.ports)-1]
	if p.protocol == "UDP" {
		p = a.ports[0]
	}
	target := func(indent int) {
		switch r.IntN(4) {
		case 0:
			w.l(indent, "httpGet: {path: /healthz, port: %s}", p.name)
		case 1:
			w.l(indent, "httpGet:")
			w.l(indent+2, "path: /readyz")
			w.l(indent+2, "port: %d", p.number)
			w.l(indent+2, "scheme: HTTP")
		case 2:
			w.l(indent, "tcpSocket: {port: %d}", p.number)
		default:
			w.l(indent, "exec:")
			w.l(indent+2, "command: [/bin/%s, health]", a.name)
		}
	}
	if chance(r, 0.7) {
		w.l(c, "readinessProbe:")
		target(c + 2)
		w.l(c+2, "periodSeconds: %d", 5+r.IntN(25))
	}
	if chance(r, 0.6) {
		w.l(c, "livenessProbe:")
		target(c + 2)
		w.l(c+2, "initialDelaySeconds: %d", r.IntN(30))
		w.l(c+2, "failureThreshold: %d", 3+r.IntN(5))
	}
	if chance(r, 0.1) {
		w.l(c, "startupProbe:")
		target(c + 2)
		w.l(c+2, "failureThreshold: 30")
	}
}

func (a *agent) volume(w *y, s int, v volume) {
	w.l(s, "- name: %s", v.name)
	c := s + 2
	switch v.kind {
	case "hostPath":
		if v.typ == "" {
			w.l(c, "hostPath: {path: %s}", v.path)
			return
		}
		w.l(c, "hostPath:")
		w.l(c+2, "path: %s", v.path)
		w.l(c+2, "type: %s", v.typ)
	case "configMap":
		w.l(c, "configMap:")
		w.l(c+2, "name: %s", v.ref)
		if chance(a.r, 0.3) {
			w.l(c+2, "defaultMode: 0644")
		}
	case "secret":
		w.l(c, "secret: {secretName: %s, defaultMode: 0400}", v.ref)
	case "emptyDir":
		if chance(a.r, 0.5) {
			w.l(c, "emptyDir: {}")
			return
		}
		w.l(c, "emptyDir:")
		w.l(c+2, "medium: Memory")
		w.l(c+2, "sizeLimit: %s", pick(a.r, []string{"64Mi", "128Mi", "1Gi"}))
	case "projected":
		w.l(c, "projected:")
		w.l(c+2, "sources:")
		w.l(c+2, "- serviceAccountToken:")
		w.l(c+6, "path: token")
		w.l(c+6, "audience: %s", a.name)
		w.l(c+6, "expirationSeconds: 3600")
		w.l(c+2, "- downwardAPI:")
		w.l(c+6, "items:")
		w.l(c+6, "- {path: labels, fieldRef: {fieldPath: metadata.labels}}")
	}
}
