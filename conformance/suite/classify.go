package suite

import (
	"bytes"
	"regexp"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/conformance/everynode"
	"github.com/everynode/everynode/conformance/oracle"
	"github.com/everynode/everynode/lint/fieldpath"
)

var (
	trailingValue = regexp.MustCompile(`^(.*[a-z]): \S*$`)
	indexRe       = regexp.MustCompile(`\[[^\]]*\]`)
	digitRe       = regexp.MustCompile(`\d+`)
)

// NormalizePath writes every list index and map key of a field path as
// [*]: spec.template.spec.containers[*].ports[*].containerPort.
func NormalizePath(p string) string { return indexRe.ReplaceAllString(p, "[*]") }

// stripIndices removes indices and keys: the decoder's type errors name
// fields without them (spec.template.spec.containers.ports.containerPort).
func stripIndices(p string) string { return indexRe.ReplaceAllString(p, "") }

// pathMatches reports whether one of everynode's errors names the field
// of Kubernetes' first error. The decoder's paths have no indices, so
// for those the comparison ignores indices. A map key is a key either
// way: Kubernetes writes every one in brackets (limits[cpu]), everynode's
// field paths only those that are not plain names (limits.cpu,
// labels[app.kubernetes.io/name]), so both are compared as everynode
// writes them. Some validation paths leave out the index of a list item
// (volumeMounts.subPath for the subPath of volumeMounts[2]): an everynode
// path that is Kubernetes' with such indices added names the same field,
// in the item it is in.
func pathMatches(first oracle.Error, ev everynode.Verdict) bool {
	if first.Field == "" {
		return false
	}
	noIndex := !strings.Contains(first.Field, "[")
	want := fieldpath.Parse(first.Field).String()
	for _, e := range ev.Errors {
		if e.Path == first.Field || e.Path == want || noIndex && stripIndices(e.Path) == first.Field || addsIndices(e.Path, first.Field) || addsIndices(e.Path, want) {
			return true
		}
	}
	return false
}

var listIndexRe = regexp.MustCompile(`\[\d+\]`)

// addsIndices reports whether ours is theirs with list indices ([0])
// added after some of its list fields, and nothing else changed; an
// index after theirs' last field (an item for the list) is a change.
func addsIndices(ours, theirs string) bool {
	for len(ours) > 0 && len(theirs) > 0 {
		if ours[0] == theirs[0] {
			ours, theirs = ours[1:], theirs[1:]
			continue
		}
		loc := listIndexRe.FindStringIndex(ours)
		if loc == nil || loc[0] != 0 {
			return false
		}
		ours = ours[loc[1]:]
	}
	return ours == "" && theirs == ""
}

// HasField reports whether Kubernetes' first error names a field (a YAML
// syntax error or a bad quantity does not): only those count for the
// field-path agreement.
func (r Result) HasField() bool { return r.K8s.First().Field != "" }

// Key groups a disagreement: Kubernetes' first error, its path with [*]
// for indices, its type and its reason (the message without the value).
// It is what the known-gaps list counts.
func (r Result) Key() string {
	e := r.K8s.First()
	if r.K8s.Accepted() {
		// A false error: everynode's first error.
		if len(r.Everynode.Errors) == 0 {
			return "accepted"
		}
		fe := r.Everynode.Errors[0]
		return NormalizePath(fe.Path) + ": everynode " + fe.Rule
	}
	reason := e.Reason
	if reason == "" {
		reason = firstLine(e.Detail)
		if e.Field == "" {
			reason = digitRe.ReplaceAllString(reason, "N")
		}
	}
	// A reason that ends in the offending value ("field label not
	// supported: Bogus") is counted without it.
	reason = strings.ReplaceAll(reason, "\n", " ")
	if m := trailingValue.FindStringSubmatch(reason); m != nil {
		reason = m[1]
	}
	k := e.Type
	if reason != "" && reason != e.Type {
		k += ": " + reason
	}
	if e.Field != "" {
		k = NormalizePath(e.Field) + ": " + k
	}
	return k
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "..."
	}
	return s
}

// areas name the parts of a DaemonSet a gap is in, first match wins; the
// pattern is matched against Kubernetes' error path (or, when it names
// none, the mutated field).
var areas = []struct {
	name string
	re   *regexp.Regexp
}{
	{"api version and kind", regexp.MustCompile(`^(apiVersion|kind)$`)},
	{"status", regexp.MustCompile(`^status`)},
	{"metadata", regexp.MustCompile(`^metadata`)},
	{"pod template metadata", regexp.MustCompile(`^spec\.template\.(metadata|labels|annotations)`)},
	{"selector", regexp.MustCompile(`^spec\.selector`)},
	{"update strategy", regexp.MustCompile(`^spec\.updateStrategy`)},
	{"daemonset spec", regexp.MustCompile(`^spec\.(minReadySeconds|revisionHistoryLimit|templateGeneration)|^spec$|^spec\.template$`)},
	{"ephemeral containers", regexp.MustCompile(`\.ephemeralContainers`)},
	{"env and envFrom", regexp.MustCompile(`(Containers|containers)\[\*\]\.env`)},
	{"probes and lifecycle", regexp.MustCompile(`(Containers|containers)\[\*\]\.(livenessProbe|readinessProbe|startupProbe|lifecycle)`)},
	{"container ports", regexp.MustCompile(`(Containers|containers)\[\*\]\.ports`)},
	{"resources", regexp.MustCompile(`\.resources|\.resourceClaims|\.overhead`)},
	{"security context", regexp.MustCompile(`[sS]ecurityContext`)},
	{"volume mounts", regexp.MustCompile(`(Containers|containers)\[\*\]\.(volumeMounts|volumeDevices)`)},
	{"containers", regexp.MustCompile(`(Containers|containers)`)},
	{"volumes", regexp.MustCompile(`\.volumes`)},
	{"affinity", regexp.MustCompile(`\.affinity`)},
	{"topology spread", regexp.MustCompile(`\.topologySpreadConstraints`)},
	{"tolerations", regexp.MustCompile(`\.tolerations`)},
	{"node selection", regexp.MustCompile(`\.(nodeSelector|nodeName)`)},
	{"dns and host names", regexp.MustCompile(`\.(dnsConfig|dnsPolicy|hostAliases|hostname|subdomain|setHostnameAsFQDN|hostnameOverride)`)},
	{"names and classes", regexp.MustCompile(`\.(priorityClassName|priority|runtimeClassName|serviceAccountName|serviceAccount|schedulerName|preemptionPolicy)$`)},
	{"pod spec", regexp.MustCompile(`^spec\.template\.spec`)},
}

