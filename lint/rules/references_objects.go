package rules

import (
	"fmt"
	"slices"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// The reference rules speak only when the linted set holds objects of the
// referenced kind (the repository evidently manages them here, so a name
// that matches none of them is a typo or a forgotten file), or when the
// configuration sets checkReferences.

const referencesNote = " It stays silent when no object of that kind is linted (they are then managed " +
	"elsewhere), unless `checkReferences: true` (or `--check-references`) asks for the check anyway. " +
	"An object written without a namespace matches any namespace."

var serviceAccountNotFoundRule = &rule.Rule{
	ID:       "service-account-not-found",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "serviceAccountName names no ServiceAccount in the linted set",
	Kinds:    []string{"DaemonSet"},
	Deferred: true,
	Doc: rule.Doc{
		What: "A pod template whose `serviceAccountName` names a ServiceAccount that is not among the " +
			"linted objects (in the DaemonSet's namespace). `default` always exists." + referencesNote,
		Why: "The ServiceAccount admission plugin rejects a pod whose account does not exist, so the " +
			"DaemonSet controller creates no pods at all: the DaemonSet shows 0 of N scheduled and an " +
			"event nobody reads.",
		In: rule.InPodSpec,
		Bad: "serviceAccountName: node-agnet\n" +
			"---\n" +
			"apiVersion: v1\n" +
			"kind: ServiceAccount\n" +
			"metadata: {name: node-agent, namespace: monitoring}\n",
		Good: "serviceAccountName: node-agent\n" +
			"---\n" +
			"apiVersion: v1\n" +
			"kind: ServiceAccount\n" +
			"metadata: {name: node-agent, namespace: monitoring}\n",
		Fix: "Fix the name, or add the ServiceAccount to the manifests.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil {
			return
		}
		field, name := "serviceAccountName", ps.ServiceAccountName
		if name == "" {
			field, name = "serviceAccount", ps.DeprecatedServiceAccount
		}
		ns := p.Object.Resource.Namespace
		if name == "" || name == "default" {
			return
		}
		settings := p.Settings
		p.ReportLater(base.Child(field), func(set *rule.Set) (string, bool) {
			if !referencesChecked(set, settings, "ServiceAccount") || inSet(set, "ServiceAccount", ns, name) {
				return "", false
			}
			return fmt.Sprintf("%s %q names no ServiceAccount%s among the linted objects: the DaemonSet cannot create pods until it exists",
				field, name, inNamespace(ns)), true
		})
	},
}

// refNotFoundRule builds config-map-not-found and secret-not-found.
func refNotFoundRule(id, kind string, in rule.ExampleIn, bad, good string) *rule.Rule {
	sources := "a volume, a projected volume source, `env[].valueFrom` or `envFrom`"
	if kind == "Secret" {
		sources = "a volume, a projected volume source, `env[].valueFrom`, `envFrom` or `imagePullSecrets`"
	}
	return &rule.Rule{
		ID:       id,
		Category: rule.Reliability,
		Severity: finding.Warning,
		Summary:  "a volume, env or envFrom reference names no " + kind + " in the linted set",
		Kinds:    []string{"DaemonSet"},
		Deferred: true,
		Doc: rule.Doc{
			What: "A " + kind + " named by the pod template (" + sources + ") that is not among the linted objects in the DaemonSet's namespace. References marked " +
				"`optional: true` are left out." + referencesNote,
			Why: "A missing " + kind + " keeps every pod of the DaemonSet from starting: a volume leaves " +
				"them in ContainerCreating, an env reference in CreateContainerConfigError. On a " +
				"DaemonSet that is every node at once.",
			In:   in,
			Bad:  bad,
			Good: good,
			Fix:  "Fix the name, add the " + kind + " to the manifests, or mark the reference `optional: true` if the agent copes without it.",
		},
		Check: func(p *rule.Pass) {
			ps, base := daemonSetPod(p.Object)
			if ps == nil {
				return
			}
			ns, settings := p.Object.Resource.Namespace, p.Settings
			for _, r := range podReferences(ps, base) {
				if r.kind != kind || r.optional {
					continue
				}
				name, where, effect := r.name, r.where, r.effect
				p.ReportLater(r.path, func(set *rule.Set) (string, bool) {
					if !referencesChecked(set, settings, kind) || inSet(set, kind, ns, name) {
						return "", false
					}
					return fmt.Sprintf("%s %s %q, which is not among the linted objects%s: %s", where, kind, name, inNamespace(ns), effect), true
				})
			}
		},
	}
}

