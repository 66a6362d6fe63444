package app_test

import (
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/internal/testkit/script"
)

// TestScripts runs the txtar scripts in testdata/lint (lint) and
// testdata/generate (generate and init), with the commands of
// internal/testkit/script. UPDATE_GOLDEN=1 rewrites the files that cmp
// compares with.
func TestScripts(t *testing.T) {
	for _, dir := range []string{"lint", "generate"} {
		t.Run(dir, func(t *testing.T) {
			script.Run(t, filepath.Join("testdata", dir), script.Params{})
		})
	}
}
