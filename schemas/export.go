package schemas

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// KubeconformOptions choose what ExportKubeconform writes.
type KubeconformOptions struct {
	// Strict writes the -strict layout (unknown fields are errors), the
	// one kubeconform reads when run with -strict.
	Strict bool
}

// KubeconformFile is the file name kubeconform looks up for a kind, in its
// default layout ({{ .ResourceKind }}{{ .KindSuffix }}.json): the kind in
// lower case, then the first label of the group and the version, so
// "daemonset-apps-v1.json" and, for the core group, "configmap-v1.json".
func KubeconformFile(g GVK) string {
	suffix := "-" + strings.ToLower(strings.Split(g.Group, ".")[0])
	if g.Group == "" {
		suffix = ""
	}
	return strings.ToLower(g.Kind) + suffix + "-" + strings.ToLower(g.Version) + ".json"
}

// KubeconformDir is the directory kubeconform reads for a release:
// {{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}, where
// the version is what -kubernetes-version gives ("1.36.0") with a "v".
func KubeconformDir(version string, strict bool) string {
	d := "v" + version + ".0-standalone"
	if strict {
		d += "-strict"
	}
	return d
}

// ExportResult says what ExportKubeconform wrote.
type ExportResult struct {
	Dir   string // the release directory inside the target
	Files int
	// Skipped lists kinds whose kubeconform file name is taken by another
	// kind (kubeconform names files by the first label of the group
	// only); the first kind in sorted order keeps the name.
	Skipped []GVK
}

// ExportKubeconform writes one standalone JSON Schema per kind of a release
// into dir, in the layout kubeconform reads with -schema-location dir and
// -kubernetes-version <version>.0: every file is self-contained (its
// definitions are included, no remote references), optional fields may be
// null as the API server allows, and with opts.Strict unknown fields are
// rejected. Each file is written to a temporary name and renamed, so an
// interrupted export leaves no half-written schema.
func ExportKubeconform(dir, version string, opts KubeconformOptions) (ExportResult, error) {
	set, err := Kubernetes(version)
	if err != nil {
		return ExportResult{}, err
	}
	res := ExportResult{Dir: filepath.Join(dir, KubeconformDir(set.Version(), opts.Strict))}
	if err := os.MkdirAll(res.Dir, 0o755); err != nil {
		return res, err
	}
	taken := map[string]GVK{}
	for _, g := range set.Kinds() {
		name := KubeconformFile(g)
		if _, dup := taken[name]; dup {
			res.Skipped = append(res.Skipped, g)
			continue
		}
		taken[name] = g
		b, err := set.Standalone(g, DocumentOptions{Strict: opts.Strict, NullableOptional: true, SchemaURI: true})
		if err != nil {
			return res, fmt.Errorf("%s: %w", g, err)
		}
		if err := writeFileAtomic(filepath.Join(res.Dir, name), b); err != nil {
			return res, err
		}
		res.Files++
	}
	return res, nil
}

func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".everynode-*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	cerr := f.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Chmod(tmp, 0o644)
	}
	if werr == nil {
		werr = os.Rename(tmp, path)
	}
	if werr != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, werr)
	}
	return nil
}
