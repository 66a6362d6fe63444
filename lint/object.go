package lint

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/internal/suppress"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// Why a document is not linted as a Kubernetes object. Each is counted in
// summary.skipped, never reported: partial or foreign YAML would only give
// false errors. The one exception is a document with metadata and half a
// built-in type (schema.Validator.Incomplete), which kubectl refuses.
const (
	skipNotObject   = "no apiVersion and kind (Chart.yaml, values, CI config)"
	skipKustomize   = "kustomize configuration (Kustomization, Component)"
	skipKptfile     = "kpt package file (Kptfile)"
	skipLocalConfig = "annotated config.kubernetes.io/local-config: \"true\""
	skipNotMapping  = "not a mapping"
	skipDaemonSpec  = "everynode Daemon spec (checked by everynode generate)"
	// Whole files.
	skipHelmTemplate = "Helm chart template (under a chart's templates/ directory): render it with helm template ... | everynode lint -"
	skipHelmSyntax   = "Helm template syntax ({{ .Values }}, include, toYaml ...): render it with helm template ... | everynode lint -"
	skipTemplate     = "a template ({{ ... }}) that does not parse as YAML"
	skipPatch        = "kustomize patch: linted through the kustomization that applies it"
)

// classify says why a document is skipped, or "" to lint it.
func classify(m map[string]any) string {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	if apiVersion == "" || kind == "" {
		return skipNotObject
	}
	switch {
	case kind == "Kustomization" || kind == "Component" && strings.HasPrefix(apiVersion, "kustomize.config.k8s.io/"):
		return skipKustomize
	case kind == "Kptfile":
		return skipKptfile
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		if anns, ok := md["annotations"].(map[string]any); ok {
			if v, _ := anns["config.kubernetes.io/local-config"].(string); v == "true" {
				return skipLocalConfig
			}
		}
	}
	return ""
}

// listItems returns the items of a kind: List (or a typed list such as
// ConfigMapList), which kubectl applies item by item.
func listItems(m map[string]any) ([]any, bool) {
	kind, _ := m["kind"].(string)
	if kind != "List" && !strings.HasSuffix(kind, "List") {
		return nil, false
	}
	if _, ok := m["apiVersion"].(string); !ok {
		return nil, false
	}
	items, ok := m["items"].([]any)
	// A v1 List with no items is an empty list, not an object.
	return items, ok || kind == "List"
}

func isCRD(m map[string]any) bool {
	k, _ := m["kind"].(string)
	v, _ := m["apiVersion"].(string)
	return k == "CustomResourceDefinition" && strings.HasPrefix(v, "apiextensions.k8s.io/")
}

// lintObject validates one object and runs the rules on it.
func (r *run) lintObject(fr *fileResult, pl place, m map[string]any) {
	if reason := classify(m); reason != "" {
		if reason == skipNotObject && r.l.schema != nil {
			// Half a type (kind: DaemonSet without apiVersion) is a
			// broken object, not foreign YAML.
			if e := r.l.schema.Incomplete(m); e != nil {
				f := finding.Finding{File: pl.file, Document: pl.index, Resource: finding.ResourceOf(m),
					Rule: e.Rule, Severity: e.Severity, Message: e.Message}
				pl.at(&f, e.Path, false)
				fr.summary.Resources++
				out := []finding.Finding{f}
				suppress.ApplyObject(out, r.objectDirectives(m, pl, f.Resource))
				fr.findings = append(fr.findings, out...)
				return
			}
		}
		fr.skip(pl.file, pl.index, reason)
		return
	}
	gen := r.crdGen.Load()
	schemaErrs := r.validate(m)
	if !r.final && hasNoSchema(schemaErrs) {
		// Perhaps a custom resource whose CRD is still to come: its
		// results wait for the end (crd.go).
		sub := &fileResult{}
		r.checkObject(sub, pl, m, schemaErrs)
		r.hold(fr, pl, m, gen, sub)
		return
	}
	r.checkObject(fr, pl, m, schemaErrs)
}

