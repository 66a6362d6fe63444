package suite

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/everynode/everynode/conformance/mutate"
	"github.com/everynode/everynode/conformance/oracle"
)

// KnownGapsFile and FalseErrorsFile are the committed lists, relative to
// the conformance module's root; ReportFile the report, relative to the
// repository's root.
const (
	KnownGapsFile   = "testdata/known-gaps.txt"
	FalseErrorsFile = "testdata/known-false-errors.txt"
	// CrossCheckFile is what TestAgainstAPIServer found.
	CrossCheckFile = "testdata/apiserver-crosscheck.txt"
	ReportFile     = "docs/conformance.md"
)

const gapsHeader = `# Known gaps between everynode and Kubernetes %s (generated; seed %d)
#
# Objects the API server rejects on create and everynode lets through, grouped
# by Kubernetes' first error: its field (list indices and map keys as [*]), its
# type and its reason. This is the work list of the correctness rules; the
# differential test (conformance/differential_test.go) fails when this file is
# not exactly what it finds, so a new gap fails it, and so does a closed one:
# after fixing a rule, regenerate with
#
#     cd conformance && UPDATE_KNOWN_GAPS=1 go test -run TestDifferential .
#
# and commit the shorter list. Each entry gives its number of cases, an example
# case (print it with: go run ./cmd/report -case ID), Kubernetes' message for
# it, and, where everynode reported something else, everynode's first error.
`

// KnownGaps renders the known-gaps list.
func (s *Suite) KnownGaps() string {
	var b strings.Builder
	fmt.Fprintf(&b, gapsHeader, oracle.KubernetesVersion, s.Seed)
	sections := []struct {
		title string
		rs    []Result
		keep  func(Result) bool
		key   func(Result) string
	}{
		{"missed errors in mutations and scenarios: Kubernetes rejects, everynode reports no error",
			s.Of(SourceBase, SourceMutation, SourceScenario), IsMissed, Result.Key},
		{"missed errors in the repository's own manifests (rule fixtures, examples, hand-written cases)",
			s.Of(SourceCorpus), IsMissed, Result.Key},
		{"generator: specs the generator accepts whose DaemonSet Kubernetes rejects",
			s.Generator.Results, IsGeneratorFailure, Result.Key},
		{"field paths: both reject, but none of everynode's errors names the field of Kubernetes' first error (target: at most 5% of rejected cases)",
			s.Of(SourceBase, SourceMutation, SourceScenario), IsPathMismatch, PathKey},
	}
	for _, sec := range sections {
		gs := GroupBy(sec.rs, sec.keep, sec.key)
		fmt.Fprintf(&b, "\n\n== %s: %d entries, %d cases\n", sec.title, len(gs), Total(gs))
		WriteGroups(&b, gs)
	}
	return b.String()
}

const falseErrorsHeader = `# False errors: everynode reports an error on an object Kubernetes %s accepts
# (generated; seed %d).
#
# These break everynode's promise that an error means the API server refuses
# the object, and must go to zero: fix them before closing gaps. The list
# exists only because the differential test found them in the code it first
# ran against; the test fails on any false error not listed here, and on a
# listed one that is fixed (regenerate with UPDATE_KNOWN_GAPS=1). Nothing may
# be added to it.
`

// FalseErrors renders the false-error list.
func (s *Suite) FalseErrors() string {
	var b strings.Builder
	fmt.Fprintf(&b, falseErrorsHeader, oracle.KubernetesVersion, s.Seed)
	for _, sec := range []struct {
		title string
		rs    []Result
	}{
		{"mutations and scenarios", s.Of(SourceBase, SourceMutation, SourceScenario)},
		{"the repository's own manifests", s.Of(SourceCorpus)},
		{"generator output", s.Generator.Results},
	} {
		gs := GroupBy(sec.rs, IsFalseError, Result.Key)
		fmt.Fprintf(&b, "\n\n== %s: %d entries, %d cases\n", sec.title, len(gs), Total(gs))
		WriteGroups(&b, gs)
	}
	return b.String()
}

