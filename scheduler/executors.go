package scheduler

import (
	"context"
	"fmt"
	"slices"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// rpcTimeout bounds each call the scheduler makes to an executor.
const rpcTimeout = 10 * time.Second

// maxPollWait caps how long a PollWork call waits for work.
const maxPollWait = 30 * time.Second

// executor is the scheduler's view of one registered executor.
type executor struct {
	info     *trebuchetv1.ExecutorInfo
	lastSeen time.Time
	// free is the number of slots not assigned a task.
	free    int
	running map[*task]struct{}
	// client is set for executors that take pushed work.
	client trebuchetv1connect.ExecutorServiceClient
	// inbox holds work assigned to a pull executor until it polls; ready is
	// closed, and replaced, when work arrives.
	inbox []*trebuchetv1.TaskDefinition
	ready chan struct{}
	// Orders for a pull executor, delivered with its next heartbeat.
	cancels  []*trebuchetv1.TaskId
	releases []string
}

func (e *executor) id() string { return e.info.GetExecutorId() }

// call runs an RPC to a push executor in the background, as callers hold
// the scheduler's lock.
func (e *executor) call(what string, s *Scheduler, rpc func(context.Context, trebuchetv1connect.ExecutorServiceClient) error) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), rpcTimeout)
		defer cancel()
		if err := rpc(ctx, e.client); err != nil {
			s.log.Warn("call to executor failed", "executor", e.id(), "call", what, "err", err)
		}
	}()
}

// Register adds an executor, or refreshes one that registers again.
func (s *Scheduler) Register(info *trebuchetv1.ExecutorInfo) (time.Duration, error) {
	if info.GetExecutorId() == "" {
		return 0, errkind.Errorf(errkind.InvalidArgument, "register: empty executor id")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.executors[info.GetExecutorId()]
	if !ok {
		slots := max(int(info.GetTaskSlots()), 1)
		e = &executor{free: slots, running: make(map[*task]struct{}), ready: make(chan struct{})}
		s.executors[info.GetExecutorId()] = e
		s.log.Info("executor joined", "executor", info.GetExecutorId(), "control", info.GetControlAddress(), "flight", info.GetFlightAddress(), "slots", slots)
	}
	e.info = info
	e.lastSeen = time.Now()
	e.client = nil
	if info.GetControlAddress() != "" {
		e.client = trebuchetv1connect.NewExecutorServiceClient(transport.NewClient(), transport.BaseURL(info.GetControlAddress()), transport.ClientOptions()...)
	}
	if releases, ok := s.awaiting[info.GetExecutorId()]; ok {
		// It held outputs of jobs restored from the Store.
		delete(s.awaiting, info.GetExecutorId())
		for _, job := range releases {
			s.releaseOnLocked(e, job)
		}
	}
	// Outputs recorded at another Flight address were a previous
	// process's of the same id: they went with it.
	s.lostOutputsLocked(info.GetExecutorId(), info.GetFlightAddress(), fmt.Sprintf("executor %s restarted", info.GetExecutorId()))
	s.dispatchLocked()
	return s.cfg.HeartbeatInterval, nil
}

// Heartbeat records that an executor is alive. The response tells it to
// register again if it is unknown, and which tasks to stop and outputs to
// drop.
func (s *Scheduler) Heartbeat(id string, running []*trebuchetv1.TaskId) *trebuchetv1.HeartbeatResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.executors[id]
	if !ok {
		return &trebuchetv1.HeartbeatResponse{Reregister: true}
	}
	e.lastSeen = time.Now()
	resp := &trebuchetv1.HeartbeatResponse{CancelTasks: e.cancels, ReleaseJobs: e.releases}
	e.cancels, e.releases = nil, nil
	for _, tid := range running {
		t := s.taskLocked(tid)
		if t != nil && (t.state == trebuchetv1.TaskState_TASK_STATE_RUNNING && t.executor == id || s.resultOfLocked(t, id)) {
			// Still running, or it ended after the executor listed it:
			// cancelling would drop the output the job's result is.
			continue
		}
		resp.CancelTasks = append(resp.CancelTasks, tid)
	}
	return resp
}