// Area names the part of a DaemonSet a result's disagreement is about.
func (r Result) Area() string {
	p := NormalizePath(r.K8s.First().Field)
	if r.K8s.Accepted() && len(r.Everynode.Errors) > 0 {
		p = NormalizePath(r.Everynode.Errors[0].Path)
	}
	if p == "" {
		p = NormalizePath(r.Case.Field)
	}
	if p == "" {
		return "syntax and decoding"
	}
	for _, a := range areas {
		if a.re.MatchString(p) {
			return a.name
		}
	}
	return "other"
}

// allowList explains disagreements the oracle cannot judge: what only a
// cluster, admission, or the manifest's author decides. Short on purpose:
// every entry is a reason, not a convenience.
var allowList = []struct {
	reason string
	match  func(Result) bool
}{
	{
		"the manifest suppresses everynode's error (an ignore annotation or comment): its author's decision, visible in review",
		func(r Result) bool { return r.Outcome == Missed && len(r.Everynode.Suppressed) > 0 },
	},
	{
		"the document is not a Kubernetes object (a YAML list or a scalar, or a mapping with neither an apiVersion nor a kind): everynode lints Kubernetes objects and skips other YAML, such as Ansible playbooks, lists of values, Helm values and CI configuration, and lists what it skipped under --verbose; kubectl refuses such a document if it is ever applied",
		func(r Result) bool { return r.Outcome == Missed && r.Everynode.NotObject },
	},
	{
		"the document is of a kind everynode has no schema for and says so (no-schema): a custom resource whose CustomResourceDefinition it was not given, or another tool's file in Kubernetes' shape; whether a cluster serves it is cluster state, and the oracle, being the DaemonSet endpoint, refuses every other kind",
		func(r Result) bool {
			return r.Outcome == Missed && r.Everynode.NoSchema && len(r.Everynode.Errors) == 0
		},
	},
	{
		"a merge key (<<) whose merged fields the mapping then sets itself: by YAML's merge rules the mapping's own keys win, and kubectl, which turns YAML into JSON before sending it, accepts it; the oracle reads the body as the API server reads an application/yaml request, strictly, and takes the override for a duplicate key",
		func(r Result) bool {
			return r.Outcome == Missed && r.K8s.Stage == oracle.StageDecode && strings.Contains(r.K8s.Message, "already set in map") && mergeOverrideOnly(r.Case.Data)
		},
	},
	{
		"Kubernetes creates the DaemonSet but refuses every pod its controller makes from it (the pod's own defaulting and validation, run by the oracle): everynode's error says so before the rollout",
		func(r Result) bool { return r.Outcome == FalseError && len(r.K8s.PodErrors) > 0 },
	},
	{
		"every error is from a rule that mirrors the kubelet (runAsNonRoot with user 0; a probe on a port the container does not declare, or declares only as UDP; a missing ConfigMap or Secret key): Kubernetes creates the DaemonSet and its pods, and on every node the kubelet refuses to start the container or its probe can never succeed; an error by everynode's severity definition, which the oracle, being the API server, cannot see",
		func(r Result) bool {
			if r.Outcome != FalseError || len(r.Everynode.Errors) == 0 {
				return false
			}
			for _, e := range r.Everynode.Errors {
				if !everynode.KubeletRule(e.Rule) {
					return false
				}
			}
			return true
		},
	},
	{
		"every error is in a field of a feature that is off by default in Kubernetes 1.37 (alpha): the API server drops the field silently and creates the object without it; a cluster with the feature on validates it",
		func(r Result) bool {
			if r.Outcome != FalseError || len(r.K8s.Dropped) == 0 {
				return false
			}
			for _, e := range r.Everynode.Errors {
				if !underAny(e.Path, r.K8s.Dropped) {
					return false
				}
			}
			return true
		},
	},
}

// mergeOverrideOnly reports whether a document uses a merge key and has
// no duplicate key of its own: a YAML 1.2 decoder, which applies merge
// keys and refuses duplicates, reads it.
func mergeOverrideOnly(data []byte) bool {
	if !bytes.Contains(data, []byte("<<")) {
		return false
	}
	var v any
	return yaml3.Unmarshal(data, &v) == nil
}

func allowed(r Result) string {
	for _, a := range allowList {
		if a.match(r) {
			return a.reason
		}
	}
	return ""
}

// underAny reports whether path is one of roots or inside one.
func underAny(path string, roots []string) bool {
	for _, r := range roots {
		if path == r || strings.HasPrefix(path, r+".") || strings.HasPrefix(path, r+"[") {
			return true
		}
	}
	return false
}
