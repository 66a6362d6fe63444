package generator

import (
	"fmt"
	"sync"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/schemas"
)

// specSchema is compiled once, on first use: a run that never loads a
// spec (lint, version) never pays for it.
var specSchema = sync.OnceValues(func() (*gojson.Schema, error) {
	s, err := gojson.Compile(schemas.DaemonSchema)
	if err != nil {
		return nil, fmt.Errorf("the embedded Daemon schema: %w", err)
	}
	return s, nil
})

// validateSchema checks a spec document against the schema generated from
// its Go type (generator/spec).
func validateSchema(doc *document.Document) ([]gojson.Error, error) {
	s, err := specSchema()
	if err != nil {
		return nil, err
	}
	errs, err := s.Validate(doc, nil)
	if err != nil {
		return nil, fmt.Errorf("validating against the Daemon schema: %w", err)
	}
	return errs, nil
}
