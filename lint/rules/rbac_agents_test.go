package rules

import (
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/ruletest"
)

// rbacRules are the rules about a DaemonSet's service account.
func rbacRules() []*rule.Rule {
	return []*rule.Rule{clusterWideSecretAccessRule, podCreateAccessRule, podExecAccessRule, nodeProxyAccessRule,
		wildcardRBACRule, rbacEscalationRule, nodeWriteAccessRule, defaultServiceAccountRBACRule,
		deprecatedServiceAccountFieldRule, clusterAdminBindingRule}
}

// TestRBACAgents runs the RBAC rules together on the RBAC of real node
// agents, written for this test in the manner of each project's own
// manifests (testdata/rbac-agents): a log shipper, CNI agents, CSI node
// plugins, a GPU device plugin, node-problem-detector, kube-proxy, a
// monitoring agent, a runtime security agent. What they must report is
// written in each file as # want comments (rule ID, then message); every
// other finding fails the test, so an agent whose access is what such
// agents need must come out clean.
func TestRBACAgents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "rbac-agents", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 8 {
		t.Fatalf("want the node agents in testdata/rbac-agents, found %d files", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			ruletest.RunRules(t, f, rbacRules()...)
		})
	}
}
