// Command genenums writes mutate/enums_gen.go: the values of the
// enumerated string types of k8s.io/api, read from the module's sources.
// Run it from the conformance module's root after changing the k8s.io/api
// version:
//
//	go run ./cmd/genenums
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/everynode/everynode/conformance/internal/enums"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genenums:", err)
		os.Exit(1)
	}
}

func run() error {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/api").Output()
	if err != nil {
		return fmt.Errorf("locating k8s.io/api: %w", err)
	}
	m, err := enums.Extract(strings.TrimSpace(string(dir)))
	if err != nil {
		return err
	}
	tmp := "mutate/enums_gen.go.tmp"
	if err := os.WriteFile(tmp, enums.Source(m), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, "mutate/enums_gen.go")
}
