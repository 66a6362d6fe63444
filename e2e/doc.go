// Package e2e holds everynode's end-to-end tests: each builds the everynode
// binary once and drives it through the real clients users run — kustomize
// (exec KRM functions), kpt, pre-commit, actionlint and the GitHub Action's
// scripts in a simulated runner — with the examples in ../testdata/e2e.
//
// A client that is missing skips its test, unless EVERYNODE_E2E=1 (as CI
// sets it), where a missing client fails it. kustomize and actionlint are
// installed with go install into a temporary directory; kpt, pre-commit,
// git and shellcheck must be on PATH.
package e2e
