package app

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/everynode/everynode/schemas"
)

func schemasCommand() *cli.Command {
	return &cli.Command{
		Name:      "schemas",
		Usage:     "list the embedded Kubernetes schemas, or export them for other tools",
		UsageText: "everynode schemas [--kubernetes-version V]\neverynode schemas export [--layout kubeconform] [--kubernetes-version V|all] [--strict=false] DIR",
		Description: "Without --kubernetes-version, lists the embedded Kubernetes releases and how many kinds each has;\n" +
			"with it, lists that release's kinds. 'export' writes standalone JSON Schemas to DIR.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "kubernetes-version", Usage: "list the kinds of this release (`V`: 1.37, v1.37 or 1.37.0)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageError("unexpected argument %q (did you mean 'everynode schemas export %s'?)", c.Args().First(), c.Args().First())
			}
			if c.IsSet("kubernetes-version") {
				return listKinds(c, c.String("kubernetes-version"))
			}
			return listVersions(c)
		},
		Subcommands: []*cli.Command{schemasExportCommand()},
	}
}

func listVersions(c *cli.Context) error {
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KUBERNETES\tKINDS")
	newest := schemas.Newest()
	for _, v := range schemas.Versions() {
		kinds, err := schemas.Kinds(v)
		if err != nil {
			return exit(ExitUsage, err)
		}
		note := ""
		if v == newest {
			note = " (default)"
		}
		fmt.Fprintf(tw, "%s\t%d%s\n", v, len(kinds), note)
	}
	if err := tw.Flush(); err != nil {
		return exit(ExitUsage, err)
	}
	return nil
}

func listKinds(c *cli.Context, version string) error {
	kinds, err := schemas.Kinds(version)
	if err != nil {
		return usageError("--kubernetes-version: %v", err)
	}
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "APIVERSION\tKIND")
	for _, k := range kinds {
		fmt.Fprintf(tw, "%s\t%s\n", k.APIVersion(), k.Kind)
	}
	if err := tw.Flush(); err != nil {
		return exit(ExitUsage, err)
	}
	return nil
}

func schemasExportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write standalone JSON Schemas of the embedded kinds to DIR",
		UsageText: "everynode schemas export [--layout kubeconform] [--kubernetes-version V|all] [--strict=false] DIR",
		Description: "Writes one self-contained JSON Schema per kind in kubeconform's layout,\n" +
			"DIR/v1.37.0-standalone-strict/daemonset-apps-v1.json, so that kubeconform validates offline\n" +
			"with the same schemas everynode uses:\n\n" +
			"  kubeconform -strict -kubernetes-version 1.37.0 -schema-location DIR manifests/",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "layout", Value: "kubeconform", Usage: "directory layout (`NAME`): kubeconform"},
			&cli.StringFlag{Name: "kubernetes-version", Usage: "release to export (`V`), or all; default the newest"},
			&cli.BoolFlag{Name: "strict", Value: true, Usage: "reject unknown fields (the -strict layout); --strict=false writes the relaxed one"},
		},
		Action: func(c *cli.Context) error {
			if l := c.String("layout"); l != "kubeconform" {
				return usageError("--layout %q: the only layout is kubeconform", l)
			}
			if c.NArg() != 1 {
				return usageError("export takes one argument, the output directory (got %d)", c.NArg())
			}
			dir := c.Args().First()
			if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
				return usageError("%s exists and is not a directory", dir)
			}
			versions := []string{c.String("kubernetes-version")}
			if versions[0] == "all" {
				versions = schemas.Versions()
			} else if _, err := schemas.NormalizeVersion(versions[0]); err != nil {
				return usageError("--kubernetes-version: %v", err)
			}
			for _, v := range versions {
				res, err := schemas.ExportKubeconform(dir, v, schemas.KubeconformOptions{Strict: c.Bool("strict")})
				if err != nil {
					return exit(ExitUsage, fmt.Errorf("export: %w", err))
				}
				fmt.Fprintf(c.App.Writer, "wrote %d schemas to %s\n", res.Files, res.Dir)
				for _, g := range res.Skipped {
					fmt.Fprintf(c.App.ErrWriter, "everynode: skipped %s: kubeconform would look for it under the name of another kind (%s)\n", g, schemas.KubeconformFile(g))
				}
			}
			normalized, _ := schemas.NormalizeVersion(versions[len(versions)-1])
			strict := ""
			if c.Bool("strict") {
				strict = "-strict "
			}
			fmt.Fprintf(c.App.Writer, "use: kubeconform %s-kubernetes-version %s.0 -schema-location %s FILE...\n", strict, normalized, dir)
			return nil
		},
	}
}
