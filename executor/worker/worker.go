package worker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// Config configures an executor.
type Config struct {
	// ID names the executor; a random one if empty.
	ID string
	// SchedulerAddress is host:port of the scheduler's SchedulerService.
	SchedulerAddress string
	// ControlListen is where the ExecutorService listens (host:port, port 0
	// for any). Empty with Pull set.
	ControlListen string
	// FlightListen is where the Arrow Flight service listens.
	FlightListen string
	// Pull makes the executor fetch work with PollWork instead of serving
	// ExecutorService.
	Pull bool
	// AdvertiseHost is the host others reach this executor at, when it
	// listens on all interfaces; the machine's host name if empty.
	AdvertiseHost string
	// Slots is how many tasks run at once; runtime.NumCPU() if zero.
	Slots int
	// MemoryLimit caps the memory the executor's tasks reserve; 0 is no cap.
	// Operators spill to WorkDir when refused.
	MemoryLimit int64
	// WorkDir is where map tasks write their shuffle files (subdirectory
	// "shuffle") and operators spill (subdirectory "spill", emptied when
	// the executor starts, of spill data left by an executor that was
	// killed); a new temporary directory if empty. The executor removes
	// what it wrote there when it stops.
	WorkDir string
	Logger  *slog.Logger
}

// Executor runs tasks for a scheduler.
type Executor struct {
	cfg       Config
	log       *slog.Logger
	scheduler trebuchetv1connect.SchedulerServiceClient
	alloc     memory.Allocator
	pool      spill.Pool
	// store holds the outputs of map tasks; fetcher reads those of
	// earlier stages, from store or other executors.
	store   *shuffle.Store
	fetcher *shuffle.Fetcher
	// spill holds what operators spill, a space per task.
	spill *spill.Store
	// plans holds the stage plans of the tasks that run here.
	plans *stagePlans

	controlAddr string
	flightAddr  string
	// lifetime is the context tasks run under: they outlive the RPC that
	// launches them and end when the executor stops.
	lifetime context.Context

	mu      sync.Mutex
	running map[taskKey]*runningTask
	outputs map[string]*output // by ticket
	// freed is signalled when a task ends, for the pull loop.
	freed chan struct{}
	// tasks tracks task goroutines so Run returns after them.
	tasks sync.WaitGroup
}

type runningTask struct {
	id     *trebuchetv1.TaskId
	cancel context.CancelFunc
}

// New returns an executor; Run starts it.
func New(cfg Config) (*Executor, error) {
	if cfg.SchedulerAddress == "" {
		return nil, errors.New("executor: no scheduler address")
	}
	if cfg.ID == "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		cfg.ID = "exec-" + hex.EncodeToString(b[:])
	}
	if cfg.Slots <= 0 {
		cfg.Slots = runtime.NumCPU()
	}
	if cfg.FlightListen == "" {
		cfg.FlightListen = "127.0.0.1:0"
	}
	if cfg.ControlListen == "" && !cfg.Pull {
		cfg.ControlListen = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	e := &Executor{
		cfg:       cfg,
		log:       cfg.Logger.With("executor", cfg.ID),
		scheduler: trebuchetv1connect.NewSchedulerServiceClient(transport.NewClient(), transport.BaseURL(cfg.SchedulerAddress), transport.ClientOptions()...),
		alloc:     memory.DefaultAllocator,
		pool:      spill.NewPool(cfg.MemoryLimit),
		running:   make(map[taskKey]*runningTask),
		outputs:   make(map[string]*output),
		freed:     make(chan struct{}, 1),
	}
	e.plans = newStagePlans(e.fetchStagePlan)
	return e, nil
}

// ID returns the executor's id.
func (e *Executor) ID() string { return e.cfg.ID }

