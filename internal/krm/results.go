package krm

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/everynode/everynode/internal/safetext"
	"github.com/everynode/everynode/lint/finding"
)

// toResult is a finding as a KRM result. The rule ID is in the message,
// as in every other everynode format, and in the "rule" tag for tools.
func toResult(f *finding.Finding) *result {
	r := &result{
		Message:  safetext.Lines(message(f)),
		Severity: f.Severity.String(),
	}
	if f.Rule != "" {
		r.Tags = map[string]string{"rule": f.Rule}
	}
	if res := f.Resource; res.Kind != "" || res.Name != "" {
		r.ResourceRef = &kyaml.ResourceIdentifier{
			TypeMeta: kyaml.TypeMeta{APIVersion: safetext.Escape(res.APIVersion), Kind: safetext.Escape(res.Kind)},
			NameMeta: kyaml.NameMeta{Name: safetext.Escape(res.Name), Namespace: safetext.Escape(res.Namespace)},
		}
	}
	if len(f.Path) > 0 {
		r.Field = &resultField{Path: f.Path.String()}
	}
	if f.File != "" {
		r.File = &resultFile{Path: safetext.Escape(f.File), Index: f.Document}
	}
	return r
}

func message(f *finding.Finding) string {
	if f.Rule == "" {
		return f.Message
	}
	return f.Message + " [" + f.Rule + "]"
}

// writeText prints findings for people, one line each, position first as
// in the text format; the position of a KRM item is its file and index,
// its resource and the field path, since its lines are not known:
//
//	deploy/agent.yaml[1]: DaemonSet kube-system/agent: spec.template.spec.hostNetwork: warning: ... [host-network]
func writeText(w io.Writer, fs []finding.Finding) {
	bw := bufio.NewWriter(w)
	for i := range fs {
		f := &fs[i]
		if f.Suppressed {
			continue
		}
		var where []string
		if f.File != "" {
			where = append(where, safetext.Path(f.File)+"["+strconv.Itoa(f.Document)+"]")
		}
		if s := f.Resource.String(); s != "" {
			where = append(where, safetext.Escape(s))
		}
		// Spec and configuration messages often start with their path
		// already.
		if ps := f.Path.String(); ps != "" && !strings.HasPrefix(f.Message, ps+":") {
			where = append(where, ps)
		}
		if len(where) > 0 {
			bw.WriteString(safetext.Line(strings.Join(where, ": ")))
			bw.WriteString(": ")
		}
		bw.WriteString(f.Severity.String())
		bw.WriteString(": ")
		bw.WriteString(safetext.Line(strings.ReplaceAll(message(f), "\n", " ")))
		bw.WriteByte('\n')
	}
	_ = bw.Flush() // standard error: nowhere left to report a failure
}
