package generator

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/everynode/everynode/internal/configfile"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/generatorinternal"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/internal/suggest"
	"github.com/everynode/everynode/lint/checker"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
	"github.com/everynode/everynode/lint/rules"
)

// File is one input.
type File struct {
	// Name is what findings and headers call it: slash-separated, relative
	// to the working directory, "<stdin>" for standard input.
	Name string
	// Path is where it is on disk ("" for standard input).
	Path string
	Data []byte
	// Lenient files were found by walking a directory or matching a glob:
	// documents that are not Daemon specs are skipped there, while a file
	// named on the command line must hold nothing else.
	Lenient bool
}

// StdinName is the name standard input goes by in findings and headers.
const StdinName = "<stdin>"

// Load parses a file and returns its Daemon specs, with a finding for
// every syntax error and every document that should be a spec and is not.
func Load(f File) ([]*Spec, []finding.Finding) {
	st := document.Parse(f.Name, f.Data, document.Limits{})
	var specs []*Spec
	var fs []finding.Finding
	broken := map[int]bool{}
	for _, p := range st.Problems {
		rule := "yaml-syntax"
		if p.Limit {
			rule = "limit-exceeded"
		}
		broken[p.Document] = true
		fs = append(fs, finding.Finding{Rule: rule, Severity: finding.Error, Message: p.Msg, File: f.Name, Line: p.Line, Column: p.Column, Document: p.Document})
	}
	for _, d := range st.Docs {
		if d.Node == nil || broken[d.Index] {
			continue
		}
		m, isMap := d.Value.(map[string]any)
		h := finding.ResourceOf(m)
		apiVersion, kind := h.APIVersion, h.Kind
		group, _, _ := strings.Cut(apiVersion, "/")
		at := func(p fieldpath.Path, format string, args ...any) {
			line, col, _ := d.Locate(p)
			fs = append(fs, finding.Finding{Rule: RuleSpec, Severity: finding.Error, Message: fmt.Sprintf(format, args...),
				File: f.Name, Line: line, Column: col, Document: d.Index, Path: p})
		}
		switch {
		case isMap && kind == Kind:
			specs = append(specs, &Spec{doc: d, File: f.Name, Path: f.Path, Name: h.Name, Namespace: h.Namespace})
		case isMap && group == "everynode.dev" && kind == "Config":
			// The project configuration may sit among the specs.
		case isMap && group == "everynode.dev":
			at(fieldpath.New("kind"), "unknown kind %q%s: everynode generates from kind Daemon", kind, suggest.DidYouMean(kind, []string{Kind}))
		case f.Lenient:
			// Not ours: a directory of specs may hold other manifests.
		case !isMap:
			at(nil, "a Daemon spec is a map with apiVersion, kind, metadata and spec")
		default:
			at(fieldpath.New("kind"), "not a Daemon spec (apiVersion %q, kind %q): generate reads apiVersion %s, kind %s", apiVersion, kind, APIVersion, Kind)
		}
	}
	return specs, fs
}

func init() {
	generatorinternal.CheckDocument = func(doc *document.Document) []finding.Finding {
		_, fs := renderDocument(doc)
		return fs
	}
	generatorinternal.RenderDocument = renderDocument
	generatorinternal.SetDocument = func(spec any, doc *document.Document) { spec.(*Spec).doc = doc }
}

// renderDocument validates everynode's own objects for the linter
// (generatorinternal.CheckDocument): a Daemon spec met while linting gets
// the findings generate would give, a Config the configuration's. A valid
// spec's DaemonSet is returned too (generatorinternal.RenderDocument).
func renderDocument(doc *document.Document) (*appsv1.DaemonSet, []finding.Finding) {
	m, _ := doc.Value.(map[string]any)
	h := finding.ResourceOf(m)
	kind := h.Kind
	switch kind {
	case Kind:
		s := &Spec{doc: doc, File: doc.File.Name, Name: h.Name, Namespace: h.Namespace}
		r, fs, err := Render(s)
		if err != nil {
			line, col, _ := doc.Locate(nil)
			return nil, []finding.Finding{{Rule: "internal-error", Severity: finding.Error, Message: err.Error(), File: doc.File.Name, Line: line, Column: col, Document: doc.Index}}
		}
		if r == nil {
			return nil, fs
		}
		return r.DaemonSet(), fs
	case config.Kind:
		_, fs := configfile.FromObject(doc)
		return nil, fs
	}
	line, col, _ := doc.Locate(fieldpath.New("kind"))
	return nil, []finding.Finding{{Rule: RuleSpec, Severity: finding.Error, File: doc.File.Name, Line: line, Column: col, Document: doc.Index, Path: fieldpath.New("kind"),
		Message: fmt.Sprintf("unknown everynode kind %q%s: the kinds are Daemon and Config", kind, suggest.DidYouMean(kind, []string{Kind, config.Kind}))}}
}

