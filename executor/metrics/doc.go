// Package metrics holds the counters operators keep while they run, which
// EXPLAIN ANALYZE reads.
//
// Each operator node owns one Set. Every run of the operator (one per task
// or partition) records into it through its own Baseline: rows and batches
// output, and the wall time spent inside the stream's Next calls. A Set's
// counters are atomic, so partitions running concurrently share it; a
// Baseline is used by one goroutine.
//
// Operators that spill also count their spills, and the rows and bytes
// they wrote.
//
// Elapsed time is inclusive: a parent's Next contains its children's Next
// calls when they run on the same goroutine. Readers derive an operator's
// own time by subtracting its children's (see op.ExplainAnalyze).
package metrics
