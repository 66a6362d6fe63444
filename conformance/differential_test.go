package conformance

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/everynode/everynode/conformance/suite"
)

var (
	collectOnce sync.Once
	collected   *suite.Suite
	collectErr  error
)

// theSuite generates and judges every case once per test binary.
func theSuite(t testing.TB) *suite.Suite {
	t.Helper()
	collectOnce.Do(func() { collected, collectErr = suite.Collect(suite.Seed()) })
	if collectErr != nil {
		t.Fatal(collectErr)
	}
	return collected
}

// TestBases: every base is a valid DaemonSet for both sides, or the
// mutations around it would measure nothing.
func TestBases(t *testing.T) {
	s := theSuite(t)
	for _, r := range s.Of(suite.SourceBase) {
		t.Run(r.Case.ID, func(t *testing.T) {
			if !r.K8s.Accepted() {
				t.Errorf("Kubernetes rejects the base: %s", r.K8s.Message)
			}
			if r.Everynode.Rejected() {
				t.Errorf("everynode rejects the base: %v", r.Everynode.Errors)
			}
		})
	}
}

// invalidFields are the fields (and the fields under them) that are
// never valid in a DaemonSet, whatever their value: Kubernetes rejects the
// field itself, so the mutator's scaffolding for them cannot be valid.
var invalidFields = map[string]string{
	"spec.template.spec.activeDeadlineSeconds":                                         "a DaemonSet's pods never end",
	"spec.template.spec.containers[].readinessProbe.terminationGracePeriodSeconds":     "not for readiness probes",
	"spec.template.spec.initContainers[].readinessProbe.terminationGracePeriodSeconds": "not for readiness probes",
	"spec.template.spec.resources.claims":                                              "claims are for containers, not the pod",
}

func init() {
	// A claim template's metadata takes labels and annotations only.
	for _, f := range []string{"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
		"creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "ownerReferences", "finalizers", "managedFields"} {
		invalidFields["spec.template.spec.volumes[].ephemeral.volumeClaimTemplate.metadata."+f] = "a claim template's metadata takes labels and annotations only"
	}
}

// linuxOnlyFields are refused in a Windows pod (os.name: windows), whatever
// their value: a Windows base's scaffolding for them cannot be valid.
var linuxOnlyFields = []string{
	"spec.template.spec.hostUsers", "spec.template.spec.hostPID", "spec.template.spec.hostIPC",
	"spec.template.spec.shareProcessNamespace",
	"spec.template.spec.securityContext.appArmorProfile", "spec.template.spec.securityContext.seLinuxOptions",
	"spec.template.spec.securityContext.seccompProfile", "spec.template.spec.securityContext.fsGroup",
	"spec.template.spec.securityContext.fsGroupChangePolicy", "spec.template.spec.securityContext.sysctls",
	"spec.template.spec.securityContext.runAsUser", "spec.template.spec.securityContext.runAsGroup",
	"spec.template.spec.securityContext.supplementalGroups", "spec.template.spec.securityContext.supplementalGroupsPolicy",
	"spec.template.spec.securityContext.seLinuxChangePolicy",
}

func init() {
	for _, list := range []string{"containers", "initContainers"} {
		for _, f := range []string{"appArmorProfile", "seLinuxOptions", "seccompProfile", "capabilities", "readOnlyRootFilesystem",
			"privileged", "allowPrivilegeEscalation", "procMount", "runAsUser", "runAsGroup"} {
			linuxOnlyFields = append(linuxOnlyFields, "spec.template.spec."+list+"[].securityContext."+f)
		}
	}
}

// windowsPod reports whether a case's pod template is a Windows pod.
func windowsPod(data []byte) bool {
	var ds appsv1.DaemonSet
	if sigsyaml.Unmarshal(data, &ds) != nil {
		return false
	}
	os := ds.Spec.Template.Spec.OS
	return os != nil && os.Name == corev1.Windows
}