// Markdown renders the report (docs/conformance.md).
func (s *Suite) Markdown() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	gen := s.Of(SourceBase, SourceMutation, SourceScenario)
	all := s.Of(SourceBase, SourceMutation, SourceScenario, SourceCorpus)
	c := Count(gen)
	ca := Count(all)
	cc := Count(s.Of(SourceCorpus))
	cg := Count(s.Generator.Results)
	nMut, nScen := len(s.Of(SourceMutation)), len(s.Of(SourceScenario))

	w(reportIntro, oracle.KubernetesVersion)
	w("\n## Numbers\n\n")
	w("Generated with seed %d by `cd conformance && go run ./cmd/report` (the differential test checks that this file is current).\n\n", s.Seed)
	w("| | mutations and scenarios | repository manifests | all |\n|---|---:|---:|---:|\n")
	row := func(name string, f func(Counts) string) {
		w("| %s | %s | %s | %s |\n", name, f(c), f(cc), f(ca))
	}
	row("cases", func(x Counts) string { return fmt.Sprint(x.Cases) })
	row("rejected by Kubernetes", func(x Counts) string { return fmt.Sprintf("%d (%s)", x.Rejected, Pct(x.Rejected, x.Cases)) })
	row("verdicts agree", func(x Counts) string { return fmt.Sprintf("%d (%s)", x.Agree, Pct(x.Agree, x.Cases)) })
	row("missed errors (Kubernetes rejects, everynode does not)", func(x Counts) string { return fmt.Sprint(x.Missed) })
	row("false errors (everynode errs, Kubernetes accepts)", func(x Counts) string { return fmt.Sprint(x.FalseErrors) })
	row("allowed disagreements (see the allow-list)", func(x Counts) string { return fmt.Sprint(sum(x.Allowed)) })
	row("rejected by both, Kubernetes names a field", func(x Counts) string { return fmt.Sprint(x.BothRejectWithField) })
	row("... everynode names the same field", func(x Counts) string {
		return fmt.Sprintf("%d (%s)", x.PathMatch, Pct(x.PathMatch, x.BothRejectWithField))
	})
	w("\nThe mutations and scenarios are %d and %d of the cases (the rest are the %d bases). Verdict agreement on rejected cases (everynode finds an error where Kubernetes does): %s; outside the allow-list below: %s. Field-path agreement counts a case when one of everynode's error findings has exactly the path of the API server's first error (or that path with the index of a list item added where Kubernetes names only the list: `volumeMounts[2].subPath` for its `volumeMounts.subPath`); cases whose first error names no field (YAML syntax, a malformed quantity: %d) are not counted.\n",
		nMut, nScen, len(s.Bases), Pct(c.Rejected-c.Missed-sumMissedAllowed(gen), c.Rejected),
		Pct(c.Rejected-c.Missed-sumMissedAllowed(gen), c.Rejected-sumMissedAllowed(gen)), c.BothRejectNoField)

	if len(ca.Allowed) > 0 {
		w("\nAllowed disagreements:\n\n")
		for _, k := range slices.Sorted(maps.Keys(ca.Allowed)) {
			w("- %d: %s\n", ca.Allowed[k], k)
		}
	}

	w("\n### Missed errors by area\n\nThe work list is `conformance/%s`: one entry per field and reason, with an example case and Kubernetes' message.\n\n", KnownGapsFile)
	w("| area | missed cases | entries | field-path mismatches |\n|---|---:|---:|---:|\n")
	missed := GroupBy(all, IsMissed, Result.Key)
	paths := GroupBy(gen, IsPathMismatch, PathKey)
	for _, a := range areaNames(missed, paths) {
		n, e := areaTotals(missed, a)
		pn, _ := areaTotals(paths, a)
		w("| %s | %d | %d | %d |\n", a, n, e, pn)
	}
	n, e := Total(missed), len(missed)
	w("| **total** | **%d** | **%d** | **%d** |\n", n, e, Total(paths))

	w("\n### False errors\n\n")
	fe := GroupBy(append(all, s.Generator.Results...), IsFalseError, Result.Key)
	if len(fe) == 0 {
		w("None.\n")
	} else {
		w("%d cases in %d entries, listed in `conformance/%s`; each breaks the promise above and must be fixed first. By rule:\n\n", Total(fe), len(fe), FalseErrorsFile)
		w("| rule | entries | cases | example | what Kubernetes does |\n|---|---:|---:|---|---|\n")
		type byRule struct {
			entries, cases int
			example        string
		}
		rules := map[string]*byRule{}
		for _, g := range fe {
			rule := g.Example.Everynode.Errors[0].Rule
			br := rules[rule]
			if br == nil {
				br = &byRule{example: g.Example.Case.ID}
				rules[rule] = br
			}
			br.entries++
			br.cases += g.Count
			if g.Example.Case.ID < br.example {
				br.example = g.Example.Case.ID
			}
		}
		for _, rule := range slices.Sorted(maps.Keys(rules)) {
			br := rules[rule]
			w("| `%s` | %d | %d | `%s` | %s |\n", rule, br.entries, br.cases, br.example, falseErrorNotes[rule])
		}
	}

	g := s.Generator
	nb := countPrefix(g, "spec-base:")
	w("\n## Generated output\n\nEvery spec the generator accepts must render a DaemonSet Kubernetes accepts. %d specs: the %d templates and valid test specs as they are, and %d mutations of them along %d places of the Daemon spec's JSON Schema (`schemas/daemon.schema.json`). The generator refused %d and rendered %d; Kubernetes rejects the DaemonSet of %d of those (listed in the known gaps, section generator), and everynode's linter reports an error on %d rendered DaemonSets that Kubernetes accepts.\n",
		g.Specs, nb, g.Specs-nb, g.Fields, g.Refused, g.Accepted, cg.Rejected, cg.FalseErrors)
	gf := GroupBy(g.Results, IsGeneratorFailure, Result.Key)
	if len(gf) > 0 {
		w("\nBy area of the rendered DaemonSet (the entries are in the known gaps' generator section):\n\n| area | specs | entries |\n|---|---:|---:|\n")
		for _, a := range areaNames(gf) {
			n, e := areaTotals(gf, a)
			w("| %s | %d | %d |\n", a, n, e)
		}
	}
	if len(g.Failures) > 0 {
		w("\nThe generator failed outright on %d specs:\n\n", len(g.Failures))
		for _, f := range g.Failures {
			w("- %s\n", oneLine(f, 200))
		}
	}

	w("\n## The oracle against a real API server\n\n")
	if s.CrossCheck == "" {
		w("Not run yet (`TestAgainstAPIServer`, opt-in: it needs a throwaway cluster).\n")
	} else {
		w("`TestAgainstAPIServer` (opt-in; it needs a throwaway cluster) sends a sample of the cases to a real kube-apiserver with server-side dry run and compares its answers with the oracle's. Its last result, `conformance/%s`:\n\n```\n%s```\n", CrossCheckFile, s.CrossCheck)
	}

	s.writeCoverage(w)
	w(reportMethod, mutate.Scenarios())
	return b.String()
}

