package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// mutate returns the DataFusion Q6 plan with the first match of each
// pattern replaced: mutate(t, re1, repl1, re2, repl2, ...).
func mutate(t *testing.T, edits ...string) []byte {
	t.Helper()
	plan := readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))
	for i := 0; i+1 < len(edits); i += 2 {
		rx := regexp.MustCompile(edits[i])
		loc := rx.FindIndex(plan)
		if loc == nil {
			t.Fatalf("q06 plan has no match for %v", edits[i])
		}
		out := append([]byte(nil), plan[:loc[0]]...)
		out = append(out, rx.ReplaceAll(plan[loc[0]:loc[1]], []byte(edits[i+1]))...)
		plan = append(out, plan[loc[1]:]...)
	}
	return plan
}

// TestBadInput checks that bad plans fail with a code and a message naming
// the problem, and that the server keeps serving afterwards.
func TestBadInput(t *testing.T) {
	_, addr := startStandalone(t)
	c := client.New(addr)
	for _, tc := range []struct {
		name    string
		plan    *trebuchetv1.Plan
		code    connect.Code
		mention string
	}{
		{"undecodable binary", client.BinaryPlan([]byte("\xff\xff not a plan")), connect.CodeInvalidArgument, "plan"},
		{"undecodable json", client.JSONPlan([]byte(`{"relations": [ {`)), connect.CodeInvalidArgument, "plan"},
		{"no plan", &trebuchetv1.Plan{}, connect.CodeInvalidArgument, "plan"},
		{"unknown table", client.JSONPlan(mutate(t, `"lineitem"`, `"no_such_table"`)), connect.CodeNotFound, "no_such_table"},
		{"unknown function", client.JSONPlan(mutate(t, `"name": "multiply"`, `"name": "frobnicate"`)), connect.CodeInvalidArgument, "frobnicate"},
		{"missing column", client.JSONPlan(mutate(t, `("structField":\s*\{\s*"field":\s*)\d+`, `${1}999`)), connect.CodeInvalidArgument, "999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			_, err := c.Submit(ctx, tc.plan, nil)
			if err == nil {
				t.Fatal("submit succeeded")
			}
			if got := connect.CodeOf(err); got != tc.code {
				t.Errorf("code = %v, want %v (%v)", got, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not mention %q", err, tc.mention)
			}
		})
	}
	// With gte turned into lte, the filter keeps rows whose l_discount is
	// zero, and revenue divides by it: the job fails at run time, and the
	// failure reaches the client with its cause.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	divideByDiscount := mutate(t, `"name": "multiply"`, `"name": "divide"`, `"name": "gte"`, `"name": "lte"`)
	_, err := c.Execute(ctx, client.JSONPlan(divideByDiscount), nil)
	if connect.CodeOf(err) != connect.CodeOutOfRange || !strings.Contains(err.Error(), "division by zero") {
		t.Errorf("division by zero: %v (%v), want OutOfRange naming it", err, connect.CodeOf(err))
	}
	runTPCH(t, c, "datafusion", "q06")
}

// TestJobLifecycle checks status, listing, watching and cancelling.
func TestJobLifecycle(t *testing.T) {
	_, addr := startStandalone(t)
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan := client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q01.json")))
	id, err := c.Submit(ctx, plan, map[string]string{"note": "lifecycle"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Fetch(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if res.NumRows() != 4 {
		t.Errorf("q01 returned %d rows, want 4", res.NumRows())
	}
	res.Release()
	st, err := c.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED || st.GetResultRows() != 4 || st.GetFinishedAt() == nil {
		t.Errorf("status after fetch = %v", st)
	}
	// Cancelling a finished job changes nothing.
	if st, err := c.Cancel(ctx, id); err != nil || st.GetState() != trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
		t.Errorf("cancel of finished job: %v, %v", st, err)
	}
	jobs, err := c.ListJobs(ctx, trebuchetv1.JobState_JOB_STATE_SUCCEEDED)
	if err != nil || len(jobs) == 0 || jobs[0].GetJobId() != id {
		t.Errorf("ListJobs = %v, %v; want %s first", jobs, err, id)
	}
	if _, err := c.Status(ctx, "no-such-job"); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("status of unknown job: %v, want NotFound", err)
	}
	if _, err := c.Fetch(ctx, "no-such-job"); connect.CodeOf(err) != connect.CodeNotFound {
		t.Errorf("fetch of unknown job: %v, want NotFound", err)
	}
}

// TestNoExecutors checks that a job with no executor to run it fails with a
// clear status instead of hanging.
func TestNoExecutors(t *testing.T) {
	args := append(schedulerCommand(t), "--no-executor-grace", "1s")
	_, m := start(t, gatewayReady, args...)
	c := client.New(m[1])
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := c.Execute(ctx, client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))), nil)
	if connect.CodeOf(err) != connect.CodeUnavailable || !strings.Contains(err.Error(), "no executor") {
		t.Fatalf("err = %v, want Unavailable naming the missing executors", err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the job hung until the test's deadline")
	}
}

// TestExecutorLoss kills one of two executors; the scheduler notices and
// later queries run on the survivor.
func TestExecutorLoss(t *testing.T) {
	sched, executors, addr := startCluster(t, 2, []string{"--executor-timeout", "1s"})
	executors[0].kill()
	sched.waitLog(t, regexp.MustCompile(`msg="executor lost".* executor=exec-0`), 10*time.Second)
	c := client.New(addr)
	for range 3 {
		runTPCH(t, c, "datafusion", "q06")
	}
}

// TestMemoryExhausted checks that a query that cannot run within the
// memory limit even by spilling fails with ResourceExhausted, leaving no
// spill file behind, and that the executor runs the next query.
func TestMemoryExhausted(t *testing.T) {
	work := t.TempDir()
	_, _, addr := startCluster(t, 1, nil, "--memory-limit", "2KiB", "--work-dir", work)
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, err := c.Execute(ctx, client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q18.json"))), nil)
	if connect.CodeOf(err) != connect.CodeResourceExhausted || !strings.Contains(err.Error(), "memory") {
		t.Fatalf("q18 in 2 KiB: %v, want ResourceExhausted", err)
	}
	// The job's other tasks are being cancelled; each removes its spill
	// files as it ends.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		files, err := filepath.Glob(filepath.Join(work, "spill", "files", "*", "*"))
		if err == nil && len(files) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("spill files left after the failure: %v %v", files, err)
		}
	}
	res, err := c.Execute(ctx, client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q06.json"))), nil)
	if err != nil {
		t.Fatalf("the next query: %v", err)
	}
	if res.NumRows() != 1 {
		t.Errorf("q06 returned %d rows", res.NumRows())
	}
	res.Release()
}
