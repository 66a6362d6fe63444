package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// The RBAC rules judge what a DaemonSet's service account may do. A
// DaemonSet puts its account's token on every node, so whoever breaks into
// any one node (or any one of its pods) holds the account: its permissions
// are, in effect, given to every node.
//
// Each rule looks at one kind of dangerous grant. It runs on Roles and
// ClusterRoles and reports at the entry of `rules` that grants it: that
// is where the fix is made (narrow the verbs, add resourceNames, split the
// role), and where a reason for keeping it belongs, next to the
// permission. It reports only when the linted set connects that entry to a
// DaemonSet: a RoleBinding or ClusterRoleBinding of the role (or of a
// ClusterRole that aggregates it) whose subjects include the account the
// DaemonSet runs as, by name, as the system:serviceaccount:<ns>:<name>
// user, or through the system:serviceaccounts, system:serviceaccounts:<ns>
// and system:authenticated groups. The finding names the binding and the
// DaemonSet, and points at them as related locations (SARIF
// relatedLocations, JSON "related").
//
// A RoleBinding grants only in its namespace, and never grants
// cluster-scoped resources (nodes, users): the rules take that into
// account. The rules of a ClusterRole with an aggregationRule are
// ignored: the aggregation controller replaces them with the rules of the
// ClusterRoles its selectors match, which are judged in their own place.

var rulesPath = fieldpath.New("rules")

const rbacRefs = "https://kubernetes.io/docs/concepts/security/rbac-good-practices/"

// rbacBinding is the binding half of the rules' examples: the skeleton's
// DaemonSet (node-agent in monitoring) runs as node-agent, bound to the
// node-agent ClusterRole.
const rbacBinding = "---\n" +
	"apiVersion: rbac.authorization.k8s.io/v1\n" +
	"kind: ClusterRoleBinding\n" +
	"metadata: {name: node-agent}\n" +
	"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: node-agent}\n" +
	"subjects:\n" +
	"  - {kind: ServiceAccount, name: node-agent, namespace: monitoring}\n"

// rbacExample is a rule's example: the DaemonSet running as node-agent,
// the node-agent ClusterRole with the given rules, and the binding.
func rbacExample(rules string) string {
	return "serviceAccountName: node-agent\n" +
		"---\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\n" +
		"kind: ClusterRole\n" +
		"metadata: {name: node-agent}\n" +
		"rules:\n" + rules + rbacBinding
}

// rbacGrant is one kind of dangerous grant.
type rbacGrant struct {
	// accesses are the requests it looks for (nil for the wildcard rule,
	// which reads the rule's spelling instead).
	accesses []access
	// anyNameAccess: resourceNames do not narrow these verbs (impersonate
	// a named group such as system:masters is still everything).
	anyNameVerbs []string
	// clusterWideOnly: only a grant in every namespace is reported
	// (reading Secrets in one namespace is often what an agent needs).
	clusterWideOnly bool
	// does says what the grant lets the DaemonSet do, after "lets X".
	does string
	// advice ends the message: the fix.
	advice string
}

