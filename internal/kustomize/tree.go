//lint:file-ignore SA1019 kustomize still reads its deprecated fields (bases, patchesStrategicMerge, patchesJson6902), so they are resolved like the others

package kustomize

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/api/types"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/fieldpath"
)

// kustFileNames are the names kustomize recognises, in its order.
var kustFileNames = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// IsKustomization reports whether dir holds a kustomization file and
// returns its path (dir joined with the name). It only looks, and a
// symbolic link counts whatever it points to: Render decides whether the
// file may be read, and says why not.
func IsKustomization(dir string) (file string, ok bool) {
	for _, n := range kustFileNames {
		p := filepath.Join(dir, n)
		if kustFileExists(p) {
			return p, true
		}
	}
	return "", false
}

// kustFileExists reports a regular file, or a symbolic link, at p.
func kustFileExists(p string) bool {
	st, err := os.Lstat(p)
	return err == nil && (st.Mode().IsRegular() || st.Mode()&fs.ModeSymlink != 0)
}

// kust is one kustomization (or component) of a build, as everynode read
// it: kustomize does not tell which kustomization listed a resource or
// which patches touched it, and positions need both.
type kust struct {
	// dir is the kustomization's directory, absolute and lexically clean
	// (entries are joined to it as kustomize joins them); name is the
	// file's name in it and abs the two joined.
	dir, name, abs string
	// doc is everynode's parse of the file, for positions; nil when it is
	// empty.
	doc *document.Document
	// k is kustomize's own reading of the file, with every entry that
	// names a file rewritten to the local path everynode resolved: what
	// kustomize is given.
	k *types.Kustomization
	// resources are the files (not directories) listed under resources:
	// and bases:, absolute.
	resources []string
	// children are the kustomizations listed under resources: and bases:;
	// components under components:, in order.
	children   []*kust
	components []*kust
	patches    []patchRef
	// daemons are generators: entries that name everynode Daemon specs.
	daemons []daemonGen
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

// walker reads a kustomization tree once, resolving every entry that
// names a file to a file or directory inside the root.
type walker struct {
	root *safefs.Root
	lim  document.Limits
	// maxFile bounds each file, maxTotal all files of the build together,
	// maxDocs their documents.
	maxFile, maxTotal int64
	maxDocs, docs     int
	// name is how a file is named in documents and errors.
	name  func(path string) string
	byAbs map[string]*kust
	// files holds what kustomize may read, by absolute path: the files the
	// entries resolved to, read once.
	files map[string][]byte
	// parsed holds the files read for the build as parsed, for positions.
	parsed map[string]*document.Stream
	total  int64
	// problems are the entries refused and the files that could not be
	// read; a build with any is not run.
	problems []*Error
	// readContent is false for PatchFiles and Inputs, which need the
	// tree's shape only.
	readContent bool
	// inputs holds every file the build would read, by absolute path,
	// whether or not its content was read (Inputs).
	inputs map[string]bool

	rf  *resource.Factory
	rmf *resmap.Factory
}

func newWalker(root *safefs.Root, opts Options, name func(string) string, readContent bool) *walker {
	rf := provider.NewDefaultDepProvider().GetResourceFactory()
	return &walker{
		root: root, lim: opts.Limits, maxFile: opts.maxFile(), maxTotal: opts.maxTotal(), maxDocs: opts.maxDocs(), name: name,
		byAbs: map[string]*kust{}, files: map[string][]byte{}, parsed: map[string]*document.Stream{}, readContent: readContent,
		inputs: map[string]bool{}, rf: rf, rmf: resmap.NewFactory(rf),
	}
}

// problem records an entry or file that stops the build.
func (w *walker) problem(k *kust, pos fieldpath.Path, rule, format string, args ...any) {
	e := &Error{Rule: rule, Msg: fmt.Sprintf(format, args...)}
	if k != nil {
		e.File = w.name(k.abs)
		e.Line, e.Column = k.locate(pos)
		if len(pos) > 0 {
			e.Msg = pos.String() + ": " + e.Msg
		}
	}
	w.problems = append(w.problems, e)
}

// read reads a file of the build through the root, once, counting it
// against the build's total.
func (w *walker) read(path string) ([]byte, error) {
	w.inputs[path] = true
	if data, ok := w.files[path]; ok {
		return data, nil
	}
	data, err := w.root.ReadFile(path, w.maxFile)
	if err != nil {
		return nil, err
	}
	w.total += int64(len(data))
	if w.total > w.maxTotal {
		return nil, &safefs.TooLargeError{Size: -1, Limit: w.maxTotal}
	}
	// kustomize holds every document as a tree of nodes: tiny documents
	// cost the most per byte.
	w.docs += document.CountDocuments(data)
	if w.docs > w.maxDocs {
		return nil, &DocumentsError{Limit: w.maxDocs}
	}
	// kustomize takes time quadratic in the size of a mapping (its field
	// lookups are linear): a ConfigMap of 87,000 keys took it more than
	// eight minutes. The parse is kept for positions (source.parse).
	s := document.Parse(w.name(path), data, w.lim)
	for _, d := range s.Docs {
		if n := largestMapping(d.Node); n > MaxMappingKeys {
			return nil, &MappingError{Keys: n}
		}
	}
	w.parsed[path] = s
	w.files[path] = data
	return data, nil
}

// MaxMappingKeys bounds the keys of one mapping in a file of a build.
const MaxMappingKeys = 5_000

// MappingError is a file of a build with a mapping over MaxMappingKeys.
type MappingError struct{ Keys int }

func (e *MappingError) Error() string {
	return fmt.Sprintf("it holds a mapping of %d keys, more than the %d kustomize can build in reasonable time (the limit on keys per mapping in a kustomize build); it was not read", e.Keys, MaxMappingKeys)
}

// largestMapping is the number of keys of the largest mapping under n.
func largestMapping(n *yaml.Node) int {
	best := 0
	seen := map[*yaml.Node]bool{}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		if n.Kind == yaml.MappingNode {
			best = max(best, len(n.Content)/2)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	return best
}

// DocumentsError is a build whose files hold more documents together than
// the build's limit.
type DocumentsError struct{ Limit int }

func (e *DocumentsError) Error() string {
	return fmt.Sprintf("the build's files hold more than %d documents together (the limit on documents per kustomize build); it was not read", e.Limit)
}

// walk reads the kustomization in dir (absolute, clean) and, recursively,
// every kustomization it names. Problems with entries are recorded, not
// returned; the error is for a directory without a readable
// kustomization, named as the caller's entry says.
func (w *walker) walk(dir string) (*kust, error) {
	var found []string
	for _, n := range kustFileNames {
		if kustFileExists(filepath.Join(dir, n)) {
			found = append(found, n)
		}
	}
	if len(found) == 0 {
		return nil, &Error{File: w.name(dir), Msg: "no kustomization.yaml, kustomization.yml or Kustomization file in this directory"}
	}
	abs := filepath.Join(dir, found[0])
	if k, ok := w.byAbs[abs]; ok {
		return k, nil
	}
	k := &kust{dir: dir, name: found[0], abs: abs}
	w.byAbs[abs] = k
	w.inputs[abs] = true
	if len(found) > 1 {
		return nil, &Error{File: w.name(abs), Rule: RulePath,
			Msg: fmt.Sprintf("the directory holds %s: kustomize refuses more than one kustomization file; delete all but one", strings.Join(found, " and "))}
	}
	data, err := w.root.ReadFile(abs, w.maxFile)
	if err != nil {
		return nil, &Error{File: w.name(abs), Rule: readRule(err), Msg: "cannot read the kustomization: " + describe(err), Err: err}
	}
	w.files[abs] = data
	w.total += int64(len(data))
	s := document.Parse(w.name(abs), data, w.lim)
	if len(s.Problems) > 0 {
		p := s.Problems[0]
		return nil, &Error{File: w.name(abs), Line: p.Line, Column: p.Column, Msg: p.Msg}
	}
	for _, d := range s.Docs {
		if d.Node != nil {
			k.doc = d
			break
		}
	}
	if w.total > w.maxTotal {
		err := &safefs.TooLargeError{Size: -1, Limit: w.maxTotal}
		return nil, &Error{File: w.name(abs), Rule: RuleLimit, Msg: "the build's files are larger together than its limit: " + err.Error(), Err: err}
	}
	if k.doc != nil {
		if n := largestMapping(k.doc.Node); n > MaxMappingKeys {
			err := &MappingError{Keys: n}
			return nil, &Error{File: w.name(abs), Rule: RuleLimit, Msg: err.Error(), Err: err}
		}
	}
	// kustomize's own decoder decides what the file says (its field names
	// match in any case, YAML merge keys and anchors are expanded): every
	// entry it would follow is resolved below, whatever the spelling.
	k.k = &types.Kustomization{}
	if err := k.k.Unmarshal(data); err != nil {
		return nil, &Error{File: w.name(abs), Line: 1, Column: 1, Msg: err.Error(), Err: err}
	}
	w.resolveKustomization(k)
	return k, nil
}

// resolveKustomization resolves every field of k that names files (see
// fields.go), rewriting each entry to the local path kustomize is given.
func (w *walker) resolveKustomization(k *kust) {
	kt := k.k
	for _, f := range []struct {
		name string
		list []string
	}{{"resources", kt.Resources}, {"bases", kt.Bases}} {
		for i, e := range f.list {
			pos := fieldpath.New(f.name).Index(i)
			p, dir, ok := w.resolve(k, pos, e, wantFile|wantDir)
			if !ok {
				continue
			}
			f.list[i] = localPath(k.dir, p)
			if !dir {
				k.resources = append(k.resources, p)
				w.content(k, pos, p)
				continue
			}
			if c := w.child(k, pos, p); c != nil {
				k.children = append(k.children, c)
			}
		}
	}
	for i, e := range kt.Components {
		pos := fieldpath.New("components").Index(i)
		p, _, ok := w.resolve(k, pos, e, wantDir)
		if !ok {
			continue
		}
		kt.Components[i] = localPath(k.dir, p)
		if c := w.child(k, pos, p); c != nil {
			k.components = append(k.components, c)
		}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"crds", kt.Crds}, {"configurations", kt.Configurations}} {
		for i, e := range f.list {
			f.list[i] = w.file(k, fieldpath.New(f.name).Index(i), e)
		}
	}
	if p, ok := kt.OpenAPI["path"]; ok {
		kt.OpenAPI["path"] = w.file(k, fieldpath.New("openapi", "path"), p)
	}
	for i := range kt.Replacements {
		if kt.Replacements[i].Path != "" {
			kt.Replacements[i].Path = w.file(k, fieldpath.New("replacements").Index(i).Child("path"), kt.Replacements[i].Path)
		}
	}
	for _, f := range []struct {
		name string
		list []types.Patch
	}{{"patches", kt.Patches}, {"patchesJson6902", kt.PatchesJson6902}} {
		for i := range f.list {
			pos := fieldpath.New(f.name).Index(i)
			pt := &f.list[i]
			target := fromSelector(pt.Target)
			switch {
			case pt.Path != "":
				p, _, ok := w.resolve(k, pos.Child("path"), pt.Path, wantFile)
				if !ok {
					continue
				}
				pt.Path = localPath(k.dir, p)
				w.content(k, pos.Child("path"), p)
				k.patches = append(k.patches, patchRef{file: p, target: target})
			case pt.Patch != "":
				k.patches = append(k.patches, patchRef{inline: pos.Child("patch"), target: target})
			}
		}
	}
	for i, e := range kt.PatchesStrategicMerge {
		pos := fieldpath.New("patchesStrategicMerge").Index(i)
		if w.isInlinePatch(string(e)) {
			k.patches = append(k.patches, patchRef{inline: pos})
			continue
		}
		p, _, ok := w.resolve(k, pos, string(e), wantFile)
		if !ok {
			continue
		}
		kt.PatchesStrategicMerge[i] = types.PatchStrategicMerge(localPath(k.dir, p))
		w.content(k, pos, p)
		k.patches = append(k.patches, patchRef{file: p})
	}
	for i := range kt.ConfigMapGenerator {
		w.generatorArgs(k, fieldpath.New("configMapGenerator").Index(i), &kt.ConfigMapGenerator[i].KvPairSources, k.dir)
	}
	for i := range kt.SecretGenerator {
		w.generatorArgs(k, fieldpath.New("secretGenerator").Index(i), &kt.SecretGenerator[i].KvPairSources, k.dir)
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"helmCharts", len(kt.HelmCharts) > 0},
		{"helmChartInflationGenerator", len(kt.HelmChartInflationGenerator) > 0},
		{"helmGlobals", kt.HelmGlobals != nil},
	} {
		if f.set {
			w.problem(k, fieldpath.New(f.name), RuleBuild,
				"everynode does not inflate Helm charts: that runs the helm program and fetches charts; lint the chart's output instead (helm template ... | everynode lint -)")
		}
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"generators", kt.Generators}, {"transformers", kt.Transformers}, {"validators", kt.Validators}} {
		for i, e := range f.list {
			w.plugin(k, f.name, i, e)
		}
	}
}

