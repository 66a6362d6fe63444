package gojson

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

func TestValueAndContextPath(t *testing.T) {
	doc := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": int64(1)}},
		"spec":     map[string]any{"ports": []any{map[string]any{"port": "x"}}, "ratio": 0.5},
	}
	want := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"app.kubernetes.io/name": json.Number("1")}},
		"spec":     map[string]any{"ports": []any{map[string]any{"port": "x"}}, "ratio": json.Number("0.5")},
	}
	if got := Value(doc); !reflect.DeepEqual(got, want) {
		t.Fatalf("Value = %#v", got)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewStringLoader(`{
		"properties": {
			"metadata": {"properties": {"labels": {"additionalProperties": {"type": "string"}}}},
			"spec": {"properties": {"ports": {"items": {"properties": {"port": {"type": "integer"}}}}}}
		}}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := schema.Validate(gojsonschema.NewGoLoader(Value(doc)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range res.Errors() {
		got = append(got, ContextPath(e.Context(), doc).String())
	}
	wantPaths := map[string]bool{"metadata.labels[app.kubernetes.io/name]": true, "spec.ports[0].port": true}
	if len(got) != len(wantPaths) {
		t.Fatalf("paths = %v", got)
	}
	for _, p := range got {
		if !wantPaths[p] {
			t.Errorf("unexpected path %q (all: %v)", p, got)
		}
	}
}
