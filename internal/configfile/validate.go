package configfile

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/schemas"
)

// The schema is compiled on first use: a lint run without a configuration
// file never pays for it.
var loadSchema = sync.OnceValues(func() (*gojson.Schema, error) {
	s, err := gojson.Compile(schemas.ConfigSchema)
	if err != nil {
		return nil, fmt.Errorf("config schema: %w", err)
	}
	return s, nil
})

// validator collects the findings about one configuration document.
type validator struct {
	doc  *document.Document
	out  []finding.Finding
	seen map[string]bool
}

// resource is the configuration's identity for its findings; one that does
// not say what it is is the Config it is read as.
func (v *validator) resource() finding.Resource {
	m, _ := v.doc.Value.(map[string]any)
	r := finding.ResourceOf(m)
	if _, ok := m["apiVersion"].(string); !ok {
		r.APIVersion = config.APIVersion
	}
	if _, ok := m["kind"].(string); !ok {
		r.Kind = config.Kind
	}
	return r
}

// report adds a finding at p (at its value when atValue), once per place
// and message.
func (v *validator) report(p fieldpath.Path, atValue bool, format string, args ...any) {
	v.add(gojson.Error{Path: p, AtKey: !atValue, Message: fmt.Sprintf(format, args...)})
}

func (v *validator) add(e gojson.Error) {
	key := e.Path.String() + "\x00" + e.Text()
	if v.seen == nil {
		v.seen = map[string]bool{}
	}
	if v.seen[key] {
		return
	}
	v.seen[key] = true
	v.out = append(v.out, e.Finding(v.doc, RuleSchema, v.resource()))
}

// schema validates the document against schemas/config.schema.json,
// through the adapter the Daemon spec's schema errors use too.
func (v *validator) schema() {
	s, err := loadSchema()
	if err != nil {
		// The schema is embedded and tested; this is a build defect.
		v.report(nil, false, "internal error: %v", err)
		return
	}
	errs, err := s.Validate(v.doc, explain)
	if err != nil {
		v.report(nil, false, "internal error validating the configuration: %v", err)
		return
	}
	for _, e := range errs {
		v.add(e)
	}
}

// explain adds what the configuration's schema cannot say about a few
// fields.
func explain(doc *document.Document, e *gojson.Error) {
	p := e.Path.String()
	switch {
	case len(e.Path) == 0 && !e.Unknown && !e.Missing:
		e.Message = "the configuration " + e.Message
	case e.Missing && (p == "apiVersion" || p == "kind"):
		e.Message = fmt.Sprintf("missing %s: a configuration starts with apiVersion: %s and kind: %s", p, config.APIVersion, config.Kind)
	case e.Type == "enum" && p == "kind":
		e.Message += "; this is not an everynode configuration"
	case e.Type == "invalid_type" && p == "lint.kubernetesVersion":
		if _, isNum := e.Value.(float64); isNum {
			n, _ := doc.NodeAt(e.Path)
			e.Message += fmt.Sprintf("; quote it (kubernetesVersion: \"%s\"): unquoted, YAML reads a version as a number", n.Value)
		}
	case e.Type == "pattern" && p == "lint.kubernetesVersion":
		got := gojson.Describe(doc, e.Path)
		if s, ok := e.Value.(string); ok {
			got = strconv.Quote(s)
		}
		e.Message = fmt.Sprintf("%s is not a Kubernetes minor version such as \"1.36\"", got)
	case e.Type == "invalid_type" && len(e.Path) == 3 && e.Path[0].Key == "lint" && e.Path[1].Key == "rules":
		e.Message = "must be off, on, error, warning, info or a map of enabled, severity and params, not " + gojson.Describe(doc, e.Path)
	}
}