// Run listens, registers with the scheduler and serves until ctx ends; then
// it cancels its tasks and stops.
func (e *Executor) Run(ctx context.Context) error {
	dir := e.cfg.WorkDir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "trebuchet-"+e.cfg.ID+"-"); err != nil {
			return fmt.Errorf("executor: work dir: %w", err)
		}
	}
	store, err := shuffle.NewStore(filepath.Join(dir, "shuffle"))
	if err != nil {
		return fmt.Errorf("executor: %w", err)
	}
	e.store, e.fetcher = store, shuffle.NewFetcher(e.cfg.ID, store)
	// The spill store empties its directory: only ever one of its own.
	spillStore, err := spill.OpenStore(filepath.Join(dir, "spill"))
	if err != nil {
		store.RemoveAll()
		return fmt.Errorf("executor: %w", err)
	}
	e.mu.Lock() // for SpillLeftover, which may run concurrently
	e.spill = spillStore
	e.mu.Unlock()
	taskCtx, cancelTasks := context.WithCancel(context.WithoutCancel(ctx))
	e.lifetime = taskCtx
	defer func() {
		cancelTasks()
		e.tasks.Wait()
		e.releaseAll()
		e.fetcher.Close()
		if err := store.RemoveAll(); err != nil {
			e.log.Warn("removing shuffle files", "err", err)
		}
		if err := e.spill.Close(); err != nil {
			e.log.Warn("removing spill data", "err", err)
		}
		if e.cfg.WorkDir == "" {
			os.Remove(dir)
		}
	}()

	flightLis, err := net.Listen("tcp", e.cfg.FlightListen)
	if err != nil {
		return fmt.Errorf("executor: flight listener: %w", err)
	}
	e.flightAddr = e.advertised(flightLis.Addr())
	flightSrv := grpc.NewServer(grpc.MaxSendMsgSize(64 << 20))
	flight.RegisterFlightServiceServer(flightSrv, &flightService{e: e})
	go func() {
		if err := flightSrv.Serve(flightLis); err != nil {
			e.log.Error("flight server stopped", "err", err)
		}
	}()
	defer flightSrv.Stop()

	if !e.cfg.Pull {
		controlLis, err := net.Listen("tcp", e.cfg.ControlListen)
		if err != nil {
			return fmt.Errorf("executor: control listener: %w", err)
		}
		e.controlAddr = e.advertised(controlLis.Addr())
		mux := http.NewServeMux()
		mux.Handle(trebuchetv1connect.NewExecutorServiceHandler(&controlService{e: e}))
		srv := transport.NewServer(mux)
		go func() {
			if err := srv.Serve(controlLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				e.log.Error("control server stopped", "err", err)
			}
		}()
		defer srv.Close()
	}

	interval, err := e.register(ctx)
	if err != nil {
		return err
	}
	e.log.Info("registered with scheduler", "scheduler", e.cfg.SchedulerAddress, "flight", e.flightAddr, "control", e.controlAddr, "slots", e.cfg.Slots)
	if e.cfg.Pull {
		go e.pullLoop(ctx, taskCtx)
	}
	e.heartbeatLoop(ctx, taskCtx, interval)
	return nil
}

// advertised is the address other processes dial to reach a listener.
func (e *Executor) advertised(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = e.cfg.AdvertiseHost
		if host == "" {
			host, _ = os.Hostname()
		}
	}
	return net.JoinHostPort(host, port)
}

func (e *Executor) info() *trebuchetv1.ExecutorInfo {
	return &trebuchetv1.ExecutorInfo{
		ExecutorId:     e.cfg.ID,
		ControlAddress: e.controlAddr,
		FlightAddress:  e.flightAddr,
		TaskSlots:      uint32(e.cfg.Slots),
	}
}

// register retries until the scheduler answers, as executors may start
// before it.
func (e *Executor) register(ctx context.Context) (time.Duration, error) {
	backoff := 50 * time.Millisecond
	for {
		resp, err := e.scheduler.RegisterExecutor(ctx, connect.NewRequest(&trebuchetv1.RegisterExecutorRequest{Executor: e.info()}))
		if err == nil {
			interval := resp.Msg.GetHeartbeatInterval().AsDuration()
			if interval <= 0 {
				interval = time.Second
			}
			return interval, nil
		}
		e.log.Debug("register failed; retrying", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 2*time.Second)
	}
}

