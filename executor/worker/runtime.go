package worker

import (
	"os"
	"runtime/debug"
)

// executorGCPercent is the GOGC of a process that executes queries. Batches
// are large, short-lived and pointer-free, so the collector's work is
// mostly scanning for nothing; collecting at 5x the live heap instead of
// 2x halves its cost, and the soft memory limit below keeps the heap from
// growing past what the machine has.
const executorGCPercent = 400

// unaccountedHeadroom is room in the soft memory limit for what tasks do
// not reserve from their pool: decoders' buffers, batches in flight between
// operators, plans, the runtime itself.
const unaccountedHeadroom = 256 << 20

// TuneRuntime sets the Go runtime up for query execution: a higher GC
// percentage, and a soft memory limit of three quarters of physical memory
// or, when tasks have a memory limit (memoryLimit > 0, the pool's), of one
// and a half times that limit plus unaccountedHeadroom, whichever is lower.
// Without the second, GOGC=400 lets the heap of a process whose tasks hold
// their 1 GiB grow to several times that before a collection (4 GB RSS at
// TPC-H SF 10), which is not what a user who set the limit expects.
// Either setting is left alone when the user made it (GOGC, GOMEMLIMIT).
func TuneRuntime(memoryLimit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(executorGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	soft := physicalMemory() / 4 * 3
	if memoryLimit > 0 {
		if bounded := memoryLimit + memoryLimit/2 + unaccountedHeadroom; soft <= 0 || bounded < soft {
			soft = bounded
		}
	}
	if soft > 0 {
		debug.SetMemoryLimit(soft)
	}
}
