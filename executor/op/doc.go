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
// Operators are streaming (ParquetScan, Values, Filter, Project, Fetch,
// Union) or buffering (HashAggregate, Sort, TopN, HashSetOp). Buffering operators take a spill.Reservation from
// the task's pool when they open, grow it before holding more data, and free
// it when they close; a refused reservation fails the task with an
// errkind.ResourceExhausted error until spilling lands. Streaming operators
// reserve nothing.
//
// Every operator embeds a Meter and wraps the streams it opens with it, so
// each Next records output rows, batches and time into the operator's
// metrics.Set; ExplainAnalyze runs a tree and prints them per operator.
//
// Every stream checks its context between batches, so cancelling a task stops
// it within one batch's work.
package op
