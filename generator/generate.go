package generator

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/everynode/everynode/internal/gojson"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/internal/write"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// Job generates the Daemons of some spec files into one place.
type Job struct {
	// Specs are files, directories (walked for *.yaml and *.yml), globs
	// (path.Match patterns, plus ** for any number of directories), or "-"
	// for standard input.
	Specs []string
	// Output is the directory to write one file per Daemon into; empty
	// means standard output.
	Output string
	// Kustomization also writes a kustomization.yaml listing the files.
	Kustomization bool
	// Base is the directory relative Specs and Output are resolved
	// against; empty means the working directory.
	Base string
	// Origins, when set, says where each of Specs comes from (a
	// configuration file's "file:line:col"), for error messages.
	Origins []string
	// Root, when set, confines the job to a directory tree: Specs and
	// Output come from a repository's configuration (which a pull request
	// can change), so they must be relative paths that stay inside Root,
	// through symbolic links too; specs are read and outputs written
	// through it. Without it, specs and output are what the user named on
	// the command line, and only what a spec directory holds is confined
	// (to the repository around it).
	Root string
}

// Options are what Generate needs from its environment.
type Options struct {
	// WorkDir is the working directory, to which reported file names are
	// relative. Empty means os.Getwd.
	WorkDir string
	Stdin   io.Reader
}

// Result is what a run would produce. When Findings hold an error,
// nothing else is set: no spec is written if any is invalid.
type Result struct {
	Findings []finding.Finding
	// Stdout is the output of the jobs without an Output directory.
	Stdout []byte
	// Specs is the number of Daemon specs read.
	Specs int
	// Sources holds every file read, by the name findings use, so that
	// findings can be shown with their source line.
	Sources map[string][]byte
	// files are the files of the jobs with an Output directory, in a
	// stable order: Write writes them, Check compares them with the disk.
	files []write.File
	// prune are generated files in those directories that no spec
	// generates any more: Prune removes them, Check reports them.
	prune []write.File
}

// Prune removes the generated files (those that start with HeaderPrefix)
// in the output directories that no Daemon of the run writes any more and
// whose spec is gone, or was read by the run and no longer holds their
// Daemon (deleted or renamed). A file everynode did not generate, or
// whose spec exists and this run did not read, is never removed. It
// returns the files it removed, named as messages name them.
func (r *Result) Prune() (removed []string, err error) {
	files, err := write.Remove(r.prune)
	for _, f := range files {
		removed = append(removed, f.Display())
	}
	return removed, err
}

// Write writes the files of the jobs with an Output directory, each
// atomically (a temporary file renamed into place), only when its content
// changed (the modification time of the others is kept), and never
// outside its directory, through symbolic links included. It returns the
// files it wrote, named as messages name them, also when it fails part
// way.
func (r *Result) Write() (written []string, err error) {
	files, err := write.Write(r.files)
	for _, f := range files {
		written = append(written, f.Display())
	}
	return written, err
}

// Stale is an output file whose content on disk differs from what Write
// would write.
type Stale struct {
	// File is how messages name the file; Diff is a unified diff from
	// its content on disk to the new one.
	File, Diff string
	// Removed is set for a generated file whose spec is gone: Prune
	// would remove it.
	Removed bool
}

// Check compares the files Write would write with the disk, and lists
// the files Prune would remove; it writes nothing: generate --check.
func (r *Result) Check() ([]Stale, error) {
	stale, err := write.Check(r.files)
	if err != nil {
		return nil, err
	}
	out := make([]Stale, len(stale))
	for i, s := range stale {
		out[i] = Stale{File: s.File.Display(), Diff: s.Diff}
	}
	for _, f := range r.prune {
		diff, err := write.RemovalDiff(f)
		if err != nil {
			return nil, err
		}
		out = append(out, Stale{File: f.Display(), Diff: diff, Removed: true})
	}
	return out, nil
}

// HasErrors reports whether any finding is an error.
func (r *Result) HasErrors() bool {
	return slices.ContainsFunc(r.Findings, func(f finding.Finding) bool { return f.Severity >= finding.Error })
}

