// Package conformance proves everynode's error findings against
// Kubernetes' own code. It is a separate Go module so that everynode never
// imports k8s.io/kubernetes: its tests run the API server's create path
// for a DaemonSet (package oracle) and everynode's linter (package
// everynode) on the same bytes, for every case the mutator (package
// mutate), the scenarios, the repository's manifests and the generator
// produce, and compare the verdicts (package suite). The DaemonSet
// controller's placement decision is in package placement.
//
// Run it from this directory:
//
//	go test ./...                                   # the differential test, the fuzz seeds, the oracles' tests
//	UPDATE_KNOWN_GAPS=1 go test -run TestDifferential .  # rewrite the known gaps and docs/conformance.md
//	go run ./cmd/report -case ID                    # one case: its YAML and both verdicts
//
// See docs/conformance.md for the numbers and the method.
package conformance
