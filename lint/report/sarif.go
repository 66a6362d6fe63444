package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/everynode/everynode/internal/document"
	"github.com/everynode/everynode/lint/finding"
)

// SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.
//
// The structs below are written by hand rather than taken from
// github.com/owenrumney/go-sarif. Both of its lines were tried against the
// official schema: v2 writes "status": null, "guid": null and
// "location": null into every suppression, which the schema rejects, and
// has no way to set a justification; v3 is schema-valid but emits some
// twenty empty arrays and -1 sentinels per result (about 1.3 kB each, 13 MB
// for 10,000 findings, past GitHub's 10 MB upload limit), and its
// Run.AddOriginalUriBaseId panics on a nil map. SARIF 2.1.0 is a frozen
// OASIS standard, so these few structs never need to follow it anywhere;
// a test validates everything the suite writes against the official schema.

const (
	sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	informationURI = "https://github.com/everynode/everynode"
	srcRoot        = "%SRCROOT%"
	// fingerprintKey names everynode's partial fingerprint; the version
	// changes if what it hashes ever changes.
	fingerprintKey = "everynodeFinding/v1"
	// maxSARIFResults is GitHub code scanning's hard limit per run: a file
	// with more results is rejected whole.
	maxSARIFResults = 25000
)

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
	ColumnKind         string                           `json:"columnKind"`
	Results            []sarifResult                    `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	ShortDescription     sarifMessage       `json:"shortDescription"`
	FullDescription      sarifMessage       `json:"fullDescription"`
	Help                 *sarifMultiformat  `json:"help,omitempty"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifMultiformat struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifMessage       `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints sarifFingerprints  `json:"partialFingerprints"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          *sarifResultProps  `json:"properties,omitempty"`
}

// sarifResultProps carries what the json format has and SARIF has no
// place for, under the same names.
type sarifFingerprints struct {
	Finding string `json:"everynodeFinding/v1"` // fingerprintKey; a test holds them equal
}

type sarifResultProps struct {
	Document int               `json:"document"`
	Path     string            `json:"path"`
	Resource *finding.Resource `json:"resource,omitempty"`
}

