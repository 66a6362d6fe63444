package rules

import (
	"fmt"
	"slices"

	"github.com/everynode/everynode/lint/rule"
)

// Built-in ClusterRoles: every cluster has them (the API server's
// bootstrap policy), so no file of the linted set defines them, and a
// binding to one is judged by what they are known to grant. Only the
// entries the RBAC rules look at are kept, as Kubernetes 1.37 writes them
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/cluster-roles.yaml);
// they have not changed in substance since 1.30.

const (
	aggregateToAdmin = "rbac.authorization.k8s.io/aggregate-to-admin"
	aggregateToEdit  = "rbac.authorization.k8s.io/aggregate-to-edit"
	aggregateToView  = "rbac.authorization.k8s.io/aggregate-to-view"
)

type builtinRole struct {
	labels map[string]string
	// aggregates: the matchLabels of its aggregationRule.
	aggregates []map[string]string
	rules      []policyRule
}

var (
	writeVerbs = []string{"create", "delete", "deletecollection", "patch", "update"}
	readVerbs  = []string{"get", "list", "watch"}
)

// builtinRoles are the built-in ClusterRoles a node agent is bound to by
// mistake (admin, edit), or that grant what the rules look for.
// cluster-admin is cluster-admin-binding's.
var builtinRoles = map[string]builtinRole{
	"admin": {aggregates: []map[string]string{{aggregateToAdmin: "true"}}},
	"edit": {labels: map[string]string{aggregateToAdmin: "true"},
		aggregates: []map[string]string{{aggregateToEdit: "true"}}},
	"view": {labels: map[string]string{aggregateToEdit: "true"},
		aggregates: []map[string]string{{aggregateToView: "true"}}},
	"system:aggregate-to-edit": {labels: map[string]string{aggregateToEdit: "true"}, rules: []policyRule{
		{groups: []string{""}, resources: []string{"pods/attach", "pods/exec", "pods/portforward", "pods/proxy", "secrets", "services/proxy"}, verbs: readVerbs},
		{groups: []string{""}, resources: []string{"serviceaccounts"}, verbs: []string{"impersonate"}},
		{groups: []string{""}, resources: []string{"pods", "pods/attach", "pods/exec", "pods/portforward", "pods/proxy"}, verbs: writeVerbs},
		{groups: []string{""}, resources: []string{"configmaps", "persistentvolumeclaims", "replicationcontrollers", "replicationcontrollers/scale", "secrets", "serviceaccounts", "services", "services/proxy"}, verbs: writeVerbs},
		{groups: []string{""}, resources: []string{"serviceaccounts/token"}, verbs: []string{"create"}},
		{groups: []string{"apps"}, resources: []string{"daemonsets", "deployments", "deployments/rollback", "deployments/scale", "replicasets", "replicasets/scale", "statefulsets", "statefulsets/scale"}, verbs: writeVerbs},
		{groups: []string{"batch"}, resources: []string{"cronjobs", "jobs"}, verbs: writeVerbs},
	}},
	"system:kubelet-api-admin": {rules: []policyRule{
		{groups: []string{""}, resources: []string{"nodes/log", "nodes/metrics", "nodes/proxy", "nodes/stats"}, verbs: []string{"*"}},
		{groups: []string{""}, resources: []string{"nodes/configz", "nodes/healthz", "nodes/pods"}, verbs: []string{"*"}},
	}},
	"system:node": {rules: []policyRule{
		{groups: []string{""}, resources: []string{"nodes"}, verbs: []string{"create", "get", "list", "watch"}},
		{groups: []string{""}, resources: []string{"nodes"}, verbs: []string{"patch", "update"}},
		{groups: []string{""}, resources: []string{"pods"}, verbs: []string{"create", "delete"}},
		{groups: []string{""}, resources: []string{"configmaps", "secrets"}, verbs: readVerbs},
		{groups: []string{""}, resources: []string{"serviceaccounts/token"}, verbs: []string{"create"}},
	}},
}

// builtinRules returns the rules a built-in ClusterRole grants, its own and
// those of the built-in ClusterRoles it aggregates (edit is aggregated into
// admin), or ok false when name is not one of builtinRoles.
func builtinRules(name string) (rules []policyRule, ok bool) {
	if _, ok := builtinRoles[name]; !ok {
		return nil, false
	}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		br := builtinRoles[n]
		rules = append(rules, br.rules...)
		for _, sel := range br.aggregates {
			for _, other := range sortedKeys(builtinRoles) {
				if matchesLabels(sel, builtinRoles[other].labels) {
					walk(other)
				}
			}
		}
	}
	walk(name)
	return rules, true
}

func matchesLabels(sel, labels map[string]string) bool {
	if len(sel) == 0 {
		return false
	}
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// builtinAggregates are the built-in aggregated ClusterRoles (admin, edit,
// view) that the set does not define, as the index holds ClusterRoles: a
// ClusterRole of the set labelled aggregate-to-edit reaches whoever is
// bound to edit.
func builtinAggregates(defined map[string]bool) []*clusterRoleInfo {
	var out []*clusterRoleInfo
	for _, name := range sortedKeys(builtinRoles) {
		br := builtinRoles[name]
		if defined[name] || len(br.aggregates) == 0 {
			continue
		}
		cr := &clusterRoleInfo{name: name, labels: br.labels}
		for _, sel := range br.aggregates {
			if ls, ok := labelSelector(map[string]any{"matchLabels": toAny(sel)}); ok {
				cr.selectors = append(cr.selectors, ls)
			}
		}
		out = append(out, cr)
	}
	return out
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// checkBuiltinBinding judges a binding to a built-in ClusterRole, which no
// file defines: at the binding's roleRef, since the binding is what the
// fix changes (bind a role of the agent's own).
func checkBuiltinBinding(p *rule.Pass, g *rbacGrant) {
	o := p.Object
	ref, _ := o.Map["roleRef"].(map[string]any)
	kind, _ := ref["kind"].(string)
	name, _ := ref["name"].(string)
	rules, ok := builtinRules(name)
	if kind != "ClusterRole" || !ok || g.accesses == nil {
		return
	}
	var as []access
	for _, pr := range rules {
		if got, _ := g.match(pr); len(got) > 0 {
			for _, a := range got {
				if !slices.Contains(as, a) {
					as = append(as, a)
				}
			}
		}
	}
	if len(as) == 0 {
		return
	}
	binding := o.Resource
	_, bindingNS := bindingSubjects(o)
	label := fmt.Sprintf("%s binds the built-in ClusterRole %s, which", binding, name)
	p.ReportLaterVerdict(roleRefNamePath, func(set *rule.Set) (rule.Verdict, bool) {
		if set.Has("ClusterRole", "", name) {
			// Defined in the set: judged at its own rules.
			return rule.Verdict{}, false
		}
		idx := rbacIndexOf(set)
		var b *bindingInfo
		for _, bi := range idx.bindings[roleRef{kind: "ClusterRole", name: name}] {
			if bi.res == binding {
				b = bi
				break
			}
		}
		if b == nil {
			return rule.Verdict{}, false
		}
		var paths []grantPath
		for _, s := range b.subjects {
			for _, a := range idx.candidates(s.subject) {
				if subjectCovers(s.subject, bindingNS, a.res.Namespace, a.account) {
					paths = append(paths, grantPath{agent: a, binding: b, subject: s})
				}
			}
		}
		return g.decide(paths, label, "", as, nil)
	})
}
