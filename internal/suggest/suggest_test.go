package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"hostNetwork", "hostNetwork", 0},
		{"hostNetwrok", "hostNetwork", 1}, // transposition
		{"imagee", "image", 1}, {"kitten", "sitting", 3}, {"héllo", "hello", 1},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	names := []string{"hostNetwork", "hostPID", "hostIPC", "image"}
	for _, tc := range []struct{ word, want string }{
		{"hostNetwrok", "hostNetwork"},
		{"HOSTPID", "hostPID"},
		{"imagee", "image"},
		{"replicas", ""},
		{"x", ""},
	} {
		if got := Closest(tc.word, names); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
