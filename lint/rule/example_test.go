package rule

import (
	"strings"
	"testing"
)

func TestExample(t *testing.T) {
	tests := []struct {
		name string
		in   ExampleIn
		text string
		want []string // substrings of the expansion, in order
		not  []string // and what it must not hold
	}{
		{"merged at the top", InObject, "metadata:\n  labels: {tier: node}\n",
			[]string{"name: node-agent", "namespace: monitoring", "labels: {tier: node}", "selector:", "image: registry.example.com/agent:1.4.2"}, []string{"volumes:"}},
		{"a container", InContainer, "image: agent:latest\nports: [{containerPort: 9100}]\n",
			[]string{"- name: agent", "image: agent:latest", "ports: [{containerPort: 9100}]"}, []string{"1.4.2"}},
		{"a list replaces", InPodSpec, "containers:\n  - {name: one}\n", []string{"containers:\n        - {name: one}"}, []string{"image:"}},
		{"null removes", InSpec, "selector: null\n", []string{"template:"}, []string{"selector"}},
		{"a volume", InVolume, "hostPath: {path: /var/log}\n", []string{"volumes:", "- name: data", "hostPath: {path: /var/log}"}, nil},
		{"a complete object", InObject, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n", []string{"kind: ConfigMap"}, []string{"DaemonSet"}},
		{"objects after ---", InPodSpec, "serviceAccountName: sa\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n",
			[]string{"kind: DaemonSet", "serviceAccountName: sa", "---\n", "kind: ServiceAccount"}, nil},
		{"a file", InFile, "a: [unclosed\n", []string{"a: [unclosed\n"}, []string{"DaemonSet"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Example(tt.in, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			rest := string(got)
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("lacks %q (in order):\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(string(got), n) {
					t.Errorf("holds %q:\n%s", n, got)
				}
			}
		})
	}
	for _, bad := range []struct {
		in   ExampleIn
		text string
	}{
		{InContainer, "- a list\n"},
		{InContainer, "a: [unclosed\n"},
		{InPodSpec, "hostNetwork: true\n---\nnot: an object\n"},
		{ExampleIn(99), "a: 1\n"},
	} {
		if _, err := Example(bad.in, bad.text); err == nil {
			t.Errorf("%d %q: no error", bad.in, bad.text)
		}
	}
}
