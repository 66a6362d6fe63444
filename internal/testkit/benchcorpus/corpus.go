// Package benchcorpus writes the deterministic corpus that everynode's
// benchmarks lint: node agents of many shapes (a DaemonSet with its
// ServiceAccount, RBAC, ConfigMaps, Services and sometimes a Secret,
// NetworkPolicy or Namespace, one agent per file), a few files of several
// thousand lines shaped like a full CNI install manifest (CRDs with large
// schemas, long ClusterRoles, a DaemonSet and a Deployment), and Daemon
// specs for `everynode generate`.
//
// Every object is valid against the strict schemas of every embedded
// Kubernetes release, so a schema validator does the same work on it as
// another (none stops early on an error); the best-practice rules find
// what real manifests show (missing probes, host access, mutable tags).
// The same seed writes the same bytes: file i is generated from its own
// random stream, so files can be written in any order.
package benchcorpus

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/everynode/everynode/templates"
)

// Options size a corpus.
type Options struct {
	// Seed picks the corpus; the same seed writes the same files.
	Seed uint64
	// Files is the number of agent files (about ten documents each).
	Files int
	// Big is the number of CNI-install-like files (about 4,000 lines each).
	Big int
	// Dirs spreads the agent files over this many directories (0: one per
	// 50 files, as teams' repositories are laid out).
	Dirs int
}

// Stats says what Write wrote.
type Stats struct {
	Files, Documents, Lines int
	Bytes                   int64
}

// Write writes a corpus into dir (created if missing).
func Write(dir string, opts Options) (Stats, error) {
	var st Stats
	dirs := opts.Dirs
	if dirs <= 0 {
		dirs = max(1, opts.Files/50)
	}
	for i := range opts.Files {
		data, docs := Agent(opts.Seed, i)
		sub := filepath.Join(dir, "apps", fmt.Sprintf("team-%03d", i%dirs))
		if err := writeFile(sub, fmt.Sprintf("agent-%05d.yaml", i), data, &st, docs); err != nil {
			return st, err
		}
	}
	for i := range opts.Big {
		data, docs := Big(opts.Seed, i)
		if err := writeFile(filepath.Join(dir, "cni"), fmt.Sprintf("cni-install-%02d.yaml", i), data, &st, docs); err != nil {
			return st, err
		}
	}
	return st, nil
}

func writeFile(dir, name string, data []byte, st *Stats, docs int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		return err
	}
	st.Files++
	st.Documents += docs
	st.Lines += bytes.Count(data, []byte("\n"))
	st.Bytes += int64(len(data))
	return nil
}

// WriteSpecs writes n Daemon specs into dir: the starter templates under
// new names, namespaces and image tags.
func WriteSpecs(dir string, n int, seed uint64) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ts := templates.List()
	if len(ts) == 0 {
		return fmt.Errorf("no templates")
	}
	for i := range n {
		r := rng(seed, uint64(i)|1<<40)
		t := ts[i%len(ts)]
		name := fmt.Sprintf("%s-%04d", t.Name, i)
		ns := pick(r, namespaces)
		data, err := renameSpec(t.Data, name, ns)
		if err != nil {
			return fmt.Errorf("template %s: %w", t.Name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".yaml"), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// renameSpec sets a template's metadata.name and namespace, which are the
// first "  name:" and "  namespace:" lines under metadata.
func renameSpec(data []byte, name, ns string) ([]byte, error) {
	lines := strings.Split(string(data), "\n")
	inMeta, named, spaced := false, false, false
	for i, l := range lines {
		switch {
		case l == "metadata:":
			inMeta = true
		case inMeta && strings.HasPrefix(l, "  name: ") && !named:
			lines[i], named = "  name: "+name, true
		case inMeta && strings.HasPrefix(l, "  namespace: ") && !spaced:
			lines[i], spaced = "  namespace: "+ns, true
		case inMeta && !strings.HasPrefix(l, "  "):
			inMeta = false
		}
	}
	if !named {
		return nil, fmt.Errorf("no metadata.name line")
	}
	return []byte(strings.Join(lines, "\n")), nil
}

func rng(seed, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// y writes YAML line by line at an indentation.
type y struct{ b bytes.Buffer }

func (w *y) l(indent int, format string, args ...any) {
	w.b.WriteString(strings.Repeat(" ", indent))
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *y) doc() { w.b.WriteString("---\n") }

// block writes a literal block scalar's lines.
func (w *y) block(indent int, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			w.b.WriteByte('\n')
			continue
		}
		w.l(indent, "%s", line)
	}
}
