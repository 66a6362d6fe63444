package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

func encodingJSON(t testing.TB, s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
}

func ourJSON(s string) string {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	writeJSONString(w, s)
	_ = w.Flush()
	return buf.String()
}

// TestWriteJSONString holds the hand-written string encoder to exactly
// what encoding/json writes.
func TestWriteJSONString(t *testing.T) {
	tests := map[string]string{
		"plain":             "spec.template",
		"quotes":            `got string "http"`,
		"backslash":         `C:\path`,
		"controls":          "a\nb\rc\td\be\ff\x00g\x1bh\x7f",
		"html kept":         "<none> && a > b",
		"unicode":           "説明 Zoë",
		"line separators":   "a\u2028b\u2029c",
		"invalid utf-8":     "a\xffb\xc3",
		"percent and pipes": "10% | a,b:c",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) {
			if got, want := ourJSON(s), encodingJSON(t, s); got != want {
				t.Errorf("writeJSONString(%q) = %s, encoding/json writes %s", s, got, want)
			}
		})
	}
}

func FuzzWriteJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\u2028\xff", "説明\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ourJSON(s), encodingJSON(t, s); got != want {
			t.Errorf("writeJSONString(%q) = %s, encoding/json writes %s", s, got, want)
		}
	})
}
