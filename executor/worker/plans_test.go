package worker

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"connectrpc.com/connect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// planServer is a scheduler that serves stage plans, in chunks of a few
// bytes so that a plan takes many messages, and counts its calls.
type planServer struct {
	trebuchetv1connect.UnimplementedSchedulerServiceHandler
	plans map[stageKey][]byte
	calls atomic.Int32
	// gate, if set, holds every call until it is closed.
	gate chan struct{}
}

func (s *planServer) GetStagePlan(ctx context.Context, req *connect.Request[trebuchetv1.GetStagePlanRequest], stream *connect.ServerStream[trebuchetv1.GetStagePlanResponse]) error {
	s.calls.Add(1)
	if s.gate != nil {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	data, ok := s.plans[stageKey{req.Msg.GetJobId(), req.Msg.GetStageId()}]
	if !ok {
		return connect.NewError(connect.CodeNotFound, errors.New("no such job"))
	}
	for off := 0; off < len(data); off += 7 {
		if err := stream.Send(&trebuchetv1.GetStagePlanResponse{Chunk: data[off:min(off+7, len(data))]}); err != nil {
			return err
		}
	}
	return nil
}

// newPlanTestExecutor returns an executor whose scheduler is srv.
func newPlanTestExecutor(t *testing.T, srv *planServer) *Executor {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(trebuchetv1connect.NewSchedulerServiceHandler(srv))
	hs := transport.NewServer(mux)
	go func() { _ = hs.Serve(lis) }()
	t.Cleanup(func() { _ = hs.Close() })
	e, err := New(Config{ID: "plans-test", SchedulerAddress: lis.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// waiting counts the tasks waiting for plans being fetched.
func waiting(c *stagePlans) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range c.plans {
		n += p.waiters
	}
	return n
}

func refOf(data []byte) *trebuchetv1.StagePlanRef {
	sum := sha256.Sum256(data)
	return &trebuchetv1.StagePlanRef{Size: uint64(len(data)), Sha256: sum[:]}
}

// TestStagePlanFetchedOnce runs many tasks of two stages at once: each
// stage's plan is fetched once, and again only after its job is released.
func TestStagePlanFetchedOnce(t *testing.T) {
	stage0, stage1 := stageKey{"job-1", 0}, stageKey{"job-1", 1}
	srv := &planServer{
		plans: map[stageKey][]byte{
			stage0: bytes.Repeat([]byte("plan of stage zero "), 100),
			stage1: []byte("plan of stage one"),
		},
		gate: make(chan struct{}),
	}
	e := newPlanTestExecutor(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	const tasks = 16
	var wg sync.WaitGroup
	errs := make(chan error, tasks)
	for i := range tasks {
		key := []stageKey{stage0, stage1}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, err := e.plans.get(ctx, key, refOf(srv.plans[key]))
			if err == nil && !bytes.Equal(data, srv.plans[key]) {
				err = errors.New("wrong plan")
			}
			errs <- err
		}()
	}
	// Every task asks while the fetches are held, so none finds a plan
	// already there: they share the fetches under way.
	for waiting(e.plans) < tasks {
		time.Sleep(time.Millisecond)
	}
	close(srv.gate)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := srv.calls.Load(); got != 2 {
		t.Errorf("%d tasks of 2 stages fetched %d plans, want 2", tasks, got)
	}
	// Later tasks find the plans held.
	if _, err := e.plans.get(ctx, stage0, refOf(srv.plans[stage0])); err != nil || srv.calls.Load() != 2 {
		t.Errorf("later task: %v, %d fetches", err, srv.calls.Load())
	}
	if got := e.plans.jobs(); len(got) != 1 || got[0] != "job-1" {
		t.Errorf("jobs with plans = %v, want [job-1]", got)
	}
	e.releaseJob("job-1")
	if got := e.plans.jobs(); len(got) != 0 {
		t.Errorf("jobs with plans after release = %v", got)
	}
	if _, err := e.plans.get(ctx, stage0, refOf(srv.plans[stage0])); err != nil || srv.calls.Load() != 3 {
		t.Errorf("task after release: %v, %d fetches, want 3", err, srv.calls.Load())
	}
}

// TestStagePlanFetchFailures checks that a plan that does not match its
// reference, or a job the scheduler does not serve, fails the task with a
// classified error and leaves nothing held.
func TestStagePlanFetchFailures(t *testing.T) {
	key := stageKey{"job-2", 0}
	srv := &planServer{plans: map[stageKey][]byte{key: []byte("the real plan")}}
	e := newPlanTestExecutor(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	bad := refOf([]byte("another plan!"))
	if _, err := e.plans.get(ctx, key, bad); errkind.KindOf(err) != errkind.Unavailable {
		t.Errorf("plan with another digest: %v, want Unavailable", err)
	}
	if got := srv.calls.Load(); got != planFetchAttempts {
		t.Errorf("damaged plan fetched %d times, want %d", got, planFetchAttempts)
	}
	short := refOf([]byte("the real plan and more"))
	if _, err := e.plans.get(ctx, key, short); err == nil {
		t.Error("plan shorter than announced: no error")
	}
	if _, err := e.plans.get(ctx, stageKey{"gone", 0}, bad); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("plan of an unknown job: %v, want NotFound", err)
	}
	if got := e.plans.jobs(); len(got) != 0 {
		t.Errorf("failed fetches left plans held: %v", got)
	}
	if data, err := e.plans.get(ctx, key, refOf(srv.plans[key])); err != nil || string(data) != "the real plan" {
		t.Errorf("fetch after failures: %q, %v", data, err)
	}
}

// TestStagePlanFetchStopsWithItsTasks checks that a fetch no task waits
// for any more is stopped, and that a new task starts another.
func TestStagePlanFetchStopsWithItsTasks(t *testing.T) {
	key := stageKey{"job-3", 0}
	srv := &planServer{plans: map[stageKey][]byte{key: []byte("plan")}, gate: make(chan struct{})}
	e := newPlanTestExecutor(t, srv)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := e.plans.get(ctx, key, refOf(srv.plans[key]))
		done <- err
	}()
	for srv.calls.Load() < 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled task: %v, want context.Canceled", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("cancelled task still waits for its plan")
	}
	if got := e.plans.jobs(); len(got) != 0 {
		t.Errorf("abandoned fetch still held: %v", got)
	}
	close(srv.gate)
	ctx2, cancel2 := context.WithTimeout(context.Background(), time.Minute)
	defer cancel2()
	if data, err := e.plans.get(ctx2, key, refOf(srv.plans[key])); err != nil || string(data) != "plan" {
		t.Errorf("next task: %q, %v", data, err)
	}
}
