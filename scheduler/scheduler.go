package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
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
	// Catalog holds the tables plans may read, and, if it is a
	// plan.TableCreator, creates the tables they write (CTAS).
	Catalog plan.Catalog
	// SQL plans the SQL text of submitted plans (PlanSource.SQL); nil
	// refuses SQL.
	SQL    SQLPlanner
	Logger *slog.Logger
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
	// ShufflePartitions is the number of partitions of a hash exchange and
	// the most tasks of a stage that scans files; 0 means the task slots
	// of the executors registered when the job is submitted (at least 2,
	// at most 64). Jobs override it with the "shuffle_partitions" setting.
	ShufflePartitions int
	// BroadcastRows is the largest estimated right side of a join that is
	// broadcast instead of hash partitioned (100000). Jobs override it
	// with the "broadcast_rows" setting.
	BroadcastRows int
	// SingleStage plans every job as one task running the whole plan, as
	// a job with the setting "distributed" = "false" is.
	SingleStage bool
	// MaxRetainedJobs bounds the finished jobs kept for listing (1000).
	MaxRetainedJobs int
	// Store, if set, keeps the jobs across restarts: New loads the jobs
	// it holds. The caller opens it (OpenStore) and closes it once the
	// scheduler has stopped. Without one, jobs live in memory only.
	Store *Store
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
	if c.BroadcastRows <= 0 {
		c.BroadcastRows = 100000
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
	// restoredAt is when jobs were restored from the Store. awaiting
	// holds the executors that held restored outputs and have not
	// registered since, with the jobs whose outputs they are to drop when
	// they do.
	restoredAt time.Time
	awaiting   map[string][]string
}

type job struct {
	id, name  string
	state     trebuchetv1.JobState
	failure   *trebuchetv1.Failure
	submitted time.Time
	started   time.Time
	finished  time.Time
	tables    []*trebuchetv1.Table
	// created are the tables the job's plan creates, registered in the
	// catalog once it has succeeded.
	created  []*plan.Table
	settings map[string]string
	// stages run in order of their inputs; the last one's tasks' outputs
	// are the result.
	stages []*stage
	// changed is closed, and replaced, on every change of the job.
	changed chan struct{}
	// released is set once the result's outputs were dropped.
	released bool
}

// stage is the run state of one stage of a job.
type stage struct {
	spec  *stageSpec
	tasks []*task
	// ref describes spec.plan to executors (planRef).
	ref *trebuchetv1.StagePlanRef
}

// complete reports whether every task of the stage succeeded, so that its
// outputs can be read.
func (st *stage) complete() bool {
	for _, t := range st.tasks {
		if t.state != trebuchetv1.TaskState_TASK_STATE_SUCCEEDED {
			return false
		}
	}
	return true
}

func (j *job) result() *stage { return j.stages[len(j.stages)-1] }

// runnableLocked reports whether a stage's inputs are all complete.
func (j *job) runnable(st *stage) bool {
	for _, in := range st.spec.inputs {
		if !j.stages[in].complete() {
			return false
		}
	}
	return true
}

func (j *job) allTasks() []*task {
	var out []*task
	for _, st := range j.stages {
		out = append(out, st.tasks...)
	}
	return out
}

type task struct {
	job       *job
	stage     *stage
	partition uint32
	attempt   uint32
	state     trebuchetv1.TaskState
	executor  string // while running
	// lastExecutor is the executor of the latest attempt, for status.
	lastExecutor string
	queuedAt     time.Time
	// queued is set while the task is in the scheduler's pending queue.
	queued bool
	// reruns counts the attempts made because a succeeded attempt's
	// output was lost.
	reruns  int
	output  *trebuchetv1.Location
	metrics *trebuchetv1.TaskMetrics
}

func (t *task) id() *trebuchetv1.TaskId {
	return &trebuchetv1.TaskId{JobId: t.job.id, StageId: t.stage.spec.id, Partition: t.partition, Attempt: t.attempt}
}

// definition is what the executor gets: a reference to the stage's plan,
// which it fetches once (plans.go), and where the outputs of the stages it
// reads are.
func (t *task) definition() *trebuchetv1.TaskDefinition {
	def := &trebuchetv1.TaskDefinition{
		TaskId:         t.id(),
		PlanRef:        t.stage.planRef(),
		Tables:         t.job.tables,
		Settings:       t.job.settings,
		PartitionCount: uint32(t.stage.spec.partitions),
	}
	for _, in := range t.stage.spec.inputs {
		si := &trebuchetv1.StageInput{StageId: in}
		for _, mt := range t.job.stages[in].tasks {
			si.Outputs = append(si.Outputs, &trebuchetv1.MapOutput{
				MapPartition:  mt.partition,
				Location:      mt.output,
				PartitionRows: mt.metrics.GetPartitionRows(),
			})
		}
		def.Inputs = append(def.Inputs, si)
	}
	return def
}

