package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	fieldWords = []string{"interface", "mtu", "address", "pool", "cidr", "peer", "asNumber", "nodeSelector", "blockSize", "ipipMode",
		"vxlanMode", "natOutgoing", "disabled", "logSeverity", "prefix", "community", "filter", "action", "source", "destination",
		"port", "protocol", "timeout", "interval", "weight", "priority", "labels", "selector", "namespace", "tier", "order"}
	crdKinds = []string{"BGPConfiguration", "BGPPeer", "BGPFilter", "BlockAffinity", "ClusterInformation", "FelixConfiguration",
		"GlobalNetworkPolicy", "GlobalNetworkSet", "HostEndpoint", "IPAMBlock", "IPAMConfig", "IPAMHandle", "IPPool",
		"IPReservation", "KubeControllersConfiguration", "NetworkPolicy", "NetworkSet", "Tier"}
)

// Big returns the i-th CNI-install-like file of a corpus (about 4,000
// lines: CRDs with large schemas, RBAC, configuration, a DaemonSet with
// init containers and many variables, a Deployment, a PodDisruptionBudget)
// and its document count.
func Big(seed uint64, i int) ([]byte, int) {
	r := rng(seed, uint64(i)|1<<32)
	w := &y{}
	group := fmt.Sprintf("crd.cni%d.example.com", i)
	fmt.Fprintf(&w.b, "# Source: cni-%d/templates/calico.yaml\n# A full CNI install: its CRDs, RBAC, configuration and node agent.\n", i)
	docs := 0
	sep := func() {
		if docs > 0 {
			w.doc()
		}
		docs++
	}
	sep()
	w.l(0, "apiVersion: policy/v1")
	w.l(0, "kind: PodDisruptionBudget")
	w.l(0, "metadata:")
	w.l(2, "name: cni-kube-controllers")
	w.l(2, "namespace: kube-system")
	w.l(0, "spec:")
	w.l(2, "maxUnavailable: 1")
	w.l(2, "selector:")
	w.l(4, "matchLabels: {k8s-app: cni-kube-controllers}")
	for _, sa := range []string{"cni-kube-controllers", "cni-node", "cni-cni-plugin"} {
		sep()
		w.l(0, "apiVersion: v1")
		w.l(0, "kind: ServiceAccount")
		w.l(0, "metadata:")
		w.l(2, "name: %s", sa)
		w.l(2, "namespace: kube-system")
	}
	sep()
	w.l(0, "kind: ConfigMap")
	w.l(0, "apiVersion: v1")
	w.l(0, "metadata:")
	w.l(2, "name: cni-config")
	w.l(2, "namespace: kube-system")
	w.l(0, "data:")
	w.l(2, `typha_service_name: "none"`)
	w.l(2, `calico_backend: "bird"`)
	w.l(2, `veth_mtu: "0"`)
	w.l(2, "cni_network_config: |-")
	w.block(4, configText(r, 80))
	for _, kind := range crdKinds {
		sep()
		crd(w, r, group, kind)
	}
	for _, name := range []string{"cni-kube-controllers", "cni-node"} {
		sep()
		w.l(0, "kind: ClusterRole")
		w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
		w.l(0, "metadata:")
		w.l(2, "name: %s", name)
		w.l(0, "rules:")
		for _, k := range crdKinds {
			w.l(2, "# %s objects", k)
			w.l(2, "- apiGroups: [%q]", group)
			w.l(4, "resources:")
			w.l(6, "- %ss", strings.ToLower(k))
			w.l(4, "verbs:")
			for _, v := range pick(r, verbs) {
				w.l(6, "- %s", v)
			}
		}
		sep()
		w.l(0, "kind: ClusterRoleBinding")
		w.l(0, "apiVersion: rbac.authorization.k8s.io/v1")
		w.l(0, "metadata:")
		w.l(2, "name: %s", name)
		w.l(0, "roleRef:")
		w.l(2, "apiGroup: rbac.authorization.k8s.io")
		w.l(2, "kind: ClusterRole")
		w.l(2, "name: %s", name)
		w.l(0, "subjects:")
		w.l(0, "- kind: ServiceAccount")
		w.l(2, "name: %s", name)
		w.l(2, "namespace: kube-system")
	}
	sep()
	bigDaemonSet(w, r, i)
	sep()
	w.l(0, "apiVersion: apps/v1")
	w.l(0, "kind: Deployment")
	w.l(0, "metadata:")
	w.l(2, "name: cni-kube-controllers")
	w.l(2, "namespace: kube-system")
	w.l(2, "labels: {k8s-app: cni-kube-controllers}")
	w.l(0, "spec:")
	w.l(2, "replicas: 1")
	w.l(2, "selector:")
	w.l(4, "matchLabels: {k8s-app: cni-kube-controllers}")
	w.l(2, "strategy: {type: Recreate}")
	w.l(2, "template:")
	w.l(4, "metadata:")
	w.l(6, "name: cni-kube-controllers")
	w.l(6, "namespace: kube-system")
	w.l(6, "labels: {k8s-app: cni-kube-controllers}")
	w.l(4, "spec:")
	w.l(6, "nodeSelector: {kubernetes.io/os: linux}")
	w.l(6, "tolerations:")
	w.l(8, "- {key: CriticalAddonsOnly, operator: Exists}")
	w.l(8, "- {key: node-role.kubernetes.io/control-plane, effect: NoSchedule}")
	w.l(6, "serviceAccountName: cni-kube-controllers")
	w.l(6, "priorityClassName: system-cluster-critical")
	w.l(6, "containers:")
	w.l(8, "- name: cni-kube-controllers")
	w.l(10, "image: docker.io/example/kube-controllers:v3.28.%d", i)
	w.l(10, "imagePullPolicy: IfNotPresent")
	w.l(10, "env:")
	w.l(12, "- {name: ENABLED_CONTROLLERS, value: node}")
	w.l(12, "- {name: DATASTORE_TYPE, value: kubernetes}")
	w.l(10, "livenessProbe:")
	w.l(12, "exec: {command: [/usr/bin/check-status, -l]}")
	w.l(12, "periodSeconds: 10")
	w.l(12, "initialDelaySeconds: 10")
	w.l(12, "failureThreshold: 6")
	w.l(12, "timeoutSeconds: 10")
	w.l(10, "readinessProbe:")
	w.l(12, "exec: {command: [/usr/bin/check-status, -r]}")
	w.l(12, "periodSeconds: 10")
	return w.b.Bytes(), docs
}

