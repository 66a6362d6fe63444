package suite

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
)

// ModulePath is the conformance module's path.
const ModulePath = "github.com/everynode/everynode/conformance"

// ModuleRoot finds the conformance module's directory from the working
// directory (tests run in their package's directory, commands anywhere
// inside the module).
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && bytes.HasPrefix(data, []byte("module "+ModulePath+"\n")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("not inside the conformance module (" + ModulePath + ")")
		}
		dir = parent
	}
}

// RepoRoot is the main module's directory: the conformance module's
// parent.
func RepoRoot() (string, error) {
	m, err := ModuleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Dir(m), nil
}
