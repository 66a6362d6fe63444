package kustomize

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/fieldpath"
)

// kustFileNames are the names kustomize recognises, in its order.
var kustFileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsKustomization reports whether dir holds a kustomization file and
// returns its path (dir joined with the name).
func IsKustomization(dir string) (file string, ok bool) {
	for _, n := range kustFileNames {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// kust is one kustomization (or component) of a build, as read by our own
// walk: kustomize does not tell which kustomization listed a resource or
// which patches touched it, and positions need both.
type kust struct {
	// dir is the directory as the caller named it (Render's or
	// PatchFiles' argument joined with entries, lexically cleaned); abs is
	// the kustomization file's absolute path.
	dir, abs string
	doc      *document.Document
	// resources are the files (not directories) listed under resources:
	// (and bases:), absolute.
	resources []string
	// children are the kustomizations listed under resources: and bases:;
	// components under components:, in order.
	children   []*kust
	components []*kust
	patches    []patchRef
	// daemons are generators: entries that name everynode Daemon specs.
	daemons []daemonGen
	// remote is the first remote entry, which the build must refuse.
	remote *Error
}

// patchRef is one patch of a kustomization.
type patchRef struct {
	// file is the absolute path of a patch file; "" for an inline patch,
	// whose text is the string at inline in the kustomization.
	file   string
	inline fieldpath.Path
	target *selector
}

// selector is a patch target. Its namespace is not compared: kustomize
// matches an object's original namespace as well as its current one, and
// the original is not recorded; kind and name tell patches apart.
type selector struct {
	group, version, kind, name string
	labelSelector              string
}

// daemonGen is a generators: entry naming a Daemon spec file.
type daemonGen struct {
	entry string         // as written
	index int            // in generators:
	spec  string         // absolute path of the spec
	pos   fieldpath.Path // of the entry, for errors
}

// walker reads a kustomization tree once.
type walker struct {
	byAbs map[string]*kust
	lim   document.Limits
	// name is how a file is named in documents and errors.
	name func(path string) string
}

// walk reads the kustomization in dir and, recursively, its local bases
// and components. Remote entries are recorded on the kustomization that
// names them, not followed.
func (w *walker) walk(dir string) (*kust, error) {
	file, ok := IsKustomization(dir)
	if !ok {
		return nil, &Error{File: w.name(dir), Msg: "no kustomization.yaml, kustomization.yml or Kustomization file in this directory"}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if k, ok := w.byAbs[abs]; ok {
		return k, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s := document.Parse(w.name(file), data, w.lim)
	if len(s.Problems) > 0 {
		p := s.Problems[0]
		return nil, &Error{File: w.name(file), Line: p.Line, Column: p.Column, Msg: p.Msg}
	}
	k := &kust{dir: dir, abs: abs}
	for _, d := range s.Docs {
		if d.Node != nil {
			k.doc = d
			break
		}
	}
	w.byAbs[abs] = k
	if k.doc == nil {
		return k, nil
	}
	m, _ := k.doc.Value.(map[string]any)
	absDir := filepath.Dir(abs)

	for _, field := range []string{"resources", "bases"} {
		for i, e := range stringList(m[field]) {
			pos := fieldpath.New(field).Index(i)
			if isRemote(e) {
				k.setRemote(pos, e)
				continue
			}
			p := filepath.Join(absDir, filepath.FromSlash(e))
			if st, err := os.Stat(p); err == nil && st.IsDir() {
				if _, ok := IsKustomization(p); !ok {
					continue // kustomize reports it
				}
				c, err := w.walk(filepath.Join(dir, filepath.FromSlash(e)))
				if err != nil {
					return nil, err
				}
				k.children = append(k.children, c)
				continue
			}
			k.resources = append(k.resources, p)
		}
	}
	for i, e := range stringList(m["components"]) {
		if isRemote(e) {
			k.setRemote(fieldpath.New("components").Index(i), e)
			continue
		}
		if _, ok := IsKustomization(filepath.Join(absDir, filepath.FromSlash(e))); !ok {
			continue
		}
		c, err := w.walk(filepath.Join(dir, filepath.FromSlash(e)))
		if err != nil {
			return nil, err
		}
		k.components = append(k.components, c)
	}
	for _, field := range []string{"generators", "transformers", "validators"} {
		for i, e := range stringList(m[field]) {
			if strings.Contains(e, "\n") {
				continue // an inline configuration
			}
			pos := fieldpath.New(field).Index(i)
			if isRemote(e) {
				k.setRemote(pos, e)
				continue
			}
			if field == "generators" {
				p := filepath.Join(absDir, filepath.FromSlash(e))
				if isDaemonFile(p, w.lim) {
					k.daemons = append(k.daemons, daemonGen{entry: e, index: i, spec: p, pos: pos})
				}
			}
		}
	}
	w.readPatches(k, m, absDir)
	return k, nil
}

func (w *walker) readPatches(k *kust, m map[string]any, absDir string) {
	fileOrInline := func(path string, pos fieldpath.Path, target *selector) {
		if isRemoteFile(path) {
			k.setRemote(pos, path)
			return
		}
		k.patches = append(k.patches, patchRef{file: filepath.Join(absDir, filepath.FromSlash(path)), target: target})
	}
	for _, field := range []string{"patches", "patchesJson6902"} {
		l, _ := m[field].([]any)
		for i, e := range l {
			pm, ok := e.(map[string]any)
			if !ok {
				continue
			}
			pos := fieldpath.New(field).Index(i)
			target := readSelector(pm["target"])
			if p, ok := pm["path"].(string); ok && p != "" {
				fileOrInline(p, pos.Child("path"), target)
			} else if _, ok := pm["patch"].(string); ok {
				k.patches = append(k.patches, patchRef{inline: pos.Child("patch"), target: target})
			}
		}
	}
	for i, e := range stringList(m["patchesStrategicMerge"]) {
		pos := fieldpath.New("patchesStrategicMerge").Index(i)
		// kustomize reads an entry as a file when one exists by that name,
		// and as an inline patch otherwise.
		if !strings.Contains(e, "\n") {
			if st, err := os.Stat(filepath.Join(absDir, filepath.FromSlash(e))); err == nil && st.Mode().IsRegular() {
				fileOrInline(e, pos, nil)
				continue
			}
		}
		k.patches = append(k.patches, patchRef{inline: pos})
	}
}

func (k *kust) setRemote(pos fieldpath.Path, entry string) {
	if k.remote != nil {
		return
	}
	line, col, _ := k.doc.LocateValue(pos)
	k.remote = &Error{File: k.doc.File.Name, Line: line, Column: col,
		Msg: fmt.Sprintf("%s: %q is remote, and everynode never fetches anything; vendor it into the repository, or lint the output of kustomize build (kustomize build DIR | everynode lint -)", pos, entry)}
}

func readSelector(v any) *selector {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	s := &selector{}
	s.group, _ = m["group"].(string)
	s.version, _ = m["version"].(string)
	s.kind, _ = m["kind"].(string)
	s.name, _ = m["name"].(string)
	s.labelSelector, _ = m["labelSelector"].(string)
	return s
}

func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		} else {
			out = append(out, "") // keep indices aligned with the document
		}
	}
	return out
}

// isRemote reports whether kustomize would fetch an entry: an http(s)
// URL, or anything it reads as a git repository (a URL with a scheme,
// git::, github.com/..., user@host:path).
func isRemote(e string) bool {
	l := strings.ToLower(strings.TrimSpace(e))
	switch {
	case l == "":
		return false
	case strings.Contains(l, "://"), strings.HasPrefix(l, "git::"):
		return true
	case strings.HasPrefix(l, "github.com/"), strings.HasPrefix(l, "github.com:"):
		return true
	}
	if at := strings.IndexByte(l, '@'); at > 0 && !strings.Contains(l[:at], "/") {
		if c := strings.IndexByte(l[at:], ':'); c > 0 {
			return true // scp-like: git@host:org/repo
		}
	}
	return false
}

// isRemoteFile reports a file entry kustomize would download.
func isRemoteFile(e string) bool {
	u, err := url.Parse(e)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https")
}

// isDaemonFile reports whether a file holds only everynode Daemon specs.
func isDaemonFile(p string, lim document.Limits) bool {
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	s := document.Parse(p, data, lim)
	n := 0
	for _, d := range s.Docs {
		if d.Node == nil {
			continue
		}
		m, _ := d.Value.(map[string]any)
		if m["apiVersion"] != daemonAPIVersion || m["kind"] != daemonKind {
			return false
		}
		n++
	}
	return n > 0
}

const (
	daemonAPIVersion = "everynode.dev/v1alpha1"
	daemonKind       = "Daemon"
)

// all lists k and every kustomization below it, each once, depth first.
func (k *kust) all() []*kust {
	var out []*kust
	seen := map[*kust]bool{}
	var visit func(*kust)
	visit = func(k *kust) {
		if seen[k] {
			return
		}
		seen[k] = true
		out = append(out, k)
		for _, c := range k.children {
			visit(c)
		}
		for _, c := range k.components {
			visit(c)
		}
	}
	visit(k)
	return out
}

// firstRemote is the first remote entry anywhere in the tree.
func (k *kust) firstRemote() *Error {
	for _, c := range k.all() {
		if c.remote != nil {
			return c.remote
		}
	}
	return nil
}

// PatchFiles lists the files that the kustomization in dir, its local
// bases and its components name as patches (patches:, patchesStrategicMerge:
// and patchesJson6902:): partial objects that must not be linted on their
// own. Paths are dir joined with the entries (absolute when dir is),
// sorted, each once. Remote entries are ignored; Render reports them.
func PatchFiles(dir string) ([]string, error) {
	w := &walker{byAbs: map[string]*kust{}, name: filepath.ToSlash}
	root, err := w.walk(filepath.Clean(dir))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range root.all() {
		for _, p := range k.patches {
			if p.file == "" {
				continue
			}
			rel, err := filepath.Rel(filepath.Dir(k.abs), p.file)
			if err != nil {
				continue
			}
			out = append(out, filepath.Join(k.dir, rel))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
