package lint_test

import (
	"fmt"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// fakeSchema stands in for internal/schema in engine tests, so they test the
// engine and not the schemas: DaemonSets reject replicas and string
// container ports; kinds of the example.com group need their CRD, and then
// reject a non-integer spec.size.
type fakeSchema struct {
	mu   sync.Mutex
	crds map[string]bool
}

func newFakeSchema() *fakeSchema { return &fakeSchema{crds: map[string]bool{}} }

func (s *fakeSchema) Validate(obj map[string]any) []schema.Error {
	kind, _ := obj["kind"].(string)
	apiVersion, _ := obj["apiVersion"].(string)
	spec, _ := obj["spec"].(map[string]any)
	var out []schema.Error
	switch {
	case strings.HasPrefix(apiVersion, "example.com/"):
		s.mu.Lock()
		known := s.crds[kind]
		s.mu.Unlock()
		if !known {
			return []schema.Error{{Rule: "no-schema", Severity: finding.Info, Message: fmt.Sprintf("no schema for %s %s", apiVersion, kind)}}
		}
		if _, ok := spec["size"].(int64); !ok {
			out = append(out, schema.Error{Rule: "schema", Severity: finding.Error, Path: fieldpath.New("spec", "size"), Message: "expected integer"})
		}
	case kind == "DaemonSet":
		if _, ok := spec["replicas"]; ok {
			out = append(out, schema.Error{Rule: "schema", Severity: finding.Error, Path: fieldpath.New("spec"), Message: `unknown field "replicas"`})
		}
		pod := dig(obj, "spec", "template", "spec")
		cs, _ := pod["containers"].([]any)
		for i, c := range cs {
			cm, _ := c.(map[string]any)
			ports, _ := cm["ports"].([]any)
			for j, p := range ports {
				pm, _ := p.(map[string]any)
				if v, ok := pm["containerPort"].(string); ok {
					out = append(out, schema.Error{Rule: "schema", Severity: finding.Error,
						Path:    fieldpath.New("spec", "template", "spec", "containers").Index(i).Child("ports").Index(j).Child("containerPort"),
						Message: fmt.Sprintf("expected integer, got string %q", v)})
				}
			}
		}
	}
	return out
}

func (s *fakeSchema) Incomplete(map[string]any) *schema.Error { return nil }

func (s *fakeSchema) AddCRD(obj map[string]any) []schema.Error {
	kind, _ := dig(obj, "spec", "names")["kind"].(string)
	s.mu.Lock()
	s.crds[kind] = true
	s.mu.Unlock()
	return nil
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}

func podSpec(p *rule.Pass) map[string]any { return dig(p.Object.Map, "spec", "template", "spec") }

// fakeRules are small rules with every property the engine handles.
func fakeRules() []*rule.Rule {
	doc := rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f", Mirrors: "m"}
	return []*rule.Rule{
		{ID: "host-network", Category: rule.Security, Severity: finding.Info, Summary: "s", Doc: doc, Kinds: []string{"DaemonSet"},
			Check: func(p *rule.Pass) {
				if podSpec(p)["hostNetwork"] == true {
					p.Reportf(fieldpath.New("spec", "template", "spec", "hostNetwork"), "uses the host's network")
				}
			}},
		{ID: "deployment-field-in-daemonset", Category: rule.Correctness, Severity: finding.Error, Summary: "s", Doc: doc, Kinds: []string{"DaemonSet"},
			Check: func(p *rule.Pass) {
				if _, ok := dig(p.Object.Map, "spec")["replicas"]; ok {
					p.Reportf(fieldpath.New("spec", "replicas"), "a DaemonSet runs one pod per node: remove replicas")
				}
			}},
		{ID: "latest-tag", Category: rule.Reliability, Severity: finding.Warning, Summary: "s", Doc: doc, Kinds: []string{"DaemonSet"},
			Check: func(p *rule.Pass) {
				cs, _ := podSpec(p)["containers"].([]any)
				for i, c := range cs {
					img, _ := c.(map[string]any)["image"].(string)
					if strings.HasSuffix(img, ":latest") {
						p.Report(rule.Diagnostic{Path: fieldpath.New("spec", "template", "spec", "containers").Index(i).Child("image"),
							Message: "image tag latest", AtValue: true})
					}
				}
			}},
		{ID: "digest-pinning", Category: rule.Reliability, Severity: finding.Info, Summary: "s", Doc: doc, Disabled: true, Kinds: []string{"DaemonSet"},
			Check: func(p *rule.Pass) {
				p.Reportf(nil, "not pinned by digest")
			}},
		{ID: "explodes", Category: rule.Operations, Severity: finding.Warning, Summary: "s", Doc: doc,
			Check: func(p *rule.Pass) {
				if p.Object.Resource.Name == "boom" {
					panic("assignment to entry in nil map")
				}
			}},
		{ID: "runs-as-root", Category: rule.Security, Severity: finding.Info, Summary: "s", Doc: doc, Disabled: true,
			PodSecurity: rule.Restricted, Kinds: []string{"DaemonSet"},
			Check: func(p *rule.Pass) {
				if dig(podSpec(p), "securityContext")["runAsNonRoot"] != true {
					p.Reportf(fieldpath.New("spec", "template", "spec"), "may run as root")
				}
			}},
		{ID: "service-account-not-found", Category: rule.Correctness, Severity: finding.Warning, Summary: "s", Doc: doc,
			Kinds: []string{"DaemonSet"}, Deferred: true, SetKinds: []string{"ClusterRoleBinding"},
			Check: func(p *rule.Pass) {
				sa, _ := podSpec(p)["serviceAccountName"].(string)
				if sa == "" {
					return
				}
				ns, settings := p.Object.Resource.Namespace, p.Settings
				p.ReportLater(fieldpath.New("spec", "template", "spec", "serviceAccountName"), func(set *rule.Set) (string, bool) {
					if !set.HasKind("ServiceAccount") && !settings.CheckReferences() || set.Has("ServiceAccount", ns, sa) {
						return "", false
					}
					return fmt.Sprintf("service account %q is not in the linted set (%d bindings seen)", sa, len(set.Objects("ClusterRoleBinding"))), true
				})
			}},
	}
}
