package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/everynode/everynode/lint/fieldpath"
	"github.com/everynode/everynode/lint/finding"
)

// ordered is a JSON object that remembers its key order.
type ordered struct {
	keys []string
	vals map[string]any
}

func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		o := &ordered{vals: map[string]any{}}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			o.keys = append(o.keys, k.(string))
			o.vals[k.(string)] = v
		}
		_, err := dec.Token()
		return o, err
	case json.Delim('['):
		var a []any
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.Token()
		return a, err
	}
	return tok, nil
}

// checkJSONContract pins the public key names and order of the json
// contract (docs/architecture.md) independently of the golden files, so that rewriting
// goldens cannot change the contract unnoticed.
func checkJSONContract(t *testing.T, out []byte) {
	t.Helper()
	v, err := decodeOrdered(json.NewDecoder(bytes.NewReader(out)))
	if err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	top := v.(*ordered)
	wantKeys := func(what string, o *ordered, want []string, optional ...string) {
		t.Helper()
		got := o.keys
		if len(got) > len(want) {
			extra := got[len(want):]
			if !isSubsequence(extra, optional) {
				t.Errorf("%s keys = %v, want %v then optionally %v", what, got, want, optional)
			}
			got = got[:len(want)]
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s keys = %v, want %v", what, o.keys, want)
		}
	}
	wantKeys("top level", top, []string{"findings", "summary"})
	wantKeys("summary", top.vals["summary"].(*ordered), []string{"files", "documents", "resources", "skipped", "errors", "warnings", "infos"})
	fs, ok := top.vals["findings"].([]any)
	if !ok && top.vals["findings"] != nil {
		t.Fatalf("findings is %T, want an array", top.vals["findings"])
	}
	if top.vals["findings"] == nil && !bytes.Contains(out, []byte(`"findings": []`)) {
		t.Errorf("findings must be [] when there are none, not null")
	}
	for i, f := range fs {
		o := f.(*ordered)
		wantKeys(fmt.Sprintf("finding %d", i), o, []string{"rule", "severity", "message", "file", "line", "column", "document", "path", "resource"}, "fix", "related")
		wantKeys(fmt.Sprintf("finding %d resource", i), o.vals["resource"].(*ordered), []string{"apiVersion", "kind", "namespace", "name"})
		if s := o.vals["severity"]; s != "error" && s != "warning" && s != "info" {
			t.Errorf("finding %d severity = %v", i, s)
		}
	}
}

func isSubsequence(s, of []string) bool {
	i := 0
	for _, x := range of {
		if i < len(s) && s[i] == x {
			i++
		}
	}
	return i == len(s)
}

type junitXML struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut *string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// checkJUnit parses the XML strictly and checks that every count matches
// the testcases it counts.
func checkJUnit(t *testing.T, out []byte) junitXML {
	t.Helper()
	var doc junitXML
	dec := xml.NewDecoder(bytes.NewReader(out))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("junit output is not well-formed XML: %v", err)
	}
	tests, failures := 0, 0
	for _, s := range doc.Suites {
		f := 0
		for _, c := range s.Cases {
			if c.Failure != nil {
				f++
			}
			if s.Name != "everynode" && c.Classname != s.Name {
				t.Errorf("testcase %q has classname %q in suite %q", c.Name, c.Classname, s.Name)
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != f {
			t.Errorf("suite %q says tests=%d failures=%d, has %d testcases, %d failing", s.Name, s.Tests, s.Failures, len(s.Cases), f)
		}
		tests += len(s.Cases)
		failures += f
	}
	if doc.Tests != tests || doc.Failures != failures {
		t.Errorf("testsuites says tests=%d failures=%d, has %d testcases, %d failing", doc.Tests, doc.Failures, tests, failures)
	}
	return doc
}

func render(t *testing.T, f Format, r *Report, opts Options) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, r, opts); err != nil {
		t.Fatal(err)
	}
	checkOutput(t, f, buf.Bytes())
	return buf.String()
}