// checkObject runs the rules on an object validated against its schema,
// and records what they found.
func (r *run) checkObject(fr *fileResult, pl place, m map[string]any, schemaErrs []schema.Error) {
	res := finding.ResourceOf(m)
	fr.summary.Resources++
	fr.objects = append(fr.objects, ObjectRef{File: pl.file, Document: pl.index, Resource: res})
	if see := r.l.opts.hooks.Objects; see != nil {
		see(pl.file, pl.index, m, pl.locate)
	}
	if r.l.checker.Deferred() {
		// Only cross-object rules look the set up.
		fr.idents = append(fr.idents, res)
	}

	base := finding.Finding{File: pl.file, Document: pl.index, Resource: res}
	var out []finding.Finding
	// A DaemonSet of a removed API version is linted as the apps/v1
	// object it converts to, so that an upgrade shows every finding at
	// once; positions stay those of the original file.
	checked, checkedRes := m, res
	if up, ok := r.upgrade(m, schemaErrs); ok {
		checked, checkedRes = up, finding.ResourceOf(up)
		schemaErrs = append(schemaErrs[:1:1], r.validate(up)...)
	}
	obj := &rule.Object{Base: pl.base, Resource: checkedRes, Map: checked, Locate: pl.locate, KubernetesVersion: r.l.version, NoSchema: hasNoSchema(schemaErrs)}
	for _, e := range schemaErrs {
		if e.WrongType {
			obj.Invalid = append(obj.Invalid, e.Path)
		}
	}
	immediate, deferred := r.l.checker.ForKind(res.Kind)
	t := pl.target(obj)
	ruleFindings := dropAtInvalid(r.l.checker.Check(t, immediate), obj, pl)
	var later []*laterReport
	deferredFindings := r.l.checker.CheckDeferred(t, deferred, func(l *checker.Later) {
		later = append(later, &laterReport{Later: *l})
	})
	if r.l.checker.HasFacts(res.Kind) {
		r.addFacts(fr, t, pl)
	}
	schemaErrs = dropExplained(schemaErrs, ruleFindings, pl)
	for _, e := range schemaErrs {
		f := base
		f.Rule, f.Severity, f.Message = e.Rule, e.Severity, e.Message
		if f.Severity == 0 {
			f.Severity = finding.Error
		}
		pl.at(&f, e.Path, false)
		f.Fix = r.engineFix(e.Rule, m, pl, e.Path, e.Message)
		out = append(out, f)
	}
	out = append(append(out, ruleFindings...), deferredFindings...)
	if checkedRes != res {
		for i := range out {
			out[i].Resource = res
		}
	}
	ds := r.objectDirectives(m, pl, res)
	suppress.ApplyObject(out, ds)
	fr.findings = append(fr.findings, out...)
	fr.directives = append(fr.directives, ds...)
	for _, lr := range later {
		lr.directives = ds
		lr.Finding.Resource = res
	}
	fr.later = append(fr.later, later...)
	if r.l.checker.InSetKinds(res.Kind) {
		r.addSetObject(fr, obj, pl)
	}
}

// upgrade returns the apps/v1 value of a DaemonSet of a removed API
// version, when the schema's only finding is that the version is
// removed (rules.UpgradeDaemonSet).
func (r *run) upgrade(m map[string]any, errs []schema.Error) (map[string]any, bool) {
	if len(errs) != 1 || errs[0].Rule != finding.RuleRemovedAPI {
		return nil, false
	}
	changes, ok := rules.UpgradeDaemonSet(m)
	if !ok {
		return nil, false
	}
	up, err := rule.ApplyChanges(m, changes)
	return up, err == nil
}

// engineFix is the fix of an engine rule (removed-api-version) for a
// finding the engine reports about the object m.
func (r *run) engineFix(id string, m map[string]any, pl place, path fieldpath.Path, msg string) *finding.Fix {
	er, ok := r.l.checker.Rule(id)
	if !ok || er.Fix == nil {
		return nil
	}
	fx := er.Fix(&rule.Object{Map: m, Resource: finding.ResourceOf(m)}, rule.Diagnostic{Path: path, Message: msg})
	if fx == nil || len(fx.Changes) == 0 {
		return nil
	}
	return pl.fix(fx)
}

// validate runs schema validation, turning a panic into an internal error.
func (r *run) validate(m map[string]any) (errs []schema.Error) {
	if r.l.schema == nil {
		return nil
	}
	defer func() {
		if p := recover(); p != nil {
			errs = []schema.Error{{Rule: finding.RuleInternal, Severity: finding.Error,
				Message: fmt.Sprintf("schema validation failed on this object: %v (please report this)", p)}}
		}
	}()
	r.l.schemaMu.RLock()
	defer r.l.schemaMu.RUnlock()
	return r.l.schema.Validate(m)
}

