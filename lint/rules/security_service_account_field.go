package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

var defaultServiceAccountRBACRule = &rule.Rule{
	ID:       "default-service-account-rbac",
	Category: rule.Security,
	Severity: finding.Info,
	Summary:  "the DaemonSet runs as its namespace's default ServiceAccount, to which a binding grants a role",
	Kinds:    []string{"DaemonSet"},
	Deferred: true,
	Facts:    rbacFacts,
	Doc: rule.Doc{
		What: "A DaemonSet whose pods run as the `default` ServiceAccount (no `serviceAccountName`, or " +
			"`default`) while a RoleBinding or ClusterRoleBinding among the linted objects names that account " +
			"(as a ServiceAccount subject or the system:serviceaccount:<ns>:default user). Bindings to groups " +
			"are left out: they grant every account alike. kube-linter's default-service-account flags every " +
			"use of the default account; with no RBAC on it, that account can do almost nothing, so this rule " +
			"speaks only when it can.",
		Why: "Every pod of the namespace that names no account runs as `default`: what is granted to it for the " +
			"agent is granted to all of them, and the agent inherits whatever anyone else binds to `default` " +
			"later. Its own account makes the agent's permissions visible and its own.",
		In: rule.InPodSpec,
		Bad: "containers:\n  - name: agent\n    image: registry.example.com/agent:1.4.2\n" +
			"---\n" +
			"apiVersion: rbac.authorization.k8s.io/v1\n" +
			"kind: ClusterRoleBinding\n" +
			"metadata: {name: node-agent}\n" +
			"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-agent}\n" +
			"subjects:\n" +
			"  - {kind: ServiceAccount, name: default, namespace: monitoring}\n",
		Good: "serviceAccountName: node-agent\n" + rbacBinding,
		Fix: "Create a ServiceAccount for the agent, set `serviceAccountName` to it and bind the role to it " +
			"instead of to `default`.",
		References: []string{"https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts", rbacRefs},
	},
	Check: func(p *rule.Pass) {
		if p.Object.DaemonSet() == nil || serviceAccountOf(p.Object) != "default" {
			return
		}
		at := podSpecPath
		spec, _ := p.Object.Get(podSpecPath).(map[string]any)
		if _, ok := spec["serviceAccountName"].(string); ok {
			at = podSpecPath.Child("serviceAccountName")
		} else if _, ok := spec["serviceAccount"].(string); ok {
			at = podSpecPath.Child("serviceAccount")
		}
		ns := p.Object.Resource.Namespace
		p.ReportLaterVerdict(at, func(set *rule.Set) (rule.Verdict, bool) {
			var grants []string
			var related []finding.Related
			for _, d := range rbacIndexOf(set).defaults {
				b, s := d.binding, d.subject
				if !subjectCovers(s.subject, b.namespace(), ns, "default") {
					continue
				}
				g := fmt.Sprintf("%s %s grants %s", b.res.Kind, b.res.Name, b.role)
				if !slices.Contains(grants, g) {
					grants = append(grants, g)
				}
				related = append(related, s.at)
			}
			if len(grants) == 0 {
				return rule.Verdict{}, false
			}
			slices.Sort(grants)
			slices.SortFunc(related, func(a, b finding.Related) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			return rule.Verdict{Related: related, Message: fmt.Sprintf(
				"the pods run as the default ServiceAccount%s, and %s: every pod of the namespace that names no account gets the same rights; give the agent its own ServiceAccount and bind the role to that",
				inNamespace(ns), joinAnd(grants))}, true
		})
	},
}

var deprecatedServiceAccountFieldRule = &rule.Rule{
	ID:       "deprecated-service-account-field",
	Category: rule.Security,
	Severity: finding.Warning,
	Summary:  "the pod template uses the deprecated serviceAccount field",
	Kinds:    []string{"DaemonSet"},
	Doc: rule.Doc{
		What: "A pod template that sets `serviceAccount`, the deprecated alias of `serviceAccountName`. When both " +
			"are set and differ, `serviceAccountName` wins and `serviceAccount` is silently replaced. kube-linter's " +
			"deprecated-service-account flags the same field.",
		Why: "The API server copies `serviceAccount` into `serviceAccountName` only when the latter is empty, and " +
			"overwrites it otherwise: a reviewer reading `serviceAccount` may be reading the wrong account, and " +
			"tools that look only at `serviceAccountName` (policies, audits) miss the one in use.",
		In:         rule.InPodSpec,
		Bad:        "serviceAccount: node-agent\n",
		Good:       "serviceAccountName: node-agent\n",
		Fix:        "Rename `serviceAccount` to `serviceAccountName` (or remove it when `serviceAccountName` is set).",
		References: []string{"https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/"},
	},
	Check: func(p *rule.Pass) {
		if p.Object.DaemonSet() == nil {
			return
		}
		spec, _ := p.Object.Get(podSpecPath).(map[string]any)
		old, ok := spec["serviceAccount"].(string)
		if !ok {
			return
		}
		name, _ := spec["serviceAccountName"].(string)
		at := podSpecPath.Child("serviceAccount")
		switch {
		case name == "":
			p.Reportf(at, "serviceAccount is the deprecated alias of serviceAccountName: rename it to serviceAccountName: %s", old)
		case name == old:
			p.Reportf(at, "serviceAccount is the deprecated alias of serviceAccountName, which already names %q: remove it", name)
		default:
			p.Reportf(at, "serviceAccount %q is ignored: the API server replaces it with serviceAccountName %q; remove it", old, name)
		}
	},
}
