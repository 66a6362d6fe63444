package lint

import (
	"context"
	"path/filepath"
	"slices"

	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/safefs"
)

// withReaching adds to the sources the kustomizations that read a file
// named on the command line, and drops the files that are linted through
// them only.
//
// pre-commit names the files a commit changes, one by one. A patch that
// adds `replicas: 3` to a DaemonSet is skipped on its own (a patch is a
// partial object), and a resource or a ConfigMap generator's input says
// nothing alone about what the overlay builds from it: linting the file
// would pass a commit that `everynode lint .` fails. So for every named
// file, every kustomization in its repository that reads it, directly or
// through bases and components (kustomize.Inputs), is rendered and
// linted too, as a walk of the repository would render it; its findings
// land where their fields are written, at the changed file's lines when
// the change is what is wrong. The search walks the repository as `lint .`
// would (excludes, ignore files, hidden directories), and every
// kustomization is read through the repository's root, as a render is.
//
// A named file stays linted on its own too, as a walk would lint it,
// unless a walk would not: a file in a kustomization's own directory is
// linted as rendered only, and a file that is not a manifest (a generator's
// .properties or .env input) is only an input.
func (l *Linter) withReaching(ctx context.Context, sources []input.Source) ([]input.Source, error) {
	k := l.opts.hooks.Kustomize
	if k == nil {
		return sources, nil
	}
	// The named files, by root, and by real path (a kustomization's
	// entries are joined lexically to its directory, which may be
	// reached through a link).
	byRoot := map[*safefs.Root][]named{}
	var roots []*safefs.Root
	for i, s := range sources {
		if !s.Named || s.Kustomization || s.Err != nil || s.Stdin || s.Stream || s.Root == nil || s.Path == "" {
			continue
		}
		if _, ok := byRoot[s.Root]; !ok {
			roots = append(roots, s.Root)
		}
		byRoot[s.Root] = append(byRoot[s.Root], named{i, s.Path})
	}
	if len(roots) == 0 {
		return sources, nil
	}
	have := map[string]bool{}
	for _, s := range sources {
		if s.Kustomization {
			have[filepath.Clean(s.Path)] = true
		}
	}
	drop := map[int]bool{}
	var extra []input.Source
	for _, root := range roots {
		files := byRoot[root]
		want := map[string][]int{}
		for _, f := range files {
			for _, p := range samePaths(f.path) {
				want[p] = append(want[p], f.idx)
			}
		}
		kdirs, err := l.kustomizationsAround(ctx, root, files)
		if err != nil {
			return nil, err
		}
		for _, kd := range kdirs {
			var reached []int
			for _, in := range k.Inputs(kd.Path, root) {
				for _, p := range samePaths(in) {
					reached = append(reached, want[p]...)
				}
			}
			if len(reached) == 0 {
				continue
			}
			slices.Sort(reached)
			reached = slices.Compact(reached)
			if !have[filepath.Clean(kd.Path)] {
				have[filepath.Clean(kd.Path)] = true
				extra = append(extra, kd)
			}
			for _, i := range reached {
				s := sources[i]
				if !input.HasManifestExt(s.Path) || k.IsKustomization(filepath.Dir(s.Path)) {
					drop[i] = true
				}
			}
		}
	}
	out := make([]input.Source, 0, len(sources)+len(extra))
	for i, s := range sources {
		if drop[i] {
			continue
		}
		if l.opts.Changed && s.Named && !s.Kustomization && s.Err == nil && !s.Stdin && s.Path != "" && !input.HasManifestExt(s.Path) {
			// A changed file that is neither a manifest nor read by a
			// kustomization: pre-commit names every file of a commit.
			continue
		}
		out = append(out, s)
	}
	return append(out, extra...), nil
}

// named is a file named on the command line: its index in the sources
// and its path.
type named struct {
	idx  int
	path string
}

// kustomizationsAround lists the kustomizations to look in for the named
// files of one root. In a repository, that is every kustomization in it,
// found as a walk of the repository finds them. Outside any repository
// the root is the working directory, which may be a home directory: only
// the named files' directories and their parents are looked at, as for
// patch files (isPatchFile).
func (l *Linter) kustomizationsAround(ctx context.Context, root *safefs.Root, files []named) ([]input.Source, error) {
	var out []input.Source
	if safefs.Repository(root.Dir()) == root.Dir() {
		err := l.walker.Walk(ctx, []string{root.Dir()}, func(s input.Source) error {
			if s.Kustomization && s.Root != nil {
				out = append(out, s)
			}
			return nil
		})
		return out, err
	}
	seen := map[string]bool{}
	k := l.opts.hooks.Kustomize
	for _, f := range files {
		dir := filepath.Dir(f.path)
		for _, d := range []string{dir, filepath.Dir(dir)} {
			if seen[d] || !root.Contains(d) {
				continue
			}
			seen[d] = true
			if k.IsKustomization(d) {
				out = append(out, input.Source{Name: l.walker.Name(d), Path: d, Kustomization: true, Root: root})
			}
		}
	}
	return out, nil
}

// samePaths are the names a file goes by: its clean path, and its real
// path when a symbolic link is on the way.
func samePaths(p string) []string {
	p = filepath.Clean(p)
	out := []string{p}
	if real, err := filepath.EvalSymlinks(p); err == nil && real != p {
		out = append(out, real)
	}
	return out
}
