package krm

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// validate lints the items with the configuration fc gives (nil: the
// defaults) and leaves them as they are.
func (p *processor) validate(rl *resourceList, fc *object) (err error) {
	cfg, fs := p.config(fc)
	if hasErrors(fs) {
		return p.fail(rl, fs...)
	}
	failOn := finding.Error
	if cfg.Lint.FailOn != "" {
		if s, ok := finding.ParseSeverity(cfg.Lint.FailOn); ok {
			failOn = s
		}
	}
	l, err := lint.New(lint.Options{Config: cfg})
	if err != nil {
		// The configuration names rules, selectors, parameters or a
		// Kubernetes version the engine does not know: one result each.
		for _, e := range splitErrors(err) {
			fs = append(fs, p.configFinding(fc, "functionConfig: "+strings.TrimPrefix(e.Error(), "configuration: ")))
		}
		return p.fail(rl, fs...)
	}
	if fix, unsafe := fixSettings(fc); fix {
		if err := p.fix(rl, l, unsafe); err != nil {
			return err
		}
	}
	objs := make([]lint.Object, 0, len(p.in.items))
	for i, it := range p.in.items {
		if localConfig(it.value) {
			// Never applied to a cluster: a functionConfig kpt passes
			// along (this function's own Config or Daemon spec, say).
			continue
		}
		file, index, ok := origin(it.value)
		if !ok {
			// Without a file, the position in the list is the only name.
			index = i
		}
		o := lint.Object{Value: withoutToolAnnotations(it.value), File: file, Index: index}
		// Placed in standard input, findings sort as the items are written.
		lintinternal.SetDocument(&o, p.in.doc, it.base)
		objs = append(objs, o)
	}
	res, err := l.LintObjects(objs)
	if err != nil {
		return fmt.Errorf("linting the items: %w", err)
	}
	out := make([]finding.Finding, 0, len(fs)+len(res.Findings))
	out = append(out, fs...)
	for _, f := range res.Findings {
		out = append(out, itemFinding(f))
	}
	var s finding.Summary
	s.Count(out)
	// Placement's results are reported with lint's, but only its own
	// settings (placement.failIfNone, placement.failOn) make them fail.
	var placementFail bool
	if cfg.Placement.Nodes != "" {
		var pfs []finding.Finding
		pfs, placementFail = p.placeItems(rl, cfg, fc)
		defer func() {
			if placementFail && err == nil {
				var ps finding.Summary
				ps.Count(pfs)
				err = &FindingsError{Errors: s.Errors + ps.Errors, Warnings: s.Warnings + ps.Warnings, Infos: s.Infos + ps.Infos}
			}
		}()
		out = append(out, pfs...)
	}
	p.report(rl, out)
	if s.Errors+s.Warnings+s.Infos > 0 {
		fmt.Fprintf(p.stderr, "everynode fn: %s in %s\n", countWords(s.Errors, s.Warnings, s.Infos), plural(res.Summary.Resources, "resource", "resources"))
	}
	if failOn > 0 && (s.Errors > 0 || s.Warnings > 0 && failOn <= finding.Warning || s.Infos > 0 && failOn <= finding.Info) {
		return &FindingsError{Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}
	}
	if res.InternalErrors > 0 {
		return &FindingsError{Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}
	}
	return nil
}

// itemFinding makes a finding about an item read as the item's own: its
// field path starts at the object, not at items[i] of the ResourceList,
// and its line and column, which point into standard input, are dropped.
func itemFinding(f finding.Finding) finding.Finding {
	f.Path = withoutItemBase(f.Path)
	f.Line, f.Column = 0, 0
	for i := range f.Related {
		f.Related[i].Path = withoutItemBase(f.Related[i].Path)
		f.Related[i].Line, f.Related[i].Column = 0, 0
	}
	return f
}

func withoutItemBase(p fieldpath.Path) fieldpath.Path {
	if len(p) >= 2 && !p[0].IsIndex && p[0].Key == "items" && p[1].IsIndex {
		return p[2:]
	}
	return p
}

func hasErrors(fs []finding.Finding) bool {
	return slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.Severity >= finding.Error })
}

// config reads the validator's configuration from the functionConfig.
func (p *processor) config(fc *object) (*config.Config, []finding.Finding) {
	if fc == nil {
		return config.Default(), nil
	}
	file, index, _ := origin(fc.value)
	var cfg *config.Config
	var fs []finding.Finding
	if fc.Kind == "ConfigMap" {
		cfg, fs = configFromConfigMap(fc)
	} else {
		cfg, fs = configfile.FromObject(fc.doc)
	}
	for i := range fs {
		fs[i].File, fs[i].Document, fs[i].Line, fs[i].Column = file, index, 0, 0
		fs[i].Resource = fc.Resource
	}
	return cfg, fs
}

func (p *processor) configFinding(fc *object, msg string) finding.Finding {
	f := finding.Finding{Rule: ruleFunctionConfig, Severity: finding.Error, Message: msg}
	if fc != nil {
		f.File, f.Document, _ = origin(fc.value)
		f.Resource = fc.Resource
	}
	return f
}

// configMapKeys are the settings a ConfigMap functionConfig may carry:
// `kpt fn eval --exec "everynode fn" -- podSecurity=restricted` sends
// them as data. Each is the lint: field of the same name; enable and
// disable take comma-separated rule IDs.
// nodes and failIfNone are the placement: fields of those names.
var configMapKeys = []string{"kubernetesVersion", "podSecurity", "strict", "failOn", "gate", "checkReferences", "enable", "disable", "fix", "unsafeFixes", "nodes", "failIfNone"}

