package standalone_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// These tests run a scheduler and one executor in this process, the
// executor built here so that the test can count the spill data its store
// holds (worker.Executor.SpillLeftover) while it runs.

const tpchDir = "../../conformance/testdata/tpch"

// spillCluster starts a scheduler serving the SF 0.01 TPC-H tables, whose
// results are released resultTTL after their job ends, and one executor
// with the memory limit; it returns a client and the executor.
func spillCluster(t *testing.T, memoryLimit int64, resultTTL time.Duration) (*client.Client, *worker.Executor) {
	t.Helper()
	var tables []*plan.Table
	for _, name := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		path, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		table, err := catalog.ParseTableFlag(name + "=" + path)
		if err != nil {
			t.Fatal(err)
		}
		tables = append(tables, table)
	}
	ctx, cancel := context.WithCancel(context.Background())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wait, err := standalone.StartScheduler(ctx, lis, standalone.SchedulerConfig{Tables: tables, ResultTTL: resultTTL})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	exe, err := worker.New(worker.Config{
		SchedulerAddress: lis.Addr().String(),
		Slots:            2,
		MemoryLimit:      memoryLimit,
		WorkDir:          t.TempDir(),
		Logger:           slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- exe.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("executor: %v", err)
		}
		if err := wait(); err != nil {
			t.Errorf("scheduler: %v", err)
		}
	})
	return client.New(lis.Addr().String()), exe
}

func tpchPlan(t *testing.T, query string) *trebuchetv1.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", "datafusion", query+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return client.JSONPlan(data)
}

