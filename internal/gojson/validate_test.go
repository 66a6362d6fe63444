package gojson

import (
	"fmt"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/finding"
)

func TestValidate(t *testing.T) {
	s, err := Compile([]byte(`{
		"type": "object", "additionalProperties": false, "required": ["image"],
		"properties": {
			"image": {"type": "string", "minLength": 1},
			"level": {"type": "string", "enum": ["error", "warning", "info"]},
			"ports": {"type": "array", "items": {"type": "integer", "minimum": 1}},
			"limits": {"type": "object", "additionalProperties": false, "properties": {"cpu": {"type": "string"}, "memory": {"type": "string"}}}
		}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, src string
		want      []string // "line:col text"
	}{
		{"valid", "image: a\n", nil},
		{"misspelt required field is one finding", "imag: a\n", []string{`1:1 unknown field "imag" (did you mean "image"?)`}},
		{"missing", "level: info\n", []string{`1:1 missing required field "image"`}},
		{"unknown field lists the known ones", "image: a\nlimits: {disk: 1}\n",
			[]string{`2:10 limits: unknown field "disk" (known fields: cpu, memory)`}},
		{"type with the value as written", "image: a\nports: [1.50]\n", []string{`2:9 ports[0]: must be an integer, not a number (1.50)`}},
		{"enum with an abbreviation", "image: a\nlevel: warn\n",
			[]string{`2:8 level: "warn" is not valid: use one of error, warning, info (did you mean "warning"?)`}},
		{"empty", "image: ''\n", []string{`1:8 image: must not be empty`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := document.Parse("x.yaml", []byte(tc.src), document.Limits{})
			errs, err := s.Validate(st.Docs[0], nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range errs {
				f := e.Finding(st.Docs[0], "schema", finding.Resource{})
				got = append(got, strings.TrimSpace(fmt.Sprintf("%d:%d", f.Line, f.Column)+" "+f.Message))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
}
