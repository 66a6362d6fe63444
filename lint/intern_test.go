package lint

import (
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
)

func TestInternerSharesOnlyEqualPaths(t *testing.T) {
	in := newInterner()
	tests := []struct {
		name string
		a, b fieldpath.Path
		same bool
	}{
		{"equal", fieldpath.New("spec", "template").Index(0), fieldpath.New("spec", "template").Index(0), true},
		{"a key with a dot", fieldpath.New("a", "b"), fieldpath.New("a.b"), false},
		{"an index and a key", fieldpath.New("a").Index(1), fieldpath.New("a", "1"), false},
		{"a prefix", fieldpath.New("a", "b"), fieldpath.New("a", "bc"), false},
		{"key lengths", fieldpath.New("ab", "c"), fieldpath.New("a", "bc"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pa, pb := in.path(tt.a), in.path(tt.b)
			if !pa.Equal(tt.a) || !pb.Equal(tt.b) {
				t.Fatalf("interning changed a path: %v → %v, %v → %v", tt.a, pa, tt.b, pb)
			}
			if shared := &pa[0] == &pb[0]; shared != tt.same {
				t.Errorf("shared = %v, want %v", shared, tt.same)
			}
		})
	}
	if in.path(nil) != nil {
		t.Error("the root path is not nil")
	}
}
