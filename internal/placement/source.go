package placement

import (
	"encoding/json"
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/everynode/everynode/lint/fieldpath"
)

// DecodeError is a field of a DaemonSet with a value of the wrong type.
type DecodeError struct {
	// Path is the field, from the object's root.
	Path    fieldpath.Path
	Message string
}

func (e *DecodeError) Error() string { return e.Message }

// DecodeDaemonSet decodes an object read as typed YAML values
// (map[string]any and so on, as the document model types them, which is
// how the API server would receive them) into an apps/v1 DaemonSet, as a
// DaemonSetSource needs it. Unknown fields are ignored (lint reports
// them); a value of the wrong type is an error, since where such an
// object would run is not known: the API server rejects it.
//
// The error is a *DecodeError when a field has a value of the wrong type.
func DecodeDaemonSet(obj map[string]any) (*appsv1.DaemonSet, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("the DaemonSet cannot be read: %w", err)
	}
	ds := &appsv1.DaemonSet{}
	if err := json.Unmarshal(raw, ds); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return nil, &DecodeError{Path: fieldpath.Parse(te.Field),
				Message: fmt.Sprintf("the DaemonSet cannot be read: %s is a %s where Kubernetes expects %s", te.Field, te.Value, te.Type)}
		}
		return nil, fmt.Errorf("the DaemonSet cannot be read: %w", err)
	}
	return ds, nil
}