// configFromConfigMap turns a ConfigMap's data into a Config document and
// reads that, so the values are checked exactly as in .everynode.yaml.
func configFromConfigMap(fc *object) (*config.Config, []finding.Finding) {
	lintSection := map[string]any{}
	placementSection := map[string]any{}
	var fs []finding.Finding
	bad := func(key, format string, args ...any) {
		p := fieldpath.New("data")
		if key != "" {
			p = p.Child(key)
		}
		fs = append(fs, finding.Finding{Rule: ruleFunctionConfig, Severity: finding.Error,
			Message: fmt.Sprintf(format, args...), Path: p})
	}
	data, ok := fc.value["data"].(map[string]any)
	if raw := fc.value["data"]; !ok && raw != nil {
		bad("", "data is %s; it must be a map of settings (key: value)", typeName(raw))
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := fmt.Sprint(data[k])
		switch k {
		case "kubernetesVersion", "podSecurity", "failOn", "gate":
			lintSection[k] = v
		case "strict", "checkReferences", "fix", "unsafeFixes", "failIfNone":
			b, err := strconv.ParseBool(v)
			if err != nil {
				bad(k, "%s=%q: want true or false", k, v)
				continue
			}
			if k == "fix" || k == "unsafeFixes" {
				continue // the function's own settings (fixSettings)
			}
			if k == "failIfNone" {
				placementSection[k] = b
			} else {
				lintSection[k] = b
			}
		case "nodes":
			placementSection[k] = v
		case "enable", "disable":
			// The same selectors as lint.enable and --enable: rule IDs,
			// categories, globs, all, comma-separated.
			var sels []any
			for s := range strings.SplitSeq(v, ",") {
				if s = strings.TrimSpace(s); s != "" {
					sels = append(sels, s)
				}
			}
			lintSection[k] = sels
		default:
			bad(k, "unknown setting %q: the ConfigMap functionConfig takes %s (for everything else use a functionConfig of kind Config)",
				k, strings.Join(configMapKeys, ", "))
		}
	}
	doc := map[string]any{"apiVersion": config.APIVersion, "kind": config.Kind}
	if len(lintSection) > 0 {
		doc["lint"] = lintSection
	}
	if len(placementSection) > 0 {
		doc["placement"] = placementSection
	}
	b, err := yaml.Marshal(doc)
	if err != nil {
		bad("", "internal error: %v", err)
		return config.Default(), fs
	}
	cfg, cfs := configfile.Parse("", b)
	cfg.Path, cfg.Position = "", nil
	for _, f := range cfs {
		// lint.podSecurity in the document made up here is
		// data.podSecurity in the ConfigMap the user wrote.
		if len(f.Path) >= 2 && (f.Path[0].Key == "lint" || f.Path[0].Key == "placement") {
			key := f.Path[1].Key
			if rest, ok := strings.CutPrefix(f.Message, f.Path.String()+":"); ok {
				f.Message = "data." + key + ":" + rest
			}
			f.Path = fieldpath.New("data", key)
		}
		fs = append(fs, f)
	}
	return cfg, fs
}

// splitErrors undoes errors.Join, so that each problem is its own result.
func splitErrors(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// fixSettings reads fix and unsafeFixes from a ConfigMap functionConfig
// (`kpt fn eval --exec "everynode fn" -- fix=true`): the validator then
// returns the items with their fixes applied, as `everynode lint --fix`
// (with unsafeFixes, --unsafe-fixes) would write them.
func fixSettings(fc *object) (fix, unsafe bool) {
	if fc == nil || fc.Kind != "ConfigMap" {
		return false, false
	}
	data, _ := fc.value["data"].(map[string]any)
	fix, _ = strconv.ParseBool(fmt.Sprint(data["fix"]))
	unsafe, _ = strconv.ParseBool(fmt.Sprint(data["unsafeFixes"]))
	return fix, unsafe
}

// fix applies the fixes to the ResourceList's text, with the checks of
// `lint --fix` (the result parses and gains no finding), and replaces the
// items with the fixed ones; the validation that follows reports what is
// left.
func (p *processor) fix(rl *resourceList, l *lint.Linter, unsafe bool) error {
	fixed, applied, dropped := l.FixDocuments(stdinName, p.data, lint.FixOptions{Unsafe: unsafe})
	for _, d := range dropped {
		fmt.Fprintf(p.stderr, "everynode fn: not fixed [%s]: %s\n", d.Finding.Rule, safetext.Line(d.Reason))
	}
	if len(applied) == 0 {
		return nil
	}
	in, err := parseInput(fixed)
	if err != nil {
		return fmt.Errorf("internal error: the fixed ResourceList does not read back: %w", err)
	}
	items, err := (&kio.ByteReader{Reader: bytes.NewReader(fixed)}).Read()
	if err != nil || len(items) != len(in.items) {
		return fmt.Errorf("internal error: kyaml cannot read the fixed ResourceList back: %v", err)
	}
	rl.Items, p.in, p.data = items, in, fixed
	fmt.Fprintf(p.stderr, "everynode fn: fixed %s\n", plural(len(applied), "finding", "findings"))
	return nil
}
