package rules

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/everynode/everynode/internal/fieldpath"
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
}

type rbacIndexKey struct{}

// rbacSetKinds are the kinds the RBAC rules read from the set.
var rbacSetKinds = []string{"DaemonSet", "RoleBinding", "ClusterRoleBinding", "ClusterRole", "ServiceAccount"}

var (
	roleRefNamePath   = fieldpath.New("roleRef", "name")
	aggregationPath   = fieldpath.New("aggregationRule", "clusterRoleSelectors")
	serviceAccountKey = podSpecPath.Child("serviceAccountName")
)

func rbacIndexOf(set *rule.Set) *rbacIndex {
	return set.Memo(rbacIndexKey{}, func() any {
		idx := &rbacIndex{bindings: map[roleRef][]*bindingInfo{}}
		for _, kind := range []string{"RoleBinding", "ClusterRoleBinding"} {
			set.Each(kind, func(o *rule.Object) {
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
				key := b.role
				if key.kind == "Role" {
					key.namespace = ""
				}
				idx.bindings[key] = append(idx.bindings[key], b)
			})
		}
		defined := map[string]bool{}
		set.Each("ClusterRole", func(o *rule.Object) {
			agg, ok := o.Map["aggregationRule"].(map[string]any)
			cr := &clusterRoleInfo{name: o.Resource.Name, labels: objectLabels(o.Map)}
			if ok {
				sels, _ := agg["clusterRoleSelectors"].([]any)
				for _, s := range sels {
					if sel, ok := labelSelector(s); ok {
						cr.selectors = append(cr.selectors, sel)
					}
				}
				cr.at = rule.Place(o, aggregationPath, fmt.Sprintf("ClusterRole %s aggregates the rules of ClusterRoles its selectors match", o.Resource.Name))
			}
			idx.clusterRoles = append(idx.clusterRoles, cr)
			defined[o.Resource.Name] = true
		})
		idx.clusterRoles = append(idx.clusterRoles, builtinAggregates(defined)...)
		// Accounts that opt out of the token (and so their pods, unless
		// a pod opts back in).
		optsOut := map[[2]string]bool{}
		set.Each("ServiceAccount", func(o *rule.Object) {
			if v, ok := o.Map["automountServiceAccountToken"].(bool); ok && !v {
				optsOut[[2]string{o.Resource.Namespace, o.Resource.Name}] = true
			}
		})
		set.Each("DaemonSet", func(o *rule.Object) {
			sa := serviceAccountOf(o)
			if tokenless(o, func(ns string) bool { return optsOut[[2]string{ns, sa}] || optsOut[[2]string{"", sa}] }) {
				// Its pods hold no token: what the account may do is not
				// on the nodes.
				return
			}
			at, msg := serviceAccountKey, fmt.Sprintf("%s runs as ServiceAccount %q", o.Resource, sa)
			spec, _ := o.Get(podSpecPath).(map[string]any)
			if _, ok := spec["serviceAccountName"].(string); !ok {
				if _, ok := spec["serviceAccount"].(string); ok {
					at = podSpecPath.Child("serviceAccount")
				} else {
					at = podSpecPath
				}
			}
			idx.agents = append(idx.agents, agentAccount{res: o.Resource, account: sa, at: rule.Place(o, at, msg)})
		})
		return idx
	}).(*rbacIndex)
}

// tokenless reports whether a DaemonSet's pods carry no token of their
// account: automountServiceAccountToken is false on the pod (or unset
// there and false on the account, as accountOptsOut says for the
// DaemonSet's namespace), and no projected volume asks for one.
func tokenless(o *rule.Object, accountOptsOut func(ns string) bool) bool {
	spec, _ := o.Get(podSpecPath).(map[string]any)
	switch v, ok := spec["automountServiceAccountToken"].(bool); {
	case ok && v:
		return false
	case !ok && !accountOptsOut(o.Resource.Namespace):
		return false
	}
	vols, _ := spec["volumes"].([]any)
	for _, v := range vols {
		vm, _ := v.(map[string]any)
		pr, _ := vm["projected"].(map[string]any)
		srcs, _ := pr["sources"].([]any)
		for _, src := range srcs {
			if sm, _ := src.(map[string]any); sm["serviceAccountToken"] != nil {
				return false
			}
		}
	}
	return true
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
				for _, a := range idx.agents {
					if subjectCovers(s.subject, b.namespace(), a.res.Namespace, a.account) {
						out = append(out, grantPath{agent: a, binding: b, subject: s, via: t.via})
					}
				}
			}
		}
	}
	return out
}
