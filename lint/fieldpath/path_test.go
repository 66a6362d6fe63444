package fieldpath

import "testing"

func TestStringAndParse(t *testing.T) {
	for _, tc := range []struct {
		path Path
		want string
	}{
		{nil, ""},
		{New("spec", "template", "spec").Child("containers").Index(0).Child("image"), "spec.template.spec.containers[0].image"},
		{New("metadata", "labels", "app.kubernetes.io/name"), "metadata.labels[app.kubernetes.io/name]"},
		{New("metadata", "annotations", "ignore.everynode.dev/host-network"), "metadata.annotations[ignore.everynode.dev/host-network]"},
		{New("items").Index(3).Child("kind"), "items[3].kind"},
		{New("data", "nginx.conf"), "data[nginx.conf]"},
		{New("a", "123"), "a.123"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.path.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			if back := Parse(tc.want); !back.Equal(tc.path) {
				t.Fatalf("Parse(%q) = %#v, want %#v", tc.want, back, tc.path)
			}
		})
	}
}

func TestChildDoesNotAlias(t *testing.T) {
	base := New("spec", "template")
	a := base.Child("a")
	b := base.Child("b")
	if a.String() != "spec.template.a" || b.String() != "spec.template.b" {
		t.Fatalf("children share storage: %s %s", a, b)
	}
	if !a.HasPrefix(base) || base.HasPrefix(a) {
		t.Fatal("HasPrefix wrong")
	}
	if p := a.Parent(); !p.Equal(base) {
		t.Fatalf("Parent = %s", p)
	}
}