// dropAtInvalid removes rule findings at or under a value the schema
// rejected for its type: the typed object the rules read lacks that value,
// so a rule would call a mistyped field missing ("no containerPort")
// where the schema error says what is really wrong.
func dropAtInvalid(fs []finding.Finding, obj *rule.Object, pl place) []finding.Finding {
	if len(obj.Invalid) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		keep := true
		for _, inv := range obj.Invalid {
			if f.Path.HasPrefix(slices.Concat(pl.base, inv)) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}

// dropExplained removes the schema errors that a rule explains better: a
// rule finding at the same path as a schema error (a missing required
// field's error has the field's path; an "unknown field" error is matched
// at the field it names) at least as
// severe replaces it, so that Deployment leftovers in a DaemonSet
// (replicas) read as the rule's advice rather than as "unknown field", and
// a probe without a port reads as the rule's finding at the port, the
// field Kubernetes names.
func dropExplained(errs []schema.Error, rules []finding.Finding, pl place) []schema.Error {
	if len(errs) == 0 || len(rules) == 0 {
		return errs
	}
	out := errs[:0:0]
	for _, e := range errs {
		if e.Rule != finding.RuleSchema {
			out = append(out, e)
			continue
		}
		full := pl.full(e.Path)
		var unknown fieldpath.Path
		if name := unknownField(e.Message); name != "" {
			unknown = full.Child(name)
		}
		explained := false
		for _, f := range rules {
			if f.Severity >= e.Severity && (f.Path.Equal(full) || unknown != nil && f.Path.Equal(unknown)) {
				explained = true
				break
			}
		}
		if !explained {
			out = append(out, e)
		}
	}
	return out
}

var unknownFieldRE = regexp.MustCompile(`unknown field "([^"]+)"`)

// unknownField returns the field an "unknown field" message names.
func unknownField(msg string) string {
	if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// everynodeKind handles everynode's own objects (apiVersion
// everynode.dev/...). It reports whether the document was one.
func (r *run) everynodeKind(fr *fileResult, pl place, doc *document.Document) bool {
	m, ok := doc.Value.(map[string]any)
	if !ok {
		return false
	}
	apiVersion, _ := m["apiVersion"].(string)
	if !strings.HasPrefix(apiVersion, "everynode.dev/") {
		return false
	}
	kind, _ := m["kind"].(string)
	var fs []finding.Finding
	switch {
	case r.l.opts.hooks.Specs != nil:
		fs = r.l.opts.hooks.Specs(doc)
	case kind == config.Kind:
		_, fs = configfile.FromObject(doc)
	default:
		// A Daemon spec with no spec checker wired in: not a Kubernetes
		// object, so not linted as one.
		fr.skip(pl.file, pl.index, skipDaemonSpec)
		return true
	}
	res := finding.ResourceOf(m)
	fr.summary.Resources++
	fr.objects = append(fr.objects, ObjectRef{File: pl.file, Document: pl.index, Resource: res})
	for i := range fs {
		fs[i].File = pl.file
		fs[i].Document = pl.index
		if fs[i].Resource == (finding.Resource{}) {
			fs[i].Resource = res
		}
	}
	ds := r.objectDirectives(m, pl, res)
	suppress.ApplyObject(fs, ds)
	fr.findings = append(fr.findings, fs...)
	fr.directives = append(fr.directives, ds...)
	return true
}

// objectDirectives reads an object's suppression annotations, placed
// where they are written.
func (r *run) objectDirectives(m map[string]any, pl place, res finding.Resource) []*suppress.Directive {
	ds := suppress.FromObject(m, nil, pl.base, pl.file, pl.index, res)
	for _, d := range ds {
		var f finding.Finding
		f.File, f.Document = pl.file, pl.index
		pl.at(&f, d.Path(), false)
		d.File, d.Document, d.Line, d.Column = f.File, f.Document, f.Line, f.Column
	}
	return ds
}

// Helm: a file is a chart template when it lives under a chart's
// templates/ directory, or uses Helm's template objects and functions.
// Plain "{{" is not enough: Prometheus rules and Alertmanager templates
// in ConfigMaps are full of them and are real manifests; a file with "{{"
// that does not parse as YAML is skipped too (see lintData).
var helmMarkers = [][]byte{
	[]byte(".Values"), []byte(".Release."), []byte(".Chart."), []byte(".Capabilities."),
	[]byte(".Files."), []byte("include \""), []byte("toYaml"), []byte("nindent"),
	[]byte("{{- define"), []byte("{{ define"), []byte("{{- template"), []byte("{{ template"),
}

func looksLikeHelm(data []byte) bool {
	i := bytes.Index(data, []byte("{{"))
	if i < 0 {
		return false
	}
	rest := data[i:]
	for _, m := range helmMarkers {
		if bytes.Contains(rest, m) {
			return true
		}
	}
	return false
}

// helmTemplateDir reports whether a file is under a directory named
// templates whose parent holds a Chart.yaml.
func (r *run) helmTemplateDir(path string) bool {
	for dir := filepath.Dir(path); ; {
		if filepath.Base(dir) == "templates" {
			if v, ok := r.helmDirs.Load(dir); ok {
				return v.(bool)
			}
			_, err := os.Stat(filepath.Join(filepath.Dir(dir), "Chart.yaml"))
			chart := err == nil
			r.helmDirs.Store(dir, chart)
			if chart {
				return true
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// isPatchFile reports whether a kustomization in the file's directory or
// its parent names the file as a patch.
func (r *run) isPatchFile(path string, root *safefs.Root) bool {
	k := r.l.opts.hooks.Kustomize
	if k == nil || path == "" {
		return false
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	dir := filepath.Dir(abs)
	for _, d := range []string{dir, filepath.Dir(dir)} {
		v, ok := r.patchDirs.Load(d)
		if !ok {
			set := map[string]bool{}
			if k.IsKustomization(d) {
				for _, p := range k.PatchFiles(d, root) {
					if !filepath.IsAbs(p) {
						p = filepath.Join(d, p)
					}
					set[filepath.Clean(p)] = true
				}
			}
			v, _ = r.patchDirs.LoadOrStore(d, set)
		}
		if v.(map[string]bool)[abs] {
			return true
		}
	}
	return false
}