var configMapNotFoundRule = refNotFoundRule("config-map-not-found", "ConfigMap", rule.InVolume,
	"configMap: {name: agent-confg}   # the ConfigMap is agent-config\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: ConfigMap\n"+
		"metadata: {name: agent-config, namespace: monitoring}\n",
	"configMap: {name: agent-config}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: ConfigMap\n"+
		"metadata: {name: agent-config, namespace: monitoring}\n")

var secretNotFoundRule = refNotFoundRule("secret-not-found", "Secret", rule.InContainer,
	"env:\n"+
		"  - name: API_TOKEN\n"+
		"    valueFrom:\n"+
		"      secretKeyRef: {name: agent-credentails, key: token}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: Secret\n"+
		"metadata: {name: agent-credentials, namespace: monitoring}\n",
	"env:\n"+
		"  - name: API_TOKEN\n"+
		"    valueFrom:\n"+
		"      secretKeyRef: {name: agent-credentials, key: token}\n"+
		"---\n"+
		"apiVersion: v1\n"+
		"kind: Secret\n"+
		"metadata: {name: agent-credentials, namespace: monitoring}\n")

// builtinPriorityClasses exist in every cluster.
var builtinPriorityClasses = []string{"system-node-critical", "system-cluster-critical"}

var priorityClassNotFoundRule = &rule.Rule{
	ID:       "priority-class-not-found",
	Category: rule.Reliability,
	Severity: finding.Warning,
	Summary:  "priorityClassName names no PriorityClass in the linted set",
	Kinds:    []string{"DaemonSet"},
	Deferred: true,
	Doc: rule.Doc{
		What: "A pod template whose `priorityClassName` is neither built in (`system-node-critical`, " +
			"`system-cluster-critical`) nor a PriorityClass among the linted objects." + referencesNote,
		Why: "The Priority admission plugin rejects pods that name an unknown class, so the DaemonSet " +
			"creates no pods at all.",
		In:   rule.InPodSpec,
		Bad:  "priorityClassName: node-agent-critical   # no such PriorityClass\n",
		Good: "priorityClassName: system-node-critical\n",
		Fix:  "Fix the name, add the PriorityClass to the manifests, or use `system-node-critical`.",
	},
	Check: func(p *rule.Pass) {
		ps, base := daemonSetPod(p.Object)
		if ps == nil || ps.PriorityClassName == "" || containsFold(builtinPriorityClasses, ps.PriorityClassName) {
			return
		}
		name, settings := ps.PriorityClassName, p.Settings
		p.ReportLater(base.Child("priorityClassName"), func(set *rule.Set) (string, bool) {
			if !referencesChecked(set, settings, "PriorityClass") || set.Has("PriorityClass", "", name) {
				return "", false
			}
			return fmt.Sprintf("priorityClassName %q names no PriorityClass among the linted objects (nor a built-in one): the API server rejects the DaemonSet's pods until it exists",
				name), true
		})
	},
}

var clusterAdminRoles = &rule.Param[[]string]{
	Name:    "roles",
	Doc:     "ClusterRoles that grant everything",
	Default: []string{"cluster-admin"},
}