// Generate reads, validates and renders the specs of every job. The error
// is for what is not a spec's fault (a path that does not exist, an
// unreadable file): invalid specs are Findings.
func Generate(jobs []Job, opt Options) (*Result, error) {
	wd := opt.WorkDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	g := &gen{wd: wd, stdin: opt.Stdin}
	type jobSpecs struct {
		job   Job
		specs []*Spec
	}
	var all []jobSpecs
	res := &Result{Sources: map[string][]byte{}}
	// read holds the spec files this run read, by path on disk: a
	// generated file naming one of them that no Daemon writes any more
	// is pruned.
	read := map[string]bool{}
	for _, j := range jobs {
		files, err := g.collect(j)
		if err != nil {
			return nil, err
		}
		var specs []*Spec
		for _, f := range files {
			if f.Path != "" {
				read[filepath.Clean(f.Path)] = true
			}
			res.Sources[f.Name] = f.Data
			s, fs := Load(f)
			specs = append(specs, s...)
			res.Findings = append(res.Findings, fs...)
		}
		all = append(all, jobSpecs{j, specs})
		res.Specs += len(specs)
	}
	res.Findings = append(res.Findings, g.findings...)

	// Render every spec, in parallel: specs are independent, and a
	// repository of a thousand should still take well under a second.
	type rendered struct {
		out *Rendered
		fs  []finding.Finding
		err error
	}
	var flat []*Spec
	for _, js := range all {
		flat = append(flat, js.specs...)
	}
	results := make([]rendered, len(flat))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, s := range flat {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() {
				// A panic in a goroutine would end the process without a
				// word about which spec caused it.
				if p := recover(); p != nil {
					results[i] = rendered{err: fmt.Errorf("internal error rendering %s (%s): %v", s.Name, s.File, p)}
				}
				<-sem
				wg.Done()
			}()
			out, fs, err := Render(s)
			if err == nil && out != nil {
				var more []finding.Finding
				more, err = advise(out)
				fs = append(fs, more...)
			}
			if out != nil && err == nil {
				// Only the YAML is written from here on: the typed objects
				// and their provenance, many times its size, would stay
				// live until every spec is rendered, and the collector
				// would scan them again and again (a thousand specs held
				// some 120 KB each, and the run grew faster than the
				// specs).
				if _, err = out.body(); err == nil {
					out.Objects = nil
				}
			}
			results[i] = rendered{out, fs, err}
		}()
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			return nil, r.err
		}
		res.Findings = append(res.Findings, r.fs...)
	}

	// Output names: one file per Daemon, and no two Daemons in one
	// directory may claim the same file.
	type claim struct {
		spec *Spec
	}
	claims := map[string]claim{}
	// outDirs are the output directories, in order, each once, with the
	// job that names it first (for Within and Label).
	var outDirs []write.File
	seenDir := map[string]bool{}
	var stdout bytes.Buffer
	i := 0
	for _, js := range all {
		var names []string
		outDir := ""
		if js.job.Output != "" {
			if err := g.confine(js.job, "output", js.job.Output, ""); err != nil {
				return nil, err
			}
			outDir = g.resolve(js.job.Base, js.job.Output)
			if !seenDir[outDir] {
				seenDir[outDir] = true
				outDirs = append(outDirs, write.File{Dir: outDir, Label: g.display(outDir), Within: js.job.Root})
			}
		}
		for range js.specs {
			r := results[i].out
			i++
			if r == nil {
				continue
			}
			if outDir == "" {
				if stdout.Len() > 0 {
					stdout.WriteString("---\n")
				}
				b, err := r.YAML(g.nameFrom(wd, r.Spec))
				if err != nil {
					return nil, err
				}
				stdout.Write(b)
				continue
			}
			name := r.Spec.Name + ".yaml"
			key := filepath.Join(outDir, name)
			if err := write.ValidName(name); err != nil {
				res.Findings = append(res.Findings, r.Spec.nameFinding(fmt.Sprintf("%v: the name must be a DNS label", err)))
				continue
			}
			if prev, dup := claims[key]; dup {
				line, _, _ := prev.spec.doc.Locate(fieldpath.New("metadata", "name"))
				res.Findings = append(res.Findings, r.Spec.nameFinding(fmt.Sprintf("Daemon %q would also write %s, like the one at %s:%d: rename one or give them different output directories",
					r.Spec.Name, g.display(key), prev.spec.File, line)))
				continue
			}
			claims[key] = claim{r.Spec}
			if r.Spec.Name == "kustomization" && js.job.Kustomization {
				res.Findings = append(res.Findings, r.Spec.nameFinding("a Daemon named kustomization would overwrite kustomization.yaml: rename it"))
				continue
			}
			b, err := r.YAML(g.nameFrom(outDir, r.Spec))
			if err != nil {
				return nil, err
			}
			res.files = append(res.files, write.File{Dir: outDir, Label: g.display(outDir), Name: name, Data: b, Within: js.job.Root})
			names = append(names, name)
		}
		if outDir != "" && js.job.Kustomization {
			claims[filepath.Join(outDir, "kustomization.yaml")] = claim{}
			res.files = append(res.files, write.File{Dir: outDir, Label: g.display(outDir), Name: "kustomization.yaml", Data: kustomization(names), Within: js.job.Root})
		}
	}
	for _, d := range outDirs {
		existing, err := write.Existing(d, MaxSpecSize)
		if err != nil {
			return nil, fmt.Errorf("output directory %s: %w", d.Label, err)
		}
		for _, f := range existing {
			if _, claimed := claims[filepath.Join(d.Dir, f.Name)]; claimed {
				continue
			}
			if orphaned(d.Dir, d.Within, f.Data, read) {
				res.prune = append(res.prune, f)
			}
		}
	}
	for i := range res.Findings {
		res.Findings[i].Message = safetext.TruncateQuoted(res.Findings[i].Message)
	}
	res.Findings = finding.SortAndDedupe(res.Findings)
	if res.HasErrors() {
		res.files, res.prune, res.Stdout = nil, nil, nil
		return res, nil
	}
	res.Stdout = stdout.Bytes()
	return res, nil
}

