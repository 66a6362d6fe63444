// Package spec is the Daemon spec (everynode.dev/v1alpha1, kind Daemon)
// as Go types, and its decoder.
//
// The types say how a spec is written: their fields carry the spec's
// field names (json tags) and what the schema checks of each (jsonschema
// and doc tags). A value that may be written more than one way (a port as
// metrics:9100, 9100 or a ContainerPort) is a Shorthand: its Forms list
// the ways, and after decoding it holds the long form, the Kubernetes
// value itself. The spec's published JSON Schema
// (schemas/daemon.schema.json) is generated from these types by
// generator/internal/schemagen, so the schema and the decoder read the
// same structure.
//
// Decode reads a document of the shared document model
// (internal/document) once. Every decoded value that the generator maps
// output back from records its field path in the spec (At), from which the
// document gives the line and column.
package spec

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Names of the spec's kind.
const (
	APIVersion = "everynode.dev/v1alpha1"
	Kind       = "Daemon"
)

// RuleIDPattern is the shape of a rule ID an ignore entry names.
const RuleIDPattern = finding.RuleIDPattern

// Daemon is one spec document.
type Daemon struct {
	APIVersion string     `json:"apiVersion" jsonschema:"required,enum=everynode.dev/v1alpha1"`
	Kind       string     `json:"kind" jsonschema:"required,enum=Daemon"`
	Metadata   Metadata   `json:"metadata" jsonschema:"required"`
	Spec       DaemonSpec `json:"spec" jsonschema:"required" doc:"the DaemonSet to generate"`
}

// Metadata names the Daemon; its labels go on every generated object.
type Metadata struct {
	Name        string            `json:"name" jsonschema:"required,minLength=1,maxLength=63" doc:"the DaemonSet's name (a DNS label)"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels" doc:"labels for every generated object and the pod template"`
	Annotations map[string]string `json:"annotations" doc:"annotations for the DaemonSet"`
}

// DaemonSpec is the spec: section. Fields are grouped as the generator
// renders them.
type DaemonSpec struct {
	// The main container.
	Image            string            `json:"image" jsonschema:"required,minLength=1" doc:"the main container's image"`
	ImagePullPolicy  corev1.PullPolicy `json:"imagePullPolicy" jsonschema:"enum=Always|IfNotPresent|Never"`
	ImagePullSecrets []ImagePullSecret `json:"imagePullSecrets"`
	Command          []string          `json:"command"`
	Args             []string          `json:"args"`
	WorkingDir       string            `json:"workingDir"`
	Env              *Env              `json:"env"`
	EnvFrom          []EnvFrom         `json:"envFrom"`
	Ports            []Port            `json:"ports" doc:"NAME:PORT[/PROTOCOL], a port number, or a ContainerPort (hostPort only there)"`
	Resources        *Resources        `json:"resources"`
	LivenessProbe    *Probe            `json:"livenessProbe"`
	ReadinessProbe   *Probe            `json:"readinessProbe"`
	StartupProbe     *Probe            `json:"startupProbe"`
	Lifecycle        *corev1.Lifecycle `json:"lifecycle"`

	// Scheduling.
	NodeSelector      map[string]string    `json:"nodeSelector" doc:"node labels a node must have"`
	NodeAffinity      *NodeAffinity        `json:"nodeAffinity" doc:"node affinity in label-selector syntax"`
	Affinity          *corev1.Affinity     `json:"affinity"`
	Tolerations       []Toleration         `json:"tolerations" doc:"everywhere, control-plane, KEY[=VALUE][:EFFECT], or a Toleration"`
	DNSPolicy         corev1.DNSPolicy     `json:"dnsPolicy" jsonschema:"enum=ClusterFirst|ClusterFirstWithHostNet|Default|None" doc:"default: ClusterFirstWithHostNet with hostNetwork, else the Kubernetes default"`
	DNSConfig         *corev1.PodDNSConfig `json:"dnsConfig"`
	PriorityClassName string               `json:"priorityClassName" doc:"system-node-critical for agents a node cannot work without"`
	// TerminationGracePeriodSeconds is the pod's.
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds" jsonschema:"minimum=0"`

	// Host access.
	HostNetwork bool `json:"hostNetwork" doc:"use the node's network namespace"`
	HostPID     bool `json:"hostPID" doc:"use the node's PID namespace"`
	HostIPC     bool `json:"hostIPC" doc:"use the node's IPC namespace"`

	// Volumes.
	Mounts  []Mount         `json:"mounts" doc:"HOST:CONTAINER[:ro|:rw][:PROPAGATION][:TYPE] host paths, or mount objects"`
	Volumes []corev1.Volume `json:"volumes" doc:"extra volumes (for sidecars, or mounts that name them)"`
	Config  *Config         `json:"config" doc:"inline configuration files, rendered as a ConfigMap whose content hash rolls the pods"`

	// Security and identity.
	SecurityContext    *SecurityContext           `json:"securityContext"`
	PodSecurityContext *corev1.PodSecurityContext `json:"podSecurityContext"`
	ServiceAccount     *ServiceAccount            `json:"serviceAccount"`
	RBAC               *RBAC                      `json:"rbac" doc:"permissions for the service account"`

	// Rollout.
	UpdateStrategy       *UpdateStrategy `json:"updateStrategy"`
	MaxUnavailable       *IntOrPercent   `json:"maxUnavailable" doc:"pods that may be down during a rolling update (default 1)"`
	MaxSurge             *IntOrPercent   `json:"maxSurge" doc:"extra pods during a rolling update; sets maxUnavailable to 0"`
	MinReadySeconds      *int32          `json:"minReadySeconds" jsonschema:"minimum=0"`
	RevisionHistoryLimit *int32          `json:"revisionHistoryLimit" jsonschema:"minimum=0"`

	// More containers.
	InitContainers []corev1.Container `json:"initContainers" doc:"init containers (Kubernetes form)"`
	Sidecars       []corev1.Container `json:"sidecars" doc:"extra containers after the main one (Kubernetes form)"`

	PodAnnotations map[string]string `json:"podAnnotations" doc:"annotations on the pod template (changing them restarts every pod)"`
	Ignore         []Ignore          `json:"ignore" doc:"why this Daemon may break a lint rule: becomes ignore.everynode.dev/<rule> annotations"`
}

