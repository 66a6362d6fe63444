package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/safetext"
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

// checkJSONString holds the hand-written string encoder to encoding/json:
// the same bytes for text without unsafe characters, the same decoded
// value always, and never an unsafe character raw.
func checkJSONString(t *testing.T, s string) {
	t.Helper()
	got, want := ourJSON(s), encodingJSON(t, s)
	if !strings.ContainsFunc(s, safetext.Unsafe) && got != want {
		t.Errorf("writeJSONString(%q) = %s, encoding/json writes %s", s, got, want)
	}
	var a, b string
	if err := json.Unmarshal([]byte(got), &a); err != nil {
		t.Fatalf("writeJSONString(%q) = %s: not JSON: %v", s, got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("writeJSONString(%q) decodes to %q, encoding/json's to %q", s, a, b)
	}
	if strings.ContainsFunc(got, safetext.Unsafe) {
		t.Errorf("writeJSONString(%q) = %q holds a control or format character raw", s, got)
	}
}

func TestWriteJSONString(t *testing.T) {
	tests := map[string]string{
		"plain":             "spec.template",
		"quotes":            `got string "http"`,
		"backslash":         `C:\path`,
		"controls":          "a\nb\rc\td\be\ff\x00g\x1bh\x7f",
		"C1 controls":       "a\u009b31mb\u0085c",
		"bidi":              "abc\u202edcba\u2066x\u2069",
		"tags":              "a\U000E0041b",
		"html kept":         "<none> && a > b",
		"unicode":           "説明 Zoë",
		"line separators":   "a\u2028b\u2029c",
		"invalid utf-8":     "a\xffb\xc3",
		"percent and pipes": "10% | a,b:c",
	}
	for name, s := range tests {
		t.Run(name, func(t *testing.T) { checkJSONString(t, s) })
	}
}

func FuzzWriteJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\u2028\xff", "説明\n", "\u202e\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}
