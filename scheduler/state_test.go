package scheduler

import (
	"strings"
	"testing"
	"time"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// openTestStore opens a store in dir and closes it when the test ends.
func openTestStore(t *testing.T, dir string) *Store {
	t.Helper()
	st, err := OpenStore(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newStoredScheduler is a scheduler over lineitem keeping its jobs in
// store; singleStage runs each job as one task.
func newStoredScheduler(t *testing.T, store *Store, singleStage bool) *Scheduler {
	t.Helper()
	cat := lineitemCatalog(t)
	s, err := New(Config{Catalog: cat, ExecutorTimeout: time.Second, NoExecutorGrace: time.Minute, MaxTaskAttempts: 2, SingleStage: singleStage, Store: store})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// restart is a scheduler process ending (its store closed, as a crash
// leaves it) and another starting on the same directory.
func restart(t *testing.T, dir string, old *Store, singleStage bool) *Scheduler {
	t.Helper()
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}
	return newStoredScheduler(t, openTestStore(t, dir), singleStage)
}

// TestStoreRoundTrip stores a finished and a running job, reopens the
// store, and finds both as they were: the finished one listed with its
// result, fetchable again once its executor re-registers at the same
// address; the running one resumed, its task a new attempt.
func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	store := openTestStore(t, dir)
	s := newStoredScheduler(t, store, true)
	done := submitQ6(t, s)
	registerPull(t, s, "e1")
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(poll(t, s, "e1")[0], "e1")})
	running := submitQ6(t, s)
	first := poll(t, s, "e1")[0]
	before := state(t, s, done)

	s = restart(t, dir, store, true)
	after := state(t, s, done)
	if after.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED || after.GetJobName() != "q6" ||
		!after.GetSubmittedAt().AsTime().Equal(before.GetSubmittedAt().AsTime()) ||
		len(after.GetResultLocations()) != 1 || after.GetResultRows() != 1 {
		t.Errorf("finished job after restart = %v\nwant %v", after, before)
	}
	if got := s.List(nil, 0); len(got) != 2 || got[0].GetJobId() != running || got[1].GetJobId() != done {
		t.Errorf("list after restart = %v, want the running job, then the finished one", got)
	}
	st := state(t, s, running)
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_RUNNING {
		t.Fatalf("running job after restart = %v", st.GetState())
	}
	// The executor still runs the old attempt: its heartbeat asks it to
	// register, and its report is stale.
	if resp := s.Heartbeat("e1", []*trebuchetv1.TaskId{first.GetTaskId()}); !resp.GetReregister() {
		t.Fatal("unknown executor not asked to re-register")
	}
	registerPull(t, s, "e1")
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(first, "e1")})
	if got := state(t, s, running).GetState(); got != trebuchetv1.JobState_JOB_STATE_RUNNING {
		t.Fatalf("the attempt of before the restart moved the job to %v", got)
	}
	defs := poll(t, s, "e1")
	if len(defs) != 1 || defs[0].GetTaskId().GetJobId() != running || defs[0].GetTaskId().GetAttempt() != 1 || defs[0].GetPlanRef().GetSize() == 0 ||
		defs[0].GetSettings()["k"] != "v" || len(defs[0].GetTables()) != 1 {
		t.Fatalf("resumed task = %v, want attempt 1 of %s with its plan, settings and tables", defs, running)
	}
	if plan, err := s.StagePlan(running, 0); err != nil || uint64(len(plan)) != defs[0].GetPlanRef().GetSize() {
		t.Fatalf("resumed job's stage plan: %d bytes, %v; its tasks reference %d bytes", len(plan), err, defs[0].GetPlanRef().GetSize())
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(defs[0], "e1")})
	if got := state(t, s, running).GetState(); got != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		t.Errorf("resumed job = %v, want SUCCEEDED", got)
	}
	// e1 came back at the same address: the old result is still there,
	// after the time the others had to come back.
	s.restoredAt = time.Now().Add(-time.Minute)
	s.sweep(time.Now())
	if st := state(t, s, done); len(st.GetResultLocations()) != 1 || st.GetFailure() != nil {
		t.Errorf("finished job once its executor re-registered = %v", st)
	}

	// Both jobs, finished, survive another restart.
	s = restart(t, dir, s.cfg.Store, true)
	for _, id := range []string{done, running} {
		if got := state(t, s, id).GetState(); got != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
			t.Errorf("job %s after the second restart = %v", id, got)
		}
	}
}

// TestRestoredResultWithoutExecutor restarts with a finished job whose
// executor never comes back: after ExecutorTimeout its result is gone, and
// the status says why.
func TestRestoredResultWithoutExecutor(t *testing.T) {
	dir := t.TempDir()
	store := openTestStore(t, dir)
	s := newStoredScheduler(t, store, true)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(poll(t, s, "e1")[0], "e1")})

	s = restart(t, dir, store, true)
	s.sweep(time.Now())
	if st := state(t, s, id); len(st.GetResultLocations()) != 1 {
		t.Fatalf("result dropped before the executor had time to re-register: %v", st)
	}
	s.sweep(time.Now().Add(2 * time.Second))
	st := state(t, s, id)
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED || len(st.GetResultLocations()) != 0 ||
		!strings.Contains(st.GetFailure().GetMessage(), "executor e1 did not re-register after the scheduler restarted") {
		t.Errorf("status = %v, want SUCCEEDED without a result, saying why", st)
	}
}

