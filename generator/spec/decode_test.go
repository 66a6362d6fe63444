package spec

import (
	"reflect"
	"slices"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
)

// shorthands lists the Shorthand types a spec can reach.
func shorthands(t *testing.T) []reflect.Type {
	t.Helper()
	var out []reflect.Type
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if seen[typ] || IsKubernetes(typ) {
			return
		}
		seen[typ] = true
		if typ.Implements(reflect.TypeFor[Shorthand]()) {
			out = append(out, typ)
			for _, f := range reflect.Zero(typ).Interface().(Shorthand).Forms().List {
				if f.Syntax != nil {
					walk(reflect.TypeOf(f.Syntax))
				}
			}
			return
		}
		if typ.Kind() == reflect.Struct {
			for _, f := range Fields(typ) {
				walk(f.Type)
			}
		}
	}
	walk(reflect.TypeFor[Daemon]())
	return out
}

// TestShorthandsDecodeTheirForms: the schema accepts a shorthand's forms
// and nothing else; the decoder must read every one of them (a form the
// decoder forgot would pass the schema and then vanish).
func TestShorthandsDecodeTheirForms(t *testing.T) {
	samples := map[string]any{
		"string": "x", "integer": int64(1), "number": 1.5, "boolean": true,
		"array": []any{"x"}, "object": map[string]any{},
	}
	types := shorthands(t)
	if len(types) < 20 {
		t.Fatalf("found %d shorthand types, want more: %v", len(types), types)
	}
	for _, typ := range types {
		t.Run(typ.Name(), func(t *testing.T) {
			x, ok := reflect.New(typ).Interface().(decodable)
			if !ok {
				t.Fatalf("%s has Forms but no decode method", typ)
			}
			fs := x.Forms()
			if len(fs.List) == 0 {
				t.Fatal("no forms")
			}
			var seen []string
			for _, f := range fs.List {
				if slices.Contains(seen, f.Type) {
					t.Errorf("two forms of type %s: the schema could not tell them apart", f.Type)
				}
				seen = append(seen, f.Type)
				v, ok := samples[f.Type]
				if !ok {
					t.Fatalf("form of unknown JSON type %q", f.Type)
				}
				if (f.Type == "object" || f.Type == "array") && f.Syntax == nil {
					t.Errorf("%s form without a Syntax the schema could describe", f.Type)
				}
				d := &decoder{}
				x := reflect.New(typ).Interface().(decodable)
				func() {
					defer func() {
						if p := recover(); p != nil {
							t.Errorf("decoding a %s form %#v panics: %v", f.Type, v, p)
						}
					}()
					x.decode(d, fieldpath.New("x"), v)
				}()
			}
		})
	}
}

func TestDecode(t *testing.T) {
	src := `apiVersion: everynode.dev/v1alpha1
kind: Daemon
metadata: {name: agent, namespace: agents}
spec:
  image: agent:1
  ports: [metrics:9100, 8080.0, {containerPort: 53, protocol: UDP}]
  env: {B: "1", A: {fieldRef: spec.nodeName}}
  startupProbe: {tcpSocket: {port: 9100}}
  readinessProbe: {http: /ready}
  mounts: [/var/log:/var/log, {mountPath: /cache, emptyDir: }]
  tolerations: [everywhere]
  maxSurge: 10%
`
	st := document.Parse("s.yaml", []byte(src), document.Limits{})
	if len(st.Problems) > 0 {
		t.Fatal(st.Problems)
	}
	d, probs := Decode(st.Docs[0].Value, st.Docs[0])
	if len(probs) > 0 {
		t.Fatalf("problems: %+v", probs)
	}
	s := d.Spec
	if d.Metadata.Name != "agent" || s.Image != "agent:1" {
		t.Errorf("metadata/image: %+v %q", d.Metadata, s.Image)
	}
	if len(s.Ports) != 3 || s.Ports[0].Name != "metrics" || s.Ports[1].ContainerPort.ContainerPort != 8080 || s.Ports[2].Protocol != "UDP" {
		t.Errorf("ports: %+v", s.Ports)
	}
	if got := s.Ports[2].Path.String(); got != "spec.ports[2]" {
		t.Errorf("port path %s", got)
	}
	if len(s.Env.Vars) != 2 || s.Env.Vars[0].Name != "B" || s.Env.Vars[1].ValueFrom.FieldRef.FieldPath != "spec.nodeName" {
		t.Errorf("env (in document order): %+v", s.Env.Vars)
	}
	if got := s.Env.Vars[1].Path.String(); got != "spec.env.A" {
		t.Errorf("env path %s", got)
	}
	if s.StartupProbe.TCPSocket == nil || s.StartupProbe.Handler.String() != "spec.startupProbe.tcpSocket" {
		t.Errorf("startupProbe: %+v", s.StartupProbe)
	}
	if !s.ReadinessProbe.DefaultPort || s.ReadinessProbe.HTTPGet.Path != "/ready" {
		t.Errorf("readinessProbe: %+v", s.ReadinessProbe)
	}
	if m := s.Mounts[0]; !m.Mount.ReadOnly || m.Source.HostPath.Path != "/var/log" || m.Named {
		t.Errorf("hostPath mount: %+v", m)
	}
	if m := s.Mounts[1]; m.Source == nil || m.Source.EmptyDir == nil {
		t.Errorf("emptyDir mount: %+v", m)
	}
	if s.Tolerations[0].Operator != "Exists" || s.MaxSurge.StrVal != "10%" {
		t.Errorf("tolerations/maxSurge: %+v %+v", s.Tolerations, s.MaxSurge)
	}
}
