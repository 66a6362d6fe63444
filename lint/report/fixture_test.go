package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// The fixture is a run over testdata/manifests: several files, findings in
// the second and third documents of a file, one at a document's root, wide
// and accented characters before a caret, a tab before a caret, a message
// full of characters that formats must escape, a suppressed finding, a
// finding about a whole file, a fix and a related location. Positions are
// written out (rune columns), not computed, so these tests do not depend on
// the document model.

var (
	dsAgent = finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: "kube-system", Name: "node-agent"}
	probe   = finding.Resource{APIVersion: "monitoring.example.com/v1", Kind: "Probe", Namespace: "kube-system", Name: "agent"}
	cmAgent = finding.Resource{APIVersion: "v1", Kind: "ConfigMap", Namespace: "kube-system", Name: "agent-config"}
	dsCNI   = finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: "kube-system", Name: "cni-agent"}
	saCNI   = finding.Resource{APIVersion: "v1", Kind: "ServiceAccount", Namespace: "kube-system", Name: "cni-agent"}
)

// specialMessage has every character some format must escape: % : , | and
// a newline.
const specialMessage = "spec.updateStrategy.rollingUpdate.maxUnavailable: expected an integer or a percentage (1, \"10%\"), got string \"a|b\"\n" +
	"hint: a DaemonSet rolls one node at a time unless told otherwise, e.g. maxUnavailable: 10%"

