package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// gcHeadroom is the least the heap may grow between collections.
const gcHeadroom = 64 << 20

// tuneGC makes the collector run when the heap has grown by what was live
// after the last collection (Go's default, GOGC=100) or by gcHeadroom,
// whichever is more. A lint run allocates in bursts over a small live
// heap (one document at a time, and the findings): the headroom spares it
// most collections, while a run whose live heap is large (a 30 MiB file,
// a huge tree's findings) still peaks at about twice it. A fixed soft
// limit did not: once the live heap neared it, the collector ran without
// pause. Users' own GOGC and GOMEMLIMIT win.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	// With the percentage off, the memory limit alone starts a
	// collection; it is moved after each one, from the heap left live.
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(gcHeadroom)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var arm func()
	arm = func() {
		// A finalizer on an object nothing holds runs after each
		// collection (an object with a pointer is never batched with
		// others by the tiny allocator, which could keep it alive).
		s := &gcSentinel{}
		runtime.SetFinalizer(s, func(*gcSentinel) {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				live := int64(sample[0].Value.Uint64())
				debug.SetMemoryLimit(max(2*live, live+gcHeadroom))
			}
			arm()
		})
	}
	arm()
}

type gcSentinel struct {
	_ *byte
	_ [16]byte
}
