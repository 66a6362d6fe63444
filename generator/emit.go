package generator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The emitter writes typed Kubernetes objects as YAML in the order people
// read and write manifests: apiVersion, kind, metadata, spec; inside a
// struct, the Go field order of k8s.io/api (name, image, command, args,
// ports, env, ... for a container), which is the order of the API
// reference. kubectl and sigs.k8s.io/yaml sort keys alphabetically instead,
// which puts a container's args before its name; and they emit zero-valued
// structs (`resources: {}`, `status: {}`, `creationTimestamp: null`).
// Map keys (labels, annotations, ConfigMap data) are sorted, so the output
// is byte-for-byte stable.

// fieldOrder adjusts the struct order where it reads badly: the pod
// template last in a DaemonSet spec (it is long, and the rollout settings
// belong next to the selector), volumes after the containers that mount
// them, imagePullPolicy next to image.
var fieldOrder = map[reflect.Type]struct {
	after [][2]string // {field, anchor}: field goes right after anchor
	last  []string
}{
	reflect.TypeFor[appsv1.DaemonSetSpec]():        {last: []string{"template"}},
	reflect.TypeFor[corev1.PodSpec]():              {last: []string{"volumes"}},
	reflect.TypeFor[corev1.Container]():            {after: [][2]string{{"imagePullPolicy", "image"}}},
	reflect.TypeFor[corev1.VolumeMount]():          {after: [][2]string{{"mountPath", "name"}}},
	reflect.TypeFor[corev1.ResourceRequirements](): {last: []string{"limits", "claims"}},
	reflect.TypeFor[corev1.EnvFromSource]():        {last: []string{"prefix"}},
	reflect.TypeFor[rbacv1.PolicyRule]():           {last: []string{"verbs"}},
	reflect.TypeFor[rbacv1.RoleBinding]():          {last: []string{"subjects"}},
	reflect.TypeFor[rbacv1.ClusterRoleBinding]():   {last: []string{"subjects"}},
}

var (
	quantityType = reflect.TypeFor[resource.Quantity]()
	intstrType   = reflect.TypeFor[intstr.IntOrString]()
	timeType     = reflect.TypeFor[metav1.Time]()
	typeMetaType = reflect.TypeFor[metav1.TypeMeta]()
	marshalerTyp = reflect.TypeFor[json.Marshaler]()
)

type jsonField struct {
	index     int
	name      string
	omitEmpty bool
	inline    bool
}

var fieldCache sync.Map // reflect.Type → []jsonField

// fieldsOf returns a struct's JSON fields in emission order.
func fieldsOf(t reflect.Type) []jsonField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]jsonField)
	}
	var fields []jsonField
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		f := jsonField{index: i, name: name}
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty", "omitzero":
				f.omitEmpty = true
			case "inline":
				f.inline = true
			}
		}
		if sf.Anonymous && name == "" {
			f.inline = true
		}
		if f.name == "" {
			f.name = sf.Name
		}
		fields = append(fields, f)
	}
	if t == typeMetaType {
		// apiVersion before kind, as every manifest starts.
		slices.Reverse(fields)
	}
	if o, ok := fieldOrder[t]; ok {
		for _, a := range o.after {
			name, anchor := a[0], a[1]
			i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == name })
			if i < 0 {
				continue
			}
			f := fields[i]
			fields = slices.Delete(fields, i, i+1)
			j := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == anchor })
			fields = slices.Insert(fields, j+1, f)
		}
		for _, name := range o.last {
			i := slices.IndexFunc(fields, func(f jsonField) bool { return f.name == name })
			if i < 0 {
				continue
			}
			f := fields[i]
			fields = append(slices.Delete(fields, i, i+1), f)
		}
	}
	fieldCache.Store(t, fields)
	return fields
}

