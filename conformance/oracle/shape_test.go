package oracle

import "testing"

// TestErrors: each stage's errors name the field the API server names,
// with the type the suite groups by.
func TestErrors(t *testing.T) {
	const head = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
`
	tests := []struct {
		name, spec   string
		stage        Stage
		field, etype string
	}{
		{"unknown field", "      containers: [{name: c, image: busybox, foo: 1}]\n", StageDecode, "spec.template.spec.containers[0].foo", "unknown field"},
		{"duplicate key", "      containers: [{name: c, image: busybox, name: d}]\n", StageDecode, "", "duplicate field"},
		{"int32 overflow", "      containers: [{name: c, image: busybox, ports: [{containerPort: 2147483648}]}]\n", StageDecode, "spec.template.spec.containers.ports.containerPort", "wrong type"},
		{"string for int", "      containers: [{name: c, image: busybox, ports: [{containerPort: '80'}]}]\n", StageDecode, "spec.template.spec.containers.ports.containerPort", "wrong type"},
		{"embedded struct in the decoder's path", "      containers: [{name: c, image: busybox}]\n      volumes: [{name: v, hostPath: {path: /x}, secret: {optional: 'no'}}]\n", StageDecode, "spec.template.spec.volumes.secret.optional", "wrong type"},
		{"port zero", "      containers: [{name: c, image: busybox, ports: [{containerPort: 0}]}]\n", StageValidate, "spec.template.spec.containers[0].ports[0].containerPort", "Required value"},
		{"YAML 1.1 boolean", "      hostNetwork: yes\n      containers: [{name: c, image: busybox}]\n", StageAccepted, "", ""},
		{"quoted boolean", "      hostNetwork: 'yes'\n      containers: [{name: c, image: busybox}]\n", StageDecode, "spec.template.spec.hostNetwork", "wrong type"},
		{"empty image", "      containers: [{name: c, image: ''}]\n", StageValidate, "spec.template.spec.containers[0].image", "Required value"},
		{"tcp probe without port", "      containers: [{name: c, image: x, livenessProbe: {tcpSocket: {}}}]\n", StageValidate, "spec.template.spec.containers[0].livenessProbe.tcpSocket.port", "Invalid value"},
		{"syntax", "      containers: [{name: c, image: x\n", StageDecode, "", "syntax"},
		{"negative quantity", "      containers: [{name: c, image: x, resources: {limits: {cpu: -1}}}]\n", StageValidate, "spec.template.spec.containers[0].resources.limits[cpu]", "Invalid value"},
		{"not a quantity", "      containers: [{name: c, image: x, resources: {limits: {cpu: abc}}}]\n", StageDecode, "", "syntax"},
		{"sourceless volume defaults to emptyDir", "      containers: [{name: c, image: x}]\n      volumes: [{name: v}]\n", StageAccepted, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Create([]byte(head + tt.spec))
			if v.Stage != tt.stage {
				t.Fatalf("stage %q, want %q: %s", v.Stage, tt.stage, v.Message)
			}
			if tt.stage == StageAccepted {
				return
			}
			if f := v.First(); f.Field != tt.field || f.Type != tt.etype {
				t.Errorf("first error %q (%s), want %q (%s): %s", f.Field, f.Type, tt.field, tt.etype, v.Message)
			}
		})
	}
}

func TestRequestChecks(t *testing.T) {
	for _, tt := range []struct{ name, doc, field string }{
		{"served version", "apiVersion: apps/v1beta2\nkind: DaemonSet\nmetadata: {name: x}\n", "apiVersion"},
		{"unknown version", "apiVersion: v1\nkind: DaemonSet\nmetadata: {name: x}\n", "apiVersion"},
		{"no kind", "apiVersion: apps/v1\nmetadata: {name: x}\n", "kind"},
		{"no apiVersion", "kind: DaemonSet\nmetadata: {name: x}\n", "apiVersion"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := Create([]byte(tt.doc))
			if v.Accepted() || v.First().Field != tt.field {
				t.Errorf("got %s %v, want a rejection naming %s", v.Stage, v.Errors, tt.field)
			}
		})
	}
}

func TestDroppedAlphaField(t *testing.T) {
	v := Create([]byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: busybox}]
      evictionResponders: [{name: example.com/r, priority: 10000}]
`))
	if !v.Accepted() {
		t.Fatalf("rejected: %s", v.Message)
	}
	if len(v.Dropped) != 1 || v.Dropped[0] != "spec.template.spec.evictionResponders" {
		t.Errorf("Dropped = %v, want the alpha field evictionResponders", v.Dropped)
	}
}