// generatorArgs resolves the files of a ConfigMap or Secret generator
// (files, envs, env), relative to base.
func (w *walker) generatorArgs(k *kust, pos fieldpath.Path, kv *types.KvPairSources, base string) {
	for i, src := range kv.FileSources {
		kv.FileSources[i] = w.fileSource(k, pos.Child("files").Index(i), src, base)
	}
	for i, e := range kv.EnvSources {
		kv.EnvSources[i] = w.fileIn(k, pos.Child("envs").Index(i), e, base)
	}
	if kv.EnvSource != "" {
		kv.EnvSource = w.fileIn(k, pos.Child("env"), kv.EnvSource, base)
	}
}

// fileSource resolves a [KEY=]FILE entry, keeping the key kustomize would
// have taken from the file's name as written.
func (w *walker) fileSource(k *kust, pos fieldpath.Path, src, base string) string {
	key, file, err := parseFileSource(src)
	if err != nil {
		w.problem(k, pos, RulePath, "%v", err)
		return src
	}
	p, _, ok := w.resolveIn(k, pos, file, base, wantFile)
	if !ok {
		return src
	}
	w.content(k, pos, p)
	return key + "=" + localPath(base, p)
}

// parseFileSource splits [KEY=]FILE as kustomize does
// (api/internal/generators.ParseFileSource).
func parseFileSource(source string) (key, file string, err error) {
	switch n := strings.Count(source, "="); {
	case n == 0:
		return pathBase(source), source, nil
	case n == 1 && strings.HasPrefix(source, "="):
		return "", "", fmt.Errorf("missing key name for file path %s in source %s", safetext.Quote(strings.TrimPrefix(source, "=")), safetext.Quote(source))
	case n == 1 && strings.HasSuffix(source, "="):
		return "", "", fmt.Errorf("missing file path for key name %s in source %s", safetext.Quote(strings.TrimSuffix(source, "=")), safetext.Quote(source))
	case n > 1:
		return "", "", fmt.Errorf("source %s: the key name or the file path contains '='", safetext.Quote(source))
	}
	key, file, _ = strings.Cut(source, "=")
	return key, file, nil
}