// PollWork waits up to wait for work for a pull executor.
func (s *Scheduler) PollWork(ctx context.Context, id string, free int, wait time.Duration) ([]*trebuchetv1.TaskDefinition, error) {
	wait = min(max(wait, 0), maxPollWait)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		s.mu.Lock()
		e, ok := s.executors[id]
		if !ok {
			s.mu.Unlock()
			return nil, errUnknownExecutor(id)
		}
		e.lastSeen = time.Now()
		if len(e.inbox) > 0 {
			defs := e.inbox
			e.inbox = nil
			s.mu.Unlock()
			return defs, nil
		}
		// The executor knows its free slots best; work in the inbox is
		// assigned but not yet counted by the executor.
		e.free = max(free-len(e.inbox), 0)
		s.dispatchLocked()
		ready := e.ready
		s.mu.Unlock()
		select {
		case <-ready:
		case <-timer.C:
			return nil, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func errUnknownExecutor(id string) error {
	return errkind.Errorf(errkind.NotFound, "executor %q is not registered; register again", id)
}

// ReportTaskStatus applies task state changes from an executor.
func (s *Scheduler) ReportTaskStatus(statuses []*trebuchetv1.TaskStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range statuses {
		s.applyStatusLocked(st)
	}
	s.dispatchLocked()
}

func (s *Scheduler) taskLocked(id *trebuchetv1.TaskId) *task {
	j, ok := s.jobs[id.GetJobId()]
	if !ok || int(id.GetStageId()) >= len(j.stages) {
		return nil
	}
	st := j.stages[id.GetStageId()]
	if int(id.GetPartition()) >= len(st.tasks) {
		return nil
	}
	t := st.tasks[id.GetPartition()]
	if t.attempt != id.GetAttempt() {
		return nil
	}
	return t
}

func (s *Scheduler) applyStatusLocked(st *trebuchetv1.TaskStatus) {
	switch st.GetState() {
	case trebuchetv1.TaskState_TASK_STATE_SUCCEEDED, trebuchetv1.TaskState_TASK_STATE_FAILED, trebuchetv1.TaskState_TASK_STATE_CANCELLED:
	default:
		return // progress reports carry nothing the scheduler tracks yet
	}
	t := s.taskLocked(st.GetTaskId())
	e := s.executors[st.GetExecutorId()]
	if t == nil || t.state != trebuchetv1.TaskState_TASK_STATE_RUNNING || t.executor != st.GetExecutorId() {
		// A stale attempt, or a task of a job that ended: drop its output,
		// unless this is a repeated report of the attempt whose output
		// is the job's result (a retried RPC whose first try arrived).
		if e != nil && st.GetState() == trebuchetv1.TaskState_TASK_STATE_SUCCEEDED && !s.resultOfLocked(t, st.GetExecutorId()) {
			s.cancelOnLocked(e, st.GetTaskId())
		}
		return
	}
	if e != nil {
		delete(e.running, t)
		e.free++
	}
	t.executor = ""
	j := t.job
	switch st.GetState() {
	case trebuchetv1.TaskState_TASK_STATE_SUCCEEDED:
		t.state = trebuchetv1.TaskState_TASK_STATE_SUCCEEDED
		t.output = st.GetOutput()
		t.metrics = st.GetMetrics()
		s.saveTaskLocked(t)
		if !t.stage.complete() {
			j.changedLocked()
			return
		}
		if t.stage == j.result() {
			if err := s.addCreatedLocked(j); err != nil {
				s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_FAILED, errkind.ToFailure(err))
				return
			}
			s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_SUCCEEDED, nil)
			return
		}
		// The stage's outputs are all there: the stages reading them may
		// run.
		s.enqueueLocked(j)
		j.changedLocked()
	case trebuchetv1.TaskState_TASK_STATE_FAILED:
		failure := st.GetFailure()
		if failure == nil {
			failure = &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_INTERNAL, Message: "task failed without a reason"}
		}
		if retryable(failure.GetKind()) {
			if ff := failure.GetFetch(); ff != nil {
				s.lostOutputLocked(j, ff)
			}
			s.retryLocked(t, failure)
			return
		}
		t.state = trebuchetv1.TaskState_TASK_STATE_FAILED
		s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_FAILED, failure)
	case trebuchetv1.TaskState_TASK_STATE_CANCELLED:
		// The job is still live, so the executor stopped the task on its own
		// (it is shutting down): run it elsewhere.
		s.retryLocked(t, &trebuchetv1.Failure{
			Kind: trebuchetv1.FailureKind_FAILURE_KIND_EXECUTOR_LOST, Message: "task cancelled by its executor", ExecutorId: st.GetExecutorId(),
		})
	}
}

// addCreatedLocked registers the tables a job's plan has created (CREATE
// TABLE AS) in the catalog, now that their files are in place.
func (s *Scheduler) addCreatedLocked(j *job) error {
	if len(j.created) == 0 {
		return nil
	}
	tc, ok := any(s.cfg.Catalog).(plan.TableCreator)
	if !ok {
		return errkind.Errorf(errkind.Internal, "job %s created tables, but the catalog creates none", j.id)
	}
	for _, t := range j.created {
		if err := tc.AddTable(t); err != nil {
			return fmt.Errorf("registering table %s: %w", t.Name, err)
		}
	}
	return nil
}