var clusterAdminBindingRule = &rule.Rule{
	ID:       "cluster-admin-binding",
	Category: rule.Security,
	Severity: finding.Warning,
	Summary:  "a binding gives a DaemonSet's service account cluster-admin",
	Kinds:    []string{"ClusterRoleBinding", "RoleBinding"},
	Deferred: true,
	SetKinds: []string{"DaemonSet"},
	// daemonSetAccounts reads these (serviceAccountOf).
	SetFields: []string{"spec.template.spec.serviceAccountName", "spec.template.spec.serviceAccount"},
	Params:    []rule.Parameter{clusterAdminRoles},
	Doc: rule.Doc{
		What: "A ClusterRoleBinding or RoleBinding to the `cluster-admin` ClusterRole whose subjects " +
			"include the service account a linted DaemonSet runs as (by name, through the " +
			"`system:serviceaccounts` groups, or as the `system:serviceaccount:<ns>:<name>` user).",
		Why: "A DaemonSet runs a pod on every node, and every pod holds its account's token: whoever " +
			"breaks into any node, or any one of those pods, gets cluster-admin. A RoleBinding limits " +
			"that to one namespace, still with every Secret in it.",
		In: rule.InPodSpec,
		Bad: "serviceAccountName: node-agent\n" +
			"---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\n" +
			"kind: ClusterRoleBinding\n" +
			"metadata: {name: node-agent}\n" +
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\n" +
			"subjects:\n" +
			"  - {kind: ServiceAccount, name: node-agent, namespace: monitoring}\n",
		Good: "serviceAccountName: node-agent\n" +
			"---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\n" +
			"kind: ClusterRoleBinding\n" +
			"metadata: {name: node-agent}\n" +
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-agent}\n" +
			"subjects:\n" +
			"  - {kind: ServiceAccount, name: node-agent, namespace: monitoring}\n",
		Fix: "Write a ClusterRole with only the verbs and resources the agent uses (often get/list/watch " +
			"on nodes and pods) and bind that instead.",
	},
	Check: func(p *rule.Pass) {
		roleRef, _ := p.Object.Map["roleRef"].(map[string]any)
		kind, _ := roleRef["kind"].(string)
		role, _ := roleRef["name"].(string)
		if kind != "ClusterRole" || !containsFold(clusterAdminRoles.Get(p), role) {
			return
		}
		subjects, bindingNS := bindingSubjects(p.Object)
		for i, s := range subjects {
			sm, ok := s.(map[string]any)
			if !ok {
				continue
			}
			p.ReportLater(fieldPathSubjects.Index(i), func(set *rule.Set) (string, bool) {
				var users []string
				for _, ds := range daemonSetAccounts(set) {
					ns := ds.res.Namespace
					if bindingNS != "" && !sameNamespace(bindingNS, ns) {
						continue
					}
					if subjectCovers(sm, bindingNS, ns, ds.account) {
						users = append(users, ds.res.String())
					}
				}
				if len(users) == 0 {
					return "", false
				}
				// The same DaemonSet may be linted twice (a base and its
				// rendered output): name it once.
				slices.Sort(users)
				users = slices.Compact(users)
				scope := "anything in the cluster"
				if bindingNS != "" {
					scope = "anything in namespace " + bindingNS + ", Secrets included"
				}
				sname, _ := sm["name"].(string)
				skind, _ := sm["kind"].(string)
				return fmt.Sprintf("binds %s %q, used by %s, to %s: a pod on every node can do %s; bind a role with only what the agent needs",
					skind, sname, joinAnd(users), role, scope), true
			})
		}
	},
}

var fieldPathSubjects = fieldpath.New("subjects")

// daemonSetAccount is a DaemonSet of the set and the account its pods run
// as: all the binding rule needs of it, so the set's DaemonSets need not
// all be in memory at once.
type daemonSetAccount struct {
	res     finding.Resource
	account string
}

type daemonSetAccountsKey struct{}

func daemonSetAccounts(set *rule.Set) []daemonSetAccount {
	return set.Memo(daemonSetAccountsKey{}, func() any {
		var out []daemonSetAccount
		set.Each("DaemonSet", func(o *rule.Object) {
			out = append(out, daemonSetAccount{res: o.Resource, account: serviceAccountOf(o)})
		})
		return out
	}).([]daemonSetAccount)
}

// joinAnd joins words as "a, b and c".
func joinAnd(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	out := words[0]
	for _, w := range words[1 : len(words)-1] {
		out += ", " + w
	}
	return out + " and " + words[len(words)-1]
}
