package krm

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The KRM function protocol's ResourceList, read and written as kyaml's
// fn/framework does (framework.Execute), in a few lines of our own: the
// framework package links OpenAPI validation (kube-openapi's strfmt and
// govalidator) whose package initialisers cost every everynode process,
// lint included, several milliseconds; everynode uses none of it.

// resourceList is what a function reads and writes.
type resourceList struct {
	Items   []*yaml.RNode
	Results []*result
}

// result is one entry of a ResourceList's results, with the fields and
// YAML names of framework.Result that everynode fills.
type result struct {
	Message     string                   `yaml:"message,omitempty" json:"message,omitempty"`
	Severity    string                   `yaml:"severity,omitempty" json:"severity,omitempty"`
	ResourceRef *yaml.ResourceIdentifier `yaml:"resourceRef,omitempty" json:"resourceRef,omitempty"`
	Field       *resultField             `yaml:"field,omitempty" json:"field,omitempty"`
	File        *resultFile              `yaml:"file,omitempty" json:"file,omitempty"`
	Tags        map[string]string        `yaml:"tags,omitempty" json:"tags,omitempty"`
}

type resultField struct {
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
}

type resultFile struct {
	Path  string `yaml:"path,omitempty" json:"path,omitempty"`
	Index int    `yaml:"index,omitempty" json:"index,omitempty"`
}

// execute reads the ResourceList, lets the processor change it and writes
// it back with its results, as framework.Execute does: internal
// annotations (path, index, id) and their legacy forms are kept in step,
// and the items are written even when processing fails.
func (p *processor) execute(rw *kio.ByteReadWriter) error {
	rl := &resourceList{}
	var err error
	if rl.Items, err = rw.Read(); err != nil {
		return fmt.Errorf("failed to read ResourceList input: %w", err)
	}
	annos, err := kio.PreprocessResourcesForInternalAnnotationMigration(rl.Items)
	if err != nil {
		return err
	}
	procErr := p.Process(rl)
	if err := kio.ReconcileInternalAnnotations(rl.Items, annos); err != nil {
		return err
	}
	if len(rl.Results) > 0 {
		b, err := yaml.Marshal(rl.Results)
		if err != nil {
			return err
		}
		if rw.Results, err = yaml.Parse(string(b)); err != nil {
			return err
		}
	}
	if err := rw.Write(rl.Items); err != nil {
		return err
	}
	return procErr
}
