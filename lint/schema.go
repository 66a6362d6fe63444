package lint

import (
	"fmt"

	"github.com/everynode/everynode/lint/schema"
)

// schemaAdapter narrows lint/schema to what the engine needs.
type schemaAdapter struct{ v *schema.Validator }

// crdAdder is the part of *schema.Validator that registers CRDs; asserted
// at run time so the engine builds whether or not it is there.
type crdAdder interface {
	AddCRD(obj map[string]any) []schema.Error
}

// newSchema builds the validator for the embedded schemas of a
// Kubernetes version.
func newSchema(version string, strict bool) (SchemaValidator, error) {
	v, err := schema.New(schema.Options{KubernetesVersion: version, Strict: strict})
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	return schemaAdapter{v}, nil
}

func (a schemaAdapter) Validate(obj map[string]any) []SchemaError {
	return convertSchemaErrors(a.v.Validate(obj))
}

func (a schemaAdapter) AddCRD(obj map[string]any) []SchemaError {
	if c, ok := any(a.v).(crdAdder); ok {
		return convertSchemaErrors(c.AddCRD(obj))
	}
	return nil
}

func convertSchemaErrors(errs []schema.Error) []SchemaError {
	if len(errs) == 0 {
		return nil
	}
	out := make([]SchemaError, len(errs))
	for i, e := range errs {
		out[i] = SchemaError{Rule: e.Rule, Severity: e.Severity, Path: e.Path, Message: e.Message, WrongType: e.WrongType}
	}
	return out
}