// pathBase is path.Base as kustomize applies it to a file source.
func pathBase(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "/"
	}
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// file resolves an entry that names a file and returns the local path
// kustomize is given (the entry as written when it is refused).
func (w *walker) file(k *kust, pos fieldpath.Path, e string) string {
	return w.fileIn(k, pos, e, k.dir)
}

func (w *walker) fileIn(k *kust, pos fieldpath.Path, e, base string) string {
	p, _, ok := w.resolveIn(k, pos, e, base, wantFile)
	if !ok {
		return e
	}
	w.content(k, pos, p)
	return localPath(base, p)
}

// content reads a resolved file into the build, unless only the tree's
// shape is wanted.
func (w *walker) content(k *kust, pos fieldpath.Path, p string) {
	w.inputs[p] = true
	if !w.readContent {
		return
	}
	if _, err := w.read(p); err != nil {
		w.problem(k, pos, readRule(err), "%s: %s", safetext.Quote(w.name(p)), describe(err))
	}
}

// child walks a kustomization directory an entry resolved to.
func (w *walker) child(k *kust, pos fieldpath.Path, dir string) *kust {
	if _, ok := IsKustomization(dir); !ok {
		w.problem(k, pos, RulePath, "%s is a directory without a kustomization.yaml, kustomization.yml or Kustomization file",
			safetext.Quote(w.name(dir)))
		return nil
	}
	c, err := w.walk(dir)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			if e.Line == 0 && e.Rule == RulePath {
				// Say which entry led there.
				e.Line, e.Column = k.locate(pos)
				e.Msg = fmt.Sprintf("%s: %s (%s)", pos, e.Msg, e.File)
				e.File = w.name(k.abs)
			}
			w.problems = append(w.problems, e)
		} else {
			w.problem(k, pos, RuleBuild, "%v", err)
		}
		return nil
	}
	return c
}

