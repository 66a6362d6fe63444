package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/app"
	"github.com/everynode/everynode/internal/safetext"
)

// The attack corpus: testdata/attacks/<name>/, one attack each, as a pull
// request would make it with nothing but files in a repository. Each
// directory holds repo/ (the repository's files) and attack.yaml:
//
//	what: what the attack tries
//	setup: what git cannot hold, made at test time (see attackSetup)
//	run: [lint, k]        everynode's arguments, run at the repository root
//	stdin: FILE           standard input (for fn), relative to the directory
//	exit: 1               the exit code
//	findings:             lint only: "file:line:col rule" that the json
//	  - k/kustomization.yaml:2:3 kustomize-path    report must hold
//	stdout: [REGEXP]      must match standard output
//	stderr: [REGEXP]      must match standard error
//
// In repo/ files, $LISTENER is replaced by the address of a local TCP
// listener. Next to the repository the test puts what an attacker would
// like to read: canary-secret.yaml and outside/ (a kustomization, a Daemon
// spec, an output directory), each holding a secret made for the run.
//
// Every attack runs twice: in-process (app.Run, without the process
// sandbox: the first wall, everynode's own resolution, must hold alone)
// and through the built binary (which installs the sandbox). Both times
// the test fails on any program run (fake git, sh, helm, kustomize ...
// first on PATH write a canary), any connection to the listener, any
// HTTP request or DNS lookup through the process defaults (in-process),
// any secret, /etc/passwd line or environment value in any output, any
// control character raw in any output format, and any line a CI log
// would read as a command.
func TestAttacks(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the corpus uses symbolic links, named pipes and shell scripts")
	}
	dirs, err := filepath.Glob(filepath.Join(repoRoot, "testdata", "attacks", "*", "attack.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no attacks: %v", err)
	}
	bin := filepath.Join(binDir, "everynode")
	env := newAttackEnv(t)
	for _, spec := range dirs {
		dir := filepath.Dir(spec)
		a := readAttack(t, spec)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for _, mode := range []string{"in-process", "binary"} {
				t.Run(mode, func(t *testing.T) {
					env.run(t, dir, a, mode, bin)
				})
			}
		})
	}
}

type attack struct {
	What     string           `yaml:"what"`
	Setup    []map[string]any `yaml:"setup"`
	Run      []string         `yaml:"run"`
	Stdin    string           `yaml:"stdin"`
	Exit     int              `yaml:"exit"`
	Findings []string         `yaml:"findings"`
	Stdout   []string         `yaml:"stdout"`
	Stderr   []string         `yaml:"stderr"`
}

func readAttack(t *testing.T, path string) attack {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var a attack
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if a.What == "" || len(a.Run) == 0 {
		t.Fatalf("%s: what and run are required", path)
	}
	return a
}

// attackEnv is what every attack shares: the fake programs, the
// listener, the secrets.
type attackEnv struct {
	fakeBin  string
	canary   string // a fake program appends its name here when run
	secret   string // in every file outside the repository
	envValue string // in the environment (/proc/self/environ)
	listener net.Listener
	accepted atomic.Int64
}

