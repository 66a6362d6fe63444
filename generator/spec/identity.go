package spec

import (
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// ServiceAccount is the identity the pods run as.
type ServiceAccount struct {
	At
	// Name is "" for the Daemon's name.
	Name string
	// Create: the generator writes the ServiceAccount; otherwise it exists.
	Create         bool
	AutomountToken bool
	Annotations    map[string]string
}

type serviceAccountSyntax struct {
	Name           string            `json:"name" doc:"default: the Daemon's name"`
	Create         *bool             `json:"create" doc:"default true"`
	AutomountToken *bool             `json:"automountToken" doc:"default true"`
	Annotations    map[string]string `json:"annotations"`
}

// Forms implements Shorthand.
func (ServiceAccount) Forms() Forms {
	return Forms{Doc: "an existing ServiceAccount's name, or {name, create, automountToken, annotations}", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: serviceAccountSyntax{}},
	}}
}

func (x *ServiceAccount) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	x.AutomountToken = true
	if s, ok := v.(string); ok {
		x.Name = s
		return true
	}
	var s serviceAccountSyntax
	d.into(p, v, &s)
	x.Name, x.Create, x.Annotations = s.Name, true, s.Annotations
	if s.Create != nil {
		x.Create = *s.Create
	}
	if s.AutomountToken != nil {
		x.AutomountToken = *s.AutomountToken
	}
	return true
}

// PolicyRule is a rule of the Daemon's Role; written as a string it may
// become several, one per API group.
type PolicyRule struct {
	At
	Rules []rbacv1.PolicyRule
}

// ClusterPolicyRule is a rule of the Daemon's ClusterRole, which may also
// grant non-resource URLs.
type ClusterPolicyRule struct {
	At
	Rules []rbacv1.PolicyRule
}

func policyRuleForms() Forms {
	return Forms{Doc: "\"VERBS RESOURCES\" (get,list,watch pods,nodes/metrics,ingresses.networking.k8s.io) or a PolicyRule", List: []Form{
		{Type: "string", Schema: M{"minLength": 1}},
		{Type: "object", Syntax: rbacv1.PolicyRule{}},
	}}
}

// Forms implements Shorthand.
func (PolicyRule) Forms() Forms { return policyRuleForms() }

// Forms implements Shorthand.
func (ClusterPolicyRule) Forms() Forms { return policyRuleForms() }

func (x *PolicyRule) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	x.Rules = decodePolicyRules(d, p, v, false)
	return x.Rules != nil
}

func (x *ClusterPolicyRule) decode(d *decoder, p fieldpath.Path, v any) bool {
	x.Path = p
	x.Rules = decodePolicyRules(d, p, v, true)
	return x.Rules != nil
}

func decodePolicyRules(d *decoder, p fieldpath.Path, v any, cluster bool) []rbacv1.PolicyRule {
	if s, ok := v.(string); ok {
		rs, err := parsePolicyRules(s, cluster)
		if err != nil {
			d.errorf(p, "%v", err)
			return nil
		}
		return rs
	}
	var r rbacv1.PolicyRule
	if !d.into(p, v, &r) {
		return nil
	}
	return []rbacv1.PolicyRule{r}
}
