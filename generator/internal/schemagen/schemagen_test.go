package schemagen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

// The committed schema is what editors and the generator use; it must be
// what Build produces. UPDATE_GOLDEN=1 rewrites it.
func TestSchemaUpToDate(t *testing.T) {
	got, err := Build()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(got)); err != nil {
		t.Fatalf("the built schema does not compile: %v", err)
	}
	path := filepath.Join("..", "..", "..", "schemas", "daemon.schema.json")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: run UPDATE_GOLDEN=1 go test ./generator/...", path)
	}
}
