package mutate

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/everynode/everynode/conformance/internal/enums"
)

// TestEnumsUpToDate: enums_gen.go is what the k8s.io/api sources say.
func TestEnumsUpToDate(t *testing.T) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/api").Output()
	if err != nil {
		t.Skipf("cannot locate k8s.io/api: %v", err)
	}
	m, err := enums.Extract(strings.TrimSpace(string(dir)))
	if err != nil {
		t.Fatal(err)
	}
	want := enums.Source(m)
	got := enumsSource(t)
	if !bytes.Equal(got, want) {
		t.Error("mutate/enums_gen.go is stale: run go run ./cmd/genenums in conformance/")
	}
	if vs := enumValues["k8s.io/api/core/v1.Protocol"]; strings.Join(vs, ",") != "SCTP,TCP,UDP" {
		t.Errorf("Protocol values %v", vs)
	}
}

func TestFields(t *testing.T) {
	fields := Fields()
	byPath := map[string]*Field{}
	for _, f := range fields {
		byPath[f.Path] = f
	}
	for path, id := range map[string]string{
		"spec.template.spec.containers[].ports[].containerPort":      "ContainerPort.containerPort",
		"spec.template.spec.containers[].args[]":                     "Container.args[]",
		"spec.template.spec.volumes[].hostPath.path":                 "HostPathVolumeSource.path", // VolumeSource is inline
		"spec.template.spec.containers[].livenessProbe.httpGet.port": "HTTPGetAction.port",        // ProbeHandler is inline
		"spec.updateStrategy.rollingUpdate.maxSurge":                 "RollingUpdateDaemonSet.maxSurge",
		"metadata.labels": "ObjectMeta.labels",
	} {
		f, ok := byPath[path]
		if !ok {
			t.Errorf("no field %s", path)
			continue
		}
		if f.ID() != id {
			t.Errorf("%s: ID %s, want %s", path, f.ID(), id)
		}
		if f.Excluded != "" {
			t.Errorf("%s is excluded: %s", path, f.Excluded)
		}
	}
	for _, path := range []string{"status", "status.numberReady", "spec.template.spec.ephemeralContainers[].image"} {
		if f := byPath[path]; f == nil || f.Excluded == "" {
			t.Errorf("%s should be listed and excluded", path)
		}
	}
	if len(fields) < 1000 {
		t.Errorf("only %d places in a DaemonSet", len(fields))
	}
}

const base = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
        - name: agent
          image: registry.example.com/agent:v1
`

// TestGenerateIsDeterministic: the same seed gives the same cases, byte
// for byte: the known-gaps list depends on it.
func TestGenerateIsDeterministic(t *testing.T) {
	bases := []Base{{Name: "a", Data: []byte(base)}}
	s1, err := Generate(bases, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Generate(bases, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(s1.Cases) != len(s2.Cases) || len(s1.Cases) < 5000 {
		t.Fatalf("%d and %d cases", len(s1.Cases), len(s2.Cases))
	}
	ids := map[string]bool{}
	for i := range s1.Cases {
		a, b := s1.Cases[i], s2.Cases[i]
		if a.ID != b.ID || !bytes.Equal(a.Data, b.Data) {
			t.Fatalf("case %d differs: %s / %s", i, a.ID, b.ID)
		}
		if ids[a.ID] {
			t.Fatalf("duplicate case ID %s", a.ID)
		}
		ids[a.ID] = true
	}
}

// TestOpsWriteWhatTheySay spot-checks mutations that typed structs
// cannot express.
func TestOpsWriteWhatTheySay(t *testing.T) {
	set, err := Generate([]Base{{Name: "a", Data: []byte(base)}}, Options{Seed: 1, JSONEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	find := func(id string) string {
		for _, c := range set.Cases {
			if c.ID == id {
				return string(c.Data)
			}
		}
		t.Fatalf("no case %s", id)
		return ""
	}
	for id, want := range map[string]string{
		"a:spec.template.spec.hostNetwork:bool:quoted":                              `hostNetwork: "true"`,
		"a:spec.template.spec.hostNetwork:bool:yaml11-yes":                          `hostNetwork: yes`,
		"a:spec.template.spec.containers[0].ports[0].containerPort:int:max-int32+1": `containerPort: 2147483648`,
		"a:spec.template.spec.containers[0]:struct:unknown-field":                   `bogusField: x`,
		"a:spec.template.spec.containers[0].name:str:upper":                         `name: UPPER`,
	} {
		if got := find(id); !strings.Contains(got, want) {
			t.Errorf("%s does not contain %q:\n%s", id, want, got)
		}
	}
	dup := find("a:spec.template.spec.containers[0]:struct:duplicate-key")
	if strings.Count(dup, "name: agent\n") != 3 { // metadata, and the container's twice
		t.Errorf("duplicate-key case has no duplicate key:\n%s", dup)
	}
}

func TestSpecFields(t *testing.T) {
	schema := []byte(`{"properties": {"spec": {"properties": {
		"startupProbe": {"$ref": "#/definitions/probe"}}}},
		"definitions": {"probe": {"type": "object", "properties": {"tcpSocket": {"$ref": "#/definitions/tcp"}}},
		"tcp": {"type": "object", "properties": {"port": {"type": ["integer", "string"]}}}}}`)
	fields, err := specFields(schema)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fields {
		got = append(got, f.String())
	}
	want := "spec.startupProbe spec.startupProbe.tcpSocket spec.startupProbe.tcpSocket.port"
	if strings.Join(got, " ") != want {
		t.Errorf("spec fields %v, want %s", got, want)
	}
	cases, _, err := GenerateSpecs([]Base{{Name: "s", Data: []byte("apiVersion: everynode.dev/v1alpha1\nkind: Daemon\nspec: {image: x}\n")}}, schema, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.ID == "s:spec.startupProbe.tcpSocket:object:empty" {
			if !strings.Contains(string(c.Data), "tcpSocket: {}") {
				t.Errorf("%s:\n%s", c.ID, c.Data)
			}
			return
		}
	}
	t.Error("no case with startupProbe: {tcpSocket: {}}")
}
