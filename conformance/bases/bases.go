// Package bases holds realistic, valid DaemonSets of the node agents
// everynode is for: a log shipper, a node exporter, a CNI agent, a CSI
// node plugin, a GPU device plugin and a runtime security agent. The
// mutator starts from them (with the repository's templates rendered by
// the generator, and a few of its test manifests); the differential test
// checks that Kubernetes and everynode both accept each one as it is.
package bases

import (
	"embed"
	"strings"
)

//go:embed *.yaml
var files embed.FS

// File is one base: its name (the file's, without .yaml) and content.
type File struct {
	Name string
	Data []byte
}

// List returns the bases, sorted by name.
func List() []File {
	entries, _ := files.ReadDir(".") // an embedded directory always reads
	var out []File
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".yaml")
		if !ok {
			continue
		}
		data, _ := files.ReadFile(e.Name())
		out = append(out, File{Name: name, Data: data})
	}
	return out
}
