// Package op holds the physical operators: immutable plan nodes that, when
// opened for a task, stream Arrow record batches.
//
// An Operator is built once by the planner and may be opened many times
// (once per partition or task); all run state lives in the Stream that Open
// returns. Streams are pulled: Next returns the next batch, or io.EOF after
// the last. The caller owns each batch Next returns and must Release it; an
// operator that passes an input batch through unchanged hands over its
// reference.
//
// Operators are streaming (ParquetScan, Filter, Project, Fetch) or buffering
// (HashAggregate, Sort). Buffering operators take a spill.Reservation from
// the task's pool when they open, grow it before holding more data, and free
// it when they close; a refused reservation fails the task with an
// errkind.ResourceExhausted error until spilling lands. Streaming operators
// reserve nothing.
//
// Every stream checks its context between batches, so cancelling a task stops
// it within one batch's work.
package op