// retryable reports whether a failure may go away on another attempt.
func retryable(k trebuchetv1.FailureKind) bool {
	return k == trebuchetv1.FailureKind_FAILURE_KIND_EXECUTOR_LOST || k == trebuchetv1.FailureKind_FAILURE_KIND_FETCH_FAILED
}

// retryLocked queues a new attempt of a task, or fails its job once the
// attempts are used up.
func (s *Scheduler) retryLocked(t *task, failure *trebuchetv1.Failure) {
	if Terminal(t.job.state) {
		return
	}
	// Re-runs of a succeeded task whose output was lost are not the
	// task's failures; they get a budget of their own, as bounded.
	if int(t.attempt)+1-min(t.reruns, s.cfg.MaxTaskAttempts) >= s.cfg.MaxTaskAttempts {
		t.state = trebuchetv1.TaskState_TASK_STATE_FAILED
		s.finishLocked(t.job, trebuchetv1.JobState_JOB_STATE_FAILED, &trebuchetv1.Failure{
			Kind:       failure.GetKind(),
			Message:    fmt.Sprintf("task failed %d times; last: %s", t.attempt+1, failure.GetMessage()),
			ExecutorId: failure.GetExecutorId(),
		})
		return
	}
	s.log.Info("retrying task", "job", t.job.id, "stage", t.stage.spec.id, "partition", t.partition, "attempt", t.attempt+1, "reason", failure.GetMessage())
	t.attempt++
	t.state = trebuchetv1.TaskState_TASK_STATE_PENDING
	t.executor = ""
	t.output, t.metrics = nil, nil
	t.queuedAt = time.Now()
	s.saveTaskLocked(t)
	if t.job.runnable(t.stage) && !t.queued {
		// First in line: the job is already under way.
		t.queued = true
		s.pending = append([]*task{t}, s.pending...)
	}
	// Otherwise it waits for its inputs to be recomputed (enqueueLocked).
}

// lostOutputLocked re-runs the map task whose output a task could not
// fetch, unless that already happened (the failure names an older
// attempt's output, or the output moved).
func (s *Scheduler) lostOutputLocked(j *job, ff *trebuchetv1.FetchFailure) {
	if Terminal(j.state) || int(ff.GetStageId()) >= len(j.stages)-1 {
		return
	}
	st := j.stages[ff.GetStageId()]
	if int(ff.GetMapPartition()) >= len(st.tasks) {
		return
	}
	mt := st.tasks[ff.GetMapPartition()]
	if mt.state != trebuchetv1.TaskState_TASK_STATE_SUCCEEDED || mt.output.GetExecutorId() != ff.GetExecutorId() {
		return
	}
	if e, ok := s.executors[ff.GetExecutorId()]; ok {
		s.cancelOnLocked(e, mt.id())
	}
	mt.reruns++
	s.retryLocked(mt, &trebuchetv1.Failure{
		Kind: trebuchetv1.FailureKind_FAILURE_KIND_FETCH_FAILED, ExecutorId: ff.GetExecutorId(),
		Message: fmt.Sprintf("its output on executor %s could not be read", ff.GetExecutorId()),
	})
}

// loseExecutorLocked forgets an executor and retries the tasks it was running.
func (s *Scheduler) loseExecutorLocked(e *executor, reason string) {
	delete(s.executors, e.id())
	close(e.ready)
	for t := range e.running {
		if !Terminal(t.job.state) {
			s.retryLocked(t, &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_EXECUTOR_LOST, Message: reason, ExecutorId: e.id()})
			if !Terminal(t.job.state) {
				t.job.changedLocked()
			}
		}
	}
	e.running = nil
	s.lostOutputsLocked(e.id(), "", reason)
	s.dispatchLocked()
}

// lostOutputsLocked handles the loss of the outputs executor id held,
// except those at Flight address kept (if set). The tasks of unfinished
// jobs that wrote them are re-run, where the outputs may still be read;
// only those, the other outputs of their stages stay where they are. A
// finished job whose result partitions they were has no result any more,
// and says why.
func (s *Scheduler) lostOutputsLocked(id, kept, reason string) {
	lost := func(t *task) bool {
		return t.state == trebuchetv1.TaskState_TASK_STATE_SUCCEEDED && t.output.GetExecutorId() == id &&
			(kept == "" || t.output.GetFlightAddress() != kept)
	}
	for _, j := range s.jobOrder {
		if j.state == trebuchetv1.JobState_JOB_STATE_SUCCEEDED && !j.released && slices.ContainsFunc(j.result().tasks, lost) {
			j.released = true
			j.failure = &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_UNAVAILABLE, Message: "result lost: " + reason, ExecutorId: id}
			s.saveJobLocked(j, false, false)
			j.changedLocked()
			continue
		}
		if Terminal(j.state) {
			continue
		}
		changed := false
		for _, st := range j.stages {
			// A result partition is always needed; the output of an
			// earlier stage while a stage reading it has work left.
			needed := st == j.result() || s.neededLocked(j, st)
			for _, t := range st.tasks {
				if needed && lost(t) {
					if Terminal(j.state) {
						break
					}
					t.reruns++
					changed = true
					s.retryLocked(t, &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_EXECUTOR_LOST, Message: reason + "; its output was lost", ExecutorId: id})
				}
			}
		}
		if changed && !Terminal(j.state) {
			j.changedLocked()
		}
	}
}