// crd writes a CustomResourceDefinition whose schema is a few hundred
// lines, with the descriptions that make up most of a real CRD.
func crd(w *y, r *rand.Rand, group, kind string) {
	plural := strings.ToLower(kind) + "s"
	w.l(0, "apiVersion: apiextensions.k8s.io/v1")
	w.l(0, "kind: CustomResourceDefinition")
	w.l(0, "metadata:")
	w.l(2, "name: %s.%s", plural, group)
	w.l(0, "spec:")
	w.l(2, "group: %s", group)
	w.l(2, "names:")
	w.l(4, "kind: %s", kind)
	w.l(4, "listKind: %sList", kind)
	w.l(4, "plural: %s", plural)
	w.l(4, "singular: %s", strings.ToLower(kind))
	w.l(2, "preserveUnknownFields: false")
	w.l(2, "scope: Cluster")
	w.l(2, "versions:")
	w.l(4, "- name: v1")
	w.l(6, "served: true")
	w.l(6, "storage: true")
	w.l(6, "schema:")
	w.l(8, "openAPIV3Schema:")
	w.l(10, "description: %s is a resource of the benchmark CNI.", kind)
	w.l(10, "type: object")
	w.l(10, "properties:")
	w.l(12, "apiVersion:")
	w.l(14, "description: 'APIVersion defines the versioned schema of this representation of an object.'")
	w.l(14, "type: string")
	w.l(12, "kind:")
	w.l(14, "type: string")
	w.l(12, "metadata:")
	w.l(14, "type: object")
	w.l(12, "spec:")
	w.l(14, "description: %sSpec contains the specification for a %s resource.", kind, kind)
	schemaProps(w, r, 14, 0)
}

