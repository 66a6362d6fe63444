// Package krm is everynode as a KRM function (KRM Functions Specification
// v1): kustomize and kpt write a ResourceList on standard input and read
// one back from standard output.
//
// The functionConfig decides what the function does:
//
//   - kind Daemon (everynode.dev/v1alpha1): a generator. The objects the
//     spec renders to are appended to the items, each marked with the
//     GeneratedBy annotation; running the function again replaces its own
//     earlier output instead of adding a second copy.
//   - kind Config (everynode.dev/v1alpha1), a ConfigMap of settings (what
//     `kpt fn eval -- key=value` sends), or none: a validator. Items come
//     back unchanged; every finding becomes a result, and is also printed
//     on standard error, because kustomize never shows results. With
//     placement.nodes (data.nodes in a ConfigMap) it also places the
//     items' DaemonSets on those nodes, as `everynode placement` does.
//
// The function reads nothing but standard input and, when the
// functionConfig names one, a nodes file inside the repository around its
// working directory; it writes nothing but standard output and standard
// error: no other file, no network. Input that is
// not a ResourceList is an error naming the line, never a panic.
package krm

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/everynode/everynode/lint/finding"
)

// GeneratedBy marks the objects the generator appended with the Daemon
// that generated them ("namespace/name", or "name" without a namespace),
// so a second run replaces them.
const GeneratedBy = "everynode.dev/generated-by"

// MaxInput bounds what is read from standard input: the linter's limit
// for one file. A ResourceList costs some 250 times its size in memory
// while kyaml and the linter hold it (a 30 MiB one took 7.5 GB), so a
// larger one would be a danger to the machine, not a pipeline's output.
const MaxInput = 32 << 20

// FindingsError is returned when findings reached the failure threshold
// (an invalid spec or functionConfig, or lint findings at or above
// failOn). They have already been printed on standard error and written
// as results: the caller only has to exit non-zero.
type FindingsError struct {
	Errors, Warnings, Infos int
}

func (e *FindingsError) Error() string {
	return "the function reported " + countWords(e.Errors, e.Warnings, e.Infos)
}

// Run reads a ResourceList from stdin, runs the function its
// functionConfig asks for and writes the resulting ResourceList to stdout.
// Human-readable findings go to stderr. A nil error means success; a
// *FindingsError means findings were reported; any other error is
// malformed input (stdout then holds nothing, or the unchanged items with
// an error result when the ResourceList itself could be read).
func Run(stdin io.Reader, stdout, stderr io.Writer) (err error) {
	return runIn("", stdin, stdout, stderr)
}

// runIn is Run with the directory a functionConfig's nodes file is relative
// to ("": the working directory).
func runIn(workDir string, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it with the input that caused it)", r)
		}
	}()
	data, err := io.ReadAll(io.LimitReader(stdin, MaxInput+1))
	if err != nil {
		return fmt.Errorf("reading standard input: %w", err)
	}
	if len(data) > MaxInput {
		return fmt.Errorf("standard input is larger than %d MiB: that is no ResourceList a KRM client would send", MaxInput>>20)
	}
	in, err := parseInput(data)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	// Reader annotations (index, path) must survive: kpt writes items back
	// to the files they name.
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(data), Writer: &out, KeepReaderAnnotations: true}
	p := &processor{in: in, rw: rw, stderr: stderr, data: data, workDir: workDir}
	err = execute(p, rw)
	if out.Len() > 0 {
		if _, werr := stdout.Write(out.Bytes()); werr != nil && err == nil {
			err = fmt.Errorf("writing standard output: %w", werr)
		}
	}
	return err
}

// execute runs the framework; a panic anywhere below (ours or kyaml's, on
// input nobody foresaw) is recovered by Run.
func execute(p *processor, rw *kio.ByteReadWriter) error {
	if err := p.execute(rw); err != nil {
		var fe *FindingsError
		if errors.As(err, &fe) {
			return err
		}
		return fmt.Errorf("processing the ResourceList: %w", err)
	}
	return nil
}

// processor is one run of the function.
type processor struct {
	in     *input
	rw     *kio.ByteReadWriter
	stderr io.Writer
	// data is the ResourceList as read, for fixes (text edits of it).
	data []byte
	// workDir is what a nodes file is relative to ("": the process's
	// working directory).
	workDir string
}

// Process checks or generates, by the functionConfig.
func (p *processor) Process(rl *resourceList) error {
	// parseInput has checked the document; kyaml must have read the same
	// thing, or items and their positions would not line up.
	if p.rw.WrappingKind != kio.ResourceListKind || len(rl.Items) != len(p.in.items) {
		return fmt.Errorf("internal error: kyaml read %d items of a %q, everynode %d of a ResourceList", len(rl.Items), p.rw.WrappingKind, len(p.in.items))
	}
	fc := p.in.functionConfig
	switch {
	case fc == nil:
		return p.validate(rl, nil)
	case fc.isEverynode() && fc.Kind == "Daemon":
		return p.generate(rl)
	case fc.isEverynode() && fc.Kind == "Config":
		return p.validate(rl, fc)
	case fc.APIVersion == "v1" && fc.Kind == "ConfigMap":
		return p.validate(rl, fc)
	}
	return p.fail(rl, finding.Finding{Rule: ruleFunctionConfig, Severity: finding.Error,
		Message: fmt.Sprintf("functionConfig is apiVersion %q, kind %q: everynode fn takes kind Daemon (generator) or kind Config (validator), apiVersion %s, or a ConfigMap of settings (kpt fn eval -- key=value)",
			fc.APIVersion, fc.Kind, apiVersion)})
}

// ruleFunctionConfig is the rule ID of problems with the functionConfig
// itself, which has no rule of its own in the catalog.
const ruleFunctionConfig = "function-config"

// fail reports findings that stop the function (the items are left as
// they are) and returns the error that makes it exit non-zero.
func (p *processor) fail(rl *resourceList, fs ...finding.Finding) error {
	p.report(rl, fs)
	var s finding.Summary
	s.Count(fs)
	return &FindingsError{Errors: s.Errors, Warnings: s.Warnings, Infos: s.Infos}
}

// report turns findings into results and prints them on standard error.
func (p *processor) report(rl *resourceList, fs []finding.Finding) {
	for i := range fs {
		if fs[i].Suppressed {
			continue
		}
		rl.Results = append(rl.Results, toResult(&fs[i]))
	}
	writeText(p.stderr, fs)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func countWords(errs, warnings, infos int) string {
	var parts []string
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, plural(n, one, many))
		}
	}
	add(errs, "error", "errors")
	add(warnings, "warning", "warnings")
	add(infos, "info", "infos")
	if len(parts) == 0 {
		return "no findings"
	}
	return strings.Join(parts, ", ")
}

// IsFindings reports whether err only says that findings were reported.
func IsFindings(err error) bool {
	var fe *FindingsError
	return errors.As(err, &fe)
}
