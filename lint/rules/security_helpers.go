package rules

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/rule"
)

// Helpers shared by the security, reliability and reference rules.

// askReason ends the message of a rule that flags host access a node
// agent may legitimately need: the finding is a question, and a
// suppression with a reason is the answer. The annotation goes on the
// DaemonSet's own metadata, never on the pod template (changing a template
// annotation restarts the pod on every node).
func askReason(id string) string {
	return fmt.Sprintf(`if the agent needs it, state the reason: add ignore.everynode.dev/%s: "<why>" to metadata.annotations`, id)
}

// securityContextPath is the path of a container's securityContext.
func securityContextPath(c containerRef) fieldpath.Path {
	return c.Path.Child("securityContext")
}

// capabilityName normalises a capability as the container runtimes do:
// upper case, with or without the CAP_ prefix.
func capabilityName(s string) string {
	return strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "CAP_")
}

// addsCapability reports whether a container adds the named capability.
func addsCapability(c *corev1.Container, name string) bool {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return false
	}
	for _, a := range c.SecurityContext.Capabilities.Add {
		if capabilityName(string(a)) == name {
			return true
		}
	}
	return false
}

// isWindowsPod reports whether the pod declares a Windows OS: Pod Security
// exempts Windows pods from the Linux-only controls (seccomp, privilege
// escalation, capabilities), and so do we.
func isWindowsPod(ps *corev1.PodSpec) bool {
	return ps.OS != nil && ps.OS.Name == corev1.Windows
}

// longRunning returns the containers that run for the pod's whole life:
// the regular containers and the sidecars (init containers with
// restartPolicy: Always). Resource and probe rules care about these.
func longRunning(ps *corev1.PodSpec) []containerRef {
	var out []containerRef
	for _, c := range containers(ps, podSpecPath) {
		if !c.Init || isSidecar(c) {
			out = append(out, c)
		}
	}
	return out
}

// containsFold reports whether list holds s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, e := range list {
		if strings.EqualFold(e, s) {
			return true
		}
	}
	return false
}

// quoteList renders names as "a", "b" and "c" for messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// podSecurity is the configured Pod Security level (none without settings).
func podSecurity(p *rule.Pass) rule.PodSecurityLevel {
	if p.Settings == nil {
		return rule.PodSecurityNone
	}
	return p.Settings.PodSecurity()
}