// waitSpillGone polls until the executor's store holds no spill data.
func waitSpillGone(t *testing.T, exe *worker.Executor, after string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		keys, files, err := exe.SpillLeftover()
		if err == nil && keys == 0 && files == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("spill data left %s: %d keys, %d files (%v)", after, keys, files, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// jobSpills sums the spill counters of a job's stages, checking that each
// stage's sums match its tasks'.
func jobSpills(t *testing.T, st *trebuchetv1.JobStatus) (spills, rows, bytes, peak uint64) {
	t.Helper()
	for _, sg := range st.GetStages() {
		m := sg.GetMetrics()
		var taskSpills uint64
		for _, ta := range sg.GetTasks() {
			taskSpills += ta.GetMetrics().GetSpills()
		}
		if taskSpills != m.GetSpills() {
			t.Errorf("stage %d: %d spills, its tasks %d", sg.GetStageId(), m.GetSpills(), taskSpills)
		}
		var opSpills uint64
		for _, o := range m.GetOperators() {
			opSpills += o.GetSpills()
		}
		if opSpills > m.GetSpills() {
			t.Errorf("stage %d: operators spilled %d times, the stage %d", sg.GetStageId(), opSpills, m.GetSpills())
		}
		spills += m.GetSpills()
		rows += m.GetSpilledRows()
		bytes += m.GetSpilledBytes()
		peak = max(peak, m.GetPeakMemoryBytes())
	}
	return spills, rows, bytes, peak
}

// TestSpillMetricsInJobStatus runs a query that spills and checks that the
// job's status (GetJob) reports the spills per operator and the peak memory,
// within the limit, and that the task's spill data is gone once it ends.
func TestSpillMetricsInJobStatus(t *testing.T) {
	const limit = 1 << 20
	c, exe := spillCluster(t, limit, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	res, err := c.Execute(ctx, tpchPlan(t, "q18"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	want, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", "q18.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := want.Compare(res.Batches); err != nil {
		t.Errorf("q18: %v", err)
	}
	st, err := c.Status(ctx, res.JobID)
	if err != nil {
		t.Fatal(err)
	}
	spills, rows, bytes, peak := jobSpills(t, st)
	if spills == 0 || rows == 0 || bytes == 0 {
		t.Errorf("q18 in %d bytes: spills=%d spilled_rows=%d spilled_bytes=%d, want all > 0", limit, spills, rows, bytes)
	}
	if peak == 0 || peak > limit {
		t.Errorf("peak memory %d, want in (0, %d]", peak, limit)
	}
	var spilling []string
	for _, sg := range st.GetStages() {
		for _, o := range sg.GetMetrics().GetOperators() {
			if o.GetSpills() > 0 {
				if o.GetSpilledRows() == 0 || o.GetSpilledBytes() == 0 {
					t.Errorf("%s spilled %d times but wrote %d rows, %d bytes", o.GetOperator(), o.GetSpills(), o.GetSpilledRows(), o.GetSpilledBytes())
				}
				spilling = append(spilling, o.GetOperator())
			}
		}
	}
	if len(spilling) == 0 {
		t.Errorf("no operator reports a spill")
	}
	t.Logf("q18 in %d KiB: %d spills, %d rows, %d bytes spilled; peak %d bytes; by %q", limit>>10, spills, rows, bytes, peak, spilling)
	waitSpillGone(t, exe, "after the query succeeded")
}

// TestResultSpills fetches a result larger than the memory limit: the
// task's output spills to its own run, comes back whole and in order, and
// its spill data goes when the scheduler releases the result.
func TestResultSpills(t *testing.T) {
	const limit = 1 << 20
	c, exe := spillCluster(t, limit, time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	res, err := c.SQL(ctx, "SELECT l_orderkey, l_linenumber, l_comment FROM lineitem ORDER BY l_orderkey, l_linenumber", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if res.NumRows() != 60175 {
		t.Fatalf("got %d rows, want 60175", res.NumRows())
	}
	prev := [2]int64{-1, -1}
	for _, b := range res.Batches {
		keys, lines := b.Column(0), b.Column(1)
		for r := range b.NumRows() {
			var k, l int64
			fmt.Sscan(keys.ValueStr(int(r)), &k)
			fmt.Sscan(lines.ValueStr(int(r)), &l)
			if k < prev[0] || k == prev[0] && l <= prev[1] {
				t.Fatalf("row (%d, %d) after (%d, %d): the result is out of order", k, l, prev[0], prev[1])
			}
			prev = [2]int64{k, l}
		}
	}
	st, err := c.Status(ctx, res.JobID)
	if err != nil {
		t.Fatal(err)
	}
	// The output's spills are the task's less its operators'.
	var outputSpills uint64
	for _, sg := range st.GetStages() {
		for _, ta := range sg.GetTasks() {
			m := ta.GetMetrics()
			outputSpills += m.GetSpills()
			for _, o := range m.GetOperators() {
				outputSpills -= o.GetSpills()
			}
		}
	}
	if outputSpills == 0 {
		t.Errorf("a result of %d rows in %d bytes did not spill", res.NumRows(), limit)
	}
	// Released after the result TTL: the output's run goes with it.
	waitSpillGone(t, exe, "after the result was released")
}

// TestSpillCleanupOnFailure runs a query that cannot fit even by spilling:
// it fails with ResourceExhausted, and its tasks' spill data is removed.
func TestSpillCleanupOnFailure(t *testing.T) {
	c, exe := spillCluster(t, 2<<10, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	_, err := c.Execute(ctx, tpchPlan(t, "q18"), nil)
	if connect.CodeOf(err) != connect.CodeResourceExhausted {
		t.Fatalf("q18 in 2 KiB: %v, want ResourceExhausted", err)
	}
	waitSpillGone(t, exe, "after the query failed")
}

// TestSpillCleanupOnCancel cancels a job while it has spilled and checks its
// spill data is removed.
func TestSpillCleanupOnCancel(t *testing.T) {
	c, exe := spillCluster(t, 128<<10, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	// Submit until a job is caught holding spill data: a query may end
	// before the poll sees its spills.
	for attempt := 0; ; attempt++ {
		if attempt == 20 {
			t.Skip("no job was caught with spill data; the machine is too fast for this test")
		}
		id, err := c.Submit(ctx, tpchPlan(t, "q18"), nil)
		if err != nil {
			t.Fatal(err)
		}
		caught := false
		for {
			keys, files, err := exe.SpillLeftover()
			if err != nil {
				t.Fatal(err)
			}
			if keys+files > 0 {
				caught = true
				break
			}
			st, err := c.Status(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if st.GetState() != trebuchetv1.JobState_JOB_STATE_QUEUED && st.GetState() != trebuchetv1.JobState_JOB_STATE_RUNNING {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if !caught {
			continue
		}
		st, err := c.Cancel(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if st.GetState() == trebuchetv1.JobState_JOB_STATE_SUCCEEDED {
			continue // it ended first
		}
		break
	}
	waitSpillGone(t, exe, "after the job was cancelled")
}
