package krm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/krm"
	"github.com/everynode/everynode/internal/testkit/fuzztest"
)

// FuzzResourceList feeds arbitrary bytes to the function as standard
// input. Whatever comes in: no panic and no internal error; an error
// about the input names <stdin> (with a position where there is one) or
// says kyaml could not process it; and whatever comes out on standard output is one well-formed
// ResourceList that a KRM client can read back, holding every item it was
// given when the function validates. Seeds: testdata/fuzz/FuzzResourceList
// (ResourceLists as kustomize and kpt send them).
func FuzzResourceList(f *testing.F) {
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		var stdout, stderr bytes.Buffer
		err := krm.Run(bytes.NewReader(data), &stdout, &stderr)
		if err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("%v\ninput: %q", err, data)
		}
		if err != nil && !krm.IsFindings(err) && stdout.Len() == 0 && !strings.HasPrefix(err.Error(), "<stdin>") && !strings.HasPrefix(err.Error(), "processing the ResourceList: ") {
			t.Errorf("an input error that does not name standard input: %v", err)
		}
		if stdout.Len() == 0 {
			return
		}
		out := document.Parse("stdout", stdout.Bytes(), document.Limits{})
		if len(out.Problems) > 0 || len(out.Docs) != 1 {
			t.Fatalf("standard output is not one YAML document: %+v\n%s", out.Problems, stdout.Bytes())
		}
		rl, _ := out.Docs[0].Value.(map[string]any)
		if rl["kind"] != "ResourceList" {
			t.Fatalf("standard output is not a ResourceList:\n%s", stdout.Bytes())
		}
		in := document.Parse("stdin", data, document.Limits{})
		if len(in.Docs) == 0 {
			return
		}
		inRL, _ := in.Docs[0].Value.(map[string]any)
		if _, generates := inRL["functionConfig"].(map[string]any); generates {
			return // a generator adds items
		}
		inItems, _ := inRL["items"].([]any)
		outItems, _ := rl["items"].([]any)
		if len(inItems) != len(outItems) {
			t.Fatalf("the validator returned %d items for %d", len(outItems), len(inItems))
		}
	})
}
