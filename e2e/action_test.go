package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/everynode/everynode/internal/app"

	yaml "go.yaml.in/yaml/v3"
)

// action is the part of action.yml the tests read.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	ID               string            `yaml:"id"`
	Name             string            `yaml:"name"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Shell            string            `yaml:"shell"`
	Run              string            `yaml:"run"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
}

func loadAction(t *testing.T) *action {
	t.Helper()
	var a action
	if err := yaml.Unmarshal([]byte(readFile(t, filepath.Join(repoRoot, "action.yml"))), &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) == 0 {
		t.Fatalf("action.yml is not a composite action with steps: %+v", a.Runs)
	}
	return &a
}

var expression = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// TestActionScripts checks what actionlint cannot, since it does not lint
// action.yml: no run: script contains an expression (inputs reach scripts
// only through env:, so nothing can inject shell code), every script is
// bash that shellcheck accepts, and every input is used and every
// expression names an input or step that exists.
func TestActionScripts(t *testing.T) {
	a := loadAction(t)
	used := map[string]bool{}
	ids := map[string]bool{}
	for i, s := range a.Runs.Steps {
		name := cmpOr(s.ID, s.Name, fmt.Sprint(i))
		var exprs []string
		for _, v := range s.Env {
			exprs = append(exprs, v)
		}
		for _, v := range s.With {
			exprs = append(exprs, v)
		}
		exprs = append(exprs, s.If, s.WorkingDirectory)
		for _, e := range exprs {
			for _, m := range expression.FindAllStringSubmatch(e, -1) {
				checkExpression(t, a, ids, used, name, m[1])
			}
		}
		if strings.HasPrefix(s.If, "inputs.") {
			checkExpression(t, a, ids, used, name, strings.Fields(s.If)[0])
		}
		if s.ID != "" {
			ids[s.ID] = true
		}
		if s.Run == "" {
			continue
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %s: run: contains an expression; pass it through env: instead", name)
		}
		if s.Shell != "bash" {
			t.Errorf("step %s: shell is %q, want bash", name, s.Shell)
		}
	}
	for name := range a.Inputs {
		if !used[name] {
			t.Errorf("input %s is never used", name)
		}
	}
	for name, o := range a.Outputs {
		for _, m := range expression.FindAllStringSubmatch(o.Value, -1) {
			checkExpression(t, a, ids, used, "output "+name, m[1])
		}
	}

	t.Run("shellcheck", func(t *testing.T) {
		shellcheck := lookPath(t, "shellcheck")
		for i, s := range a.Runs.Steps {
			if s.Run == "" {
				continue
			}
			script := filepath.Join(t.TempDir(), fmt.Sprintf("step%d.sh", i))
			writeFile(t, script, "#!/bin/bash\n"+s.Run)
			if res := command(t, repoRoot, nil, nil, shellcheck, "--shell=bash", script); res.code != 0 {
				t.Errorf("step %s: %v", cmpOr(s.ID, s.Name), res)
			}
		}
	})
}

