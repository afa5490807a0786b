// Package scheduler turns submitted plans into jobs, jobs into stages of
// tasks, and hands tasks to the executors that registered with it.
//
// A submitted plan is normalized (scheduler/normalize) and planned once
// against the cluster's catalog, so that bad plans are refused at submission
// with a classified error. SQL text is planned into Substrait first, by
// the SQLPlanner the scheduler is configured with (sql.go). A plan is then
// cut into stages (stages.go): after the engine's own rewrites
// (plan.Rewrite), joins hash-partition both sides
// on their keys or broadcast a right side estimated small from Parquet row
// counts, aggregates split into partial and final around a hash exchange,
// and sorts, limits (with per-task top rows first), set operations and
// windows gather into one task. Each stage's task plan is standard
// Substrait: it ends in an ExchangeRel (scatter by fields, broadcast or
// single target) unless it is the last stage, and reads earlier stages
// through ReadRels of extension tables (trebuchet.v1.ShuffleRead), which
// executors resolve to shuffle reads (executor/shuffle).
//
// Which path a plan takes: every plan the stage planner can cut is run in
// stages; a plan it cannot (a subquery the rewrites leave in an expression,
// a relation it does not know, a column type without a Substrait
// counterpart), EXPLAIN ANALYZE, a job with the setting "distributed" =
// "false", or any job while only one executor is registered (unless it
// sets "distributed" = "true"), runs as
// before: one stage of one task executing the whole plan, parallel across
// partitions inside that executor.
//
// A stage runs one task per partition: a stage that scans files one per
// slice of its scan's row groups, one fed by a hash exchange one per
// partition (Config.ShufflePartitions), others one. A stage's tasks are
// queued once all the stages it reads are complete; the job succeeds when
// its last stage does, whose tasks' outputs are the result, streamed to the
// client through the gateway from the executors holding them.
//
// Assignment is push-based by default: the scheduler knows each executor's
// free slots (from its task reports) and launches tasks as soon as a slot
// or a task appears, with no polling delay on the small-query path.
// Executors that cannot be dialled (behind NAT) pull with PollWork instead;
// both are fed by one assignment step (dispatchLocked), which gives pending
// tasks to the executor with the most free slots. Locality is not
// considered yet: every executor of a cluster on one machine, or on a
// shared file system, holds every file.
//
// Plans travel once: a task definition does not carry its plan but a
// StagePlanRef (size and SHA-256 of the stage's serialized plan, digested
// once per stage, plans.go), and an executor fetches each stage plan it
// needs with the server-streaming GetStagePlan, in 1 MiB chunks, once for
// all the stage's tasks it runs. No message holds a whole plan, so plan
// size is bounded by memory and the gateway's request limit, not by a
// message size limit, and launching a stage's tasks costs the same for a
// plan of a kilobyte or of a gigabyte. Executors list the jobs whose plans
// they hold in their heartbeats and are answered with those that finished
// or are unknown, so plans are dropped however a job ends; GetStagePlan
// refuses a finished job's plans, so none is fetched after that answer.
//
// Failures: an executor that misses heartbeats for ExecutorTimeout, or
// cannot be reached to launch tasks, is declared lost; its running tasks
// are retried elsewhere, and the succeeded tasks whose outputs it held are
// re-run where a stage that has not finished still needs them (only those
// map tasks). A task that cannot read a map output reports a fetch failure
// naming it (executor, stage, map partition); the scheduler re-runs that
// map task, then the reader. Retries are bounded: MaxTaskAttempts for a
// task's own failures, as many again for re-runs of lost outputs. A job
// whose tasks find no live executor within NoExecutorGrace fails with an
// UNAVAILABLE reason instead of waiting forever. When a job succeeds its
// map outputs are dropped at once; its result when it expires (ResultTTL);
// a failed or cancelled job's outputs at once.
//
// Job states move QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. Watchers
// wait on a job's changed channel, which is closed and replaced on every
// change.
//
// Restarts: with a Store (state.go; `trebuchet scheduler --state-dir`,
// default ./trebuchet-state), jobs outlive the scheduler's process. The
// store holds each job's record, its stages' plans and its tasks' latest
// attempts, with where succeeded attempts' outputs are; it is written at
// transitions (submission, start, a task's success or retry, the end, the
// release of outputs), never on heartbeats, and submission and terminal
// states are synced before they are acknowledged. Executors keep no
// record of their own: they keep running and serving their outputs, and
// register again when a heartbeat is answered "reregister", within a
// heartbeat interval of the new scheduler serving. A scheduler that
// starts on a store (restore.go):
//
//   - lists finished jobs as they were. A succeeded job's result stays
//     fetchable from executors that re-register at the Flight address
//     they had; one whose executor registers elsewhere, or not within
//     ExecutorTimeout, reports its result lost and why (its failure).
//   - resumes unfinished jobs: tasks that had not succeeded are queued
//     again as new attempts (a report of an attempt from before the
//     restart is then stale, and its output dropped); succeeded tasks'
//     outputs are kept while their executors come back. Outputs on an
//     executor that does not re-register within ExecutorTimeout, or
//     re-registers at another Flight address (it restarted), are lost, as
//     when an executor dies: their tasks re-run where still needed, and a
//     reader that cannot fetch one reports it. A restart counts as one
//     re-run of each task it re-queues, so repeated restarts exhaust the
//     re-run budget instead of looping.
//   - fails unfinished jobs that create tables (CREATE TABLE AS) with an
//     UNAVAILABLE reason asking to resubmit: their files may be partial,
//     and registering the tables needs the catalog's view of them from
//     submission.
//
// Without a store (standalone clusters, whose executors stop with their
// scheduler, and tests), the state is in memory only.
package scheduler
