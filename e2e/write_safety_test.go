package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cli starts everynode as a process in dir.
func cli(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "EVERYNODE_CLI=1", "NO_COLOR=1")
	return cmd
}

// writeSpecs writes n Daemon specs whose output is about 8 KiB each (a
// config file), differing by version.
func writeSpecs(t *testing.T, dir string, n int, version string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := strings.Repeat("        setting = \""+version+"\"\n", 400)
	for i := range n {
		spec := fmt.Sprintf(`apiVersion: everynode.dev/v1alpha1
kind: Daemon
metadata:
  name: agent-%03d
  namespace: agents
spec:
  image: registry.example.com/agent:%s
  resources: {cpu: 10m, memory: 32Mi}
  config:
    mountPath: /etc/agent
    files:
      agent.conf: |
%s`, i, version, conf)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("agent-%03d.yaml", i)), []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readOutputFiles returns the files of an output directory by name.
func readOutputFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func mustRun(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
	}
}

// TestGenerateKilledMidWrite starts `everynode generate -o out` on 80
// specs whose outputs all change, kills it (SIGKILL) at a random moment,
// and checks that every output file holds either its old content or its
// new content, whole. A run killed between creating a temporary file and
// renaming it leaves that file; the next run removes it.
func TestGenerateKilledMidWrite(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL")
	}
	const specs, rounds = 80, 10
	base := t.TempDir()
	// The two versions of every output, made without interruption.
	want := map[string]map[string][]byte{}
	for _, v := range []string{"v1", "v2"} {
		writeSpecs(t, filepath.Join(base, "specs-"+v), specs, v)
		mustRun(t, cli(t, base, "generate", "-o", "ref-"+v, "specs-"+v))
		want[v] = readOutputFiles(t, filepath.Join(base, "ref-"+v))
		if len(want[v]) != specs {
			t.Fatalf("%s: %d outputs, want %d", v, len(want[v]), specs)
		}
	}
	// The specs' own paths appear in the output headers: generate from one
	// directory whose content switches between the versions.
	specDir := filepath.Join(base, "specs")
	out := filepath.Join(base, "out")
	writeSpecs(t, specDir, specs, "v1")
	mustRun(t, cli(t, base, "generate", "-o", "out", "specs"))
	for name, b := range readOutputFiles(t, out) {
		// The header names the spec relative to the output: the same in
		// out/ and ref-v1/, since both are beside their spec directory.
		if !bytes.Equal(b, bytes.Replace(want["v1"][name], []byte("specs-v1/"), []byte("specs/"), 1)) {
			t.Fatalf("%s: first run differs from the reference", name)
		}
	}
	norm := func(v, name string) []byte {
		return bytes.Replace(want[v][name], []byte("specs-"+v+"/"), []byte("specs/"), 1)
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	version := "v1"
	killedMidWrite, temps := 0, 0
	for round := range rounds {
		version = map[string]string{"v1": "v2", "v2": "v1"}[version]
		writeSpecs(t, specDir, specs, version)
		before := modTimes(t, out)
		cmd := cli(t, base, "generate", "-o", "out", "specs")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Reading and rendering the specs takes longer than writing them:
		// wait for the first write, then kill within the next 30ms.
		started := time.Now()
		for !changed(before, modTimes(t, out)) && time.Since(started) < 20*time.Second {
			time.Sleep(200 * time.Microsecond)
		}
		delay := time.Duration(rng.IntN(30_000)) * time.Microsecond
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()

		files := readOutputFiles(t, out)
		counts := map[string]int{}
		for name, b := range files {
			switch {
			case strings.HasPrefix(name, "."):
				if _, ok := want["v1"][strings.TrimPrefix(strings.SplitN(name, ".tmp-", 2)[0], ".")]; !ok {
					t.Errorf("round %d: unexpected file %s", round, name)
				}
				counts["temp"]++
			case bytes.Equal(b, norm("v1", name)):
				counts["v1"]++
			case bytes.Equal(b, norm("v2", name)):
				counts["v2"]++
			default:
				t.Fatalf("round %d (killed %s after the first write): %s holds %d bytes that are neither version", round, delay, name, len(b))
			}
		}
		if counts["v1"]+counts["v2"] != specs {
			t.Fatalf("round %d: %d whole outputs, want %d: %v", round, counts["v1"]+counts["v2"], specs, counts)
		}
		if counts["v1"] > 0 && counts["v2"] > 0 {
			killedMidWrite++
		}
		temps += counts["temp"]
		t.Logf("round %d: killed %s after the first write: %v", round, delay, counts)
	}
	t.Logf("%d of %d runs were killed with some files written and others not; %d temporary files were left", killedMidWrite, rounds, temps)

	// A full run finishes the job and leaves no temporary file.
	mustRun(t, cli(t, base, "generate", "-o", "out", "specs"))
	for name, b := range readOutputFiles(t, out) {
		if strings.HasPrefix(name, ".") {
			t.Errorf("temporary file left after a full run: %s", name)
		} else if !bytes.Equal(b, norm(version, name)) {
			t.Errorf("%s is not the %s output after a full run", name, version)
		}
	}
}

// modTimes returns the modification time of every file in dir, temporary
// files included.
func modTimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := make(map[string]time.Time, len(entries))
	for _, e := range entries {
		if fi, err := e.Info(); err == nil {
			m[e.Name()] = fi.ModTime()
		}
	}
	return m
}

func changed(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return true
	}
	for name, t := range a {
		if !b[name].Equal(t) {
			return true
		}
	}
	return false
}