// orphaned reports whether a file in an output directory is one
// everynode generated from a spec that no longer generates it: its header
// names a spec (relative to dir) that is gone, or that this run read
// (which then no longer holds the file's Daemon). A file without the
// header, or from standard input, or from a spec that exists and this run
// did not read (another job's, another command's), is not.
func orphaned(dir, within string, data []byte, read map[string]bool) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	rest, ok := bytes.CutPrefix(line, []byte(HeaderPrefix+" from "))
	if !ok {
		return false
	}
	name, ok := bytes.CutSuffix(rest, []byte("; DO NOT EDIT."))
	if !ok || len(name) == 0 || string(name) == StdinName || string(name) == "-" {
		return false
	}
	spec := filepath.Clean(filepath.Join(dir, filepath.FromSlash(string(name))))
	if filepath.IsAbs(filepath.FromSlash(string(name))) {
		spec = filepath.Clean(filepath.FromSlash(string(name)))
	}
	if read[spec] {
		return true
	}
	if within != "" && !safefs.Within(spec, within) {
		// A repository's configuration decides nothing outside it.
		return false
	}
	_, err := os.Lstat(spec)
	return errors.Is(err, fs.ErrNotExist)
}

func (s *Spec) nameFinding(msg string) finding.Finding {
	return s.finding(gojson.Error{Path: fieldpath.New("metadata", "name"), Message: msg})
}

// kustomization lists the generated files.
func kustomization(names []string) []byte {
	slices.Sort(names)
	var b strings.Builder
	b.WriteString(HeaderPrefix + "; DO NOT EDIT.\n")
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n")
	if len(names) == 0 {
		b.WriteString("resources: []\n")
		return []byte(b.String())
	}
	b.WriteString("resources:\n")
	for _, n := range names {
		b.WriteString("  - " + n + "\n")
	}
	return []byte(b.String())
}

type gen struct {
	wd        string
	stdin     io.Reader
	stdinRead bool
	// findings are about inputs too large to read.
	findings []finding.Finding
}

// MaxSpecSize bounds a spec file, as lint.DefaultMaxFileSize bounds a
// manifest: a larger file is not read at all.
const MaxSpecSize = 32 << 20

func (g *gen) limitFinding(name string, err error) {
	g.findings = append(g.findings, finding.Finding{Rule: "limit-exceeded", Severity: finding.Error, File: name, Line: 1, Column: 1,
		Message: err.Error() + " (split it, or move it out of the spec paths if it is not a spec)"})
}

func (g *gen) resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	if base == "" {
		base = g.wd
	}
	return filepath.Join(base, p)
}

// display is a path as reported: relative to the working directory,
// slash-separated.
func (g *gen) display(abs string) string {
	if rel, err := filepath.Rel(g.wd, abs); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(abs)
}

