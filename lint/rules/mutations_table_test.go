package rules

// Paths into the valid DaemonSet (testdata/valid-daemonset.yaml).
const (
	vPod   = "spec.template.spec"
	vAgent = vPod + ".containers[0]"
	vInit  = vPod + ".initContainers[0]"
)

// mutations says, for every error-level rule, how to break the valid
// DaemonSet the way the rule describes. A new error-level rule without an
// entry here fails TestMutations.
var mutations = map[string]func(o obj){
	"invalid-object-name": func(o obj) { o.set("metadata.name", "Node_Agent") },
	"invalid-namespace":   func(o obj) { o.set("metadata.namespace", "${NAMESPACE}") },
	"invalid-label":       func(o obj) { o.set("metadata.labels[app.kubernetes.io/part-of]", "observability+logs") },
	"invalid-annotation-key": func(o obj) {
		o.set("spec.template.metadata.annotations[prometheus.io/scrape/port]", "9100")
	},
	"invalid-metadata":       func(o obj) { o.set("metadata.finalizers", []any{"cleanup"}) },
	"invalid-daemonset-spec": func(o obj) { o.set("spec.minReadySeconds", -1) },
	"ephemeral-containers-in-template": func(o obj) {
		o.set(vPod+".ephemeralContainers", []any{map[string]any{"name": "debug", "image": "busybox"}})
	},
	"invalid-reference-name": func(o obj) { o.set(vPod+".priorityClassName", "system:node-critical") },
	"missing-selector":       func(o obj) { o.del("spec.selector") },
	"invalid-selector": func(o obj) {
		o.set("spec.selector.matchExpressions", []any{map[string]any{"key": "tier", "operator": "In"}})
	},
	"selector-mismatch":             func(o obj) { o.set("spec.selector.matchLabels[app.kubernetes.io/instance]", "node-agent-2") },
	"deployment-field-in-daemonset": func(o obj) { o.set("spec.replicas", 3) },
	"invalid-update-strategy":       func(o obj) { o.set("spec.updateStrategy.rollingUpdate.maxUnavailable", "0%") },
	"invalid-restart-policy":        func(o obj) { o.set(vPod+".restartPolicy", "OnFailure") },
	"active-deadline-in-template":   func(o obj) { o.set(vPod+".activeDeadlineSeconds", 3600) },
	"dns-none-without-config":       func(o obj) { o.set(vPod+".dnsPolicy", "None") },
	"invalid-container-name":        func(o obj) { o.set(vInit+".name", "Write_Config") },
	"duplicate-container-name":      func(o obj) { o.set(vInit+".name", "agent") },
	"missing-image":                 func(o obj) { o.del(vInit + ".image") },
	"invalid-port-name": func(o obj) {
		o.set(vAgent+".ports[1]", map[string]any{"name": "prometheus-admin", "containerPort": 9101})
	},
	"duplicate-port-name": func(o obj) {
		o.set(vAgent+".ports[1]", map[string]any{"name": "metrics", "containerPort": 9101})
	},
	"host-port-mismatch": func(o obj) {
		o.set(vPod+".hostNetwork", true)
		o.set(vPod+".dnsPolicy", "ClusterFirstWithHostNet")
		o.set(vAgent+".ports[0].hostPort", 19100)
	},
	"host-port-conflict": func(o obj) {
		o.set(vAgent+".ports[1]", map[string]any{"name": "admin", "containerPort": 9101, "hostPort": 9100})
	},
	"probe-port-not-declared": func(o obj) { o.set(vAgent+".readinessProbe.httpGet.port", "http") },
	"invalid-container": func(o obj) {
		o.set(vAgent+".resizePolicy", []any{map[string]any{"resourceName": "gpu", "restartPolicy": "NotRequired"}})
	},
	"invalid-resources":         func(o obj) { o.set(vAgent+".resources.limits[memory]", "-1") },
	"invalid-security-context":  func(o obj) { o.set(vAgent+".securityContext.runAsUser", -1) },
	"invalid-success-threshold": func(o obj) { o.set(vAgent+".livenessProbe.successThreshold", 3) },
	"probe-in-init-container": func(o obj) {
		o.set(vInit+".readinessProbe", map[string]any{"exec": map[string]any{"command": []any{"true"}}})
	},
	"invalid-volume-name": func(o obj) {
		o.set(vPod+".volumes[2].name", "tmp_dir")
		o.set(vAgent+".volumeMounts[2].name", "tmp_dir")
	},
	"duplicate-volume-name": func(o obj) {
		o.set(vPod+".volumes[3]", map[string]any{"name": "proc", "emptyDir": map[string]any{}})
	},
	"missing-volume":       func(o obj) { o.set(vAgent+".volumeMounts[2].name", "scratch") },
	"invalid-volume-mount": func(o obj) { o.set(vAgent+".volumeMounts[2].subPath", "../etc") },
	"duplicate-mount-path": func(o obj) { o.set(vAgent+".volumeMounts[2].mountPath", "/host/proc") },
	"bidirectional-propagation-without-privileged": func(o obj) {
		o.set(vAgent+".volumeMounts[1].mountPropagation", "Bidirectional")
	},
	"invalid-host-path-type":        func(o obj) { o.set(vPod+".volumes[1].hostPath.type", "directory") },
	"unsupported-value":             func(o obj) { o.set(vAgent+".ports[0].protocol", "tcp") },
	"invalid-toleration":            func(o obj) { o.set(vPod+".tolerations[0].value", "true") },
	"missing-containers":            func(o obj) { o.del(vPod + ".containers") },
	"invalid-port":                  func(o obj) { o.set(vAgent+".ports[1]", map[string]any{"name": "admin"}) },
	"privilege-escalation-conflict": func(o obj) { o.set(vAgent+".securityContext.privileged", true) },
	"invalid-volume-source": func(o obj) {
		o.set(vPod+".volumes[2].hostPath", map[string]any{"path": "/tmp", "type": "Directory"})
	},
	"requests-exceed-limits":   func(o obj) { o.set(vAgent+".resources.requests.memory", "256Mi") },
	"invalid-probe":            func(o obj) { o.set(vAgent+".readinessProbe.exec", map[string]any{"command": []any{"true"}}) },
	"invalid-env":              func(o obj) { o.set(vAgent+".env[0].value", "x") },
	"run-as-non-root-conflict": func(o obj) { o.set(vPod+".securityContext.runAsUser", 0) },
	"probe-on-udp-port":        func(o obj) { o.set(vAgent+".ports[0].protocol", "UDP") },
	"invalid-affinity": func(o obj) {
		o.set(vPod+".affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution", []any{map[string]any{
			"weight": 0, "preference": map[string]any{"matchExpressions": []any{
				map[string]any{"key": "node.example.com/pool", "operator": "Exists"}}}}})
	},
	"invalid-topology-spread": func(o obj) {
		o.set(vPod+".topologySpreadConstraints", []any{map[string]any{
			"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule", "minDomains": 0}})
	},
	"invalid-node-selector": func(o obj) { o.set(vPod+".nodeSelector[node.example.com/pool]", "gpu pool") },
	"invalid-dns-config": func(o obj) {
		o.set(vPod+".dnsConfig", map[string]any{"options": []any{map[string]any{"value": "2"}}})
	},
	"invalid-hostname": func(o obj) { o.set(vPod+".hostname", "agent.example.com") },
	"invalid-pod-spec": func(o obj) {
		o.set(vPod+".readinessGates", []any{map[string]any{"conditionType": "example.com/ready/now"}})
	},
}