// isInlinePatch reports whether a patchesStrategicMerge entry is a patch
// itself rather than a file name: kustomize tries the text as a patch
// first (PatchStrategicMergeTransformer's loadFromPaths).
func (w *walker) isInlinePatch(e string) bool {
	ok := false
	guard(func() {
		_, err := w.rf.SliceFromBytes([]byte(e))
		ok = err == nil
	})
	return ok
}

// isInlinePlugin reports whether a generators, transformers or validators
// entry is a plugin configuration itself: kustomize reads it as objects
// first (KustTarget.configureExternalGenerators).
func (w *walker) isInlinePlugin(e string) bool {
	ok := false
	guard(func() {
		_, err := w.rmf.NewResMapFromBytes([]byte(e))
		ok = err == nil
	})
	return ok
}

// guard runs fn, which calls into kustomize, turning a panic into nothing:
// the answer is then "no", and kustomize itself reports the input later.
func guard(fn func()) {
	defer func() { _ = recover() }()
	fn()
}

// plugin resolves a generators, transformers or validators entry: an
// inline configuration, a file of them (or of Daemon specs, which
// everynode renders itself), or a kustomization that produces them.
func (w *walker) plugin(k *kust, field string, i int, e string) {
	pos := fieldpath.New(field).Index(i)
	if w.isInlinePlugin(e) {
		w.pluginConfigs(k, pos, []byte(e))
		return
	}
	p, dir, ok := w.resolve(k, pos, e, wantFile|wantDir)
	if !ok {
		return
	}
	list := map[string][]string{"generators": k.k.Generators, "transformers": k.k.Transformers, "validators": k.k.Validators}[field]
	list[i] = localPath(k.dir, p)
	if dir {
		c := w.child(k, pos, p)
		if c == nil {
			return
		}
		// The plugin configurations are what the kustomization renders:
		// its resource files, all the way down.
		for _, sub := range c.all() {
			for _, r := range sub.resources {
				if data, ok := w.files[r]; ok {
					w.pluginConfigs(k, pos, data)
				}
			}
		}
		return
	}
	data, err := w.read(p)
	if err != nil {
		w.problem(k, pos, readRule(err), "%s: %s", safetext.Quote(w.name(p)), describe(err))
		return
	}
	if field == "generators" && isDaemonData(w.name(p), data, w.lim) {
		k.daemons = append(k.daemons, daemonGen{entry: e, index: i, spec: p, pos: pos})
		return
	}
	w.pluginConfigs(k, pos, data)
}

