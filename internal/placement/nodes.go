package placement

import (
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
)

// Node is one node of the inventory and where it was read.
type Node struct {
	corev1.Node
	Source Source
}

// Source is where a node was read: the file as named to ReadNodes, the
// 0-based index of its YAML document, and the 1-based line and column
// where the node's object begins.
type Source struct {
	File     string
	Document int
	Line     int
	Column   int
}

// Error is one problem in a nodes file, at a position. Its text is
// "file:line:column: message", with control characters escaped.
type Error struct {
	File         string
	Line, Column int
	Message      string
}

func (e *Error) Error() string {
	return escape(fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message))
}

// Errors is every problem found in one nodes file, in file order.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// nodeLimits bound a nodes file: a List is one YAML document, and
// `kubectl get nodes -o yaml` of a 5,000-node cluster, managed fields and
// image lists included, is a few million values.
var nodeLimits = document.Limits{MaxNodes: 10_000_000}

// hint is what every "this is not a nodes file" message ends with.
const hint = "the nodes file is what `kubectl get nodes -o yaml` (or -o json) prints"

// ReadNodes reads an inventory of nodes: what `kubectl get nodes -o yaml`
// or `-o json` prints (a v1 List or NodeList whose items are Nodes), or one
// or more Node documents, in YAML or JSON. name is the file's name as it
// is to be reported. Only the fields placement reads are decoded and
// checked: metadata.name and labels, spec.taints and unschedulable,
// status.capacity, allocatable and conditions; the rest (managed fields,
// images, addresses) is skipped, so a field placement does not need
// cannot make a nodes file fail.
//
// On any problem ReadNodes returns nil and an Errors listing them all,
// each with file:line:column; it never panics. An empty List is not an
// error (a cluster without nodes), an empty file is.
func ReadNodes(name string, data []byte) ([]Node, error) {
	s := document.Parse(name, data, nodeLimits)
	r := &nodeReader{file: name, seen: map[string]Source{}}
	bad := map[int]bool{}
	for _, p := range s.Problems {
		r.errs = append(r.errs, &Error{File: name, Line: p.Line, Column: p.Column, Message: p.Msg})
		bad[p.Document] = true
	}
	docs := 0
	for _, d := range s.Docs {
		if d.Node == nil || bad[d.Index] {
			continue
		}
		docs++
		r.document(d)
	}
	if docs == 0 && len(r.errs) == 0 {
		r.errs = append(r.errs, &Error{File: name, Line: 1, Column: 1,
			Message: "the file has no Node in it (it is empty or only comments); " + hint})
	}
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return r.nodes, nil
}

type nodeReader struct {
	file  string
	nodes []Node
	seen  map[string]Source
	errs  Errors
}

