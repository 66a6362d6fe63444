package oracle

import "testing"

func TestSmoke(t *testing.T) {
	v := Create([]byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: busybox}]
`))
	if !v.Accepted() {
		t.Fatalf("rejected: %s", v.Message)
	}
}

func TestPodErrorsHostNetworkPorts(t *testing.T) {
	// A template is not defaulted like a pod: with hostNetwork, a pod's
	// hostPort defaults to its containerPort, so two containers on one
	// port pass as a template and fail as pods.
	v := Create([]byte(`apiVersion: apps/v1
kind: DaemonSet
metadata: {name: x}
spec:
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      hostNetwork: true
      containers:
      - {name: a, image: busybox, ports: [{containerPort: 53, protocol: UDP}]}
      - {name: b, image: busybox, ports: [{containerPort: 53, protocol: UDP}]}
`))
	if !v.Accepted() {
		t.Fatalf("rejected: %s", v.Message)
	}
	if len(v.PodErrors) == 0 {
		t.Fatal("no pod error for two hostNetwork containers on port 53/UDP")
	}
	t.Log(v.PodErrors)
}
