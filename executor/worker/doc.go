// Package worker is an executor process's runtime: it registers with the
// scheduler, receives tasks (pushed to its ExecutorService, or pulled with
// PollWork), runs each task's plan over Arrow batches, keeps the output, and
// serves it over Arrow Flight DoGet until the scheduler releases it.
//
// Protocol, as the executor sees it:
//
//	RegisterExecutor → (LaunchTasks | PollWork)* with Heartbeat every interval
//	task of a stage not seen yet → GetStagePlan(job, stage), once per stage
//	task ends → ReportTaskStatus{state, failure, output Location}
//	Flight DoGet(ticket of the Location) → the output batches
//	ReleaseOutputs(job) or CancelTasks → the outputs are dropped
//
// A heartbeat answered with reregister (the scheduler restarted or declared
// this executor lost) makes the executor register again.
//
// Tasks carry a reference to their stage's plan, not the plan (plans.go):
// the first task of a stage to run here fetches it, in chunks, checks its
// size and digest, and shares it with the stage's other tasks, including
// those that arrive while the fetch is under way. Plans are held until the
// job's outputs are released or a heartbeat answer lists the job as
// finished (heartbeats name the jobs whose plans are held).
//
// A map task (its plan ends in an ExchangeRel) writes its output to the
// executor's shuffle store (executor/shuffle) under WorkDir and reports the
// rows of each partition; DoGet of a shuffle ticket streams a partition.
// A task reads earlier stages' outputs through ShuffleReads, which the
// task's catalog resolves to the map outputs listed in its definition,
// and its file scans read the slice of row groups its partition names.
// The last stage's task outputs (a job's result) are held in memory and
// reserved from the executor's memory pool, so the pool sees all the
// batches the executor holds; refused, an output writes the batches it
// holds to a spill run of its own, deleted when the output is released
// (output.go).
//
// Each task reserves through a view of the pool that counts its peak
// (spill.Usage). When it ends it reports, in TaskMetrics, that peak, its
// operators' counters in plan pre-order (rows out; spills, spilled rows
// and bytes), and the spill totals of its operators and its output. Its
// spill space is closed however it ends, and the spill store is emptied
// when the executor starts, of what a killed executor left.
package worker
