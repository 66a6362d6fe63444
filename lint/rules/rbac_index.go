package rules

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// What the RBAC rules know of RBAC: how a PolicyRule matches a request
// (mirroring pkg/apis/rbac/v1/evaluation_helpers.go: exact, case-sensitive
// matches, "*" for everything, "*/sub" for a subresource of anything),
// which bindings connect a role to the service account a DaemonSet runs
// as, and how aggregated ClusterRoles collect the rules of others.

// policyRule is one entry of a Role's or ClusterRole's rules.
type policyRule struct {
	verbs, groups, resources, names, urls []string
}

func strings_(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func readPolicyRule(v any) policyRule {
	m, _ := v.(map[string]any)
	return policyRule{verbs: strings_(m["verbs"]), groups: strings_(m["apiGroups"]), resources: strings_(m["resources"]),
		names: strings_(m["resourceNames"]), urls: strings_(m["nonResourceURLs"])}
}

// access is a request an RBAC rule may allow: a verb on a resource
// ("pods", or "pods/exec" for a subresource) of an API group.
type access struct {
	verb, group, resource string
	// cluster is true for a cluster-scoped resource (nodes, users): only
	// a ClusterRoleBinding grants it, never a RoleBinding.
	cluster bool
}

// allows reports whether the rule allows the access for some object name
// (VerbMatches, APIGroupMatches, ResourceMatches; resourceNames are the
// caller's to judge).
func (r policyRule) allows(a access) bool {
	return matchAny(r.verbs, a.verb) && matchAny(r.groups, a.group) && resourceMatches(r.resources, a.resource)
}

func matchAny(list []string, s string) bool {
	return slices.Contains(list, "*") || slices.Contains(list, s)
}

func resourceMatches(list []string, resource string) bool {
	_, sub, hasSub := strings.Cut(resource, "/")
	for _, r := range list {
		if r == "*" || r == resource || (hasSub && r == "*/"+sub) {
			return true
		}
	}
	return false
}

// wildcards lists the wildcards of a rule, for wildcard-rbac-rule.
func (r policyRule) wildcards() []string {
	var out []string
	for _, f := range []struct {
		name string
		list []string
	}{{"verbs", r.verbs}, {"apiGroups", r.groups}, {"resources", r.resources}, {"nonResourceURLs", r.urls}} {
		for _, v := range f.list {
			// A nonResourceURLs prefix such as /healthz/* names what it
			// grants; only "*" (every URL, /debug/pprof included) does not.
			if v == "*" || (f.name == "resources" && strings.HasPrefix(v, "*/")) {
				out = append(out, fmt.Sprintf("%s %q", f.name, v))
			}
		}
	}
	return out
}

// roleRef identifies a Role (namespace set) or a ClusterRole.
type roleRef struct{ kind, namespace, name string }

func (r roleRef) String() string {
	if r.kind == "Role" && r.namespace != "" {
		return "Role " + r.namespace + "/" + r.name
	}
	return r.kind + " " + r.name
}

// bindingInfo is what the RBAC rules keep of a RoleBinding or
// ClusterRoleBinding: the role it grants, and its subjects with where
// each is written.
type bindingInfo struct {
	res      finding.Resource
	role     roleRef
	subjects []bindingSubject
	// roleAt is where roleRef.name is written.
	roleAt finding.Related
}

type bindingSubject struct {
	subject map[string]any
	at      finding.Related
}

// namespace is the binding's namespace, "" for a ClusterRoleBinding.
func (b *bindingInfo) namespace() string {
	if b.res.Kind == "RoleBinding" {
		return b.res.Namespace
	}
	return ""
}

// clusterRoleInfo is what the RBAC rules keep of a ClusterRole: its
// labels and, for an aggregated one, its selectors.
type clusterRoleInfo struct {
	name      string
	labels    map[string]string
	selectors []labels.Selector
	// at is where its aggregationRule is written.
	at finding.Related
}

// agentAccount is a DaemonSet of the set and the account it runs as.
type agentAccount struct {
	res     finding.Resource
	account string
	// at is where the account is named (the pod spec for default).
	at finding.Related
}

// rbacIndex is what the RBAC rules read of the set, built once per set:
// bindings by the role they grant, aggregated ClusterRoles, and the
// DaemonSets' accounts. It holds places, not objects.
type rbacIndex struct {
	bindings     map[roleRef][]*bindingInfo
	clusterRoles []*clusterRoleInfo
	agents       []agentAccount
	// defaults are the subjects that name a namespace's default account.
	defaults []defaultSubject
	// byAccount holds the agents by the name of their account: a subject
	// names one account, and a corpus may hold thousands of DaemonSets.
	byAccount map[string][]agentAccount
}

type rbacIndexKey struct{}

var (
	roleRefNamePath   = fieldpath.New("roleRef", "name")
	aggregationPath   = fieldpath.New("aggregationRule", "clusterRoleSelectors")
	serviceAccountKey = podSpecPath.Child("serviceAccountName")
)

// The facts the RBAC rules keep of the set's objects as they are read
// (rule.Fact): no binding, role or DaemonSet is parsed twice.
var (
	roleBindingFact        = &rule.Fact{Kind: "RoleBinding", Compute: bindingFact}
	clusterRoleBindingFact = &rule.Fact{Kind: "ClusterRoleBinding", Compute: bindingFact}
	clusterRoleFact        = &rule.Fact{Kind: "ClusterRole", Compute: clusterRoleFactOf}
	serviceAccountFact     = &rule.Fact{Kind: "ServiceAccount", Compute: serviceAccountFactOf}
	daemonSetFact          = &rule.Fact{Kind: "DaemonSet", Compute: daemonSetFactOf}
	rbacFacts              = []*rule.Fact{roleBindingFact, clusterRoleBindingFact, clusterRoleFact, serviceAccountFact, daemonSetFact}
)

func bindingFact(o *rule.Object) any {
	ref, _ := o.Map["roleRef"].(map[string]any)
	rk, _ := ref["kind"].(string)
	rn, _ := ref["name"].(string)
	b := &bindingInfo{res: o.Resource, role: roleRef{kind: rk, name: rn}}
	if rk == "Role" {
		// A RoleBinding names a Role of its own namespace.
		b.role.namespace = o.Resource.Namespace
	}
	b.roleAt = rule.Place(o, roleRefNamePath, fmt.Sprintf("%s grants %s", o.Resource, b.role))
	subjects, _ := o.Map["subjects"].([]any)
	for i, s := range subjects {
		sm, ok := s.(map[string]any)
		if !ok {
			continue
		}
		b.subjects = append(b.subjects, bindingSubject{subject: sm,
			at: rule.Place(o, fieldPathSubjects.Index(i), fmt.Sprintf("%s binds %s to %s", o.Resource, describeSubject(sm), b.role))})
	}
	return b
}

func clusterRoleFactOf(o *rule.Object) any {
	cr := &clusterRoleInfo{name: o.Resource.Name, labels: objectLabels(o.Map)}
	if agg, ok := o.Map["aggregationRule"].(map[string]any); ok {
		sels, _ := agg["clusterRoleSelectors"].([]any)
		for _, s := range sels {
			if sel, ok := labelSelector(s); ok {
				cr.selectors = append(cr.selectors, sel)
			}
		}
		cr.at = rule.Place(o, aggregationPath, fmt.Sprintf("ClusterRole %s aggregates the rules of ClusterRoles its selectors match", o.Resource.Name))
	}
	return cr
}

// accountFact is a ServiceAccount that opts out of the token.
type accountFact struct{ namespace, name string }

func serviceAccountFactOf(o *rule.Object) any {
	if v, ok := o.Map["automountServiceAccountToken"].(bool); ok && !v {
		return accountFact{o.Resource.Namespace, o.Resource.Name}
	}
	return nil
}

// agentFact is a DaemonSet as the RBAC rules see it.
type agentFact struct {
	agentAccount
	// automount is the pod's automountServiceAccountToken (nil: unset);
	// projected: a projected volume asks for a token anyway.
	automount *bool
	projected bool
}

func daemonSetFactOf(o *rule.Object) any {
	sa := serviceAccountOf(o)
	at, msg := serviceAccountKey, fmt.Sprintf("%s runs as ServiceAccount %q", o.Resource, sa)
	spec, _ := o.Get(podSpecPath).(map[string]any)
	if _, ok := spec["serviceAccountName"].(string); !ok {
		if _, ok := spec["serviceAccount"].(string); ok {
			at = podSpecPath.Child("serviceAccount")
		} else {
			at = podSpecPath
		}
	}
	f := &agentFact{agentAccount: agentAccount{res: o.Resource, account: sa, at: rule.Place(o, at, msg)}}
	if v, ok := spec["automountServiceAccountToken"].(bool); ok {
		f.automount = &v
	}
	vols, _ := spec["volumes"].([]any)
	for _, v := range vols {
		vm, _ := v.(map[string]any)
		pr, _ := vm["projected"].(map[string]any)
		srcs, _ := pr["sources"].([]any)
		for _, src := range srcs {
			if sm, _ := src.(map[string]any); sm["serviceAccountToken"] != nil {
				f.projected = true
			}
		}
	}
	return f
}

// tokenless reports whether a DaemonSet's pods carry no token of their
// account: automountServiceAccountToken is false on the pod (or unset
// there and false on the account), and no projected volume asks for one.
func (f *agentFact) tokenless(accountOptsOut bool) bool {
	if f.projected {
		return false
	}
	if f.automount != nil {
		return !*f.automount
	}
	return accountOptsOut
}

func rbacIndexOf(set *rule.Set) *rbacIndex {
	return set.Memo(rbacIndexKey{}, func() any {
		idx := &rbacIndex{bindings: map[roleRef][]*bindingInfo{}, byAccount: map[string][]agentAccount{}}
		var bindings []*bindingInfo
		for _, f := range slices.Concat(set.Facts(roleBindingFact), set.Facts(clusterRoleBindingFact)) {
			bindings = append(bindings, f.(*bindingInfo))
		}
		// Facts come in the order files were read: sort, so that
		// messages and related places are the same on every run.
		slices.SortFunc(bindings, func(a, b *bindingInfo) int { return comparePlaces(a.roleAt, b.roleAt) })
		for _, b := range bindings {
			for _, sub := range b.subjects {
				if namesDefaultAccount(sub.subject) {
					idx.defaults = append(idx.defaults, defaultSubject{b, sub})
				}
			}
			key := b.role
			if key.kind == "Role" {
				key.namespace = ""
			}
			idx.bindings[key] = append(idx.bindings[key], b)
		}
		defined := map[string]bool{}
		for _, f := range set.Facts(clusterRoleFact) {
			cr := f.(*clusterRoleInfo)
			idx.clusterRoles = append(idx.clusterRoles, cr)
			defined[cr.name] = true
		}
		slices.SortFunc(idx.clusterRoles, func(a, b *clusterRoleInfo) int { return strings.Compare(a.name, b.name) })
		idx.clusterRoles = append(idx.clusterRoles, builtinAggregates(defined)...)
		// Accounts that opt out of the token (and so their pods, unless
		// a pod opts back in).
		optsOut := map[accountFact]bool{}
		for _, f := range set.Facts(serviceAccountFact) {
			optsOut[f.(accountFact)] = true
		}
		for _, f := range set.Facts(daemonSetFact) {
			a := f.(*agentFact)
			ns := a.res.Namespace
			if a.tokenless(optsOut[accountFact{ns, a.account}] || optsOut[accountFact{"", a.account}]) {
				// Its pods hold no token: what the account may do is not
				// on the nodes.
				continue
			}
			idx.agents = append(idx.agents, a.agentAccount)
		}
		slices.SortFunc(idx.agents, func(a, b agentAccount) int { return comparePlaces(a.at, b.at) })
		for _, a := range idx.agents {
			idx.byAccount[a.account] = append(idx.byAccount[a.account], a)
		}
		return idx
	}).(*rbacIndex)
}

// comparePlaces orders places by file, line, column and message.
func comparePlaces(a, b finding.Related) int {
	if c := strings.Compare(a.File, b.File); c != 0 {
		return c
	}
	if a.Line != b.Line {
		return a.Line - b.Line
	}
	if a.Column != b.Column {
		return a.Column - b.Column
	}
	return strings.Compare(a.Message, b.Message)
}

func objectLabels(m map[string]any) map[string]string {
	md, _ := m["metadata"].(map[string]any)
	l, _ := md["labels"].(map[string]any)
	out := make(map[string]string, len(l))
	for k, v := range l {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// labelSelector reads a metav1.LabelSelector; ok is false when it is not
// one the API server accepts (the aggregation controller skips it).
func labelSelector(v any) (labels.Selector, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	var ls metav1.LabelSelector
	if ml, ok := m["matchLabels"].(map[string]any); ok {
		ls.MatchLabels = map[string]string{}
		for k, x := range ml {
			s, ok := x.(string)
			if !ok {
				return nil, false
			}
			ls.MatchLabels[k] = s
		}
	}
	exprs, _ := m["matchExpressions"].([]any)
	for _, e := range exprs {
		em, _ := e.(map[string]any)
		key, _ := em["key"].(string)
		op, _ := em["operator"].(string)
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{Key: key,
			Operator: metav1.LabelSelectorOperator(op), Values: strings_(em["values"])})
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	return sel, err == nil
}

func describeSubject(s map[string]any) string {
	kind, _ := s["kind"].(string)
	name, _ := s["name"].(string)
	ns, _ := s["namespace"].(string)
	if kind == "ServiceAccount" && ns != "" {
		return fmt.Sprintf("ServiceAccount %s/%s", ns, name)
	}
	return fmt.Sprintf("%s %q", kind, name)
}

// aggregatesOf returns the ClusterRoles that, through aggregationRule
// selectors, collect the rules of a ClusterRole with these labels, directly
// or through other aggregated ClusterRoles (edit is aggregated into admin),
// with the place of each one's aggregationRule.
func (idx *rbacIndex) aggregatesOf(name string, lbls map[string]string) []*clusterRoleInfo {
	var out []*clusterRoleInfo
	seen := map[string]bool{name: true}
	queue := []labels.Set{lbls}
	for len(queue) > 0 {
		l := queue[0]
		queue = queue[1:]
		for _, cr := range idx.clusterRoles {
			if seen[cr.name] || !slices.ContainsFunc(cr.selectors, func(s labels.Selector) bool { return s.Matches(l) }) {
				continue
			}
			seen[cr.name] = true
			out = append(out, cr)
			queue = append(queue, cr.labels)
		}
	}
	return out
}

// grantPath is one way a role's rule reaches a DaemonSet: a binding (to
// the role or to a ClusterRole that aggregates it) whose subject covers
// the DaemonSet's account.
type grantPath struct {
	agent   agentAccount
	binding *bindingInfo
	subject bindingSubject
	// via is the aggregated ClusterRole the binding grants (nil: the role
	// itself).
	via *clusterRoleInfo
}

// clusterWide reports whether the path grants in every namespace: a
// ClusterRoleBinding (which can only grant a ClusterRole).
func (g grantPath) clusterWide() bool { return g.binding.res.Kind == "ClusterRoleBinding" }

// scope names where the path grants, for messages.
func (g grantPath) scope() string {
	if g.clusterWide() {
		return "in every namespace"
	}
	if ns := g.binding.namespace(); ns != "" {
		return "in namespace " + ns
	}
	return "in the binding's namespace"
}

// pathsTo lists the ways a role reaches the DaemonSets of the set.
// For a ClusterRole, labels are its own (to find what aggregates it).
func (idx *rbacIndex) pathsTo(role roleRef, lbls map[string]string) []grantPath {
	type target struct {
		key roleRef
		via *clusterRoleInfo
	}
	targets := []target{{key: roleRef{kind: role.kind, name: role.name}}}
	if role.kind == "ClusterRole" {
		for _, cr := range idx.aggregatesOf(role.name, lbls) {
			targets = append(targets, target{key: roleRef{kind: "ClusterRole", name: cr.name}, via: cr})
		}
	}
	var out []grantPath
	for _, t := range targets {
		for _, b := range idx.bindings[t.key] {
			if role.kind == "Role" && !sameNamespace(b.res.Namespace, role.namespace) {
				continue
			}
			for _, s := range b.subjects {
				for _, a := range idx.candidates(s.subject) {
					if subjectCovers(s.subject, b.namespace(), a.res.Namespace, a.account) {
						out = append(out, grantPath{agent: a, binding: b, subject: s, via: t.via})
					}
				}
			}
		}
	}
	return out
}

// candidates are the agents a subject may cover: those running as the
// account a ServiceAccount subject or a service account user names, every
// agent for a group.
func (idx *rbacIndex) candidates(subject map[string]any) []agentAccount {
	kind, _ := subject["kind"].(string)
	name, _ := subject["name"].(string)
	switch kind {
	case "ServiceAccount":
		return idx.byAccount[name]
	case "User":
		parts := strings.Split(name, ":")
		if len(parts) != 4 || parts[0] != "system" || parts[1] != "serviceaccount" {
			return nil
		}
		return idx.byAccount[parts[3]]
	}
	return idx.agents
}

type defaultSubject struct {
	binding *bindingInfo
	subject bindingSubject
}

// namesDefaultAccount reports whether a subject names a default service
// account by name (a group names every account alike).
func namesDefaultAccount(subject map[string]any) bool {
	kind, _ := subject["kind"].(string)
	name, _ := subject["name"].(string)
	switch kind {
	case "ServiceAccount":
		return name == "default"
	case "User":
		return strings.HasPrefix(name, "system:serviceaccount:") && strings.HasSuffix(name, ":default")
	}
	return false
}