// nameFrom names a spec in an output header: relative to dir (the output
// directory, or the working directory for standard output).
func (g *gen) nameFrom(dir string, s *Spec) string {
	if s.Path == "" {
		return s.File
	}
	if rel, err := filepath.Rel(dir, s.Path); err == nil {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(s.Path)
}

func hasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// confine checks a path from a configuration against the job's root: it
// must be relative and stay inside it.
func (g *gen) confine(j Job, what, p, origin string) error {
	if j.Root == "" {
		return nil
	}
	if filepath.IsAbs(p) || strings.HasPrefix(filepath.ToSlash(p), "/") {
		return fmt.Errorf("%s%s %s is an absolute path: paths in the configuration are relative to it and stay inside the repository", origin, what, safetext.Quote(p))
	}
	if !safefs.Within(g.resolve(j.Base, p), j.Root) {
		return fmt.Errorf("%s%s %s leads outside the repository: paths in the configuration stay inside it", origin, what, safetext.Quote(p))
	}
	return nil
}

// rootFor is what reads for a spec path must stay inside: the job's root,
// or the repository (or directory) around a path named on the command
// line.
func (g *gen) rootFor(j Job, abs string) (*safefs.Root, error) {
	if j.Root != "" {
		return safefs.Cached(j.Root)
	}
	return safefs.Cached(safefs.RootFor(g.wd, abs))
}

// collect reads the files a job names.
func (g *gen) collect(j Job) ([]File, error) {
	var files []File
	seen := map[string]bool{}
	var root *safefs.Root
	add := func(abs string, lenient bool) error {
		if seen[abs] {
			return nil
		}
		seen[abs] = true
		data, err := root.ReadFile(abs, MaxSpecSize)
		if tooLarge := (*input.TooLargeError)(nil); errors.As(err, &tooLarge) {
			g.limitFinding(g.display(abs), tooLarge)
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading spec %s: %w", safetext.Quote(g.display(abs)), unwrapPathError(err))
		}
		files = append(files, File{Name: g.display(abs), Path: abs, Data: data, Lenient: lenient})
		return nil
	}
	for i, spec := range j.Specs {
		origin := ""
		if i < len(j.Origins) && j.Origins[i] != "" {
			origin = j.Origins[i] + ": "
		}
		if spec == "-" {
			if g.stdinRead {
				return nil, errors.New(`"-" (standard input) is given twice`)
			}
			g.stdinRead = true
			if g.stdin == nil {
				return nil, errors.New("no standard input to read")
			}
			data, err := input.ReadLimited(g.stdin, MaxSpecSize)
			if tooLarge := (*input.TooLargeError)(nil); errors.As(err, &tooLarge) {
				g.limitFinding(StdinName, tooLarge)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reading standard input: %w", err)
			}
			files = append(files, File{Name: StdinName, Data: data})
			continue
		}
		if err := g.confine(j, "spec", spec, origin); err != nil {
			return nil, err
		}
		abs := g.resolve(j.Base, spec)
		var err error
		if root, err = g.rootFor(j, abs); err != nil {
			return nil, fmt.Errorf("%sspec %s: %w", origin, spec, err)
		}
		fi, err := root.Stat(abs)
		switch {
		case err == nil && fi.IsDir():
			if err := g.walk(abs, root, add); err != nil {
				return nil, err
			}
		case err == nil:
			if err := add(abs, false); err != nil {
				return nil, err
			}
		case errors.Is(err, fs.ErrNotExist) && hasMeta(spec):
			matches, err := glob(abs)
			if err != nil {
				return nil, fmt.Errorf("%sspec pattern %q: %w", origin, spec, err)
			}
			if len(matches) == 0 {
				return nil, fmt.Errorf("%sno file matches the spec pattern %q", origin, spec)
			}
			for _, m := range matches {
				if err := add(m, true); err != nil {
					return nil, err
				}
			}
		default:
			return nil, fmt.Errorf("%sspec %s: %w", origin, spec, unwrapPathError(err))
		}
	}
	return files, nil
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func isYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// walk adds the YAML files under dir in lexical order, skipping hidden
// directories; symlinks to files are followed, symlinks to directories
// are not (they could loop).
func (g *gen) walk(dir string, root *safefs.Root, add func(string, bool) error) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("reading %s: %w", g.display(p), unwrapPathError(err))
		}
		if d.IsDir() {
			if p != dir && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !isYAML(p) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := os.Stat(p)
			if err != nil {
				// A spec that silently went missing would silently drop
				// its output.
				target, _ := os.Readlink(p)
				return fmt.Errorf("reading spec %s: symbolic link to %q: %w", g.display(p), target, unwrapPathError(err))
			}
			if !fi.Mode().IsRegular() {
				return nil
			}
			// Specs in a pull request must not make generate read, and
			// print lines of, files elsewhere on the machine.
			if real, err := filepath.EvalSymlinks(p); err != nil || !safefs.Within(real, root.Real()) {
				target, _ := os.Readlink(p)
				return fmt.Errorf("spec %s is a symbolic link to %s, which leads outside the repository: not followed (name the target to use it)",
					safetext.Quote(g.display(p)), safetext.Quote(target))
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		return add(p, true)
	})
}

// glob matches an absolute pattern; "**" matches any number of
// directories. Matches come in lexical order.
func glob(pattern string) ([]string, error) {
	if !strings.Contains(pattern, "**") {
		return filepath.Glob(pattern)
	}
	// Walk from the longest directory prefix without metacharacters.
	parts := strings.Split(filepath.ToSlash(pattern), "/")
	i := 0
	for i < len(parts) && !hasMeta(parts[i]) {
		i++
	}
	root := filepath.FromSlash(strings.Join(parts[:i], "/"))
	if root == "" {
		root = "/"
	}
	rest := parts[i:]
	for _, p := range rest {
		if _, err := filepath.Match(p, ""); err != nil {
			return nil, err
		}
	}
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipAll
			}
			return err
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		if matchSegments(rest, strings.Split(filepath.ToSlash(rel), "/")) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

func matchSegments(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for k := 0; k <= len(name); k++ {
				if matchSegments(pat[1:], name[k:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := filepath.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}
