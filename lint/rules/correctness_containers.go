package rules

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var duplicateContainerNameRule = &rule.Rule{
	ID:       "duplicate-container-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "two containers (or init containers) with the same name",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two entries of containers and initContainers with the same name.",
		Why: "Container names identify containers for logs, exec, probes and status; they must be unique across containers " +
			"and initContainers, and the API server rejects the DaemonSet otherwise.",
		In: rule.InPodSpec,
		Bad: `containers:
  - {name: agent, image: example/agent:1.0}
  - {name: agent, image: example/sidecar:1.0}`,
		Good: `containers:
  - {name: agent, image: example/agent:1.0}
  - {name: sidecar, image: example/sidecar:1.0}`,
		Fix:     "Rename one of the containers.",
		Mirrors: "validateContainers and validateInitContainers in pkg/apis/core/validation (names unique across both lists)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		// Kubernetes checks the containers first and reports a name an init
		// container repeats at the init container.
		all := containers(ps, base)
		ordered := slices.Concat(all[len(ps.InitContainers):], all[:len(ps.InitContainers)])
		first := map[string]containerRef{}
		for _, c := range ordered {
			if c.C.Name == "" {
				continue
			}
			if prev, ok := first[c.C.Name]; ok {
				p.Report(rule.Diagnostic{Path: c.Path.Child("name"), AtValue: true,
					Related: []rule.RelatedPath{{Path: prev.Path.Child("name"), Message: "first used here"}},
					Message: fmt.Sprintf("container name %q is already used by %s: names must be unique across containers and initContainers; rename one",
						c.C.Name, prev.Path)})
				continue
			}
			first[c.C.Name] = c
		}
	},
}

var invalidContainerNameRule = &rule.Rule{
	ID:       "invalid-container-name",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a container without a name, or a name that is not a DNS-1123 label",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container or init container with no name, or a name that is not a DNS-1123 label (lowercase letters, digits " +
			"and '-', starting and ending with a letter or digit, at most 63 characters).",
		Why: "The API server rejects the DaemonSet.",
		In:  rule.InPodSpec,
		Bad: `containers:
  - {name: Node_Agent, image: example/agent:1.0}`,
		Good: `containers:
  - {name: node-agent, image: example/agent:1.0}`,
		Fix:     "Use a lowercase name with letters, digits and hyphens.",
		Mirrors: "validateContainerCommon in pkg/apis/core/validation (ValidateDNS1123Label)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			name := c.C.Name
			if name == "" {
				p.Reportf(c.Path.Child("name"), "this container has no name, which is required: add a name such as %q", suggestLabel(c.C.Image))
				continue
			}
			if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
				msg := fmt.Sprintf("container name %q is not a valid DNS-1123 label: %s", name, labelProblem(name, msgs))
				if placeholder(name) == "" {
					if s := suggestLabel(name); s != "" {
						msg += fmt.Sprintf("; use e.g. %q", s)
					}
				}
				p.Report(rule.Diagnostic{Path: c.Path.Child("name"), AtValue: true, Message: msg})
			}
		}
	},
}

// suggestLabel turns s into a DNS-1123 label (for an image, its name).
func suggestLabel(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexAny(s, ":@"); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-")
	}
	if out == "" {
		return "main"
	}
	return out
}

var missingImageRule = &rule.Rule{
	ID:       "missing-image",
	Category: rule.Correctness,
	Severity: finding.Error,
	Summary:  "a container without an image",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "A container or init container with no image, or an empty one (often an unset Helm value).",
		Why:  "The API server rejects the DaemonSet (\"image: Required value\").",
		In:   rule.InPodSpec,
		Bad: `containers:
  - name: agent
    image: ""`,
		Good: `containers:
  - name: agent
    image: registry.example.com/agent:v1.4.2`,
		Fix:     "Set the image, pinned to a version (and preferably a digest).",
		Mirrors: "validateContainerCommon in pkg/apis/core/validation (image is required)",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			if c.C.Image == "" {
				p.Reportf(c.Path.Child("image"), "%s has no image, which is required: set image to a pinned reference such as registry.example.com/agent:v1.2.3", containerName(c))
			}
		}
	},
}

var duplicateEnvNameRule = &rule.Rule{
	ID:       "duplicate-env-name",
	Category: rule.Correctness,
	Severity: finding.Warning,
	Summary:  "the same environment variable set twice in one container",
	Kinds:    daemonSetOnly,
	Doc: rule.Doc{
		What: "Two env entries of one container with the same name.",
		Why: "The last one wins, so the first is dead configuration that readers will trust; and kubectl apply's merge is keyed " +
			"by name, so one of them may be dropped on the next apply. The API server warns (\"hides previous definition\").",
		In: rule.InContainer,
		Bad: `env:
  - {name: LOG_LEVEL, value: info}
  - {name: LOG_LEVEL, value: debug}`,
		Good: `env:
  - {name: LOG_LEVEL, value: debug}`,
		Fix: "Keep one entry per name.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		for _, c := range containers(ps, base) {
			first := map[string]int{}
			for j, e := range c.C.Env {
				if i, ok := first[e.Name]; ok && e.Name != "" {
					envPath := c.Path.Child("env")
					p.Report(rule.Diagnostic{Path: envPath.Index(j).Child("name"), AtValue: true,
						Related: []rule.RelatedPath{{Path: envPath.Index(i).Child("name"), Message: "first set here"}},
						Message: fmt.Sprintf("env %s is already set by %s of %s: the last entry wins and apply may drop one; keep a single entry",
							e.Name, envPath.Index(i), containerName(c))})
					continue
				}
				first[e.Name] = j
			}
		}
	},
}