type sarifLocation struct {
	ID               *int                   `json:"id,omitempty"`
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	Message          *sarifMessage          `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI         string        `json:"uri,omitempty"`
	URIBaseID   string        `json:"uriBaseId,omitempty"`
	Description *sarifMessage `json:"description,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// sarifEditRegion is a fix's region: by line and column when the file's
// text is at hand, and always by byte offset (SARIF allows both).
type sarifEditRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
	ByteOffset  int `json:"byteOffset"`
	ByteLength  int `json:"byteLength"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifEditRegion `json:"deletedRegion"`
	InsertedContent *sarifMessage   `json:"insertedContent,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification,omitempty"`
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w *bufio.Writer, r *Report, opts Options) error {
	fs := r.Findings
	if opts.OmitSuppressed {
		fs = visible(fs)
	}
	fs, dropped := capResults(fs, maxSARIFResults)

	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "everynode",
			Version:        r.ToolVersion,
			InformationURI: informationURI,
		}},
		Invocations:        []sarifInvocation{{ExecutionSuccessful: true}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{srcRoot: srcRootLocation(r.WorkDir)},
		// Columns count characters (runes), as the document model does;
		// SARIF's default would be UTF-16 code units.
		ColumnKind: "unicodeCodePoints",
		Results:    make([]sarifResult, 0, len(fs)),
	}
	if dropped > 0 {
		run.Invocations[0].ToolExecutionNotifications = []sarifNotification{{
			Level: "warning",
			Message: sarifMessage{Text: fmt.Sprintf(
				"%d of %d results were left out: GitHub code scanning rejects a run with more than %d results. The most severe were kept; --format json lists them all.",
				dropped, dropped+len(fs), maxSARIFResults)},
		}}
	}

	ruleIndex := map[string]int{}
	var ids []string
	firstSeverity := map[string]finding.Severity{}
	for i := range fs {
		id := fs[i].Rule
		if _, ok := firstSeverity[id]; !ok && fs[i].File != "" {
			firstSeverity[id] = fs[i].Severity
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	run.Tool.Driver.Rules = make([]sarifRule, len(ids))
	for i, id := range ids {
		ruleIndex[id] = i
		run.Tool.Driver.Rules[i] = sarifRuleFor(r, id, firstSeverity[id])
	}

	seen := map[string]int{}
	for i := range fs {
		f := &fs[i]
		if f.File == "" {
			// GitHub rejects a whole upload over one result without a file,
			// so a finding that is about no file is a notification.
			inv := &run.Invocations[0]
			inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, sarifNotification{
				Level: sarifLevel(f.Severity), Message: sarifMessage{Text: f.Message + " [" + f.Rule + "]"},
			})
			continue
		}
		res := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: ruleIndex[f.Rule],
			Level:     sarifLevel(f.Severity),
			Message:   sarifMessage{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: physicalLocation(f.File, f.Line, f.Column)}},
		}
		for j, rel := range f.Related {
			id := j + 1
			loc := sarifLocation{ID: &id, PhysicalLocation: physicalLocation(rel.File, rel.Line, rel.Column)}
			if rel.Message != "" {
				loc.Message = &sarifMessage{Text: rel.Message}
			}
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		path := f.Path.String()
		fp := fingerprint(f, path)
		// The k-th identical finding gets :k, as CodeQL's line hashes do,
		// so two duplicates stay two alerts.
		seen[fp]++
		res.PartialFingerprints = sarifFingerprints{Finding: fp + ":" + strconv.Itoa(seen[fp])}
		if fix := sarifFixFor(f, r.Source); fix != nil {
			res.Fixes = []sarifFix{*fix}
		}
		if f.Suppressed {
			// Annotations and comments both live in the manifest itself.
			res.Suppressions = []sarifSuppression{{Kind: "inSource", Justification: f.SuppressReason}}
		}
		props := &sarifResultProps{Document: f.Document, Path: path}
		if f.Resource != (finding.Resource{}) {
			id := f.Resource
			props.Resource = &id
		}
		res.Properties = props
		run.Results = append(run.Results, res)
	}

	return writeSARIFLog(w, &run)
}

// writeSARIFLog lays the log out by hand, one rule and one result per
// line: a diff of two logs then reads result by result, and the writer
// avoids re-indenting megabytes as json.MarshalIndent would.
func writeSARIFLog(w *bufio.Writer, run *sarifRun) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	compact := func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		writeEscapedJSON(w, bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))
		return nil
	}
	var err error
	elem := func(v any) {
		if err == nil {
			err = compact(v)
		}
	}
	top := beginObject(w, "")
	top.str("$schema", sarifSchemaURI)
	top.str("version", "2.1.0")
	top.key("runs")
	writeJSONArray(w, top.child(), 1, func(_ int, indent string) {
		ro := beginObject(w, indent)
		ro.key("tool")
		to := beginObject(w, ro.child())
		to.key("driver")
		d := run.Tool.Driver
		do := beginObject(w, to.child())
		do.str("name", d.Name)
		if d.Version != "" {
			do.str("version", d.Version)
		}
		do.str("informationUri", d.InformationURI)
		do.key("rules")
		writeJSONArray(w, do.child(), len(d.Rules), func(i int, _ string) { elem(&d.Rules[i]) })
		do.end()
		to.end()
		ro.key("invocations")
		writeJSONArray(w, ro.child(), len(run.Invocations), func(i int, _ string) { elem(&run.Invocations[i]) })
		ro.key("originalUriBaseIds")
		elem(run.OriginalURIBaseIDs)
		ro.str("columnKind", run.ColumnKind)
		ro.key("results")
		writeJSONArray(w, ro.child(), len(run.Results), func(i int, _ string) { elem(&run.Results[i]) })
		ro.end()
	})
	top.end()
	w.WriteByte('\n')
	return err
}

func sarifRuleFor(r *Report, id string, seen finding.Severity) sarifRule {
	rule := sarifRule{
		ID:                   id,
		ShortDescription:     sarifMessage{Text: id},
		FullDescription:      sarifMessage{Text: id},
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(seen)},
	}
	info, ok := r.rule(id)
	if !ok {
		return rule
	}
	if info.Summary != "" {
		rule.ShortDescription.Text = info.Summary
		rule.FullDescription.Text = info.Summary
	}
	if info.Help != "" {
		if p := firstParagraph(info.Help); p != "" {
			rule.FullDescription.Text = p
		}
		rule.Help = &sarifMultiformat{Text: info.Help, Markdown: info.Help}
	} else if info.Summary != "" {
		rule.Help = &sarifMultiformat{Text: info.Summary}
	}
	if info.HelpURI != "" {
		rule.HelpURI = info.HelpURI
		if rule.Help != nil && rule.Help.Markdown == "" {
			rule.Help.Markdown = info.Summary + "\n\n[Documentation](" + info.HelpURI + ")"
		}
	}
	if info.Severity > 0 {
		rule.DefaultConfiguration.Level = sarifLevel(info.Severity)
	}
	return rule
}

func firstParagraph(md string) string {
	md = strings.TrimSpace(md)
	p, _, _ := strings.Cut(md, "\n\n")
	return strings.TrimSpace(p)
}

// srcRootLocation says where %SRCROOT% is. Without a working directory the
// base is only described: SARIF allows a base with no uri, and the log
// then stays the same wherever it was made.
func srcRootLocation(workDir string) sarifArtifactLocation {
	if workDir == "" {
		return sarifArtifactLocation{Description: &sarifMessage{
			Text: "The directory everynode ran in; result paths are relative to it (the repository root in CI).",
		}}
	}
	p := filepath.ToSlash(workDir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/src becomes /C:/src, as file URIs want
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
}

// artifactLocation turns a reported file name into a URI: relative names
// (the norm) are relative to %SRCROOT%, absolute ones become file URIs.
func artifactLocation(file string) sarifArtifactLocation {
	if strings.HasPrefix(file, "/") || filepath.IsAbs(file) {
		p := filepath.ToSlash(file)
		if !strings.HasPrefix(p, "/") {
			p = "/" + p
		}
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	// url.URL escapes spaces and '%', and writes ./a:b.yaml for a colon in
	// the first segment, which would otherwise read as a scheme.
	return sarifArtifactLocation{URI: (&url.URL{Path: file}).String(), URIBaseID: srcRoot}
}

func physicalLocation(file string, line, col int) *sarifPhysicalLocation {
	if file == "" {
		return nil
	}
	// A finding about a whole file (unreadable-file) has no line. SARIF
	// would leave the region out, but GitHub code scanning requires one,
	// so such findings sit on line 1 with no column; every other finding
	// keeps its own position.
	loc := &sarifPhysicalLocation{ArtifactLocation: artifactLocation(file), Region: &sarifRegion{StartLine: 1}}
	if line >= 1 {
		loc.Region.StartLine = line
		if col >= 1 {
			loc.Region.StartColumn = col
		}
	}
	return loc
}

func sarifFixFor(f *finding.Finding, source func(string) []byte) *sarifFix {
	if !f.Fix.Applicable(true) {
		return nil
	}
	var changes []sarifArtifactChange
	files := map[string]*document.File{}
	for _, e := range f.Fix.Edits {
		if e.File == "" || e.End < e.Start {
			return nil
		}
		if len(changes) == 0 || changes[len(changes)-1].ArtifactLocation != artifactLocation(e.File) {
			changes = append(changes, sarifArtifactChange{ArtifactLocation: artifactLocation(e.File)})
		}
		reg := sarifEditRegion{ByteOffset: e.Start, ByteLength: e.End - e.Start}
		src, ok := files[e.File]
		if !ok && source != nil {
			if data := source(e.File); data != nil {
				src = document.NewFile(e.File, data)
			}
			files[e.File] = src
		}
		if src != nil && e.End <= len(src.Data) {
			reg.StartLine, reg.StartColumn = src.Position(e.Start)
			reg.EndLine, reg.EndColumn = src.Position(e.End)
		}
		rep := sarifReplacement{DeletedRegion: reg}
		if e.Text != "" {
			rep.InsertedContent = &sarifMessage{Text: e.Text}
		}
		c := &changes[len(changes)-1]
		c.Replacements = append(c.Replacements, rep)
	}
	msg := f.Fix.Message
	if msg == "" {
		msg = "Apply the suggested change"
	}
	if !f.Fix.Safe {
		msg += " (unsafe: check that the workload still works)"
	}
	return &sarifFix{Description: sarifMessage{Text: msg}, ArtifactChanges: changes}
}

// fingerprint identifies a finding without its line, so that it survives
// edits above it: rule, file, resource identity, field path and message.
func fingerprint(f *finding.Finding, path string) string {
	h := sha256.New()
	for _, s := range []string{
		f.Rule, f.File,
		f.Resource.APIVersion, f.Resource.Kind, f.Resource.Namespace, f.Resource.Name,
		path, f.Message,
	} {
		_, _ = io.WriteString(h, s)
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// capResults keeps at most limit findings, preferring unsuppressed and
// more severe ones, in their original order.
func capResults(fs []finding.Finding, limit int) ([]finding.Finding, int) {
	if len(fs) <= limit {
		return fs, 0
	}
	idx := make([]int, len(fs))
	for i := range idx {
		idx[i] = i
	}
	rank := func(f *finding.Finding) int {
		if f.Suppressed {
			return int(f.Severity)
		}
		return int(f.Severity) + 10
	}
	slices.SortStableFunc(idx, func(a, b int) int { return rank(&fs[b]) - rank(&fs[a]) })
	idx = idx[:limit]
	slices.Sort(idx)
	out := make([]finding.Finding, len(idx))
	for i, j := range idx {
		out[i] = fs[j]
	}
	return out, len(fs) - limit
}
