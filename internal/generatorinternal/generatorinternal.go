// Package generatorinternal is how the module's own programs reach what
// package generator keeps out of its public API, as
// internal/lintinternal does for package lint: the generator's checks
// work on documents of the internal document model, which no other module
// can name. Package generator sets the functions when it is initialized.
package generatorinternal

import (
	appsv1 "k8s.io/api/apps/v1"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/finding"
)

var (
	// CheckDocument validates one of everynode's own objects met while
	// linting (apiVersion everynode.dev/*): a Daemon spec gets the
	// findings generate would give, a Config the configuration's, with
	// positions in doc's file. It is the linter's Daemon spec checker
	// (lintinternal.Hooks.Specs).
	CheckDocument func(doc *document.Document) []finding.Finding
	// RenderDocument is CheckDocument that also returns, for a valid
	// Daemon spec, the DaemonSet it generates (nil otherwise): the
	// placement command places specs as generate would write them.
	RenderDocument func(doc *document.Document) (*appsv1.DaemonSet, []finding.Finding)
	// SetDocument says that spec, a *generator.Spec, is read from doc:
	// the KRM function renders the functionConfig node of its
	// ResourceList.
	SetDocument func(spec any, doc *document.Document)
)
