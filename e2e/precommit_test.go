package e2e

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestPreCommit installs this repository's hooks with the real pre-commit,
// as a user's .pre-commit-config.yaml would, and commits good, bad and
// stale files in a scratch repository.
func TestPreCommit(t *testing.T) {
	precommit := lookPath(t, "pre-commit")
	git := lookPath(t, "git")
	lookPath(t, "go")
	gitEnv := gitEnvironment(t)
	// pre-commit builds golang hooks in an isolated GOPATH; sharing the
	// module and build caches saves downloading and compiling every
	// dependency again.
	env := append(gitEnv,
		"PRE_COMMIT_HOME="+t.TempDir(),
		"GOMODCACHE="+goEnv(t, "GOMODCACHE"),
		"GOCACHE="+goEnv(t, "GOCACHE"),
		"GOTOOLCHAIN=local",
	)
	src, rev := snapshotRepo(t, git, gitEnv)

	repo := t.TempDir()
	mustRun := func(t *testing.T, name string, args ...string) runResult {
		t.Helper()
		res := command(t, repo, env, nil, name, args...)
		if res.code != 0 {
			t.Fatalf("%s %s: %v", name, strings.Join(args, " "), res)
		}
		return res
	}
	head := func(t *testing.T) string { return strings.TrimSpace(mustRun(t, git, "rev-parse", "HEAD").stdout) }

	mustRun(t, git, "init", "-q")
	copyDir(t, filepath.Join(examples, "generate"), repo)
	writeFile(t, filepath.Join(repo, "deploy/node-exporter.yaml"), cleanDaemonSet(t))
	writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), `repos:
  - repo: `+src+`
    rev: `+rev+`
    hooks:
      - id: everynode-lint
      - id: everynode-generate
`)
	mustRun(t, precommit, "install")
	mustRun(t, git, "add", "-A")

	t.Run("good files pass", func(t *testing.T) {
		res := command(t, repo, env, nil, git, "commit", "-m", "initial")
		if res.code != 0 {
			t.Fatalf("committing good files: %v", res)
		}
		if out := res.stdout + res.stderr; !regexp.MustCompile(`everynode lint\.+Passed`).MatchString(out) ||
			!regexp.MustCompile(`everynode generate\.+Passed`).MatchString(out) {
			t.Errorf("the hooks did not run and pass:\n%s", out)
		}
	})

	t.Run("bad manifest fails with file:line", func(t *testing.T) {
		before := head(t)
		writeFile(t, filepath.Join(repo, "deploy/agent.yaml"), badAgent(t))
		mustRun(t, git, "add", "deploy/agent.yaml")
		res := command(t, repo, env, nil, git, "commit", "-m", "bad")
		if res.code == 0 {
			t.Fatalf("a manifest with errors was committed: %v", res)
		}
		out := res.stdout + res.stderr
		for _, re := range []string{
			`everynode lint\.+Failed`,
			`deploy/agent\.yaml:\d+:\d+: error: selector does not match template labels.*\[selector-mismatch\]`,
		} {
			if !regexp.MustCompile(re).MatchString(out) {
				t.Errorf("output does not match %q:\n%s", re, out)
			}
		}
		if head(t) != before {
			t.Error("the commit was made")
		}
		mustRun(t, git, "rm", "-q", "-f", "deploy/agent.yaml")
	})

	t.Run("stale generated file fails and is rewritten", func(t *testing.T) {
		before := head(t)
		spec := filepath.Join(repo, "specs/node-exporter.yaml")
		writeFile(t, spec, strings.Replace(readFile(t, spec), "node-exporter:v1.8.2", "node-exporter:v1.9.0", 1))
		mustRun(t, git, "add", "specs/node-exporter.yaml")
		res := command(t, repo, env, nil, git, "commit", "-m", "bump")
		if res.code == 0 {
			t.Fatalf("a spec was committed without its generated manifest: %v", res)
		}
		if out := res.stdout + res.stderr; !regexp.MustCompile(`everynode generate\.+Failed`).MatchString(out) ||
			!strings.Contains(out, "files were modified by this hook") {
			t.Errorf("the generate hook did not fail for a rewrite:\n%s", out)
		}
		if head(t) != before {
			t.Error("the commit was made")
		}
		if got := readFile(t, filepath.Join(repo, "generated/node-exporter.yaml")); !strings.Contains(got, "node-exporter:v1.9.0") {
			t.Errorf("the generated manifest was not rewritten:\n%s", got)
		}
		// Staging the rewritten file makes the commit pass.
		mustRun(t, git, "add", "-A")
		if res := command(t, repo, env, nil, git, "commit", "-m", "bump"); res.code != 0 {
			t.Fatalf("committing the regenerated manifest: %v", res)
		}
	})

	t.Run("kustomize patch error fails at the patch's line", func(t *testing.T) {
		// pre-commit passes only the changed patch: the hook must render
		// the overlay that applies it.
		writeFile(t, filepath.Join(repo, "deploy/base/kustomization.yaml"), "resources: [daemonset.yaml]\n")
		writeFile(t, filepath.Join(repo, "deploy/base/daemonset.yaml"), cleanDaemonSet(t))
		writeFile(t, filepath.Join(repo, "deploy/overlays/prod/kustomization.yaml"),
			"resources: [../../base]\npatches:\n  - path: patch.yaml\n")
		patch := "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-exporter\n  namespace: monitoring\nspec:\n  minReadySeconds: 20\n"
		writeFile(t, filepath.Join(repo, "deploy/overlays/prod/patch.yaml"), patch)
		mustRun(t, git, "add", "-A")
		if res := command(t, repo, env, nil, git, "commit", "-m", "overlay"); res.code != 0 {
			t.Fatalf("committing a clean overlay: %v", res)
		}
		before := head(t)
		writeFile(t, filepath.Join(repo, "deploy/overlays/prod/patch.yaml"), patch+"  replicas: 3\n")
		mustRun(t, git, "add", "deploy/overlays/prod/patch.yaml")
		res := command(t, repo, env, nil, git, "commit", "-m", "replicas")
		if res.code == 0 {
			t.Fatalf("a patch that adds an error was committed: %v", res)
		}
		if out := res.stdout + res.stderr; !regexp.MustCompile(`deploy/overlays/prod/patch\.yaml:8:3: error: .*\[deployment-field-in-daemonset\]`).MatchString(out) {
			t.Errorf("the finding is not at the patch's line:\n%s", out)
		}
		if head(t) != before {
			t.Error("the commit was made")
		}
		writeFile(t, filepath.Join(repo, "deploy/overlays/prod/patch.yaml"), patch)
		mustRun(t, git, "add", "-A")
	})

	t.Run("a new spec's first commit fails until its manifest is staged", func(t *testing.T) {
		before := head(t)
		spec := readFile(t, filepath.Join(repo, "specs/node-exporter.yaml"))
		writeFile(t, filepath.Join(repo, "specs/agent.yaml"), strings.ReplaceAll(spec, "node-exporter", "agent"))
		mustRun(t, git, "add", "specs/agent.yaml")
		res := command(t, repo, env, nil, git, "commit", "-m", "new spec")
		if res.code == 0 {
			t.Fatalf("a new spec was committed without its generated manifest: %v", res)
		}
		if out := res.stdout + res.stderr; !regexp.MustCompile(`everynode generate\.+Failed`).MatchString(out) ||
			!strings.Contains(out, "wrote generated/agent.yaml") {
			t.Errorf("the generate hook did not fail for a new file:\n%s", out)
		}
		if head(t) != before {
			t.Error("the commit was made")
		}
		mustRun(t, git, "add", "-A")
		if res := command(t, repo, env, nil, git, "commit", "-m", "new spec"); res.code != 0 {
			t.Fatalf("committing the spec with its manifest: %v", res)
		}

		// Deleting the spec: the hook removes its manifest and fails
		// until the removal is staged.
		before = head(t)
		mustRun(t, git, "rm", "-q", "specs/agent.yaml")
		res = command(t, repo, env, nil, git, "commit", "-m", "drop spec")
		if res.code == 0 {
			t.Fatalf("a spec was deleted with its generated manifest left behind: %v", res)
		}
		if out := res.stdout + res.stderr; !strings.Contains(out, "removed generated/agent.yaml") {
			t.Errorf("the generate hook did not prune:\n%s", out)
		}
		if _, err := os.Stat(filepath.Join(repo, "generated/agent.yaml")); !os.IsNotExist(err) {
			t.Errorf("generated/agent.yaml is still there: %v", err)
		}
		if head(t) != before {
			t.Error("the commit was made")
		}
		mustRun(t, git, "add", "-A")
		if res := command(t, repo, env, nil, git, "commit", "-m", "drop spec"); res.code != 0 {
			t.Fatalf("committing the pruned output: %v", res)
		}
	})

	t.Run("system hooks", func(t *testing.T) {
		writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), `repos:
  - repo: `+src+`
    rev: `+rev+`
    hooks:
      - id: everynode-lint-system
      - id: everynode-generate-system
`)
		writeFile(t, filepath.Join(repo, "deploy/agent.yaml"), badAgent(t))
		res := command(t, repo, env, nil, precommit, "run", "--files", "deploy/agent.yaml", "deploy/node-exporter.yaml")
		if res.code == 0 {
			t.Fatalf("everynode-lint-system passed a bad manifest: %v", res)
		}
		if out := res.stdout + res.stderr; !regexp.MustCompile(`deploy/agent\.yaml:\d+:\d+: error: .*\[selector-mismatch\]`).MatchString(out) {
			t.Errorf("output lacks the finding:\n%s", out)
		}
		if err := os.Remove(filepath.Join(repo, "deploy/agent.yaml")); err != nil {
			t.Fatal(err)
		}
		if res := command(t, repo, env, nil, precommit, "run", "--all-files"); res.code != 0 {
			t.Errorf("the system hooks failed on good files: %v", res)
		}
	})
}

