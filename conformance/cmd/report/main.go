// Command report runs the conformance suite and writes its report,
// docs/conformance.md (the numbers: cases, agreement with Kubernetes,
// false and missed errors by area, field-path agreement, the mutator's
// coverage), printing the numbers. With -case it prints one case instead:
// its YAML and both verdicts.
//
//	cd conformance
//	go run ./cmd/report                 # write ../docs/conformance.md
//	go run ./cmd/report -case 'ID'      # one case (IDs are in testdata/known-gaps.txt)
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/everynode/everynode/conformance/suite"
)

func main() {
	caseID := flag.String("case", "", "print this case (its YAML and both verdicts) instead of writing the report")
	out := flag.String("o", "", "write the report here (default: docs/conformance.md in the repository)")
	flag.Parse()
	if err := run(*caseID, *out); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(caseID, out string) error {
	s, err := suite.Collect(suite.Seed())
	if err != nil {
		return err
	}
	if caseID != "" {
		r, ok := s.Find(caseID)
		if !ok {
			return fmt.Errorf("no case %q (seed %d)", caseID, s.Seed)
		}
		printCase(s, r)
		return nil
	}
	md := s.Markdown()
	if out == "" {
		root, err := suite.RepoRoot()
		if err != nil {
			return err
		}
		out = filepath.Join(root, filepath.FromSlash(suite.ReportFile))
	}
	tmp := out + ".tmp"
	if err := os.WriteFile(tmp, []byte(md), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, out); err != nil {
		return err
	}
	// The numbers: the report's section of them.
	start := strings.Index(md, "## Numbers")
	end := strings.Index(md, "### Missed errors by area")
	if start >= 0 && end > start {
		fmt.Print(md[start:end])
	}
	fmt.Fprintf(os.Stderr, "wrote %s\n", out)
	return nil
}

func printCase(s *suite.Suite, r suite.Result) {
	if spec := s.Generator.Spec(r.Case.ID); spec != nil {
		fmt.Printf("# spec (%s)\n%s\n# rendered DaemonSet\n", r.Case.ID, spec)
	} else {
		fmt.Printf("# %s (%s)\n", r.Case.ID, r.Case.Source)
	}
	fmt.Printf("%s\n", r.Case.Data)
	if r.K8s.Accepted() {
		fmt.Println("Kubernetes: accepted")
	} else {
		fmt.Printf("Kubernetes: rejected (%s): %s\n", r.K8s.Stage, r.K8s.Message)
	}
	if len(r.K8s.Dropped) > 0 {
		fmt.Printf("Kubernetes drops (disabled features): %s\n", strings.Join(r.K8s.Dropped, ", "))
	}
	if !r.Everynode.Rejected() {
		fmt.Println("everynode: no error")
	}
	for _, e := range r.Everynode.Errors {
		fmt.Printf("everynode: %d:%d: %s: %s [%s]\n", e.Line, e.Column, e.Path, e.Message, e.Rule)
	}
	for _, e := range r.Everynode.Suppressed {
		fmt.Printf("everynode (suppressed): %s: %s [%s]\n", e.Path, e.Message, e.Rule)
	}
	fmt.Printf("outcome: %s", r.Outcome)
	if r.Allowed != "" {
		fmt.Printf(" (allowed: %s)", r.Allowed)
	}
	fmt.Println()
}
