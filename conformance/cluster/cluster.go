package cluster

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// Config describes a Trebuchet to start.
type Config struct {
	// Binary is the trebuchet binary.
	Binary string
	// Tables are the tables plans read, as the --table flag takes them
	// (name=path).
	Tables []string
	// Executors is the number of executor processes beside a scheduler
	// process; 0 starts one standalone process instead.
	Executors int
	// Cores is the CPUs each process may use: GOMAXPROCS, and taskset
	// when the machine has more (see StartProcess).
	Cores int
	// Slots is the tasks each executor runs at once (default: Cores, as
	// the bench has always run it). One slot per executor of a 3-executor
	// cluster on 2 cores, which would not oversubscribe them, made Q18 at
	// SF 1 six times slower (47 s against 8 s): its tasks wait, idle,
	// rather than compute; not yet understood.
	Slots int
	// MemoryLimit, if not 0, is each executor's --memory-limit in bytes
	// (the standalone process's too); 0 keeps the executors' default.
	MemoryLimit int64
	// ResultTTL is how long finished jobs' results stay fetchable
	// (default: 2 minutes).
	ResultTTL time.Duration
	// LogPrefix names the log files: <prefix>.log for a standalone
	// process, <prefix>-scheduler.log and <prefix>-executor-<i>.log for a
	// cluster's.
	LogPrefix string
	// ExecutorArgs, if set, returns more flags for executor i (0, 1, ...)
	// of a cluster.
	ExecutorArgs func(i int) []string
	// JoinTimeout bounds the wait for the executors to join (default: a
	// minute).
	JoinTimeout time.Duration
}

// A Cluster is a running Trebuchet: one standalone process, or a
// scheduler and its executors.
type Cluster struct {
	// Addr is the gateway's address, host:port.
	Addr      string
	processes []*Process // the scheduler or standalone process first
}

// Start starts Trebuchet as cfg describes on a free loopback port, and
// waits until its executors have joined.
func Start(cfg Config) (*Cluster, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg.Cores = max(cfg.Cores, 1)
	if cfg.Slots <= 0 {
		cfg.Slots = cfg.Cores
	}
	if cfg.ResultTTL <= 0 {
		cfg.ResultTTL = 2 * time.Minute
	}
	if cfg.JoinTimeout <= 0 {
		cfg.JoinTimeout = time.Minute
	}
	c := &Cluster{Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	env := []string{fmt.Sprintf("GOMAXPROCS=%d", cfg.Cores)}
	executorFlags := []string{"--log-level", "info", "--slots", fmt.Sprint(cfg.Slots)}
	if cfg.MemoryLimit > 0 {
		executorFlags = append(executorFlags, "--memory-limit", fmt.Sprint(cfg.MemoryLimit))
	}
	var tableFlags []string
	for _, t := range cfg.Tables {
		tableFlags = append(tableFlags, "--table", t)
	}
	common := []string{"--listen", c.Addr, "--log-level", "info", "--result-ttl", cfg.ResultTTL.String()}
	if cfg.Executors == 0 {
		args := append(append(append([]string{cfg.Binary, "standalone"}, common...), executorFlags...), tableFlags...)
		p, err := StartProcess(cfg.Cores, args, env, nil, cfg.LogPrefix+".log")
		if err != nil {
			return nil, err
		}
		c.processes = append(c.processes, p)
	} else {
		args := append(append([]string{cfg.Binary, "scheduler"}, common...), tableFlags...)
		p, err := StartProcess(cfg.Cores, args, env, nil, cfg.LogPrefix+"-scheduler.log")
		if err != nil {
			return nil, err
		}
		c.processes = append(c.processes, p)
		for i := range cfg.Executors {
			args := append([]string{cfg.Binary, "executor", "--scheduler", c.Addr, "--id", fmt.Sprintf("executor-%d", i)}, executorFlags...)
			if cfg.ExecutorArgs != nil {
				args = append(args, cfg.ExecutorArgs(i)...)
			}
			p, err := StartProcess(cfg.Cores, args, env, nil, fmt.Sprintf("%s-executor-%d.log", cfg.LogPrefix, i))
			if err != nil {
				c.Stop()
				return nil, err
			}
			c.processes = append(c.processes, p)
		}
	}
	if err := c.awaitExecutors(max(cfg.Executors, 1), cfg.JoinTimeout); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// awaitExecutors waits until the scheduler has logged want executors
// joining.
func (c *Cluster) awaitExecutors(want int, timeout time.Duration) error {
	sched := c.processes[0]
	deadline := time.Now().Add(timeout)
	for strings.Count(tail(sched.logPath, 1000), "executor joined") < want {
		if p := c.Dead(); p != nil {
			return p.ExitError()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("executors did not join in %s (log %s)", timeout, sched.logPath)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// Dead returns a process of the cluster that has exited, or nil.
func (c *Cluster) Dead() *Process {
	for _, p := range c.processes {
		if p.Exited() {
			return p
		}
	}
	return nil
}

// Stop stops the processes, executors first, and returns the sum of their
// peak resident sets.
func (c *Cluster) Stop() int64 {
	var rss int64
	for i := len(c.processes) - 1; i >= 0; i-- {
		c.processes[i].Stop(10 * time.Second)
		rss += c.processes[i].MaxRSS()
	}
	return rss
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
