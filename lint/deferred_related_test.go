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

// relatedRule reports at the DaemonSet's service account, once the set
// is complete, with the first subject of every ClusterRoleBinding of the
// set as a related place: how the RBAC rules point from a finding to the
// objects that explain it.
func relatedRule() *rule.Rule {
	return &rule.Rule{ID: "bindings-related", Category: rule.Security, Severity: finding.Info, Summary: "s",
		Doc:   rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"},
		Kinds: []string{"DaemonSet"}, Deferred: true, SetKinds: []string{"ClusterRoleBinding"},
		Check: func(p *rule.Pass) {
			p.ReportLaterVerdict(fieldpath.New("spec", "template", "spec", "serviceAccountName"), func(set *rule.Set) (rule.Verdict, bool) {
				v := rule.Verdict{Message: "bound"}
				set.Each("ClusterRoleBinding", func(o *rule.Object) {
					v.Related = append(v.Related, rule.Place(o, fieldpath.New("subjects").Index(0).Child("name"), o.Resource.Name))
				})
				return v, true
			})
		}}
}

// relatedFactRule is relatedRule through facts (rule.Fact): the place is
// computed while the binding's document is in memory, and no binding is
// parsed again.
func relatedFactRule() *rule.Rule {
	fact := &rule.Fact{Kind: "ClusterRoleBinding", Compute: func(o *rule.Object) any {
		return rule.Place(o, fieldpath.New("subjects").Index(0).Child("name"), o.Resource.Name)
	}}
	return &rule.Rule{ID: "bindings-related", Category: rule.Security, Severity: finding.Info, Summary: "s",
		Doc:   rule.Doc{What: "w", Why: "y", Bad: "b", Good: "g", Fix: "f"},
		Kinds: []string{"DaemonSet"}, Deferred: true, Facts: []*rule.Fact{fact},
		Check: func(p *rule.Pass) {
			p.ReportLaterVerdict(fieldpath.New("spec", "template", "spec", "serviceAccountName"), func(set *rule.Set) (rule.Verdict, bool) {
				v := rule.Verdict{Message: "bound"}
				for _, f := range set.Facts(fact) {
					v.Related = append(v.Related, f.(finding.Related))
				}
				return v, true
			})
		}}
}

// subjectAt is where "name: SA, namespace: ns" of crb(_, SA) is in data:
// file:line:column of the name key.
func subjectAt(file, data, sa string) string {
	i := strings.Index(data, "name: "+sa+", namespace")
	line := strings.Count(data[:i], "\n") + 1
	col := i - strings.LastIndex(data[:i], "\n")
	return fmt.Sprintf("%s:%d:%d %s", file, line, col, "")
}

// TestDeferredRelatedPositions checks that places in other objects that a
// deferred decision names come out at their file, line and column,
// whether the set keeps the object on disk (parsed again, alone, from its
// own lines) or in memory.
func TestDeferredRelatedPositions(t *testing.T) {
	ds := fmt.Sprintf(daemonSet, "a")
	later := "# RBAC\n---\n" + crb("b1", "x") + "---\n# between\n\n---\n" + crb("b2", "z2")
	list := "apiVersion: v1\nkind: List\nitems:\n" + indent(crb("i0", "y0")) + indent(crb("i1", "y1"))
	crlf := strings.ReplaceAll("kind: Namespace\napiVersion: v1\nmetadata: {name: ns}\n---\n"+crb("crlf", "w"), "\n", "\r\n")
	files := map[string]string{"a.yaml": ds, "b.yaml": later, "list.yaml": list, "crlf.yaml": crlf}
	want := []string{
		subjectAt("b.yaml", later, "x") + "b1", subjectAt("b.yaml", later, "z2") + "b2",
		subjectAt("list.yaml", list, "y0") + "i0", subjectAt("list.yaml", list, "y1") + "i1",
		subjectAt("crlf.yaml", crlf, "w") + "crlf",
	}
	slices.Sort(want)

	check := func(t *testing.T, res *lint.Result) {
		t.Helper()
		if len(res.Findings) != 1 {
			t.Fatalf("want one finding, got %v", lines(res))
		}
		var got []string
		for _, r := range res.Findings[0].Related {
			got = append(got, fmt.Sprintf("%s:%d:%d %s", r.File, r.Line, r.Column, r.Message))
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("related places:\n got %q\nwant %q", got, want)
		}
	}
	t.Run("on disk", func(t *testing.T) {
		dir := writeTree(t, files)
		res, err := newLinter(t, lint.Options{WorkDir: dir, Workers: 2, Rules: []*rule.Rule{relatedRule()}}).Lint(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
	})
	t.Run("facts", func(t *testing.T) {
		dir := writeTree(t, files)
		res, err := newLinter(t, lint.Options{WorkDir: dir, Workers: 2, Rules: []*rule.Rule{relatedFactRule()}}).Lint(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, res)
	})
	t.Run("in memory", func(t *testing.T) {
		// One file in memory: every position is in it.
		data := ds + "---\n" + later + "---\n" + list + "---\n" + strings.ReplaceAll(crlf, "\r\n", "\n")
		res, err := newLinter(t, lint.Options{Rules: []*rule.Rule{relatedRule()}}).LintDocuments("in.yaml", []byte(data))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Findings) != 1 {
			t.Fatalf("want one finding, got %v", lines(res))
		}
		var got []string
		for _, r := range res.Findings[0].Related {
			got = append(got, fmt.Sprintf("%s:%d:%d %s", r.File, r.Line, r.Column, r.Message))
		}
		var want []string
		for _, s := range []struct{ sa, name string }{{"x", "b1"}, {"z2", "b2"}, {"y0", "i0"}, {"y1", "i1"}, {"w", "crlf"}} {
			want = append(want, subjectAt("in.yaml", data, s.sa)+s.name)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("related places:\n got %q\nwant %q", got, want)
		}
	})
}
