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

// TuneRuntime sets the Go runtime up for query execution: a higher GC
// percentage and a soft memory limit of three quarters of physical memory.
// Either is left alone when the user set it (GOGC, GOMEMLIMIT).
func TuneRuntime() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(executorGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		if total := physicalMemory(); total > 0 {
			debug.SetMemoryLimit(total / 4 * 3)
		}
	}
}
