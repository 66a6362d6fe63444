package lint_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
	"github.com/everynode/everynode/lint/rule"
)

// bindingRules read the set's ClusterRoleBindings in full, both ways a
// rule can: Objects (every object in memory) and Each under Memo (an
// index), and report what they read at the DaemonSet's service account.
func bindingRules() []*rule.Rule {
	doc := rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"}
	describe := func(o *rule.Object) string {
		subjects, _ := o.Map["subjects"].([]any)
		sa := ""
		if len(subjects) > 0 {
			sa, _ = subjects[0].(map[string]any)["name"].(string)
		}
		return o.Resource.Name + "→" + sa
	}
	at := fieldpath.New("spec", "template", "spec", "serviceAccountName")
	type indexKey struct{}
	return []*rule.Rule{
		{ID: "bindings-objects", Category: rule.Security, Severity: finding.Info, Summary: "s", Doc: doc,
			Kinds: []string{"DaemonSet"}, Deferred: true, SetKinds: []string{"ClusterRoleBinding"},
			Check: func(p *rule.Pass) {
				p.ReportLater(at, func(set *rule.Set) (string, bool) {
					var names []string
					for _, o := range set.Objects("ClusterRoleBinding") {
						names = append(names, describe(o))
					}
					slices.Sort(names)
					return "objects: " + strings.Join(names, " "), true
				})
			}},
		{ID: "bindings-each", Category: rule.Security, Severity: finding.Info, Summary: "s", Doc: doc,
			Kinds: []string{"DaemonSet"}, Deferred: true, SetKinds: []string{"ClusterRoleBinding"},
			Check: func(p *rule.Pass) {
				p.ReportLater(at, func(set *rule.Set) (string, bool) {
					names := set.Memo(indexKey{}, func() any {
						var names []string
						set.Each("ClusterRoleBinding", func(o *rule.Object) { names = append(names, describe(o)) })
						slices.Sort(names)
						return names
					}).([]string)
					return "each: " + strings.Join(names, " "), true
				})
			}},
	}
}

func crb(name, sa string) string {
	return fmt.Sprintf("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: %s}\n"+
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\n"+
		"subjects:\n- {kind: ServiceAccount, name: %s, namespace: ns}\n", name, sa)
}

// TestDeferredSetOnDisk checks that objects of the set kept on disk are
// found again, whatever the layout of their file, and that what
// cross-object rules report later is positioned and suppressed like any
// finding.
func TestDeferredSetOnDisk(t *testing.T) {
	ds := fmt.Sprintf(daemonSet, "a")
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name:  "files of their own",
			files: map[string]string{"a.yaml": ds, "b.yaml": crb("b", "agent"), "c.yaml": crb("c", "other")},
			want:  []string{"objects: b→agent c→other", "each: b→agent c→other"},
		},
		{
			name: "later documents, comments and markers",
			files: map[string]string{"a.yaml": ds, "b.yaml": "# RBAC\n---\n" + crb("b1", "x") + "---\n# between\n\n---\n" +
				crb("b2", "z2") + "...\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n"},
			want: []string{"objects: b1→x b2→z2", "each: b1→x b2→z2"},
		},
		{
			name: "items of a List",
			files: map[string]string{"a.yaml": ds, "list.yaml": "apiVersion: v1\nkind: List\nitems:\n" +
				indent(crb("i0", "x")) + indent(crb("i1", "z1"))},
			want: []string{"objects: i0→x i1→z1", "each: i0→x i1→z1"},
		},
		{
			name: "content on the document marker line",
			files: map[string]string{"a.yaml": ds, "b.yaml": "--- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, " +
				"metadata: {name: flow}, subjects: [{kind: ServiceAccount, name: z}]}\n--- !!map\n" + crb("tagged", "t")},
			want: []string{"objects: flow→z tagged→t", "each: flow→z tagged→t"},
		},
		{
			name:  "CRLF line breaks",
			files: map[string]string{"a.yaml": ds, "b.yaml": strings.ReplaceAll("kind: Namespace\napiVersion: v1\nmetadata: {name: ns}\n---\n"+crb("crlf", "w"), "\n", "\r\n")},
			want:  []string{"objects: crlf→w", "each: crlf→w"},
		},
		{
			name:  "the DaemonSet and a binding in one file",
			files: map[string]string{"a.yaml": crb("first", "agent") + "---\n" + ds},
			want:  []string{"objects: first→agent", "each: first→agent"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			res, err := newLinter(t, lint.Options{WorkDir: dir, Workers: 4, Rules: bindingRules()}).Lint(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				want := fmt.Sprintf("a.yaml:%d:7", strings.Count(tt.files["a.yaml"][:strings.Index(tt.files["a.yaml"], "serviceAccountName")], "\n")+1)
				if at := fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column); at != want {
					t.Errorf("%s reported at %s, want %s", f.Rule, at, want)
				}
				got = append(got, f.Message)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got %q\nwant %q", got, want)
			}
		})
	}
}