// neededLocked reports whether a stage's outputs may still be read: some
// stage reading it has a task that has not succeeded.
func (s *Scheduler) neededLocked(j *job, st *stage) bool {
	for _, other := range j.stages {
		if slices.Contains(other.spec.inputs, st.spec.id) && !other.complete() {
			return true
		}
	}
	return false
}

// dispatchLocked assigns pending tasks to executors with free slots, the
// executor with the most free slots first.
func (s *Scheduler) dispatchLocked() {
	assigned := map[*executor][]*trebuchetv1.TaskDefinition{}
	for len(s.pending) > 0 {
		var best *executor
		for _, e := range s.executors {
			if e.free > 0 && (best == nil || e.free > best.free || (e.free == best.free && e.id() < best.id())) {
				best = e
			}
		}
		if best == nil {
			break
		}
		t := s.pending[0]
		s.pending[0] = nil
		s.pending = s.pending[1:]
		t.queued = false
		if t.state != trebuchetv1.TaskState_TASK_STATE_PENDING || Terminal(t.job.state) {
			continue
		}
		if !t.job.runnable(t.stage) {
			// An input was lost after the task was queued; enqueueLocked
			// queues it again once the input is recomputed.
			continue
		}
		t.state = trebuchetv1.TaskState_TASK_STATE_RUNNING
		t.executor = best.id()
		t.lastExecutor = best.id()
		best.free--
		best.running[t] = struct{}{}
		if t.job.state == trebuchetv1.JobState_JOB_STATE_QUEUED {
			t.job.state = trebuchetv1.JobState_JOB_STATE_RUNNING
			t.job.started = time.Now()
			s.saveJobLocked(t.job, false, false)
		}
		t.job.changedLocked()
		assigned[best] = append(assigned[best], t.definition())
	}
	for e, defs := range assigned {
		if e.client == nil {
			e.inbox = append(e.inbox, defs...)
			close(e.ready)
			e.ready = make(chan struct{})
			continue
		}
		s.launchOn(e, defs)
	}
}

// launchOn pushes tasks to an executor. If the executor cannot be reached,
// it is declared lost and the tasks retried elsewhere.
func (s *Scheduler) launchOn(e *executor, defs []*trebuchetv1.TaskDefinition) {
	client := e.client
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), rpcTimeout)
		defer cancel()
		_, err := client.LaunchTasks(ctx, connect.NewRequest(&trebuchetv1.LaunchTasksRequest{Tasks: defs}))
		if err == nil {
			return
		}
		s.log.Warn("launching tasks failed", "executor", e.id(), "err", err)
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.executors[e.id()] == e {
			s.loseExecutorLocked(e, fmt.Sprintf("executor %s unreachable: %v", e.id(), err))
		}
	}()
}

// resultOfLocked reports whether t (the attempt taskLocked found, or nil)
// succeeded on executor id, so that its output there is part of the job's
// result.
func (s *Scheduler) resultOfLocked(t *task, id string) bool {
	return t != nil && t.state == trebuchetv1.TaskState_TASK_STATE_SUCCEEDED && t.output.GetExecutorId() == id
}

// cancelOnLocked tells an executor to stop tasks and drop their outputs.
func (s *Scheduler) cancelOnLocked(e *executor, ids ...*trebuchetv1.TaskId) {
	if e.client == nil {
		e.cancels = append(e.cancels, ids...)
		return
	}
	e.call("CancelTasks", s, func(ctx context.Context, c trebuchetv1connect.ExecutorServiceClient) error {
		_, err := c.CancelTasks(ctx, connect.NewRequest(&trebuchetv1.CancelTasksRequest{TaskIds: ids}))
		return err
	})
}

// releaseOnLocked tells an executor to drop a job's outputs.
func (s *Scheduler) releaseOnLocked(e *executor, job string) {
	if e.client == nil {
		e.releases = append(e.releases, job)
		return
	}
	e.call("ReleaseOutputs", s, func(ctx context.Context, c trebuchetv1connect.ExecutorServiceClient) error {
		_, err := c.ReleaseOutputs(ctx, connect.NewRequest(&trebuchetv1.ReleaseOutputsRequest{JobId: job}))
		return err
	})
}
