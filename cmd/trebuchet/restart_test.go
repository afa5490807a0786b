package main

import (
	"context"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// TestClusterRestartedScheduler kills -9 the scheduler while a multi-stage
// query runs, once map outputs a later stage needs are done, and starts it
// again on the same address and state directory: the executors
// re-register, the query resumes from the stored state and returns the
// right answer, the job finished before the kill is still listed and its
// result fetchable, and a new job runs.
func TestClusterRestartedScheduler(t *testing.T) {
	stateDir := t.TempDir()
	sched, _, addr := startCluster(t, 3, []string{"--state-dir", stateDir, "--executor-timeout", "5s"})
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	before := runTPCH(t, c, "datafusion", "q06")

	id := submitQ18Until(ctx, t, c, func(st *trebuchetv1.JobStatus) bool {
		return holdsNeededOutput(st, "exec-0") || holdsNeededOutput(st, "exec-1") || holdsNeededOutput(st, "exec-2")
	})
	if id != "" {
		sched.kill()
	}
	if id == "" {
		t.Skip("no query was caught with map outputs done in 20 tries")
	}

	sched, _ = start(t, gatewayReady, append(schedulerCommand(t), "--listen", addr, "--state-dir", stateDir, "--executor-timeout", "5s")...)
	sched.waitLog(t, regexp.MustCompile(`msg="job resumed after restart".* job=`+id), 10*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for len(executorJoined.FindAllString(sched.logText(), -1)) < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("executors did not re-register:\n%s", sched.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}

	res, err := c.Fetch(ctx, id)
	if err != nil {
		t.Fatalf("query resumed after the restart: %v\n%s", err, sched.logText())
	}
	defer res.Release()
	want, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", "q18.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := want.Compare(res.Batches); err != nil {
		t.Errorf("q18 resumed after the restart: %v", err)
	}
	st, err := c.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		t.Errorf("resumed job = %v", st.GetState())
	}
	// The tasks done before the kill whose success reached the disk were
	// kept (scheduler.TestResumeKeepsMapOutputs checks that they are).
	kept := 0
	for _, sg := range st.GetStages() {
		for _, task := range sg.GetTasks() {
			if task.GetAttempt() == 0 {
				kept++
			}
		}
	}
	t.Logf("%d of %d tasks done before the kill were kept", kept, st.GetTasksTotal())

	jobs, err := c.ListJobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	listed := false
	for _, j := range jobs {
		listed = listed || j.GetJobId() == before && j.GetState() == trebuchetv1.JobState_JOB_STATE_SUCCEEDED
	}
	if !listed {
		t.Errorf("the job finished before the kill is not listed as succeeded: %v", jobs)
	}
	// Its executors outlived the scheduler, and still hold its result.
	old, err := c.Fetch(ctx, before)
	if err != nil {
		t.Errorf("result of the job finished before the kill: %v", err)
	} else {
		defer old.Release()
		want, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", "q06.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if err := want.Compare(old.Batches); err != nil {
			t.Errorf("q06 finished before the kill: %v", err)
		}
	}

	runTPCH(t, c, "datafusion", "q03")
}
