package kustomize

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
)

// source is what one Render knows about where objects came from: the
// kustomization tree and the source files parsed so far. Resources of one
// Render share it; Locate may be called from several goroutines.
type source struct {
	work string // absolute working directory
	root *kust
	lim  document.Limits
	// virtual maps a rendered Daemon's in-memory file to its spec.
	virtual map[string]string
	// data holds the build's files as read, by absolute path: positions
	// come from the same bytes kustomize was given.
	data map[string][]byte

	mu    sync.Mutex
	files map[string]*document.Stream // by absolute path
}

// rel expresses a path relative to the working directory, slash-separated.
func (src *source) rel(p string) string {
	abs, err := filepath.Abs(filepath.FromSlash(p))
	if err != nil {
		return filepath.ToSlash(p)
	}
	r, err := filepath.Rel(src.work, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(r)
}

// cleanMessage makes kustomize's messages independent of where the
// repository is checked out: absolute paths under the working directory
// become relative.
func (src *source) cleanMessage(msg string) string {
	prefixes := []string{src.work + string(filepath.Separator)}
	if real, err := filepath.EvalSymlinks(src.work); err == nil && real != src.work {
		prefixes = append(prefixes, real+string(filepath.Separator))
	}
	for _, p := range prefixes {
		msg = strings.ReplaceAll(msg, p, "")
	}
	return msg
}

// parse reads and parses a source file once per Render.
func (src *source) parse(abs string) *document.Stream {
	src.mu.Lock()
	defer src.mu.Unlock()
	if s, ok := src.files[abs]; ok {
		return s
	}
	var s *document.Stream
	if data, ok := src.data[abs]; ok {
		s = document.Parse(src.rel(abs), data, src.lim)
	}
	src.files[abs] = s
	return s
}

// Locate finds where a field of a rendered object is written: in the patch
// that set it when one did, else in the object's source document, at the
// field or, when the field is not written anywhere (a label a transformer
// added, a field that is missing), at its nearest parent that is. file is
// slash-separated and relative to the working directory, doc the source
// document (for suppression comments and the document index). ok is false
// when the source cannot be found (no origin, a changed file); file, line
// and column then point at the top of the rendered kustomization.
//
// The same source field gets the same position whichever overlay renders
// it, so the engine's de-duplication reports it once.
func Locate(res Resource, path fieldpath.Path) (file string, line, col int, doc *document.Document, ok bool) {
	if res.src == nil {
		return res.Kustomization, 1, 1, nil, false
	}
	return res.src.locate(res, path)
}

// candidate is a document (or an item of a kind: List) an object may
// have been read from.
type candidate struct {
	doc  *document.Document
	base fieldpath.Path
	val  map[string]any
}

// hit is a place found for a path.
type hit struct {
	file string
	// doc is the document returned to the caller; at is the one path is
	// located in: the same, except for an inline patch, whose text is a
	// document of its own inside the kustomization (doc).
	doc, at *document.Document
	path    fieldpath.Path
	// mapPos maps a position in an inline patch's text to the file.
	mapPos func(line, col int) (int, int)
	// why, when set, says why a fix cannot be written at this hit: the
	// field is set by a transformer or a generator, not written in a file.
	why string
	// partial: the path was not found whole in the document.
	partial bool
}

func (h *hit) position() (string, int, int, *document.Document, bool) {
	line, col, _ := h.at.Locate(h.path)
	if h.mapPos != nil {
		line, col = h.mapPos(line, col)
	}
	return h.file, line, col, h.doc, true
}

// complete reports whether all of p was found in the hit's document.
func (h *hit) complete(p fieldpath.Path) bool {
	if len(h.path) < len(p) {
		return false
	}
	_, found := h.at.NodeAt(h.path)
	return len(found) == len(h.path)
}

func (src *source) locate(res Resource, path fieldpath.Path) (string, int, int, *document.Document, bool) {
	if h := src.locateHit(res, path); h != nil {
		return h.position()
	}
	return res.Kustomization, 1, 1, nil, false
}

// locateHit is locate's search: the hit where the field is written, nil
// when none is found.
func (src *source) locateHit(res Resource, path fieldpath.Path) *hit {
	kind, _ := res.Object["kind"].(string)
	md, _ := res.Object["metadata"].(map[string]any)
	name, _ := md["name"].(string)

	// Only what exists in the rendered object can be written somewhere;
	// a missing field is located at its nearest existing parent.
	path = existingPrefix(res.Object, path)
	rendered := document.ValueAt(res.Object, path)
	_, isMap := rendered.(map[string]any)
	container := isMap || isMergeList(rendered)

	var (
		chain []*kust
		base  *hit
		names []string
	)
	switch {
	case res.origin.Path != "" && res.origin.Repo == "":
		abs := filepath.Join(filepath.Dir(src.root.abs), filepath.FromSlash(res.origin.Path))
		chain = src.chainTo(func(k *kust) bool { return slices.Contains(k.resources, abs) })
		names = stageNames(name, chain, false)
		if spec, ok := src.virtual[abs]; ok {
			base = src.daemonBase(spec, kind, names, path)
			if base != nil {
				base.why = "the object is generated from a Daemon spec; fix the spec"
			}
		} else {
			base = src.fileBase(abs, kind, names, res.Object, path)
		}
	case res.origin.ConfiguredIn != "" && res.origin.Repo == "":
		abs := filepath.Join(filepath.Dir(src.root.abs), filepath.FromSlash(res.origin.ConfiguredIn))
		chain = src.chainTo(func(k *kust) bool { return k.abs == abs })
		names = stageNames(name, chain, true)
		if len(chain) > 0 {
			base = src.generatorBase(chain[len(chain)-1], res.origin.ConfiguredBy.Kind, names, path)
			if base != nil {
				base.why = "the object is made by a kustomize generator; change the generator's input"
			}
		}
	}
	if len(chain) == 0 {
		chain = []*kust{src.root}
		names = []string{name}
	}

	// Patches, last applied first: the root's own, its components', then
	// down the chain to the kustomization that read the object.
	var weak *hit
	identity := isIdentity(path)
	for _, po := range src.patchOrder(chain) {
		if po.transformers {
			if h := src.transformerHit(po.k, res.Object, path); h != nil {
				h.why = "the field is set by the kustomization (a transformer such as namespace, labels or images); change it there"
				return h
			}
			continue
		}
		if identity {
			// A patch names its target; it does not write its name.
			continue
		}
		h, strong := src.patchHit(po, res, kind, names, path, container)
		if h == nil {
			continue
		}
		if strong {
			return h
		}
		if weak == nil {
			weak = h
		}
	}
	if base != nil && (weak == nil || base.complete(path)) {
		return base
	}
	return weak
}

// chainTo returns the kustomizations from the root down to the first one
// (depth first, in file order) that match accepts.
func (src *source) chainTo(match func(*kust) bool) []*kust {
	var out []*kust
	seen := map[*kust]bool{}
	var visit func(k *kust) bool
	visit = func(k *kust) bool {
		if seen[k] {
			return false
		}
		seen[k] = true
		out = append(out, k)
		if match(k) {
			return true
		}
		for _, c := range slices.Concat(k.children, k.components) {
			if visit(c) {
				return true
			}
		}
		out = out[:len(out)-1]
		return false
	}
	if visit(src.root) {
		return out
	}
	return nil
}

// stageNames lists the names an object had, from the rendered one down to
// the one in its source, by undoing the namePrefix and nameSuffix of each
// kustomization on the way (a kustomization's own before its components',
// as kustomize applies them in the opposite order). A generated name's
// content hash goes first.
func stageNames(name string, chain []*kust, generated bool) []string {
	names := []string{name}
	cur := name
	if generated {
		if i := strings.LastIndexByte(cur, '-'); i > 0 && len(cur)-i-1 == 10 {
			cur = cur[:i]
			names = append(names, cur)
		}
	}
	strip := func(k *kust) {
		m, _ := k.doc.Value.(map[string]any)
		if m == nil {
			return
		}
		next := cur
		if p, _ := m["namePrefix"].(string); p != "" {
			next = strings.TrimPrefix(next, p)
		}
		if s, _ := m["nameSuffix"].(string); s != "" {
			next = strings.TrimSuffix(next, s)
		}
		if next != cur && next != "" {
			cur = next
			names = append(names, cur)
		}
	}
	for _, k := range chain {
		if k.doc == nil {
			continue
		}
		strip(k)
		for i := len(k.components) - 1; i >= 0; i-- {
			if k.components[i].doc != nil {
				strip(k.components[i])
			}
		}
	}
	return names
}

// fileBase finds the object's document in the resource file it was read
// from: same kind, and the name it had before any transformer (the last
// of names), else any name it had on the way, else the only document of
// that kind.
func (src *source) fileBase(abs, kind string, names []string, obj map[string]any, path fieldpath.Path) *hit {
	s := src.parse(abs)
	if s == nil {
		return nil
	}
	c, ok := pick(candidates(s, kind), names)
	if !ok {
		return nil
	}
	p, complete := translate(obj, c.val, path)
	return &hit{file: s.File.Name, doc: c.doc, at: c.doc, path: slices.Concat(c.base, p), partial: !complete}
}

// daemonBase points at the Daemon spec a generated object came from: at
// the metadata field when the path is under metadata (a spec's metadata
// becomes the objects'), else at the spec's start.
func (src *source) daemonBase(spec, kind string, names []string, path fieldpath.Path) *hit {
	s := src.parse(spec)
	if s == nil {
		return nil
	}
	cs := candidates(s, daemonKind)
	c, ok := pick(cs, names)
	if !ok {
		// Generated objects are named after the spec, with a suffix for
		// some (a ConfigMap): the spec whose name the object's contains.
		c, ok = pickContained(cs, names[len(names)-1])
		if !ok {
			return nil
		}
	}
	h := &hit{file: s.File.Name, doc: c.doc, at: c.doc, path: c.base}
	if len(path) > 0 && path[0].Key == "metadata" && !path[0].IsIndex {
		if p, _ := translate(nil, c.val, path); len(p) > 0 {
			h.path = slices.Concat(c.base, p)
		}
	}
	return h
}

// generatorBase points at the configMapGenerator or secretGenerator entry
// that made the object, and for a data key at the literal or file that
// gave it.
func (src *source) generatorBase(k *kust, generatorKind string, names []string, path fieldpath.Path) *hit {
	if k.doc == nil {
		return nil
	}
	h := &hit{file: src.rel(k.abs), doc: k.doc, at: k.doc}
	field := map[string]string{"ConfigMapGenerator": "configMapGenerator", "SecretGenerator": "secretGenerator"}[generatorKind]
	if field == "" {
		return h
	}
	m, _ := k.doc.Value.(map[string]any)
	entries, _ := m[field].([]any)
	idx := -1
	for i, e := range entries {
		em, _ := e.(map[string]any)
		n, _ := em["name"].(string)
		if slices.Contains(names, n) {
			idx = i
			break
		}
	}
	if idx < 0 && len(entries) == 1 {
		idx = 0
	}
	if idx < 0 {
		h.path = fieldpath.New(field)
		return h
	}
	entry := fieldpath.New(field).Index(idx)
	h.path = entry
	if len(path) >= 2 && !path[1].IsIndex && (path[0].Key == "data" || path[0].Key == "binaryData" || path[0].Key == "stringData") {
		key := path[1].Key
		em, _ := entries[idx].(map[string]any)
		for i, l := range stringList(em["literals"]) {
			if strings.HasPrefix(l, key+"=") {
				h.path = entry.Child("literals").Index(i)
				return h
			}
		}
		for i, f := range stringList(em["files"]) {
			k, p, found := strings.Cut(f, "=")
			if found && k == key || !found && filepath.Base(filepath.FromSlash(f)) == key || found && filepath.Base(p) == key && k == "" {
				h.path = entry.Child("files").Index(i)
				return h
			}
		}
	}
	return h
}

// candidates lists the documents (and kind: List items) of a kind.
func candidates(s *document.Stream, kind string) []candidate {
	var out []candidate
	for _, d := range s.Docs {
		m, ok := d.Value.(map[string]any)
		if !ok {
			continue
		}
		if m["kind"] == kind {
			out = append(out, candidate{doc: d, val: m})
			continue
		}
		if k, _ := m["kind"].(string); strings.HasSuffix(k, "List") {
			items, _ := m["items"].([]any)
			for i, it := range items {
				if im, ok := it.(map[string]any); ok && im["kind"] == kind {
					out = append(out, candidate{doc: d, base: fieldpath.New("items").Index(i), val: im})
				}
			}
		}
	}
	return out
}

func nameOf(m map[string]any) string {
	md, _ := m["metadata"].(map[string]any)
	n, _ := md["name"].(string)
	return n
}

// pick chooses the candidate named like the object before its
// transformers, then at any later stage; a single candidate is taken
// whatever its name (a patch may have renamed it).
func pick(cs []candidate, names []string) (candidate, bool) {
	for i := len(names) - 1; i >= 0; i-- {
		for _, c := range cs {
			if nameOf(c.val) == names[i] {
				return c, true
			}
		}
	}
	if len(cs) == 1 {
		return cs[0], true
	}
	return pickContained(cs, names[len(names)-1])
}

// pickContained chooses the candidate with the longest name contained in
// name.
func pickContained(cs []candidate, name string) (candidate, bool) {
	best, bestLen := candidate{}, 0
	for _, c := range cs {
		if n := nameOf(c.val); n != "" && strings.Contains(name, n) && len(n) > bestLen {
			best, bestLen = c, len(n)
		}
	}
	return best, bestLen > 0
}

// patchOrder lists what may have written a field of an object read by
// the last kustomization of chain, last applied first: for each
// kustomization from the root down, its transformers (namespace, labels,
// annotations, images), its own patches, then its components' (a
// kustomization's components run before its own transformers, a base's
// transformers before its overlay's).
func (src *source) patchOrder(chain []*kust) []patchOf {
	var out []patchOf
	var comp func(k *kust)
	comp = func(k *kust) {
		out = append(out, patchOf{k: k, transformers: true})
		for i := len(k.patches) - 1; i >= 0; i-- {
			out = append(out, patchOf{k: k, p: k.patches[i]})
		}
		for i := len(k.components) - 1; i >= 0; i-- {
			comp(k.components[i])
		}
	}
	for _, k := range chain {
		comp(k)
	}
	return out
}

// patchOf is one patch of a kustomization, or with transformers set, its
// builtin transformers.
type patchOf struct {
	k            *kust
	p            patchRef
	transformers bool
}

// transformerHit finds a value that a kustomization's own fields set: the
// namespace, a label or annotation (labels:, commonLabels:,
// commonAnnotations:), an image (images:). It claims the field only when
// the rendered value is the one the kustomization sets.
func (src *source) transformerHit(k *kust, obj map[string]any, path fieldpath.Path) *hit {
	if k.doc == nil || len(path) < 2 || path.Last().IsIndex {
		return nil
	}
	m, _ := k.doc.Value.(map[string]any)
	rendered, ok := document.ValueAt(obj, path).(string)
	if !ok {
		return nil
	}
	at := func(p fieldpath.Path) *hit {
		return &hit{file: src.rel(k.abs), doc: k.doc, at: k.doc, path: p}
	}
	key := path.Last().Key
	switch parent := path.Parent().Last().Key; {
	case path.String() == "metadata.namespace":
		if m["namespace"] == rendered {
			return at(fieldpath.New("namespace"))
		}
	case parent == "labels" || parent == "matchLabels":
		l, _ := m["labels"].([]any)
		for i, e := range l {
			em, _ := e.(map[string]any)
			pairs, _ := em["pairs"].(map[string]any)
			if v, ok := pairs[key]; ok && scalarString(v) == rendered {
				return at(fieldpath.New("labels").Index(i).Child("pairs", key))
			}
		}
		if cl, _ := m["commonLabels"].(map[string]any); cl != nil {
			if v, ok := cl[key]; ok && scalarString(v) == rendered {
				return at(fieldpath.New("commonLabels", key))
			}
		}
	case parent == "annotations":
		if ca, _ := m["commonAnnotations"].(map[string]any); ca != nil {
			if v, ok := ca[key]; ok && scalarString(v) == rendered {
				return at(fieldpath.New("commonAnnotations", key))
			}
		}
	case key == "image":
		name := imageName(rendered)
		images, _ := m["images"].([]any)
		for i, e := range images {
			em, _ := e.(map[string]any)
			n, _ := em["name"].(string)
			nn, _ := em["newName"].(string)
			if n != name && nn != name {
				continue
			}
			p := fieldpath.New("images").Index(i)
			for _, f := range []string{"digest", "newTag", "newName"} {
				if v, ok := em[f]; ok && strings.Contains(rendered, scalarString(v)) {
					return at(p.Child(f))
				}
			}
			return at(p)
		}
	}
	return nil
}

// imageName is an image reference without its tag and digest.
func imageName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	return ref
}

