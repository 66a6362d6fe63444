package kustomize

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	yaml "go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/fieldpath"
)

func render(t *testing.T, dir string, opts Options) []Resource {
	t.Helper()
	res, err := Render(filepath.Join("testdata", dir), opts)
	if err != nil {
		t.Fatalf("Render(%s): %v", dir, err)
	}
	return res.Resources
}

func find(t *testing.T, res []Resource, kind, name string) Resource {
	t.Helper()
	for _, r := range res {
		md, _ := r.Object["metadata"].(map[string]any)
		if r.Object["kind"] == kind && md["name"] == name {
			return r
		}
	}
	var have []string
	for _, r := range res {
		md, _ := r.Object["metadata"].(map[string]any)
		have = append(have, fmt.Sprintf("%v/%v", r.Object["kind"], md["name"]))
	}
	t.Fatalf("no %s %s among %v", kind, name, have)
	return Resource{}
}

func TestIsKustomization(t *testing.T) {
	tmp := t.TempDir()
	for _, n := range []string{"yml", "capital", "none"} {
		if err := os.Mkdir(filepath.Join(tmp, n), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(tmp, "yml", "kustomization.yml"), "resources: []\n")
	write(t, filepath.Join(tmp, "capital", "Kustomization"), "resources: []\n")
	write(t, filepath.Join(tmp, "none", "deployment.yaml"), "kind: Deployment\n")
	for _, tc := range []struct {
		dir, want string
	}{
		{filepath.Join("testdata", "base"), filepath.Join("testdata", "base", "kustomization.yaml")},
		{filepath.Join(tmp, "yml"), filepath.Join(tmp, "yml", "kustomization.yml")},
		{filepath.Join(tmp, "capital"), filepath.Join(tmp, "capital", "Kustomization")},
		{filepath.Join(tmp, "none"), ""},
		{filepath.Join(tmp, "missing"), ""},
	} {
		got, ok := IsKustomization(tc.dir)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("IsKustomization(%s) = %q, %v; want %q", tc.dir, got, ok, tc.want)
		}
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLocate checks where findings on rendered objects land: in base files
// through one and two overlays, in the patch that set a field, in inline
// patches, at generator entries, and at the nearest parent for fields no
// source writes.
func TestLocate(t *testing.T) {
	const (
		base     = "testdata/base/daemonset.yaml"
		baseKust = "testdata/base/kustomization.yaml"
		smp      = "testdata/overlay/hostnetwork-patch.yaml"
		jsonp    = "testdata/overlay/tolerations-patch.json"
	)
	for _, tc := range []struct {
		dir, kind, name, path string
		file                  string
		line, col, doc        int
	}{
		// The base alone: the DaemonSet is the file's second document.
		{"base", "DaemonSet", "agent", "metadata.name", base, 15, 3, 1},
		{"base", "DaemonSet", "agent", "spec.template.spec.containers[1].image", base, 32, 11, 1},
		{"base", "DaemonSet", "agent", "spec.template.spec.containers[1].resources.limits.memory", base, 39, 15, 1},
		{"base", "DaemonSet", "agent", "spec.template.spec.containers[1].securityContext", base, 31, 11, 1},
		{"base", "Service", "agent", "spec.ports[0].port", base, 10, 7, 0},
		{"base", "ServiceAccount", "agent", "metadata.name", "testdata/base/serviceaccount.yaml", 4, 3, 0},
		{"base", "ConfigMap", "agent-config-bdh4tbttdg", "data.LOG_LEVEL", baseKust, 9, 9, 0},
		{"base", "ConfigMap", "agent-config-bdh4tbttdg", "data[agent.conf]", baseKust, 11, 9, 0},
		{"base", "ConfigMap", "agent-config-bdh4tbttdg", "metadata.name", baseKust, 7, 5, 0},

		// One overlay: namePrefix, namespace, a strategic-merge patch (which
		// moves the patched container first) and a JSON 6902 patch.
		{"overlay", "DaemonSet", "prod-agent", "metadata.name", base, 15, 3, 1},
		{"overlay", "DaemonSet", "prod-agent", "metadata.namespace", "testdata/overlay/kustomization.yaml", 4, 1, 0},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.hostNetwork", smp, 8, 7, 0},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[0].securityContext.privileged", smp, 12, 13, 0},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[0].image", jsonp, 3, 71, 0},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.tolerations[0].operator", jsonp, 2, 71, 0},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[0].resources.limits.memory", base, 39, 15, 1},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[0]", base, 31, 11, 1},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[1].image", base, 30, 11, 1},
		{"overlay", "DaemonSet", "prod-agent", "spec.template.spec.containers[0].resources.limits.cpu", base, 38, 13, 1},
		{"overlay", "ConfigMap", "prod-agent-config-bdh4tbttdg", "data.LOG_LEVEL", baseKust, 9, 9, 0},
		{"overlay", "ServiceAccount", "prod-agent", "metadata", "testdata/base/serviceaccount.yaml", 3, 1, 0},

		// Two overlays: the same sources give the same positions, and an
		// inline patch points into the kustomization.
		{"overlay2", "DaemonSet", "eu-prod-agent", "spec.template.spec.containers[0].resources.limits.memory", base, 39, 15, 1},
		{"overlay2", "DaemonSet", "eu-prod-agent", "spec.template.spec.hostNetwork", smp, 8, 7, 0},
		{"overlay2", "DaemonSet", "eu-prod-agent", "spec.template.spec.hostPID", "testdata/overlay2/kustomization.yaml", 16, 9, 0},
		{"overlay2", "DaemonSet", "eu-prod-agent", "metadata.labels[region]", "testdata/overlay2/kustomization.yaml", 8, 7, 0},
		// labels: without includeTemplates leaves the template alone.
		{"overlay2", "DaemonSet", "eu-prod-agent", "spec.template.metadata.labels[region]", base, 24, 7, 1},
		{"overlay2", "ServiceAccount", "eu-prod-agent", "metadata.name", "testdata/base/serviceaccount.yaml", 4, 3, 0},
		{"overlay2", "ConfigMap", "eu-prod-agent-config-bdh4tbttdg", "data[agent.conf]", baseKust, 11, 9, 0},

		// Deprecated fields: bases, commonLabels, nameSuffix,
		// patchesStrategicMerge, patchesJson6902; and images:.
		{"legacy", "DaemonSet", "agent-legacy", "spec.template.spec.containers[0].resources.limits.memory", "testdata/legacy/memory-patch.yaml", 12, 15, 0},
		{"legacy", "DaemonSet", "agent-legacy", "spec.template.spec.priorityClassName", "testdata/legacy/priority-patch.yaml", 3, 3, 0},
		{"legacy", "DaemonSet", "agent-legacy", "spec.selector.matchLabels[team]", "testdata/legacy/kustomization.yaml", 4, 3, 0},
		{"legacy", "DaemonSet", "agent-legacy", "metadata.labels[app]", base, 17, 5, 1},
		{"legacy", "DaemonSet", "agent-legacy", "spec.template.spec.containers[1].image", "testdata/legacy/kustomization.yaml", 17, 5, 0},
		{"legacy", "DaemonSet", "agent-legacy", "spec.template.spec.containers[0].image", base, 32, 11, 1},

		// A component's patch; a list without merge keys is replaced.
		{"withcomponent", "DaemonSet", "agent", "spec.template.spec.containers[0].args[1]", "testdata/components/debug/debug-patch.yaml", 10, 31, 0},
		{"withcomponent", "DaemonSet", "agent", "spec.template.spec.containers[0].args", "testdata/components/debug/debug-patch.yaml", 10, 11, 0},
		{"withcomponent", "DaemonSet", "agent", "spec.template.spec.containers[0].image", base, 32, 11, 1},
	} {
		t.Run(tc.dir+"/"+tc.kind+"/"+tc.path, func(t *testing.T) {
			r := find(t, render(t, tc.dir, Options{}), tc.kind, tc.name)
			file, line, col, doc, ok := Locate(r, fieldpath.Parse(tc.path))
			if !ok || doc == nil {
				t.Fatalf("not located: %s:%d:%d", file, line, col)
			}
			if file != tc.file || line != tc.line || col != tc.col || doc.Index != tc.doc {
				t.Errorf("got %s:%d:%d doc %d, want %s:%d:%d doc %d", file, line, col, doc.Index, tc.file, tc.line, tc.col, tc.doc)
			}
		})
	}
}