func fixtureFindings() []finding.Finding {
	container := fieldpath.New("spec", "template", "spec", "containers").Index(0)
	fs := []finding.Finding{
		{
			Rule: "yaml-syntax", Severity: finding.Error, File: "broken.yaml", Line: 3, Column: 15,
			Message: "mapping values are not allowed in this context",
		},
		{
			Rule: "host-network", Severity: finding.Warning, File: "deploy/agent.yaml", Line: 16, Column: 7,
			Resource: dsAgent, Path: fieldpath.New("spec", "template", "spec", "hostNetwork"),
			Message: "spec.template.spec.hostNetwork: the pod shares the node's network namespace",
		},
		{
			Rule: "host-pid", Severity: finding.Warning, File: "deploy/agent.yaml", Line: 17, Column: 7,
			Resource: dsAgent, Path: fieldpath.New("spec", "template", "spec", "hostPID"),
			Message: "spec.template.spec.hostPID: the pod sees every process on the node", Suppressed: true,
		},
		{
			Rule: "shell-wrapper", Severity: finding.Info, File: "deploy/agent.yaml", Line: 21, Column: 33,
			Resource: dsAgent, Path: container.Child("command").Index(2),
			Message: "spec.template.spec.containers[0].command: \"sh -c\" hides the real entrypoint from signals",
		},
		{
			Rule: "schema", Severity: finding.Error, File: "deploy/agent.yaml", Line: 23, Column: 30,
			Resource: dsAgent, Path: container.Child("ports").Index(0).Child("containerPort"),
			Message: "spec.template.spec.containers[0].ports[0].containerPort: expected integer, got string \"http\"",
			Fix: &finding.Fix{Safe: true, Message: "use the port number", Edits: []finding.Edit{{
				File: "deploy/agent.yaml", Start: 619, End: 623, Text: "8080",
			}}},
		},
		{
			Rule: "no-schema", Severity: finding.Info, File: "deploy/agent.yaml", Line: 25, Column: 1, Document: 1,
			Resource: probe,
			Message:  "no schema for monitoring.example.com/v1 Probe; pass its CustomResourceDefinition with --crd",
		},
		{
			Rule: "schema", Severity: finding.Error, File: "deploy/agent.yaml", Line: 39, Column: 12, Document: 2,
			Resource: cmAgent, Path: fieldpath.New("data", "retries"),
			Message: "data.retries: expected string, got integer 3 (quote it: \"3\")",
		},
		{
			Rule: "schema", Severity: finding.Error, File: "deploy/cni.yaml", Line: 6, Column: 12,
			Resource: dsCNI, Path: fieldpath.New("metadata", "labels", "説明"),
			Message: "metadata.labels[説明]: invalid label key: must consist of alphanumeric characters, '-', '_' or '.'",
		},
		{
			Rule: "name-label-mismatch", Severity: finding.Warning, File: "deploy/cni.yaml", Line: 6, Column: 24,
			Resource: dsCNI, Path: fieldpath.New("metadata", "labels", "app.kubernetes.io/name"),
			Message: "metadata.labels[app.kubernetes.io/name]: \"cni\" differs from the DaemonSet's name \"cni-agent\"",
			Related: []finding.Related{{
				File: "deploy/cni.yaml", Line: 4, Column: 3, Path: fieldpath.New("metadata", "name"),
				Message: "the DaemonSet's name",
			}},
		},
		{
			Rule: "unknown-annotation", Severity: finding.Info, File: "deploy/cni.yaml", Line: 7, Column: 38,
			Resource: dsCNI, Path: fieldpath.New("metadata", "annotations", "tier"),
			Message: "metadata.annotations[tier]: no controller reads this annotation",
		},
		{
			Rule: "schema", Severity: finding.Error, File: "deploy/cni.yaml", Line: 11, Column: 23,
			Resource: dsCNI, Path: fieldpath.New("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
			Message: specialMessage,
		},
		{
			Rule: "unreadable-file", Severity: finding.Error, File: "secrets/locked.yaml",
			Message: "open secrets/locked.yaml: permission denied",
		},
	}
	return finding.SortAndDedupe(fs)
}

func fixtureObjects() []Object {
	return []Object{
		{File: "deploy/agent.yaml", Document: 0, Resource: dsAgent},
		{File: "deploy/agent.yaml", Document: 1, Resource: probe},
		{File: "deploy/agent.yaml", Document: 2, Resource: cmAgent},
		{File: "deploy/cni.yaml", Document: 0, Resource: dsCNI},
		{File: "deploy/cni.yaml", Document: 1, Resource: saCNI},
	}
}

var fixtureRules = map[string]RuleInfo{
	"host-network": {
		ID: "host-network", Severity: finding.Warning,
		Summary: "The pod uses the node's network namespace",
		Help:    "Flags `hostNetwork: true`.\n\nA pod on the host network can reach every port the node listens on.\nSuppress with `ignore.everynode.dev/host-network: \"<reason>\"`.",
		HelpURI: "https://github.com/everynode/everynode/blob/main/docs/rules.md#host-network",
	},
	"host-pid": {
		ID: "host-pid", Severity: finding.Warning,
		Summary: "The pod uses the node's PID namespace",
		HelpURI: "https://github.com/everynode/everynode/blob/main/docs/rules.md#host-pid",
	},
	"schema": {
		ID: "schema", Severity: finding.Error,
		Summary: "The official Kubernetes schema rejects the object",
		Help:    "The object does not match the OpenAPI schema of its kind in the target Kubernetes version.",
		HelpURI: "https://github.com/everynode/everynode/blob/main/docs/rules.md#schema",
	},
	"no-schema": {
		ID: "no-schema", Severity: finding.Info,
		Summary: "No schema is known for the kind",
	},
}

func fixtureLookup(id string) (RuleInfo, bool) {
	info, ok := fixtureRules[id]
	return info, ok
}

// fixtureSource reads manifests from testdata, once each.
func fixtureSource(t testing.TB) func(string) []byte {
	files := map[string][]byte{}
	return func(name string) []byte {
		if data, ok := files[name]; ok {
			return data
		}
		data, err := os.ReadFile(filepath.Join("testdata", "manifests", filepath.FromSlash(name)))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		files[name] = data
		return data
	}
}

func fixtureReport(t testing.TB) *Report {
	fs := fixtureFindings()
	r := &Report{
		Findings:    fs,
		Summary:     finding.Summary{Files: 5, Documents: 7, Resources: 5, Skipped: 1},
		Source:      fixtureSource(t),
		Rules:       fixtureLookup,
		ToolVersion: "v0.1.0",
		Objects:     fixtureObjects(),
	}
	r.Summary.Count(fs)
	return r
}

func emptyReport() *Report {
	return &Report{
		Summary:     finding.Summary{Files: 2, Documents: 3, Resources: 2, Skipped: 1},
		ToolVersion: "v0.1.0",
		Objects: []Object{
			{File: "deploy/cni.yaml", Document: 0, Resource: dsCNI},
			{File: "deploy/cni.yaml", Document: 1, Resource: saCNI},
		},
	}
}

// manyReport has more findings of each severity than GitHub annotates.
func manyReport() *Report {
	var fs []finding.Finding
	add := func(n int, sev finding.Severity, rule string) {
		for i := range n {
			fs = append(fs, finding.Finding{
				Rule: rule, Severity: sev, File: "deploy/many.yaml", Line: 10*i + int(sev), Column: 3,
				Document: i, Resource: finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: "default", Name: "ds-" + strings.Repeat("x", i%3+1)},
				Path:    fieldpath.New("spec", "template", "spec", "hostNetwork"),
				Message: "spec.template.spec.hostNetwork: finding " + sev.String(),
			})
		}
	}
	add(13, finding.Error, "schema")
	add(11, finding.Warning, "host-network")
	add(3, finding.Info, "no-schema")
	fs = finding.SortAndDedupe(fs)
	r := &Report{Findings: fs, Summary: finding.Summary{Files: 1, Documents: 13, Resources: 13}, ToolVersion: "v0.1.0"}
	r.Summary.Count(fs)
	return r
}