func linuxOnly(path string) bool {
	for _, p := range linuxOnlyFields {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

func invalidField(path string) bool {
	for p := range invalidFields {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}

// TestSkeletonsAreValid: the values the mutator fills in for missing
// parents are accepted by Kubernetes, so a mutation's case is invalid for
// the mutation's reason and not for its scaffolding.
func TestSkeletonsAreValid(t *testing.T) {
	s := theSuite(t)
	for _, r := range s.Of(suite.SourceMutation) {
		if r.Case.Op != "valid" || r.K8s.Accepted() {
			continue
		}
		if invalidField(r.Case.Field) || linuxOnly(r.Case.Field) && windowsPod(r.Case.Data) {
			continue
		}
		t.Errorf("%s: the scaffolding for %s is rejected: %s", r.Case.ID, r.Case.Field, r.K8s.First())
	}
}

// TestDifferential runs every case through both sides. It fails on any
// disagreement that the known-gaps list (or, for false errors, the
// known-false-errors list) does not have, on any listed one that is gone,
// and when docs/conformance.md is not the current report.
// UPDATE_KNOWN_GAPS=1 rewrites the three files.
func TestDifferential(t *testing.T) {
	s := theSuite(t)
	root, err := suite.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files := []struct {
		path, want, what string
	}{
		{filepath.Join(root, filepath.FromSlash(suite.KnownGapsFile)), s.KnownGaps(), "known gaps"},
		{filepath.Join(root, filepath.FromSlash(suite.FalseErrorsFile)), s.FalseErrors(), "false errors"},
		{filepath.Join(root, "..", filepath.FromSlash(suite.ReportFile)), s.Markdown(), "report"},
	}
	if os.Getenv("UPDATE_KNOWN_GAPS") != "" {
		// The false errors may only go: an update never adds one.
		if old, err := os.ReadFile(files[1].path); err == nil {
			if grown := grownEntries(string(old), files[1].want); len(grown) > 0 {
				t.Fatalf("refusing to add false errors to %s: everynode must not report an error on an object Kubernetes accepts; fix the rule:\n%s",
					files[1].path, strings.Join(grown, "\n"))
			}
		}
		for _, f := range files {
			if err := writeFile(f.path, []byte(f.want)); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("rewrote %s, %s and %s", files[0].path, files[1].path, files[2].path)
		return
	}
	for _, f := range files {
		got, err := os.ReadFile(f.path)
		if err != nil {
			t.Errorf("%s: %v (create it with UPDATE_KNOWN_GAPS=1 go test -run TestDifferential .)", f.what, err)
			continue
		}
		if bytes.Equal(got, []byte(f.want)) {
			continue
		}
		if f.what == "report" {
			t.Errorf("%s is stale: regenerate it with UPDATE_KNOWN_GAPS=1 go test -run TestDifferential . (in conformance/)", suite.ReportFile)
			continue
		}
		t.Errorf("the %s differ from %s:\n%s\nIf the change is intended (a gap closed, or the mutator changed), regenerate with\n\tcd conformance && UPDATE_KNOWN_GAPS=1 go test -run TestDifferential .\nand review the diff. A new false error is never intended: fix the rule.",
			f.what, f.path, entryDiff(string(got), f.want))
	}
	c := suite.Count(s.Of(suite.SourceMutation, suite.SourceScenario))
	t.Logf("%d mutation and scenario cases: %d rejected by Kubernetes, %d missed, %d false errors, field paths %s",
		c.Cases, c.Rejected, c.Missed, c.FalseErrors, suite.Pct(c.PathMatch, c.BothRejectWithField))
}

var entryRe = regexp.MustCompile(`^(\S.*) \[(\d+)\]$`)

// entries reads a list's entries as section|key → count.
func entries(text string) map[string]string {
	out := map[string]string{}
	section := ""
	for _, l := range strings.Split(text, "\n") {
		if t, ok := strings.CutPrefix(l, "== "); ok {
			section, _, _ = strings.Cut(t, ":")
			continue
		}
		if m := entryRe.FindStringSubmatch(l); m != nil && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "--") {
			out[section+" | "+m[1]] = m[2]
		}
	}
	return out
}

// cutSection splits an entries key into its section and the entry's key.
func cutSection(k string) (section, key string, ok bool) { return strings.Cut(k, " | ") }

// grownEntries lists the entries of cur that old does not have, or has
// with a smaller count.
func grownEntries(old, cur string) []string {
	o := entries(old)
	var out []string
	for k, c := range entries(cur) {
		oc, ok := o[k]
		if !ok || atoi(c) > atoi(oc) {
			out = append(out, fmt.Sprintf("  %s [%s, was %s]", k, c, or(oc, "0")))
		}
	}
	slices.Sort(out)
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// entryDiff says which entries are new, gone, or counted differently.
func entryDiff(old, cur string) string {
	o, n := entries(old), entries(cur)
	var lines []string
	for k, c := range n {
		if oc, ok := o[k]; !ok {
			lines = append(lines, fmt.Sprintf("  new:   %s [%s]", k, c))
		} else if oc != c {
			lines = append(lines, fmt.Sprintf("  count: %s [%s -> %s]", k, oc, c))
		}
	}
	for k, c := range o {
		if _, ok := n[k]; !ok {
			lines = append(lines, fmt.Sprintf("  gone:  %s [%s]", k, c))
		}
	}
	slices.Sort(lines)
	if len(lines) == 0 {
		return "  (the entries are the same; examples, messages or totals changed)"
	}
	if len(lines) > 40 {
		lines = append(lines[:40], fmt.Sprintf("  ... and %d more", len(lines)-40))
	}
	return strings.Join(lines, "\n")
}

// writeFile writes through a temporary file and a rename: never half a
// file.
func writeFile(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
