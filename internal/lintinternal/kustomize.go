package lintinternal

import (
	"path/filepath"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/kustomize"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/lint/fieldpath"
)

// NewKustomizer renders kustomizations in-process with internal/kustomize.
// generate renders everynode Daemon specs named under generators: (nil:
// such kustomizations fail with a finding that says so).
func NewKustomizer(workDir string, generate func(file string, data []byte) ([]byte, error)) Kustomizer {
	return kustomizer{opts: kustomize.Options{WorkDir: workDir, Generate: generate}}
}

type kustomizer struct{ opts kustomize.Options }

func (k kustomizer) IsKustomization(dir string) bool {
	_, ok := kustomize.IsKustomization(dir)
	return ok
}

func (k kustomizer) Kustomization(dir string) string {
	if f, ok := kustomize.IsKustomization(dir); ok {
		return f
	}
	return filepath.Join(dir, "kustomization.yaml")
}

func (k kustomizer) PatchFiles(dir string, root *safefs.Root) []string {
	// A kustomization that cannot be read names no patches; Render
	// reports what is wrong with it.
	opts := k.opts
	opts.Root = root
	files, _ := kustomize.PatchFiles(dir, opts)
	return files
}

func (k kustomizer) Inputs(dir string, root *safefs.Root) []string {
	opts := k.opts
	opts.Root = root
	files, _ := kustomize.Inputs(dir, opts)
	return files
}

func (k kustomizer) Render(dir string, root *safefs.Root) ([]Rendered, []string, error) {
	opts := k.opts
	opts.Root = root
	res, err := kustomize.Render(dir, opts)
	if err != nil {
		return nil, nil, err
	}
	out := make([]Rendered, len(res.Resources))
	for i, r := range res.Resources {
		out[i] = Rendered{Object: r.Object}
		if file, _, _, doc, ok := kustomize.Locate(r, nil); ok && doc != nil {
			out[i].File, out[i].Doc = file, doc
		}
		out[i].Locate = func(p fieldpath.Path) (string, int, int, *document.Document, bool) {
			return kustomize.Locate(r, p)
		}
		out[i].Where = func(p fieldpath.Path) (string, *document.Document, fieldpath.Path, string) {
			return kustomize.Where(r, p)
		}
	}
	return out, res.Messages, nil
}
