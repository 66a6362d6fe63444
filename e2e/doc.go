// Package e2e holds everynode's black-box tests. In-process and through
// the built binary: the bad-input catalog (../testdata/bad-input), the
// attack corpus (../testdata/attacks), generate killed mid-write, a file
// only another user can read. And the real clients users run — kustomize
// (exec KRM functions), kpt, pre-commit, actionlint and the GitHub Action's
// scripts in a simulated runner — on the examples in ../testdata/e2e.
//
// A client that is missing skips its test, unless EVERYNODE_E2E=1 (as CI
// sets it), where a missing client fails it. kustomize and actionlint are
// installed with go install into a temporary directory; kpt, pre-commit,
// git and shellcheck must be on PATH.
package e2e
