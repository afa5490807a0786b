// Package scheduler turns submitted plans into jobs, jobs into tasks, and
// hands tasks to the executors that registered with it.
//
// A submitted plan is normalized (scheduler/normalize) and planned once
// against the cluster's catalog, so that bad plans are refused at submission
// with a classified error; the normalized plan and the tables it reads then
// travel in each task. Today a job is one stage of one task; later stages
// are cut at exchanges.
//
// Job states move QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. Watchers
// wait on a job's changed channel, which is closed and replaced on every
// change.
//
// Executors are pushed work through their ExecutorService, or pull it with
// PollWork; both are fed from one assignment step (dispatchLocked) that gives
// pending tasks to executors with free slots. An executor that misses
// heartbeats for ExecutorTimeout is declared lost, and its running tasks are
// retried elsewhere up to MaxTaskAttempts. A job whose tasks find no live
// executor within NoExecutorGrace fails with an UNAVAILABLE reason instead
// of waiting forever.
package scheduler