func newAttackEnv(t *testing.T) *attackEnv {
	t.Helper()
	base := t.TempDir()
	e := &attackEnv{fakeBin: filepath.Join(base, "bin"), canary: filepath.Join(base, "ran"), secret: "CANARY-" + randomHex(t), envValue: "ENVCANARY-" + randomHex(t)}
	if err := os.Mkdir(e.fakeBin, 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\necho \"$0 $*\" >> '" + e.canary + "'\nexit 1\n"
	for _, name := range []string{"git", "sh", "bash", "helm", "kustomize", "kubectl", "curl", "wget", "ssh", "go", "kpt", "docker"} {
		if err := os.WriteFile(filepath.Join(e.fakeBin, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip("no local TCP:", err)
	}
	e.listener = l
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			e.accepted.Add(1)
			c.Close()
		}
	}()
	return e
}

func randomHex(t *testing.T) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// prepare makes a fresh copy of the attack's repository with the
// secrets next to it, and returns the repository's directory.
func (e *attackEnv) prepare(t *testing.T, dir string, a attack) string {
	t.Helper()
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	if err := os.CopyFS(repo, os.DirFS(filepath.Join(dir, "repo"))); err != nil {
		t.Fatal(err)
	}
	// A checkout: the repository is the root everything must stay in.
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(repo, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte("$LISTENER")) {
			return os.WriteFile(p, bytes.ReplaceAll(data, []byte("$LISTENER"), []byte(e.listener.Addr().String())), 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	secretCM := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: default}\ndata: {secret: %s}\n", strings.ToLower(e.secret), e.secret)
	files := map[string]string{
		"canary-secret.yaml":                 secretCM,
		"outside/secret.yaml":                secretCM,
		"outside/kustomization.yaml":         "# " + e.secret + "\nresources: [secret.yaml]\n",
		"outside/base/kustomization.yaml":    "# " + e.secret + "\nresources: [../secret.yaml]\n",
		"outside/daemon.yaml":                fmt.Sprintf("apiVersion: everynode.dev/v1alpha1\nkind: Daemon\nmetadata: {name: agent, namespace: %s}\nspec: {image: %s}\n", strings.ToLower(e.secret), e.secret),
		"outside/out/agent.yaml":             "# " + e.secret + "\n",
		"outside/env":                        "SECRET=" + e.secret + "\n",
		"outside/secret.conf":                e.secret + "\n",
		"outside/.everynode.yaml":            "apiVersion: everynode.dev/v1alpha1\nkind: Config\n# " + e.secret + "\n",
		"outside/deep/er/kustomization.yaml": "# " + e.secret + "\nresources: [../../secret.yaml]\n",
	}
	for name, data := range files {
		p := filepath.Join(base, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, step := range a.Setup {
		attackSetup(t, repo, step)
	}
	return repo
}

// attackSetup makes what git cannot hold (or a checkout should not):
//
//	symlink: {path: P, target: T}   a symbolic link
//	fifo: P                         a named pipe
//	rename: {from: A, to: B}        a file name with control characters
//	mkdir: P                        a directory (names git cannot hold on every system)
//	write: {path: P, content: C}    a file under such a name
//	sparse: {path: P, size: N}      a file of N bytes that takes no disk space
//	tinydocs: {path: P, size: N}    N bytes of "---\na: 1\n"
func attackSetup(t *testing.T, repo string, step map[string]any) {
	t.Helper()
	str := func(v any, key string) string {
		if m, ok := v.(map[string]any); ok {
			s, _ := m[key].(string)
			return s
		}
		s, _ := v.(string)
		return s
	}
	num := func(v any, key string) int64 {
		m, _ := v.(map[string]any)
		n, _ := m[key].(int)
		return int64(n)
	}
	in := func(p string) string { return filepath.Join(repo, filepath.FromSlash(p)) }
	for op, v := range step {
		var err error
		switch op {
		case "symlink":
			err = os.Symlink(str(v, "target"), in(str(v, "path")))
		case "fifo":
			err = mkfifo(in(str(v, "")))
		case "rename":
			err = os.Rename(in(str(v, "from")), in(str(v, "to")))
		case "mkdir":
			err = os.MkdirAll(in(str(v, "")), 0o755)
		case "write":
			err = os.WriteFile(in(str(v, "path")), []byte(str(v, "content")), 0o644)
		case "sparse":
			var f *os.File
			if f, err = os.Create(in(str(v, "path"))); err == nil {
				err = errors.Join(f.Truncate(num(v, "size")), f.Close())
			}
		case "tinydocs":
			size := num(v, "size")
			doc := []byte("---\na: 1\n")
			err = os.WriteFile(in(str(v, "path")), bytes.Repeat(doc, int(size)/len(doc)), 0o644)
		default:
			t.Fatalf("unknown setup step %q", op)
		}
		if err != nil {
			t.Fatalf("setup %s %v: %v", op, v, err)
		}
	}
}

// output is one output of a run, and what it is.
type output struct {
	name string
	data []byte
	// log: printed to a terminal or a CI log (text, github, standard
	// streams), where a line must not start a command.
	log bool
	// json: escapes everything itself; only its newlines are raw.
	json bool
}

// run runs one attack one way and checks everything.
func (e *attackEnv) run(t *testing.T, dir string, a attack, mode, bin string) {
	repo := e.prepare(t, dir, a)
	outDir := t.TempDir()
	args := slices.Clone(a.Run)
	lint := args[0] == "lint"
	formats := map[string]string{}
	if lint {
		var flags []string
		for _, f := range []string{"json", "sarif", "junit", "github", "markdown", "text"} {
			formats[f] = filepath.Join(outDir, "report."+f)
			flags = append(flags, "--format", f+"="+formats[f])
		}
		args = append(append([]string{"lint"}, flags...), args[1:]...)
	}
	var stdin []byte
	if a.Stdin != "" {
		var err error
		if stdin, err = os.ReadFile(filepath.Join(dir, a.Stdin)); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("EVERYNODE_ENV_CANARY", e.envValue)
	t.Setenv("PATH", e.fakeBin)
	t.Setenv("NO_COLOR", "1")
	before := e.accepted.Load()
	os.Remove(e.canary)

	var stdout, stderr bytes.Buffer
	code := 0
	switch mode {
	case "in-process":
		restore := e.guardNetwork(t)
		wd := args[0]
		if wd == "lint" || wd == "generate" {
			args = append([]string{args[0], "--workdir", repo}, args[1:]...)
		}
		chdir(t, repo)
		code = app.Run(append([]string{"everynode"}, args...), bytes.NewReader(stdin), &stdout, &stderr)
		restore()
	case "binary":
		cmd := exec.Command(bin, args...)
		cmd.Dir = repo
		cmd.Env = []string{"PATH=" + e.fakeBin, "HOME=" + outDir, "NO_COLOR=1", "EVERYNODE_ENV_CANARY=" + e.envValue}
		cmd.Stdin = bytes.NewReader(stdin)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			code = ee.ExitCode()
		case err != nil:
			t.Fatal(err)
		}
	}

	outs := []output{{name: "stdout", data: stdout.Bytes(), log: args[0] != "fn"}, {name: "stderr", data: stderr.Bytes(), log: true}}
	for f, p := range formats {
		data, err := os.ReadFile(p)
		if err != nil {
			if code != 2 { // a usage error (a bad configuration) writes none
				t.Errorf("no %s report: %v", f, err)
			}
			continue
		}
		outs = append(outs, output{name: f, data: data, log: f == "text" || f == "github", json: f == "json" || f == "sarif"})
	}
	show := func() string {
		var b strings.Builder
		for _, o := range outs {
			fmt.Fprintf(&b, "--- %s\n%s\n", o.name, o.data)
		}
		return b.String()
	}

	if data, err := os.ReadFile(e.canary); err == nil {
		t.Errorf("a program ran: %s", data)
	}
	if n := e.accepted.Load() - before; n != 0 {
		t.Errorf("%d connections to the listener", n)
	}
	if code != a.Exit {
		t.Errorf("exit %d, want %d\n%s", code, a.Exit, show())
	}
	for _, o := range outs {
		e.checkOutput(t, o)
	}
	if lint {
		e.checkFindings(t, a, formats["json"], show)
	}
	for _, re := range a.Stdout {
		if !regexp.MustCompile(re).Match(stdout.Bytes()) {
			t.Errorf("stdout does not match %q:\n%s", re, stdout.Bytes())
		}
	}
	for _, re := range a.Stderr {
		if !regexp.MustCompile(re).Match(stderr.Bytes()) {
			t.Errorf("stderr does not match %q:\n%s", re, stderr.Bytes())
		}
	}
	// Nothing may have been written outside the repository.
	if data, err := os.ReadFile(filepath.Join(filepath.Dir(repo), "outside", "out", "agent.yaml")); err != nil || string(data) != "# "+e.secret+"\n" {
		t.Errorf("the file outside the repository was changed: %q, %v", data, err)
	}
}

var passwdLine = regexp.MustCompile(`root:[^:\n]*:0:0:`)

func (e *attackEnv) checkOutput(t *testing.T, o output) {
	t.Helper()
	for _, leak := range []string{e.secret, strings.ToLower(e.secret), e.envValue} {
		if bytes.Contains(o.data, []byte(leak)) {
			t.Errorf("%s shows what is outside the repository (%s):\n%s", o.name, leak, o.data)
		}
	}
	if passwdLine.Match(o.data) {
		t.Errorf("%s shows /etc/passwd:\n%s", o.name, o.data)
	}
	s := string(o.data)
	if i := strings.IndexFunc(s, func(r rune) bool { return safetext.Unsafe(r) && r != '\n' && (r != '\t' || o.json) }); i >= 0 {
		t.Errorf("%s holds a raw control or format character at byte %d: %q", o.name, i, s[max(0, i-40):min(len(s), i+40)])
	}
	if !o.log {
		return
	}
	for _, line := range strings.Split(s, "\n") {
		trimmed := strings.TrimLeft(line, " \t")
		if strings.HasPrefix(trimmed, "::") && !annotation.MatchString(trimmed) {
			t.Errorf("%s: a line a CI log reads as a command: %q", o.name, line)
		}
		if strings.Contains(line, "##[") || strings.HasPrefix(trimmed, "##") {
			t.Errorf("%s: a line GitHub's runner reads as a command: %q", o.name, line)
		}
	}
}

// annotation is the one command everynode writes: an annotation whose
// properties and data GitHub's escaping keeps on one line.
var annotation = regexp.MustCompile(`^::(error|warning|notice) (file=[^,:]*(,line=\d+(,col=\d+)?)?,)?title=everynode(%3A [a-z-]+)?::[^\r\n]*$`)

func (e *attackEnv) checkFindings(t *testing.T, a attack, jsonFile string, show func() string) {
	t.Helper()
	data, err := os.ReadFile(jsonFile)
	if err != nil {
		return // reported already
	}
	var rep struct {
		Findings []struct {
			Rule         string
			File         string
			Line, Column int
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatalf("json report: %v", err)
	}
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%s:%d:%d %s", f.File, f.Line, f.Column, f.Rule))
	}
	for _, want := range a.Findings {
		if !slices.Contains(got, want) {
			t.Errorf("no finding %s among:\n%s\n%s", want, strings.Join(got, "\n"), show())
		}
	}
}

// guardNetwork replaces the process's HTTP transport and resolver with
// ones that fail and count, for an in-process run.
func (e *attackEnv) guardNetwork(t *testing.T) func() {
	var tried atomic.Int64
	prevT, prevC, prevR := http.DefaultTransport, http.DefaultClient, net.DefaultResolver
	http.DefaultTransport = roundTripFunc(func(*http.Request) (*http.Response, error) {
		tried.Add(1)
		return nil, errors.New("no network in tests")
	})
	http.DefaultClient = &http.Client{Transport: http.DefaultTransport}
	net.DefaultResolver = &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		tried.Add(1)
		return nil, errors.New("no network in tests")
	}}
	return func() {
		http.DefaultTransport, http.DefaultClient, net.DefaultResolver = prevT, prevC, prevR
		if n := tried.Load(); n != 0 {
			t.Errorf("%d HTTP requests or DNS lookups were attempted", n)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// chdir makes dir the working directory for an in-process run (everynode
// takes --workdir, but a kustomization is found from the process's).
func chdir(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
}
