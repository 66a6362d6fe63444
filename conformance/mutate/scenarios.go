package mutate

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Scenarios are hand-written changes across fields: the constraints no
// single field's value shows (a selector that does not select the
// template, a mount of a volume that does not exist, hostNetwork with a
// hostPort that differs from the container port), and a few whole-object
// cases. Each is applied to every base; apply returns false when the base
// does not have what the scenario needs.
type scenario struct {
	name  string
	apply func(root *yaml.Node) bool
}

// node walks a path of the form a.b[0].c, creating mappings for missing
// keys when create is set; an index must exist (or be the next one, which
// appends an empty mapping when create is set).
func node(root *yaml.Node, path string, create bool) *yaml.Node {
	cur := root
	for _, part := range splitPath(path) {
		if i, err := strconv.Atoi(part); err == nil {
			if cur.Kind != yaml.SequenceNode {
				return nil
			}
			if i == len(cur.Content) && create {
				cur.Content = append(cur.Content, mapping())
			}
			if i >= len(cur.Content) {
				return nil
			}
			cur = cur.Content[i]
			continue
		}
		if cur.Kind != yaml.MappingNode {
			return nil
		}
		next := get(cur, part)
		if next == nil || next.Tag == "!!null" {
			if !create {
				return nil
			}
			next = mapping()
			set(cur, part, next)
		}
		cur = next
	}
	return cur
}

func splitPath(p string) []string {
	p = strings.ReplaceAll(p, "[", ".")
	p = strings.ReplaceAll(p, "]", "")
	return strings.Split(p, ".")
}

// put sets the value at path (YAML snippet), creating parents.
func put(root *yaml.Node, path, value string) bool {
	i := strings.LastIndex(path, ".")
	parent, key := root, path
	if i >= 0 {
		parent, key = node(root, path[:i], true), path[i+1:]
	}
	if parent == nil || parent.Kind != yaml.MappingNode {
		return false
	}
	set(parent, key, mustYAML(value))
	return true
}

// drop removes the field at path; false when it is not there.
func drop(root *yaml.Node, path string) bool {
	i := strings.LastIndex(path, ".")
	parent, key := root, path
	if i >= 0 {
		parent, key = node(root, path[:i], false), path[i+1:]
	}
	if parent == nil || get(parent, key) == nil {
		return false
	}
	del(parent, key)
	return true
}

// appendTo appends a YAML snippet to the list at path (created if
// missing).
func appendTo(root *yaml.Node, path, value string) bool {
	i := strings.LastIndex(path, ".")
	parent := node(root, path[:i], true)
	if parent == nil || parent.Kind != yaml.MappingNode {
		return false
	}
	l := get(parent, path[i+1:])
	if l == nil || l.Kind != yaml.SequenceNode {
		l = seq()
		set(parent, path[i+1:], l)
	}
	l.Content = append(l.Content, mustYAML(value))
	return true
}

const (
	pod = "spec.template.spec"
	c0  = pod + ".containers[0]"
)

// all runs steps in order; the scenario applies when every step does.
func all(steps ...func(*yaml.Node) bool) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool {
		for _, s := range steps {
			if !s(r) {
				return false
			}
		}
		return true
	}
}

func p(path, value string) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool { return put(r, path, value) }
}

func d(path string) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool { return drop(r, path) }
}

func a(path, value string) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool { return appendTo(r, path, value) }
}

// copyContainer appends a copy of the first container, renamed unless
// keepName.
func copyContainer(list string, keepName bool) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool {
		c := node(r, c0, false)
		if c == nil {
			return false
		}
		cc := clone(c)
		if !keepName {
			set(cc, "name", str("copy"))
		}
		l := node(r, pod, true)
		ln := get(l, list)
		if ln == nil || ln.Kind != yaml.SequenceNode {
			ln = seq()
			set(l, list, ln)
		}
		ln.Content = append(ln.Content, cc)
		return true
	}
}

// replaceRoot replaces the whole object.
func replaceRoot(value string) func(*yaml.Node) bool {
	return func(r *yaml.Node) bool { *r = *mustYAML(value); return true }
}

