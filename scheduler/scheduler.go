package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// Config configures a scheduler. Zero durations take the defaults below.
type Config struct {
	// Catalog holds the tables plans may read.
	Catalog *catalog.Catalog
	Logger  *slog.Logger
	// HeartbeatInterval is how often executors are asked to heartbeat (1s,
	// and at most a third of ExecutorTimeout).
	HeartbeatInterval time.Duration
	// ExecutorTimeout is how long an executor may stay silent before it is
	// declared lost (10s).
	ExecutorTimeout time.Duration
	// NoExecutorGrace is how long a task may wait with no live executor
	// before its job fails (30s).
	NoExecutorGrace time.Duration
	// MaxTaskAttempts bounds retries of tasks lost with their executor (3).
	MaxTaskAttempts int
	// ResultTTL is how long a finished job's result stays fetchable (15m).
	ResultTTL time.Duration
	// MaxRetainedJobs bounds the finished jobs kept for listing (1000).
	MaxRetainedJobs int
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = time.Second
	}
	if c.ExecutorTimeout <= 0 {
		c.ExecutorTimeout = 10 * time.Second
	}
	// Several heartbeats fit in the timeout, so one late heartbeat does not
	// cost a healthy executor its tasks.
	c.HeartbeatInterval = min(c.HeartbeatInterval, c.ExecutorTimeout/3)
	if c.NoExecutorGrace <= 0 {
		c.NoExecutorGrace = 30 * time.Second
	}
	if c.MaxTaskAttempts <= 0 {
		c.MaxTaskAttempts = 3
	}
	if c.ResultTTL <= 0 {
		c.ResultTTL = 15 * time.Minute
	}
	if c.MaxRetainedJobs <= 0 {
		c.MaxRetainedJobs = 1000
	}
}

// Scheduler holds job, task and executor state. All of it is guarded by mu.
type Scheduler struct {
	cfg Config
	log *slog.Logger

	mu        sync.Mutex
	jobs      map[string]*job
	jobOrder  []*job // submission order
	executors map[string]*executor
	// pending tasks wait here, in submission order, for a free slot.
	pending []*task
}

type job struct {
	id, name  string
	state     trebuchetv1.JobState
	failure   *trebuchetv1.Failure
	submitted time.Time
	started   time.Time
	finished  time.Time
	plan      []byte
	tables    []*trebuchetv1.Table
	settings  map[string]string
	tasks     []*task
	// changed is closed, and replaced, on every change of the job.
	changed chan struct{}
	// released is set once the result's outputs were dropped.
	released bool
}

type task struct {
	job       *job
	partition uint32
	attempt   uint32
	state     trebuchetv1.TaskState
	executor  string // while running
	queuedAt  time.Time
	output    *trebuchetv1.Location
	metrics   *trebuchetv1.TaskMetrics
}

func (t *task) id() *trebuchetv1.TaskId {
	return &trebuchetv1.TaskId{JobId: t.job.id, StageId: 0, Partition: t.partition, Attempt: t.attempt}
}

func (t *task) definition() *trebuchetv1.TaskDefinition {
	return &trebuchetv1.TaskDefinition{TaskId: t.id(), Plan: t.job.plan, Tables: t.job.tables, Settings: t.job.settings}
}

// New returns a scheduler. Run must be running for executors to be watched.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Catalog == nil {
		var err error
		if cfg.Catalog, err = catalog.New(); err != nil {
			return nil, err
		}
	}
	cfg.setDefaults()
	return &Scheduler{
		cfg:       cfg,
		log:       cfg.Logger,
		jobs:      make(map[string]*job),
		executors: make(map[string]*executor),
	}, nil
}

// Run watches executors and jobs (lost executors, jobs with no executor,
// expired results) until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.HeartbeatInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.sweep(now)
		}
	}
}

// PlanSource is a submitted Substrait plan: binary protobuf or JSON.
type PlanSource struct {
	Data   []byte
	IsJSON bool
}

// Submit validates a plan and queues a job for it. Invalid plans fail here
// with a classified error (errkind).
func (s *Scheduler) Submit(ctx context.Context, src PlanSource, settings map[string]string, name string) (string, error) {
	p, err := normalize.Decode(src.Data, src.IsJSON)
	if err != nil {
		return "", err
	}
	rec := &catalog.Recorder{Catalog: s.cfg.Catalog}
	if _, err := plan.Build(ctx, p, rec); err != nil {
		return "", err
	}
	data, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
	if err != nil {
		return "", errkind.Errorf(errkind.Internal, "encoding normalized plan: %w", err)
	}
	j := &job{
		id:        newJobID(),
		name:      name,
		state:     trebuchetv1.JobState_JOB_STATE_QUEUED,
		submitted: time.Now(),
		plan:      data,
		tables:    rec.Used(),
		settings:  settings,
		changed:   make(chan struct{}),
	}
	j.tasks = []*task{{job: j, state: trebuchetv1.TaskState_TASK_STATE_PENDING, queuedAt: j.submitted}}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[j.id] = j
	s.jobOrder = append(s.jobOrder, j)
	s.pending = append(s.pending, j.tasks...)
	s.log.Info("job submitted", "job", j.id, "name", name)
	s.dispatchLocked()
	return j.id, nil
}

