package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// A baseline records the findings a repository has today, so that a team
// adopting everynode fails only on new ones (as checkov's baseline,
// golangci-lint's new-from-rev and eslint's bulk suppressions do). An
// entry names a finding by what survives unrelated edits: its rule, its
// file (relative to the baseline's directory), its resource's identity
// and its field path; never a line or a message. Entries count: two
// findings with the same key need two occurrences in the baseline.

// baselineVersion is the format's version; a file of another version is
// an error rather than a silent mismatch.
const baselineVersion = 1

// maxBaselineSize bounds a baseline file read from the repository.
const maxBaselineSize = 32 << 20

type baselineFile struct {
	Version  int             `json:"version"`
	Findings []baselineEntry `json:"findings"`
}

type baselineEntry struct {
	Rule     string           `json:"rule"`
	File     string           `json:"file"`
	Resource finding.Resource `json:"resource"`
	Path     string           `json:"path"`
	// Count is how many findings have this key (1 when left out).
	Count int `json:"count,omitempty"`
}

func (e baselineEntry) key() string {
	r := e.Resource
	return strings.Join([]string{e.Rule, e.File, r.APIVersion, r.Kind, r.Namespace, r.Name, e.Path}, "\x00")
}

// baseline is a loaded baseline: where it is and what it holds.
type baseline struct {
	name    string // as given, for messages
	dir     string // absolute directory file names are relative to
	entries []baselineEntry
}

// entryFor is a finding's baseline entry: its file as seen from the
// baseline's directory. Standard input keeps its name.
func (b *baseline) entryFor(f finding.Finding, workDir string) baselineEntry {
	file := f.File
	if file != "" && file != "-" && !strings.HasPrefix(file, "<") {
		p := filepath.FromSlash(file)
		if !filepath.IsAbs(p) {
			p = filepath.Join(workDir, p)
		}
		if rel, err := filepath.Rel(b.dir, p); err == nil {
			file = filepath.ToSlash(rel)
		}
	}
	return baselineEntry{Rule: f.Rule, File: file, Resource: f.Resource, Path: f.Path.String(), Count: 1}
}

func newBaseline(name, workDir string) (*baseline, error) {
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(workDir, p)
	}
	dir, err := filepath.Abs(filepath.Dir(p))
	if err != nil {
		return nil, err
	}
	return &baseline{name: name, dir: dir}, nil
}

// readBaseline reads a baseline file. One inside the working directory's
// repository is read through its root, like every file of it; one that a
// repository's configuration names must be inside it (outside only when
// named on the command line: outside is true).
func readBaseline(name, workDir string, outside bool) (*baseline, error) {
	b, err := newBaseline(name, workDir)
	if err != nil {
		return nil, err
	}
	p := filepath.Join(b.dir, filepath.Base(name))
	var data []byte
	if repo := safefs.RootFor(workDir, workDir); safefs.Within(p, repo) {
		root, rerr := safefs.Cached(repo)
		if rerr != nil {
			return nil, rerr
		}
		data, err = root.ReadFile(p, maxBaselineSize)
	} else if !outside {
		return nil, fmt.Errorf("the baseline %s is outside the repository; the configuration can only name a file inside it", name)
	} else {
		var f *os.File
		if f, err = os.Open(p); err == nil {
			data, err = safefs.ReadLimited(f, maxBaselineSize)
			f.Close()
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading the baseline %s: %w", name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var bf baselineFile
	if err := dec.Decode(&bf); err != nil {
		return nil, fmt.Errorf("the baseline %s is not a baseline everynode wrote: %w (rewrite it with --write-baseline)", name, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the baseline %s has data after its end (rewrite it with --write-baseline)", name)
	}
	if bf.Version != baselineVersion {
		return nil, fmt.Errorf("the baseline %s has version %d; this everynode reads version %d (rewrite it with --write-baseline)", name, bf.Version, baselineVersion)
	}
	for i := range bf.Findings {
		if bf.Findings[i].Count <= 0 {
			bf.Findings[i].Count = 1
		}
	}
	b.entries = bf.Findings
	return b, nil
}

// writeBaseline records every finding that is not suppressed, atomically
// (a temporary file renamed over the old one), and returns the baseline.
func writeBaseline(name, workDir string, fs []finding.Finding) (*baseline, error) {
	b, err := newBaseline(name, workDir)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	for _, f := range fs {
		if f.Suppressed {
			continue
		}
		e := b.entryFor(f, workDir)
		k := e.key()
		if counts[k] == 0 {
			b.entries = append(b.entries, e)
		}
		counts[k]++
	}
	for i := range b.entries {
		b.entries[i].Count = counts[b.entries[i].key()]
	}
	slices.SortFunc(b.entries, func(x, y baselineEntry) int { return strings.Compare(x.key(), y.key()) })
	data, err := json.MarshalIndent(baselineFile{Version: baselineVersion, Findings: b.entries}, "", "  ")
	if err != nil {
		return nil, err
	}
	data = append(data, '\n')
	if err := writeAtomic(filepath.Join(b.dir, filepath.Base(name)), data); err != nil {
		return nil, fmt.Errorf("writing the baseline %s: %w", name, err)
	}
	return b, nil
}

// writeAtomic writes a file through a temporary file in the same
// directory renamed over it: a reader, or a run killed half-way, never
// sees half a baseline.
func writeAtomic(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Chmod(0o644); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// apply marks the findings the baseline holds as suppressed (so every
// format but SARIF leaves them out, and none counts them) and returns how
// many it marked and the entries that no longer occur.
func (b *baseline) apply(fs []finding.Finding, workDir string) (matched int, gone []baselineEntry) {
	left := map[string]int{}
	for _, e := range b.entries {
		left[e.key()] += e.Count
	}
	reason := "in the baseline " + filepath.ToSlash(b.name)
	for i := range fs {
		if fs[i].Suppressed {
			continue
		}
		k := b.entryFor(fs[i], workDir).key()
		if left[k] > 0 {
			left[k]--
			fs[i].Suppressed, fs[i].SuppressReason = true, reason
			matched++
		}
	}
	for _, e := range b.entries {
		if n := left[e.key()]; n > 0 {
			e.Count = n
			gone = append(gone, e)
			left[e.key()] = 0
		}
	}
	return matched, gone
}

// describe is an entry as one line: rule, file, resource and path.
func (e baselineEntry) describe() string {
	r := e.Resource
	res := r.Kind
	if r.Name != "" {
		if r.Namespace != "" {
			res += " " + r.Namespace + "/" + r.Name
		} else {
			res += " " + r.Name
		}
	}
	s := fmt.Sprintf("%s: %s %s", safetext.Path(e.File), e.Rule, safetext.Escape(res))
	if e.Path != "" {
		s += " " + safetext.Escape(e.Path)
	}
	if e.Count > 1 {
		s += fmt.Sprintf(" (%d times)", e.Count)
	}
	return s
}
