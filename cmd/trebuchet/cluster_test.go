package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/scheduler"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// These tests run the real binary, as users do: a standalone process, and a
// cluster of one scheduler and two executors in separate processes.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "trebuchet-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "trebuchet")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building trebuchet:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const tpchDir = "../../conformance/testdata/tpch"

var tpchTables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

func tableFlags(t testing.TB) []string {
	var flags []string
	for _, name := range tpchTables {
		path, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01", name+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		flags = append(flags, "--table", name+"="+path)
	}
	return flags
}

// process is a running trebuchet process whose log is captured.
type process struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	log  strings.Builder
	done chan struct{}
}

// start runs the binary with args and returns once ready matches a log line,
// with that line's submatches.
func start(t *testing.T, ready *regexp.Regexp, args ...string) (*process, []string) {
	t.Helper()
	p := &process{cmd: exec.Command(binary, args...), done: make(chan struct{})}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("log of %v:\n%s", args, p.logText())
		}
	})
	matched := make(chan []string, 1)
	go func() {
		defer close(p.done)
		s := bufio.NewScanner(stderr)
		for s.Scan() {
			line := s.Text()
			p.mu.Lock()
			p.log.WriteString(line + "\n")
			p.mu.Unlock()
			if m := ready.FindStringSubmatch(line); m != nil {
				select {
				case matched <- m:
				default:
				}
			}
		}
	}()
	select {
	case m := <-matched:
		return p, m
	case <-p.done:
		t.Fatalf("trebuchet %v exited before it was ready:\n%s", args, p.logText())
	case <-time.After(30 * time.Second):
		t.Fatalf("trebuchet %v not ready after 30s:\n%s", args, p.logText())
	}
	return nil, nil
}

func (p *process) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

func (p *process) stop() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	_ = p.cmd.Wait()
}

// kill ends the process abruptly, as a crash would.
func (p *process) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
	_ = p.cmd.Wait()
}

// waitLog waits until the process logs a line matching re.
func (p *process) waitLog(t *testing.T, re *regexp.Regexp, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if re.MatchString(p.logText()) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no log line matching %v after %v:\n%s", re, timeout, p.logText())
}

var (
	gatewayReady   = regexp.MustCompile(`msg="gateway listening" address=(\S+)`)
	executorReady  = regexp.MustCompile(`msg="registered with scheduler"`)
	executorJoined = regexp.MustCompile(`msg="executor joined"`)
)

// startStandalone starts `trebuchet standalone` and returns its gateway
// address once an executor has registered.
func startStandalone(t *testing.T, extra ...string) (*process, string) {
	args := append([]string{"standalone", "--listen", "127.0.0.1:0"}, tableFlags(t)...)
	p, m := start(t, gatewayReady, append(args, extra...)...)
	p.waitLog(t, executorReady, 30*time.Second)
	return p, m[1]
}

// schedulerCommand is the command line of a scheduler serving the TPC-H
// tables on any free port, with its state in a directory of its own.
func schedulerCommand(t *testing.T) []string {
	return append([]string{"scheduler", "--listen", "127.0.0.1:0", "--state-dir", t.TempDir()}, tableFlags(t)...)
}