// gitEnvironment isolates git from the user's configuration and gives it
// an identity.
func gitEnvironment(t *testing.T) []string {
	cfg := filepath.Join(t.TempDir(), "gitconfig")
	writeFile(t, cfg, "[init]\n\tdefaultBranch = main\n")
	return []string{
		"GIT_CONFIG_GLOBAL=" + cfg, "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=everynode e2e", "GIT_AUTHOR_EMAIL=e2e@everynode.invalid",
		"GIT_COMMITTER_NAME=everynode e2e", "GIT_COMMITTER_EMAIL=e2e@everynode.invalid",
	}
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// snapshotRepo commits the working tree of this repository (committed or
// not: the hooks under test are the ones in the tree) into a new git
// repository, which pre-commit clones like any hook repository.
func snapshotRepo(t *testing.T, git string, env []string) (dir, rev string) {
	t.Helper()
	dir = t.TempDir()
	var files []string
	ls := exec.Command(git, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	ls.Dir = repoRoot
	if out, err := ls.Output(); err == nil {
		for f := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
			files = append(files, filepath.FromSlash(f))
		}
	} else {
		// Not a git checkout (a source archive): take every file.
		err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".git" {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				rel, _ := filepath.Rel(repoRoot, p)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			if os.IsNotExist(err) {
				continue // deleted in the working tree, not yet in the index
			}
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, f), string(data))
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"commit", "-q", "-m", "snapshot"}} {
		if res := command(t, dir, env, nil, git, args...); res.code != 0 {
			t.Fatalf("git %s: %v", strings.Join(args, " "), res)
		}
	}
	res := command(t, dir, env, nil, git, "rev-parse", "HEAD")
	return dir, strings.TrimSpace(res.stdout)
}