var scenarios = []scenario{
	// The object.
	{"api-version-apps-v1beta2", p("apiVersion", "apps/v1beta2")},
	{"api-version-extensions-v1beta1", p("apiVersion", "extensions/v1beta1")},
	{"api-version-v1", p("apiVersion", "v1")},
	{"api-version-missing", d("apiVersion")},
	{"kind-lowercase", p("kind", "Daemonset")},
	{"kind-missing", d("kind")},
	{"empty-object", replaceRoot(`{apiVersion: apps/v1, kind: DaemonSet}`)},
	{"spec-missing", d("spec")},
	{"name-missing", d("metadata.name")},
	{"name-uppercase", p("metadata.name", "Node-Agent")},
	{"name-254", p("metadata.name", strings.Repeat("a", 254))},
	{"generate-name-only", all(d("metadata.name"), p("metadata.generateName", "agent-"))},
	{"namespace-invalid", p("metadata.namespace", "Kube_System")},
	{"resource-version-set", p("metadata.resourceVersion", `"12345"`)},
	{"uid-set", p("metadata.uid", "0b5ea6a7-3b5c-4f7e-9d0e-3c1f2b4a5d6e")},
	{"status-set", p("status", `{numberReady: 3, desiredNumberScheduled: 3}`)},
	{"status-unknown-field", p("status", `{bogus: 1}`)},
	{"two-owner-controllers", all(
		a("metadata.ownerReferences", `{apiVersion: v1, kind: ConfigMap, name: a, uid: 0b5ea6a7-3b5c-4f7e-9d0e-3c1f2b4a5d6e, controller: true}`),
		a("metadata.ownerReferences", `{apiVersion: v1, kind: ConfigMap, name: b, uid: 1b5ea6a7-3b5c-4f7e-9d0e-3c1f2b4a5d6e, controller: true}`))},

	// The DaemonSet spec.
	{"selector-mismatch", p("spec.selector", `{matchLabels: {app: something-else}}`)},
	{"selector-empty", p("spec.selector", `{}`)},
	{"selector-missing", d("spec.selector")},
	{"selector-expression-mismatch", a("spec.selector.matchExpressions", `{key: tier, operator: In, values: [node]}`)},
	{"template-labels-missing", d("spec.template.metadata.labels")},
	{"template-missing", d("spec.template")},
	{"replicas", p("spec.replicas", "3")},
	{"deployment-strategy", p("spec.strategy", `{type: RollingUpdate}`)},
	{"paused", p("spec.paused", "true")},
	{"template-generation", p("spec.templateGeneration", "5")},
	{"on-delete-with-rolling-update", p("spec.updateStrategy", `{type: OnDelete, rollingUpdate: {maxUnavailable: 1}}`)},
	{"on-delete", p("spec.updateStrategy", `{type: OnDelete}`)},
	{"rolling-update-zero-zero", p("spec.updateStrategy", `{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 0}}`)},
	{"rolling-update-surge-only", p("spec.updateStrategy", `{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: "25%"}}`)},
	{"rolling-update-both", p("spec.updateStrategy", `{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 1}}`)},
	{"rolling-update-110-percent", p("spec.updateStrategy", `{type: RollingUpdate, rollingUpdate: {maxUnavailable: "110%"}}`)},
	{"rolling-update-type-missing", p("spec.updateStrategy", `{rollingUpdate: {maxUnavailable: 1}}`)},
	{"negative-revision-history", p("spec.revisionHistoryLimit", "-1")},
	{"negative-min-ready", p("spec.minReadySeconds", "-1")},

	// The pod.
	{"restart-policy-never", p(pod+".restartPolicy", "Never")},
	{"restart-policy-on-failure", p(pod+".restartPolicy", "OnFailure")},
	{"active-deadline", p(pod+".activeDeadlineSeconds", "30")},
	{"no-containers", d(pod + ".containers")},
	{"empty-containers", p(pod+".containers", "[]")},
	{"ephemeral-container", a(pod+".ephemeralContainers", `{name: debugger, image: busybox:1.36}`)},
	{"duplicate-container-name", copyContainer("containers", true)},
	{"init-container-named-like-container", copyContainer("initContainers", true)},
	{"second-container", copyContainer("containers", false)},
	{"host-network-port-mismatch", all(p(pod+".hostNetwork", "true"), a(c0+".ports", `{containerPort: 18090, hostPort: 18091}`))},
	{"host-network-port-without-host-port", all(p(pod+".hostNetwork", "true"), a(c0+".ports", `{containerPort: 18090}`))},
	{"host-port-without-host-network", all(d(pod+".hostNetwork"), a(c0+".ports", `{containerPort: 18090, hostPort: 18091}`))},
	{"duplicate-host-port", all(a(c0+".ports", `{containerPort: 18090, hostPort: 18092}`), a(c0+".ports", `{containerPort: 18091, hostPort: 18092}`))},
	{"duplicate-host-port-other-protocol", all(a(c0+".ports", `{containerPort: 18090, hostPort: 18092}`), a(c0+".ports", `{containerPort: 18091, hostPort: 18092, protocol: UDP}`))},
	{"duplicate-container-port", all(a(c0+".ports", `{containerPort: 18090}`), a(c0+".ports", `{containerPort: 18090}`))},
	{"duplicate-port-name", all(a(c0+".ports", `{name: dup, containerPort: 18090}`), a(c0+".ports", `{name: dup, containerPort: 18091}`))},
	{"max-surge-with-host-port", all(p("spec.updateStrategy", `{type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 1}}`), a(c0+".ports", `{containerPort: 18090, hostPort: 18090}`))},
	{"probe-named-port-undeclared", p(c0+".readinessProbe", `{httpGet: {path: /, port: undeclared}}`)},
	{"probe-no-handler", p(c0+".livenessProbe", `{periodSeconds: 10}`)},
	{"probe-two-handlers", p(c0+".livenessProbe", `{exec: {command: [/bin/true]}, tcpSocket: {port: 8080}}`)},
	{"probe-tcp-without-port", p(c0+".startupProbe", `{tcpSocket: {}}`)},
	{"probe-http-without-port", p(c0+".readinessProbe", `{httpGet: {path: /}}`)},
	{"probe-grpc-without-port", p(c0+".readinessProbe", `{grpc: {}}`)},
	{"probe-exec-without-command", p(c0+".readinessProbe", `{exec: {}}`)},
	{"liveness-success-threshold", p(c0+".livenessProbe", `{exec: {command: [/bin/true]}, successThreshold: 2}`)},
	{"startup-success-threshold", p(c0+".startupProbe", `{exec: {command: [/bin/true]}, successThreshold: 2}`)},
	{"probe-termination-grace-zero", p(c0+".livenessProbe", `{exec: {command: [/bin/true]}, terminationGracePeriodSeconds: 0}`)},
	{"probe-on-init-container", a(pod+".initContainers", `{name: init-probed, image: busybox:1.36, readinessProbe: {exec: {command: [/bin/true]}}}`)},
	{"lifecycle-on-init-container", a(pod+".initContainers", `{name: init-hooked, image: busybox:1.36, lifecycle: {preStop: {exec: {command: [/bin/true]}}}}`)},
	{"sidecar-with-probes", a(pod+".initContainers", `{name: sidecar, image: busybox:1.36, restartPolicy: Always, readinessProbe: {exec: {command: [/bin/true]}}, livenessProbe: {exec: {command: [/bin/true]}}}`)},
	{"init-container-restart-never", a(pod+".initContainers", `{name: init-never, image: busybox:1.36, restartPolicy: Never}`)},
	{"lifecycle-empty-handler", p(c0+".lifecycle", `{preStop: {}}`)},
	{"lifecycle-two-handlers", p(c0+".lifecycle", `{preStop: {exec: {command: [/bin/true]}, sleep: {seconds: 1}}}`)},
	{"lifecycle-sleep-negative", p(c0+".lifecycle", `{preStop: {sleep: {seconds: -1}}}`)},
	{"lifecycle-sleep-zero", p(c0+".lifecycle", `{preStop: {sleep: {seconds: 0}}}`)},
	{"lifecycle-sleep-beyond-grace", all(p(pod+".terminationGracePeriodSeconds", "10"), p(c0+".lifecycle", `{preStop: {sleep: {seconds: 30}}}`))},
	{"stop-signal-without-os", p(c0+".lifecycle", `{stopSignal: SIGUSR1}`)},
	{"stop-signal-linux", all(p(pod+".os", `{name: linux}`), p(c0+".lifecycle", `{stopSignal: SIGUSR1}`))},
	{"mount-unknown-volume", a(c0+".volumeMounts", `{name: no-such-volume, mountPath: /nowhere}`)},
	{"mount-sub-path-and-expr", a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/x, subPath: a, subPathExpr: $(POD_NAME)}`)},
	{"mount-sub-path-absolute", a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/x, subPath: /abs}`)},
	{"mount-sub-path-parent", a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/x, subPath: ../up}`)},
	{"mount-duplicate-path", all(a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/same}`), a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/same}`))},
	{"mount-recursive-read-only-without-read-only", a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/rro, recursiveReadOnly: Enabled}`)},
	{"mount-recursive-read-only-with-propagation", a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/rro, readOnly: true, recursiveReadOnly: Enabled, mountPropagation: HostToContainer}`)},
	{"mount-bidirectional-unprivileged", all(p(c0+".securityContext.privileged", "false"), a(c0+".volumeMounts", `{name: mut-vol, mountPath: /mnt/bi, mountPropagation: Bidirectional}`))},
	{"device-unknown-volume", a(c0+".volumeDevices", `{name: no-such-volume, devicePath: /dev/x}`)},
	{"device-non-block-volume", a(c0+".volumeDevices", `{name: mut-vol, devicePath: /dev/x}`)},
	{"duplicate-volume", all(a(pod+".volumes", `{name: dup-vol, emptyDir: {}}`), a(pod+".volumes", `{name: dup-vol, emptyDir: {}}`))},
	{"volume-no-source", a(pod+".volumes", `{name: sourceless}`)},
	{"volume-two-sources", a(pod+".volumes", `{name: two-sources, emptyDir: {}, hostPath: {path: /tmp}}`)},
	{"config-map-items-duplicate-path", a(pod+".volumes", `{name: items, configMap: {name: cm, items: [{key: a, path: same}, {key: b, path: same}]}}`)},
	{"projected-duplicate-path", a(pod+".volumes", `{name: proj, projected: {sources: [{configMap: {name: a, items: [{key: k, path: same}]}}, {secret: {name: b, items: [{key: k, path: same}]}}]}}`)},
	{"projected-two-tokens-same-path", a(pod+".volumes", `{name: proj, projected: {sources: [{serviceAccountToken: {path: token}}, {serviceAccountToken: {path: token}}]}}`)},
	{"downward-volume-env-only-field", a(pod+".volumes", `{name: dw, downwardAPI: {items: [{path: node, fieldRef: {fieldPath: spec.nodeName}}]}}`)},
	{"env-value-and-value-from", a(c0+".env", `{name: BOTH, value: x, valueFrom: {fieldRef: {fieldPath: metadata.name}}}`)},
	{"env-value-from-two-sources", a(c0+".env", `{name: TWO, valueFrom: {fieldRef: {fieldPath: metadata.name}, secretKeyRef: {name: s, key: k}}}`)},
	{"env-value-from-empty", a(c0+".env", `{name: EMPTY, valueFrom: {}}`)},
	{"env-field-ref-label-key", a(c0+".env", `{name: LABEL, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}`)},
	{"env-duplicate-name", all(a(c0+".env", `{name: DUP, value: a}`), a(c0+".env", `{name: DUP, value: b}`))},
	{"env-resource-other-container", a(c0+".env", `{name: OTHER, valueFrom: {resourceFieldRef: {containerName: no-such-container, resource: limits.cpu}}}`)},
	{"env-from-two-sources", a(c0+".envFrom", `{configMapRef: {name: a}, secretRef: {name: b}}`)},
	{"env-from-no-source", a(c0+".envFrom", `{prefix: X_}`)},
	{"requests-above-limits", p(c0+".resources", `{requests: {cpu: "2", memory: 2Gi}, limits: {cpu: "1", memory: 1Gi}}`)},
	{"limits-only", p(c0+".resources", `{limits: {cpu: 500m, memory: 256Mi}}`)},
	{"hugepages-without-cpu-or-memory", p(c0+".resources", `{limits: {hugepages-2Mi: 100Mi}, requests: {hugepages-2Mi: 100Mi}}`)},
	{"hugepages-request-differs", p(c0+".resources", `{limits: {memory: 1Gi, hugepages-2Mi: 100Mi}, requests: {memory: 1Gi, hugepages-2Mi: 50Mi}}`)},
	{"extended-resource-request-differs", p(c0+".resources", `{requests: {example.com/gpu: 1}, limits: {example.com/gpu: 2}}`)},
	{"extended-resource-request-only", p(c0+".resources", `{requests: {example.com/gpu: 1}}`)},
	{"extended-resource-fraction", p(c0+".resources", `{requests: {example.com/gpu: 500m}, limits: {example.com/gpu: 500m}}`)},
	{"resource-claim-unknown", p(c0+".resources", `{claims: [{name: no-such-claim}]}`)},
	{"resource-claim-duplicate", all(p(c0+".resources", `{claims: [{name: mut-claim}, {name: mut-claim}]}`), a(pod+".resourceClaims", `{name: mut-claim, resourceClaimTemplateName: t}`))},
	{"pod-resources", p(pod+".resources", `{requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: "1", memory: 1Gi}}`)},
	{"pod-resources-below-containers", p(pod+".resources", `{limits: {cpu: 1m, memory: 1Mi}}`)},
	{"resize-policy-duplicate", p(c0+".resizePolicy", `[{resourceName: cpu, restartPolicy: NotRequired}, {resourceName: cpu, restartPolicy: RestartContainer}]`)},
	{"privileged-no-escalation", p(c0+".securityContext", `{privileged: true, allowPrivilegeEscalation: false}`)},
	{"sys-admin-no-escalation", p(c0+".securityContext", `{allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}`)},
	{"cap-sys-admin-no-escalation", p(c0+".securityContext", `{allowPrivilegeEscalation: false, capabilities: {add: [CAP_SYS_ADMIN]}}`)},
	{"seccomp-localhost-without-profile", p(pod+".securityContext.seccompProfile", `{type: Localhost}`)},
	{"seccomp-runtime-default-with-profile", p(pod+".securityContext.seccompProfile", `{type: RuntimeDefault, localhostProfile: x.json}`)},
	{"seccomp-annotation-mismatch", all(p(pod+".securityContext.seccompProfile", `{type: RuntimeDefault}`), p("spec.template.metadata.annotations", `{seccomp.security.alpha.kubernetes.io/pod: unconfined}`))},
	{"apparmor-localhost-without-profile", p(c0+".securityContext.appArmorProfile", `{type: Localhost}`)},
	{"apparmor-annotation-mismatch", all(p(c0+".securityContext.appArmorProfile", `{type: RuntimeDefault}`), p("spec.template.metadata.annotations", `{"container.apparmor.security.beta.kubernetes.io/x": unconfined}`))},
	{"host-process-without-host-network", p(pod+".securityContext.windowsOptions", `{hostProcess: true}`)},
	{"host-process-linux", all(p(pod+".os", `{name: linux}`), p(c0+".securityContext.windowsOptions", `{hostProcess: true}`))},
	{"windows-with-selinux", all(p(pod+".os", `{name: windows}`), p(pod+".securityContext.seLinuxOptions", `{type: spc_t}`))},
	{"windows-with-run-as-group", all(p(pod+".os", `{name: windows}`), p(c0+".securityContext.runAsGroup", `1000`))},
	{"host-users-false-host-network", all(p(pod+".hostUsers", "false"), p(pod+".hostNetwork", "true"))},
	{"host-users-false-host-pid", all(p(pod+".hostUsers", "false"), p(pod+".hostPID", "true"))},
	{"host-users-false-privileged", all(p(pod+".hostUsers", "false"), p(c0+".securityContext.privileged", "true"))},
	{"proc-mount-unmasked", p(c0+".securityContext.procMount", "Unmasked")},
	{"proc-mount-unmasked-host-users-false", all(p(pod+".hostUsers", "false"), p(c0+".securityContext.procMount", "Unmasked"))},
	{"share-process-namespace-host-pid", all(p(pod+".hostPID", "true"), p(pod+".shareProcessNamespace", "true"))},
	{"sysctl-duplicate", p(pod+".securityContext.sysctls", `[{name: kernel.shm_rmid_forced, value: "0"}, {name: kernel.shm_rmid_forced, value: "1"}]`)},
	{"sysctl-net-host-network", all(p(pod+".hostNetwork", "true"), p(pod+".securityContext.sysctls", `[{name: net.ipv4.ip_unprivileged_port_start, value: "0"}]`))},
	{"sysctl-ipc-host-ipc", all(p(pod+".hostIPC", "true"), p(pod+".securityContext.sysctls", `[{name: kernel.shm_rmid_forced, value: "1"}]`))},
	{"supplemental-groups-policy-strict", p(pod+".securityContext.supplementalGroupsPolicy", "Strict")},
	{"dns-none-without-config", all(p(pod+".dnsPolicy", "None"), d(pod+".dnsConfig"))},
	{"dns-none-empty-config", all(p(pod+".dnsPolicy", "None"), p(pod+".dnsConfig", `{}`))},
	{"dns-four-nameservers", p(pod+".dnsConfig", `{nameservers: [10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4]}`)},
	{"dns-option-without-name", p(pod+".dnsConfig", `{options: [{value: "1"}]}`)},
	{"dns-33-searches", p(pod+".dnsConfig", `{searches: [`+strings.TrimSuffix(strings.Repeat("a.example.com, ", 33), ", ")+`]}`)},
	{"set-hostname-fqdn-without-hostname", p(pod+".setHostnameAsFQDN", "true")},
	{"host-alias-host-network", all(p(pod+".hostNetwork", "true"), a(pod+".hostAliases", `{ip: 10.0.0.1, hostnames: [a.local]}`))},
	{"host-alias-no-hostnames", a(pod+".hostAliases", `{ip: 10.0.0.1}`)},
	{"node-affinity-no-terms", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: []}}`)},
	{"node-affinity-empty-term", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{}]}}`)},
	{"node-affinity-in-without-values", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: In}]}]}}`)},
	{"node-affinity-exists-with-values", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists, values: [b]}]}]}}`)},
	{"node-affinity-gt-not-integer", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Gt, values: [x]}]}]}}`)},
	{"node-affinity-gt-two-values", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Gt, values: ["1", "2"]}]}]}}`)},
	{"node-affinity-field-metadata-name", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [node-1]}]}]}}`)},
	{"node-affinity-field-other", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.labels, operator: In, values: [x]}]}]}}`)},
	{"node-affinity-field-two-values", p(pod+".affinity.nodeAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [a, b]}]}]}}`)},
	{"node-affinity-weight-zero", p(pod+".affinity.nodeAffinity", `{preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {matchExpressions: [{key: a, operator: Exists}]}}]}`)},
	{"pod-affinity-no-topology-key", p(pod+".affinity.podAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {a: b}}}]}`)},
	{"pod-anti-affinity-match-label-keys-conflict", p(pod+".affinity.podAntiAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {a: b}}, matchLabelKeys: [a], mismatchLabelKeys: [a]}]}`)},
	{"pod-affinity-match-label-keys-without-selector", p(pod+".affinity.podAffinity", `{requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, matchLabelKeys: [a]}]}`)},
	{"spread-min-domains-schedule-anyway", a(pod+".topologySpreadConstraints", `{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}`)},
	{"spread-min-domains-do-not-schedule", a(pod+".topologySpreadConstraints", `{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, minDomains: 2}`)},
	{"spread-duplicate", all(a(pod+".topologySpreadConstraints", `{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}`), a(pod+".topologySpreadConstraints", `{maxSkew: 2, topologyKey: zone, whenUnsatisfiable: DoNotSchedule}`))},
	{"spread-match-label-keys-in-selector", a(pod+".topologySpreadConstraints", `{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {a: b}}, matchLabelKeys: [a]}`)},
	{"toleration-exists-with-value", a(pod+".tolerations", `{key: a, operator: Exists, value: b}`)},
	{"toleration-no-key-equal", a(pod+".tolerations", `{operator: Equal, value: b}`)},
	{"toleration-seconds-no-execute-missing", a(pod+".tolerations", `{key: a, operator: Exists, effect: NoSchedule, tolerationSeconds: 30}`)},
	{"toleration-gt", a(pod+".tolerations", `{key: a, operator: Gt, value: "5"}`)},
	{"priority-set", p(pod+".priority", "1000")},
	{"service-account-mismatch", all(p(pod+".serviceAccountName", "a"), p(pod+".serviceAccount", "b"))},
	{"node-name-set", p(pod+".nodeName", "node-1")},
	{"scheduling-gate", a(pod+".schedulingGates", `{name: example.com/gate}`)},
	{"overhead-without-runtime-class", p(pod+".overhead", `{cpu: 10m}`)},
	{"image-pull-secret-empty-name", a(pod+".imagePullSecrets", `{name: ""}`)},
	{"readiness-gate-bad", a(pod+".readinessGates", `{conditionType: "bad condition"}`)},
	{"os-windows", p(pod+".os", `{name: windows}`)},
	{"termination-grace-negative", p(pod+".terminationGracePeriodSeconds", "-1")},
	{"restart-rules-on-regular-container", p(c0+".restartPolicyRules", `[{action: Restart, exitCodes: {operator: In, values: [42]}}]`)},
	{"container-restart-policy-always", p(c0+".restartPolicy", "Always")},
	{"workload-ref", p(pod+".workloadRef", `{name: w, podGroup: g}`)},
	{"duplicate-key-top", func(r *yaml.Node) bool {
		if len(r.Content) < 2 {
			return false
		}
		r.Content = append(r.Content, clone(r.Content[0]), clone(r.Content[1]))
		return true
	}},
	{"not-a-mapping", replaceRoot(`[apps/v1, DaemonSet]`)},
}

// Scenarios is the number of hand-written scenarios.
func Scenarios() int { return len(scenarios) }