func schemaProps(w *y, r *rand.Rand, indent, depth int) {
	w.l(indent, "type: object")
	w.l(indent, "properties:")
	for _, f := range pickN(r, fieldWords, 6+r.IntN(6)-2*depth) {
		w.l(indent+2, "%s:", f)
		p := indent + 4
		w.l(p, "description: >-")
		w.l(p+2, "%s configures the %s of the resource. When it is not set the default", f, strings.ToLower(f))
		w.l(p+2, "of the cluster applies; see the documentation for %d details.", r.IntN(100))
		switch k := r.IntN(6); {
		case k == 0 && depth < 2:
			schemaProps(w, r, p, depth+1)
		case k == 1 && depth < 2:
			w.l(p, "type: array")
			w.l(p, "items:")
			schemaProps(w, r, p+2, depth+1)
		case k == 2:
			w.l(p, "anyOf:")
			w.l(p, "- type: integer")
			w.l(p, "- type: string")
			w.l(p, "pattern: ^(0|[1-9][0-9]*)%%?$")
			w.l(p, "x-kubernetes-int-or-string: true")
		case k == 3:
			w.l(p, "type: string")
			w.l(p, "enum: [Always, Never, CrossSubnet]")
		case k == 4:
			w.l(p, "type: integer")
			w.l(p, "format: int32")
			w.l(p, "minimum: 0")
		default:
			w.l(p, "type: %s", pick(r, []string{"string", "boolean"}))
		}
	}
}

