package rules

import (
	"fmt"

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
	// accountsOf reads these of the set's objects.
	SetFields: []string{"automountServiceAccountToken", "subjects"},
	Doc: rule.Doc{
		What: "A pod template that leaves `automountServiceAccountToken` unset (and whose " +
			"ServiceAccount, if linted, does not set it to false) while no RoleBinding or " +
			"ClusterRoleBinding among the linted objects names its service account.",
		Why: "Every pod of a DaemonSet carries the account's token, so anyone who breaks into any " +
			"node's agent can talk to the API server as that account. If the agent never calls the " +
			"API (most exporters and log shippers that only read the node do not), the token is pure " +
			"exposure; when nothing in the manifests grants the account anything, that is likely.",
		In:  rule.InPodSpec,
		Bad: "serviceAccountName: node-agent\n",
		Good: "serviceAccountName: node-agent\n" +
			"automountServiceAccountToken: false\n",
		Fix: "Set `automountServiceAccountToken: false` in the pod template if the agent does not use " +
			"the Kubernetes API. If it does and its RBAC is managed elsewhere, set it to `true` to say so.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.AutomountServiceAccountToken != nil {
			return
		}
		ns, sa := p.Object.Resource.Namespace, serviceAccountOf(p.Object)
		p.ReportLater(base.Child("automountServiceAccountToken"), func(set *rule.Set) (string, bool) {
			idx := accountsOf(set)
			for _, a := range idx.accounts[sa] {
				if a.optsOut && sameNamespace(a.namespace, ns) {
					return "", false
				}
			}
			for _, subjects := range [][]boundSubject{idx.bySubject[sa], idx.groupsAndUsers} {
				for _, s := range subjects {
					if s.bindingNS != "" && !sameNamespace(s.bindingNS, ns) {
						continue
					}
					if subjectCovers(s.subject, s.bindingNS, ns, sa) {
						return "", false
					}
				}
			}
			return fmt.Sprintf("every pod mounts a token for ServiceAccount %q, but no RoleBinding or ClusterRoleBinding among the linted objects grants it anything; if the agent does not call the Kubernetes API, set automountServiceAccountToken: false (or true, to say its RBAC lives elsewhere)",
				sa), true
		})
	},
}

// accountIndex is what the rule needs of the set's ServiceAccounts and
// bindings, by name, built once per set: scanning every binding for every
// DaemonSet would make a large corpus quadratic, and the index holds much
// less than the objects.
type accountIndex struct {
	accounts map[string][]account
	// bySubject holds ServiceAccount subjects by name; groupsAndUsers the
	// other subjects, which may name an account through its namespace.
	bySubject      map[string][]boundSubject
	groupsAndUsers []boundSubject
}

type account struct {
	namespace string
	// optsOut: the ServiceAccount sets automountServiceAccountToken: false.
	optsOut bool
}

type boundSubject struct {
	subject   map[string]any
	bindingNS string
}

type accountIndexKey struct{}

func accountsOf(set *rule.Set) *accountIndex {
	return set.Memo(accountIndexKey{}, func() any {
		idx := &accountIndex{accounts: map[string][]account{}, bySubject: map[string][]boundSubject{}}
		set.Each("ServiceAccount", func(o *rule.Object) {
			v, ok := o.Map["automountServiceAccountToken"].(bool)
			idx.accounts[o.Resource.Name] = append(idx.accounts[o.Resource.Name], account{namespace: o.Resource.Namespace, optsOut: ok && !v})
		})
		for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
			set.Each(kind, func(b *rule.Object) {
				subjects, bindingNS := bindingSubjects(b)
				for _, s := range subjects {
					sm, ok := s.(map[string]any)
					if !ok {
						continue
					}
					bs := boundSubject{subject: sm, bindingNS: bindingNS}
					if k, _ := sm["kind"].(string); k == "ServiceAccount" {
						name, _ := sm["name"].(string)
						idx.bySubject[name] = append(idx.bySubject[name], bs)
					} else {
						idx.groupsAndUsers = append(idx.groupsAndUsers, bs)
					}
				}
			})
		}
		return idx
	}).(*accountIndex)
}
