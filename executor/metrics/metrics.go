package metrics

import (
	"fmt"
	"sync/atomic"
	"time"
)

// Set is an operator's counters, summed over its runs. The zero Set is
// ready to use. A Set must not be copied after first use.
type Set struct {
	partitions atomic.Int64
	rows       atomic.Int64
	batches    atomic.Int64
	elapsed    atomic.Int64 // nanoseconds
}

// Values is a snapshot of a Set.
type Values struct {
	// Partitions is the number of runs (Baselines) started.
	Partitions int64
	// Rows and Batches count the output.
	Rows, Batches int64
	// Elapsed is the time spent producing the output, children included.
	Elapsed time.Duration
}

// Snapshot reads the counters. Concurrent runs may be partway through.
func (s *Set) Snapshot() Values {
	return Values{
		Partitions: s.partitions.Load(),
		Rows:       s.rows.Load(),
		Batches:    s.batches.Load(),
		Elapsed:    time.Duration(s.elapsed.Load()),
	}
}

// Sub returns the counts accumulated between snapshot o and v.
func (v Values) Sub(o Values) Values {
	return Values{
		Partitions: v.Partitions - o.Partitions,
		Rows:       v.Rows - o.Rows,
		Batches:    v.Batches - o.Batches,
		Elapsed:    v.Elapsed - o.Elapsed,
	}
}

func (v Values) String() string {
	return fmt.Sprintf("rows=%d batches=%d time=%s", v.Rows, v.Batches, v.Elapsed.Round(time.Microsecond))
}

// Baseline starts one run's recording into s.
func (s *Set) Baseline() *Baseline {
	s.partitions.Add(1)
	return &Baseline{set: s}
}

// Baseline records one run (partition) of an operator into its Set. It is
// used by one goroutine.
type Baseline struct {
	set *Set
}

// Start marks the start of a timed section; pass its result to Done.
func (b *Baseline) Start() time.Time { return time.Now() }

// Done ends a timed section begun at start that produced a batch of rows
// rows (none when the section produced no batch: pass a negative count).
func (b *Baseline) Done(start time.Time, rows int64) {
	b.set.elapsed.Add(int64(time.Since(start)))
	if rows >= 0 {
		b.set.rows.Add(rows)
		b.set.batches.Add(1)
	}
}