// falseErrorNotes say, per rule, why Kubernetes accepts what the rule
// calls an error (as found when the suite was written).
var falseErrorNotes = map[string]string{
	"schema":                   "decodes null items and null fields as zero values and accepts them; does not require every field the OpenAPI document marks required (an HTTP header's value, a sleep's seconds, an iSCSI lun, a template's ownerReferences); clears status on create",
	"invalid-volume-source":    "defaults a volume without a source to `emptyDir: {}`",
	"probe-port-not-declared":  "does not check that a probe's named port is declared (the probe fails when it runs)",
	"max-surge-with-host-port": "accepts maxSurge with a hostPort (the rollout then cannot make progress)",
}

func countPrefix(g *GeneratorRun, prefix string) int {
	n := 0
	for id := range g.specs {
		if strings.HasPrefix(id, prefix) {
			n++
		}
	}
	return n
}

func sumMissedAllowed(rs []Result) int {
	n := 0
	for _, r := range rs {
		if r.Outcome == Missed && r.Allowed != "" {
			n++
		}
	}
	return n
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func areaNames(gss ...[]Group) []string {
	seen := map[string]bool{}
	var out []string
	for _, gs := range gss {
		for _, g := range gs {
			if !seen[g.Area] {
				seen[g.Area] = true
				out = append(out, g.Area)
			}
		}
	}
	slices.SortFunc(out, func(a, b string) int {
		if d := areaOrder(a) - areaOrder(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return out
}

func areaTotals(gs []Group, area string) (cases, entries int) {
	for _, g := range gs {
		if g.Area == area {
			cases += g.Count
			entries++
		}
	}
	return
}

// writeCoverage reports which fields the mutator touched.
func (s *Suite) writeCoverage(w func(string, ...any)) {
	type stat struct{ total, touched int }
	byID := map[string]bool{} // Owner.field → touched
	excluded := map[string]string{}
	var paths, pathsTouched int
	for _, f := range s.Set.Fields {
		id := f.ID()
		if f.Excluded != "" {
			if _, ok := excluded[id]; !ok {
				excluded[id] = f.Excluded
			}
			continue
		}
		paths++
		t := s.Set.PerField[f.Path] > 0
		if t {
			pathsTouched++
		}
		byID[id] = byID[id] || t
		delete(excluded, id)
	}
	touched := 0
	var untouched []string
	for id, t := range byID {
		if t {
			touched++
		} else {
			untouched = append(untouched, id)
		}
	}
	slices.Sort(untouched)
	// The headline structs.
	for _, id := range slices.Sorted(maps.Keys(excluded)) {
		if _, ok := byID[id]; ok {
			delete(excluded, id)
		}
	}
	heads := map[string]*stat{"DaemonSetSpec": {}, "PodSpec": {}, "Container": {}, "PodSecurityContext": {}, "SecurityContext": {}, "Probe": {}, "Volume": {}, "VolumeSource": {}, "ObjectMeta": {}}
	for id, t := range byID {
		owner, _, _ := strings.Cut(id, ".")
		if st, ok := heads[owner]; ok {
			st.total++
			if t {
				st.touched++
			}
		}
	}
	w("\n## Mutator coverage\n\nThe mutator walks the Go types of `k8s.io/api` apps/v1 DaemonSet by reflection: %d fields of %d types (a field is a type's JSON field, `Container.ports`, or a list's items, `Container.args[]`), at %d places in a DaemonSet (`spec.template.spec.containers[].ports[].containerPort`; `containers` and `initContainers` are different places of the same fields). It touches %d of the %d fields (%s) at %d of %d places; %d fields are excluded on purpose.\n\n",
		len(byID)+len(excluded), countTypes(s), len(s.Set.Fields), touched, len(byID), Pct(touched, len(byID)), pathsTouched, paths, len(excluded))
	w("| type | fields | touched |\n|---|---:|---:|\n")
	for _, h := range slices.Sorted(maps.Keys(heads)) {
		if heads[h].total > 0 {
			w("| %s | %d | %d |\n", h, heads[h].total, heads[h].touched)
		}
	}
	if len(untouched) > 0 {
		w("\nNot touched (no op applies to their type, or no base reaches them): %s.\n", strings.Join(backquote(untouched), ", "))
	} else {
		w("\nEvery field that is not excluded is touched.\n")
	}
	w("\nExcluded, and why:\n\n")
	reasons := map[string][]string{}
	for id, why := range excluded {
		reasons[why] = append(reasons[why], id)
	}
	for _, why := range slices.Sorted(maps.Keys(reasons)) {
		ids := reasons[why]
		slices.Sort(ids)
		if len(ids) > 8 {
			ids = append(ids[:8], fmt.Sprintf("and %d more", len(ids)-8))
		}
		w("- %s: %s\n", why, strings.Join(ids, ", "))
	}
	w("\nNamed string types with constants (`Protocol`, `PullPolicy`, ...) get each of their values, a wrong case and an unknown value; other strings get a battery of %d values (empty, blank, padded, upper case, underscores, punctuation, dots, leading and trailing dashes, digits, 63/64 and 253/254 characters, relative, absolute and parent paths, a colon, a newline, non-ASCII) plus values of their domain (IP addresses, paths, resource names, field paths, qualified names, environment variable names, capabilities, sysctls, ...); integers get -1, 0, 1, the int32 and uint32 bounds and beyond, the int64 overflow, a float, an exponent, YAML octal, and their domain's bounds (ports, modes, weights, ...); quantities, int-or-strings, booleans (including YAML 1.1 `yes`/`off`), maps of labels and annotations (bad keys and values, a 256 KiB value), resource lists and lists (empty, duplicate item, null item, many items) get theirs; every field also gets the other JSON types, null and deletion; every object gets `{}`, an unknown field, a duplicate key, a field name with the wrong case and, in a one-of group, a second member.\n",
		mutate.GenericStrings())
}

func countTypes(s *Suite) int {
	seen := map[string]bool{}
	for _, f := range s.Set.Fields {
		if f.Owner != nil {
			seen[f.Owner.Name()] = true
		}
	}
	return len(seen)
}

func backquote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "`" + s + "`"
	}
	return out
}