// Explain returns the physical plan of a plan as text, without running it.
func (s *Scheduler) Explain(ctx context.Context, src PlanSource) (string, error) {
	p, err := normalize.Decode(src.Data, src.IsJSON)
	if err != nil {
		return "", err
	}
	physical, err := plan.Build(ctx, p, s.cfg.Catalog)
	if err != nil {
		return "", err
	}
	return physical.String(), nil
}

// newJobID returns a random id that sorts roughly by submission time.
func newJobID() string {
	var b [5]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%s", time.Now().UnixMilli(), hex.EncodeToString(b[:]))
}

func (s *Scheduler) job(id string) (*job, error) {
	j, ok := s.jobs[id]
	if !ok {
		return nil, errkind.Errorf(errkind.NotFound, "job %q not found", id)
	}
	return j, nil
}

// Status returns a job's current status, and a channel closed at its next
// change.
func (s *Scheduler) Status(id string) (*trebuchetv1.JobStatus, <-chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.job(id)
	if err != nil {
		return nil, nil, err
	}
	return j.statusLocked(), j.changed, nil
}

// Wait blocks until the job reaches a terminal state or ctx ends.
func (s *Scheduler) Wait(ctx context.Context, id string) (*trebuchetv1.JobStatus, error) {
	for {
		st, changed, err := s.Status(id)
		if err != nil {
			return nil, err
		}
		if Terminal(st.GetState()) {
			return st, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-changed:
		}
	}
}

// Terminal reports whether a job in state st will not change again.
func Terminal(st trebuchetv1.JobState) bool {
	switch st {
	case trebuchetv1.JobState_JOB_STATE_SUCCEEDED, trebuchetv1.JobState_JOB_STATE_FAILED, trebuchetv1.JobState_JOB_STATE_CANCELLED:
		return true
	}
	return false
}

// List returns jobs in the given states (all if none), newest first.
func (s *Scheduler) List(states []trebuchetv1.JobState, limit int) []*trebuchetv1.JobStatus {
	if limit <= 0 {
		limit = 100
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*trebuchetv1.JobStatus
	for i := len(s.jobOrder) - 1; i >= 0 && len(out) < limit; i-- {
		j := s.jobOrder[i]
		if len(states) == 0 || containsState(states, j.state) {
			out = append(out, j.statusLocked())
		}
	}
	return out
}

func containsState(states []trebuchetv1.JobState, st trebuchetv1.JobState) bool {
	for _, x := range states {
		if x == st {
			return true
		}
	}
	return false
}

// Cancel cancels a job that has not finished, stopping its running tasks.
func (s *Scheduler) Cancel(id string) (*trebuchetv1.JobStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.job(id)
	if err != nil {
		return nil, err
	}
	if !Terminal(j.state) {
		s.finishLocked(j, trebuchetv1.JobState_JOB_STATE_CANCELLED, &trebuchetv1.Failure{
			Kind: trebuchetv1.FailureKind_FAILURE_KIND_CANCELLED, Message: "job cancelled by request",
		})
	}
	return j.statusLocked(), nil
}

func (j *job) statusLocked() *trebuchetv1.JobStatus {
	st := &trebuchetv1.JobStatus{
		JobId:       j.id,
		JobName:     j.name,
		State:       j.state,
		Failure:     j.failure,
		SubmittedAt: timestamppb.New(j.submitted),
		TasksTotal:  uint32(len(j.tasks)),
	}
	if !j.started.IsZero() {
		st.StartedAt = timestamppb.New(j.started)
	}
	if !j.finished.IsZero() {
		st.FinishedAt = timestamppb.New(j.finished)
	}
	for _, t := range j.tasks {
		switch t.state {
		case trebuchetv1.TaskState_TASK_STATE_SUCCEEDED:
			st.TasksSucceeded++
		case trebuchetv1.TaskState_TASK_STATE_FAILED:
			st.TasksFailed++
		}
	}
	if j.state == trebuchetv1.JobState_JOB_STATE_SUCCEEDED && !j.released {
		for _, t := range j.tasks {
			st.ResultRows += t.metrics.GetOutputRows()
			st.ResultLocations = append(st.ResultLocations, t.output)
		}
	}
	return st
}

// changedLocked wakes the job's watchers.
func (j *job) changedLocked() {
	close(j.changed)
	j.changed = make(chan struct{})
}

// finishLocked moves a job to a terminal state: its other tasks are
// cancelled and dropped from the queue.
func (s *Scheduler) finishLocked(j *job, state trebuchetv1.JobState, failure *trebuchetv1.Failure) {
	j.state = state
	j.failure = failure
	j.finished = time.Now()
	if state != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		for _, t := range j.tasks {
			if t.state == trebuchetv1.TaskState_TASK_STATE_RUNNING {
				if e, ok := s.executors[t.executor]; ok {
					s.cancelOnLocked(e, t.id())
					delete(e.running, t)
					e.free++
				}
			}
			if t.state == trebuchetv1.TaskState_TASK_STATE_PENDING || t.state == trebuchetv1.TaskState_TASK_STATE_RUNNING {
				t.state = trebuchetv1.TaskState_TASK_STATE_CANCELLED
			}
		}
		s.removePendingLocked(j)
		s.releaseLocked(j)
	}
	s.log.Info("job finished", "job", j.id, "state", state, "failure", failure.GetMessage(), "elapsed", j.finished.Sub(j.submitted))
	j.changedLocked()
	s.evictLocked()
	s.dispatchLocked()
}

