// Package lintinternal is how the module's own programs reach what package
// lint keeps out of its public API, as golang.org/x/tools' internal
// packagesinternal does for go/packages: the hooks the command line plugs
// into a linter (kustomize rendering, the Daemon spec checker), the
// document a KRM function's items come from, and the fakes and limits of
// the engine's tests. Their types belong to internal packages, which no
// other module can name, so they cannot be fields of lint.Options.
//
// Package lint sets SetHooks and SetDocument when it is initialized; they
// take a *lint.Options and a *lint.Object, which this package, below lint,
// cannot name.
package lintinternal

import (
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Hooks are the options of a linter that only the module's programs set.
type Hooks struct {
	// Schema validates objects; nil means the embedded schemas for the
	// configured Kubernetes version.
	Schema SchemaValidator
	// Specs validates everynode's own kinds (Daemon specs); nil means
	// Daemon specs are skipped and Config objects are checked as
	// configurations.
	Specs SpecChecker
	// Kustomize renders kustomizations; nil means a directory holding a
	// kustomization.yaml is walked like any other.
	Kustomize Kustomizer
	// Limits bound each document (zero: document.DefaultLimits).
	Limits document.Limits
	// Objects, when set, sees every Kubernetes object the engine lints
	// (the items of a List one by one, kustomize's output as rendered),
	// with the file and document findings would name: the placement
	// command collects its DaemonSets so. The engine's workers call it
	// concurrently; it must not keep or change obj's values beyond the
	// call unless it copies them. locate says where a path of the object
	// is written.
	Objects func(file string, document int, obj map[string]any, locate func(fieldpath.Path) (file string, line, col int))
}

var (
	// SetHooks attaches h to opts, a *lint.Options.
	SetHooks func(opts any, h Hooks)
	// SetDocument says that obj, a *lint.Object, is at base in doc:
	// findings are placed there and the document's file is kept as the
	// source of the report.
	SetDocument func(obj any, doc *document.Document, base fieldpath.Path)
)

// SpecChecker validates one of everynode's own objects (apiVersion
// everynode.dev/*), returning findings whose positions are in doc's file.
type SpecChecker func(doc *document.Document) []finding.Finding

// SchemaValidator is what the engine needs of internal/schema. Validate
// must be safe for concurrent use; the engine never calls AddCRD
// concurrently with anything else. Its errors are internal/schema's own
// type, so that the validator needs no adapter and a fake nothing else.
type SchemaValidator interface {
	Validate(obj map[string]any) []schema.Error
	AddCRD(obj map[string]any) []schema.Error
	// Incomplete judges a document with an apiVersion or a kind but not
	// both: nil unless it is a built-in object missing the other half.
	Incomplete(obj map[string]any) *schema.Error
}

// Kustomizer is what the engine needs of internal/kustomize.
type Kustomizer interface {
	// IsKustomization reports whether dir holds a kustomization file.
	IsKustomization(dir string) bool
	// Render builds the kustomization in dir in-process, reading nothing
	// outside root. messages are what kustomize printed on the way.
	Render(dir string, root *safefs.Root) (objects []Rendered, messages []string, err error)
	// PatchFiles lists the files (paths on disk, absolute or relative to
	// dir) that the kustomization in dir uses as patches: partial objects
	// that would only give false errors if linted alone.
	PatchFiles(dir string, root *safefs.Root) []string
	// Inputs lists every file (absolute, clean) that building the
	// kustomization in dir reads: a change to any of them changes what
	// it renders.
	Inputs(dir string, root *safefs.Root) []string
	// Kustomization is the kustomization file in dir, for findings about
	// the build as a whole.
	Kustomization(dir string) string
}

// Rendered is one object kustomize produced, and where it is written.
type Rendered struct {
	Object map[string]any
	// File is the reported name of the object's source file and Doc its
	// document there; File "" means kustomize recorded no source, and
	// findings point at the kustomization.
	File string
	Doc  *document.Document
	// Locate, when set, finds where a path of the object is written (the
	// patch that set it, or the source document); ok false falls back to
	// Doc.
	Locate Locator
	// Where, when set, says where a fix of a path of the object is
	// written: the file, document and path there, or why it cannot be.
	Where func(p fieldpath.Path) (file string, doc *document.Document, local fieldpath.Path, why string)
}

// Locator finds where a path of an object is written: file is reported
// as is, doc (may be nil) gives the document index and its file's
// suppression comments.
type Locator func(p fieldpath.Path) (file string, line, col int, doc *document.Document, ok bool)