// pluginConfigs checks the plugin configurations in data: only builtin
// plugins run (kustomize's own restriction, kept), only those whose
// configuration everynode understands, and their file fields are resolved
// like the kustomization's own, relative to k. Problems are reported at
// the entry of k that brought the configuration in.
func (w *walker) pluginConfigs(k *kust, entry fieldpath.Path, data []byte) {
	s := document.Parse("", data, w.lim)
	for _, d := range s.Docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		apiVersion, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		if apiVersion == daemonAPIVersion && kind == daemonKind {
			w.problem(k, entry, RuleBuild, "an everynode Daemon spec can only be a generators entry of its own file")
			continue
		}
		if apiVersion != "builtin" {
			continue // kustomize refuses plugins that are not builtin
		}
		fields, known := pluginFileFields[kind]
		if !known {
			w.problem(k, entry, RuleBuild, "builtin plugin %s: everynode does not run it (Helm charts are never inflated; other plugins are not known)", safetext.Quote(kind))
			continue
		}
		// Builtins read their configuration with sigs.k8s.io/yaml, whose
		// field names match in any case: pluginField does too.
		for _, f := range fields {
			w.pluginField(k, entry, kind, m, f)
		}
	}
}

// pluginField resolves one file field of a builtin plugin configuration.
func (w *walker) pluginField(k *kust, entry fieldpath.Path, kind string, cfg map[string]any, f pluginField) {
	check := func(what string, v any) {
		s, ok := v.(string)
		if !ok || s == "" {
			return
		}
		switch f.kind {
		case patchOrFile:
			if w.isInlinePatch(s) {
				return
			}
		case fileSource:
			_, file, err := parseFileSource(s)
			if err != nil {
				return
			}
			s = file
		}
		p, _, ok := w.resolveFor(k, entry, s, k.dir, wantFile, fmt.Sprintf("%s %s ", kind, what))
		if ok {
			w.content(k, entry, p)
		}
	}
	name, rest, nested := strings.Cut(f.name, "[].")
	for key, v := range cfg {
		if !strings.EqualFold(key, name) {
			continue
		}
		if nested {
			items, _ := v.([]any)
			for _, it := range items {
				im, _ := it.(map[string]any)
				for k2, v2 := range im {
					if strings.EqualFold(k2, rest) {
						check(f.name, v2)
					}
				}
			}
			continue
		}
		if f.list {
			items, _ := v.([]any)
			for _, it := range items {
				check(f.name, it)
			}
			continue
		}
		check(f.name, v)
	}
}

