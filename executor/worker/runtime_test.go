package worker

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

func TestTuneRuntimeBoundsHeapByMemoryLimit(t *testing.T) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		t.Skip("GOMEMLIMIT or GOGC set by the environment: TuneRuntime leaves them alone")
	}
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))

	TuneRuntime(1 << 30)
	if got, want := debug.SetMemoryLimit(-1), int64(1<<30+1<<29+unaccountedHeadroom); physicalMemory() > 4*want && got != want {
		t.Errorf("soft memory limit with a 1 GiB task limit = %d, want %d", got, want)
	}
	TuneRuntime(0)
	if got, want := debug.SetMemoryLimit(-1), physicalMemory()/4*3; physicalMemory() > 0 && got != want {
		t.Errorf("soft memory limit without a task limit = %d, want three quarters of memory, %d", got, want)
	}
	if got := debug.SetGCPercent(100); got != executorGCPercent {
		t.Errorf("GOGC = %d, want %d", got, executorGCPercent)
	}
}
