//go:build unix

package lint_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/everynode/everynode/lint"
)

// TestStreamInputs: a named pipe given on the command line (as a process
// substitution, <(kustomize build), is) is opened once and read once: the
// CRD pre-pass and the lint pass see the same bytes, and reporters get the
// source lines from memory. Opening it twice used to lose the writer's
// data or block forever.
func TestStreamInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "manifests.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	const content = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: b}\nbogus: 1\n"
	go func() {
		// Opening for writing blocks until the linter opens it to read.
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		w.WriteString(content)
		w.Close()
	}()
	l, err := lint.New(lint.Options{WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var res *lint.Result
	go func() {
		defer close(done)
		res, err = l.Lint(context.Background(), []string{"manifests.yaml"})
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("linting a named pipe blocked")
	}
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines(res), "\n")
	if !strings.Contains(got, `manifests.yaml:4:1: error schema: unknown field "bogus"`) {
		t.Errorf("the pipe's content was not linted:\n%s", got)
	}
	if src := res.Source("manifests.yaml"); string(src) != content {
		t.Errorf("source of the pipe not kept: %q", src)
	}
}