// Render validates a spec (from Load) and renders it. Findings are
// reported at the spec's positions; when there is any error the result is
// nil.
func Render(s *Spec) (*Rendered, []finding.Finding, error) {
	if s.doc == nil {
		return nil, nil, fmt.Errorf("spec %s was not read by Load", s.Name)
	}
	schemaErrs, err := validateSchema(s.doc)
	if err != nil {
		return nil, nil, err
	}
	out, renderErrs := render(s)
	// A shorthand the renderer cannot read because of a misspelt field
	// ({htpp: /} is "a probe without a handler") says nothing the unknown
	// field does not.
	renderErrs = slices.DeleteFunc(renderErrs, func(p gojson.Error) bool {
		return slices.ContainsFunc(schemaErrs, func(q gojson.Error) bool { return q.Unknown && q.Path.Parent().Equal(p.Path) })
	})
	fs := make([]finding.Finding, 0, len(schemaErrs)+len(renderErrs))
	seen := map[string]bool{}
	for _, e := range append(schemaErrs, renderErrs...) {
		key := e.Path.String() + "\x00" + e.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		if e.Unknown && s.splitFlowValue(e.Path) {
			e.Message = fmt.Sprintf("unknown field %q: a comma inside {...} separates fields, so quote a value that contains one", e.Path.Last().Key)
		}
		fs = append(fs, s.finding(e))
	}
	if len(fs) > 0 {
		return nil, finding.SortAndDedupe(fs), nil
	}
	fs, err = runChecks(out, checks, true)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range fs {
		if f.Severity == finding.Error {
			return nil, fs, nil
		}
	}
	return out, fs, nil
}

// finding positions an error in the spec.
func (s *Spec) finding(e gojson.Error) finding.Finding {
	f := e.Finding(s.doc, RuleSpec, s.Resource())
	f.File = s.File
	return f
}

// splitFlowValue reports an unknown key with no value inside a flow
// mapping: `{reason: fast, cheap}` reads as reason "fast" and a key
// "cheap", the commonest way to get an unknown field in a one-line entry.
func (s *Spec) splitFlowValue(p fieldpath.Path) bool {
	parent, found := s.doc.NodeAt(p.Parent())
	if parent == nil || len(found) != len(p)-1 || parent.Kind != yaml.MappingNode || parent.Style&yaml.FlowStyle == 0 {
		return false
	}
	v, found := s.doc.NodeAt(p)
	return v != nil && len(found) == len(p) && v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == ""
}

// checks runs the rule catalog's correctness rules through the one rule
// runner (lint/checker): what the API server or the kubelet would reject
// in the rendered objects. The generator runs them on everything it
// renders and refuses to write output they find an error in; the other
// families (reliability, security) are lint's business, and deferred
// rules need a whole linted set.
var checks = sync.OnceValues(func() (*checker.Checker, error) {
	return checker.New(rules.All(), checker.Options{Only: func(r *rule.Rule) bool {
		return r.Category == rule.Correctness && !r.Deferred
	}})
})

// adviceChecks are the rules for what a spec must say and the generator
// cannot guess (resources, a readiness probe). generate runs them on what
// it renders and reports what is missing as warnings, in the spec's words
// (specAdvice): the generated output is to lint without warnings by
// default, and lint would only say it later, about the output.
var adviceChecks = sync.OnceValues(func() (*checker.Checker, error) {
	return checker.New(rules.All(), checker.Options{Only: func(r *rule.Rule) bool {
		return specAdvice[r.ID] != ""
	}})
})

