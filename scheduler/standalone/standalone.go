// Package standalone wires the parts of a Trebuchet cluster in one
// process: a gateway and scheduler (StartScheduler), and, for a standalone
// cluster (Start), executors in goroutines that reach the scheduler over
// loopback exactly as separate executor processes do. The trebuchet
// command's roles and the SDK's in-process clusters both use it, so there
// is one way a cluster is assembled.
package standalone

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/gateway"
	"github.com/trebuchet-dev/trebuchet/scheduler"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
)

// SchedulerConfig configures a gateway and scheduler.
type SchedulerConfig struct {
	// Tables are the tables plans may read by name, at start; SQL
	// statements (CREATE EXTERNAL TABLE, CREATE VIEW, CREATE TABLE AS)
	// add more.
	Tables []*plan.Table
	// Warehouse, if set, is the directory where plans create tables
	// (CREATE TABLE AS), one subdirectory each; the tables it already
	// holds are added to Tables. Without one, creating a table fails.
	Warehouse string
	// ExecutorTimeout, NoExecutorGrace and ResultTTL are the scheduler's
	// (scheduler.Config); zero takes its defaults.
	ExecutorTimeout time.Duration
	NoExecutorGrace time.Duration
	ResultTTL       time.Duration
	// StateDir, if set, is the directory of the scheduler's state
	// (scheduler.OpenStore): jobs survive a restart of the scheduler.
	// Without one they are kept in memory only.
	StateDir string
	// MaxPlanBytes caps the size of the requests, and so of the plans, the
	// gateway accepts (gateway.Config); zero takes its default.
	MaxPlanBytes int64
	// Logger receives the components' logs; nil discards them.
	Logger *slog.Logger
}

func (c *SchedulerConfig) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return c.Logger
}

// StartScheduler starts a scheduler and its gateway on lis, and returns
// once both are serving. The returned function waits for them to stop,
// which they do when ctx ends; it returns nil then.
func StartScheduler(ctx context.Context, lis net.Listener, cfg SchedulerConfig) (wait func() error, err error) {
	log := cfg.logger()
	tables, err := sql.NewEngineCatalog(cfg.Tables...)
	if err != nil {
		return nil, err
	}
	// The SQL session is the cluster's catalog: tables and views that SQL
	// statements create are read by every client's SQL and Substrait plans,
	// and CREATE TABLE AS stores its tables in the warehouse.
	session, err := sql.NewSessionWithOptions(tables, sql.SessionOptions{Warehouse: cfg.Warehouse})
	if err != nil {
		return nil, err
	}
	var store *scheduler.Store
	if cfg.StateDir != "" {
		if store, err = scheduler.OpenStore(cfg.StateDir, log.With("component", "scheduler")); err != nil {
			return nil, err
		}
	}
	sched, err := scheduler.New(scheduler.Config{
		Catalog:         session,
		SQL:             session,
		Logger:          log.With("component", "scheduler"),
		ExecutorTimeout: cfg.ExecutorTimeout,
		NoExecutorGrace: cfg.NoExecutorGrace,
		ResultTTL:       cfg.ResultTTL,
		Store:           store,
	})
	if err != nil {
		return nil, errors.Join(err, store.Close())
	}
	path, handler := trebuchetv1connect.NewSchedulerServiceHandler(scheduler.NewService(sched))
	gw := gateway.New(gateway.Config{
		Jobs:         sched,
		MaxPlanBytes: cfg.MaxPlanBytes,
		Logger:       log.With("component", "gateway"),
		Services: []gateway.Service{
			{Name: trebuchetv1connect.SchedulerServiceName, Path: path, Handler: handler},
		},
	})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sched.Run(ctx)
	}()
	errc := make(chan error, 1)
	go func() { errc <- gw.Serve(ctx, lis) }()
	names := tables.TableNames()
	for _, t := range session.Tables() { // the warehouse's
		names = append(names, t.Name)
	}
	log.Info("gateway listening", "address", lis.Addr().String(), "tables", names)
	return func() error {
		err := <-errc
		wg.Wait()
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		return errors.Join(err, store.Close())
	}, nil
}

// Config configures a standalone cluster.
type Config struct {
	SchedulerConfig
	// Listen is the gateway's address; "127.0.0.1:0" (any free port) if
	// empty.
	Listen string
	// Executors is the number of executors; 1 if zero.
	Executors int
	// Slots is how many tasks each executor runs at once;
	// runtime.NumCPU() if zero.
	Slots int
	// MemoryLimit caps the memory each executor's tasks reserve; 0 is no
	// cap.
	MemoryLimit int64
}

// Cluster is a running standalone cluster.
type Cluster struct {
	addr   string
	cancel context.CancelFunc
	done   chan struct{}
	err    error // set before done is closed
}

// Start starts a gateway, a scheduler and cfg.Executors executors in this
// process and returns once the gateway serves. The cluster runs until ctx
// ends, Close is called, or a part fails (then Wait returns the error).
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	if cfg.Executors < 0 {
		return nil, fmt.Errorf("standalone: %d executors", cfg.Executors)
	}
	if cfg.Executors == 0 {
		cfg.Executors = 1
	}
	if cfg.Slots == 0 {
		cfg.Slots = runtime.NumCPU()
	}
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	log := cfg.logger()
	lis, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("standalone: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	wait, err := StartScheduler(ctx, lis, cfg.SchedulerConfig)
	if err != nil {
		cancel()
		lis.Close()
		return nil, fmt.Errorf("standalone: %w", err)
	}
	c := &Cluster{addr: lis.Addr().String(), cancel: cancel, done: make(chan struct{})}
	exes := make([]*worker.Executor, cfg.Executors)
	for i := range exes {
		exes[i], err = worker.New(worker.Config{
			ID:               fmt.Sprintf("standalone-%d", i),
			SchedulerAddress: c.addr,
			Slots:            cfg.Slots,
			MemoryLimit:      cfg.MemoryLimit,
			Logger:           log.With("component", "executor"),
		})
		if err != nil {
			cancel()
			return nil, fmt.Errorf("standalone: %w", errors.Join(err, wait()))
		}
	}
	// The executors are the same code as in separate processes, and reach
	// the scheduler over loopback like them.
	var wg sync.WaitGroup
	errs := make([]error, len(exes))
	for i, exe := range exes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// An executor stopping while the cluster runs is a failure;
			// one stopping with it is not.
			if err := exe.Run(ctx); err != nil && ctx.Err() == nil {
				errs[i] = err
				log.Error("executor stopped", "executor", exe.ID(), "err", err)
				cancel()
			}
		}()
	}
	go func() {
		err := wait()
		cancel()
		wg.Wait()
		c.err = errors.Join(append(errs, err)...)
		close(c.done)
	}()
	return c, nil
}

// Address returns the gateway's host:port.
func (c *Cluster) Address() string { return c.addr }

// Wait waits for the cluster to stop and returns why, nil if it was
// stopped by its context or Close.
func (c *Cluster) Wait() error {
	<-c.done
	return c.err
}

// Close stops the cluster and waits for it.
func (c *Cluster) Close() error {
	c.cancel()
	return c.Wait()
}
