package e2e

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/everynode/everynode/internal/testkit/script"
)

// The catalog of bad input: testdata/bad-input/<command>/*.txtar, one
// case per script, each with the input, the command, the exit code
// docs/architecture.md gives for it and the exact output (file:line:column, message). Every
// lint case also lints a well-formed file next to the bad one, whose info
// finding proves the other files are still processed. UPDATE_GOLDEN=1
// rewrites the expected output in the scripts; review the diff.
//
// Script commands, besides testscript's own and internal/testkit/script's
// (everynode, status):
//
//	crlf FILE                turn LF line endings into CRLF
//	utf16 le|be FILE         re-encode FILE as UTF-16 with a byte-order mark
//	bom FILE                 prepend a UTF-8 byte-order mark
//	printf FILE TEXT         write TEXT with Go escapes (\xff, \x00, \t) to FILE
//	longline FILE SIZE [unclosed]  a ConfigMap whose one data value is a
//	                         SIZE-byte line (then a "[" left open)
//	deep FILE N flow|block   a document nested N levels deep
//	sparse FILE SIZE         a file of SIZE bytes that takes no disk space
//	manyfiles DIR N          N small manifests in DIR
//	mkfifo FILE              a named pipe
//	memlink FILE             a symbolic link to /proc/self/mem, which even
//	                         root cannot read ([linux])
//	wrap FILE                make the document in FILE the one item of a
//	                         ResourceList
//
// Conditions: [root] is true when running as root (who can read a file
// whatever its mode).
func TestBadInputLint(t *testing.T)      { runCatalog(t, "lint") }
func TestBadInputGenerate(t *testing.T)  { runCatalog(t, "generate") }
func TestBadInputFn(t *testing.T)        { runCatalog(t, "fn") }
func TestBadInputPlacement(t *testing.T) { runCatalog(t, "placement") }

func runCatalog(t *testing.T, command string) {
	dir := filepath.Join(repoRoot, "testdata", "bad-input", command)
	script.Run(t, dir, script.Params{
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]script.Cmd{
			"crlf":      toCRLF,
			"utf16":     toUTF16,
			"bom":       addBOM,
			"printf":    printfFile,
			"longline":  longLine,
			"deep":      deepFile,
			"sparse":    sparseFile,
			"manyfiles": manyFiles,
			"mkfifo":    makeFIFO,
			"memlink":   memLink,
			"wrap":      wrapResourceList,
		},
	})
}

func readArg(ts *testscript.TestScript, name string) []byte {
	data, err := os.ReadFile(ts.MkAbs(name))
	ts.Check(err)
	return data
}

func writeArg(ts *testscript.TestScript, name string, data []byte) {
	ts.Check(os.WriteFile(ts.MkAbs(name), data, 0o644))
}

func toCRLF(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: crlf FILE")
	}
	writeArg(ts, args[0], bytes.ReplaceAll(readArg(ts, args[0]), []byte("\n"), []byte("\r\n")))
}

func toUTF16(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 || args[0] != "le" && args[0] != "be" {
		ts.Fatalf("usage: utf16 le|be FILE")
	}
	var order binary.ByteOrder = binary.LittleEndian
	if args[0] == "be" {
		order = binary.BigEndian
	}
	units := utf16.Encode([]rune("\uFEFF" + string(readArg(ts, args[1]))))
	out := make([]byte, 2*len(units))
	for i, u := range units {
		order.PutUint16(out[2*i:], u)
	}
	writeArg(ts, args[1], out)
}

func addBOM(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: bom FILE")
	}
	writeArg(ts, args[0], append([]byte("\xEF\xBB\xBF"), readArg(ts, args[0])...))
}

func printfFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: printf FILE TEXT")
	}
	text, err := strconv.Unquote(`"` + args[1] + `"`)
	ts.Check(err)
	writeArg(ts, args[0], []byte(text))
}

func parseSize(ts *testscript.TestScript, s string) int64 {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "MiB"):
		mult, s = 1<<20, strings.TrimSuffix(s, "MiB")
	case strings.HasSuffix(s, "KiB"):
		mult, s = 1<<10, strings.TrimSuffix(s, "KiB")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	ts.Check(err)
	return n * mult
}

func longLine(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 || len(args) == 3 && args[2] != "unclosed" {
		ts.Fatalf("usage: longline FILE SIZE [unclosed]")
	}
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long-line, namespace: apps}\ndata: {blob: \"")
	b.Write(bytes.Repeat([]byte("x"), int(parseSize(ts, args[1]))))
	if len(args) == 3 {
		b.WriteString("\", more: [")
	} else {
		b.WriteString("\"}\n")
	}
	writeArg(ts, args[0], b.Bytes())
}

func deepFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: deep FILE N flow|block")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	var b bytes.Buffer
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: default}\ndata:\n  deep: ")
	switch args[2] {
	case "flow":
		b.WriteString(strings.Repeat("[", n) + strings.Repeat("]", n))
	case "block":
		// Block lists nest on one line ("- - - x"); nested maps would need
		// n*(n+1)/2 bytes of indentation.
		b.WriteString("\n" + strings.Repeat("  - ", n) + "x")
	default:
		ts.Fatalf("usage: deep FILE N flow|block")
	}
	b.WriteString("\n")
	writeArg(ts, args[0], b.Bytes())
}

func sparseFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: sparse FILE SIZE")
	}
	f, err := os.Create(ts.MkAbs(args[0]))
	ts.Check(err)
	ts.Check(f.Truncate(parseSize(ts, args[1])))
	ts.Check(f.Close())
}

func manyFiles(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: manyfiles DIR N")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	for i := range n {
		data := fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d, namespace: apps}\ndata: {index: \"%d\"}\n", i, i)
		ts.Check(os.WriteFile(filepath.Join(dir, fmt.Sprintf("cm-%05d.yaml", i)), []byte(data), 0o644))
	}
}

func memLink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: memlink FILE")
	}
	ts.Check(os.Symlink("/proc/self/mem", ts.MkAbs(args[0])))
}

func wrapResourceList(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: wrap FILE")
	}
	var b bytes.Buffer
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i, line := range strings.Split(strings.TrimSuffix(string(readArg(ts, args[0])), "\n"), "\n") {
		if i == 0 {
			b.WriteString("- " + line + "\n")
		} else {
			b.WriteString("  " + line + "\n")
		}
	}
	writeArg(ts, args[0], b.Bytes())
}
