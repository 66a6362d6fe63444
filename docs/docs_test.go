// Package docs_test keeps README.md and docs/*.md true: their links
// resolve, the commands they show run and print what they say, and the
// tables of flags, Action inputs and hook IDs list what exists.
//
// Markers in the Markdown (HTML comments, invisible on GitHub) tell the
// tests what to check:
//
//	<!-- doctest: DIR -->        the console block that follows is run: each
//	                             "$ everynode ARGS" line in a copy of DIR
//	                             (relative to the repository root), its
//	                             output compared with the lines under it; a
//	                             line "..." stands for any number of lines
//	<!-- flags: COMMAND -->      the table that follows lists every flag of
//	                             everynode COMMAND, and nothing else
//	<!-- inputs: action.yml -->  the table that follows lists every input of
//	                             the GitHub Action
//	<!-- example: invalid -->    the yaml block that follows must be rejected
//
// Every other yaml block holding a complete kind: Config or kind: Daemon
// must load without error. Documentation URLs in the code (rule links in
// reports) must resolve to a page and heading.
package docs_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"go.yaml.in/yaml/v3"

	"github.com/everynode/everynode/internal/app"
)

// root is the repository root, relative to this package.
const root = ".."

// pending are pages that other changes add; links to them are allowed
// before they exist, and checked like any other once they do.
var pending = map[string]bool{
	"docs/security.md":    true,
	"docs/conformance.md": true,
}

// page is one Markdown file, split into lines.
type page struct {
	name  string // slash-separated, relative to the repository root
	lines []string
}

// block is a fenced code block: its info string, the body, and the marker
// comment right above it (after blank lines), if any.
type block struct {
	line   int // 1-based line of the opening fence
	info   string
	body   []string
	marker string
}

func loadPages(t *testing.T) []page {
	t.Helper()
	names := []string{"README.md"}
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		names = append(names, "docs/"+filepath.Base(d))
	}
	var pages []page
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(n)))
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, page{name: n, lines: strings.Split(string(data), "\n")})
	}
	return pages
}

var fence = regexp.MustCompile("^ {0,3}(```+|~~~+)\\s*([^`\\s]*)")

// blocks returns the page's fenced code blocks, and calls text for every
// line outside them.
func (p page) blocks(text func(n int, line string)) []block {
	var out []block
	var cur *block
	var closer string
	marker := ""
	for i, l := range p.lines {
		if cur != nil {
			if strings.HasPrefix(strings.TrimSpace(l), closer) && strings.Trim(strings.TrimSpace(l), closer[:1]) == "" {
				out = append(out, *cur)
				cur = nil
				continue
			}
			cur.body = append(cur.body, l)
			continue
		}
		if m := fence.FindStringSubmatch(l); m != nil {
			cur = &block{line: i + 1, info: m[2], marker: marker}
			closer = m[1]
			marker = ""
			continue
		}
		if text != nil {
			text(i+1, l)
		}
		switch t := strings.TrimSpace(l); {
		case strings.HasPrefix(t, "<!--") && strings.HasSuffix(t, "-->"):
			marker = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "<!--"), "-->"))
		case t != "":
			marker = ""
		}
	}
	return out
}

// markedTables returns, for each marker comment followed by a table, the
// table's rows (without the header and the delimiter row), split in cells.
func (p page) markedTables(prefix string) map[string][][]string {
	out := map[string][][]string{}
	for i := 0; i < len(p.lines); i++ {
		t := strings.TrimSpace(p.lines[i])
		if !strings.HasPrefix(t, "<!-- "+prefix) || !strings.HasSuffix(t, "-->") {
			continue
		}
		key := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(t, "<!-- "+prefix), "-->"))
		j := i + 1
		for j < len(p.lines) && strings.TrimSpace(p.lines[j]) == "" {
			j++
		}
		var rows [][]string
		for k := j; k < len(p.lines) && strings.HasPrefix(p.lines[k], "|"); k++ {
			if k < j+2 { // the header and the delimiter row
				continue
			}
			rows = append(rows, splitRow(p.lines[k]))
		}
		out[key] = rows
	}
	return out
}

