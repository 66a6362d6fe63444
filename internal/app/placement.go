package app

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/generator"
	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/internal/generatorinternal"
	"github.com/everynode/everynode/internal/input"
	"github.com/everynode/everynode/internal/lintinternal"
	"github.com/everynode/everynode/internal/placement"
	"github.com/everynode/everynode/internal/safefs"
	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/internal/schema"
	"github.com/everynode/everynode/lint"
	"github.com/everynode/everynode/lint/config"
	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

func placementCommand() *cli.Command {
	return &cli.Command{
		Name:      "placement",
		Usage:     "show which nodes each DaemonSet runs on, why not on the others, and what they cost each node",
		ArgsUsage: "--nodes NODES [PATH...]",
		Description: "Decides, offline, what the DaemonSet controller decides for every DaemonSet and node: its node selector,\n" +
			"required node affinity and nodeName, and the node's taints against the pod's tolerations plus the ones the\n" +
			"controller adds. NODES is what `kubectl get nodes -o yaml` (or -o json) prints, or - for standard input.\n" +
			"PATHs are read as lint reads them: files, directories, kustomizations (rendered in-process) and - ;\n" +
			"Daemon specs are generated first. The default PATH is the current directory.\n" +
			"Exit status: 0 done; 1 --fail-if-none and a DaemonSet runs on no node, --fail-on warning and a pod stays\n" +
			"Pending (requests beyond a node's allocatable, a hostPort claimed twice), or a manifest could not be\n" +
			"read; 2 usage error, a path that does not exist, an unreadable or malformed nodes file.",
		Flags: append([]cli.Flag{
			&cli.StringFlag{Name: "nodes", Usage: "the nodes: `FILE` as `kubectl get nodes -o yaml` (or -o json) writes it, or - for standard input"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FMT`: text, json or markdown"},
			&cli.StringFlag{Name: "fail-on", Value: "none", Usage: "`warning`: exit 1 when a placed pod stays Pending (resources, host ports); none never does"},
			&cli.BoolFlag{Name: "fail-if-none", Usage: "exit 1 when a DaemonSet runs on no node"},
			&cli.StringSliceFlag{Name: "exclude", Usage: "skip files and directories matching `GLOB` (** crosses directories); repeatable"},
			&cli.BoolFlag{Name: "taint-comparison-operators", Usage: "tolerations with operator Gt or Lt compare taint values, as with the TaintTolerationComparisonOperators feature gate (off by default in 1.37)"},
			&cli.StringFlag{Name: "workdir", Hidden: true},
		}, configFlags()...),
		Action: runPlacement,
	}
}

// placementFormats write a placement result.
var placementFormats = map[string]func(*placement.Result, io.Writer) error{
	"text":     (*placement.Result).WriteText,
	"json":     (*placement.Result).WriteJSON,
	"markdown": (*placement.Result).WriteMarkdown,
}

func runPlacement(c *cli.Context) error {
	write, ok := placementFormats[c.String("format")]
	if !ok {
		return usageError("--format %q: want text, json or markdown", c.String("format"))
	}
	if f := c.String("fail-on"); f != "none" && f != "warning" {
		return usageError("--fail-on %q: want warning or none", f)
	}
	workDir, err := workingDir(c)
	if err != nil {
		return err
	}
	cfg, cfgFindings, _, _, err := readConfig(c, workDir)
	if err != nil {
		return err
	}
	// A configuration placement cannot trust is a usage error, each
	// problem on its own line, as lint reports them.
	bad := false
	for _, f := range cfgFindings {
		if f.Severity == finding.Error {
			bad = true
			fmt.Fprintf(c.App.ErrWriter, "%s:%d:%d: %s: %s [%s]\n", safetext.Path(f.File), f.Line, f.Column, f.Severity, safetext.Line(f.Message), f.Rule)
		}
	}
	if bad {
		return exit(ExitUsage, fmt.Errorf("the configuration has errors"))
	}
	paths := c.Args().Slice()
	var nodes []placement.Node
	switch nodesPath := c.String("nodes"); {
	case nodesPath == "" && cfg.Placement.Nodes == "":
		return usageError("--nodes is required: the file `kubectl get nodes -o yaml` writes, or - to read it from standard input (or placement.nodes in %s)", config.FileName)
	case nodesPath == "-" && containsStdin(paths):
		return usageError("--nodes - and the path - both read standard input: give one of them as a file")
	case nodesPath != "":
		nodes, err = readNodesFile(c, workDir, nodesPath)
	default:
		nodes, err = readConfigNodes(c, workDir, cfg)
	}
	if err != nil {
		return err
	}
	// The flags win over the configuration.
	failIfNone, failOn := c.Bool("fail-if-none"), c.String("fail-on")
	if !c.IsSet("fail-if-none") {
		failIfNone = cfg.Placement.FailIfNone
	}
	if !c.IsSet("fail-on") && cfg.Placement.FailOn != "" {
		failOn = cfg.Placement.FailOn
	}
	paths, missing := splitMissing(paths, workDir)
	if len(missing) > 0 && len(paths) == 0 {
		return exit(ExitUsage, errors.Join(missing...))
	}
	col := daemonSetCollector{}
	problems, err := col.collect(c.App.Reader, c.App.ErrWriter, cfg, workDir, paths, c.StringSlice("exclude"))
	if err != nil {
		return err
	}
	res := placement.Compute(col.sorted(), nodes, placement.Options{TaintTolerationComparisonOperators: c.Bool("taint-comparison-operators")})
	if err := write(res, c.App.Writer); err != nil {
		return exit(ExitUsage, err)
	}
	return placementExit(res, failIfNone, failOn == "warning", missing, problems)
}

// placementExit is the exit status of a placement run, after its output.
func placementExit(res *placement.Result, failIfNone, failOnWarning bool, missing []error, problems int) error {
	switch {
	case len(missing) > 0:
		return exit(ExitUsage, errors.Join(missing...))
	case problems > 0:
		return exit(ExitFindings, fmt.Errorf("%s in the manifests (above): what they concern is not placed", count(problems, "problem", "problems")))
	}
	if failIfNone {
		var none []string
		for _, ds := range res.DaemonSets {
			if ds.Desired == 0 {
				none = append(none, qualified(ds.Namespace, ds.Name))
			}
		}
		if len(none) > 0 {
			return exit(ExitFindings, fmt.Errorf("--fail-if-none: no node runs %s", strings.Join(none, ", ")))
		}
	}
	if failOnWarning && res.PendingWarnings() > 0 {
		return exit(ExitFindings, fmt.Errorf("--fail-on warning: %s that a placed pod stays Pending", count(res.PendingWarnings(), "warning says", "warnings say")))
	}
	return nil
}

// count is "1 problem", "3 problems".
func count(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, plural(n, one, many))
}

func qualified(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

func containsStdin(paths []string) bool {
	for _, p := range paths {
		if p == "-" {
			return true
		}
	}
	return false
}

// workingDir is --workdir or the process's working directory.
func workingDir(c *cli.Context) (string, error) {
	if wd := c.String("workdir"); wd != "" {
		return wd, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", exit(ExitUsage, fmt.Errorf("finding the working directory: %w", err))
	}
	return wd, nil
}

// maxNodesFile bounds a nodes file: `kubectl get nodes -o yaml` of a
// 5,000-node cluster, managed fields and image lists included, is some
// hundred MiB.
const maxNodesFile = 512 << 20

// readNodesFile reads --nodes: standard input for "-"; a file in the
// working directory's repository through its root, as every file of a
// repository is read (a pull request can make it a link to anything); a
// file elsewhere as named by whoever runs everynode. Every problem in it
// is printed with file:line:column; any makes the run a usage error.
func readNodesFile(c *cli.Context, workDir, name string) ([]placement.Node, error) {
	var data []byte
	var err error
	display := name
	if name == "-" {
		display = input.StdinName
		data, err = safefs.ReadLimited(c.App.Reader, maxNodesFile)
	} else {
		data, err = readUserFile(workDir, name, maxNodesFile)
	}
	if err != nil {
		return nil, exit(ExitUsage, fmt.Errorf("--nodes %s: %w", name, err))
	}
	nodes, err := placement.ReadNodes(filepath.ToSlash(display), data)
	var errs placement.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			fmt.Fprintln(c.App.ErrWriter, safetext.Line(e.Error()))
		}
		return nil, exit(ExitUsage, fmt.Errorf("--nodes %s: not a nodes file as `kubectl get nodes -o yaml` writes it (%s above)", name, count(len(errs), "problem", "problems")))
	}
	if err != nil {
		return nil, exit(ExitUsage, fmt.Errorf("--nodes %s: %w", name, err))
	}
	return nodes, nil
}

// readConfigNodes reads the nodes file that the configuration's
// placement.nodes names: the configuration is the repository's, so the
// file must be in the repository, and is read through its root.
func readConfigNodes(c *cli.Context, workDir string, cfg *config.Config) ([]placement.Node, error) {
	path := cfg.Resolve(cfg.Placement.Nodes)
	if !filepath.IsAbs(path) {
		path = filepath.Join(workDir, path)
	}
	repo := safefs.RootFor(workDir, workDir)
	if !safefs.Within(filepath.Clean(path), repo) {
		return nil, exit(ExitUsage, fmt.Errorf("placement.nodes %q in %s leads outside the repository; everynode reads nothing outside it",
			cfg.Placement.Nodes, relName(workDir, cfg.Path)))
	}
	return readNodesFile(c, workDir, relName(workDir, path))
}

// readUserFile reads a file named on the command line: through the
// repository's root when it is in the working directory's repository,
// as given otherwise; at most limit bytes.
func readUserFile(workDir, name string, limit int64) ([]byte, error) {
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(workDir, path)
	}
	repo := safefs.RootFor(workDir, workDir)
	if safefs.Within(filepath.Clean(path), repo) {
		root, err := safefs.Cached(repo)
		if err != nil {
			return nil, err
		}
		return root.ReadFile(path, limit)
	}
	return input.ReadFile(path, limit)
}

// daemonSetCollector gathers the DaemonSets of a lint run: the engine
// reads the paths (walking directories, rendering kustomizations,
// generating Daemon specs, every read confined to the repository) and
// hands over every object; nothing is validated, no rule runs.
type daemonSetCollector struct {
	// specsOnly keeps only DaemonSets generated from Daemon specs
	// (generate --nodes: a spec directory may hold generated output too).
	specsOnly bool

	mu   sync.Mutex
	list []placement.DaemonSetSource
	seen map[dsKey]bool
	// bad are the objects that could not be decoded, as findings.
	bad []finding.Finding
}

// dsKey identifies a DaemonSet of the input: one file reached through
// several overlays is one DaemonSet there, unless they rename it.
type dsKey struct {
	file            string
	doc             int
	namespace, name string
}

func (d *daemonSetCollector) add(file string, doc int, ds placement.DaemonSetSource) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := dsKey{file, doc, ds.DaemonSet.Namespace, ds.DaemonSet.Name}
	if d.seen == nil {
		d.seen = map[dsKey]bool{}
	}
	if d.seen[k] {
		return
	}
	d.seen[k] = true
	d.list = append(d.list, ds)
}

// object is the engine's Objects hook.
func (d *daemonSetCollector) object(file string, doc int, m map[string]any, locate func(fieldpath.Path) (string, int, int)) {
	if d.specsOnly {
		return
	}
	res := finding.ResourceOf(m)
	if res.Kind != "DaemonSet" || res.APIVersion != "apps/v1" {
		return
	}
	ds, err := placement.DecodeDaemonSet(m)
	if err != nil {
		var at fieldpath.Path
		var de *placement.DecodeError
		if errors.As(err, &de) {
			at = de.Path
		}
		f := finding.Finding{Rule: finding.RuleSchema, Severity: finding.Error, File: file, Document: doc, Resource: res, Path: at, Message: err.Error()}
		if where, line, col := locate(at); where != "" {
			f.File, f.Line, f.Column = where, line, col
		}
		d.mu.Lock()
		d.bad = append(d.bad, f)
		d.mu.Unlock()
		return
	}
	d.add(file, doc, placement.DaemonSetSource{File: file, Document: doc, DaemonSet: ds})
}

// spec is the engine's Daemon spec checker: the generator's findings,
// and the DaemonSet of a valid spec.
func (d *daemonSetCollector) spec(doc *document.Document) []finding.Finding {
	ds, fs := generatorinternal.RenderDocument(doc)
	if ds != nil {
		d.add(doc.File.Name, doc.Index, placement.DaemonSetSource{File: doc.File.Name, Document: doc.Index, DaemonSet: ds})
	}
	return fs
}

// sorted returns the DaemonSets in file, document, namespace and name
// order: the engine reads files concurrently, and one document may give
// several DaemonSets (the items of a List, a base rendered by several
// overlays).
func (d *daemonSetCollector) sorted() []placement.DaemonSetSource {
	sort.SliceStable(d.list, func(i, j int) bool {
		a, b := d.list[i], d.list[j]
		return cmp.Or(
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Document, b.Document),
			cmp.Compare(a.DaemonSet.Namespace, b.DaemonSet.Namespace),
			cmp.Compare(a.DaemonSet.Name, b.DaemonSet.Name)) < 0
	})
	return d.list
}

// collect reads paths and gathers their DaemonSets. Problems that keep a
// manifest from being placed (it does not parse, cannot be read, a
// kustomization does not build, a Daemon spec is invalid) are printed as
// lint prints findings, and counted.
func (d *daemonSetCollector) collect(stdin io.Reader, stderr io.Writer, cfg *config.Config, workDir string, paths, excludes []string) (int, error) {
	opts := lint.Options{
		Config:     cfg,
		Excludes:   excludes,
		SchemaOnly: true,
		Stdin:      stdin,
		WorkDir:    workDir,
	}
	lintinternal.SetHooks(&opts, lintinternal.Hooks{
		Kustomize: lintinternal.NewKustomizer(workDir, generator.RenderBytes),
		Specs:     d.spec,
		Objects:   d.object,
		Schema:    noSchema{},
	})
	l, err := lint.New(opts)
	if err != nil {
		return 0, exit(ExitUsage, err)
	}
	res, err := l.Lint(context.Background(), paths)
	if err != nil {
		var pe *lint.PathError
		if errors.As(err, &pe) {
			return 0, exit(ExitUsage, err)
		}
		return 0, exit(ExitUsage, fmt.Errorf("internal error: %w", err))
	}
	var problems []finding.Finding
	for _, f := range append(res.Findings, d.bad...) {
		if f.Severity >= finding.Error && !f.Suppressed {
			problems = append(problems, f)
		}
	}
	problems = finding.SortAndDedupe(problems)
	for _, f := range problems {
		f.File = safetext.Path(f.File)
		f.Message = safetext.Escape(f.Message)
		fmt.Fprintln(stderr, f.String())
	}
	return len(problems), nil
}

// noSchema validates nothing: placement reads manifests, lint judges them.
type noSchema struct{}

func (noSchema) Validate(map[string]any) []schema.Error  { return nil }
func (noSchema) AddCRD(map[string]any) []schema.Error    { return nil }
func (noSchema) Incomplete(map[string]any) *schema.Error { return nil }

// placementOf is the placement of the DaemonSets generated from the
// files generate read, for generate --nodes: the files are read again by
// the name generate reported them (standard input from what it kept).
func placementOf(stderr io.Writer, workDir string, nodes []placement.Node, sources map[string][]byte) (*placement.Result, int, error) {
	var paths []string
	var stdin io.Reader = bytes.NewReader(nil)
	for name, data := range sources {
		if name == generator.StdinName {
			paths = append(paths, "-")
			stdin = bytes.NewReader(data)
			continue
		}
		paths = append(paths, filepath.FromSlash(name))
	}
	sort.Strings(paths)
	col := daemonSetCollector{specsOnly: true}
	problems, err := col.collect(stdin, stderr, config.Default(), workDir, paths, nil)
	if err != nil {
		return nil, 0, err
	}
	return placement.Compute(col.sorted(), nodes, placement.Options{}), problems, nil
}
