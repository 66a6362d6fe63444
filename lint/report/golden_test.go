package report

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/xeipuuv/gojsonschema"
)

// goldenExt is the file extension of each format's golden files.
var goldenExt = map[Format]string{
	Text: "txt", JSON: "json", SARIF: "sarif", JUnit: "xml", GitHub: "github", Markdown: "md",
}

type goldenCase struct {
	name    string
	report  func(testing.TB) *Report
	opts    Options
	formats []Format
}

var goldenCases = []goldenCase{
	{name: "findings", report: fixtureReport, opts: Options{FailOn: 3}, formats: Formats()},
	{name: "empty", report: func(testing.TB) *Report { return emptyReport() }, opts: Options{FailOn: 3}, formats: Formats()},
	{name: "color", report: fixtureReport, opts: Options{Color: true, FailOn: 2}, formats: []Format{Text}},
	{name: "wrapped", report: fixtureReport, opts: Options{Width: 100, FailOn: 2}, formats: []Format{Text}},
	{name: "quiet", report: fixtureReport, opts: Options{Quiet: true}, formats: []Format{Text}},
	{name: "statistics", report: fixtureReport, opts: Options{Statistics: true, FailOn: 2}, formats: []Format{Text}},
	{name: "links", report: fixtureReport, opts: Options{LinkBase: "https://github.com/example/infra/blob/0123abc"}, formats: []Format{Markdown}},
	{name: "many", report: func(testing.TB) *Report { return manyReport() }, formats: []Format{GitHub, JUnit, SARIF}},
	{name: "workdir", report: func(t testing.TB) *Report {
		r := fixtureReport(t)
		r.WorkDir = "/home/dev/infra repo"
		r.Rules = nil
		r.ToolVersion = ""
		return r
	}, formats: []Format{SARIF}},
	{name: "nosource", report: func(t testing.TB) *Report {
		r := fixtureReport(t)
		r.Source = nil
		return r
	}, formats: []Format{Text}},
}

// TestGolden renders every case in every format it lists and compares with
// testdata/golden; UPDATE_GOLDEN=1 rewrites the files. Every SARIF output
// is also validated against the official schema, and every JUnit output
// parsed as XML.
func TestGolden(t *testing.T) {
	update := os.Getenv("UPDATE_GOLDEN") != ""
	for _, c := range goldenCases {
		for _, f := range c.formats {
			t.Run(c.name+"/"+string(f), func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, f, c.report(t), c.opts); err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				checkOutput(t, f, got)
				path := filepath.Join("testdata", "golden", c.name+"."+goldenExt[f])
				if update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./lint/report/ to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from %s (UPDATE_GOLDEN=1 rewrites it):\n--- got ---\n%s\n--- want ---\n%s", path, got, want)
				}
			})
		}
	}
}

// checkOutput holds the checks every output of a format must pass,
// whatever test produced it.
func checkOutput(t *testing.T, f Format, out []byte) {
	t.Helper()
	switch f {
	case SARIF:
		validateSARIF(t, out)
	case JUnit:
		checkJUnit(t, out)
	case JSON:
		checkJSONContract(t, out)
	}
}

var sarifSchema = sync.OnceValues(func() (*gojsonschema.Schema, error) {
	data, err := os.ReadFile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		return nil, err
	}
	return gojsonschema.NewSchema(gojsonschema.NewBytesLoader(data))
})

func validateSARIF(t *testing.T, out []byte) {
	t.Helper()
	schema, err := sarifSchema()
	if err != nil {
		t.Fatalf("loading the SARIF schema: %v", err)
	}
	res, err := schema.Validate(gojsonschema.NewBytesLoader(out))
	if err != nil {
		t.Fatalf("validating SARIF: %v", err)
	}
	for _, e := range res.Errors() {
		t.Errorf("SARIF schema: %s", e)
	}
}