// toNode converts a typed value to a YAML node; nil means "omit".
func toNode(v reflect.Value) (*yaml.Node, error) {
	switch v.Kind() {
	case reflect.Invalid:
		return nil, nil
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		n, err := toNode(v.Elem())
		if n == nil && err == nil {
			// A set pointer to an empty struct means something
			// (emptyDir: {}), so it is kept.
			n = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
		}
		return n, err
	}
	t := v.Type()
	switch t {
	case quantityType:
		q := v.Interface().(resource.Quantity)
		return strNode(q.String()), nil
	case intstrType:
		is := v.Interface().(intstr.IntOrString)
		if is.Type == intstr.Int {
			return intNode(int64(is.IntVal)), nil
		}
		return strNode(is.StrVal), nil
	case timeType:
		tm := v.Interface().(metav1.Time)
		if tm.IsZero() {
			return nil, nil
		}
		return strNode(tm.UTC().Format("2006-01-02T15:04:05Z")), nil
	}
	if t.Kind() != reflect.Struct && t.Implements(marshalerTyp) {
		return viaJSON(v)
	}
	switch t.Kind() {
	case reflect.Struct:
		return structNode(v)
	case reflect.Map:
		if v.IsNil() {
			return nil, nil
		}
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		for _, k := range keys {
			val, err := toNode(v.MapIndex(k))
			if err != nil {
				return nil, err
			}
			if val == nil {
				val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
			}
			m.Content = append(m.Content, strNode(k.String()), val)
		}
		if len(m.Content) == 0 {
			m.Style = yaml.FlowStyle
		}
		return m, nil
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if t.Elem().Kind() == reflect.Uint8 {
			return strNode(base64.StdEncoding.EncodeToString(v.Bytes())), nil
		}
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for i := 0; i < v.Len(); i++ {
			item, err := toNode(v.Index(i))
			if err != nil {
				return nil, err
			}
			if item == nil {
				item = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
			}
			s.Content = append(s.Content, item)
		}
		if len(s.Content) == 0 || shortScalars(s.Content) {
			s.Style = yaml.FlowStyle
		}
		return s, nil
	case reflect.String:
		return strNode(v.String()), nil
	case reflect.Bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(v.Bool())}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return intNode(v.Int()), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatUint(v.Uint(), 10)}, nil
	case reflect.Float32, reflect.Float64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(v.Float(), 'g', -1, 64)}, nil
	}
	return nil, fmt.Errorf("cannot write a value of type %s as YAML", t)
}

func structNode(v reflect.Value) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if f.inline {
			n, err := toNode(fv)
			if err != nil {
				return nil, err
			}
			if n != nil && n.Kind == yaml.MappingNode {
				m.Content = append(m.Content, n.Content...)
			}
			continue
		}
		// A zero struct is never written (status: {}, resources: {}), and
		// neither is a nil slice, map or pointer: the API server reads a
		// missing field and a null one alike. Zero scalars follow their
		// omitempty tag, as encoding/json does.
		if fv.Kind() == reflect.Struct && fv.IsZero() {
			continue
		}
		if f.omitEmpty && isEmptyValue(fv) {
			continue
		}
		n, err := toNode(fv)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if n == nil {
			continue
		}
		m.Content = append(m.Content, strNode(f.name), n)
	}
	if len(m.Content) == 0 {
		m.Style = yaml.FlowStyle
	}
	return m, nil
}

// shortScalars reports a list that reads best on one line: a few short
// scalars (verbs: [get, list, watch], drop: [ALL]).
func shortScalars(items []*yaml.Node) bool {
	width := 0
	for _, n := range items {
		if n.Kind != yaml.ScalarNode || n.Style == yaml.LiteralStyle {
			return false
		}
		width += len(n.Value) + 2
	}
	return width <= 60
}

// isEmptyValue is encoding/json's omitempty test.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// viaJSON handles the rare leaf types with their own JSON form.
func viaJSON(v reflect.Value) (*yaml.Node, error) {
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return nil, err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return nil, err
	}
	if len(n.Content) == 0 {
		return nil, nil
	}
	return n.Content[0], nil
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	switch {
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case yaml11Special(s):
		// yaml.v3 quotes what YAML 1.2 would read as another type, but
		// kubectl reads YAML 1.1, where yes, off and 1:20 are not strings.
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

var base60 = regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)

// yaml11Special reports plain scalars that YAML 1.1 resolves to something
// other than a string while YAML 1.2 does not.
func yaml11Special(s string) bool {
	switch s {
	case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
		"n", "N", "no", "No", "NO", "off", "Off", "OFF":
		return true
	}
	return strings.IndexByte(s, ':') > 0 && base60.MatchString(s)
}

func intNode(i int64) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(i, 10)}
}

// marshalObjects writes objects as a YAML stream, each preceded by "---"
// except the first, and returns their node trees.
func marshalObjects(buf *bytes.Buffer, objs []any) ([]*yaml.Node, error) {
	enc := yaml.NewEncoder(buf)
	enc.SetIndent(2)
	nodes := make([]*yaml.Node, 0, len(objs))
	for _, o := range objs {
		n, err := toNode(reflect.ValueOf(o))
		if err != nil {
			return nil, err
		}
		if err := enc.Encode(n); err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
	}
	return nodes, enc.Close()
}