// decode fills c from the document's value. It reads only what has the
// right type; the schema has reported the rest.
func (v *validator) decode(c *config.Config, m map[string]any) {
	if l, ok := m["lint"].(map[string]any); ok {
		v.decodeLint(&c.Lint, l)
	}
	if pl, ok := m["placement"].(map[string]any); ok {
		c.Placement.Nodes, _ = pl["nodes"].(string)
		c.Placement.FailIfNone, _ = pl["failIfNone"].(bool)
		if s, ok := pl["failOn"].(string); ok && (s == "warning" || s == "none") {
			c.Placement.FailOn = s
		}
	}
	if g, ok := m["generate"].([]any); ok {
		for i, item := range g {
			t, ok := item.(map[string]any)
			if !ok {
				continue
			}
			p := fieldpath.New("generate").Index(i)
			gt := config.GenerateTarget{Path: p}
			gt.Specs = v.globs(t["specs"], p.Child("specs"))
			gt.Output, _ = t["output"].(string)
			gt.Kustomization, _ = t["kustomization"].(bool)
			c.Generate = append(c.Generate, gt)
		}
	}
}

func (v *validator) decodeLint(l *config.Lint, m map[string]any) {
	if s, ok := m["kubernetesVersion"].(string); ok {
		l.KubernetesVersion = strings.TrimPrefix(s, "v")
	}
	if b, ok := m["strict"].(bool); ok {
		l.Strict = &b
	}
	if s, ok := m["podSecurity"].(string); ok && slices.Contains([]string{"none", "baseline", "restricted"}, s) {
		l.PodSecurity = s
	}
	if s, ok := m["failOn"].(string); ok && slices.Contains(config.FailOnValues, s) {
		l.FailOn = s
	}
	l.Exclude = v.globs(m["exclude"], fieldpath.New("lint", "exclude"))
	l.CheckReferences, _ = m["checkReferences"].(bool)
	l.Baseline, _ = m["baseline"].(string)
	if s, ok := m["gate"].(string); ok && (s == "default" || s == "strict") {
		l.Gate = s
	}
	l.Enable = strings_(m["enable"])
	l.Disable = strings_(m["disable"])
	rules, _ := m["rules"].(map[string]any)
	for id, val := range rules {
		rc, ok := decodeRule(val)
		if ok {
			l.Rules[id] = rc
		}
	}
}

func decodeRule(val any) (config.RuleConfig, bool) {
	var rc config.RuleConfig
	t, f := true, false
	switch x := val.(type) {
	case bool:
		// YAML 1.1 reads an unquoted off/on as a boolean.
		rc.Enabled = &f
		if x {
			rc.Enabled = &t
		}
	case string:
		switch x {
		case "off":
			rc.Enabled = &f
		case "on":
			rc.Enabled = &t
		case "error", "warning", "info":
			rc.Severity = x
			rc.Enabled = &t
		default:
			return rc, false
		}
	case map[string]any:
		if b, ok := x["enabled"].(bool); ok {
			rc.Enabled = &b
		}
		if s, ok := x["severity"].(string); ok {
			if _, ok := finding.ParseSeverity(s); ok && s != "none" && s != "off" && s != "warn" {
				rc.Severity = s
				if rc.Enabled == nil {
					rc.Enabled = &t
				}
			}
		}
		if p, ok := x["params"].(map[string]any); ok {
			rc.Params = p
		}
	default:
		return rc, false
	}
	return rc, true
}

// globs reads a list of glob patterns, reporting malformed ones.
func (v *validator) globs(val any, p fieldpath.Path) []string {
	l, ok := val.([]any)
	if !ok {
		return nil
	}
	var out []string
	for i, e := range l {
		s, ok := e.(string)
		if !ok || s == "" {
			continue
		}
		if _, err := path.Match(strings.ReplaceAll(s, "**", "*"), ""); err != nil {
			v.report(p.Index(i), true, "%s: %q is not a valid glob pattern (check the brackets and backslashes)", p.Index(i), s)
			continue
		}
		out = append(out, s)
	}
	return out
}

// strings_ reads a list of strings, keeping the items' places (an item of
// another type, which the schema reports, becomes "") so that the
// checker's findings about item i point at item i.
func strings_(val any) []string {
	l, ok := val.([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(l))
	for i, e := range l {
		out[i], _ = e.(string)
	}
	return out
}
