package scheduler

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

const tpchDir = "../conformance/testdata/tpch"

// lineitemCatalog is a catalog of the SF 0.01 lineitem table.
func lineitemCatalog(t *testing.T) plan.Catalog {
	t.Helper()
	lineitem, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", "lineitem.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.New(&plan.Table{Name: "lineitem", Format: "parquet", Paths: []string{lineitem}})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func newTestScheduler(t *testing.T) *Scheduler {
	t.Helper()
	cat := lineitemCatalog(t)
	s, err := New(Config{Catalog: cat, ExecutorTimeout: time.Second, NoExecutorGrace: time.Second, MaxTaskAttempts: 2, SingleStage: true})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func submitQ6(t *testing.T, s *Scheduler) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))
	if err != nil {
		t.Fatal(err)
	}
	id, err := s.Submit(context.Background(), PlanSource{Data: data, IsJSON: true}, map[string]string{"k": "v"}, "q6")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// registerPull registers an executor that pulls work, which lets a test play
// the executor's part without a server.
func registerPull(t *testing.T, s *Scheduler, id string) {
	t.Helper()
	if _, err := s.Register(&trebuchetv1.ExecutorInfo{ExecutorId: id, FlightAddress: "127.0.0.1:1", TaskSlots: 1}); err != nil {
		t.Fatal(err)
	}
}

func poll(t *testing.T, s *Scheduler, executor string) []*trebuchetv1.TaskDefinition {
	t.Helper()
	defs, err := s.PollWork(context.Background(), executor, 1, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	return defs
}

func state(t *testing.T, s *Scheduler, id string) *trebuchetv1.JobStatus {
	t.Helper()
	st, _, err := s.Status(id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func succeeded(def *trebuchetv1.TaskDefinition, executor string) *trebuchetv1.TaskStatus {
	return &trebuchetv1.TaskStatus{
		TaskId: def.GetTaskId(), ExecutorId: executor, State: trebuchetv1.TaskState_TASK_STATE_SUCCEEDED,
		Output:  &trebuchetv1.Location{ExecutorId: executor, FlightAddress: "127.0.0.1:1", Ticket: []byte("t")},
		Metrics: &trebuchetv1.TaskMetrics{OutputRows: 1},
	}
}

func TestJobRunsOnPullExecutor(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	if got := state(t, s, id).GetState(); got != trebuchetv1.JobState_JOB_STATE_QUEUED {
		t.Fatalf("state before any executor = %v", got)
	}
	registerPull(t, s, "e1")
	defs := poll(t, s, "e1")
	if len(defs) != 1 {
		t.Fatalf("polled %d tasks, want 1", len(defs))
	}
	def := defs[0]
	if len(def.GetTables()) != 1 || def.GetTables()[0].GetName() != "lineitem" || def.GetSettings()["k"] != "v" || def.GetPlanRef().GetSize() == 0 {
		t.Errorf("task definition lacks the plan reference, tables or settings: %v", def)
	}
	if len(def.GetPlan()) != 0 {
		t.Errorf("task definition carries the plan (%d bytes) besides its reference", len(def.GetPlan()))
	}
	if got := state(t, s, id).GetState(); got != trebuchetv1.JobState_JOB_STATE_RUNNING {
		t.Errorf("state after assignment = %v", got)
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(def, "e1")})
	st, err := s.Wait(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED || len(st.GetResultLocations()) != 1 || st.GetResultRows() != 1 {
		t.Errorf("final status = %v", st)
	}
}

// TestLateListingKeepsResult covers a heartbeat built before the task
// ended and arriving after its report (and a repeated report): neither
// may drop the output that is the job's result.
func TestLateListingKeepsResult(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	def := poll(t, s, "e1")[0]
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(def, "e1")})
	if resp := s.Heartbeat("e1", []*trebuchetv1.TaskId{def.GetTaskId()}); len(resp.GetCancelTasks()) != 0 {
		t.Errorf("heartbeat listing the finished task cancels %v", resp.GetCancelTasks())
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(def, "e1")})
	if resp := s.Heartbeat("e1", nil); len(resp.GetCancelTasks()) != 0 {
		t.Errorf("repeated report cancels %v", resp.GetCancelTasks())
	}
	if st := state(t, s, id); st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED || len(st.GetResultLocations()) != 1 {
		t.Errorf("status = %v", st)
	}
}

