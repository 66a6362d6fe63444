// Package testkit holds what the module's tests share about the module
// itself: the layering test (layers_test.go) checks that imports run one
// way, from the command line down to the leaves, as docs/architecture.md
// describes.
package testkit