// splitRow splits a table row on the pipes that are not escaped and not
// inside a code span.
func splitRow(row string) []string {
	var cells []string
	var cur strings.Builder
	code := false
	row = strings.Trim(strings.TrimSpace(row), "|")
	for i := 0; i < len(row); i++ {
		switch c := row[i]; {
		case c == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteByte('|')
			i++
		case c == '`':
			code = !code
			cur.WriteByte(c)
		case c == '|' && !code:
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

var (
	heading   = regexp.MustCompile(`^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$`)
	inlineRef = regexp.MustCompile(`!?\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]*)(?:\s+"[^"]*")?\)`)
	codeSpan  = regexp.MustCompile("`+[^`]*`+")
	htmlID    = regexp.MustCompile(`<a\s+(?:id|name)="([^"]+)"`)
)

// anchors returns the fragment identifiers GitHub gives the page's
// headings (and explicit <a id> anchors).
func (p page) anchors() map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	p.blocks(func(_ int, l string) {
		for _, m := range htmlID.FindAllStringSubmatch(l, -1) {
			out[m[1]] = true
		}
		m := heading.FindStringSubmatch(l)
		if m == nil {
			return
		}
		s := slug(m[1])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	})
	return out
}

// slug is GitHub's heading anchor: the text as rendered, lower case, with
// everything but letters, digits, marks, '-' and '_' dropped and spaces
// made hyphens.
func slug(h string) string {
	h = inlineRef.ReplaceAllString(h, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(h) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// link is an inline link and the line it is on.
type link struct {
	line   int
	target string
}

// links returns the page's inline links outside code.
func (p page) links() []link {
	var out []link
	p.blocks(func(n int, l string) {
		l = codeSpan.ReplaceAllString(l, "")
		for _, m := range inlineRef.FindAllStringSubmatch(l, -1) {
			out = append(out, link{n, m[2]})
		}
	})
	return out
}

// TestLinks fails on a relative link to a file that does not exist, or
// to an anchor that the target page does not have.
func TestLinks(t *testing.T) {
	pages := loadPages(t)
	byName := map[string]page{}
	for _, p := range pages {
		byName[p.name] = p
	}
	for _, p := range pages {
		for _, l := range p.links() {
			if l.target == "" || strings.Contains(l.target, "://") || strings.HasPrefix(l.target, "mailto:") {
				continue
			}
			where := fmt.Sprintf("%s:%d: link %q", p.name, l.line, l.target)
			file, frag, _ := strings.Cut(l.target, "#")
			target := p.name
			if file != "" {
				target = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(p.name), file)))
			}
			if strings.HasPrefix(target, "../") {
				t.Errorf("%s leaves the repository", where)
				continue
			}
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
				if pending[target] {
					continue
				}
				t.Errorf("%s: %s does not exist", where, target)
				continue
			}
			if frag == "" {
				continue
			}
			tp, ok := byName[target]
			if !ok {
				t.Errorf("%s: an anchor into a file that is not a checked page", where)
				continue
			}
			if !tp.anchors()[frag] {
				t.Errorf("%s: %s has no heading #%s", where, target, frag)
			}
		}
	}
}

// TestEveryPageLinkedFromReadme: a page nobody can reach from the README
// is a page nobody reads.
func TestEveryPageLinkedFromReadme(t *testing.T) {
	pages := loadPages(t)
	linked := map[string]bool{}
	for _, l := range pages[0].links() {
		file, _, _ := strings.Cut(l.target, "#")
		linked[filepath.ToSlash(filepath.Clean(file))] = true
	}
	for _, p := range pages[1:] {
		if !linked[p.name] {
			t.Errorf("README.md does not link %s", p.name)
		}
	}
}