// startCluster starts a scheduler process and n executor processes, and
// returns the gateway address once all executors registered.
func startCluster(t *testing.T, n int, schedulerArgs []string, executorArgs ...string) (sched *process, executors []*process, addr string) {
	sched, m := start(t, gatewayReady, append(schedulerCommand(t), schedulerArgs...)...)
	addr = m[1]
	for i := range n {
		exe, _ := start(t, executorReady, append([]string{"executor", "--scheduler", addr, "--id", fmt.Sprintf("exec-%d", i)}, executorArgs...)...)
		executors = append(executors, exe)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(executorJoined.FindAllString(sched.logText(), -1)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d executors joined:\n%s", len(executorJoined.FindAllString(sched.logText(), -1)), n, sched.logText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return sched, executors, addr
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// runTPCH runs a producer's plan for a query through the gateway and checks
// the answer.
func runTPCH(t *testing.T, c *client.Client, producer, query string) (jobID string) {
	t.Helper()
	return runTPCHWith(t, c, producer, query, nil)
}

// runTPCHWith is runTPCH with session settings.
func runTPCHWith(t *testing.T, c *client.Client, producer, query string, settings map[string]string) (jobID string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	plan := readFile(t, filepath.Join(tpchDir, "plans", producer, query+".json"))
	res, err := c.Execute(ctx, client.JSONPlan(plan), settings)
	if err != nil {
		t.Fatalf("%s %s: %v", producer, query, err)
	}
	defer res.Release()
	want, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", query+".csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := want.Compare(res.Batches); err != nil {
		t.Errorf("%s %s: %v", producer, query, err)
	}
	return res.JobID
}

var walkingSkeletonQueries = []string{"q01", "q06"}

func TestStandaloneTPCH(t *testing.T) {
	_, addr := startStandalone(t)
	c := client.New(addr)
	for _, producer := range []string{"datafusion", "isthmus"} {
		for _, q := range walkingSkeletonQueries {
			t.Run(producer+"/"+q, func(t *testing.T) { runTPCH(t, c, producer, q) })
		}
	}
}

// TestClusterTPCH runs the 22 TPC-H queries on one scheduler and three
// executor processes, as multi-stage jobs whose stages exchange rows over
// the shuffle, and checks every answer.
func TestClusterTPCH(t *testing.T) {
	_, _, addr := startCluster(t, 3, nil)
	c := client.New(addr)
	for i := 1; i <= 22; i++ {
		q := fmt.Sprintf("q%02d", i)
		t.Run("datafusion/"+q, func(t *testing.T) {
			id := runTPCH(t, c, "datafusion", q)
			st, err := c.Status(context.Background(), id)
			if err != nil {
				t.Fatal(err)
			}
			// Every query joins or aggregates lineitem, which has four
			// row groups: each is cut into stages.
			var shape []string
			for _, sg := range st.GetStages() {
				shape = append(shape, fmt.Sprintf("%d:%s(%d tasks)", sg.GetStageId(), sg.GetOutput(), sg.GetTasksTotal()))
			}
			t.Logf("stages: %s", strings.Join(shape, " "))
			if len(st.GetStages()) < 2 {
				t.Errorf("%s ran as %d stage(s), want a multi-stage plan", q, len(st.GetStages()))
			}
		})
	}
	// The same with every join hash partitioned on both sides.
	for _, q := range []string{"q03", "q05", "q09", "q18", "q21"} {
		t.Run("datafusion/hash-joins/"+q, func(t *testing.T) {
			runTPCHWith(t, c, "datafusion", q, map[string]string{"broadcast_rows": "0"})
		})
	}
	for _, q := range walkingSkeletonQueries {
		t.Run("isthmus/"+q, func(t *testing.T) { runTPCH(t, c, "isthmus", q) })
	}
}

// TestClusterKilledExecutor kills -9 an executor while a multi-stage query
// runs, once it holds map outputs the query still needs: the scheduler
// notices within a second, re-runs the lost map tasks and the tasks that
// were reading them, and the query returns the right answer.
func TestClusterKilledExecutor(t *testing.T) {
	sched, executors, addr := startCluster(t, 3, []string{"--executor-timeout", "1s"})
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	victim := "exec-0"
	id := submitQ18Until(ctx, t, c, func(st *trebuchetv1.JobStatus) bool { return holdsNeededOutput(st, victim) })
	if id != "" {
		executors[0].kill()
	}
	if id == "" {
		t.Skip("no query was caught holding map outputs on the victim in 20 tries")
	}
	// Lost when a launch fails, or when its heartbeats stop.
	sched.waitLog(t, regexp.MustCompile(`executor exec-0 (unreachable|stopped heartbeating)`), 10*time.Second)
	res, err := c.Fetch(ctx, id)
	if err != nil {
		t.Fatalf("query after the kill: %v\n%s", err, sched.logText())
	}
	defer res.Release()
	want, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", "q18.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if err := want.Compare(res.Batches); err != nil {
		t.Errorf("q18 after the kill: %v", err)
	}
	if !regexp.MustCompile(`its output was lost|its output on executor exec-0 could not be read`).MatchString(sched.logText()) {
		t.Errorf("the lost map outputs were not re-run:\n%s", sched.logText())
	}
	st, err := c.Status(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for _, sg := range st.GetStages() {
		for _, task := range sg.GetTasks() {
			if task.GetExecutorId() == victim {
				t.Errorf("stage %d partition %d: final attempt ran on the killed executor", sg.GetStageId(), task.GetPartition())
			}
		}
	}
}

// submitQ18Until submits TPC-H Q18 as a many-stage job, again until one
// is seen running in a state caught accepts, and returns that job's id; ""
// if none was caught in 20 tries (every job finished between two polls).
func submitQ18Until(ctx context.Context, t *testing.T, c *client.Client, caught func(*trebuchetv1.JobStatus) bool) string {
	t.Helper()
	plan := client.JSONPlan(readFile(t, filepath.Join(tpchDir, "plans", "datafusion", "q18.json")))
	settings := map[string]string{"broadcast_rows": "0", "shuffle_partitions": "12"}
	for range 20 {
		job, err := c.Submit(ctx, plan, settings)
		if err != nil {
			t.Fatal(err)
		}
		for {
			st, err := c.Status(ctx, job)
			if err != nil {
				t.Fatal(err)
			}
			if scheduler.Terminal(st.GetState()) {
				break // too quick; try again
			}
			if caught(st) {
				return job
			}
			time.Sleep(2 * time.Millisecond)
		}
	}
	return ""
}

// holdsNeededOutput reports whether a map task of a running job succeeded on
// executor while a stage reading its stage has not finished.
func holdsNeededOutput(st *trebuchetv1.JobStatus, executor string) bool {
	stages := st.GetStages()
	for _, sg := range stages[:max(len(stages)-1, 0)] {
		held := false
		for _, task := range sg.GetTasks() {
			held = held || task.GetState() == trebuchetv1.TaskState_TASK_STATE_SUCCEEDED && task.GetExecutorId() == executor
		}
		if !held {
			continue
		}
		for _, reader := range stages {
			if slices.Contains(reader.GetInputStageIds(), sg.GetStageId()) && reader.GetTasksSucceeded() == 0 {
				return true
			}
		}
	}
	return false
}

// TestPullExecutor runs a query on an executor that pulls its work instead
// of serving the executor service.
func TestPullExecutor(t *testing.T) {
	_, _, addr := startCluster(t, 1, nil, "--pull")
	runTPCH(t, client.New(addr), "datafusion", "q06")
}

var _ = io.EOF
