// Command hostile writes the inputs scripts/memory.sh measures everynode's
// peak memory on: the attack inputs of docs/security.md, each as large as
// the limits let it be.
//
//	go run ./bench/hostile -out DIR
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/everynode/everynode/internal/testkit/benchcorpus"
)

const fileLimit = 32 << 20

func main() {
	out := flag.String("out", "", "write the inputs into `DIR`")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "hostile: give -out DIR")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func write(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	fmt.Printf("%s: %.1f MiB\n", path, float64(len(data))/(1<<20))
	return os.WriteFile(path, data, 0o644)
}

func run(out string) error {
	// The file: 32 MiB of 3.7 million tiny documents; three of
	// them, linted at once.
	tiny := bytes.Repeat([]byte("---\na: 1\n"), (fileLimit-16)/9)
	for i := 1; i <= 3; i++ {
		if err := write(filepath.Join(out, "tiny", fmt.Sprintf("tiny-%d.yaml", i)), tiny); err != nil {
			return err
		}
	}
	// 100,000 tiny documents: just under the document limit, linted.
	if err := write(filepath.Join(out, "tiny-under-limit", "docs.yaml"), bytes.Repeat([]byte("---\na: 1\n"), 99_999)); err != nil {
		return err
	}
	// Real manifests up to the size limit: node agents, twice.
	var agents bytes.Buffer
	for i := 0; agents.Len() < fileLimit-(64<<10); i++ {
		d, _ := benchcorpus.Agent(1, i)
		if agents.Len() > 0 {
			agents.WriteString("---\n")
		}
		agents.Write(d)
	}
	for i := 1; i <= 2; i++ {
		if err := write(filepath.Join(out, "agents", fmt.Sprintf("agents-%d.yaml", i)), agents.Bytes()); err != nil {
			return err
		}
	}
	// One document of the most values the limit allows, on one line.
	var flow bytes.Buffer
	flow.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flow, namespace: default}\ndata: {")
	for i := 0; flow.Len() < fileLimit-64; i++ {
		if i > 0 {
			flow.WriteString(", ")
		}
		fmt.Fprintf(&flow, "k%d: v", i)
	}
	flow.WriteString("}\n")
	if err := write(filepath.Join(out, "flow", "flow.yaml"), flow.Bytes()); err != nil {
		return err
	}
	// Dense input just under the limits: 99,000 ConfigMaps with a
	// finding each, and one document of 999,000 lines of three values.
	var docs bytes.Buffer
	for i := 0; i < 99_000; i++ {
		fmt.Fprintf(&docs, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d, namespace: d, labels: {a: b, c: d, e: f}}\ndata: {k: v, l: w, m: x, n: y, o: z, p: q}\n", i)
	}
	if err := write(filepath.Join(out, "dense-docs", "docs.yaml"), docs.Bytes()); err != nil {
		return err
	}
	seq := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: d}\nx:\n")
	seq = append(seq, bytes.Repeat([]byte("- {a: 1}\n"), 999_000)...)
	if err := write(filepath.Join(out, "dense-document", "seq.yaml"), seq); err != nil {
		return err
	}
	// A kustomize build at its limits: 4,999 documents in 4 MiB.
	var res bytes.Buffer
	for i := 0; i < 4_999; i++ {
		fmt.Fprintf(&res, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d, namespace: default, labels: {a: b}}\ndata: {k: v}\n", i)
	}
	if err := write(filepath.Join(out, "kustomize", "resources.yaml"), res.Bytes()); err != nil {
		return err
	}
	return write(filepath.Join(out, "kustomize", "kustomization.yaml"), []byte("resources: [resources.yaml]\nnamePrefix: x-\ncommonLabels: {team: t}\n"))
}