// TestStagePlanServedUntilJobEnds checks that the plan a task's reference
// describes is served while its job runs, and that executors are told to
// drop it once the job has finished.
func TestStagePlanServedUntilJobEnds(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	def := poll(t, s, "e1")[0]
	data, err := s.StagePlan(id, def.GetTaskId().GetStageId())
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(data); uint64(len(data)) != def.GetPlanRef().GetSize() || !bytes.Equal(sum[:], def.GetPlanRef().GetSha256()) {
		t.Errorf("served plan (%d bytes) does not match its reference %v", len(data), def.GetPlanRef())
	}
	var p substraitpb.Plan
	if err := proto.Unmarshal(data, &p); err != nil || len(p.GetRelations()) == 0 {
		t.Errorf("served plan does not decode: %v", err)
	}
	if _, err := s.StagePlan(id, 7); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("plan of a stage the job lacks: %v, want NotFound", err)
	}
	if got := s.FinishedJobs([]string{id, "gone"}); !slices.Equal(got, []string{"gone"}) {
		t.Errorf("finished jobs while %s runs = %v, want [gone]", id, got)
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(def, "e1")})
	if got := s.FinishedJobs([]string{id}); !slices.Equal(got, []string{id}) {
		t.Errorf("finished jobs after %s succeeded = %v", id, got)
	}
	if _, err := s.StagePlan(id, 0); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("plan of a finished job: %v, want NotFound", err)
	}
}

func TestLostExecutorsTaskIsRetried(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	first := poll(t, s, "e1")[0]
	registerPull(t, s, "e2")
	// e1 falls silent; e2 keeps heartbeating.
	s.executors["e1"].lastSeen = time.Now().Add(-time.Minute)
	s.sweep(time.Now())
	if _, ok := s.executors["e1"]; ok {
		t.Fatal("silent executor not declared lost")
	}
	if resp := s.Heartbeat("e1", nil); !resp.GetReregister() {
		t.Error("lost executor not told to re-register")
	}
	retry := poll(t, s, "e2")
	if len(retry) != 1 || retry[0].GetTaskId().GetAttempt() != 1 {
		t.Fatalf("retry = %v, want attempt 1", retry)
	}
	// A late report of the lost attempt changes nothing.
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(first, "e1")})
	if got := state(t, s, id).GetState(); got != trebuchetv1.JobState_JOB_STATE_RUNNING {
		t.Fatalf("stale report moved the job to %v", got)
	}
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{succeeded(retry[0], "e2")})
	if got := state(t, s, id).GetState(); got != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		t.Errorf("state = %v, want SUCCEEDED", got)
	}
}

func TestRetriesAreBounded(t *testing.T) {
	s := newTestScheduler(t) // MaxTaskAttempts: 2
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	for i := range 2 {
		const e = "e1"
		defs := poll(t, s, e)
		if len(defs) != 1 || defs[0].GetTaskId().GetAttempt() != uint32(i) {
			t.Fatalf("attempt %d: polled %v", i, defs)
		}
		s.ReportTaskStatus([]*trebuchetv1.TaskStatus{{
			TaskId: defs[0].GetTaskId(), ExecutorId: e, State: trebuchetv1.TaskState_TASK_STATE_FAILED,
			Failure: &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_FETCH_FAILED, Message: "boom"},
		}})
	}
	st := state(t, s, id)
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_FAILED || st.GetFailure().GetKind() != trebuchetv1.FailureKind_FAILURE_KIND_FETCH_FAILED {
		t.Errorf("status = %v, want FAILED with FETCH_FAILED", st)
	}
}

func TestExecutionErrorFailsJobAtOnce(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	def := poll(t, s, "e1")[0]
	s.ReportTaskStatus([]*trebuchetv1.TaskStatus{{
		TaskId: def.GetTaskId(), ExecutorId: "e1", State: trebuchetv1.TaskState_TASK_STATE_FAILED,
		Failure: &trebuchetv1.Failure{Kind: trebuchetv1.FailureKind_FAILURE_KIND_EXECUTION_ERROR, Message: "division by zero"},
	}})
	st := state(t, s, id)
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_FAILED || st.GetFailure().GetMessage() != "division by zero" {
		t.Errorf("status = %v", st)
	}
	// The slot is free again for the next job.
	next := submitQ6(t, s)
	if defs := poll(t, s, "e1"); len(defs) != 1 || defs[0].GetTaskId().GetJobId() != next {
		t.Errorf("next job not dispatched: %v", defs)
	}
}

func TestNoExecutorFailsAfterGrace(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	s.sweep(time.Now().Add(2 * time.Second))
	st := state(t, s, id)
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_FAILED || st.GetFailure().GetKind() != trebuchetv1.FailureKind_FAILURE_KIND_UNAVAILABLE {
		t.Errorf("status = %v, want FAILED with UNAVAILABLE", st)
	}
}

func TestCancelReachesPullExecutor(t *testing.T) {
	s := newTestScheduler(t)
	id := submitQ6(t, s)
	registerPull(t, s, "e1")
	def := poll(t, s, "e1")[0]
	st, err := s.Cancel(id)
	if err != nil || st.GetState() != trebuchetv1.JobState_JOB_STATE_CANCELLED {
		t.Fatalf("cancel: %v, %v", st, err)
	}
	resp := s.Heartbeat("e1", []*trebuchetv1.TaskId{def.GetTaskId()})
	if len(resp.GetCancelTasks()) == 0 || resp.GetCancelTasks()[0].GetJobId() != id {
		t.Errorf("heartbeat did not cancel the task: %v", resp)
	}
	if _, err := s.Cancel("nope"); err == nil {
		t.Error("cancel of unknown job succeeded")
	}
}