// scalarString renders a scalar as kustomize does when it writes it into
// a label or image (numbers and booleans become their text).
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// patchHit reports where a patch wrote path, if it did. strong means the
// patch is where the value comes from (a JSON patch operation that wrote
// the path or a parent, a strategic-merge patch that sets a scalar or
// replaces a list); a strategic-merge patch that only contributes to a
// map or merged list is weak: the base is the better place for it.
func (src *source) patchHit(po patchOf, res Resource, kind string, names []string, path fieldpath.Path, container bool) (*hit, bool) {
	if po.p.target != nil && !po.p.target.matches(res.Object, names) {
		return nil, false
	}
	var (
		docs   []*document.Document
		file   string
		owner  *document.Document
		mapPos func(int, int) (int, int)
	)
	if po.p.file != "" {
		s := src.parse(po.p.file)
		if s == nil {
			return nil, false
		}
		docs, file = s.Docs, s.File.Name
	} else {
		s, mp := src.inlinePatch(po.k, po.p.inline)
		if s == nil {
			return nil, false
		}
		docs, file, owner, mapPos = s.Docs, src.rel(po.k.abs), po.k.doc, mp
	}
	for _, d := range docs {
		h := &hit{file: file, doc: d, at: d, mapPos: mapPos}
		if owner != nil {
			h.doc = owner
		}
		switch v := d.Value.(type) {
		case []any:
			// A JSON 6902 patch: the last operation that wrote the path
			// or one of its parents.
			if po.p.target == nil {
				continue
			}
			for i := len(v) - 1; i >= 0; i-- {
				op, _ := v[i].(map[string]any)
				switch op["op"] {
				case "add", "replace", "copy", "move":
				default:
					continue
				}
				ptr, _ := op["path"].(string)
				opPath := pointerPath(res.Object, ptr)
				if opPath == nil || !path.HasPrefix(opPath) {
					continue
				}
				h.path = fieldpath.Path{{Index: i, IsIndex: true}}
				if val, ok := op["value"]; ok && (op["op"] == "add" || op["op"] == "replace") {
					rest, _ := translate(document.ValueAt(res.Object, opPath), val, path[len(opPath):])
					h.path = slices.Concat(h.path.Child("value"), rest)
				}
				return h, true
			}
		case map[string]any:
			if po.p.target == nil && (v["kind"] != kind || !slices.Contains(names, nameOf(v))) {
				continue
			}
			p, complete := translate(res.Object, v, path)
			if !complete || hasDirective(v, p) {
				continue
			}
			h.path = p
			return h, !container || isReplacedList(document.ValueAt(v, p))
		}
	}
	return nil, false
}

