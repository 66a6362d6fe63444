package schemagen

import (
	"bytes"
	"encoding/json"
	"reflect"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
)

// branch is one alternative of a shorthand: the JSON type it applies to and
// the schema for values of that type (nil when the type says it all).
type branch struct {
	typ    string
	schema M
}

func alt(typ string, schema M) branch { return branch{typ, schema} }

// union accepts a value of any of the branches' types and validates it
// against the branch of its type. It is written as if/then/else rather
// than oneOf or anyOf so that a validator reports the errors of the one
// branch that applies, not of whichever alternative failed least.
func union(desc string, bs ...branch) M {
	types := make([]any, len(bs))
	for i, b := range bs {
		types[i] = b.typ
	}
	s := M{"type": types}
	if desc != "" {
		s["description"] = desc
	}
	for k, v := range chain(bs) {
		s[k] = v
	}
	return s
}

// chain routes a value to the branch of its type. A $ref never sits next
// to other keywords (draft-07 ignores them there), so the last branch
// always hangs under an else.
func chain(bs []branch) M {
	if len(bs) == 1 {
		if bs[0].schema == nil {
			return M{}
		}
		return bs[0].schema
	}
	s := M{"if": M{"type": bs[0].typ}}
	if bs[0].schema != nil {
		s["then"] = bs[0].schema
	}
	if rest := chain(bs[1:]); len(rest) > 0 {
		s["else"] = rest
	}
	if len(s) == 1 {
		return M{} // no branch checks anything beyond its type
	}
	return s
}

func str(desc string) M {
	s := M{"type": "string"}
	if desc != "" {
		s["description"] = desc
	}
	return s
}

func nonEmpty(desc string) M {
	s := str(desc)
	s["minLength"] = 1
	return s
}

func boolean(desc string) M { return M{"type": "boolean", "description": desc} }

func integer(desc string, min int) M {
	return M{"type": "integer", "minimum": min, "description": desc}
}

func enum(desc string, values ...string) M {
	vs := make([]any, len(values))
	for i, v := range values {
		vs[i] = v
	}
	return M{"type": "string", "enum": vs, "description": desc}
}

func array(desc string, items M) M {
	s := M{"type": "array", "items": items}
	if desc != "" {
		s["description"] = desc
	}
	return s
}

func stringMap(desc string) M {
	return M{"type": "object", "additionalProperties": M{"type": "string"}, "description": desc}
}

func object(desc string, props M, required ...string) M {
	s := M{"type": "object", "properties": props, "additionalProperties": false}
	if desc != "" {
		s["description"] = desc
	}
	if len(required) > 0 {
		r := make([]any, len(required))
		for i, v := range required {
			r[i] = v
		}
		s["required"] = r
	}
	return s
}

func local(name string) M { return M{"$ref": "#/definitions/" + name} }

