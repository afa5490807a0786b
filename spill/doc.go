// Package spill accounts for the memory that buffering operators hold and
// stores what they write out when they may not hold more, so that a query
// over its budget spills to disk rather than failing or taking the process
// down.
//
// # Memory
//
// A Pool is shared by the tasks of an executor; its limit is the
// executor's --memory-limit (DefaultLimit: half of the cgroup's or the
// machine's memory). Each buffering operator (hash aggregate, sort, hash
// join build, top-n, set operations, the shuffle writer, a task's result
// output) takes a Reservation when it opens, grows it before buffering
// more data, and closes it when it closes. A task reserves through
// WithUsage, whose Usage records the most the task held at once, which it
// reports in its metrics. Streaming operators
// reserve nothing: a batch in flight is accounted to whoever buffers it.
//
// Grow fails with an error wrapping ErrExhausted, classified
// errkind.ResourceExhausted, when the limit would be exceeded. Operators
// that can spill take a spillable reservation, which is also refused
// beyond its fair share of the pool (what unspillable reservations leave,
// divided among the open spillable ones), so that an operator whose data
// fits cannot starve the ones after it; refused, they write their state
// out and shrink. The others fail the task.
//
// # Storage
//
// A Store is an executor's spill storage in its work directory: an
// embedded Pebble instance (WAL off, fastest compression) and a folder of
// files, both emptied when the store opens, since spill data never
// outlives the process that wrote it. Each task gets a Space: a key prefix
// and a subfolder, removed together (one DeleteRange and one RemoveAll)
// when the task ends, whether it succeeded, failed or was cancelled.
//
// Ordered spills (external-sort runs) are RunWriters: Arrow batches
// IPC-encoded one per chunk under (space, run, sequence) keys, read back
// in order by a RunReader. Partitioned spills (hash join and hash
// aggregate partitions) are Partitions: one Arrow IPC stream file per
// partition, written in any order and read back whole.
// BenchmarkPartitionedSpill found files over twice as fast as Pebble runs
// for partitioned data (46 ms against 108 ms for 64 batches of 8192 rows in
// 16 partitions), so only ordered data goes through Pebble.
//
// The Space counts the rows and encoded bytes written to it; operators
// count theirs in their metrics set, which EXPLAIN ANALYZE prints and
// tasks report to the scheduler (TaskMetrics), which shows them in the
// job's status.
package spill