// TestQuickStart runs the README's first block: the command that shows
// what everynode does, and the test command, which must be what CI runs.
func TestQuickStart(t *testing.T) {
	readme := loadPages(t)[0]
	bs := readme.blocks(nil)
	if len(bs) == 0 || len(bs[0].body) != 2 {
		t.Fatalf("README.md must start with a block of two commands (run, test)")
	}
	command := func(l string) string {
		c, _, _ := strings.Cut(l, "#")
		return strings.TrimSpace(c)
	}
	run, test := command(bs[0].body[0]), command(bs[0].body[1])

	const goRun = "go run ./cmd/everynode "
	if !strings.HasPrefix(run, goRun) {
		t.Fatalf("README.md's first command %q does not run everynode from the checkout", run)
	}
	t.Chdir(root)
	var out bytes.Buffer
	if code := app.Run(append([]string{"everynode"}, strings.Fields(strings.TrimPrefix(run, goRun))...), nil, &out, &out); code != 0 {
		t.Fatalf("%s: exit %d\n%s", run, code, out.String())
	}
	if !regexp.MustCompile(`(?m)^kind: DaemonSet$`).Match(out.Bytes()) {
		t.Errorf("%s printed no DaemonSet:\n%s", run, out.String())
	}

	ci, err := os.ReadFile(filepath.Join(".ci", "run"))
	if err != nil {
		t.Fatal(err)
	}
	// A command line of .ci/run, after environment assignments, must be
	// exactly the README's.
	assign := regexp.MustCompile(`^([A-Z_][A-Z0-9_]*=\S*\s+)*`)
	found := false
	for l := range strings.SplitSeq(string(ci), "\n") {
		if assign.ReplaceAllString(strings.TrimSpace(l), "") == test {
			found = true
		}
	}
	if !found {
		t.Errorf(".ci/run does not run the README's test command %q", test)
	}
}

