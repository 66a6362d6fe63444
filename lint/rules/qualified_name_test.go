package rules

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation"
)

func TestQualifiedNameMatchesValidation(t *testing.T) {
	for _, k := range []string{"app.kubernetes.io/name", "app", "example.com/a_b.c-d", "", "a/b/c", "-bad", "UPPER.example.com/x",
		"way-too-long-" + string(make([]byte, 70)), "app.kubernetes.io/", "/name"} {
		t.Run(k, func(t *testing.T) {
			want := validation.IsQualifiedName(k)
			for range 2 { // the second call may come from the cache
				if got := qualifiedName(k); !slices.Equal(got, want) {
					t.Fatalf("qualifiedName(%q) = %q, want %q", k, got, want)
				}
			}
		})
	}
}
