package lint

import (
	"path/filepath"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
	"github.com/everynode/everynode/lint/kustomize"
)

// NewKustomizer renders kustomizations in-process with lint/kustomize.
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

func (k kustomizer) PatchFiles(dir string) []string {
	// A kustomization that cannot be read names no patches; Render
	// reports what is wrong with it.
	files, _ := kustomize.PatchFiles(dir)
	return files
}

func (k kustomizer) Render(dir string) ([]Rendered, error) {
	res, err := kustomize.Render(dir, k.opts)
	if err != nil {
		return nil, err
	}
	out := make([]Rendered, len(res))
	for i, r := range res {
		out[i] = Rendered{Object: r.Object}
		if file, _, _, doc, ok := kustomize.Locate(r, nil); ok && doc != nil {
			out[i].File, out[i].Doc = file, doc
		}
		out[i].Locate = func(p fieldpath.Path) (string, int, int, *document.Document, bool) {
			return kustomize.Locate(r, p)
		}
	}
	return out, nil
}
