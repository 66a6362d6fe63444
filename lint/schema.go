package lint

import (
	"fmt"

	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/schema"
)

// newSchema builds the validator for the embedded schemas of a
// Kubernetes version.
func newSchema(version string, strict bool) (lintinternal.SchemaValidator, error) {
	v, err := schema.New(schema.Options{KubernetesVersion: version, Strict: strict})
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	return v, nil
}
