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

	spills       atomic.Int64
	spilledRows  atomic.Int64
	spilledBytes atomic.Int64
}

// Values is a snapshot of a Set.
type Values struct {
	// Partitions is the number of runs (Baselines) started.
	Partitions int64
	// Rows and Batches count the output.
	Rows, Batches int64
	// Elapsed is the time spent producing the output, children included.
	Elapsed time.Duration
	// Spills counts the times the operator wrote state out for lack of
	// memory; SpilledRows and SpilledBytes what it wrote, rows and encoded
	// bytes, rewrites by multi-pass merges and recursive repartitioning
	// included.
	Spills, SpilledRows, SpilledBytes int64
}

// Snapshot reads the counters. Concurrent runs may be partway through.
func (s *Set) Snapshot() Values {
	return Values{
		Partitions: s.partitions.Load(),
		Rows:       s.rows.Load(),
		Batches:    s.batches.Load(),
		Elapsed:    time.Duration(s.elapsed.Load()),

		Spills:       s.spills.Load(),
		SpilledRows:  s.spilledRows.Load(),
		SpilledBytes: s.spilledBytes.Load(),
	}
}

// Sub returns the counts accumulated between snapshot o and v.
func (v Values) Sub(o Values) Values {
	return Values{
		Partitions: v.Partitions - o.Partitions,
		Rows:       v.Rows - o.Rows,
		Batches:    v.Batches - o.Batches,
		Elapsed:    v.Elapsed - o.Elapsed,

		Spills:       v.Spills - o.Spills,
		SpilledRows:  v.SpilledRows - o.SpilledRows,
		SpilledBytes: v.SpilledBytes - o.SpilledBytes,
	}
}

func (v Values) String() string {
	s := fmt.Sprintf("rows=%d batches=%d time=%s", v.Rows, v.Batches, v.Elapsed.Round(time.Microsecond))
	if v.Spills > 0 {
		s += fmt.Sprintf(" spills=%d spilled_rows=%d spilled_bytes=%d", v.Spills, v.SpilledRows, v.SpilledBytes)
	}
	return s
}

// Spilled records one spill of rows rows taking bytes bytes. It is safe
// for concurrent use.
func (s *Set) Spilled(rows, bytes int64) {
	s.spills.Add(1)
	s.spilledRows.Add(rows)
	s.spilledBytes.Add(bytes)
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