func TestRenderSource(t *testing.T) {
	long := strings.Repeat("a", 300) + "X" + strings.Repeat("b", 300)
	tests := []struct {
		name      string
		line      string
		col       int
		wantLine  string
		wantCaret int
	}{
		{"ascii", "  name: x", 3, "  name: x", 2},
		{"first column", "kind: A", 1, "kind: A", 0},
		{"unknown column", "kind: A", 0, "kind: A", -1},
		{"past the end", "key:", 5, "key:", 4},
		{"accented before caret", `{owner: "Zoë Müller", tier: node}`, 23, `{owner: "Zoë Müller", tier: node}`, 22},
		{"wide before caret", "{説明: x, a: b}", 9, "{説明: x, a: b}", 10},
		{"tab before caret", "[\"sh\",\t\"-c\"]", 8, "[\"sh\",  \"-c\"]", 8},
		{"tab at start", "\tx", 2, "    x", 4},
		{"control characters escaped", "a\x1b[31mb", 7, `a\x1b[31mb`, 9},
		{"combining mark", "e\u0301x", 3, "e\u0301x", 1},
		{"long line windowed", long, 301, "…" + strings.Repeat("a", 80) + "X" + strings.Repeat("b", 79) + "…", 81},
		{"long line start", long, 1, strings.Repeat("a", 160) + "…", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gotLine, gotCaret := renderSource(tt.line, tt.col)
			if gotLine != tt.wantLine || gotCaret != tt.wantCaret {
				t.Errorf("renderSource(%q, %d) = %q, %d; want %q, %d", tt.line, tt.col, gotLine, gotCaret, tt.wantLine, tt.wantCaret)
			}
		})
	}
}

func TestTextOmitsSuppressedAndEscapes(t *testing.T) {
	r := fixtureReport(t)
	r.Findings = append(r.Findings, finding.Finding{
		Rule: "schema", Severity: finding.Error, File: "x.yaml", Line: 1, Column: 1,
		Message: "evil \x1b]0;title\x07 message",
	})
	out := render(t, Text, r, Options{})
	if strings.Contains(out, "hostPID: the pod sees") {
		t.Error("text output shows a suppressed finding")
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Error("text output passes control characters through to the terminal")
	}
	if !strings.Contains(out, `evil \x1b]0;title\x07 message`) {
		t.Errorf("control characters not shown escaped:\n%s", out)
	}
}