// Build returns the schema as indented JSON with a trailing newline.
func Build() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(Schema()); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Schema returns the Daemon spec schema.
func Schema() M {
	d := &defs{m: M{}}
	k := func(v any) M { return d.ref(reflect.TypeOf(v)) }

	port := M{"type": []any{"integer", "string"}, "description": "a port number or the name of a port of the container"}
	quantity := M{"type": []any{"string", "number"}, "description": "a quantity: 100m, 64Mi, 1"}
	resourceList := M{"type": "object", "additionalProperties": quantity}

	// The container security context, with seccompProfile also taking a
	// bare type (RuntimeDefault, Unconfined) or a Localhost profile path.
	k(corev1.SecurityContext{})
	secCtx := deepCopy(d.m["io.k8s.api.core.v1.SecurityContext"].(M))
	secCtx["properties"].(M)["seccompProfile"] = union("RuntimeDefault, Unconfined, localhost/<profile>, or a SeccompProfile",
		alt("string", nil), alt("object", k(corev1.SeccompProfile{})))
	secCtx["description"] = "the main container's securityContext; every field set here replaces the secure default for that field"

	d.m["probe"] = object("a probe: one of http, tcp, grpc, exec (shorthands) or httpGet, tcpSocket (Kubernetes forms), plus timing", M{
		"http": union("PATH[:PORT], a port, or {path, port, host, scheme, httpHeaders}",
			alt("integer", M{"minimum": 1, "maximum": 65535}),
			alt("string", nil),
			alt("object", object("", M{
				"path":        str(""),
				"port":        port,
				"host":        str(""),
				"scheme":      enum("", "HTTP", "HTTPS"),
				"httpHeaders": array("", k(corev1.HTTPHeader{})),
			}))),
		"tcp":                           port,
		"grpc":                          union("a port, or {port, service}", alt("integer", M{"minimum": 1, "maximum": 65535}), alt("object", k(corev1.GRPCAction{}))),
		"exec":                          union("a command (list of strings), or {command: [...]}", alt("array", M{"items": M{"type": "string"}, "minItems": 1}), alt("object", k(corev1.ExecAction{}))),
		"httpGet":                       k(corev1.HTTPGetAction{}),
		"tcpSocket":                     k(corev1.TCPSocketAction{}),
		"initialDelaySeconds":           integer("", 0),
		"timeoutSeconds":                integer("", 0),
		"periodSeconds":                 integer("", 0),
		"successThreshold":              integer("", 0),
		"failureThreshold":              integer("", 0),
		"terminationGracePeriodSeconds": integer("", 1),
	})

	envValue := union("a literal value, or {fieldRef | resourceFieldRef | configMapKeyRef | secretKeyRef | value | valueFrom}",
		alt("string", nil), alt("number", nil), alt("boolean", nil),
		alt("object", M{
			"type": "object", "additionalProperties": false, "minProperties": 1, "maxProperties": 1,
			"properties": M{
				"value":            str(""),
				"valueFrom":        k(corev1.EnvVarSource{}),
				"fieldRef":         union("a field path (spec.nodeName, status.hostIP, metadata.name, ...) or an ObjectFieldSelector", alt("string", nil), alt("object", k(corev1.ObjectFieldSelector{}))),
				"resourceFieldRef": union("a resource (limits.memory, requests.cpu, ...) or a ResourceFieldSelector", alt("string", nil), alt("object", k(corev1.ResourceFieldSelector{}))),
				"configMapKeyRef":  union("NAME/KEY or a ConfigMapKeySelector", alt("string", nil), alt("object", k(corev1.ConfigMapKeySelector{}))),
				"secretKeyRef":     union("NAME/KEY or a SecretKeySelector", alt("string", nil), alt("object", k(corev1.SecretKeySelector{}))),
			},
		}))

	mount := object("a volume and where the main container mounts it: Kubernetes Volume and VolumeMount fields together", M{
		"name":             str("the volume's name (default: derived from mountPath)"),
		"mountPath":        nonEmpty("where the volume appears in the container"),
		"readOnly":         boolean("hostPath mounts default to true, others to false"),
		"subPath":          str(""),
		"subPathExpr":      str(""),
		"mountPropagation": enum("", "None", "HostToContainer", "Bidirectional"),
		"hostPath":         union("a host path (type Directory), or a HostPathVolumeSource", alt("string", M{"minLength": 1}), alt("object", k(corev1.HostPathVolumeSource{}))),
		"configMap":        union("a ConfigMap name, or a ConfigMapVolumeSource", alt("string", M{"minLength": 1}), alt("object", k(corev1.ConfigMapVolumeSource{}))),
		"secret":           union("a Secret name, or a SecretVolumeSource", alt("string", M{"minLength": 1}), alt("object", k(corev1.SecretVolumeSource{}))),
		"emptyDir":         k(corev1.EmptyDirVolumeSource{}),
	}, "mountPath")

	policyRule := union("\"VERBS RESOURCES\" (get,list,watch pods,nodes/metrics,ingresses.networking.k8s.io) or a PolicyRule",
		alt("string", M{"minLength": 1}), alt("object", k(rbacv1.PolicyRule{})))

	spec := object("the DaemonSet to generate", M{
		"image":            nonEmpty("the main container's image"),
		"imagePullPolicy":  enum("", "Always", "IfNotPresent", "Never"),
		"imagePullSecrets": array("", union("a Secret name or {name}", alt("string", M{"minLength": 1}), alt("object", k(corev1.LocalObjectReference{})))),
		"command":          array("", str("")),
		"args":             array("", str("")),
		"workingDir":       str(""),
		"env": union("{NAME: value} (shorthand) or a list of EnvVar",
			alt("object", M{"additionalProperties": envValue}),
			alt("array", M{"items": k(corev1.EnvVar{})})),
		"envFrom": array("", object("{configMap: NAME} or {secret: NAME} (shorthands), or an EnvFromSource", M{
			"configMap":    nonEmpty("a ConfigMap name"),
			"secret":       nonEmpty("a Secret name"),
			"configMapRef": k(corev1.ConfigMapEnvSource{}),
			"secretRef":    k(corev1.SecretEnvSource{}),
			"prefix":       str(""),
			"optional":     boolean(""),
		})),
		"ports": array("NAME:PORT[/PROTOCOL], a port number, or a ContainerPort (hostPort only there)",
			union("", alt("integer", M{"minimum": 1, "maximum": 65535}), alt("string", M{"minLength": 1}), alt("object", k(corev1.ContainerPort{})))),
		"resources": M{
			"type":        "object",
			"description": "short form {cpu, memory, ...} or long form {requests, limits}",
			"properties": M{
				"requests": resourceList,
				"limits":   resourceList,
				"claims":   array("", k(corev1.ResourceClaim{})),
			},
			"additionalProperties": quantity,
		},
		"livenessProbe":  local("probe"),
		"readinessProbe": local("probe"),
		"startupProbe":   local("probe"),
		"lifecycle":      k(corev1.Lifecycle{}),
		"nodeSelector":   stringMap("node labels a node must have"),
		"nodeAffinity": object("node affinity in label-selector syntax", M{
			"required": array("terms, any of which a node must match; each a label selector (key=value,key in (a,b),key,!key) or a NodeSelectorTerm",
				union("", alt("string", M{"minLength": 1}), alt("object", k(corev1.NodeSelectorTerm{})))),
			"preferred": array("weighted terms the scheduler prefers", object("", M{
				"weight":     M{"type": "integer", "minimum": 1, "maximum": 100},
				"match":      nonEmpty("a label selector"),
				"preference": k(corev1.NodeSelectorTerm{}),
			}, "weight")),
		}),
		"affinity": k(corev1.Affinity{}),
		"tolerations": array("everywhere, control-plane, KEY[=VALUE][:EFFECT], or a Toleration",
			union("", alt("string", M{"minLength": 1}), alt("object", k(corev1.Toleration{})))),
		"hostNetwork": boolean("use the node's network namespace"),
		"hostPID":     boolean("use the node's PID namespace"),
		"hostIPC":     boolean("use the node's IPC namespace"),
		"dnsPolicy":   enum("default: ClusterFirstWithHostNet with hostNetwork, else the Kubernetes default", "ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"),
		"dnsConfig":   k(corev1.PodDNSConfig{}),
		"mounts": array("HOST:CONTAINER[:ro|:rw][:PROPAGATION][:TYPE] host paths, or mount objects",
			union("", alt("string", M{"minLength": 1}), alt("object", mount))),
		"volumes": array("extra volumes (for sidecars, or mounts that name them)", k(corev1.Volume{})),
		"config": object("inline configuration files, rendered as a ConfigMap whose content hash rolls the pods", M{
			"mountPath": nonEmpty("the directory the files appear in"),
			"files":     M{"type": "object", "minProperties": 1, "additionalProperties": M{"type": "string"}, "description": "file name → content"},
		}, "mountPath", "files"),
		"securityContext":    secCtx,
		"podSecurityContext": k(corev1.PodSecurityContext{}),
		"serviceAccount": union("an existing ServiceAccount's name, or {name, create, automountToken, annotations}",
			alt("string", M{"minLength": 1}),
			alt("object", object("", M{
				"name":           str("default: the Daemon's name"),
				"create":         boolean("default true"),
				"automountToken": boolean("default true"),
				"annotations":    stringMap(""),
			}))),
		"rbac": object("permissions for the service account", M{
			"clusterRules": array("rules of a ClusterRole bound to the service account", policyRule),
			"rules":        array("rules of a Role in the Daemon's namespace", policyRule),
		}),
		"updateStrategy": union("RollingUpdate (default), OnDelete, or a DaemonSetUpdateStrategy",
			alt("string", M{"enum": []any{"RollingUpdate", "OnDelete"}}), alt("object", k(appsv1.DaemonSetUpdateStrategy{}))),
		"maxUnavailable":                M{"type": []any{"integer", "string"}, "description": "pods that may be down during a rolling update (default 1)"},
		"maxSurge":                      M{"type": []any{"integer", "string"}, "description": "extra pods during a rolling update; sets maxUnavailable to 0"},
		"minReadySeconds":               integer("", 0),
		"revisionHistoryLimit":          integer("", 0),
		"terminationGracePeriodSeconds": integer("", 0),
		"priorityClassName":             str("system-node-critical for agents a node cannot work without"),
		"initContainers":                array("init containers (Kubernetes form)", k(corev1.Container{})),
		"sidecars":                      array("extra containers after the main one (Kubernetes form)", k(corev1.Container{})),
		"podAnnotations":                stringMap("annotations on the pod template (changing them restarts every pod)"),
		"ignore": array("why this Daemon may break a lint rule: becomes ignore.everynode.dev/<rule> annotations", object("", M{
			"rule":   M{"type": "string", "pattern": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$", "patternErrorMessage": "a rule ID is kebab-case, like host-network"},
			"reason": nonEmpty("why the rule does not apply"),
		}, "rule", "reason")),
	}, "image")

	root := object("", M{
		"apiVersion": M{"type": "string", "enum": []any{"everynode.dev/v1alpha1"}},
		"kind":       M{"type": "string", "enum": []any{"Daemon"}},
		"metadata": object("", M{
			"name":        M{"type": "string", "minLength": 1, "maxLength": 63, "description": "the DaemonSet's name (a DNS label)"},
			"namespace":   str(""),
			"labels":      stringMap("labels for every generated object and the pod template"),
			"annotations": stringMap("annotations for the DaemonSet"),
		}, "name"),
		"spec": spec,
	}, "apiVersion", "kind", "metadata", "spec")
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["title"] = "everynode Daemon spec (everynode.dev/v1alpha1)"
	root["description"] = "A compact spec from which everynode generates a DaemonSet and the objects it needs."
	root["definitions"] = d.m
	return root
}

func deepCopy(m M) M {
	out := make(M, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case M:
			out[k] = deepCopy(v)
		default:
			out[k] = v
		}
	}
	return out
}