func checkExpression(t *testing.T, a *action, ids, used map[string]bool, where, e string) {
	t.Helper()
	switch parts := strings.Split(e, "."); {
	case parts[0] == "inputs" && len(parts) == 2:
		if _, ok := a.Inputs[parts[1]]; !ok {
			t.Errorf("%s: no input %q", where, parts[1])
		}
		used[parts[1]] = true
	case parts[0] == "steps" && len(parts) == 4 && parts[2] == "outputs":
		if !ids[parts[1]] && !strings.HasPrefix(where, "output ") {
			t.Errorf("%s: no earlier step %q", where, parts[1])
		}
	case e == "github.action_path":
	default:
		t.Errorf("%s: expression %q: keep the action to inputs.*, steps.*.outputs.* and github.action_path (the simulation evaluates only those)", where, e)
	}
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// runner runs the action's run: steps as GitHub's runner would, in a
// workspace: the uses: steps (actions/setup-go) are skipped, the Go on
// PATH builds everynode from this repository.
type runner struct {
	t         *testing.T
	a         *action
	workspace string
	temp      string
	summary   string
	inputs    map[string]string
	env       map[string]string
	outputs   map[string]map[string]string
	stdout    strings.Builder
}

func (r *runner) eval(e string) string {
	parts := strings.Split(e, ".")
	switch {
	case parts[0] == "inputs":
		if v, ok := r.inputs[parts[1]]; ok {
			return v
		}
		return r.a.Inputs[parts[1]].Default
	case parts[0] == "steps":
		return r.outputs[parts[1]][parts[3]]
	case e == "github.action_path":
		return repoRoot
	}
	r.t.Fatalf("cannot evaluate ${{ %s }}", e)
	return ""
}

func (r *runner) expand(s string) string {
	return expression.ReplaceAllStringFunc(s, func(m string) string {
		return r.eval(expression.FindStringSubmatch(m)[1])
	})
}

// run runs every step in order, stopping at the first that fails, and
// returns that step's exit status and the action's outputs.
func (r *runner) run() (int, map[string]string) {
	t := r.t
	for i, s := range r.a.Runs.Steps {
		if s.Uses != "" {
			t.Logf("skipping step %q (uses %s)", s.Name, s.Uses)
			continue
		}
		if s.If != "" {
			t.Fatalf("step %q: the simulation does not evaluate if:", s.Name)
		}
		script := filepath.Join(r.temp, fmt.Sprintf("step%d.sh", i))
		writeFile(t, script, s.Run)
		outFile := filepath.Join(r.temp, fmt.Sprintf("output%d", i))
		writeFile(t, outFile, "")
		env := []string{
			"GITHUB_WORKSPACE=" + r.workspace,
			"GITHUB_ACTION_PATH=" + repoRoot,
			"GITHUB_OUTPUT=" + outFile,
			"GITHUB_STEP_SUMMARY=" + r.summary,
			"RUNNER_TEMP=" + r.temp,
			"RUNNER_OS=Linux",
			"GITHUB_ACTIONS=true",
			"CI=true",
		}
		for k, v := range r.env {
			env = append(env, k+"="+v)
		}
		for k, v := range s.Env {
			env = append(env, k+"="+r.expand(v))
		}
		// GitHub runs shell: bash as this command.
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.workspace
		if s.WorkingDirectory != "" {
			cmd.Dir = filepath.Join(r.workspace, r.expand(s.WorkingDirectory))
		}
		cmd.Env = append(hostEnv(), env...)
		out, err := cmd.CombinedOutput()
		r.stdout.Write(out)
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("step %q: %v", s.Name, err)
			}
			code = ee.ExitCode()
		}
		if s.ID != "" {
			r.outputs[s.ID] = readOutputs(t, outFile)
		}
		if code != 0 {
			return code, r.actionOutputs()
		}
	}
	return 0, r.actionOutputs()
}

func (r *runner) actionOutputs() map[string]string {
	out := map[string]string{}
	for name, o := range r.a.Outputs {
		out[name] = r.expand(o.Value)
	}
	return out
}

// hostEnv is the test's environment without anything a real runner or CI
// set, so the simulation sees only what it sets itself.
func hostEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GITHUB_") || strings.HasPrefix(kv, "RUNNER_") || strings.HasPrefix(kv, "INPUT_") {
			continue
		}
		env = append(env, kv)
	}
	return env
}

