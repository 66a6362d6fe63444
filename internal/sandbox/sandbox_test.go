package sandbox

import (
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// build runs kustomize as `kustomize build` would, on an in-memory
// kustomization: the sandbox is the wall behind everynode's own
// resolution of entries, so here kustomize is given remote entries
// directly, as if that resolution had missed one.
func build(t *testing.T, resources ...string) error {
	t.Helper()
	fsys := filesys.MakeFsInMemory()
	k := "resources:\n"
	for _, r := range resources {
		k += "- " + r + "\n"
	}
	if err := fsys.WriteFile("/k/kustomization.yaml", []byte(k)); err != nil {
		t.Fatal(err)
	}
	_, err := krusty.MakeKustomizer(&krusty.Options{
		LoadRestrictions: types.LoadRestrictionsRootOnly,
		PluginConfig:     types.DisabledPluginConfig(),
	}).Run(fsys, "/k")
	return err
}

// TestSandbox proves each half of the wall twice: kustomize, given a git
// repository, runs the git it finds on PATH (a fake one that leaves a
// canary), and given a URL, connects to a local listener; after Install,
// neither happens.
func TestSandbox(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a shell script stands in for git")
	}
	dir := t.TempDir()
	canary := filepath.Join(dir, "canary")
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$0 $*\" >> '" + canary + "'\nexit 1\n"
	for _, name := range []string{"git", "helm", "sh", "kustomize"} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", bin)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no local TCP:", err)
	}
	defer l.Close()
	var accepted atomic.Int64
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	gitEntry := "git@127.0.0.1:org/repo?ref=--upload-pack=touch%20pwned"
	urlEntry := "http://" + l.Addr().String() + "/x.yaml"

	// Without the sandbox: the probes work.
	_ = build(t, gitEntry)
	if data, err := os.ReadFile(canary); err != nil || !strings.Contains(string(data), "git") {
		t.Fatalf("kustomize did not run the fake git (%v): the probe is broken", err)
	}
	_ = build(t, urlEntry)
	if accepted.Load() == 0 {
		t.Fatal("kustomize did not connect: the probe is broken")
	}
	if err := os.Remove(canary); err != nil {
		t.Fatal(err)
	}
	before := accepted.Load()

	Install()
	if os.Getenv("PATH") != "" {
		t.Errorf("PATH = %q", os.Getenv("PATH"))
	}
	if err := build(t, gitEntry); err == nil {
		t.Error("a git repository was built")
	}
	if _, err := os.Stat(canary); err == nil {
		data, _ := os.ReadFile(canary)
		t.Errorf("a program ran inside the sandbox: %s", data)
	}
	if err := build(t, urlEntry); err == nil {
		t.Error("a URL was built")
	}
	if n := accepted.Load() - before; n != 0 {
		t.Errorf("%d connections inside the sandbox", n)
	}
	if _, err := http.Get(urlEntry); !errors.Is(err, ErrNetwork) {
		t.Errorf("http.Get: %v, want ErrNetwork", err)
	}
	if _, err := net.DefaultResolver.LookupHost(t.Context(), "example.com"); err == nil {
		t.Error("a DNS lookup succeeded")
	}
}
