package scheduler

import (
	"fmt"
	"time"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// restore loads the jobs of the scheduler's Store, as a scheduler that
// restarted finds them (see "Restarts" in doc.go): finished jobs are
// listed as they were; unfinished ones resume, except those creating
// tables, which fail.
func (s *Scheduler) restore(now time.Time) error {
	jobs, err := s.cfg.Store.load()
	if err != nil {
		return fmt.Errorf("scheduler state: loading jobs: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.restoredAt = now
	for _, j := range jobs {
		s.jobs[j.id] = j
		s.jobOrder = append(s.jobOrder, j)
	}
	for _, j := range jobs {
		if !j.released {
			for _, t := range j.allTasks() {
				if t.output != nil {
					s.awaitExecutorLocked(t.output.GetExecutorId())
				}
			}
		}
		switch {
		case Terminal(j.state):
		case !hasPlans(j):
			s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_FAILED, &trebuchetv1.Failure{
				Kind:    trebuchetv1.FailureKind_FAILURE_KIND_INTERNAL,
				Message: "the scheduler restarted and found the job's plan missing from its state; resubmit it",
			})
		case createsTables(j):
			// Registering the created tables needs what the catalog made
			// of them at submission, and the files an interrupted run
			// wrote may be partial: the user resubmits.
			s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_FAILED, &trebuchetv1.Failure{
				Kind:    trebuchetv1.FailureKind_FAILURE_KIND_UNAVAILABLE,
				Message: "the scheduler restarted while the job was creating tables; resubmit it",
			})
		default:
			s.resumeLocked(j, now)
		}
	}
	s.evictLocked()
	return nil
}

func hasPlans(j *job) bool {
	for _, sg := range j.stages {
		if sg.spec.plan == nil {
			return false
		}
	}
	return true
}

func createsTables(j *job) bool {
	for _, t := range j.tables {
		if t.GetCreate() {
			return true
		}
	}
	return false
}

// resumeLocked queues again the tasks of a restored unfinished job that
// had not succeeded. The succeeded ones keep their outputs, on the word of
// the executors holding them: each is expected to re-register within
// ExecutorTimeout (sweepAwaitedLocked), and a reader that cannot fetch an
// output reports it, so a wrong word costs a re-run, not a wrong answer.
func (s *Scheduler) resumeLocked(j *job, now time.Time) {
	resumed := 0
	for _, t := range j.allTasks() {
		if t.state == trebuchetv1.TaskState_TASK_STATE_SUCCEEDED && t.output != nil {
			continue
		}
		// The attempt running when the scheduler stopped may still run
		// and report: a new attempt number makes that report stale, as a
		// retry's does. It is not the task's failure, so it counts as a
		// re-run, whose budget bounds how often restarts repeat it.
		t.attempt++
		t.reruns++
		t.state = trebuchetv1.TaskState_TASK_STATE_PENDING
		t.output, t.metrics = nil, nil
		t.queuedAt = now
		resumed++
	}
	s.saveJobLocked(j, true, true)
	s.log.Info("job resumed after restart", "job", j.id, "name", j.name, "state", j.state, "tasks_to_run", resumed, "tasks_done", len(j.allTasks())-resumed)
	s.enqueueLocked(j)
}

// awaitExecutorLocked notes that the restored state holds outputs on an
// executor that has not registered with this scheduler yet.
func (s *Scheduler) awaitExecutorLocked(id string) {
	if id == "" || s.executors[id] != nil {
		return
	}
	if s.awaiting == nil {
		s.awaiting = map[string][]string{}
	}
	if _, ok := s.awaiting[id]; !ok {
		s.awaiting[id] = nil
	}
}

// sweepAwaitedLocked gives up, ExecutorTimeout after the restart, on the
// executors that held restored outputs and have not registered: their
// outputs are lost.
func (s *Scheduler) sweepAwaitedLocked(now time.Time) {
	if len(s.awaiting) == 0 || now.Sub(s.restoredAt) <= s.cfg.ExecutorTimeout {
		return
	}
	for id := range s.awaiting {
		s.log.Warn("executor did not re-register after the restart", "executor", id)
		s.lostOutputsLocked(id, "", fmt.Sprintf("executor %s did not re-register after the scheduler restarted", id))
	}
	s.awaiting = nil
}

// saveJobLocked stores a job's record (and its tasks'), logging a failure:
// the job goes on, but may not survive a restart.
func (s *Scheduler) saveJobLocked(j *job, tasks, sync bool) {
	if err := s.cfg.Store.saveJob(j, tasks, sync); err != nil {
		s.log.Error("scheduler state: saving job", "job", j.id, "err", err)
	}
}

// saveTaskLocked stores a task's latest attempt, logging a failure.
func (s *Scheduler) saveTaskLocked(t *task) {
	if err := s.cfg.Store.saveTask(t); err != nil {
		s.log.Error("scheduler state: saving task", "job", t.job.id, "stage", t.stage.spec.id, "partition", t.partition, "err", err)
	}
}