// match returns what one rule of a role grants of g: the accesses it
// allows, described, or nothing.
func (g *rbacGrant) match(pr policyRule) ([]access, string) {
	if g.accesses == nil {
		w := pr.wildcards()
		if len(w) == 0 {
			return nil, ""
		}
		return nil, "uses the wildcard " + strings.Join(w, " and ")
	}
	var out []access
	for _, a := range g.accesses {
		if pr.allows(a) && (len(pr.names) == 0 || slices.Contains(g.anyNameVerbs, a.verb)) {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, "grants " + describeAccesses(out, pr.names)
}

// describeAccesses renders accesses as "get, list on secrets; create on
// pods" in the order they were declared.
func describeAccesses(as []access, names []string) string {
	var resources []string
	verbs := map[string][]string{}
	for _, a := range as {
		r := a.resource
		if a.group != "" {
			r += "." + a.group
		}
		if _, ok := verbs[r]; !ok {
			resources = append(resources, r)
		}
		if !slices.Contains(verbs[r], a.verb) {
			verbs[r] = append(verbs[r], a.verb)
		}
	}
	parts := make([]string, len(resources))
	for i, r := range resources {
		parts[i] = strings.Join(verbs[r], ", ") + " on " + r
	}
	s := strings.Join(parts, "; ")
	if len(names) > 0 {
		s += " (resourceNames " + strings.Join(names, ", ") + ")"
	}
	return s
}

// effective keeps the accesses a path really grants: a RoleBinding grants
// no cluster-scoped resource, and for a clusterWideOnly grant nothing.
func (g *rbacGrant) effective(as []access, p grantPath) []access {
	if p.clusterWide() {
		return as
	}
	if g.clusterWideOnly {
		return nil
	}
	var out []access
	for _, a := range as {
		if !a.cluster {
			out = append(out, a)
		}
	}
	return out
}

// rbacRule builds one of the RBAC rules.
func rbacRule(id, summary string, g *rbacGrant, doc rule.Doc) *rule.Rule {
	doc.In = rule.InPodSpec
	doc.What += " The finding is reported at that entry of the role's `rules`, where the fix is made and a reason for " +
		"keeping it belongs; the binding's subject and the DaemonSet are related locations. The rules of a " +
		"ClusterRole with an aggregationRule are judged where they are written, in the ClusterRoles it " +
		"aggregates. A binding to a built-in ClusterRole that no file defines (admin, edit, view, " +
		"system:kubelet-api-admin, system:node) is judged by what Kubernetes' bootstrap policy gives it, and " +
		"reported at the binding's roleRef; other roles outside the linted set are not judged. A DaemonSet " +
		"whose pods mount no token is left out."
	doc.References = append([]string{rbacRefs, "https://kubernetes.io/docs/reference/access-authn-authz/rbac/"}, doc.References...)
	return &rule.Rule{
		ID:       id,
		Category: rule.Security,
		Severity: finding.Warning,
		Summary:  summary,
		Kinds:    []string{"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"},
		Deferred: true,
		Facts:    rbacFacts,
		Doc:      doc,
		Check:    func(p *rule.Pass) { checkRBAC(p, g) },
	}
}

func checkRBAC(p *rule.Pass, g *rbacGrant) {
	o := p.Object
	if o.Resource.Kind == "RoleBinding" || o.Resource.Kind == "ClusterRoleBinding" {
		checkBuiltinBinding(p, g)
		return
	}
	if _, aggregated := o.Map["aggregationRule"].(map[string]any); aggregated && o.Resource.Kind == "ClusterRole" {
		// The aggregation controller overwrites its rules.
		return
	}
	role := roleRef{kind: o.Resource.Kind, namespace: o.Resource.Namespace, name: o.Resource.Name}
	lbls := objectLabels(o.Map)
	rules, _ := o.Map["rules"].([]any)
	for i, r := range rules {
		as, what := g.match(readPolicyRule(r))
		if what == "" {
			continue
		}
		label := fmt.Sprintf("rules[%d] of %s", i, role)
		names := readPolicyRule(r).names
		p.ReportLaterVerdict(rulesPath.Index(i), func(set *rule.Set) (rule.Verdict, bool) {
			return g.verdict(rbacIndexOf(set), role, lbls, label, what, as, names)
		})
	}
}

// verdict decides one rule of a role once the set is known: which
// DaemonSets it reaches, through which bindings, in which scope.
// what describes the rule's grant (the wildcard rule's); the others are
// described by the accesses the paths really grant.
func (g *rbacGrant) verdict(idx *rbacIndex, role roleRef, lbls map[string]string, label, what string, as []access, names []string) (rule.Verdict, bool) {
	return g.decide(idx.pathsTo(role, lbls), label, what, as, names)
}

// decide reports what paths grant of the accesses (or, for the wildcard
// rule, the rule's wildcards, described by what).
func (g *rbacGrant) decide(paths []grantPath, label, what string, as []access, names []string) (rule.Verdict, bool) {
	var agents, bindings, scopes []string
	var granted []access
	var related []finding.Related
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if !slices.Contains(*list, s) {
			*list = append(*list, s)
		}
	}
	relate := func(r finding.Related) {
		key := fmt.Sprintf("%s:%d:%d", r.File, r.Line, r.Column)
		if !seen[key] {
			seen[key] = true
			related = append(related, r)
		}
	}
	for _, path := range paths {
		eff := g.effective(as, path)
		if g.accesses != nil && len(eff) == 0 {
			continue
		}
		for _, a := range eff {
			if !slices.Contains(granted, a) {
				granted = append(granted, a)
			}
		}
		add(&agents, path.agent.res.String())
		b := path.binding.res.Kind + " " + path.binding.res.Name
		if path.binding.res.Kind == "RoleBinding" && path.binding.res.Namespace != "" {
			b = "RoleBinding " + path.binding.res.Namespace + "/" + path.binding.res.Name
		}
		if path.via != nil {
			b += " (to ClusterRole " + path.via.name + ", which aggregates it)"
		}
		add(&bindings, b)
		add(&scopes, path.scope())
		relate(path.subject.at)
		if path.via != nil {
			relate(path.via.at)
		}
		relate(path.agent.at)
	}
	if len(agents) == 0 {
		return rule.Verdict{}, false
	}
	slices.Sort(agents)
	slices.Sort(bindings)
	if g.accesses != nil {
		// In the rule's order.
		slices.SortStableFunc(granted, func(a, b access) int { return slices.Index(as, a) - slices.Index(as, b) })
		what = "grants " + describeAccesses(granted, names)
	}
	scope := " in every namespace"
	switch {
	case g.accesses != nil && !slices.ContainsFunc(granted, func(a access) bool { return !a.cluster }):
		// Only cluster-scoped resources: namespaces do not apply.
		scope = ""
	case !slices.Contains(scopes, "in every namespace"):
		slices.Sort(scopes)
		scope = " " + strings.Join(scopes, ", ")
	}
	msg := fmt.Sprintf("%s %s, which lets %s %s%s, through %s; %s",
		label, what, joinAnd(agents), g.does, scope, joinAnd(bindings), g.advice)
	return rule.Verdict{Message: msg, Related: related}, true
}

// Accesses the rules look for.
var (
	secretReads = []access{{"get", "", "secrets", false}, {"list", "", "secrets", false}, {"watch", "", "secrets", false}}

	// podCreators: creating a pod, or a controller that creates pods
	// from a template it can write.
	podCreators = func() []access {
		out := []access{{"create", "", "pods", false}}
		for _, c := range []struct{ group, resource string }{
			{"", "replicationcontrollers"}, {"apps", "deployments"}, {"apps", "daemonsets"}, {"apps", "statefulsets"},
			{"apps", "replicasets"}, {"batch", "jobs"}, {"batch", "cronjobs"},
		} {
			for _, v := range []string{"create", "update", "patch"} {
				out = append(out, access{v, c.group, c.resource, false})
			}
		}
		return out
	}()

	// podExecs: before Kubernetes 1.35 (AuthorizePodWebsocketUpgradeCreatePermission)
	// a WebSocket exec needs only get.
	podExecs = []access{
		{"create", "", "pods/exec", false}, {"get", "", "pods/exec", false},
		{"create", "", "pods/attach", false}, {"get", "", "pods/attach", false},
		{"create", "", "pods/portforward", false}, {"get", "", "pods/portforward", false},
	}

	// nodeProxies: the kubelet authorizes /exec, /run, /attach and
	// /portforward as get (WebSocket) or create on nodes/proxy.
	nodeProxies = []access{{"get", "", "nodes/proxy", true}, {"create", "", "nodes/proxy", true}}

	escalations = []access{
		{"escalate", "rbac.authorization.k8s.io", "roles", false}, {"escalate", "rbac.authorization.k8s.io", "clusterroles", true},
		{"bind", "rbac.authorization.k8s.io", "roles", false}, {"bind", "rbac.authorization.k8s.io", "clusterroles", true},
		{"impersonate", "", "users", true}, {"impersonate", "", "groups", true}, {"impersonate", "", "serviceaccounts", false},
		{"impersonate", "authentication.k8s.io", "uids", true},
		{"create", "", "serviceaccounts/token", false},
	}

	nodeWrites = []access{
		{"update", "", "nodes", true}, {"patch", "", "nodes", true}, {"delete", "", "nodes", true}, {"deletecollection", "", "nodes", true},
	}
)

var clusterWideSecretAccessRule = rbacRule("cluster-wide-secret-access",
	"a DaemonSet's service account can read Secrets in every namespace",
	&rbacGrant{accesses: secretReads, clusterWideOnly: true,
		does:   "read every Secret (service account tokens, TLS keys, registry and cloud credentials)",
		advice: "grant get on the Secrets it needs by name (resourceNames), or bind a Role in the namespaces that hold them"},
	rule.Doc{
		What: "A rule of a ClusterRole that grants `get`, `list` or `watch` on `secrets` (directly or through a " +
			"wildcard) and that a ClusterRoleBinding gives to a DaemonSet's service account. Rules restricted " +
			"with `resourceNames` are left out, and so are grants in one namespace (a Role, or a RoleBinding of a " +
			"ClusterRole): an agent often reads its own credentials. kube-linter's access-to-secrets flags any " +
			"binding to any role with access to Secrets (and create and delete), whoever it binds; this rule is " +
			"about the node agent's own account and about reading, cluster-wide, the case the Kubernetes RBAC good " +
			"practices single out.",
		Why: "A DaemonSet's token is on every node. With it, whoever breaks into one node reads every Secret in the " +
			"cluster: the tokens of other service accounts (cluster-admin's included, where one has a legacy token " +
			"Secret), TLS keys, registry and cloud credentials. `list` and `watch` return the Secrets' contents, " +
			"not only their names.",
		Bad: rbacExample("  - apiGroups: [\"\"]\n    resources: [secrets]\n    verbs: [get, list, watch]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [secrets]\n    resourceNames: [node-agent-credentials]\n" +
			"    verbs: [get]\n"),
		Fix: "Give the agent the Secrets it reads by name (`resourceNames` with `get`), or bind a Role (or the " +
			"ClusterRole through a RoleBinding) in the namespaces that hold them.",
	})

var podCreateAccessRule = rbacRule("pod-create-access",
	"a DaemonSet's service account can create pods (directly or through a workload controller)",
	&rbacGrant{accesses: podCreators,
		does:   "start pods of its choosing",
		advice: "a pod it creates can run as any service account of its namespace, mount its Secrets and, where Pod Security allows, run privileged: remove these verbs"},
	rule.Doc{
		What: "A rule of a Role or ClusterRole bound to a DaemonSet's service account that grants `create` on " +
			"`pods`, or `create`, `update` or `patch` on a controller that creates pods from its template " +
			"(deployments, daemonsets, statefulsets, replicasets, jobs, cronjobs, replicationcontrollers). kube-linter's " +
			"access-to-create-pods looks at `create` alone, on any binding; this rule also counts rewriting an " +
			"existing controller's template, which starts pods just the same. `update` and `patch` on `pods` " +
			"themselves (which can only change images and a few fields) are not reported.",
		Why: "Creating a pod is creating any pod: it can name any service account of the namespace and mount any " +
			"Secret there, and where Pod Security does not forbid it (kube-system, often) run privileged with the " +
			"host's filesystem. The Kubernetes RBAC good practices list it as a privilege escalation path; from " +
			"a node agent's token, it turns one compromised node into the namespace, or the cluster.",
		Bad:  rbacExample("  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get, list, watch, create]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get, list, watch]\n"),
		Fix:  "Remove the verbs: node agents observe pods, they do not create them. A controller that must create pods belongs in a Deployment with its own account.",
	})

var podExecAccessRule = rbacRule("pod-exec-access",
	"a DaemonSet's service account can exec into, attach to or port-forward to pods",
	&rbacGrant{accesses: podExecs,
		does:   "run commands in, attach to or port-forward to pods",
		advice: "that is every container's processes, files and credentials: remove pods/exec, pods/attach and pods/portforward"},
	rule.Doc{
		What: "A rule of a Role or ClusterRole bound to a DaemonSet's service account that grants `create` or `get` " +
			"on `pods/exec`, `pods/attach` or `pods/portforward`. `get` counts: until Kubernetes 1.35 (and where the " +
			"AuthorizePodWebsocketUpgradeCreatePermission gate is off) a WebSocket exec needs only `get`. Polaris' " +
			"RBAC checks flag the same subresources (exec and attach) on any role.",
		Why: "Exec is a shell in another pod, with its service account token, its Secrets and its network identity; " +
			"attach and port-forward reach its processes and ports. Granted to a node agent, one compromised node " +
			"reaches into every pod of the scope.",
		Bad:  rbacExample("  - apiGroups: [\"\"]\n    resources: [pods, pods/exec]\n    verbs: [get, create]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [pods]\n    verbs: [get]\n"),
		Fix:  "Remove the subresources. An agent that needs data from another pod should read it through an API that pod serves.",
	})

var nodeProxyAccessRule = rbacRule("node-proxy-access",
	"a DaemonSet's service account can use every kubelet's API through nodes/proxy",
	&rbacGrant{accesses: nodeProxies,
		does:   "reach the kubelet API of every node",
		advice: "the kubelet's /exec and /run run commands in any pod on the node: grant nodes/metrics, nodes/stats or nodes/log for what the agent reads instead"},
	rule.Doc{
		What: "A rule of a ClusterRole that grants `get` or `create` on `nodes/proxy` and that a ClusterRoleBinding " +
			"gives to a DaemonSet's service account (a RoleBinding cannot grant a cluster-scoped resource). " +
			"Neither kube-linter nor Polaris has a check for it.",
		Why: "The kubelet authorizes its whole API as `nodes/proxy`: `/exec` and `/run` (a WebSocket exec is a " +
			"`get`), `/pods`, `/containerLogs`. A token with it runs commands in any pod on any node, bypassing the " +
			"API server's audit of pods/exec. Monitoring agents usually need only `nodes/metrics` and " +
			"`nodes/stats` (and, from Kubernetes 1.32, `nodes/pods` and `nodes/healthz` with fine-grained kubelet " +
			"authorization).",
		Bad:        rbacExample("  - apiGroups: [\"\"]\n    resources: [nodes/proxy, nodes/metrics]\n    verbs: [get]\n"),
		Good:       rbacExample("  - apiGroups: [\"\"]\n    resources: [nodes/metrics, nodes/stats]\n    verbs: [get]\n"),
		Fix:        "Grant the narrow kubelet subresources the agent reads (nodes/metrics, nodes/stats, nodes/log) instead of nodes/proxy.",
		References: []string{"https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/"},
	})

var wildcardRBACRule = rbacRule("wildcard-rbac-rule",
	"a role bound to a DaemonSet's service account uses a wildcard in verbs, resources, apiGroups or nonResourceURLs",
	&rbacGrant{
		does:   "do whatever the wildcard matches",
		advice: "a wildcard grants what the API serves now and what it will serve (new resources, subresources, CRDs): list the verbs, groups and resources the agent uses"},
	rule.Doc{
		What: "A rule of a Role or ClusterRole bound to a DaemonSet's service account with `*` in `verbs`, " +
			"`apiGroups`, `resources` (or `*/<subresource>`) or `nonResourceURLs` (a URL prefix such as " +
			"`/healthz/*` names what it grants and is left out). " +
			"kube-linter's wildcard-in-rules flags `*` in verbs and resources of any role; this rule also counts " +
			"apiGroups and subresource wildcards, and only for roles that reach a DaemonSet. What the wildcard " +
			"grants is judged by the other RBAC rules too (a `*` on resources also reads Secrets).",
		Why: "A wildcard gives more than anyone reviewed: `resources: [\"*\"]` includes Secrets and every " +
			"subresource (pods/exec, nodes/proxy), `verbs: [\"*\"]` includes escalate, bind and impersonate, and " +
			"both grow with every new API and CRD installed later.",
		Bad:  rbacExample("  - apiGroups: [\"*\"]\n    resources: [\"*\"]\n    verbs: [get, list, watch]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [nodes, pods]\n    verbs: [get, list, watch]\n"),
		Fix:  "List the API groups, resources and verbs the agent uses.",
	})

var rbacEscalationRule = rbacRule("rbac-escalation-access",
	"a DaemonSet's service account can escalate, bind, impersonate or mint service account tokens",
	&rbacGrant{accesses: escalations, anyNameVerbs: []string{"impersonate"},
		does:   "gain permissions it was not given",
		advice: "escalate and bind write roles and bindings beyond its own rights, impersonate acts as another identity (a named group such as system:masters is everything), serviceaccounts/token mints tokens of other accounts: remove them, or restrict bind, escalate and token to named objects with resourceNames"},
	rule.Doc{
		What: "A rule of a Role or ClusterRole bound to a DaemonSet's service account that grants `escalate` or " +
			"`bind` on roles or clusterroles, `impersonate` on users, groups, service accounts or uids, or " +
			"`create` on `serviceaccounts/token`. `bind`, `escalate` and `serviceaccounts/token` restricted with " +
			"`resourceNames` are left out (the narrow form the RBAC docs recommend; calico-node mints the token of " +
			"its CNI plugin's account this way); `impersonate` is reported even then, since the named identity may " +
			"be anyone. kube-linter has separate checks for escalate, bind and impersonate without resourceNames.",
		Why: "These verbs are how RBAC's own escalation prevention is bypassed: `escalate` edits a role to add " +
			"permissions the account does not have, `bind` binds roles it does not hold (cluster-admin included), " +
			"`impersonate` sends requests as another user, group or service account, and a `serviceaccounts/token` " +
			"create returns a token for any service account of the namespace. From a node agent's token, any of " +
			"them makes one compromised node as powerful as the best account in reach.",
		Bad: rbacExample("  - apiGroups: [\"\"]\n    resources: [serviceaccounts/token]\n    verbs: [create]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [serviceaccounts/token]\n    resourceNames: [node-agent-cni]\n" +
			"    verbs: [create]\n"),
		Fix: "Remove the verbs. If the agent must mint one account's tokens or bind one role, name it in `resourceNames`.",
		References: []string{"https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping",
			"https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation"},
	})

var nodeWriteAccessRule = rbacRule("node-write-access",
	"a DaemonSet's service account can update, patch or delete Node objects (nodes/status is not reported)",
	&rbacGrant{accesses: nodeWrites,
		does:   "change or delete every Node",
		advice: "from one node it can cordon, taint, relabel or delete all of them (and steer workloads with node selectors to itself): patch nodes/status if it reports conditions, or leave node changes to a controller"},
	rule.Doc{
		What: "A rule of a ClusterRole that grants `update`, `patch`, `delete` or `deletecollection` on `nodes` and " +
			"that a ClusterRoleBinding gives to a DaemonSet's service account. `nodes/status` is not reported: CNI " +
			"agents (Calico, Cilium, Flannel) patch it to clear the NetworkUnavailable condition and " +
			"node-problem-detector to set conditions, and RBAC has no narrower grant. Note that it is not harmless: " +
			"the status subresource of a Node also accepts changes to its labels and annotations (the kubelet labels " +
			"its node that way), on any node, since the NodeRestriction admission plugin limits only the nodes' own " +
			"identities. Neither kube-linter nor Polaris has a check for it.",
		Why: "RBAC cannot limit an agent to its own Node: a grant on nodes is a grant on all of them. With it, one " +
			"compromised node can mark every other node unschedulable or delete it (evicting their pods), remove " +
			"taints that keep workloads away, or label itself to attract pods whose node selectors ask for a " +
			"trusted node, with their Secrets.",
		Bad:  rbacExample("  - apiGroups: [\"\"]\n    resources: [nodes]\n    verbs: [get, list, watch, patch]\n"),
		Good: rbacExample("  - apiGroups: [\"\"]\n    resources: [nodes]\n    verbs: [get, list, watch]\n  - apiGroups: [\"\"]\n    resources: [nodes/status]\n    verbs: [patch]\n"),
		Fix: "Patch `nodes/status` for conditions; leave taints, labels and cordoning to a controller (a " +
			"Deployment) rather than an agent on every node.",
	})
