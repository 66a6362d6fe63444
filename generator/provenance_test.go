package generator

import (
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
)

func TestProvenanceLookup(t *testing.T) {
	p := NewProvenance()
	p.Record(fieldpath.New("spec"), fieldpath.New("spec"))
	p.Record(fieldpath.New("spec", "template", "spec", "containers").Index(0), fieldpath.New("spec"))
	p.Record(fieldpath.New("spec", "template", "spec", "containers").Index(0).Child("ports").Index(1), fieldpath.New("spec", "ports").Index(1))
	tests := []struct {
		out, want string
		ok        bool
	}{
		{"spec.template.spec.containers[0].ports[1]", "spec.ports[1]", true},
		{"spec.template.spec.containers[0].ports[1].hostPort", "spec.ports[1].hostPort", true},
		{"spec.template.spec.containers[0].image", "spec.image", true},
		{"spec.template.spec.containers[0].ports[2]", "spec.ports[2]", true},
		{"spec.updateStrategy", "spec.updateStrategy", true},
		{"metadata.name", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.out, func(t *testing.T) {
			got, ok := p.Lookup(fieldpath.Parse(tt.out))
			if ok != tt.ok || got.String() != tt.want {
				t.Errorf("Lookup(%s) = %q, %v; want %q, %v", tt.out, got, ok, tt.want, tt.ok)
			}
		})
	}
	if n := len(p.Entries()); n != 3 {
		t.Errorf("Entries() has %d entries, want 3", n)
	}
}

// TestRenderedLocate maps fields of a rendered DaemonSet back to the line
// and column of the spec field they came from.
func TestRenderedLocate(t *testing.T) {
	src := `apiVersion: everynode.dev/v1alpha1
kind: Daemon
metadata:
  name: agent
  namespace: agents
spec:
  image: registry.example.com/agent:1.0.0
  ports: [metrics:9100, {name: admin, containerPort: 9000, hostPort: 9000}]
  maxSurge: 1
  env: {A: a, B: {fieldRef: spec.nodeName}}
  resources: {cpu: 10m, memory: 32Mi}
  readinessProbe: {http: /ready}
  mounts:
    - /var/log:/var/log
  tolerations: [everywhere]
  ignore:
    - {rule: host-port, reason: "scraped on the node"}
`
	specs, fs := Load(File{Name: "agent.yaml", Data: []byte(src)})
	if len(fs) > 0 || len(specs) != 1 {
		t.Fatalf("load: %v", fs)
	}
	// Render without the checks: maxSurge with a hostPort is an error.
	r, probs := render(specs[0])
	if len(probs) > 0 {
		t.Fatalf("render: %v", probs)
	}
	ds := len(r.Objects) - 1
	tests := []struct {
		out       string
		line, col int
		spec      string
	}{
		{"spec.updateStrategy.rollingUpdate.maxSurge", 9, 3, "spec.maxSurge"},
		{"spec.updateStrategy.rollingUpdate.maxUnavailable", 9, 3, "spec.maxSurge"},
		{"spec.template.spec.containers[0].ports[0]", 8, 11, "spec.ports[0]"},
		{"spec.template.spec.containers[0].ports[1].hostPort", 8, 60, "spec.ports[1].hostPort"},
		{"spec.template.spec.containers[0].ports[0].name", 8, 11, "spec.ports[0]"},
		{"spec.template.spec.containers[0].env[1].valueFrom", 10, 15, "spec.env.B"},
		{"spec.template.spec.containers[0].resources.limits.memory", 11, 25, "spec.resources.memory"},
		{"spec.template.spec.containers[0].readinessProbe.httpGet.port", 12, 20, "spec.readinessProbe.http"},
		{"spec.template.spec.containers[0].volumeMounts[0].readOnly", 14, 7, "spec.mounts[0]"},
		{"spec.template.spec.volumes[0].hostPath.type", 14, 7, "spec.mounts[0]"},
		{"spec.template.spec.tolerations[0].operator", 15, 17, "spec.tolerations[0]"},
		{"spec.template.spec.containers[0].securityContext.runAsNonRoot", 6, 1, "spec"},
		{"spec.template.spec.containers[0].name", 4, 3, "metadata.name"},
		{"spec.template.metadata.labels[app.kubernetes.io/name]", 4, 3, "metadata.name"},
		{"metadata.annotations[ignore.everynode.dev/host-port]", 17, 7, "spec.ignore[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.out, func(t *testing.T) {
			line, col, found := r.Locate(ds, fieldpath.Parse(tt.out))
			if line != tt.line || col != tt.col || found.String() != tt.spec {
				t.Errorf("Locate(%s) = %d:%d %s, want %d:%d %s", tt.out, line, col, found, tt.line, tt.col, tt.spec)
			}
		})
	}
}