// New returns a scheduler. Run must be running for executors to be watched.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Catalog == nil {
		empty, err := catalog.New()
		if err != nil {
			return nil, err
		}
		cfg.Catalog = empty
	}
	cfg.setDefaults()
	s := &Scheduler{
		cfg:       cfg,
		log:       cfg.Logger,
		jobs:      make(map[string]*job),
		executors: make(map[string]*executor),
	}
	if cfg.Store != nil {
		if err := s.restore(time.Now()); err != nil {
			return nil, err
		}
	}
	return s, nil
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

// PlanSource is a submitted plan: Substrait as binary protobuf or JSON, or
// SQL text.
type PlanSource struct {
	Data   []byte
	IsJSON bool
	// SQL, if set, is SQL text for Config.SQL to plan; Data and IsJSON are
	// then unused.
	SQL string
}

// Submit validates a plan and queues a job for it. Invalid plans fail here
// with a classified error (errkind).
func (s *Scheduler) Submit(ctx context.Context, src PlanSource, settings map[string]string, name string) (string, error) {
	src, settings, err := s.planSQL(ctx, src, settings)
	if err != nil {
		return "", err
	}
	p, err := normalize.Decode(src.Data, src.IsJSON)
	if err != nil {
		return "", err
	}
	rec := &catalog.Recorder{Catalog: s.cfg.Catalog}
	if _, err := plan.Build(ctx, p, rec); err != nil {
		return "", err
	}
	specs, err := s.planStages(ctx, p, rec, settings)
	if err != nil {
		return "", err
	}
	j := &job{
		id:        newJobID(),
		name:      name,
		state:     trebuchetv1.JobState_JOB_STATE_QUEUED,
		submitted: time.Now(),
		tables:    rec.Used(),
		created:   rec.Created(),
		settings:  settings,
		changed:   make(chan struct{}),
	}
	for _, spec := range specs {
		st := &stage{spec: spec}
		st.planRef() // digested here, not under the lock
		for i := range spec.partitions {
			st.tasks = append(st.tasks, &task{job: j, stage: st, partition: uint32(i), state: trebuchetv1.TaskState_TASK_STATE_PENDING, queuedAt: j.submitted})
		}
		j.stages = append(j.stages, st)
	}
	// Stored before it is acknowledged: a job the client was told about
	// survives a restart.
	if err := s.cfg.Store.addJob(j); err != nil {
		return "", errkind.Errorf(errkind.Unavailable, "storing job: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	s.jobs[j.id] = j
	s.jobOrder = append(s.jobOrder, j)
	s.log.Info("job submitted", "job", j.id, "name", name, "stages", len(j.stages), "tasks", len(j.allTasks()))
	s.enqueueLocked(j)
	s.dispatchLocked()
	return j.id, nil
}

// planStages cuts a validated plan into stages, or returns the one stage
// of one task that runs it whole: when the job or the scheduler asks for
// that, for EXPLAIN ANALYZE, or when the stage planner cannot cut the plan (errNotDistributable,
// or any planning failure: the whole plan is known to bind).
func (s *Scheduler) planStages(ctx context.Context, p *substraitpb.Plan, cat plan.Catalog, settings map[string]string) ([]*stageSpec, error) {
	whole := func() ([]*stageSpec, error) {
		data, err := proto.MarshalOptions{Deterministic: true}.Marshal(p)
		if err != nil {
			return nil, errkind.Errorf(errkind.Internal, "encoding normalized plan: %w", err)
		}
		return []*stageSpec{{id: 0, plan: data, partitions: 1}}, nil
	}
	// EXPLAIN ANALYZE annotates one operator tree with its run's metrics,
	// so it runs the whole plan in one task.
	if s.cfg.SingleStage || settings["distributed"] == "false" || settings[plan.ExplainAnalyzeSetting] == "true" {
		return whole()
	}
	// With one executor, stages would only add shuffle files between
	// tasks of the same process: the whole plan in one task is already
	// parallel across that executor's cores.
	s.mu.Lock()
	executors := len(s.executors)
	s.mu.Unlock()
	if executors == 1 && settings["distributed"] != "true" {
		return whole()
	}
	cfg := stageConfig{partitions: s.cfg.ShufflePartitions, broadcastRows: float64(s.cfg.BroadcastRows)}
	if cfg.partitions <= 0 {
		s.mu.Lock()
		for _, e := range s.executors {
			cfg.partitions += max(int(e.info.GetTaskSlots()), 1)
		}
		s.mu.Unlock()
		cfg.partitions = min(max(cfg.partitions, 2), 64)
	}
	if n, err := strconv.Atoi(settings["shuffle_partitions"]); err == nil && n > 0 {
		cfg.partitions = min(n, 1024)
	}
	if n, err := strconv.ParseFloat(settings["broadcast_rows"], 64); err == nil && n >= 0 {
		cfg.broadcastRows = n
	}
	specs, err := planStages(ctx, p, cat, cfg)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		s.log.Info("plan runs as one stage", "reason", err)
		return whole()
	}
	return specs, nil
}

// enqueueLocked queues the pending tasks of a job's runnable stages.
func (s *Scheduler) enqueueLocked(j *job) {
	if Terminal(j.state) {
		return
	}
	for _, st := range j.stages {
		if !j.runnable(st) {
			continue
		}
		for _, t := range st.tasks {
			if t.state == trebuchetv1.TaskState_TASK_STATE_PENDING && !t.queued {
				t.queued = true
				s.pending = append(s.pending, t)
			}
		}
	}
}

// Explain returns the physical plan of a plan as text, without running it.
func (s *Scheduler) Explain(ctx context.Context, src PlanSource) (string, error) {
	src, _, err := s.planSQL(ctx, src, nil)
	if err != nil {
		return "", err
	}
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
	}
	if !j.started.IsZero() {
		st.StartedAt = timestamppb.New(j.started)
	}
	if !j.finished.IsZero() {
		st.FinishedAt = timestamppb.New(j.finished)
	}
	for _, sg := range j.stages {
		ss := &trebuchetv1.StageStatus{
			StageId:       sg.spec.id,
			Output:        sg.spec.outputString(),
			InputStageIds: sg.spec.inputs,
			TasksTotal:    uint32(len(sg.tasks)),
			Metrics:       &trebuchetv1.TaskMetrics{},
		}
		for _, t := range sg.tasks {
			switch t.state {
			case trebuchetv1.TaskState_TASK_STATE_SUCCEEDED:
				ss.TasksSucceeded++
				addTaskMetrics(ss.Metrics, t.metrics)
			case trebuchetv1.TaskState_TASK_STATE_RUNNING:
				ss.TasksRunning++
			case trebuchetv1.TaskState_TASK_STATE_FAILED:
				st.TasksFailed++
			}
			ss.Tasks = append(ss.Tasks, &trebuchetv1.TaskAttempt{
				Partition: t.partition, Attempt: t.attempt, State: t.state, ExecutorId: t.lastExecutor, Metrics: t.metrics,
			})
		}
		st.TasksTotal += ss.TasksTotal
		st.TasksSucceeded += ss.TasksSucceeded
		st.Stages = append(st.Stages, ss)
	}
	if j.state == trebuchetv1.JobState_JOB_STATE_SUCCEEDED && !j.released {
		for _, t := range j.result().tasks {
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
	if state == trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		s.dropShuffleLocked(j)
	} else {
		for _, t := range j.allTasks() {
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
	// Before evictLocked, which may forget the job.
	s.saveJobLocked(j, true, true)
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
		} else {
			t.queued = false
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
	s.saveJobLocked(j, false, false)
	holders := map[string]bool{}
	for _, t := range j.allTasks() {
		if t.output != nil {
			holders[t.output.GetExecutorId()] = true
		}
	}
	for id := range holders {
		if e, ok := s.executors[id]; ok {
			s.releaseOnLocked(e, j.id)
		} else if releases, ok := s.awaiting[id]; ok {
			// Restored, and not registered yet: told when it is.
			s.awaiting[id] = append(releases, j.id)
		}
	}
}

// dropShuffleLocked asks executors to drop the map outputs of a job that
// succeeded: only its result is read from now on.
func (s *Scheduler) dropShuffleLocked(j *job) {
	byExecutor := map[string][]*trebuchetv1.TaskId{}
	for _, st := range j.stages[:len(j.stages)-1] {
		for _, t := range st.tasks {
			if t.output != nil {
				byExecutor[t.output.GetExecutorId()] = append(byExecutor[t.output.GetExecutorId()], t.id())
			}
			t.output = nil
		}
	}
	for id, tids := range byExecutor {
		if e, ok := s.executors[id]; ok {
			s.cancelOnLocked(e, tids...)
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
			if err := s.cfg.Store.deleteJob(j.id); err != nil {
				s.log.Error("scheduler state: deleting job", "job", j.id, "err", err)
			}
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
	s.sweepAwaitedLocked(now)
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