func bigDaemonSet(w *y, r *rand.Rand, i int) {
	w.l(0, "kind: DaemonSet")
	w.l(0, "apiVersion: apps/v1")
	w.l(0, "metadata:")
	w.l(2, "name: cni-node")
	w.l(2, "namespace: kube-system")
	w.l(2, "labels:")
	w.l(4, "k8s-app: cni-node")
	w.l(2, "annotations:")
	w.l(4, `ignore.everynode.dev/host-network: "the CNI agent configures the host's network"`)
	w.l(4, `ignore.everynode.dev/privileged-container: "it programs routes and iptables on the host"`)
	w.l(0, "spec:")
	w.l(2, "selector:")
	w.l(4, "matchLabels:")
	w.l(6, "k8s-app: cni-node")
	w.l(2, "updateStrategy:")
	w.l(4, "type: RollingUpdate")
	w.l(4, "rollingUpdate:")
	w.l(6, "maxUnavailable: 1")
	w.l(2, "template:")
	w.l(4, "metadata:")
	w.l(6, "labels:")
	w.l(8, "k8s-app: cni-node")
	w.l(4, "spec:")
	s := 6
	w.l(s, "nodeSelector:")
	w.l(s+2, "kubernetes.io/os: linux")
	w.l(s, "hostNetwork: true")
	w.l(s, "tolerations:")
	w.l(s+2, "- effect: NoSchedule")
	w.l(s+4, "operator: Exists")
	w.l(s+2, "- key: CriticalAddonsOnly")
	w.l(s+4, "operator: Exists")
	w.l(s+2, "- effect: NoExecute")
	w.l(s+4, "operator: Exists")
	w.l(s, "serviceAccountName: cni-node")
	w.l(s, "terminationGracePeriodSeconds: 0")
	w.l(s, "priorityClassName: system-node-critical")
	w.l(s, "initContainers:")
	for j, name := range []string{"upgrade-ipam", "install-cni", "mount-bpffs"} {
		w.l(s+2, "- name: %s", name)
		c := s + 4
		w.l(c, "image: docker.io/example/cni:v3.28.%d", i)
		w.l(c, "imagePullPolicy: IfNotPresent")
		w.l(c, "command: [/opt/cni/bin/%s]", name)
		w.l(c, "envFrom:")
		w.l(c, "- configMapRef:")
		w.l(c+4, "name: kubernetes-services-endpoint")
		w.l(c+4, "optional: true")
		w.l(c, "env:")
		bigEnv(w, r, c+2, 8+j*4)
		w.l(c, "volumeMounts:")
		for _, m := range []string{"cni-bin-dir:/host/opt/cni/bin", "cni-net-dir:/host/etc/cni/net.d", "host-local-net-dir:/var/lib/cni/networks"} {
			n, p, _ := strings.Cut(m, ":")
			w.l(c+2, "- mountPath: %s", p)
			w.l(c+4, "name: %s", n)
		}
		w.l(c, "securityContext:")
		w.l(c+2, "privileged: true")
	}
	w.l(s, "containers:")
	w.l(s+2, "- name: cni-node")
	c := s + 4
	w.l(c, "image: docker.io/example/node:v3.28.%d", i)
	w.l(c, "imagePullPolicy: IfNotPresent")
	w.l(c, "envFrom:")
	w.l(c, "- configMapRef:")
	w.l(c+4, "name: kubernetes-services-endpoint")
	w.l(c+4, "optional: true")
	w.l(c, "env:")
	bigEnv(w, r, c+2, 60)
	w.l(c, "securityContext:")
	w.l(c+2, "privileged: true")
	w.l(c, "resources:")
	w.l(c+2, "requests:")
	w.l(c+4, "cpu: 250m")
	w.l(c+4, "memory: 256Mi")
	w.l(c+2, "limits:")
	w.l(c+4, "memory: 1Gi")
	w.l(c, "lifecycle:")
	w.l(c+2, "preStop:")
	w.l(c+4, "exec:")
	w.l(c+6, "command: [/bin/cni-node, -shutdown]")
	w.l(c, "livenessProbe:")
	w.l(c+2, "exec:")
	w.l(c+4, "command: [/bin/cni-node, -felix-live, -bird-live]")
	w.l(c+2, "periodSeconds: 10")
	w.l(c+2, "initialDelaySeconds: 10")
	w.l(c+2, "failureThreshold: 6")
	w.l(c+2, "timeoutSeconds: 10")
	w.l(c, "readinessProbe:")
	w.l(c+2, "exec:")
	w.l(c+4, "command: [/bin/cni-node, -felix-ready, -bird-ready]")
	w.l(c+2, "periodSeconds: 10")
	w.l(c+2, "timeoutSeconds: 10")
	w.l(c, "volumeMounts:")
	mounts := []string{"/host/etc/cni/net.d:cni-net-dir", "/lib/modules:lib-modules", "/run/xtables.lock:xtables-lock",
		"/var/run/cni:var-run-cni", "/var/lib/cni:var-lib-cni", "/var/log/cni/cni:cni-log-dir", "/sys/fs/bpf:bpffs"}
	for _, m := range mounts {
		p, n, _ := strings.Cut(m, ":")
		w.l(c+2, "- mountPath: %s", p)
		w.l(c+4, "name: %s", n)
		if n == "lib-modules" {
			w.l(c+4, "readOnly: true")
		}
	}
	w.l(s, "volumes:")
	for _, v := range [][3]string{{"lib-modules", "/lib/modules", ""}, {"var-run-cni", "/var/run/cni", ""}, {"var-lib-cni", "/var/lib/cni", ""},
		{"xtables-lock", "/run/xtables.lock", "FileOrCreate"}, {"bpffs", "/sys/fs/bpf", "Directory"}, {"cni-bin-dir", "/opt/cni/bin", "DirectoryOrCreate"},
		{"cni-net-dir", "/etc/cni/net.d", ""}, {"cni-log-dir", "/var/log/cni/cni", ""}, {"host-local-net-dir", "/var/lib/cni/networks", ""}} {
		w.l(s+2, "- name: %s", v[0])
		w.l(s+4, "hostPath:")
		w.l(s+6, "path: %s", v[1])
		if v[2] != "" {
			w.l(s+6, "type: %s", v[2])
		}
	}
}

// bigEnv writes n variables, as a CNI agent's long list of settings.
func bigEnv(w *y, r *rand.Rand, indent, n int) {
	w.l(indent, "- name: NODENAME")
	w.l(indent+2, "valueFrom:")
	w.l(indent+4, "fieldRef:")
	w.l(indent+6, "fieldPath: spec.nodeName")
	for k := range n {
		name := fmt.Sprintf("FELIX_%s_%d", strings.ToUpper(pick(r, fieldWords)), k)
		switch r.IntN(3) {
		case 0:
			w.l(indent, "- name: %s", name)
			w.l(indent+2, "valueFrom:")
			w.l(indent+4, "configMapKeyRef:")
			w.l(indent+6, "name: cni-config")
			w.l(indent+6, "key: veth_mtu")
		default:
			w.l(indent, "- name: %s", name)
			w.l(indent+2, "value: %q", pick(r, []string{"true", "false", "ACCEPT", "info", "1440", "autodetect", "k8s,bgp", "192.168.0.0/16"}))
		}
	}
}
