package mutate

import (
	"reflect"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Kind classifies a field's Go type for the mutator.
type Kind int

const (
	KString Kind = iota + 1
	KInt
	KBool
	KFloat
	KStruct
	KList      // a slice of anything but bytes
	KMap       // map[string]string
	KResources // map[ResourceName]Quantity
	KQuantity
	KIntOrString
	KTime
	KOpaque // FieldsV1, RawExtension, []byte: not mutated inside
)

// Step is one step of a field's path: a JSON key, or "[]" for the
// element of a list.
type Step struct {
	Key  string
	Elem bool
}

// Field is one place in a DaemonSet where a value can be written, as the
// Go types of k8s.io/api describe it. Path is written like a Kubernetes
// field path with "[]" for "any element": spec.template.spec.containers[].ports[].containerPort.
type Field struct {
	Path  string
	Steps []Step
	// Owner is the struct that declares the field ("" for a list
	// element); Name its JSON name.
	Owner reflect.Type
	Name  string
	// Type is the declared type (pointers removed); for a list element,
	// the element type.
	Type reflect.Type
	Kind Kind
	// types[i] is the type of the value after Steps[i] (pointers removed);
	// the last is Type.
	types []reflect.Type
	// ElemOf is the list field whose elements this field is (nil for
	// other fields).
	ElemOf *Field
	// Excluded says why the mutator leaves the field alone ("" when it
	// does not).
	Excluded string
}

// ID names the field by its declaring type: Container.ports. List
// elements are named by their list: Container.args[].
func (f *Field) ID() string {
	if f.ElemOf != nil {
		return f.ElemOf.ID() + "[]"
	}
	if f.Owner == nil {
		return f.Type.Name()
	}
	return f.Owner.Name() + "." + f.Name
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	microTimeType   = reflect.TypeFor[metav1.MicroTime]()
	fieldsV1Type    = reflect.TypeFor[metav1.FieldsV1]()
	rawType         = reflect.TypeFor[runtime.RawExtension]()
	daemonSetType   = reflect.TypeFor[appsv1.DaemonSet]()
)

func kindOf(t reflect.Type) Kind {
	switch t {
	case quantityType:
		return KQuantity
	case intOrStringType:
		return KIntOrString
	case timeType, microTimeType:
		return KTime
	case fieldsV1Type, rawType:
		return KOpaque
	}
	switch t.Kind() {
	case reflect.String:
		return KString
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return KInt
	case reflect.Float32, reflect.Float64:
		return KFloat
	case reflect.Bool:
		return KBool
	case reflect.Struct:
		return KStruct
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return KOpaque
		}
		return KList
	case reflect.Map:
		if t.Elem() == quantityType {
			return KResources
		}
		if t.Key().Kind() == reflect.String && t.Elem().Kind() == reflect.String {
			return KMap
		}
		return KOpaque
	}
	return KOpaque
}

// exclusions are subtrees the mutator does not walk into, and why. Their
// root is still a Field (it is counted, and reported as excluded).
var exclusions = map[string]string{
	"status":                                 "cleared on create (PrepareForCreate); only decoding looks at it, and the scenarios cover that",
	"metadata.managedFields":                 "owned by the API server's field manager, which this oracle does not model",
	"spec.template.metadata.managedFields":   "owned by the API server's field manager; meaningless in a template",
	"spec.template.spec.ephemeralContainers": "any ephemeral container in a pod template is rejected; the scenarios cover that once",

	"apiVersion": "the scenarios cover other API versions (the endpoint decides what is accepted)",
	"kind":       "the scenarios cover other kinds",
}

// Fields lists every place in an apps/v1 DaemonSet, depth first in
// declaration order. Fields under an excluded subtree are listed with
// Excluded set.
func Fields() []*Field {
	var out []*Field
	var walk func(t reflect.Type, path string, steps []Step, types []reflect.Type, excluded string, stack []reflect.Type)
	addField := func(owner, t reflect.Type, name, path string, steps []Step, types []reflect.Type, excluded string) *Field {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if why, ok := exclusions[path]; ok && excluded == "" {
			excluded = why
		}
		f := &Field{Path: path, Steps: slices.Clone(steps), Owner: owner, Name: name, Type: t, Kind: kindOf(t), Excluded: excluded,
			types: append(slices.Clone(types), t)}
		out = append(out, f)
		return f
	}
	walk = func(t reflect.Type, path string, steps []Step, types []reflect.Type, excluded string, stack []reflect.Type) {
		if slices.Contains(stack, t) || len(stack) > 25 {
			return // no recursive types in a DaemonSet, but never loop
		}
		stack = append(stack, t)
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			ft := sf.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if name == "" { // inline: TypeMeta, VolumeSource, ProbeHandler, ...
				walk(ft, path, steps, types, excluded, stack)
				continue
			}
			p := name
			if path != "" {
				p = path + "." + name
			}
			st := append(slices.Clone(steps), Step{Key: name})
			f := addField(t, ft, name, p, st, types, excluded)
			switch f.Kind {
			case KStruct:
				walk(ft, p, st, f.types, f.Excluded, stack)
			case KList:
				et := ft.Elem()
				for et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				ep := p + "[]"
				est := append(slices.Clone(st), Step{Elem: true})
				ef := addField(nil, et, "", ep, est, f.types, f.Excluded)
				ef.ElemOf = f
				if ef.Kind == KStruct {
					walk(et, ep, est, ef.types, ef.Excluded, stack)
				}
			}
		}
	}
	walk(daemonSetType, "", nil, nil, "", nil)
	return out
}
