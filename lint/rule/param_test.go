package rule

import (
	"reflect"
	"strings"
	"testing"
)

// fixedSettings configures parameters by rule ID and name.
type fixedSettings map[string]any

func (s fixedSettings) Param(r *Rule, name string) (any, bool) {
	v, ok := s[r.ID+"."+name]
	return v, ok
}
func (fixedSettings) PodSecurity() PodSecurityLevel { return PodSecurityNone }
func (fixedSettings) CheckReferences() bool         { return false }

func TestParamParse(t *testing.T) {
	str := &Param[string]{Name: "s", Default: "x"}
	num := &Param[int]{Name: "n", Default: 1}
	flag := &Param[bool]{Name: "b"}
	list := &Param[[]string]{Name: "l"}
	tests := []struct {
		p    Parameter
		in   any
		want any
		err  string
	}{
		{str, "a", "a", ""},
		{str, int64(3), nil, "want a string, got the number 3"},
		{num, int64(3), 3, ""},
		{num, uint64(3), 3, ""},
		{num, float64(3), 3, ""},
		{num, 3, 3, ""},
		{num, 1.5, nil, "want an integer, got the number 1.5"},
		{num, "3", nil, `want an integer, got the string "3"`},
		{num, float64(1 << 60), nil, "want an integer"},
		{flag, true, true, ""},
		{flag, "yes", nil, `want true or false, got the string "yes"`},
		{list, []any{"a", "b"}, []string{"a", "b"}, ""},
		{list, []any{}, []string{}, ""},
		{list, []string{"a"}, []string{"a"}, ""},
		{list, []any{"a", int64(1)}, nil, "want a list of strings, got the number 1 as item 1"},
		{list, "a", nil, `want a list of strings, got the string "a"`},
		{list, map[string]any{}, nil, "got a map"},
		{list, nil, nil, "got null"},
	}
	for _, tt := range tests {
		got, err := tt.p.Parse(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s.Parse(%#v) = %v, %v; want error %q", tt.p.Info().Name, tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s.Parse(%#v) = %#v, %v; want %#v", tt.p.Info().Name, tt.in, got, err, tt.want)
		}
	}
}

func TestParamGet(t *testing.T) {
	n := &Param[int]{Name: "n", Doc: "a number", Default: 7}
	r := &Rule{ID: "r", Params: []Parameter{n}}
	other := &Rule{ID: "other"}
	if got := n.Get(NewPass(r, &Object{}, nil, nil, nil)); got != 7 {
		t.Errorf("without settings: %d, want the default 7", got)
	}
	s := fixedSettings{"r.n": 3}
	if got := n.Get(NewPass(r, &Object{}, nil, s, nil)); got != 3 {
		t.Errorf("configured: %d, want 3", got)
	}
	// Settings are per rule: another rule's pass sees the default.
	if got := n.Get(NewPass(other, &Object{}, nil, s, nil)); got != 7 {
		t.Errorf("another rule: %d, want 7", got)
	}
	if info := n.Info(); info.Name != "n" || info.Doc != "a number" || info.Default != 7 || info.Type != "integer" {
		t.Errorf("Info = %+v", info)
	}
	for p, want := range map[Parameter]string{&Param[string]{}: "string", &Param[bool]{}: "boolean", &Param[[]string]{}: "list of strings"} {
		if got := p.Info().Type; got != want {
			t.Errorf("type %q, want %q", got, want)
		}
	}
}