// Config is inline configuration: files rendered as a ConfigMap.
type Config struct {
	MountPath string            `json:"mountPath" jsonschema:"required,minLength=1" doc:"the directory the files appear in"`
	Files     map[string]string `json:"files" jsonschema:"required,minProperties=1" doc:"file name → content"`
}

// RBAC is the permissions of the Daemon's service account.
type RBAC struct {
	ClusterRules []ClusterPolicyRule `json:"clusterRules" doc:"rules of a ClusterRole bound to the service account"`
	Rules        []PolicyRule        `json:"rules" doc:"rules of a Role in the Daemon's namespace"`
}

// Ignore says why the Daemon may break a lint rule.
type Ignore struct {
	At
	Rule   RuleID `json:"rule" jsonschema:"required"`
	Reason string `json:"reason" jsonschema:"required,minLength=1" doc:"why the rule does not apply"`
}

// RuleID names a lint rule.
type RuleID string

// Forms implements Shorthand: the schema checks the shape of an ID; which
// IDs exist is the rule catalog's business.
func (RuleID) Forms() Forms {
	return Forms{List: []Form{{Type: "string", Schema: M{"pattern": RuleIDPattern, "patternErrorMessage": "a rule ID is kebab-case, like host-network"}}}}
}

func (r *RuleID) decode(_ *decoder, _ fieldpath.Path, v any) bool {
	*r = RuleID(v.(string))
	return true
}

// At records where a value was written: its field path in the spec
// document. The decoder sets it on every value that embeds it.
type At struct {
	Path fieldpath.Path `json:"-"`
}

// M is a JSON Schema object.
type M = map[string]any

// A Shorthand is a value that may be written in more than one way. The
// schema accepts exactly its Forms, and the decoder reads each of them
// into the value's long form.
type Shorthand interface {
	Forms() Forms
}

// Forms are the ways a Shorthand may be written.
type Forms struct {
	// Doc describes the value as a whole.
	Doc string
	// Definition, when set, names the schema's definition of the value,
	// for values used in several places.
	Definition string
	List       []Form
}

// Form is one way to write a value.
type Form struct {
	// Type is the JSON type the form applies to: string, integer, number,
	// boolean, object or array.
	Type string
	// Schema adds keywords for values of that type (minLength, minimum,
	// enum; minProperties to an object's).
	Schema M
	// Syntax, for an object or a list, is a value of the Go type it is
	// written as: a k8s.io/api type for a Kubernetes long form, a type of
	// this package for a spec form of its own.
	Syntax any
}

// Types lists the JSON types of the forms.
func (f Forms) Types() []string {
	out := make([]string, len(f.List))
	for i, x := range f.List {
		out[i] = x.Type
	}
	return out
}