func TestResources(t *testing.T) {
	res := render(t, "overlay2", Options{})
	if len(res) != 4 {
		t.Fatalf("got %d resources", len(res))
	}
	for _, r := range res {
		md := r.Object["metadata"].(map[string]any)
		if ann, ok := md["annotations"].(map[string]any); ok {
			t.Errorf("%v keeps annotations %v", md["name"], ann)
		}
		if r.Kustomization != "testdata/overlay2/kustomization.yaml" {
			t.Errorf("Kustomization = %q", r.Kustomization)
		}
	}
	ds := find(t, res, "DaemonSet", "eu-prod-agent")
	if ds.OriginFile != "testdata/base/daemonset.yaml" || ds.Generated {
		t.Errorf("origin = %q generated=%v", ds.OriginFile, ds.Generated)
	}
	cm := find(t, res, "ConfigMap", "eu-prod-agent-config-bdh4tbttdg")
	if cm.OriginFile != "testdata/base/kustomization.yaml" || !cm.Generated {
		t.Errorf("origin = %q generated=%v", cm.OriginFile, cm.Generated)
	}
	// Values are typed as the rest of everynode types them.
	port := ds.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["ports"].([]any)[0].(map[string]any)["containerPort"]
	if port != int64(9100) {
		t.Errorf("containerPort = %#v", port)
	}
	hostPID := ds.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["hostPID"]
	if hostPID != true {
		t.Errorf("hostPID = %#v", hostPID)
	}
	// The rendered reference to the generated ConfigMap follows its name.
	vol := ds.Object["spec"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["volumes"].([]any)[0].(map[string]any)
	if got := vol["configMap"].(map[string]any)["name"]; got != "eu-prod-agent-config-bdh4tbttdg" {
		t.Errorf("volume configMap name = %v", got)
	}
}

// TestDedupeAcrossOverlays: a field of a base reached through two overlays
// has one position, so the engine reports it once.
func TestDedupeAcrossOverlays(t *testing.T) {
	p := fieldpath.Parse("spec.template.spec.serviceAccountName")
	var got []string
	for _, dir := range []string{"base", "overlay", "overlay2", "legacy", "withcomponent"} {
		for _, r := range render(t, dir, Options{}) {
			if r.Object["kind"] != "DaemonSet" {
				continue
			}
			file, line, col, _, ok := Locate(r, p)
			if !ok {
				t.Fatalf("%s: not located", dir)
			}
			got = append(got, fmt.Sprintf("%s:%d:%d", file, line, col))
		}
	}
	for _, g := range got {
		if g != "testdata/base/daemonset.yaml:27:7" {
			t.Errorf("positions differ: %v", got)
			break
		}
	}
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct {
		dir       string
		opts      Options
		file      string
		line, col int
		msg       string
	}{
		{"remote", Options{}, "testdata/remote/kustomization.yaml", 3, 5,
			`resources[1]: "github.com/example/agents//deploy/base?ref=v1.0.0" is not a file or directory in the repository: it looks like a URL or a git repository, and everynode never fetches anything`},
		{"remote-http", Options{}, "testdata/remote-http/kustomization.yaml", 4, 11,
			`patches[0].path: "https://example.com/patch.yaml" is not a file or directory in the repository: it looks like a URL`},
		{"missing", Options{}, "testdata/missing/kustomization.yaml", 2, 5,
			`resources[0]: "nope.yaml" does not exist`},
		{"daemon", Options{}, "testdata/daemon/kustomization.yaml", 3, 5,
			`generators[0]: "node-exporter.yaml" is an everynode Daemon spec, but this build cannot run the Daemon generator`},
		{"daemon", Options{Generate: func(string, []byte) ([]byte, error) { return nil, errors.New("spec.image: required") }},
			"testdata/daemon/kustomization.yaml", 3, 5, `generators[0]: generating from "node-exporter.yaml": spec.image: required`},
		{"components", Options{}, "testdata/components", 0, 0, "no kustomization.yaml"},
		{"remote", Options{WorkDir: "testdata"}, "remote/kustomization.yaml", 3, 5, `resources[1]: "github.com/example/agents`},
	} {
		t.Run(tc.dir+tc.opts.WorkDir, func(t *testing.T) {
			_, err := Render(filepath.Join("testdata", tc.dir), tc.opts)
			var (
				e  *Error
				es Errors
			)
			if errors.As(err, &es) {
				e = es[0]
			} else if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			if e.File != tc.file || e.Line != tc.line || e.Column != tc.col || !strings.Contains(e.Msg, tc.msg) {
				t.Errorf("got %s:%d:%d %q\nwant %s:%d:%d %q", e.File, e.Line, e.Column, e.Msg, tc.file, tc.line, tc.col, tc.msg)
			}
			wd, _ := os.Getwd()
			if strings.Contains(err.Error(), wd) {
				t.Errorf("message holds the machine path: %v", err)
			}
		})
	}
}

// fakeGenerate stands in for the generator: one DaemonSet and one
// ConfigMap per Daemon, named after it.
func fakeGenerate(file string, data []byte) ([]byte, error) {
	var spec struct {
		Metadata struct {
			Name   string            `yaml:"name"`
			Labels map[string]string `yaml:"labels"`
		} `yaml:"metadata"`
		Spec struct {
			Image string `yaml:"image"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		return nil, err
	}
	n := spec.Metadata.Name
	return fmt.Appendf(nil, `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: %[1]s
  labels: {team: %[2]s}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: %[1]s}}
  template:
    metadata: {labels: {app.kubernetes.io/name: %[1]s}}
    spec:
      containers: [{name: %[1]s, image: %[3]q}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: %[1]s-config}
data: {from: %[4]q}
`, n, spec.Metadata.Labels["team"], spec.Spec.Image, filepath.ToSlash(file)), nil
}

func TestDaemonGenerator(t *testing.T) {
	res := render(t, "daemon", Options{Generate: fakeGenerate})
	if len(res) != 2 {
		t.Fatalf("got %d resources", len(res))
	}
	spec := "testdata/daemon/node-exporter.yaml"
	cm := find(t, res, "ConfigMap", "x-node-exporter-config")
	if got := cm.Object["data"].(map[string]any)["from"]; got != "testdata/daemon/node-exporter.yaml" {
		t.Errorf("the generator was given %v", got)
	}
	ds := find(t, res, "DaemonSet", "x-node-exporter")
	if ds.OriginFile != spec || !ds.Generated {
		t.Errorf("origin = %q generated=%v", ds.OriginFile, ds.Generated)
	}
	for _, tc := range []struct {
		r         Resource
		path      string
		line, col int
	}{
		{ds, "metadata.labels[team]", 6, 5},
		{ds, "spec.template.spec.containers[0].image", 1, 1},
		{cm, "data.from", 1, 1},
	} {
		file, line, col, doc, ok := Locate(tc.r, fieldpath.Parse(tc.path))
		if !ok || file != spec || line != tc.line || col != tc.col || doc.Index != 0 {
			t.Errorf("%s: got %s:%d:%d ok=%v, want %s:%d:%d", tc.path, file, line, col, ok, spec, tc.line, tc.col)
		}
	}
}

func TestPatchFiles(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want []string
	}{
		{"base", nil},
		{"overlay", []string{"testdata/overlay/hostnetwork-patch.yaml", "testdata/overlay/tolerations-patch.json"}},
		// Through the overlay it builds on; its own patch is inline.
		{"overlay2", []string{"testdata/overlay/hostnetwork-patch.yaml", "testdata/overlay/tolerations-patch.json"}},
		{"legacy", []string{"testdata/legacy/memory-patch.yaml", "testdata/legacy/priority-patch.yaml"}},
		{"withcomponent", []string{"testdata/components/debug/debug-patch.yaml"}},
		{"remote-http", nil},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			got, err := PatchFiles(filepath.Join("testdata", tc.dir), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tc.want {
				want = append(want, filepath.FromSlash(w))
			}
			if len(got) != 0 || len(want) != 0 {
				if !reflect.DeepEqual(got, want) {
					t.Errorf("got %q, want %q", got, want)
				}
			}
		})
	}
	if _, err := PatchFiles(filepath.Join("testdata", "nowhere"), Options{}); err == nil {
		t.Error("no error for a directory without a kustomization")
	}
}

// TestOverlayFileSystem: a kustomization that already asks for origin
// annotations, under another file name, reached through a symlink.
func TestOverlayFileSystem(t *testing.T) {
	tmp := t.TempDir()
	real := filepath.Join(tmp, "real")
	if err := os.Mkdir(real, 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(real, "Kustomization"), "buildMetadata: [originAnnotations]\nresources: [cm.yaml]\n")
	write(t, filepath.Join(real, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n")
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	rendered, err := Render(link, Options{WorkDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	res := rendered.Resources
	if len(res) != 1 || res[0].OriginFile != "link/cm.yaml" || res[0].Kustomization != "link/Kustomization" {
		t.Fatalf("got %+v", res)
	}
	file, line, col, _, ok := Locate(res[0], fieldpath.Parse("data.k"))
	if !ok || file != "link/cm.yaml" || line != 6 || col != 3 {
		t.Errorf("got %s:%d:%d", file, line, col)
	}
	// The source is gone: Locate falls back to the kustomization.
	if err := os.Remove(filepath.Join(real, "cm.yaml")); err != nil {
		t.Fatal(err)
	}
	res2, err := Render(link, Options{WorkDir: tmp})
	if err == nil {
		t.Fatalf("rendered without the resource: %+v", res2)
	}
	res[0].src.files = map[string]*document.Stream{}
	res[0].src.data = nil
	if file, line, col, doc, ok := Locate(res[0], fieldpath.Parse("data.k")); ok || file != "link/Kustomization" || line != 1 || col != 1 || doc != nil {
		t.Errorf("fallback: %s:%d:%d ok=%v", file, line, col, ok)
	}
}

func TestConcurrentRenderAndLocate(t *testing.T) {
	var wg sync.WaitGroup
	for _, dir := range []string{"overlay", "overlay2", "legacy", "withcomponent", "overlay", "overlay2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := Render(filepath.Join("testdata", dir), Options{})
			if err != nil {
				t.Error(err)
				return
			}
			var inner sync.WaitGroup
			for _, r := range res.Resources {
				inner.Add(1)
				go func() {
					defer inner.Done()
					if _, _, _, _, ok := Locate(r, fieldpath.Parse("metadata.name")); !ok {
						t.Errorf("%s: %v not located", dir, r.Object["metadata"])
					}
				}()
			}
			inner.Wait()
		}()
	}
	wg.Wait()
}

// TestServedKustomization: kustomize is given the kustomization as its
// own decoder read it, with origin annotations asked for once, whatever
// the file already said, and every path rewritten to a local one.
func TestServedKustomization(t *testing.T) {
	for _, tc := range []struct {
		name, src string
	}{
		{"block", "resources:\n- cm.yaml\n"},
		{"no final newline", "resources:\n- cm.yaml"},
		{"flow style", "{resources: [cm.yaml]}\n"},
		{"buildMetadata already there", "buildMetadata: [managedByLabel]\nresources:\n- cm.yaml\n"},
		{"originAnnotations already there", "buildMetadata:\n- originAnnotations\nresources:\n- cm.yaml\n"},
		{"keys in another case", "Resources:\n- cm.yaml\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "kustomization.yaml"), tc.src)
			write(t, filepath.Join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n")
			res, err := Render(dir, Options{WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Resources) != 1 || res.Resources[0].OriginFile != "cm.yaml" {
				t.Errorf("rendered %+v", res.Resources)
			}
		})
	}
}

func BenchmarkRenderAndLocate(b *testing.B) {
	p := fieldpath.Parse("spec.template.spec.containers[0].resources.limits.memory")
	for b.Loop() {
		res, err := Render(filepath.Join("testdata", "overlay2"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res.Resources {
			Locate(r, p)
		}
	}
}

// TestCapture: what kustomize prints through the log package and on
// standard error during a build is collected (a log message whole, with
// its newlines), and a log.Fatal becomes a panic the build recovers
// instead of the end of the process.
func TestCapture(t *testing.T) {
	c := startCapture()
	var got any
	func() {
		defer func() { got = recover() }()
		log.Printf("well-defined vars that were never replaced: %s", "a\n::error::x")
		fmt.Fprintln(os.Stderr, "# Warning: 'bases' is deprecated.")
		log.Fatal("unable to make loader")
	}()
	msgs := c.stop()
	if s, _ := got.(string); !strings.Contains(s, "unable to make loader") {
		t.Errorf("log.Fatal gave %v, want a panic naming the message", got)
	}
	want := []string{"well-defined vars that were never replaced: a\n::error::x", "unable to make loader", "# Warning: 'bases' is deprecated."}
	if !reflect.DeepEqual(msgs, want) {
		t.Errorf("captured %q, want %q", msgs, want)
	}
	if log.Writer() != os.Stderr || log.Flags() != log.LstdFlags {
		t.Error("the log package was not restored")
	}
}

func TestInputs(t *testing.T) {
	for _, tc := range []struct {
		dir  string
		want []string
	}{
		{"base", []string{"base/agent.conf", "base/daemonset.yaml", "base/kustomization.yaml", "base/serviceaccount.yaml"}},
		{"overlay", []string{"base/agent.conf", "base/daemonset.yaml", "base/kustomization.yaml", "base/serviceaccount.yaml",
			"overlay/hostnetwork-patch.yaml", "overlay/kustomization.yaml", "overlay/tolerations-patch.json"}},
		{"withcomponent", []string{"base/agent.conf", "base/daemonset.yaml", "base/kustomization.yaml", "base/serviceaccount.yaml",
			"components/debug/debug-patch.yaml", "components/debug/kustomization.yaml", "withcomponent/kustomization.yaml"}},
		// A refused entry is not an input; the base it names is.
		{"remote-http", []string{"base/agent.conf", "base/daemonset.yaml", "base/kustomization.yaml", "base/serviceaccount.yaml",
			"remote-http/kustomization.yaml"}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			abs, err := filepath.Abs("testdata")
			if err != nil {
				t.Fatal(err)
			}
			got, err := Inputs(filepath.Join("testdata", tc.dir), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var rel []string
			for _, g := range got {
				r, err := filepath.Rel(abs, g)
				if err != nil {
					t.Fatal(err)
				}
				rel = append(rel, filepath.ToSlash(r))
			}
			if !reflect.DeepEqual(rel, tc.want) {
				t.Errorf("got %q, want %q", rel, tc.want)
			}
		})
	}
	if _, err := Inputs(filepath.Join("testdata", "nowhere"), Options{}); err == nil {
		t.Error("no error for a directory without a kustomization")
	}
}