// inlinePatch parses the text of an inline patch and returns how its
// positions map into the kustomization: a block scalar (patch: |) keeps
// its lines, shifted by where it starts and by its indentation; any other
// scalar maps everything to where it starts.
func (src *source) inlinePatch(k *kust, at fieldpath.Path) (*document.Stream, func(int, int) (int, int)) {
	if k.doc == nil {
		return nil, nil
	}
	n, found := k.doc.NodeAt(at)
	if n == nil || len(found) != len(at) || n.Kind != yaml.ScalarNode {
		return nil, nil
	}
	s := document.Parse(src.rel(k.abs), []byte(n.Value), src.lim)
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		l, c := n.Line, n.Column
		return s, func(int, int) (int, int) { return l, c }
	}
	first := n.Line + 1
	indent := 0
	for ln := first; ln <= k.doc.File.Lines(); ln++ {
		if t := k.doc.File.Line(ln); strings.TrimSpace(t) != "" {
			indent = len(t) - len(strings.TrimLeft(t, " "))
			break
		}
	}
	return s, func(l, c int) (int, int) { return n.Line + l, c + indent }
}

// matches reports whether a patch target selects the object, under any of
// the names it had (kustomize matches the original and the current name).
func (s *selector) matches(obj map[string]any, names []string) bool {
	if s.kind != "" && obj["kind"] != s.kind {
		return false
	}
	api, _ := obj["apiVersion"].(string)
	group, version, ok := strings.Cut(api, "/")
	if !ok {
		group, version = "", api
	}
	if s.group != "" && s.group != group || s.version != "" && s.version != version {
		return false
	}
	if s.name != "" {
		re, err := regexp.Compile("^(?:" + s.name + ")$")
		matched := false
		for _, n := range names {
			if err == nil && re.MatchString(n) || err != nil && n == s.name {
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	if s.labelSelector != "" {
		md, _ := obj["metadata"].(map[string]any)
		labels, _ := md["labels"].(map[string]any)
		for _, req := range strings.Split(s.labelSelector, ",") {
			req = strings.TrimSpace(req)
			if k, v, ok := strings.Cut(req, "="); ok && !strings.ContainsAny(k, "!<>( ") {
				k, v = strings.TrimSuffix(k, "="), strings.TrimPrefix(v, "=")
				if labels[strings.TrimSpace(k)] != strings.TrimSpace(v) {
					return false
				}
			}
		}
	}
	return true
}

// mergeKeys identify items of the lists strategic merge merges rather than
// replaces (containers by name, volumeMounts by mountPath, ...).
var mergeKeys = []string{"name", "mountPath", "devicePath", "containerPort", "port"}

func mergeKey(v any) (string, any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", nil, false
	}
	for _, k := range mergeKeys {
		if x, ok := m[k]; ok {
			return k, x, true
		}
	}
	return "", nil, false
}

// isMergeList reports a list of items with merge keys.
func isMergeList(v any) bool {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return false
	}
	_, _, ok = mergeKey(l[0])
	return ok
}

// isReplacedList: a patch's list without merge keys replaces the base's.
func isReplacedList(v any) bool {
	_, ok := v.([]any)
	return ok && !isMergeList(v)
}

// translate maps a path of the rendered object onto a source value: list
// items are matched by merge key (the container named "agent" may be at
// another index in the base), else by index. It returns the part found,
// extended with the rest of the path unchanged, and whether all of it was
// found.
func translate(rendered, src any, p fieldpath.Path) (fieldpath.Path, bool) {
	out := make(fieldpath.Path, 0, len(p))
	for i, e := range p {
		switch s := src.(type) {
		case map[string]any:
			if e.IsIndex {
				return slices.Concat(out, p[i:]), false
			}
			v, ok := s[e.Key]
			if !ok {
				return slices.Concat(out, p[i:]), false
			}
			out = append(out, e)
			src = v
			rm, _ := rendered.(map[string]any)
			rendered = rm[e.Key]
		case []any:
			if !e.IsIndex {
				return slices.Concat(out, p[i:]), false
			}
			var ritem any
			if rl, ok := rendered.([]any); ok && e.Index < len(rl) {
				ritem = rl[e.Index]
			}
			idx := -1
			if k, want, ok := mergeKey(ritem); ok {
				for j, it := range s {
					if im, ok := it.(map[string]any); ok && im[k] == want {
						idx = j
						break
					}
				}
			} else if e.Index < len(s) && (ritem == nil || rendered == nil || sameLen(rendered, s)) {
				idx = e.Index
			}
			if idx < 0 {
				return slices.Concat(out, p[i:]), false
			}
			out = append(out, fieldpath.Elem{Index: idx, IsIndex: true})
			src = s[idx]
			rendered = ritem
		default:
			return slices.Concat(out, p[i:]), false
		}
	}
	return out, true
}

func sameLen(a any, b []any) bool {
	l, ok := a.([]any)
	return ok && len(l) == len(b)
}

// hasDirective reports a strategic-merge directive ($patch: delete, ...)
// on the way to p: such a patch removes or replaces rather than writes.
func hasDirective(v any, p fieldpath.Path) bool {
	for _, e := range p {
		if m, ok := v.(map[string]any); ok {
			if _, ok := m["$patch"]; ok {
				return true
			}
		}
		switch c := v.(type) {
		case map[string]any:
			v = c[e.Key]
		case []any:
			if e.Index >= len(c) {
				return false
			}
			v = c[e.Index]
		}
	}
	return false
}

// pointerPath turns a JSON pointer into a field path, using the rendered
// object to tell list indices from keys ("-", the end of a list, is its
// last item after the patch).
func pointerPath(obj any, ptr string) fieldpath.Path {
	if ptr == "" || ptr[0] != '/' {
		return nil
	}
	var p fieldpath.Path
	cur := obj
	for _, tok := range strings.Split(ptr[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := cur.(type) {
		case []any:
			i, err := strconv.Atoi(tok)
			if tok == "-" {
				i, err = len(c)-1, nil
			}
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			p = p.Index(i)
			cur = c[i]
		case map[string]any:
			p = p.Child(tok)
			cur = c[tok]
		default:
			return nil
		}
	}
	return p
}

// Where says where a fix of a rendered object's field is written: the
// file, the document and the field's path in it. A missing field is
// placed under its nearest parent that is written. why is non-empty when
// the field cannot be fixed in a file: it is set by a transformer or a
// generator, written in an inline or JSON 6902 patch, or not written
// where the object was read from.
func Where(res Resource, path fieldpath.Path) (file string, doc *document.Document, local fieldpath.Path, why string) {
	if res.src == nil {
		return "", nil, nil, "kustomize recorded no source for the object"
	}
	h := res.src.locateHit(res, path)
	existing := existingPrefix(res.Object, path)
	switch {
	case h == nil:
		return "", nil, nil, "kustomize recorded no source for the field"
	case h.why != "":
		return "", nil, nil, h.why
	case h.mapPos != nil:
		return "", nil, nil, "the field is written in an inline patch of the kustomization; fix it there"
	case len(h.path) > 0 && h.path[0].IsIndex && h.at != nil && isList(h.at.Value):
		return "", nil, nil, "the field is written by a JSON 6902 patch; fix it there"
	case h.partial:
		return "", nil, nil, "the field's value comes from kustomize, not from the file the object is read from"
	}
	if _, found := h.at.NodeAt(h.path); len(found) != len(h.path) {
		return "", nil, nil, "the field's value comes from kustomize, not from the file the object is read from"
	}
	return h.file, h.at, slices.Concat(h.path, path[len(existing):]), ""
}

func isList(v any) bool { _, ok := v.([]any); return ok }

// existingPrefix is the longest prefix of p present in obj.
func existingPrefix(obj map[string]any, p fieldpath.Path) fieldpath.Path {
	var cur any = obj
	for i, e := range p {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[e.Key]
			if e.IsIndex || !ok {
				return p[:i:i]
			}
			cur = v
		case []any:
			if !e.IsIndex || e.Index < 0 || e.Index >= len(c) {
				return p[:i:i]
			}
			cur = c[e.Index]
		default:
			return p[:i:i]
		}
	}
	return p
}

// isIdentity reports the fields that identify an object.
func isIdentity(p fieldpath.Path) bool {
	s := p.String()
	return s == "apiVersion" || s == "kind" || s == "metadata.name" || s == "metadata.namespace"
}

// stringList reads a list of strings, keeping indices aligned with the
// document ("" for an item that is not a string).
func stringList(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}