// wants says what an entry may resolve to.
type wants int

const (
	wantFile wants = 1 << iota
	wantDir
)

// resolve resolves an entry of k, relative to k's directory.
func (w *walker) resolve(k *kust, pos fieldpath.Path, e string, want wants) (string, bool, bool) {
	return w.resolveIn(k, pos, e, k.dir, want)
}

func (w *walker) resolveIn(k *kust, pos fieldpath.Path, e, base string, want wants) (string, bool, bool) {
	return w.resolveFor(k, pos, e, base, want, "")
}

// resolveFor is the allow-list: an entry is accepted only when, joined to
// base, it names an existing regular file or directory (as want allows)
// inside the root, symbolic links included. Anything else (a URL, a git
// repository in any of its spellings, an absolute path, a path that
// leaves the repository, a missing file, a device) is refused with a
// kustomize-path problem at the entry. It returns the absolute path and
// whether it is a directory.
func (w *walker) resolveFor(k *kust, pos fieldpath.Path, e, base string, want wants, what string) (string, bool, bool) {
	remote := looksRemote(e)
	refuse := func(format string, args ...any) (string, bool, bool) {
		if remote {
			// The decision is the same (it is not a file here); the
			// message says what it looks like.
			w.problem(k, pos, RulePath, "%s%s is not a file or directory in the repository: it looks like a URL or a git repository, and everynode never fetches anything; vendor it into the repository, or lint the output of kustomize build (kustomize build DIR | everynode lint -)", what, safetext.Quote(e))
		} else {
			w.problem(k, pos, RulePath, "%s%s %s", what, safetext.Quote(e), fmt.Sprintf(format, args...))
		}
		return "", false, false
	}
	switch {
	case strings.TrimSpace(e) == "":
		return refuse("is empty")
	case strings.ContainsFunc(e, safetext.Unsafe) || strings.ContainsRune(e, 0):
		return refuse("contains control characters; a kustomization names files by relative paths")
	case strings.Contains(e, `\`):
		return refuse("contains a backslash; kustomizations separate directories with /")
	case filepath.IsAbs(e) || strings.HasPrefix(e, "/"):
		return refuse("is an absolute path; a kustomization in a repository names files relative to itself")
	}
	p := filepath.Join(base, filepath.FromSlash(e))
	if !w.root.Contains(p) {
		return refuse("leads outside the repository (to %s); everynode reads nothing outside it", safetext.Quote(filepath.ToSlash(relOrAbs(w.root.Dir(), p))))
	}
	fi, err := w.root.Stat(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return refuse("does not exist")
		}
		return refuse("cannot be read: %s", describe(err))
	}
	switch {
	case fi.IsDir() && want&wantDir != 0:
		return p, true, true
	case fi.Mode().IsRegular() && want&wantFile != 0:
		return p, false, true
	case fi.IsDir():
		return refuse("is a directory; a file is expected here")
	case fi.Mode().IsRegular():
		return refuse("is a file; a directory holding a kustomization is expected here")
	}
	return refuse("is %s; only regular files and directories are read", safefs.TypeName(fi.Mode()))
}

// localPath is what kustomize is given for a resolved path: relative to
// the kustomization's directory and starting with "./" or "../", a form
// kustomize never reads as a URL or a git repository (those need a scheme,
// a user@ or github.com at the start).
func localPath(base, p string) string {
	rel, err := filepath.Rel(base, p)
	if err != nil {
		return p
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "./"
	}
	if strings.HasPrefix(rel, "../") || rel == ".." {
		return rel
	}
	return "./" + rel
}

// looksRemote reports whether an entry looks like something kustomize
// would fetch: used only to word the message, never to decide.
func looksRemote(e string) bool {
	l := strings.ToLower(strings.TrimSpace(e))
	switch {
	case strings.Contains(l, "://"), strings.HasPrefix(l, "git::"), strings.HasPrefix(l, "github.com"):
		return true
	case strings.Contains(l, "?ref=") || strings.Contains(l, "?version=") || strings.Contains(l, "_git/"):
		return true
	}
	if at := strings.IndexByte(l, '@'); at > 0 && !strings.Contains(l[:at], "/") && strings.Contains(l[at:], ":") {
		return true // scp-like: git@host:org/repo
	}
	return false
}

func relOrAbs(base, p string) string {
	if r, err := filepath.Rel(base, p); err == nil {
		return r
	}
	return p
}

// describe words a read error for a finding, without machine paths.
func describe(err error) string {
	var (
		tl *safefs.TooLargeError
		oe *safefs.OutsideError
		nr *safefs.NotRegularError
		pe *fs.PathError
	)
	switch {
	case errors.As(err, &tl), errors.As(err, &oe), errors.As(err, &nr), errors.As(err, new(*DocumentsError)), errors.As(err, new(*MappingError)):
		return err.Error()
	case errors.Is(err, fs.ErrNotExist):
		return "it does not exist"
	case strings.Contains(err.Error(), "too many links"), errors.Is(err, syscall.ELOOP):
		return "it is a symbolic link loop"
	case errors.As(err, &pe):
		return pe.Err.Error()
	}
	return err.Error()
}

// readRule is the rule of a file that cannot be read: limit-exceeded for
// one over a size limit, kustomize-path for the rest.
func readRule(err error) string {
	var (
		tl *safefs.TooLargeError
		de *DocumentsError
	)
	if errors.As(err, &tl) || errors.As(err, &de) || errors.As(err, new(*MappingError)) {
		return RuleLimit
	}
	return RulePath
}

// locate returns the position of a path in the kustomization, matching
// keys in any case as kustomize does; the nearest parent for what is
// missing, and 1:1 without a document.
func (k *kust) locate(p fieldpath.Path) (int, int) {
	if k.doc == nil {
		return 1, 1
	}
	var v any = k.doc.Value
	actual := make(fieldpath.Path, 0, len(p))
	for _, e := range p {
		switch c := v.(type) {
		case map[string]any:
			key := e.Key
			if _, ok := c[key]; !ok {
				for k2 := range c {
					if strings.EqualFold(k2, key) {
						key = k2
						break
					}
				}
			}
			actual = append(actual, fieldpath.Elem{Key: key})
			v = c[key]
		case []any:
			actual = append(actual, e)
			if e.IsIndex && e.Index < len(c) {
				v = c[e.Index]
			} else {
				v = nil
			}
		default:
			v = nil
			actual = append(actual, e)
		}
	}
	line, col, _ := k.doc.LocateValue(actual)
	if k.doc.File != nil {
		line, col = k.doc.File.Clamp(line, col)
	}
	return line, col
}

func fromSelector(s *types.Selector) *selector {
	if s == nil {
		return nil
	}
	return &selector{group: s.Group, version: s.Version, kind: s.Kind, name: s.Name, labelSelector: s.LabelSelector}
}

// isDaemonData reports whether a file holds only everynode Daemon specs.
func isDaemonData(name string, data []byte, lim document.Limits) bool {
	s := document.Parse(name, data, lim)
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

// PatchFiles lists the files that the kustomization in dir, its local
// bases and its components name as patches (patches:, patchesStrategicMerge:
// and patchesJson6902:): partial objects that must not be linted on their
// own. Paths are dir joined with the entries (absolute when dir is),
// sorted, each once. Entries that Render would refuse are left out.
func PatchFiles(dir string, opts Options) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := opts.root(abs)
	if err != nil {
		return nil, err
	}
	w := newWalker(root, opts, filepath.ToSlash, false)
	k, err := w.walk(abs)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, k := range k.all() {
		for _, p := range k.patches {
			if p.file == "" {
				continue
			}
			rel, err := filepath.Rel(abs, p.file)
			if err != nil {
				continue
			}
			out = append(out, filepath.Join(dir, rel))
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Inputs lists every file the kustomization in dir reads when it is
// built: its own kustomization file and those of its bases and
// components, their resource files, patches, generator inputs (files,
// envs, Daemon specs), CRDs, configurations, OpenAPI and replacement
// files, and the files builtin plugin configurations name. Paths are
// absolute and lexically clean, sorted. Only entries that resolve to
// files inside the root are listed: what Render would refuse is left out
// (Render reports it). A changed file that is in this list changes what
// the kustomization renders.
func Inputs(dir string, opts Options) ([]string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := opts.root(abs)
	if err != nil {
		return nil, err
	}
	w := newWalker(root, opts, filepath.ToSlash, false)
	if _, err := w.walk(abs); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(w.inputs))
	for p := range w.inputs {
		out = append(out, filepath.Clean(p))
	}
	slices.Sort(out)
	return out, nil
}