// errorAt reports a problem at the key of p (a missing field at its
// nearest parent that exists).
func (r *nodeReader) errorAt(d *document.Document, p fieldpath.Path, format string, args ...any) {
	line, col, _ := d.Locate(p)
	r.errs = append(r.errs, &Error{File: r.file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

// valueErrorAt reports a problem with the value at p.
func (r *nodeReader) valueErrorAt(d *document.Document, p fieldpath.Path, format string, args ...any) {
	line, col, _ := d.LocateValue(p)
	r.errs = append(r.errs, &Error{File: r.file, Line: line, Column: col, Message: fmt.Sprintf(format, args...)})
}

func (r *nodeReader) document(d *document.Document) {
	m, ok := d.Value.(map[string]any)
	if !ok {
		r.valueErrorAt(d, nil, "expected a Node or a List of Nodes, found %s; %s", describe(d.Value), hint)
		return
	}
	apiVersion, _ := r.str(d, m, nil, "apiVersion")
	kind, ok := r.str(d, m, nil, "kind")
	if !ok {
		return
	}
	switch kind {
	case "Node":
		if r.checkAPIVersion(d, nil, apiVersion, kind) {
			r.node(d, nil, m)
		}
	case "List", "NodeList":
		if !r.checkAPIVersion(d, nil, apiVersion, kind) {
			return
		}
		itemsPath := fieldpath.New("items")
		raw, present := m["items"]
		if !present || raw == nil {
			return // an empty list, as kubectl prints for a cluster without nodes
		}
		items, ok := raw.([]any)
		if !ok {
			r.valueErrorAt(d, itemsPath, "items must be a list of Nodes, not %s", describe(raw))
			return
		}
		for i, it := range items {
			p := itemsPath.Index(i)
			im, ok := it.(map[string]any)
			if !ok {
				r.valueErrorAt(d, p, "item %d of the %s must be a Node, not %s", i, kind, describe(it))
				continue
			}
			ik, _ := r.str(d, im, p, "kind")
			iv, _ := r.str(d, im, p, "apiVersion")
			switch {
			case ik == "" && kind == "NodeList":
				// The API's NodeList leaves kind and apiVersion out of its
				// items (kubectl's List keeps them).
			case ik == "":
				r.errorAt(d, p, "item %d of the List has no kind; expected kind: Node", i)
				continue
			case ik != "Node":
				r.valueErrorAt(d, p.Child("kind"), "item %d of the %s is a %q, not a Node; %s", i, kind, ik, hint)
				continue
			}
			if iv != "" || ik != "" {
				if !r.checkAPIVersion(d, p, iv, "Node") {
					continue
				}
			}
			r.node(d, p, im)
		}
	case "":
		r.errorAt(d, fieldpath.New("kind"), "the document has no kind; expected a Node or a List of Nodes; %s", hint)
	default:
		r.valueErrorAt(d, fieldpath.New("kind"), "this is a %q, not a Node or a List of Nodes; %s", kind, hint)
	}
}

func (r *nodeReader) checkAPIVersion(d *document.Document, base fieldpath.Path, apiVersion, kind string) bool {
	if apiVersion == "v1" {
		return true
	}
	if apiVersion == "" {
		r.errorAt(d, base.Child("apiVersion"), "%s has no apiVersion; Nodes and Lists are apiVersion: v1", kind)
		return false
	}
	r.valueErrorAt(d, base.Child("apiVersion"), "apiVersion %q is not v1: a %s is apiVersion: v1", apiVersion, kind)
	return false
}

// str reads an optional string field; a value of another type is an error.
func (r *nodeReader) str(d *document.Document, m map[string]any, base fieldpath.Path, key string) (string, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", true
	}
	s, ok := v.(string)
	if !ok {
		r.valueErrorAt(d, base.Child(key), "%s must be a string, not %s; quote it", key, describe(v))
		return "", false
	}
	return s, true
}

// object reads an optional map field.
func (r *nodeReader) object(d *document.Document, m map[string]any, base fieldpath.Path, key string) (map[string]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, true
	}
	o, ok := v.(map[string]any)
	if !ok {
		r.valueErrorAt(d, base.Child(key), "%s must be a map, not %s", key, describe(v))
		return nil, false
	}
	return o, true
}

// list reads an optional list field.
func (r *nodeReader) list(d *document.Document, m map[string]any, base fieldpath.Path, key string) ([]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, true
	}
	l, ok := v.([]any)
	if !ok {
		r.valueErrorAt(d, base.Child(key), "%s must be a list, not %s", key, describe(v))
		return nil, false
	}
	return l, true
}

func (r *nodeReader) node(d *document.Document, base fieldpath.Path, m map[string]any) {
	errs := len(r.errs)
	line, col, _ := d.Locate(base)
	n := Node{Source: Source{File: r.file, Document: d.Index, Line: line, Column: col}}
	n.APIVersion, n.Kind = "v1", "Node"

	mp := base.Child("metadata")
	meta, metaOK := r.object(d, m, base, "metadata")
	var name string
	switch {
	case !metaOK: // reported
	case meta == nil:
		r.errorAt(d, base, "the node has no metadata.name")
	default:
		var ok bool
		name, ok = r.str(d, meta, mp, "name")
		if _, present := meta["name"]; ok && name == "" && present {
			r.valueErrorAt(d, mp.Child("name"), "the node's metadata.name is empty")
		} else if ok && name == "" {
			r.errorAt(d, mp, "the node has no metadata.name")
		}
	}
	n.Name = name
	if labels, ok := r.object(d, meta, mp, "labels"); ok && labels != nil {
		n.Labels = make(map[string]string, len(labels))
		for k, v := range labels {
			s, ok := v.(string)
			if !ok {
				r.valueErrorAt(d, mp.Child("labels", k), "label %q must have a string value, not %s; quote it", k, describe(v))
				continue
			}
			n.Labels[k] = s
		}
	}

	sp := base.Child("spec")
	spec, _ := r.object(d, m, base, "spec")
	if v, present := spec["unschedulable"]; present && v != nil {
		b, ok := v.(bool)
		if !ok {
			r.valueErrorAt(d, sp.Child("unschedulable"), "spec.unschedulable must be true or false, not %s", describe(v))
		}
		n.Spec.Unschedulable = b
	}
	taints, _ := r.list(d, spec, sp, "taints")
	for i, t := range taints {
		if taint, ok := r.taint(d, sp.Child("taints").Index(i), t, n.Spec.Taints); ok {
			n.Spec.Taints = append(n.Spec.Taints, taint)
		}
	}

	stp := base.Child("status")
	status, _ := r.object(d, m, base, "status")
	n.Status.Capacity = r.resources(d, status, stp, "capacity")
	n.Status.Allocatable = r.resources(d, status, stp, "allocatable")
	conds, _ := r.list(d, status, stp, "conditions")
	for i, c := range conds {
		if cond, ok := r.condition(d, stp.Child("conditions").Index(i), c); ok {
			n.Status.Conditions = append(n.Status.Conditions, cond)
		}
	}

	if len(r.errs) > errs {
		return
	}
	if first, dup := r.seen[name]; dup {
		r.valueErrorAt(d, mp.Child("name"), "node %q is listed twice (first at line %d)", name, first.Line)
		return
	}
	r.nodes = append(r.nodes, n)
	r.seen[name] = n.Source
}

