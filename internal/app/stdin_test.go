package app

import (
	"io"
	"os"
	"testing"
)

// TestStdinPiped: a pipe with data is read; /dev/null (a character device,
// like a terminal) and a pipe closed empty (a CI runner's) are not.
func TestStdinPiped(t *testing.T) {
	pipe := func(t *testing.T, data string) *os.File {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { r.Close() })
		go func() {
			_, _ = io.WriteString(w, data)
			w.Close()
		}()
		return r
	}
	if r, ok := stdinPiped(pipe(t, "kind: x\n")); !ok {
		t.Error("a pipe with data is not read")
	} else if b, _ := io.ReadAll(r); string(b) != "kind: x\n" {
		t.Errorf("read %q", b)
	}
	if _, ok := stdinPiped(pipe(t, "")); ok {
		t.Error("an empty pipe is read")
	}
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	if _, ok := stdinPiped(devnull); ok {
		t.Error("/dev/null is read")
	}
	if _, ok := stdinPiped(nil); ok {
		t.Error("no reader is read")
	}
}
