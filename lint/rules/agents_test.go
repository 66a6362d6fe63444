package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// hostAccess names the host-access rules (fixed IDs: docs/architecture.md,
// "Rule IDs") and says
// whether a pod spec uses that access.
var hostAccess = map[string]func(ps *corev1.PodSpec) bool{
	"host-network": func(ps *corev1.PodSpec) bool { return ps.HostNetwork },
	"host-pid":     func(ps *corev1.PodSpec) bool { return ps.HostPID },
	"host-ipc":     func(ps *corev1.PodSpec) bool { return ps.HostIPC },
	"host-path": func(ps *corev1.PodSpec) bool {
		for _, v := range ps.Volumes {
			if v.HostPath != nil {
				return true
			}
		}
		return false
	},
	"host-port": func(ps *corev1.PodSpec) bool {
		for _, c := range containers(ps, nil) {
			for _, p := range c.C.Ports {
				if p.HostPort != 0 {
					return true
				}
			}
		}
		return false
	},
	"privileged-container": func(ps *corev1.PodSpec) bool {
		for _, c := range containers(ps, nil) {
			if sc := c.C.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
				return true
			}
		}
		return false
	},
}

var reasonRE = regexp.MustCompile(`(?i)\breason`)

// TestAgents lints realistic node agents, written for this test, with the
// whole catalog under the default configuration: a valid agent has no
// error, and the host access it needs is asked about (a finding that asks
// for a reason), never forbidden.
func TestAgents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "agents", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("want at least 4 agents in testdata/agents, found %d", len(files))
	}
	var enabled []*rule.Rule
	for _, r := range checked() {
		if !r.Disabled {
			enabled = append(enabled, r)
		}
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			results := ruletest.Findings(t, f, data, enabled, ruletest.Settings{})
			byRule := map[string][]finding.Finding{}
			for _, res := range results {
				byRule[res.Rule] = append(byRule[res.Rule], res)
				if res.Severity == finding.Error {
					t.Errorf("%s:%s", f, res)
				}
			}
			ds := 0
			for _, o := range ruletest.Objects(t, f, data) {
				ps, _ := daemonSetPod(o)
				if ps == nil {
					continue
				}
				ds++
				for id, uses := range hostAccess {
					if _, registered := ByID(id); !registered || !uses(ps) {
						continue
					}
					// An info, or a warning where the access is that
					// broad (the node's whole filesystem): either way a
					// question with a reason for answer.
					asked := 0
					for _, res := range byRule[id] {
						if res.Severity != finding.Error && reasonRE.MatchString(res.Message) {
							asked++
						}
					}
					if asked == 0 {
						t.Errorf("%s uses %s, but the rule reported no finding asking for a reason (got %v)", o.Resource, id, byRule[id])
					}
				}
			}
			if ds == 0 {
				t.Errorf("%s: no DaemonSet", f)
			}
		})
	}
}