// advise is what generate says a spec lacks (adviceChecks).
func advise(out *Rendered) ([]finding.Finding, error) {
	return runChecks(out, adviceChecks, false)
}

// specAdvice says, in the spec's words, what is missing for the rules the
// generator runs beyond correctness; %q is the container's name.
var specAdvice = map[string]string{
	"missing-resource-requests": "container %q requests no CPU and no memory, so it is evicted first under node pressure: set resources: {cpu: 50m, memory: 64Mi} in the spec, or ignore missing-resource-requests with a reason",
	"missing-memory-limit":      "container %q has no memory limit: set resources: {memory: 64Mi} in the spec (requested and limited), or ignore missing-memory-limit with a reason",
	"missing-readiness-probe":   "container %q has no readiness probe, so a broken release rolls out to every node: set readinessProbe: {http: /healthz:PORT} (or tcp, or exec) in the spec, or ignore missing-readiness-probe with a reason",
}

// containerAt is the name of the container a path of a DaemonSet is in.
func containerAt(m map[string]any, p fieldpath.Path) string {
	var v any = m
	for i, e := range p {
		switch x := v.(type) {
		case map[string]any:
			v = x[e.Key]
		case []any:
			if e.Index < 0 || e.Index >= len(x) {
				return ""
			}
			v = x[e.Index]
		default:
			return ""
		}
		if e.IsIndex && i > 0 && (p[i-1].Key == "containers" || p[i-1].Key == "initContainers") {
			c, _ := v.(map[string]any)
			name, _ := c["name"].(string)
			return name
		}
	}
	return ""
}

// outputSchema validates rendered objects against the official schema of
// the newest embedded Kubernetes release: what it requires (a probe's
// port, a hostPath's path, an env var's name) the spec's long forms,
// which are those Kubernetes types, require too.
var outputSchema = sync.OnceValues(func() (*schema.Validator, error) {
	return schema.New(schema.Options{Strict: true})
})

// runChecks validates the rendered objects against the Kubernetes schema,
// runs the rules on them, and maps what they report back to the spec.
// Both see the objects as the linter would: the YAML written, read back
// by the document model (positions are those of the output, which no
// finding reports). A rule the spec's ignore list names is skipped, as
// the linter would suppress it. validate adds the schema's own checks.
func runChecks(out *Rendered, checks func() (*checker.Checker, error), validate bool) ([]finding.Finding, error) {
	body, err := out.body()
	if err != nil {
		return nil, err
	}
	// The checks read what is written, not the Go values: a zero port is
	// left out of the YAML, and Kubernetes then finds no port at all.
	written := document.Parse("generated", body, document.Limits{})
	if len(written.Problems) > 0 || len(written.Docs) != len(out.Objects) {
		return nil, fmt.Errorf("internal error: the generated YAML of %s does not read back (%d documents for %d objects, %v)", out.Spec.Name, len(written.Docs), len(out.Objects), written.Problems)
	}
	v, err := outputSchema()
	if err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	c, err := checks()
	if err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	var fs []finding.Finding
	// One spec field often becomes several output fields (a label is on
	// the DaemonSet and on its pod template): report it once.
	type key struct {
		rule      string
		line, col int
		msg       string
	}
	seen := map[key]bool{}
	for i := range out.Objects {
		o := &out.Objects[i]
		m, _ := written.Docs[i].Value.(map[string]any)
		// Findings name the output's field path; report places them in
		// the spec, at the field the output field came from.
		report := func(f finding.Finding) {
			line, col, found := out.Locate(i, f.Path)
			k := key{f.Rule, line, col, f.Message}
			if seen[k] {
				return
			}
			seen[k] = true
			if advice := specAdvice[f.Rule]; advice != "" {
				f.Message = fmt.Sprintf(advice, containerAt(m, f.Path))
			} else {
				f.Message = fmt.Sprintf("%s (generated %s %s)", f.Message, o.Kind, f.Path)
			}
			f.File, f.Line, f.Column, f.Document, f.Path = out.Spec.File, line, col, out.Spec.doc.Index, found
			f.Resource = out.Spec.Resource()
			for j, rel := range f.Related {
				l, c, p := out.Locate(i, rel.Path)
				f.Related[j] = finding.Related{File: out.Spec.File, Line: l, Column: c, Path: p, Message: rel.Message}
			}
			fs = append(fs, f)
		}
		immediate, _ := c.ForKind(o.Kind)
		ignored := ignoredRules(o.Value)
		entries := slices.DeleteFunc(slices.Clone(immediate), func(e *checker.Entry) bool { return ignored[e.Rule.ID] })
		// No Locate: the checker's findings keep the output's paths, and
		// report maps them to the spec.
		t := &checker.Target{Object: &rule.Object{Resource: o.Resource(), Map: m}}
		// The rules run first: a rule's finding at the field a schema
		// error says is missing explains it better (Kubernetes names the
		// field), as the linter decides.
		var ruled []fieldpath.Path
		for _, f := range c.Check(t, entries) {
			ruled = append(ruled, f.Path)
			report(f)
		}
		if !validate {
			continue
		}
		for _, e := range v.Validate(m) {
			// A missing required field's error carries the field's path.
			if strings.HasPrefix(e.Message, "missing required field ") && slices.ContainsFunc(ruled, e.Path.Equal) {
				continue
			}
			report(finding.Finding{Rule: e.Rule, Severity: e.Severity, Message: e.Message, Path: e.Path})
		}
	}
	return fs, nil
}

