package report

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseTargets(t *testing.T) {
	tests := []struct {
		name    string
		specs   []string
		want    []Target
		wantErr string
	}{
		{name: "default is text", specs: nil, want: []Target{{Format: Text}}},
		{name: "one format", specs: []string{"json"}, want: []Target{{Format: JSON}}},
		{name: "case and spaces", specs: []string{" SARIF=out.sarif"}, want: []Target{{Format: SARIF, File: "out.sarif"}}},
		{
			name:  "repeated formats, one to stdout",
			specs: []string{"github", "sarif=reports/everynode.sarif", "markdown=summary.md", "json=-x.json"},
			want: []Target{
				{Format: GitHub}, {Format: SARIF, File: "reports/everynode.sarif"},
				{Format: Markdown, File: "summary.md"}, {Format: JSON, File: "-x.json"},
			},
		},
		{name: "same format to two files", specs: []string{"json=a.json", "json=b.json"}, want: []Target{{Format: JSON, File: "a.json"}, {Format: JSON, File: "b.json"}}},
		{name: "dash is stdout", specs: []string{"json=-", "sarif=x.sarif"}, want: []Target{{Format: JSON}, {Format: SARIF, File: "x.sarif"}}},
		{name: "file with equals sign", specs: []string{"json=a=b.json"}, want: []Target{{Format: JSON, File: "a=b.json"}}},
		{name: "two to stdout", specs: []string{"text", "json"}, wantErr: "--format text and --format json both write to standard output; give one of them a file, e.g. --format json=everynode.json"},
		{name: "two to stdout with dash", specs: []string{"github", "markdown=-"}, wantErr: "both write to standard output"},
		{name: "same file twice", specs: []string{"json=out/r", "sarif=out/./r"}, wantErr: "--format json=out/r and --format sarif=out/./r both write to out/./r"},
		{name: "unknown format", specs: []string{"yaml"}, wantErr: `--format "yaml": unknown format "yaml" (valid formats: text, json, sarif, junit, github, markdown)`},
		{name: "unknown format with file", specs: []string{"text", "checkstyle=out.xml"}, wantErr: `unknown format "checkstyle"`},
		{name: "missing name", specs: []string{"=out.json"}, wantErr: "missing format name"},
		{name: "missing file", specs: []string{"sarif="}, wantErr: "missing file name after '='"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTargets(tt.specs)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTargets(%q) error = %v, want one containing %q", tt.specs, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTargets(%q): %v", tt.specs, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseTargets(%q) = %v, want %v", tt.specs, got, tt.want)
			}
		})
	}
}

func TestWriteTargets(t *testing.T) {
	dir := t.TempDir()
	sarifPath := filepath.Join(dir, "reports", "nested", "everynode.sarif")
	mdPath := filepath.Join(dir, "summary.md")
	if err := os.WriteFile(mdPath, []byte("old summary, longer than nothing"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := fixtureReport(t)
	var stdout bytes.Buffer
	targets := []Target{{Format: GitHub}, {Format: SARIF, File: sarifPath}, {Format: Markdown, File: mdPath}}
	if err := WriteTargets(targets, &stdout, r, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, tg := range targets {
		var want bytes.Buffer
		if err := Write(&want, tg.Format, r, Options{}); err != nil {
			t.Fatal(err)
		}
		got := stdout.Bytes()
		if tg.File != "" {
			var err error
			if got, err = os.ReadFile(tg.File); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(tg.File)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o644 {
				t.Errorf("%s has mode %v, want 0644", tg.File, fi.Mode().Perm())
			}
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s target %q: content differs from Write", tg.Format, tg.File)
		}
	}
	assertNoTempFiles(t, dir)
}

func TestWriteTargetsKeepsGoingAfterAFailure(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.json")
	var stdout bytes.Buffer
	err := WriteTargets([]Target{
		{Format: SARIF, File: filepath.Join(blocker, "sub", "x.sarif")}, // a file is in the way
		{Format: JSON, File: good},
		{Format: Text},
	}, &stdout, emptyReport(), Options{})
	if err == nil || !strings.Contains(err.Error(), "x.sarif") {
		t.Fatalf("error = %v, want one naming x.sarif", err)
	}
	if _, statErr := os.Stat(good); statErr != nil {
		t.Errorf("the json target after the failing one was not written: %v", statErr)
	}
	if stdout.Len() == 0 {
		t.Error("standard output was not written after a failing target")
	}
	assertNoTempFiles(t, dir)
}

// TestWriteFileAtomic checks the all-or-nothing promise: a write that
// fails halfway leaves the old file as it was and no temporary file.
func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name    string
		write   func(io.Writer) error
		wantErr bool
		want    string
	}{
		{"success replaces", func(w io.Writer) error { _, err := io.WriteString(w, "new content"); return err }, false, "new content"},
		{"failure halfway keeps the old file", func(w io.Writer) error {
			_, _ = io.WriteString(w, "half of the new")
			return errors.New("disk on fire")
		}, true, "old content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			name := filepath.Join(dir, "report.sarif")
			if err := os.WriteFile(name, []byte("old content"), 0o644); err != nil {
				t.Fatal(err)
			}
			err := writeFileAtomic(name, tt.write)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "report.sarif") {
				t.Errorf("error %q does not name the file", err)
			}
			got, readErr := os.ReadFile(name)
			if readErr != nil {
				t.Fatal(readErr)
			}
			if string(got) != tt.want {
				t.Errorf("file holds %q, want %q", got, tt.want)
			}
			assertNoTempFiles(t, dir)
		})
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
}
