package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/sandbox"
	"github.com/everynode/everynode/internal/testkit/fuzztest"
)

// FuzzKustomize renders arbitrary kustomizations, with one resource file
// and one patch file beside them, in a repository next to which lies a
// secret: Render must not panic, must fail with an *Error or Errors when
// it fails, and must never put the secret, or anything from outside the
// repository, in an object or a message. The sandbox is installed (as the
// binary does) so that a gap in the resolution cannot run git or reach the
// network while fuzzing; its own test proves it holds.
func FuzzKustomize(f *testing.F) {
	sandbox.Install()
	for _, dir := range []string{"base", "overlay", "overlay2", "legacy", "withcomponent", "remote", "remote-http", "daemon"} {
		data, err := os.ReadFile(filepath.Join("testdata", dir, "kustomization.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, []byte(cm), []byte(patch))
	}
	for _, k := range []string{
		"resources: [cm.yaml, ../secret.yaml, ../../secret.yaml]\n",
		"resources: [git@127.0.0.1/org/repo?ref=--upload-pack=touch%20pwned]\n",
		"configMapGenerator: [{name: x, files: [../secret.yaml, cm.yaml]}]\n",
		"RESOURCES: &r [cm.yaml]\nbases: *r\npatches: [{path: patch.yaml}]\n",
		"replacements: [{path: ../secret.yaml}]\nresources: [cm.yaml]\n",
		"generators:\n- |\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  metadata: {name: g}\n  files: [../secret.yaml]\n",
		"resources: [cm.yaml]\nvars: [{name: \"a\\n::error::x\", objref: {kind: ConfigMap, name: cm, apiVersion: v1}}]\n",
		"openapi: {path: ../secret.yaml}\nresources: [cm.yaml]\n",
		"patchesStrategicMerge: [patch.yaml, \"apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: cm}\\n\"]\nresources: [cm.yaml]\n",
	} {
		f.Add([]byte(k), []byte(cm), []byte(patch))
	}
	f.Fuzz(func(t *testing.T, kust, res, pat []byte) {
		defer fuzztest.Watchdog(fuzztest.DefaultTimeout)()
		base := t.TempDir()
		repo := filepath.Join(base, "repo")
		for _, d := range []string{filepath.Join(repo, ".git"), filepath.Join(repo, "k")} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		const secret = "FUZZ-SECRET-7f3a"
		files := map[string][]byte{
			filepath.Join(base, "secret.yaml"):             []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + secret + "}\n"),
			filepath.Join(repo, "k", "kustomization.yaml"): kust,
			filepath.Join(repo, "k", "cm.yaml"):            res,
			filepath.Join(repo, "k", "patch.yaml"):         pat,
		}
		for p, data := range files {
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		opts := Options{WorkDir: repo, Limits: document.Limits{MaxDepth: 64, MaxNodes: 20_000}, Generate: fakeGenerate}
		rendered, err := Render(filepath.Join(repo, "k"), opts)
		if err != nil {
			var (
				e  *Error
				es Errors
			)
			if !errors.As(err, &e) && !errors.As(err, &es) {
				t.Fatalf("error %v (%T) is neither an *Error nor Errors", err, err)
			}
			if bytes.Contains([]byte(err.Error()), []byte(secret)) {
				t.Fatalf("the error shows the secret outside the repository: %v", err)
			}
			return
		}
		for _, r := range rendered.Resources {
			if s := fmt.Sprint(r.Object); bytes.Contains([]byte(s), []byte(secret)) {
				t.Fatalf("an object holds the secret outside the repository: %s", s)
			}
			Locate(r, nil) // must not panic
		}
		for _, m := range rendered.Messages {
			if bytes.Contains([]byte(m), []byte(secret)) {
				t.Fatalf("a message shows the secret: %s", m)
			}
		}
	})
}

const (
	cm    = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n"
	patch = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {c: d}\n"
)