// TestTranscripts runs every block marked <!-- doctest: DIR --> and
// compares what everynode prints with what the page shows.
func TestTranscripts(t *testing.T) {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range loadPages(t) {
		for _, b := range p.blocks(nil) {
			dir, ok := strings.CutPrefix(b.marker, "doctest:")
			if !ok {
				continue
			}
			n++
			name := fmt.Sprintf("%s:%d", p.name, b.line)
			t.Run(name, func(t *testing.T) {
				work := t.TempDir()
				copyDir(t, filepath.Join(rootAbs, filepath.FromSlash(strings.TrimSpace(dir))), work)
				// A repository root bounds the search for .everynode.yaml.
				if err := os.MkdirAll(filepath.Join(work, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
				t.Chdir(work)
				for _, c := range commands(t, b.body) {
					var out bytes.Buffer
					app.Run(append([]string{"everynode"}, c.args...), strings.NewReader(""), &out, &out)
					got := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
					if !matchLines(c.want, got) {
						t.Errorf("%s:%d: $ everynode %s printed:\n%s\nthe page shows:\n%s",
							p.name, b.line+c.line, strings.Join(c.args, " "), out.String(), strings.Join(c.want, "\n"))
					}
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no transcript is checked")
	}
}

type transcriptCommand struct {
	line int // within the block
	args []string
	want []string
}

func commands(t *testing.T, body []string) []transcriptCommand {
	t.Helper()
	var out []transcriptCommand
	for i, l := range body {
		if cmd, ok := strings.CutPrefix(l, "$ "); ok {
			args, err := shellWords(cmd)
			if err != nil || len(args) == 0 || args[0] != "everynode" {
				t.Fatalf("block line %d: %q: only everynode commands can be checked (%v)", i+1, cmd, err)
			}
			out = append(out, transcriptCommand{line: i + 1, args: args[1:]})
			continue
		}
		if len(out) == 0 {
			t.Fatalf("block line %d: output before any $ command", i+1)
		}
		out[len(out)-1].want = append(out[len(out)-1].want, l)
	}
	for i := range out {
		for len(out[i].want) > 0 && out[i].want[len(out[i].want)-1] == "" {
			out[i].want = out[i].want[:len(out[i].want)-1]
		}
	}
	return out
}

// shellWords splits a command line as a shell would, for the quoting a
// documented command uses: spaces, '...' and "...".
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			cur.WriteRune(r)
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ' || r == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case strings.ContainsRune("|<>;&$`#", r):
			return nil, fmt.Errorf("unsupported shell syntax %q", r)
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated quote")
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}

// matchLines matches got against want, where a want line "..." stands for
// any number of lines.
func matchLines(want, got []string) bool {
	if len(want) == 0 {
		return len(got) == 0 || len(got) == 1 && got[0] == ""
	}
	if want[0] == "..." {
		for i := 0; i <= len(got); i++ {
			if matchLines(want[1:], got[i:]) {
				return true
			}
		}
		return false
	}
	return len(got) > 0 && got[0] == want[0] && matchLines(want[1:], got[1:])
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	flagName       = regexp.MustCompile(`^\s+(--[a-z0-9-]+)`)
	documentedFlag = regexp.MustCompile("`(--[a-z0-9-]+)")
)

// TestFlagTables compares each table marked <!-- flags: COMMAND --> with
// the flags everynode COMMAND --help lists.
func TestFlagTables(t *testing.T) {
	n := 0
	for _, p := range loadPages(t) {
		for cmd, rows := range p.markedTables("flags:") {
			n++
			var help bytes.Buffer
			if code := app.Run([]string{"everynode", cmd, "--help"}, nil, &help, &help); code != 0 {
				t.Fatalf("everynode %s --help: exit %d\n%s", cmd, code, help.String())
			}
			var want []string
			_, options, _ := strings.Cut(help.String(), "\nOPTIONS:\n")
			for l := range strings.SplitSeq(options, "\n") {
				if m := flagName.FindStringSubmatch(l); m != nil && m[1] != "--help" {
					want = append(want, m[1])
				}
			}
			var got []string
			for _, r := range rows {
				ms := documentedFlag.FindAllStringSubmatch(r[0], -1)
				if len(ms) == 0 {
					t.Errorf("%s: flags of %s: row %q names no flag", p.name, cmd, r[0])
				}
				for _, m := range ms {
					got = append(got, m[1])
				}
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("%s documents the flags of everynode %s as\n %v\nbut it has\n %v", p.name, cmd, got, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no flag table is checked")
	}
}

// TestActionInputs compares the documented inputs of the GitHub Action with
// action.yml.
func TestActionInputs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range loadPages(t) {
		rows, ok := p.markedTables("inputs:")["action.yml"]
		if !ok {
			continue
		}
		n++
		documented := map[string]bool{}
		for _, r := range rows {
			name := strings.Trim(r[0], "`")
			documented[name] = true
			in, ok := action.Inputs[name]
			if !ok {
				t.Errorf("%s documents input %q, which action.yml does not have", p.name, name)
				continue
			}
			if len(r) > 1 && strings.Trim(r[1], "`") != in.Default {
				t.Errorf("%s: input %s: documented default %s, action.yml has %q", p.name, name, r[1], in.Default)
			}
		}
		for name := range action.Inputs {
			if !documented[name] {
				t.Errorf("%s does not document input %q", p.name, name)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d tables of the Action's inputs, want 1", n)
	}
}

// TestHookIDs checks every pre-commit hook ID a page names against
// .pre-commit-hooks.yaml.
func TestHookIDs(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID string `yaml:"id"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, h := range hooks {
		known[h.ID] = true
	}
	// A hook ID is written as `- id: ID` in a snippet, or in a code span.
	id := regexp.MustCompile("(?:- id: |`)(everynode-[a-z-]+)(?:`|\\s|$)")
	n := 0
	for _, p := range loadPages(t) {
		for i, l := range p.lines {
			for _, m := range id.FindAllStringSubmatch(l, -1) {
				n++
				if !known[m[1]] {
					t.Errorf("%s:%d: %q is not a hook in .pre-commit-hooks.yaml", p.name, i+1, m[1])
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no hook ID is checked")
	}
}

// TestExamples loads every complete Config and Daemon spec shown in a yaml
// block: each must be valid, or rejected when marked invalid.
func TestExamples(t *testing.T) {
	kind := regexp.MustCompile(`(?m)^kind: (Config|Daemon)\s*$`)
	group := regexp.MustCompile(`(?m)^apiVersion: everynode\.dev/v1alpha1\s*$`)
	n := 0
	for _, p := range loadPages(t) {
		for _, b := range p.blocks(nil) {
			body := strings.Join(b.body, "\n") + "\n"
			m := kind.FindStringSubmatch(body)
			if b.info != "yaml" || m == nil || !group.MatchString(body) {
				continue
			}
			n++
			invalid := b.marker == "example: invalid"
			t.Run(fmt.Sprintf("%s:%d", p.name, b.line), func(t *testing.T) {
				dir := t.TempDir()
				for _, d := range []string{".git", "empty"} {
					if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
						t.Fatal(err)
					}
				}
				file := filepath.Join(dir, "example.yaml")
				if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
					t.Fatal(err)
				}
				args := []string{"everynode", "generate", "--workdir", dir, file}
				if m[1] == "Config" {
					args = []string{"everynode", "lint", "--workdir", dir, "--config", file, filepath.Join(dir, "empty")}
				}
				var out bytes.Buffer
				code := app.Run(args, strings.NewReader(""), &out, &out)
				switch {
				case invalid && code == 0:
					t.Errorf("marked invalid, but everynode accepts it:\n%s", body)
				case !invalid && code != 0:
					t.Errorf("everynode rejects it (exit %d):\n%s\n%s", code, out.String(), body)
				}
			})
		}
	}
	if n == 0 {
		t.Fatal("no example is checked")
	}
}

// TestKubernetesVersions holds every range of embedded releases a page
// gives ("1.30–1.37") and every default it names to what is embedded.
func TestKubernetesVersions(t *testing.T) {
	var out bytes.Buffer
	if code := app.Run([]string{"everynode", "schemas"}, nil, &out, &out); code != 0 {
		t.Fatalf("everynode schemas: exit %d\n%s", code, out.String())
	}
	versions := regexp.MustCompile(`(?m)^(1\.\d+)\s`).FindAllStringSubmatch(out.String(), -1)
	def := regexp.MustCompile(`(?m)^(1\.\d+)\s+\d+ \(default\)$`).FindStringSubmatch(out.String())
	if len(versions) == 0 || def == nil {
		t.Fatalf("cannot read the embedded releases from:\n%s", out.String())
	}
	embedded := versions[0][1] + "–" + versions[len(versions)-1][1]
	checks := []struct {
		re   *regexp.Regexp
		want string
	}{
		{regexp.MustCompile(`\b1\.\d+–1\.\d+\b`), embedded},
		{regexp.MustCompile(`\b1\.\d+ by default\b`), def[1] + " by default"},
		{regexp.MustCompile(`newest embedded, 1\.\d+\b`), "newest embedded, " + def[1]},
	}
	for _, p := range loadPages(t) {
		for i, l := range p.lines {
			for _, c := range checks {
				for _, m := range c.re.FindAllString(l, -1) {
					if m != c.want {
						t.Errorf("%s:%d: %q, but everynode embeds %s with %s the default", p.name, i+1, m, embedded, def[1])
					}
				}
			}
		}
	}
	if readme := strings.Join(loadPages(t)[0].lines, "\n"); !strings.Contains(readme, embedded) {
		t.Errorf("README.md does not say which releases are embedded (%s)", embedded)
	}
}

// TestURLsInCode resolves the documentation links the code prints (rule
// URLs in SARIF and Markdown reports, help text) against the pages.
func TestURLsInCode(t *testing.T) {
	const repo = "https://github.com/everynode/everynode"
	url := regexp.MustCompile(regexp.QuoteMeta(repo) + `(?:/blob/main/([^"#\s)]+)|/)?(?:#([A-Za-z0-9_-]+))?`)
	pages := map[string]page{}
	for _, p := range loadPages(t) {
		pages[p.name] = p
	}
	n := 0
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range url.FindAllStringSubmatch(string(data), -1) {
			file, frag := m[1], m[2]
			if file == "" && frag == "" {
				continue // the repository itself
			}
			n++
			if file == "" {
				file = "README.md"
			}
			if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(file))); err != nil {
				t.Errorf("%s: %s: %s does not exist", path, m[0], file)
				continue
			}
			if frag == "" {
				continue
			}
			if p, ok := pages[file]; !ok || !p.anchors()[frag] {
				t.Errorf("%s: %s: %s has no heading #%s", path, m[0], file, frag)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatal("no documentation URL found in the code")
	}
}