// TestResumeKeepsMapOutputs restarts a multi-stage job with one map task
// done: only the others run again, and a reader's definition points at
// the kept output. The executor holding it then comes back at another
// address (it restarted too), so that output is re-run after all.
func TestResumeKeepsMapOutputs(t *testing.T) {
	dir := t.TempDir()
	store := openTestStore(t, dir)
	s := newStoredScheduler(t, store, false)
	id := submitQ6(t, s)
	if n := len(state(t, s, id).GetStages()); n < 2 {
		t.Fatalf("q6 planned as %d stage(s), want a multi-stage job", n)
	}
	registerPull(t, s, "e1")
	maps := poll(t, s, "e1")
	if len(maps) != 1 || maps[0].GetTaskId().GetStageId() != 0 {
		t.Fatalf("polled %v, want one map task", maps)
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(maps[0], "e1")})
	mapTasks := len(state(t, s, id).GetStages()[0].GetTasks())
	if mapTasks < 2 {
		t.Fatalf("stage 0 has %d task(s), want several", mapTasks)
	}
	poll(t, s, "e1") // a second map task runs when the scheduler stops

	s = restart(t, dir, store, false)
	stage0 := state(t, s, id).GetStages()[0]
	if stage0.GetTasksSucceeded() != 1 {
		t.Fatalf("stage 0 after restart: %d tasks succeeded, want the 1 done before", stage0.GetTasksSucceeded())
	}
	registerPull(t, s, "e1") // at the same address
	for ran := 1; ran < mapTasks; ran++ {
		defs := poll(t, s, "e1")
		if len(defs) != 1 || defs[0].GetTaskId().GetStageId() != 0 || defs[0].GetTaskId().GetPartition() == maps[0].GetTaskId().GetPartition() ||
			defs[0].GetTaskId().GetAttempt() != 1 {
			t.Fatalf("polled %v, want a new attempt of a map task not done before", defs)
		}
		s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(defs[0], "e1")})
	}
	reader := poll(t, s, "e1")
	if len(reader) != 1 || reader[0].GetTaskId().GetStageId() == 0 {
		t.Fatalf("polled %v, want a task of the next stage", reader)
	}
	kept := reader[0].GetInputs()[0].GetOutputs()[maps[0].GetTaskId().GetPartition()]
	if kept.GetLocation().GetExecutorId() != "e1" || string(kept.GetLocation().GetTicket()) != "t" {
		t.Errorf("reader's input for the kept map output = %v", kept)
	}

	// e1 registers again from another process: what it held is gone.
	if _, err := s.Register(&trebuchetv1.ExecutorInfo{ExecutorId: "e1", FlightAddress: "127.0.0.1:2", TaskSlots: 1}); err != nil {
		t.Fatal(err)
	}
	succeededMaps := state(t, s, id).GetStages()[0].GetTasksSucceeded()
	if succeededMaps != 0 {
		t.Errorf("after e1 restarted, %d map outputs are still taken as there", succeededMaps)
	}
}

// TestStoreRefusesSecondOpen: one directory, one scheduler.
func TestStoreRefusesSecondOpen(t *testing.T) {
	dir := t.TempDir()
	openTestStore(t, dir)
	if st, err := OpenStore(dir, nil); err == nil {
		st.Close()
		t.Fatal("a second store opened on the same directory")
	}
}

// TestRestartFailsWhatCannotResume: a job creating tables, and one whose
// plan is missing from the store, fail on restart with a reason, rather
// than resume or vanish.
func TestRestartFailsWhatCannotResume(t *testing.T) {
	dir := t.TempDir()
	store := openTestStore(t, dir)
	s := newStoredScheduler(t, store, true)
	ctas := submitQ6(t, s)
	j := s.jobs[ctas]
	j.tables[0].Create = true // as a CREATE TABLE AS plan's created table is
	if err := store.saveJob(j, false, true); err != nil {
		t.Fatal(err)
	}
	planless := submitQ6(t, s)
	if err := store.db.Delete(planKey(planless, 0), nil); err != nil {
		t.Fatal(err)
	}

	s = restart(t, dir, store, true)
	for id, want := range map[string]string{ctas: "while the job was creating tables", planless: "plan missing"} {
		st := state(t, s, id)
		if st.GetState() != trebuchetv1.JobState_JOB_STATE_FAILED || !strings.Contains(st.GetFailure().GetMessage(), want) {
			t.Errorf("job %s after restart = %v, want FAILED: %q", id, st, want)
		}
	}
	// Failed, they stay failed through the next restart.
	s = restart(t, dir, s.cfg.Store, true)
	if got := state(t, s, ctas).GetState(); got != trebuchetv1.JobState_JOB_STATE_FAILED {
		t.Errorf("after the second restart: %v", got)
	}
}

// TestEvictedJobsLeaveTheStore: a job forgotten for MaxRetainedJobs is not
// restored.
func TestEvictedJobsLeaveTheStore(t *testing.T) {
	dir := t.TempDir()
	store := openTestStore(t, dir)
	s := newStoredScheduler(t, store, true)
	s.cfg.MaxRetainedJobs = 1
	registerPull(t, s, "e1")
	first := submitQ6(t, s)
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(poll(t, s, "e1")[0], "e1")})
	second := submitQ6(t, s)
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(poll(t, s, "e1")[0], "e1")})

	s = restart(t, dir, store, true)
	if _, _, err := s.Status(first); err == nil {
		t.Errorf("evicted job %s restored", first)
	}
	if got := state(t, s, second).GetState(); got != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		t.Errorf("retained job after restart = %v", got)
	}
}