func (s *Scheduler) removePendingLocked(j *job) {
	kept := s.pending[:0]
	for _, t := range s.pending {
		if t.job != j {
			kept = append(kept, t)
		}
	}
	clear(s.pending[len(kept):])
	s.pending = kept
}

// releaseLocked asks the executors holding a job's outputs to drop them.
func (s *Scheduler) releaseLocked(j *job) {
	if j.released {
		return
	}
	j.released = true
	holders := map[string]bool{}
	for _, t := range j.tasks {
		if t.output != nil {
			holders[t.output.GetExecutorId()] = true
		}
	}
	for id := range holders {
		if e, ok := s.executors[id]; ok {
			s.releaseOnLocked(e, j.id)
		}
	}
}

// evictLocked forgets the oldest finished jobs beyond MaxRetainedJobs.
func (s *Scheduler) evictLocked() {
	excess := len(s.jobOrder) - s.cfg.MaxRetainedJobs
	if excess <= 0 {
		return
	}
	kept := s.jobOrder[:0]
	for _, j := range s.jobOrder {
		if excess > 0 && Terminal(j.state) {
			s.releaseLocked(j)
			delete(s.jobs, j.id)
			excess--
			continue
		}
		kept = append(kept, j)
	}
	clear(s.jobOrder[len(kept):])
	s.jobOrder = kept
}

// sweep declares silent executors lost, fails jobs that waited too long for
// any executor, and releases expired results.
func (s *Scheduler) sweep(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, e := range s.executors {
		if now.Sub(e.lastSeen) > s.cfg.ExecutorTimeout {
			s.log.Warn("executor lost", "executor", id, "silent_for", now.Sub(e.lastSeen).Round(time.Millisecond))
			s.loseExecutorLocked(e, fmt.Sprintf("executor %s stopped heartbeating", id))
		}
	}
	if len(s.executors) == 0 {
		for _, t := range append([]*task(nil), s.pending...) {
			if now.Sub(t.queuedAt) > s.cfg.NoExecutorGrace && !Terminal(t.job.state) {
				s.finishLocked(t.job, trebuchetv1.JobState_JOB_STATE_FAILED, &trebuchetv1.Failure{
					Kind:    trebuchetv1.FailureKind_FAILURE_KIND_UNAVAILABLE,
					Message: fmt.Sprintf("no executor available for %s", s.cfg.NoExecutorGrace),
				})
			}
		}
	}
	for _, j := range s.jobOrder {
		if j.state == trebuchetv1.JobState_JOB_STATE_SUCCEEDED && !j.released && now.Sub(j.finished) > s.cfg.ResultTTL {
			s.releaseLocked(j)
		}
	}
}

// Executors lists the live executors, by id.
func (s *Scheduler) Executors() []*trebuchetv1.ExecutorInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*trebuchetv1.ExecutorInfo, 0, len(s.executors))
	for _, e := range s.executors {
		out = append(out, e.info)
	}
	sort.Slice(out, func(i, k int) bool { return out[i].GetExecutorId() < out[k].GetExecutorId() })
	return out
}
