package rules

import (
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var automountedTokenRule = &rule.Rule{
	ID:       "automounted-service-account-token",
	Category: rule.Security,
	Severity: finding.Info,
	Summary:  "the pod mounts an API token that no binding in the linted set gives any permission",
	Kinds:    []string{"DaemonSet"},
	Deferred: true,
	SetKinds: []string{"ServiceAccount", "RoleBinding", "ClusterRoleBinding"},
	Doc: rule.Doc{
		What: "A pod template that leaves `automountServiceAccountToken` unset (and whose " +
			"ServiceAccount, if linted, does not set it to false) while no RoleBinding or " +
			"ClusterRoleBinding among the linted objects names its service account.",
		Why: "Every pod of a DaemonSet carries the account's token, so anyone who breaks into any " +
			"node's agent can talk to the API server as that account. If the agent never calls the " +
			"API (most exporters and log shippers that only read the node do not), the token is pure " +
			"exposure; when nothing in the manifests grants the account anything, that is likely.",
		Bad:  "spec:\n  template:\n    spec:\n      containers: [...]\n",
		Good: "spec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      containers: [...]\n",
		Fix: "Set `automountServiceAccountToken: false` in the pod template if the agent does not use " +
			"the Kubernetes API. If it does and its RBAC is managed elsewhere, set it to `true` to say so.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || p.Set == nil || ps.AutomountServiceAccountToken != nil {
			return
		}
		ns, sa := p.Object.Resource.Namespace, serviceAccountOf(p.Object)
		for _, o := range p.Set.Objects("ServiceAccount") {
			if o.Resource.Name != sa || !sameNamespace(o.Resource.Namespace, ns) {
				continue
			}
			if v, ok := o.Map["automountServiceAccountToken"].(bool); ok && !v {
				return
			}
		}
		for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
			for _, b := range p.Set.Objects(kind) {
				subjects, bindingNS := bindingSubjects(b)
				if bindingNS != "" && !sameNamespace(bindingNS, ns) {
					continue
				}
				for _, s := range subjects {
					if sm, ok := s.(map[string]any); ok && subjectCovers(sm, bindingNS, ns, sa) {
						return
					}
				}
			}
		}
		p.Reportf(base.Child("automountServiceAccountToken"),
			"every pod mounts a token for ServiceAccount %q, but no RoleBinding or ClusterRoleBinding among the linted objects grants it anything; if the agent does not call the Kubernetes API, set automountServiceAccountToken: false (or true, to say its RBAC lives elsewhere)",
			sa)
	},
}