// TestDeferredSetInMemory checks the same for input that exists only in
// memory, whose objects the set holds as they are.
func TestDeferredSetInMemory(t *testing.T) {
	data := crb("b", "agent") + "---\n" + fmt.Sprintf(daemonSet, "a") + "---\napiVersion: v1\nkind: List\nitems:\n" + indent(crb("i", "z"))
	res, err := newLinter(t, lint.Options{Rules: bindingRules()}).LintDocuments("in.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"in.yaml:20:7: info bindings-each: each: b→agent i→z", "in.yaml:20:7: info bindings-objects: objects: b→agent i→z"}
	if got := lines(res); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// indent makes a document an item of a List's items.
func indent(doc string) string {
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSuffix(doc, "\n"), "\n") {
		if i == 0 {
			b.WriteString("- " + l + "\n")
		} else {
			b.WriteString("  " + l + "\n")
		}
	}
	return b.String()
}

// TestDeferredSuppressed checks that later reports honour the object's
// annotations and the file's comments, and that a rule that panics while
// deciding is an internal error, not a crash.
func TestDeferredSuppressed(t *testing.T) {
	annotated := strings.Replace(fmt.Sprintf(daemonSet, "a"), "  namespace: ns\n",
		"  namespace: ns\n  annotations: {ignore.everynode.dev/bindings-objects: \"reviewed\"}\n", 1)
	commented := strings.Replace(fmt.Sprintf(daemonSet, "a"), "serviceAccountName: agent",
		"serviceAccountName: agent # everynode:ignore bindings-each -- reviewed", 1)
	for _, tt := range []struct {
		name, file string
		want       []string
	}{
		{"annotation", annotated, []string{"bindings-each false", "bindings-objects true"}},
		{"comment", commented, []string{"bindings-each true", "bindings-objects false"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"a.yaml": tt.file, "b.yaml": crb("b", "agent")})
			res, err := newLinter(t, lint.Options{WorkDir: dir, Rules: bindingRules()}).Lint(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s %v", f.Rule, f.Suppressed))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("panic", func(t *testing.T) {
		rules := []*rule.Rule{{ID: "explodes-later", Category: rule.Operations, Severity: finding.Warning, Summary: "s",
			Doc: rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"}, Deferred: true,
			Check: func(p *rule.Pass) {
				p.ReportLater(nil, func(*rule.Set) (string, bool) { panic("boom") })
			}}}
		res, err := newLinter(t, lint.Options{Rules: rules}).LintDocuments("a.yaml", []byte(crb("b", "agent")))
		if err != nil {
			t.Fatal(err)
		}
		if got := lines(res); len(got) != 1 || !strings.Contains(got[0], "error internal-error: rule explodes-later failed on this object: boom") {
			t.Errorf("got %q", got)
		}
	})
}