var taintEffects = []corev1.TaintEffect{corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute}

func (r *nodeReader) taint(d *document.Document, p fieldpath.Path, v any, before []corev1.Taint) (corev1.Taint, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.valueErrorAt(d, p, "a taint must be a map with key, value and effect, not %s", describe(v))
		return corev1.Taint{}, false
	}
	errs := len(r.errs)
	key, _ := r.str(d, m, p, "key")
	value, _ := r.str(d, m, p, "value")
	effect, _ := r.str(d, m, p, "effect")
	if len(r.errs) > errs {
		return corev1.Taint{}, false
	}
	t := corev1.Taint{Key: key, Value: value, Effect: corev1.TaintEffect(effect)}
	switch {
	case key == "":
		r.errorAt(d, p, "the taint has no key")
		return t, false
	case effect == "":
		r.errorAt(d, p, "taint %q has no effect (NoSchedule, PreferNoSchedule or NoExecute)", key)
		return t, false
	case !validEffect(t.Effect):
		r.valueErrorAt(d, p.Child("effect"), "taint %q has effect %q; the effects are NoSchedule, PreferNoSchedule and NoExecute", key, effect)
		return t, false
	}
	if ta, ok := m["timeAdded"]; ok && ta != nil {
		s, ok := ta.(string)
		var tm metav1.Time
		if !ok || tm.UnmarshalQueryParameter(s) != nil {
			r.valueErrorAt(d, p.Child("timeAdded"), "taint %q: timeAdded %s is not a time such as 2024-05-01T12:00:00Z", key, describe(ta))
			return t, false
		}
		t.TimeAdded = &tm
	}
	for _, o := range before {
		// The API server keeps taints unique by key and effect.
		if o.Key == t.Key && o.Effect == t.Effect {
			r.errorAt(d, p, "taint %q with effect %s is listed twice; a node has one taint per key and effect", key, effect)
			return t, false
		}
	}
	return t, true
}

func validEffect(e corev1.TaintEffect) bool {
	for _, v := range taintEffects {
		if e == v {
			return true
		}
	}
	return false
}

// resources reads status.capacity or status.allocatable: resource names
// to quantities, written as strings ("8Gi", "500m") or plain numbers.
func (r *nodeReader) resources(d *document.Document, status map[string]any, stp fieldpath.Path, key string) corev1.ResourceList {
	m, ok := r.object(d, status, stp, key)
	if !ok || m == nil {
		return nil
	}
	out := make(corev1.ResourceList, len(m))
	for name, v := range m {
		p := stp.Child(key, name)
		var text string
		switch x := v.(type) {
		case string:
			text = x
		case int64:
			text = strconv.FormatInt(x, 10)
		case uint64:
			text = strconv.FormatUint(x, 10)
		case float64:
			text = strconv.FormatFloat(x, 'f', -1, 64)
		default:
			r.valueErrorAt(d, p, "%s %q must be a quantity such as 4, 500m or 8Gi, not %s", key, name, describe(v))
			continue
		}
		q, err := resource.ParseQuantity(text)
		if err != nil {
			r.valueErrorAt(d, p, "%s %q: %q is not a quantity (such as 4, 500m or 8Gi)", key, name, text)
			continue
		}
		if q.Sign() < 0 {
			r.valueErrorAt(d, p, "%s %q is negative (%s)", key, name, text)
			continue
		}
		out[corev1.ResourceName(name)] = q
	}
	return out
}

func (r *nodeReader) condition(d *document.Document, p fieldpath.Path, v any) (corev1.NodeCondition, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		r.valueErrorAt(d, p, "a node condition must be a map with type and status, not %s", describe(v))
		return corev1.NodeCondition{}, false
	}
	errs := len(r.errs)
	typ, _ := r.str(d, m, p, "type")
	status, _ := r.str(d, m, p, "status")
	reason, _ := r.str(d, m, p, "reason")
	message, _ := r.str(d, m, p, "message")
	if len(r.errs) > errs {
		return corev1.NodeCondition{}, false
	}
	if typ == "" {
		r.errorAt(d, p, "the node condition has no type")
		return corev1.NodeCondition{}, false
	}
	return corev1.NodeCondition{Type: corev1.NodeConditionType(typ), Status: corev1.ConditionStatus(status), Reason: reason, Message: message}, true
}

// describe names the type of a typed YAML value for a message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	case string:
		if len(x) > 40 {
			x = x[:40] + "..."
		}
		return "the string " + strconv.Quote(x)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case int64, uint64, float64:
		return fmt.Sprintf("the number %v", x)
	}
	return fmt.Sprintf("%T", v)
}