func TestJSONSuppressedExcluded(t *testing.T) {
	r := fixtureReport(t)
	var doc struct {
		Findings []struct {
			Rule string `json:"rule"`
		} `json:"findings"`
		Summary finding.Summary `json:"summary"`
	}
	if err := json.Unmarshal([]byte(render(t, JSON, r, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	if got, want := len(doc.Findings), doc.Summary.Errors+doc.Summary.Warnings+doc.Summary.Infos; got != want {
		t.Errorf("json lists %d findings, summary counts %d", got, want)
	}
	for _, f := range doc.Findings {
		if f.Rule == "host-pid" {
			t.Error("json lists the suppressed host-pid finding")
		}
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID string `json:"id"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Invocations []struct {
			Notifications []struct {
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
		Results []struct {
			RuleID       string            `json:"ruleId"`
			RuleIndex    int               `json:"ruleIndex"`
			Fingerprints map[string]string `json:"partialFingerprints"`
			Suppressions []struct {
				Kind string `json:"kind"`
			} `json:"suppressions"`
			Locations []struct {
				Physical struct {
					Artifact struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, r *Report) sarifDoc {
	t.Helper()
	var doc sarifDoc
	out := render(t, SARIF, r, Options{})
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	return doc
}

func TestSARIF(t *testing.T) {
	t.Run("results always present", func(t *testing.T) {
		out := render(t, SARIF, emptyReport(), Options{})
		if !strings.Contains(out, `"results": []`) {
			t.Errorf("empty run has no results array:\n%s", out)
		}
	})
	t.Run("rule indexes and suppressions", func(t *testing.T) {
		r := fixtureReport(t)
		doc := parseSARIF(t, r)
		run := doc.Runs[0]
		if len(run.Results) != len(r.Findings) {
			t.Fatalf("%d results for %d findings (suppressed ones included)", len(run.Results), len(r.Findings))
		}
		for i, res := range run.Results {
			if got := run.Tool.Driver.Rules[res.RuleIndex].ID; got != res.RuleID {
				t.Errorf("result %d: ruleIndex %d names %q, ruleId is %q", i, res.RuleIndex, got, res.RuleID)
			}
			if want := r.Findings[i].Suppressed; (len(res.Suppressions) > 0) != want {
				t.Errorf("result %d (%s): suppressions %v, finding suppressed %v", i, res.RuleID, res.Suppressions, want)
			}
			loc := res.Locations
			wantLine := r.Findings[i].Line
			if wantLine == 0 {
				wantLine = 1 // GitHub requires a region; whole-file findings sit on line 1
			}
			if len(loc) != 1 || loc[0].Physical.Artifact.URIBaseID != "%SRCROOT%" || loc[0].Physical.Region == nil || loc[0].Physical.Region.StartLine != wantLine {
				t.Errorf("result %d: location %+v", i, loc)
			}
		}
	})
	t.Run("fingerprints survive edits above", func(t *testing.T) {
		before := parseSARIF(t, fixtureReport(t))
		r := fixtureReport(t)
		for i := range r.Findings {
			r.Findings[i].Line += 7 // seven lines inserted at the top of every file
		}
		after := parseSARIF(t, r)
		seen := map[string]bool{}
		for i := range before.Runs[0].Results {
			b, a := before.Runs[0].Results[i].Fingerprints, after.Runs[0].Results[i].Fingerprints
			if b[fingerprintKey] == "" || b[fingerprintKey] != a[fingerprintKey] {
				t.Errorf("result %d: fingerprint %q became %q", i, b[fingerprintKey], a[fingerprintKey])
			}
			if seen[b[fingerprintKey]] {
				t.Errorf("result %d: fingerprint %q is not unique", i, b[fingerprintKey])
			}
			seen[b[fingerprintKey]] = true
		}
	})
	t.Run("identical findings get distinct fingerprints", func(t *testing.T) {
		f := finding.Finding{Rule: "schema", Severity: finding.Error, File: "a.yaml", Message: "same", Path: fieldpath.New("spec")}
		g := f
		f.Line, g.Line = 3, 9
		doc := parseSARIF(t, &Report{Findings: []finding.Finding{f, g}})
		a, b := doc.Runs[0].Results[0].Fingerprints[fingerprintKey], doc.Runs[0].Results[1].Fingerprints[fingerprintKey]
		if a == b || !strings.HasSuffix(a, ":1") || !strings.HasSuffix(b, ":2") {
			t.Errorf("fingerprints %q and %q", a, b)
		}
	})
	t.Run("suppressed findings can be left out", func(t *testing.T) {
		r := fixtureReport(t)
		var doc sarifDoc
		if err := json.Unmarshal([]byte(render(t, SARIF, r, Options{OmitSuppressed: true})), &doc); err != nil {
			t.Fatal(err)
		}
		want := r.Summary.Errors + r.Summary.Warnings + r.Summary.Infos
		if got := len(doc.Runs[0].Results); got != want {
			t.Errorf("%d results, want the %d unsuppressed findings", got, want)
		}
		for _, res := range doc.Runs[0].Results {
			if len(res.Suppressions) > 0 || res.RuleID == "host-pid" {
				t.Errorf("suppressed result %s still present", res.RuleID)
			}
		}
	})
	t.Run("a finding about no file is a notification", func(t *testing.T) {
		fs := []finding.Finding{
			{Rule: "config", Severity: finding.Error, Message: "bad config"},
			{Rule: "schema", Severity: finding.Error, File: "a.yaml", Line: 2, Column: 1, Message: "m"},
		}
		doc := parseSARIF(t, &Report{Findings: fs})
		run := doc.Runs[0]
		if len(run.Results) != 1 || run.Results[0].RuleID != "schema" || len(run.Tool.Driver.Rules) != 1 {
			t.Errorf("results %+v, rules %+v", run.Results, run.Tool.Driver.Rules)
		}
		if n := run.Invocations[0].Notifications; len(n) != 1 || n[0].Message.Text != "bad config [config]" {
			t.Errorf("notifications %+v", n)
		}
	})
	t.Run("uris are escaped", func(t *testing.T) {
		fs := []finding.Finding{
			{Rule: "schema", Severity: finding.Error, File: "my dir/a%b#c.yaml", Line: 1, Column: 1, Message: "m"},
			{Rule: "schema", Severity: finding.Error, File: "c:d.yaml", Line: 1, Column: 1, Message: "m"},
			{Rule: "schema", Severity: finding.Error, File: "/abs/x.yaml", Line: 1, Column: 1, Message: "m"},
		}
		doc := parseSARIF(t, &Report{Findings: fs})
		want := []struct{ uri, base string }{
			{"my%20dir/a%25b%23c.yaml", "%SRCROOT%"},
			{"./c:d.yaml", "%SRCROOT%"},
			{"file:///abs/x.yaml", ""},
		}
		for i, w := range want {
			a := doc.Runs[0].Results[i].Locations[0].Physical.Artifact
			if a.URI != w.uri || a.URIBaseID != w.base {
				t.Errorf("%q: uri %q base %q, want %q %q", fs[i].File, a.URI, a.URIBaseID, w.uri, w.base)
			}
		}
	})
	t.Run("capped at GitHub's limit, most severe kept", func(t *testing.T) {
		var fs []finding.Finding
		for i := range maxSARIFResults + 5 {
			sev := finding.Info
			if i%1000 == 0 {
				sev = finding.Error
			}
			fs = append(fs, finding.Finding{Rule: "r", Severity: sev, File: "a.yaml", Line: i + 1, Column: 1, Message: "m"})
		}
		doc := parseSARIF(t, &Report{Findings: fs})
		run := doc.Runs[0]
		if len(run.Results) != maxSARIFResults {
			t.Fatalf("%d results, want %d", len(run.Results), maxSARIFResults)
		}
		if n := len(run.Invocations[0].Notifications); n != 1 || !strings.Contains(run.Invocations[0].Notifications[0].Message.Text, "5 of 25005") {
			t.Errorf("notifications: %+v", run.Invocations[0].Notifications)
		}
		kept, dropped := capResults(fs, maxSARIFResults)
		if dropped != 5 || kept[0].Line != 1 || kept[len(kept)-1].Severity != finding.Error {
			t.Errorf("capResults kept %d..%d, dropped %d", kept[0].Line, kept[len(kept)-1].Line, dropped)
		}
	})
}

func TestJUnit(t *testing.T) {
	doc := checkJUnit(t, []byte(render(t, JUnit, fixtureReport(t), Options{})))
	got := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			state := "pass"
			if c.Failure != nil {
				state = c.Failure.Type
			} else if c.SystemOut != nil {
				state = "info"
			}
			got[c.Classname+" | "+c.Name] = state
		}
	}
	want := map[string]string{
		"broken.yaml | document 0":                               "error",
		"deploy/agent.yaml | DaemonSet kube-system/node-agent":   "error",
		"deploy/agent.yaml | Probe kube-system/agent":            "info",
		"deploy/agent.yaml | ConfigMap kube-system/agent-config": "error",
		"deploy/cni.yaml | DaemonSet kube-system/cni-agent":      "error",
		"deploy/cni.yaml | ServiceAccount kube-system/cni-agent": "pass",
		"secrets/locked.yaml | (file)":                           "error",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("testcase %q: %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("testcases %v, want %v", got, want)
	}
}

func TestGitHub(t *testing.T) {
	r := manyReport()
	evil := "line one\n::error::injected\r\n50% done"
	r.Findings = append(r.Findings,
		// Annotated (there are only three other infos)…
		finding.Finding{Rule: "schema", Severity: finding.Info, File: "odd, name:1.yaml", Line: 1, Column: 1, Message: evil},
		// …and on a plain line (ten errors come before it).
		finding.Finding{Rule: "schema", Severity: finding.Error, File: "odd, name:1.yaml", Line: 2, Column: 1, Message: evil},
	)
	r.Findings = finding.SortAndDedupe(r.Findings)
	out := render(t, GitHub, r, Options{})
	perSeverity := map[string]int{}
	plain := 0
	order := []string{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "::") {
			cmd, _, _ := strings.Cut(strings.TrimPrefix(line, "::"), " ")
			perSeverity[cmd]++
			if len(order) == 0 || order[len(order)-1] != cmd {
				order = append(order, cmd)
			}
			continue
		}
		if strings.Contains(line, "::error::injected") && strings.HasPrefix(strings.TrimSpace(line), "::") {
			t.Errorf("message started a workflow command: %q", line)
		}
		plain++
	}
	for cmd, n := range perSeverity {
		if n > maxAnnotationsPerSeverity {
			t.Errorf("%d %s annotations, GitHub shows %d", n, cmd, maxAnnotationsPerSeverity)
		}
	}
	if !slices.Equal(order, []string{"error", "warning", "notice"}) {
		t.Errorf("annotations in order %v, want most severe first", order)
	}
	total := len(r.Findings)
	annotated := perSeverity["error"] + perSeverity["warning"] + perSeverity["notice"]
	// Everything not annotated is on a plain line, plus the count line and
	// the summary line.
	if plain != total-annotated+2 {
		t.Errorf("%d plain lines for %d findings, %d annotated:\n%s", plain, total, annotated, out)
	}
	if !strings.Contains(out, "4 errors, 1 warning more than GitHub annotates") {
		t.Errorf("no count of the findings left out:\n%s", out)
	}
	if !strings.Contains(out, "::notice file=odd%2C name%3A1.yaml,line=1,col=1,title=everynode%3A schema::line one%0A::error::injected%0D%0A50%25 done\n") {
		t.Errorf("annotation not escaped as GitHub requires:\n%s", out)
	}
	if !strings.Contains(out, "\nodd, name:1.yaml:2:1: error: line one ::error::injected 50% done [schema]\n") {
		t.Errorf("plain line not flattened:\n%s", out)
	}
}

func TestMarkdownCapAndEscape(t *testing.T) {
	var fs []finding.Finding
	for i := range maxMarkdownRows + 20 {
		sev := finding.Warning
		if i >= maxMarkdownRows {
			sev = finding.Error // the last ones are the most severe
		}
		fs = append(fs, finding.Finding{Rule: "r", Severity: sev, File: "a.yaml", Line: i + 1, Column: 1, Message: "a|b\nc *d* <e>"})
	}
	r := &Report{Findings: fs}
	r.Summary.Count(fs)
	out := render(t, Markdown, r, Options{})
	rows := 0
	errorsFirst := true
	seenWarning := false
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| error |") || strings.HasPrefix(line, "| warning |") {
			rows++
			if strings.HasPrefix(line, "| warning |") {
				seenWarning = true
			} else if seenWarning {
				errorsFirst = false
			}
			if cells := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); cells != 5 {
				t.Errorf("row has %d cell separators: %q", cells, line)
			}
		}
	}
	if rows != maxMarkdownRows || !errorsFirst {
		t.Errorf("%d rows (errors first: %v), want %d", rows, errorsFirst, maxMarkdownRows)
	}
	if !strings.Contains(out, `a\|b<br>c \*d\* \<e\>`) {
		t.Errorf("cell not escaped:\n%s", out[:min(len(out), 2000)])
	}
	if !strings.Contains(out, "most severe of "+strconv.Itoa(len(fs))+" findings") {
		t.Error("no note that the table was cut")
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(io.Discard, "yaml", &Report{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "text, json, sarif, junit, github, markdown") {
		t.Errorf("Write with an unknown format: %v", err)
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		sum  finding.Summary
		opts Options
		want string
	}{
		{"clean", finding.Summary{Files: 1, Resources: 1}, Options{FailOn: finding.Error},
			"1 file, 1 resource checked: no findings"},
		{"plural and skipped", finding.Summary{Files: 3, Resources: 0, Skipped: 2, Errors: 1, Warnings: 2, Infos: 1}, Options{},
			"3 files, 0 resources checked, 2 documents skipped: 1 error, 2 warnings, 1 info"},
		{"fail on warning", finding.Summary{Files: 2, Resources: 4, Errors: 1, Warnings: 2, Infos: 5}, Options{FailOn: finding.Warning},
			"2 files, 4 resources checked: 1 error, 2 warnings, 5 infos; 3 at or above --fail-on=warning"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summaryLine(&Report{Summary: tt.sum}, tt.opts); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
