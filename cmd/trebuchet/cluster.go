package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/gateway"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// schedulerFlags configure a gateway + scheduler.
type schedulerFlags struct {
	listen          string
	tables          repeated
	warehouse       string
	executorTimeout time.Duration
	noExecutorGrace time.Duration
	resultTTL       time.Duration
	stateDir        string
	maxPlanBytes    byteSize
}

func (f *schedulerFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:50050", "address of the gateway (Connect, gRPC and gRPC-Web) and of the scheduler service executors call")
	fs.Var(&f.tables, "table", "a table plans can read, as name=path-or-glob of Parquet, CSV or Arrow files, or name=directory of such files, partitioned hive-style, that INSERT plans append to (repeatable)")
	fs.StringVar(&f.warehouse, "warehouse", "trebuchet-warehouse", "directory where CREATE TABLE AS stores the tables it creates, one subdirectory of Parquet files each; the tables already there are served at start")
	fs.DurationVar(&f.executorTimeout, "executor-timeout", 10*time.Second, "declare an executor lost after this long without a heartbeat")
	fs.DurationVar(&f.noExecutorGrace, "no-executor-grace", 30*time.Second, "fail a job whose tasks find no live executor for this long")
	fs.DurationVar(&f.resultTTL, "result-ttl", 15*time.Minute, "keep finished jobs' results fetchable for this long")
	f.maxPlanBytes = gateway.DefaultMaxPlanBytes
	fs.Var(&f.maxPlanBytes, "max-plan-bytes", "largest request, and so plan (Substrait or SQL), the gateway accepts, e.g. 1GiB; larger ones are refused with RESOURCE_EXHAUSTED")
}

// registerStateDir adds the scheduler's --state-dir. Only the scheduler
// command has it: a standalone process's executors stop with its
// scheduler, so its jobs could not resume, and it keeps them in memory.
func (f *schedulerFlags) registerStateDir(fs *flag.FlagSet) {
	fs.StringVar(&f.stateDir, "state-dir", "trebuchet-state", "directory where the scheduler keeps its jobs (a Pebble store), so that they survive its restart: finished jobs stay listed, unfinished ones resume; empty to keep them in memory only")
}

// executorFlags configure an executor.
type executorFlags struct {
	slots       int
	memoryLimit byteSize
}

func (f *executorFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.slots, "slots", runtime.NumCPU(), "tasks an executor runs at once")
	f.memoryLimit = byteSize(spill.DefaultLimit())
	fs.Var(&f.memoryLimit, "memory-limit", "memory each executor's tasks may reserve before spilling to disk, e.g. 2GiB or 512MiB; 0 for no limit (default: half of the cgroup's or the machine's memory)")
}

// config is the scheduler configuration the flags give.
func (f *schedulerFlags) config(log *slog.Logger) (standalone.SchedulerConfig, error) {
	cfg := standalone.SchedulerConfig{
		ExecutorTimeout: f.executorTimeout,
		NoExecutorGrace: f.noExecutorGrace,
		ResultTTL:       f.resultTTL,
		MaxPlanBytes:    int64(f.maxPlanBytes),
		Warehouse:       f.warehouse,
		StateDir:        f.stateDir,
		Logger:          log,
	}
	for _, def := range f.tables {
		t, err := catalog.ParseTableFlag(def)
		if err != nil {
			return cfg, fmt.Errorf("-table: %w", err)
		}
		cfg.Tables = append(cfg.Tables, t)
	}
	return cfg, nil
}

func runStandalone(ctx context.Context, args []string, _ io.Writer) error {
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
	worker.TuneRuntime(int64(ef.memoryLimit) * int64(max(nExe, 1)))
	log, err := lf.logger()
	if err != nil {
		return err
	}
	if nExe < 1 {
		return fmt.Errorf("-executors must be at least 1")
	}
	sc, err := sf.config(log)
	if err != nil {
		return err
	}
	c, err := standalone.Start(ctx, standalone.Config{
		SchedulerConfig: sc,
		Listen:          sf.listen,
		Executors:       nExe,
		Slots:           ef.slots,
		MemoryLimit:     int64(ef.memoryLimit),
	})
	if err != nil {
		return err
	}
	return c.Wait()
}

func runScheduler(ctx context.Context, args []string, _ io.Writer) error {
	fs := newFlagSet("scheduler", "scheduler [flags]")
	var (
		sf schedulerFlags
		lf logFlags
	)
	sf.register(fs)
	sf.registerStateDir(fs)
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
	sc, err := sf.config(log)
	if err != nil {
		lis.Close()
		return err
	}
	wait, err := standalone.StartScheduler(ctx, lis, sc)
	if err != nil {
		lis.Close()
		return err
	}
	return wait()
}

func runExecutor(ctx context.Context, args []string, _ io.Writer) error {
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
	fs.StringVar(&cfg.WorkDir, "work-dir", "", "directory for shuffle files and spill data, in its subdirectories shuffle and spill (spill is emptied on start) (default: a new directory under $TMPDIR)")
	fs.StringVar(&cfg.ControlListen, "listen", "127.0.0.1:0", "address of the executor service the scheduler pushes tasks to")
	fs.StringVar(&cfg.FlightListen, "flight-listen", "127.0.0.1:0", "address of the Arrow Flight service that serves task outputs")
	fs.StringVar(&cfg.AdvertiseHost, "advertise-host", "", "host name other processes reach this executor at, when listening on all interfaces (default: the machine's host name)")
	fs.BoolVar(&cfg.Pull, "pull", false, "pull tasks with PollWork instead of serving the executor service")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the executor's whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	worker.TuneRuntime(int64(ef.memoryLimit))
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
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
