package krm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/everynode/everynode/internal/placement"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/finding"
)

// rulePlacement is the rule ID of the validator's placement results
// (placement.nodes in the functionConfig); like function-config, it is
// the function's own and not a lint rule.
const rulePlacement = "placement"

// maxNodesFile bounds the nodes file, as `everynode placement` does.
const maxNodesFile = 512 << 20

// placeItems places the items' DaemonSets on the nodes of
// cfg.Placement.Nodes: the matrix goes to standard error, a result per
// DaemonSet says on how many nodes it runs (an error when it runs on none
// and failIfNone is set), and a warning result per warning of placement
// (a pod that stays Pending, a cordoned node), with the nodes it holds
// for. fail says whether the placement settings make the function
// fail. The nodes file is the one file the function reads: it is named
// by the functionConfig, relative to the working directory, and must be
// inside the repository around it.
func (p *processor) placeItems(rl *resourceList, cfg *config.Config, fc *object) (fs []finding.Finding, fail bool) {
	nodes, err := p.readNodes(cfg.Placement.Nodes)
	if err != nil {
		return []finding.Finding{p.configFinding(fc, "placement.nodes: "+err.Error())}, true
	}
	var ds []placement.DaemonSetSource
	for i, it := range p.in.items {
		res := finding.ResourceOf(it.value)
		if res.Kind != "DaemonSet" || res.APIVersion != "apps/v1" || localConfig(it.value) {
			continue
		}
		obj, err := placement.DecodeDaemonSet(withoutToolAnnotations(it.value))
		if err != nil {
			continue // lint's schema findings say what is wrong
		}
		file, index, ok := origin(it.value)
		if !ok {
			index = i
		}
		ds = append(ds, placement.DaemonSetSource{File: file, Document: index, DaemonSet: obj})
	}
	res := placement.Compute(ds, nodes, placement.Options{})
	fmt.Fprintln(p.stderr, "everynode fn: placement on the nodes of", cfg.Placement.Nodes)
	if err := res.WriteText(p.stderr); err != nil {
		return nil, true
	}
	for i, d := range res.DaemonSets {
		src := ds[i]
		f := finding.Finding{Rule: rulePlacement, Severity: finding.Info, File: src.File, Document: src.Document,
			Resource: finding.Resource{APIVersion: "apps/v1", Kind: "DaemonSet", Namespace: d.Namespace, Name: d.Name}}
		var on []string
		warnings := map[string][]string{}
		var order []string
		for _, n := range d.Nodes {
			if !n.Runs {
				continue
			}
			on = append(on, n.Node)
			for _, w := range n.Warnings {
				if _, seen := warnings[w]; !seen {
					order = append(order, w)
				}
				warnings[w] = append(warnings[w], n.Node)
			}
		}
		switch {
		case d.Desired == 0 && cfg.Placement.FailIfNone:
			f.Severity = finding.Error
			f.Message = fmt.Sprintf("runs on none of the %d nodes (placement.failIfNone is set)", res.Nodes)
			fail = true
		case d.Desired == 0:
			f.Message = fmt.Sprintf("runs on none of the %d nodes", res.Nodes)
		default:
			f.Message = fmt.Sprintf("runs on %d of %d nodes: %s", d.Desired, res.Nodes, names(on))
		}
		fs = append(fs, f)
		for _, w := range order {
			wf := f
			wf.Severity, wf.Message = finding.Warning, fmt.Sprintf("on %s: %s", names(warnings[w]), w)
			fs = append(fs, wf)
		}
	}
	if cfg.Placement.FailOn == "warning" && res.PendingWarnings() > 0 {
		fail = true
	}
	return fs, fail
}

// names lists nodes, the first few by name.
func names(ns []string) string {
	const shown = 5
	if len(ns) <= shown {
		return strings.Join(ns, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ns[:shown], ", "), len(ns)-shown)
}

// readNodes reads the nodes file through the root of the repository
// around the working directory.
func (p *processor) readNodes(name string) ([]placement.Node, error) {
	wd := p.workDir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			return nil, err
		}
	}
	path := filepath.FromSlash(name)
	if !filepath.IsAbs(path) {
		path = filepath.Join(wd, path)
	}
	repo := safefs.RootFor(wd, wd)
	if !safefs.Within(filepath.Clean(path), repo) {
		return nil, fmt.Errorf("%q leads outside the repository (%s); the function reads nothing outside it", name, repo)
	}
	root, err := safefs.Cached(repo)
	if err != nil {
		return nil, err
	}
	data, err := root.ReadFile(path, maxNodesFile)
	if err != nil {
		return nil, err
	}
	nodes, err := placement.ReadNodes(name, data)
	var errs placement.Errors
	if errors.As(err, &errs) {
		return nil, fmt.Errorf("not a nodes file as `kubectl get nodes -o yaml` writes it: %w", err)
	}
	return nodes, err
}
