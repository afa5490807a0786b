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
// Union) or buffering (HashAggregate, Sort, TopN, HashSetOp, Window, the
// build side of HashJoin). Buffering operators take a spill.Reservation from
// the task's pool when they open, grow it before holding more data, and free
// it when they close. Streaming operators reserve nothing.
//
// # Spilling
//
// When the pool refuses a reservation and the task has a spill space
// (Task.Spill), Sort, TopN, HashAggregate, HashSetOp and HashJoin spill
// instead of failing:
//
//   - Sort writes what it holds, sorted, as a run and reads on; at the end
//     it merges the runs, as many at a time as Task.MergeFanIn and memory
//     allow, in several passes if needed (sort.go, sort_merge.go).
//   - TopN compacts early, and when even its best rows do not fit writes
//     them as a run; at the end it merges the runs like Sort (topn.go).
//   - HashAggregate writes its groups' partial states by key hash to
//     partition files and merges the partitions one at a time at the end,
//     splitting one that does not fit again with another seed
//     (aggregate_spill.go). SELECT DISTINCT is such an aggregate, with
//     keys only.
//   - HashSetOp writes its distinct rows, with their counts per input, by
//     row hash to partition files, and counts the partitions one at a
//     time at the end, splitting them like HashAggregate (setop_spill.go).
//   - HashJoin becomes a grace hash join: both sides by key hash to
//     partition files, joined partition by partition by a HashJoin over
//     them, which spills again when a partition does not fit
//     (hash_join_spill.go).
//
// Partitioning stops after maxSpillDepth levels, and an operator that
// cannot hold even its minimum (one batch; two runs to merge) fails with
// errkind.ResourceExhausted saying that spilling did not help. Window and
// aggregates with DISTINCT measures (count(DISTINCT x)) do not spill.
// Spilling operators
// close their input as soon as they have read it, so the memory below is
// freed for their merge, and hand the memory of their output to its
// reader with each batch.
//
// Every operator embeds a Meter and wraps the streams it opens with it, so
// each Next records output rows, batches and time into the operator's
// metrics.Set; ExplainAnalyze runs a tree and prints them per operator.
//
// Every stream checks its context between batches, so cancelling a task stops
// it within one batch's work.
//
// # Partitions
//
// One query uses every core by running disjoint partitions of its input
// concurrently, as DataFusion does. An operator that can produce its output
// as several independent streams implements Partitioned: Partitions(t) says
// how many, at most Task.Parallelism (GOMAXPROCS when zero), and
// OpenPartition(ctx, t, i) opens the i'th. Each partition stream is used by
// one goroutine; different partitions run on different goroutines, so an
// operator's partition streams share only immutable state (the plan node,
// the task, atomics in the metrics set).
//
//   - ParquetScan is partitioned by row groups: the row groups of all its
//     files, in order, split into contiguous ranges of nearly equal count,
//     one per partition, so a scan has at most as many partitions as row
//     groups (1 when a file's footer cannot be read; the error then comes
//     from the one stream).
//   - FileScan (CSV, Arrow IPC) is partitioned by files: partition i of n
//     reads files i, i+n, ...; a single file is read by one goroutine.
//   - Filter and Project have their input's partitions: OpenPartition(i)
//     wraps the input's partition i. An operator that is not Partitioned
//     counts as one partition (see partitions and openPartition).
//
// Open of a Partitioned operator with more than one partition returns a
// gather stream (partition.go): on its first Next it starts one goroutine
// per partition, each pulling its partition's stream and sending the batches
// to a channel holding at most gatherDepth batches per partition; Next
// returns them in arrival order, so the order of rows across partitions is
// not deterministic (a Sort above orders them; a Fetch without one takes the
// rows that come first). The first error of any partition ends the stream
// with that error and cancels the others; cancelling the context of Next
// stops them too. Close cancels the producers, waits for every one to close
// its input and releases the batches left in the channel, so a closed stream
// leaves no goroutine and no batch behind.
//
// Pipeline breakers consume partitions directly instead of a gather:
//
//   - HashAggregate opens every input partition and folds each in its own
//     goroutine during the first Next, into thread-local tables (one per
//     grouping set: keys to group ids, a state per measure), without
//     locks. Then the tables of each grouping set are merged
//     (expr.AggState.Merge): with few groups into the largest one; with
//     many, by radix partitions of the key hash, each partition of every
//     worker's table merged into a new table by one goroutine. DISTINCT
//     measures record (group, argument tuple) pairs, which merge as sets
//     and are folded into the states only when the output is built, so
//     every aggregate, DISTINCT and FILTER included, stays exact. The
//     output lists the groups partition after partition.
//   - HashJoin is Partitioned like its probe (left) side. Its partitions
//     share one table, made by the first OpenPartition of the run
//     (Task.share) from the right side read through one, possibly
//     gathered, stream; the first partition to need the table builds it
//     under a mutex while the others wait; it is read-only after that
//     except for the matched-row flags of right, full, right semi and
//     right anti joins, which the partitions set atomically; the last
//     partition to finish probing emits the build rows those joins output,
//     and the last partition stream to close frees the table. So a Filter,
//     Project or HashAggregate above a join runs per probe partition too.
//
// Metrics add up across partitions: each partition stream records into its
// operator's Set through its own Baseline, and the Set's counters are
// atomic. Elapsed time is then the sum over partitions, and an operator
// above a gather measures only the time it waited for batches, so the own
// times EXPLAIN ANALYZE derives are approximate under parallelism.
package op