func (e *Executor) heartbeatLoop(ctx, taskCtx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		req := &trebuchetv1.HeartbeatRequest{ExecutorId: e.cfg.ID, RunningTasks: e.runningTasks(), PlanJobs: e.plans.jobs()}
		resp, err := e.scheduler.Heartbeat(ctx, connect.NewRequest(req))
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("heartbeat failed", "err", err)
			}
			continue
		}
		if resp.Msg.GetReregister() {
			e.log.Info("scheduler asked to re-register")
			// The scheduler may have forgotten the jobs whose plans are
			// held; tasks it sends from now on fetch theirs again.
			e.plans.dropAll()
			if _, err := e.register(ctx); err != nil {
				return
			}
		}
		for _, id := range resp.Msg.GetCancelTasks() {
			e.cancelTask(id)
		}
		for _, job := range resp.Msg.GetReleaseJobs() {
			e.releaseJob(job)
		}
		for _, job := range resp.Msg.GetReleasePlans() {
			e.plans.drop(job)
		}
	}
}

// pullLoop asks the scheduler for work whenever a slot is free.
func (e *Executor) pullLoop(ctx, taskCtx context.Context) {
	for ctx.Err() == nil {
		free := e.cfg.Slots - e.runningCount()
		if free <= 0 {
			select {
			case <-ctx.Done():
				return
			case <-e.freed:
			}
			continue
		}
		resp, err := e.scheduler.PollWork(ctx, connect.NewRequest(&trebuchetv1.PollWorkRequest{
			ExecutorId:  e.cfg.ID,
			FreeSlots:   uint32(free),
			WaitTimeout: durationpb.New(20 * time.Second),
		}))
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			e.log.Warn("poll for work failed", "err", err)
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Second):
			}
			continue
		}
		for _, def := range resp.Msg.GetTasks() {
			e.launch(taskCtx, def)
		}
	}
}

func (e *Executor) runningTasks() []*trebuchetv1.TaskId {
	e.mu.Lock()
	defer e.mu.Unlock()
	ids := make([]*trebuchetv1.TaskId, 0, len(e.running))
	for _, t := range e.running {
		ids = append(ids, t.id)
	}
	return ids
}

func (e *Executor) runningCount() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.running)
}

func (e *Executor) cancelTask(id *trebuchetv1.TaskId) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t, ok := e.running[keyOf(id)]; ok {
		t.cancel()
	}
	if o, ok := e.outputs[ticketOf(id)]; ok {
		o.release()
		delete(e.outputs, ticketOf(id))
	}
	if e.store != nil {
		if err := e.store.RemoveMap(mapIDOf(id)); err != nil {
			e.log.Warn("removing shuffle files", "task", ticketOf(id), "err", err)
		}
	}
}

// releaseJob drops the outputs of a job's tasks, and its plans.
func (e *Executor) releaseJob(job string) {
	e.plans.drop(job)
	e.mu.Lock()
	defer e.mu.Unlock()
	for ticket, o := range e.outputs {
		if o.job == job {
			o.release()
			delete(e.outputs, ticket)
		}
	}
	if e.store != nil {
		if err := e.store.RemoveJob(job); err != nil {
			e.log.Warn("removing shuffle files", "job", job, "err", err)
		}
	}
}

func (e *Executor) releaseAll() {
	e.mu.Lock()
	defer e.mu.Unlock()
	for ticket, o := range e.outputs {
		o.release()
		delete(e.outputs, ticket)
	}
}

// SpillLeftover counts the spill data the executor's store holds: live
// Pebble keys and files, of running tasks and of outputs not yet released.
// With neither, it is 0, which tests check after tasks end however they
// end. It is 0 before Run opens the store.
func (e *Executor) SpillLeftover() (keys, files int, err error) {
	e.mu.Lock()
	s := e.spill
	e.mu.Unlock()
	if s == nil {
		return 0, 0, nil
	}
	return s.Leftover()
}
