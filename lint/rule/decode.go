package rule

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
)

// decode fills the Kubernetes API type dst points to from a typed value
// tree (map[string]any, []any, string, int64, uint64, float64, bool,
// nil), exactly as runtime.DefaultUnstructuredConverter.FromUnstructured
// does (k8s.io/apimachinery/pkg/runtime/converter.go, Go < 1.27 field
// rules): the same fields, the same conversions, an error in the same
// cases. It exists for speed: that converter rebuilds a copy of its
// whole field cache for every struct field it meets the first time,
// which costs a one-file lint several milliseconds, and walks the source
// through reflection. A differential test holds the two equal.
func decode(src map[string]any, dst any) error {
	dv := reflect.ValueOf(dst)
	if dv.Kind() != reflect.Pointer || dv.IsNil() {
		return fmt.Errorf("decode requires a non-nil pointer, got %T", dst)
	}
	return decodeValue(src, dv.Elem())
}

// decodeValue decodes sv into dv, which holds its type's zero value (a
// new object is decoded from nothing), so missing fields are left alone.
func decodeValue(sv any, dv reflect.Value) error {
	if sv == nil {
		return nil
	}
	dt := dv.Type()
	switch dt.Kind() {
	case reflect.Map, reflect.Slice, reflect.Pointer, reflect.Struct, reflect.Interface:
	default:
		if ok, err := decodeScalar(sv, dv); ok {
			return err
		}
	}
	p := planOf(dt)
	if p.unmarshaler {
		// Quantities, int-or-strings and times parse themselves from JSON.
		data, err := json.Marshal(sv)
		if err != nil {
			return fmt.Errorf("error encoding %s to json: %v", dt, err)
		}
		return dv.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(data)
	}
	switch dt.Kind() {
	case reflect.Map:
		m, ok := sv.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot restore map from %T", sv)
		}
		if dt.Key().Kind() != reflect.String {
			return fmt.Errorf("cannot copy map with non-assignable keys: string %v", dt.Key())
		}
		out := reflect.MakeMapWithSize(dt, len(m))
		for k, v := range m {
			ev := reflect.New(dt.Elem()).Elem()
			if err := decodeValue(v, ev); err != nil {
				return err
			}
			out.SetMapIndex(reflect.ValueOf(k).Convert(dt.Key()), ev)
		}
		dv.Set(out)
	case reflect.Slice:
		switch s := sv.(type) {
		case []any:
			out := reflect.MakeSlice(dt, len(s), len(s))
			for i, v := range s {
				if err := decodeValue(v, out.Index(i)); err != nil {
					return err
				}
			}
			dv.Set(out)
		case string:
			if dt.Elem().Kind() != reflect.Uint8 {
				return fmt.Errorf("cannot restore slice from string")
			}
			// Bytes are written as base64, as JSON carries them.
			var data []byte
			if s != "" {
				quoted, _ := json.Marshal(s)
				if err := json.Unmarshal(quoted, &data); err != nil {
					return fmt.Errorf("error decoding from json: %v", err)
				}
			} else {
				data = []byte{}
			}
			dv.SetBytes(data)
		default:
			return fmt.Errorf("cannot restore slice from %T", sv)
		}
	case reflect.Pointer:
		pv := reflect.New(dt.Elem())
		dv.Set(pv)
		return decodeValue(sv, pv.Elem())
	case reflect.Struct:
		m, ok := sv.(map[string]any)
		if !ok {
			return fmt.Errorf("cannot restore struct from %T", sv)
		}
		return decodeStruct(m, dv, p)
	case reflect.Interface:
		dv.Set(reflect.ValueOf(sv))
	default:
		return fmt.Errorf("unrecognized type: %v", dt.Kind())
	}
	return nil
}

func decodeStruct(m map[string]any, dv reflect.Value, p *plan) error {
	for _, f := range p.fields {
		fv := dv.Field(f.index)
		if f.inline {
			if err := decodeValue(m, fv); err != nil {
				return err
			}
			continue
		}
		if v, ok := m[f.name]; ok && v != nil {
			if err := decodeValue(v, fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// decodeScalar handles the kinds that are not containers, as JSON does:
// no conversion between bools, numbers and strings; integers fit any
// integer or float field, floats only float fields unless integral. ok is
// false for values it leaves to the general case.
func decodeScalar(sv any, dv reflect.Value) (ok bool, err error) {
	switch v := sv.(type) {
	case string:
		if dv.Kind() == reflect.String {
			dv.SetString(v)
			return true, nil
		}
	case bool:
		if dv.Kind() == reflect.Bool {
			dv.SetBool(v)
			return true, nil
		}
	case int64, uint64:
		switch dv.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64:
			dv.Set(reflect.ValueOf(v).Convert(dv.Type()))
			return true, nil
		case reflect.String:
			return true, fmt.Errorf("cannot convert %T to %s", v, dv.Type())
		}
	case float64:
		switch dv.Kind() {
		case reflect.Float32, reflect.Float64:
			dv.SetFloat(v)
			return true, nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if v == math.Trunc(v) {
				dv.Set(reflect.ValueOf(v).Convert(dv.Type()))
				return true, nil
			}
			return true, fmt.Errorf("cannot convert float64 to %s", dv.Type())
		}
	}
	if planOf(dv.Type()).unmarshaler {
		return false, nil
	}
	return true, fmt.Errorf("unrecognized type: %v", dv.Kind())
}

// plan is what decoding needs to know of a type, computed once.
type plan struct {
	unmarshaler bool // *T implements json.Unmarshaler
	fields      []fieldPlan
}

type fieldPlan struct {
	index  int
	name   string
	inline bool
}

var (
	plans           sync.Map // reflect.Type → *plan
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{unmarshaler: reflect.PointerTo(t).Implements(unmarshalerType)}
	if t.Kind() == reflect.Struct {
		for i := range t.NumField() {
			f := t.Field(i)
			// The converter's naming, which is not quite encoding/json's:
			// a field without a name is inlined if embedded and otherwise
			// named after the Go field, and "-" is a key like any other.
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "" && f.Anonymous:
				p.fields = append(p.fields, fieldPlan{index: i, inline: true})
			case name == "":
				p.fields = append(p.fields, fieldPlan{index: i, name: f.Name})
			default:
				p.fields = append(p.fields, fieldPlan{index: i, name: name})
			}
		}
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}
