package kustomize

import (
	"bytes"
	"io"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"
)

// maxCaptured bounds what is kept of kustomize's output during one build:
// a kustomization can make it print without end (a var name repeated in
// every object).
const maxCaptured = 64 << 10

// capture collects what kustomize prints during a build: the standard
// log package (var warnings, the sort-order and git:: notices) and direct
// writes to os.Stderr (its deprecated-field warnings; klog, which writes
// to os.Stderr by default). Nothing of it reaches the terminal raw: the
// caller turns it into findings, which every output format escapes.
// kustomize's writes to os.Stdout are debugging helpers a build never
// calls, and standard output is left alone.
//
// Builds are serialised (buildMu), and nothing else in everynode writes
// to the process's standard streams while one runs: the CLI took its
// writers at start-up.
type capture struct {
	prevLog    io.Writer
	prevFlags  int
	prevStderr *os.File
	r, w       *os.File
	done       chan struct{}

	mu sync.Mutex
	// entries are the log package's messages, one each (a message may
	// hold newlines: a var's name); buf is what was written to the
	// standard streams, split into lines at the end.
	entries []string
	size    int
	buf     bytes.Buffer
}

func startCapture() *capture {
	c := &capture{prevLog: log.Writer(), prevFlags: log.Flags(), done: make(chan struct{})}
	log.SetOutput(logWriter{c})
	log.SetFlags(0)
	if r, w, err := os.Pipe(); err == nil {
		c.r, c.w = r, w
		c.prevStderr = os.Stderr
		os.Stderr = w
		go func() {
			defer close(c.done)
			buf := make([]byte, 4096)
			for {
				n, err := r.Read(buf)
				c.add(buf[:n])
				if err != nil {
					return
				}
			}
		}()
	} else {
		close(c.done)
	}
	return c
}

func (c *capture) add(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := maxCaptured - c.size; room > 0 {
		n, _ := c.buf.Write(p[:min(len(p), room)])
		c.size += n
	}
}

func (c *capture) addEntry(p []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := maxCaptured - c.size; room > 0 {
		e := strings.TrimSpace(string(p[:min(len(p), room)]))
		c.size += len(e)
		if e != "" {
			c.entries = append(c.entries, e)
		}
	}
}

// stop restores the process's writers and returns the lines captured.
func (c *capture) stop() []string {
	log.SetOutput(c.prevLog)
	log.SetFlags(c.prevFlags)
	if c.w != nil {
		os.Stderr = c.prevStderr
		c.w.Close()
		<-c.done
		c.r.Close()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.entries
	for _, l := range strings.Split(c.buf.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// logWriter is the log package's output during a build. log.Fatal would
// print and end the process: when the write comes from it, the message
// is turned into a panic instead, which the build recovers and reports.
type logWriter struct{ c *capture }

func (lw logWriter) Write(p []byte) (int, error) {
	lw.c.addEntry(p)
	if fromFatal() {
		panic("kustomize gave up: " + strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

// fromFatal reports whether log.Fatal (or Fatalf, Fatalln, or a Logger's)
// is on the stack.
func fromFatal() bool {
	pcs := make([]uintptr, 16)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if strings.HasPrefix(f.Function, "log.Fatal") || strings.HasPrefix(f.Function, "log.(*Logger).Fatal") {
			return true
		}
		if !more {
			return false
		}
	}
}