// readOutputs parses a $GITHUB_OUTPUT file: name=value lines and
// name<<DELIMITER blocks.
func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var lines []string
			for sc.Scan() && sc.Text() != delim {
				lines = append(lines, sc.Text())
			}
			out[name] = strings.Join(lines, "\n")
			continue
		}
		if name, value, ok := strings.Cut(line, "="); ok {
			out[name] = value
			continue
		}
		t.Errorf("malformed $GITHUB_OUTPUT line %q", line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestActionSimulated runs the action's scripts in a simulated runner on a
// clean and a failing repository, and checks annotations, the job summary,
// SARIF and the outputs.
func TestActionSimulated(t *testing.T) {
	lookPath(t, "bash")
	lookPath(t, "go")
	a := loadAction(t)
	type want struct {
		code    int
		outputs map[string]string
		// log, noLog and summary are regexps the log must (not) match,
		// and the summary must match.
		log, noLog, summary []string
		// files are files the workspace must hold afterwards, with a
		// regexp each must match.
		files map[string]string
	}
	tests := []struct {
		name    string
		repo    string
		prepare func(t *testing.T, workspace string)
		inputs  map[string]string
		// env is the runner's environment besides its own (GITHUB_BASE_REF
		// on a pull request).
		env  map[string]string
		want want
	}{
		{
			name:   "clean",
			repo:   "action/clean",
			inputs: map[string]string{"working-directory": "deploy", "sarif-file": "reports/everynode.sarif"},
			want: want{
				outputs: map[string]string{"errors": "0", "warnings": "0", "infos": "0", "sarif-file": "reports/everynode.sarif"},
				log:     []string{`(?m)^everynode: `},
				noLog:   []string{`::(error|warning)`},
				summary: []string{`everynode`},
				files:   map[string]string{"reports/everynode.sarif": `"version":\s*"2\.1\.0"`},
			},
		},
		{
			name: "failing",
			repo: "action/failing",
			inputs: map[string]string{"working-directory": "deploy/", "sarif-file": "everynode.sarif",
				"format": "json=reports/everynode.json\njunit=reports/everynode.xml"},
			want: want{
				code: 1,
				// deploy/.everynode.yaml, found from working-directory,
				// makes missing-readiness-probe the third error.
				outputs: map[string]string{"errors": "3", "warnings": "4", "infos": "8", "sarif-file": "everynode.sarif"},
				log: []string{
					`(?m)^::error file=deploy/agent\.yaml,line=\d+,col=\d+,title=everynode%3A selector-mismatch::selector does not match`,
					`(?m)^::error file=deploy/agent\.yaml,line=\d+,col=\d+,title=everynode%3A missing-readiness-probe::`,
					`(?m)^::warning file=deploy/agent\.yaml,`,
				},
				summary: []string{`deploy/agent\.yaml:\d+`, `selector-mismatch`},
				files: map[string]string{
					"everynode.sarif":        `"uri":\s*"deploy/agent\.yaml"`,
					"reports/everynode.json": `"rule":\s*"selector-mismatch"`,
					"reports/everynode.xml":  `<testsuites`,
				},
			},
		},
		{
			// No comma in a case name: RUNNER_TEMP is made from it, and
			// everynode lint splits --format values at commas.
			name:   "fail-on none and text in the log",
			repo:   "action/failing",
			inputs: map[string]string{"working-directory": "deploy", "fail-on": "none", "annotations": "false", "summary": "false"},
			want: want{
				outputs: map[string]string{"errors": "3", "sarif-file": ""},
				log:     []string{`(?m)^deploy/agent\.yaml:\d+:\d+: error: selector does not match`},
				noLog:   []string{`::error`},
			},
		},
		{
			name:   "args and paths",
			repo:   "action/failing",
			inputs: map[string]string{"paths": "deploy/agent.yaml", "args": "--disable selector-mismatch --disable deployment-field-in-daemonset"},
			want: want{
				// No config is found from the repository root; without
				// the rule, the schema reports replicas.
				code:    1,
				outputs: map[string]string{"errors": "1", "warnings": "5"},
				log:     []string{`title=everynode%3A schema::unknown field "replicas"`},
				noLog:   []string{`selector-mismatch`},
			},
		},
		{
			name:   "generated manifests up to date",
			repo:   "generate",
			inputs: map[string]string{"check-generated": "true"},
			want: want{
				outputs: map[string]string{"errors": "0"},
				log:     []string{`Generated manifests are up to date`},
			},
		},
		{
			name: "stale generated manifests",
			repo: "generate",
			prepare: func(t *testing.T, ws string) {
				spec := filepath.Join(ws, "specs/node-exporter.yaml")
				writeFile(t, spec, strings.Replace(readFile(t, spec), "v1.8.2", "v1.9.0", 1))
			},
			inputs: map[string]string{"check-generated": "true", "lint": "false"},
			want: want{
				code:    1,
				outputs: map[string]string{"errors": "0", "sarif-file": ""},
				log:     []string{`::error title=everynode: generated manifests are stale::`, `v1\.9\.0`},
			},
		},
		{
			// A pull request turns the rules off in the configuration;
			// with config-from-base the base branch's applies, and its
			// findings are reported.
			name:    "config from the base branch",
			repo:    "action/failing",
			prepare: pullRequestChangingConfig,
			env:     map[string]string{"GITHUB_BASE_REF": "main"},
			inputs:  map[string]string{"working-directory": "deploy", "config-from-base": "true"},
			want: want{
				code:    1,
				outputs: map[string]string{"errors": "3", "warnings": "4"},
				log:     []string{`Using deploy/\.everynode\.yaml from the base branch main`, `title=everynode%3A missing-readiness-probe::`},
			},
		},
		{
			// Without it, the pull request's configuration is used.
			name:    "config from the pull request",
			repo:    "action/failing",
			prepare: pullRequestChangingConfig,
			env:     map[string]string{"GITHUB_BASE_REF": "main"},
			inputs:  map[string]string{"working-directory": "deploy"},
			want: want{
				outputs: map[string]string{"errors": "0"},
				noLog:   []string{`::error file=`},
			},
		},
		{
			// A baseline of today's findings: the run passes, and only a
			// finding added afterwards would fail it.
			name: "baseline",
			repo: "action/failing",
			prepare: func(t *testing.T, ws string) {
				var out, errOut strings.Builder
				args := []string{"everynode", "lint", "--workdir", ws, "--config", "deploy/.everynode.yaml",
					"--write-baseline", "deploy/everynode-baseline.json", "deploy"}
				if code := app.Run(args, strings.NewReader(""), &out, &errOut); code != 0 {
					t.Fatalf("writing the baseline: exit %d: %s", code, errOut.String())
				}
			},
			inputs: map[string]string{"working-directory": "deploy", "baseline": "everynode-baseline.json"},
			want: want{
				outputs: map[string]string{"errors": "0", "warnings": "0", "infos": "0"},
				log:     []string{`findings in the baseline deploy/everynode-baseline\.json not shown`},
				noLog:   []string{`::error file=`},
			},
		},
		{
			// nodes: the placement matrix in the log and the job summary.
			name:    "placement matrix",
			repo:    "action/clean",
			prepare: writeNodes("cluster/nodes.yaml", actionNodes),
			inputs:  map[string]string{"working-directory": "deploy", "nodes": "../cluster/nodes.yaml"},
			want: want{
				outputs: map[string]string{"errors": "0"},
				log:     []string{`(?m)^monitoring/node-exporter +yes +yes +2 of 2$`},
				summary: []string{`### DaemonSet placement`, `\| monitoring/node-exporter \| ✅ \| ✅ \| 2 of 2 \|`},
			},
		},
		{
			name:    "placement with a malformed nodes file",
			repo:    "action/clean",
			prepare: writeNodes("cluster/nodes.yaml", "apiVersion: v1\nkind: Pod\n"),
			inputs:  map[string]string{"working-directory": "deploy", "nodes": "../cluster/nodes.yaml"},
			want: want{
				code:  2,
				log:   []string{`cluster/nodes\.yaml:2:7: this is a "Pod"`, `::error title=everynode placement::everynode placement failed \(exit status 2\)`},
				noLog: []string{`DaemonSet placement`},
			},
		},
		{
			name:   "placement nodes outside the repository",
			repo:   "action/clean",
			inputs: map[string]string{"working-directory": "deploy", "nodes": "../../etc/hosts"},
			want: want{
				code: 2,
				log:  []string{`::error title=everynode placement::the nodes input is not a path inside the repository`},
			},
		},
		{
			name:   "usage error",
			repo:   "action/clean",
			inputs: map[string]string{"paths": "no-such-dir"},
			want: want{
				code: 2,
				log:  []string{`::error title=everynode lint::everynode lint failed \(exit status 2\)`, `no-such-dir`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := copyDir(t, filepath.Join(examples, tt.repo), filepath.Join(t.TempDir(), "workspace"))
			if tt.prepare != nil {
				tt.prepare(t, ws)
			}
			temp := t.TempDir()
			r := &runner{t: t, a: a, workspace: ws, temp: temp, summary: filepath.Join(temp, "step_summary.md"),
				inputs: tt.inputs, env: tt.env, outputs: map[string]map[string]string{}}
			writeFile(t, r.summary, "")
			code, outputs := r.run()
			log := r.stdout.String()
			if code != tt.want.code {
				t.Errorf("exit status %d, want %d; log:\n%s", code, tt.want.code, log)
			}
			for k, v := range tt.want.outputs {
				if outputs[k] != v {
					t.Errorf("output %s = %q, want %q", k, outputs[k], v)
				}
			}
			if bin := outputs["everynode"]; !filepath.IsAbs(bin) || !strings.HasPrefix(bin, temp) {
				t.Errorf("output everynode = %q, want the binary built in RUNNER_TEMP", bin)
			}
			for _, re := range tt.want.log {
				if !regexp.MustCompile(re).MatchString(log) {
					t.Errorf("log does not match %q:\n%s", re, log)
				}
			}
			for _, re := range tt.want.noLog {
				if regexp.MustCompile(re).MatchString(log) {
					t.Errorf("log matches %q:\n%s", re, log)
				}
			}
			summary := readFile(t, r.summary)
			for _, re := range tt.want.summary {
				if !regexp.MustCompile(re).MatchString(summary) {
					t.Errorf("job summary does not match %q:\n%s", re, summary)
				}
			}
			if len(tt.want.summary) == 0 && summary != "" && tt.inputs["summary"] == "false" {
				t.Errorf("summary: false wrote a job summary:\n%s", summary)
			}
			for name, re := range tt.want.files {
				got := readFile(t, filepath.Join(ws, name))
				if !regexp.MustCompile(re).MatchString(got) {
					t.Errorf("%s does not match %q:\n%s", name, re, got)
				}
				if strings.HasSuffix(name, ".sarif") || strings.HasSuffix(name, ".json") {
					var v any
					if err := json.Unmarshal([]byte(got), &v); err != nil {
						t.Errorf("%s is not JSON: %v", name, err)
					}
				}
			}
		})
	}
}

// actionNodes are two nodes of a kind cluster, as kubectl writes them.
const actionNodes = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: kind-control-plane, labels: {kubernetes.io/os: linux, node-role.kubernetes.io/control-plane: ""}}
  spec:
    taints: [{key: node-role.kubernetes.io/control-plane, effect: NoSchedule}]
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
- apiVersion: v1
  kind: Node
  metadata: {name: kind-worker, labels: {kubernetes.io/os: linux}}
  status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
`

// writeNodes writes a nodes file into the workspace.
func writeNodes(name, data string) func(t *testing.T, ws string) {
	return func(t *testing.T, ws string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(ws, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(ws, name), data)
	}
}

// pullRequestChangingConfig makes the workspace a checkout of a pull
// request against main whose only change turns every finding of
// deploy/.everynode.yaml off: main is on a remote named origin, as
// actions/checkout leaves it, and the workspace holds the change.
func pullRequestChangingConfig(t *testing.T, ws string) {
	t.Helper()
	git := lookPath(t, "git")
	run := func(dir string, args ...string) {
		t.Helper()
		if res := command(t, dir, nil, nil, git, append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"}, args...)...); res.code != 0 {
			t.Fatalf("git %v: %v", args, res)
		}
	}
	origin := filepath.Join(t.TempDir(), "origin")
	if err := os.CopyFS(origin, os.DirFS(ws)); err != nil {
		t.Fatal(err)
	}
	run(origin, "init", "-q")
	run(origin, "add", "-A")
	run(origin, "commit", "-q", "-m", "base")
	run(ws, "init", "-q")
	run(ws, "remote", "add", "origin", "file://"+origin)
	writeFile(t, filepath.Join(ws, "deploy", ".everynode.yaml"),
		"apiVersion: everynode.dev/v1alpha1\nkind: Config\nlint:\n  failOn: none\n  exclude: [\"*.yaml\"]\n")
}

// TestActionlint runs actionlint, with shellcheck, on the example
// workflows, which use the action as ./ so actionlint checks their with:
// against action.yml.
func TestActionlint(t *testing.T) {
	actionlint := tools.install(t, actionlintCmd)
	shellcheck := lookPath(t, "shellcheck")
	workflows, err := filepath.Glob(filepath.Join(repoRoot, ".github/workflows/*.yml"))
	if err != nil || len(workflows) == 0 {
		t.Fatalf("no workflows: %v", err)
	}
	usesAction := false
	for _, w := range workflows {
		if regexp.MustCompile(`(?m)^\s+uses: \./\s*$`).MatchString(readFile(t, w)) {
			usesAction = true
		}
	}
	if !usesAction {
		t.Error("no example workflow uses the action (uses: ./)")
	}
	res := command(t, repoRoot, nil, nil, actionlint, "-shellcheck", shellcheck)
	if res.code != 0 {
		t.Fatalf("actionlint: %v", res)
	}

	// actionlint really reads action.yml: a misspelt input fails. It
	// looks for workflows in a git repository.
	dir := t.TempDir()
	if res := command(t, dir, gitEnvironment(t), nil, lookPath(t, "git"), "init", "-q"); res.code != 0 {
		t.Fatalf("git init: %v", res)
	}
	writeFile(t, filepath.Join(dir, "action.yml"), readFile(t, filepath.Join(repoRoot, "action.yml")))
	src := readFile(t, workflows[slices.IndexFunc(workflows, func(w string) bool {
		return strings.Contains(readFile(t, w), "sarif-file:")
	})])
	writeFile(t, filepath.Join(dir, ".github/workflows/typo.yml"), strings.Replace(src, "sarif-file:", "sarif-fil:", 1))
	res = command(t, dir, nil, nil, actionlint, "-shellcheck", shellcheck)
	if res.code == 0 || !strings.Contains(res.stdout, `input "sarif-fil" is not defined`) {
		t.Errorf("actionlint accepted an input action.yml does not define: %v", res)
	}
}
