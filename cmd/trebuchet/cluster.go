package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/gateway"
	"github.com/trebuchet-dev/trebuchet/scheduler"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
)

// schedulerFlags configure a gateway + scheduler.
type schedulerFlags struct {
	listen          string
	tables          repeated
	executorTimeout time.Duration
	noExecutorGrace time.Duration
	resultTTL       time.Duration
}

func (f *schedulerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:50050", "address of the gateway (Connect, gRPC and gRPC-Web) and of the scheduler service executors call")
	fs.Var(&f.tables, "table", "a table plans can read, as name=path-or-glob of Parquet files (repeatable)")
	fs.DurationVar(&f.executorTimeout, "executor-timeout", 10*time.Second, "declare an executor lost after this long without a heartbeat")
	fs.DurationVar(&f.noExecutorGrace, "no-executor-grace", 30*time.Second, "fail a job whose tasks find no live executor for this long")
	fs.DurationVar(&f.resultTTL, "result-ttl", 15*time.Minute, "keep finished jobs' results fetchable for this long")
}

// executorFlags configure an executor.
type executorFlags struct {
	slots       int
	memoryLimit byteSize
}

func (f *executorFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.slots, "slots", runtime.NumCPU(), "tasks an executor runs at once")
	fs.Var(&f.memoryLimit, "memory-limit", "memory an executor's tasks may reserve, e.g. 2GiB or 512MiB; 0 for no limit")
}

// startScheduler starts a scheduler and its gateway on lis, and returns
// once both are serving. The returned function waits for them to stop.
func startScheduler(ctx context.Context, lis net.Listener, f *schedulerFlags, log *slog.Logger) (wait func() error, err error) {
	tables := make([]*plan.Table, 0, len(f.tables))
	for _, def := range f.tables {
		t, err := catalog.ParseTableFlag(def)
		if err != nil {
			return nil, fmt.Errorf("-table: %w", err)
		}
		tables = append(tables, t)
	}
	cat, err := catalog.New(tables...)
	if err != nil {
		return nil, err
	}
	sched, err := scheduler.New(scheduler.Config{
		Catalog:         cat,
		Logger:          log.With("component", "scheduler"),
		ExecutorTimeout: f.executorTimeout,
		NoExecutorGrace: f.noExecutorGrace,
		ResultTTL:       f.resultTTL,
	})
	if err != nil {
		return nil, err
	}
	path, handler := trebuchetv1connect.NewSchedulerServiceHandler(scheduler.NewService(sched))
	gw := gateway.New(gateway.Config{
		Jobs:   sched,
		Logger: log.With("component", "gateway"),
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
	log.Info("gateway listening", "address", lis.Addr().String(), "tables", cat.Names())
	return func() error {
		err := <-errc
		wg.Wait()
		if errors.Is(err, context.Canceled) {
			err = nil
		}
		return err
	}, nil
}

func runStandalone(ctx context.Context, args []string, _ io.Writer) error {
	worker.TuneRuntime()
	fs := newFlagSet("standalone", "standalone [flags]")
	var (
		sf   schedulerFlags
		ef   executorFlags
		lf   logFlags
		nExe int
	)
	sf.register(fs)
	ef.register(fs)
	lf.register(fs)
	fs.IntVar(&nExe, "executors", 1, "number of executors to run in the process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := lf.logger()
	if err != nil {
		return err
	}
	if nExe < 1 {
		return fmt.Errorf("-executors must be at least 1")
	}
	lis, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	wait, err := startScheduler(ctx, lis, &sf, log)
	if err != nil {
		lis.Close()
		return err
	}
	// The executors are the same code as in separate processes, and reach
	// the scheduler over loopback like them.
	var wg sync.WaitGroup
	errs := make([]error, nExe)
	for i := range nExe {
		exe, err := worker.New(worker.Config{
			ID:               fmt.Sprintf("standalone-%d", i),
			SchedulerAddress: lis.Addr().String(),
			Slots:            ef.slots,
			MemoryLimit:      int64(ef.memoryLimit),
			Logger:           log.With("component", "executor"),
		})
		if err != nil {
			cancel()
			return errors.Join(err, wait())
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = exe.Run(ctx); errs[i] != nil && ctx.Err() == nil {
				log.Error("executor stopped", "executor", exe.ID(), "err", errs[i])
				cancel()
			}
		}()
	}
	err = wait()
	cancel()
	wg.Wait()
	if ctx.Err() != nil {
		return err
	}
	return errors.Join(append(errs, err)...)
}

func runScheduler(ctx context.Context, args []string, _ io.Writer) error {
	fs := newFlagSet("scheduler", "scheduler [flags]")
	var (
		sf schedulerFlags
		lf logFlags
	)
	sf.register(fs)
	lf.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := lf.logger()
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", sf.listen)
	if err != nil {
		return err
	}
	wait, err := startScheduler(ctx, lis, &sf, log)
	if err != nil {
		lis.Close()
		return err
	}
	return wait()
}

func runExecutor(ctx context.Context, args []string, _ io.Writer) error {
	worker.TuneRuntime()
	fs := newFlagSet("executor", "executor --scheduler host:port [flags]")
	var (
		ef  executorFlags
		lf  logFlags
		cfg worker.Config
	)
	ef.register(fs)
	lf.register(fs)
	fs.StringVar(&cfg.SchedulerAddress, "scheduler", "", "host:port of the scheduler (required)")
	fs.StringVar(&cfg.ID, "id", "", "executor id (default: random)")
	fs.StringVar(&cfg.ControlListen, "listen", "127.0.0.1:0", "address of the executor service the scheduler pushes tasks to")
	fs.StringVar(&cfg.FlightListen, "flight-listen", "127.0.0.1:0", "address of the Arrow Flight service that serves task outputs")
	fs.StringVar(&cfg.AdvertiseHost, "advertise-host", "", "host name other processes reach this executor at, when listening on all interfaces (default: the machine's host name)")
	fs.BoolVar(&cfg.Pull, "pull", false, "pull tasks with PollWork instead of serving the executor service")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.SchedulerAddress == "" {
		fs.Usage()
		return errors.New("executor: -scheduler is required")
	}
	log, err := lf.logger()
	if err != nil {
		return err
	}
	if cfg.Pull {
		cfg.ControlListen = ""
	}
	cfg.Slots, cfg.MemoryLimit, cfg.Logger = ef.slots, int64(ef.memoryLimit), log
	exe, err := worker.New(cfg)
	if err != nil {
		return err
	}
	err = exe.Run(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
