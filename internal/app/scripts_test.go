package app_test

import (
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/internal/testkit/script"
)

// TestScripts runs the txtar scripts in testdata/lint (lint),
// testdata/generate (generate and init), testdata/placement (placement)
// and testdata/cli (what every command shares: flag order, usage errors,
// colour, completion), with the commands of internal/testkit/script.
// UPDATE_GOLDEN=1 rewrites the files that cmp compares with.
func TestScripts(t *testing.T) {
	for _, dir := range []string{"lint", "generate", "placement", "cli"} {
		t.Run(dir, func(t *testing.T) {
			script.Run(t, filepath.Join("testdata", dir), script.Params{})
		})
	}
}
