package generator

import (
	"bytes"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestEmitQuoting: strings that YAML 1.1 (kubectl, sigs.k8s.io/yaml) would
// read as something else come out quoted, and read back as the same
// strings.
func TestEmitQuoting(t *testing.T) {
	values := []string{"yes", "no", "on", "off", "y", "N", "true", "null", "~", "", "1", "010", "0x1f", "1e3", "1_000",
		"1:20", ".inf", "2024-01-01", "a: b", "# x", "- x", "[x]", "{x}", "@x", "`x", "line\nbreak", " lead", "trail ", "tab\there"}
	cm := &corev1.ConfigMap{Data: map[string]string{}}
	for i, v := range values {
		cm.Data[fmt.Sprintf("k%02d", i)] = v
	}
	var buf bytes.Buffer
	if _, err := marshalObjects(&buf, []any{cm}); err != nil {
		t.Fatal(err)
	}
	var back corev1.ConfigMap
	if err := yaml.UnmarshalStrict(buf.Bytes(), &back); err != nil {
		t.Fatalf("%v\n%s", err, buf.Bytes())
	}
	for k, v := range cm.Data {
		if back.Data[k] != v {
			t.Errorf("%s: wrote %q, read back %q\n%s", k, v, back.Data[k], buf.Bytes())
		}
	}
}