// ignoredRules are the rules an object's suppression annotations name.
func ignoredRules(obj any) map[string]bool {
	out := map[string]bool{}
	o, ok := obj.(metav1.Object)
	if !ok {
		return out
	}
	for k := range o.GetAnnotations() {
		if id, ok := strings.CutPrefix(k, IgnoreAnnotationPrefix); ok {
			out[id] = true
		}
	}
	return out
}

// Header is the comment a generated file starts with. specName is the
// spec's slash-separated path relative to the output file's directory
// (for standard output, to the working directory).
func Header(specName string) string {
	return fmt.Sprintf("# Code generated by everynode from %s; DO NOT EDIT.\n", specName)
}

// HeaderPrefix starts every generated file, so tools can tell them apart.
const HeaderPrefix = "# Code generated by everynode"

// YAML writes the rendered objects as one YAML stream after the header.
func (r *Rendered) YAML(specName string) ([]byte, error) {
	body, err := r.body()
	if err != nil {
		return nil, err
	}
	return append([]byte(Header(specName)), body...), nil
}

// body is the objects' YAML, written once.
func (r *Rendered) body() ([]byte, error) {
	if r.yaml != nil {
		return r.yaml, nil
	}
	var buf bytes.Buffer
	objs := make([]any, len(r.Objects))
	for i, o := range r.Objects {
		objs[i] = o.Value
	}
	if _, err := marshalObjects(&buf, objs); err != nil {
		return nil, fmt.Errorf("writing %s: %w", r.Spec.Name, err)
	}
	r.yaml = buf.Bytes()
	return r.yaml, nil
}

// RenderBytes renders every Daemon spec of an in-memory file into one YAML
// stream, for callers that feed the objects on (the linter's in-process
// kustomize generator). An invalid spec is an error naming every problem
// with its file:line:col; nothing is rendered then.
func RenderBytes(name string, data []byte) ([]byte, error) {
	specs, fs := Load(File{Name: name, Data: data})
	var out []byte
	var problems []string
	for _, f := range fs {
		if f.Severity == finding.Error {
			problems = append(problems, f.String())
		}
	}
	for _, s := range specs {
		if len(problems) > 0 {
			break
		}
		r, rfs, err := Render(s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, f := range rfs {
			if f.Severity == finding.Error {
				problems = append(problems, f.String())
			}
		}
		if len(problems) > 0 {
			break
		}
		body, err := r.body()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(out) > 0 {
			out = append(out, "---\n"...)
		}
		out = append(out, body...)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("invalid Daemon spec:\n  %s", strings.Join(problems, "\n  "))
	}
	return out, nil
}
