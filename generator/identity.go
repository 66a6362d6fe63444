package generator

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// identity renders the service account and RBAC objects. Without a
// service account or RBAC rules the pod gets no token.
func (r *renderer) identity() {
	sp := specRoot.Child("serviceAccount")
	saName := ""
	create := false
	automount := true
	var saAnnotations map[string]string
	requested := false
	if sa := r.spec.ServiceAccount; sa != nil {
		requested = true
		saName, create, automount, saAnnotations = sa.Name, sa.Create, sa.AutomountToken, sa.Annotations
		if !create && saName == "" {
			r.errorAtKey(sp.Child("create"), "a service account that is not created needs a name: set serviceAccount.name or remove create: false")
			return
		}
	}
	var clusterRules, rules []rbacv1.PolicyRule
	var clusterProv, ruleProv []fieldpath.Path
	if rbac := r.spec.RBAC; rbac != nil {
		for _, x := range rbac.ClusterRules {
			for _, pr := range x.Rules {
				clusterRules = append(clusterRules, pr)
				clusterProv = append(clusterProv, x.Path)
			}
		}
		for _, x := range rbac.Rules {
			for _, pr := range x.Rules {
				rules = append(rules, pr)
				ruleProv = append(ruleProv, x.Path)
			}
		}
	}
	if len(clusterRules)+len(rules) > 0 && !requested {
		requested, create = true, true
	}
	if !requested {
		// No identity asked for: no token in the pod.
		f := false
		r.pod.AutomountServiceAccountToken = &f
		return
	}
	if saName == "" {
		saName = r.name
	}
	r.pod.ServiceAccountName = saName
	r.pod.AutomountServiceAccountToken = &automount
	r.rec(podPath.Child("serviceAccountName"), sp)
	r.rec(podPath.Child("automountServiceAccountToken"), sp)
	if len(clusterRules)+len(rules) > 0 && r.namespace == "" {
		r.errorAtKey(fieldpath.New("metadata", "namespace"), "required with rbac: a role binding must name the namespace of the service account it binds")
		return
	}
	meta := func(name, ns string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: ns, Labels: copyMap(r.labels)}
	}
	rbacProv := func(spec fieldpath.Path, rulesProv []fieldpath.Path) *Provenance {
		p := NewProvenance()
		p.Record(nil, spec)
		for i, ip := range rulesProv {
			p.Record(fieldpath.New("rules").Index(i), ip)
		}
		return p
	}
	if create {
		sa := &corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: meta(saName, r.namespace)}
		sa.Annotations = saAnnotations
		p := NewProvenance()
		if r.spec.ServiceAccount != nil {
			p.Record(nil, sp)
		} else {
			p.Record(nil, specRoot.Child("rbac"))
		}
		r.rbacObjects = append(r.rbacObjects, Object{APIVersion: "v1", Kind: "ServiceAccount", Namespace: r.namespace, Name: saName, Value: sa, Provenance: p})
	}
	subject := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: saName, Namespace: r.namespace}}
	if len(rules) > 0 {
		role := &rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: meta(r.name, r.namespace), Rules: rules}
		binding := &rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: meta(r.name, r.namespace),
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: r.name}, Subjects: subject}
		sp := specRoot.Child("rbac", "rules")
		r.rbacObjects = append(r.rbacObjects,
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role", Namespace: r.namespace, Name: r.name, Value: role, Provenance: rbacProv(sp, ruleProv)},
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding", Namespace: r.namespace, Name: r.name, Value: binding, Provenance: rbacProv(sp, nil)})
	}
	if len(clusterRules) > 0 {
		// Cluster-scoped names are global: qualify them by namespace so the
		// same Daemon in two namespaces does not share (and overwrite) them.
		name := r.namespace + "-" + r.name
		role := &rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: meta(name, ""), Rules: clusterRules}
		binding := &rbacv1.ClusterRoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding"}, ObjectMeta: meta(name, ""),
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}, Subjects: subject}
		sp := specRoot.Child("rbac", "clusterRules")
		r.rbacObjects = append(r.rbacObjects,
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole", Name: name, Value: role, Provenance: rbacProv(sp, clusterProv)},
			Object{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRoleBinding", Name: name, Value: binding, Provenance: rbacProv(sp, nil)})
	}
}
