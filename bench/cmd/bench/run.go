package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
)

// allSystems lists the systems bench run knows, in the order they appear
// in the table.
var allSystems = []string{"trebuchet", "trebuchet-cluster", "duckdb", "datafusion", "ballista", "spark"}

// runOrder is the order systems run in: DuckDB first, whose results are
// the reference where there is no answer file; Ballista, whose venv takes
// longest to build, last.
var runOrder = []string{"duckdb", "datafusion", "spark", "trebuchet", "trebuchet-cluster", "ballista"}

type runConfig struct {
	data, answers, plans, queries, producer string
	ids                                     []string
	runs, cores                             int
	trebuchet, trebuchetVersion             string
	python, ballistaPython, runner          string
	out, work, logs                         string
	queryTimeout, systemTimeout             time.Duration
	latency                                 int
	latencyData, latencyAnswers             string
	latencyQuery                            string
	latencySystems                          map[string]bool
}

func runCommand(args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var (
		cfg       runConfig
		systems   string
		latencyOn string
	)
	fs.StringVar(&cfg.data, "data", "conformance/testdata/tpch/sf0.01", "folder of <table>.parquet files")
	fs.StringVar(&cfg.answers, "answers", "conformance/testdata/tpch/answers/sf0.01", "folder of qNN.csv reference answers (a query without one is checked against DuckDB)")
	fs.StringVar(&cfg.plans, "plans", "conformance/testdata/tpch/plans", "folder of <producer>/qNN.json Substrait plans")
	fs.StringVar(&cfg.queries, "queries", "conformance/testdata/tpch/queries", "folder of qNN.sql query texts, for the peers")
	fs.StringVar(&cfg.producer, "producer", "isthmus", "whose plans Trebuchet runs")
	fs.StringVar(&systems, "systems", strings.Join(allSystems, ","), "comma-separated systems to run")
	fs.IntVar(&cfg.runs, "runs", 3, "timed runs per query after the checked one; the median is reported. 0 times the checked run itself (one cold run: for large scales, where a second pass costs too much)")
	fs.IntVar(&cfg.cores, "cores", runtime.NumCPU(), "cores every system gets")
	fs.StringVar(&cfg.trebuchet, "trebuchet", "bin/trebuchet", "the trebuchet binary")
	fs.StringVar(&cfg.python, "python", ".venv-bench/bin/python", "Python of the venv holding duckdb, datafusion and pyspark")
	fs.StringVar(&cfg.ballistaPython, "ballista-python", ".venv-ballista/bin/python", "Python of the venv holding ballista")
	fs.StringVar(&cfg.runner, "runner", "bench/peers/run.py", "the peers' runner script")
	fs.StringVar(&cfg.out, "out", "bench/results/sf0.01", "folder for the results")
	fs.DurationVar(&cfg.queryTimeout, "query-timeout", 10*time.Minute, "limit of one Trebuchet query")
	fs.DurationVar(&cfg.systemTimeout, "system-timeout", 2*time.Hour, "limit of one peer's whole run")
	fs.IntVar(&cfg.latency, "latency", 200, "round trips of the latency query (0: no latency test)")
	fs.StringVar(&cfg.latencyData, "latency-data", "conformance/testdata/tpch/sf0.01", "data of the latency query")
	fs.StringVar(&cfg.latencyAnswers, "latency-answers", "conformance/testdata/tpch/answers/sf0.01", "answers for the latency data")
	fs.StringVar(&cfg.latencyQuery, "latency-query", "q06", "the latency query")
	fs.StringVar(&latencyOn, "latency-systems", "trebuchet,trebuchet-cluster,ballista", "systems whose latency is measured")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.ids = fs.Args()
	if len(cfg.ids) == 0 {
		cfg.ids = tpch.QueryIDs()
	}
	cfg.runs = max(cfg.runs, 0)
	cfg.cores = max(cfg.cores, 1)
	cfg.latencySystems = map[string]bool{}
	for _, s := range strings.Split(latencyOn, ",") {
		cfg.latencySystems[strings.TrimSpace(s)] = true
	}
	selected, err := selectSystems(systems)
	if err != nil {
		return err
	}
	for _, p := range []*string{&cfg.data, &cfg.answers, &cfg.plans, &cfg.queries, &cfg.trebuchet, &cfg.runner, &cfg.out, &cfg.latencyData, &cfg.latencyAnswers} {
		if *p != "" {
			if *p, err = filepath.Abs(*p); err != nil {
				return err
			}
		}
	}
	for _, p := range []*string{&cfg.python, &cfg.ballistaPython} {
		if strings.Contains(*p, "/") {
			if *p, err = filepath.Abs(*p); err != nil {
				return err
			}
		}
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	if cfg.work, err = os.MkdirTemp("", "trebuchet-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(cfg.work)
	stamp := time.Now().UTC().Format("20060102T150405Z")
	cfg.logs = filepath.Join(cfg.out, "logs", stamp)
	if err := os.MkdirAll(cfg.logs, 0o755); err != nil {
		return err
	}
	cfg.trebuchetVersion = trebuchetVersion()

	run := &Run{Started: time.Now().UTC(), Data: rel(cfg.data), Answers: rel(cfg.answers), Producer: cfg.producer,
		Runs: cfg.runs, Cores: cfg.cores, Machine: machine(), Queries: cfg.ids}
	refs := &references{dir: cfg.answers}
	results := map[string]*System{}
	ctx := context.Background()
	for _, name := range runOrder {
		if !selected[name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "== %s\n", name)
		switch name {
		case "trebuchet", "trebuchet-cluster":
			results[name] = runTrebuchet(ctx, &cfg, name, name == "trebuchet-cluster", refs)
		case "ballista":
			results[name] = runPeer(ctx, &cfg, name, cfg.ballistaPython, refs)
		default:
			refs.referencePeer = name == "duckdb"
			results[name] = runPeer(ctx, &cfg, name, cfg.python, refs)
			refs.referencePeer = false
		}
		if s := results[name]; s.Error != "" {
			fmt.Fprintf(os.Stderr, "%s did not run: %s\n", name, s.Error)
		}
	}
	for _, name := range allSystems {
		if s := results[name]; s != nil {
			run.Systems = append(run.Systems, s)
		}
	}
	run.Finished = time.Now().UTC()

	if err := writeJSON(filepath.Join(cfg.out, "run-"+stamp+".json"), run); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(cfg.out, "latest.json"), run); err != nil {
		return err
	}
	var table bytes.Buffer
	fmt.Fprintf(&table, "TPC-H on %s, %s (run-%s.json)\n\n", filepath.Base(cfg.data), run.Started.Format("2006-01-02"), stamp)
	writeTable(&table, run)
	if err := os.WriteFile(filepath.Join(cfg.out, "latest.md"), table.Bytes(), 0o644); err != nil {
		return err
	}
	writeFailures(os.Stderr, run)
	fmt.Println()
	os.Stdout.Write(table.Bytes())
	fmt.Printf("\nresults: %s\nlogs: %s\n", filepath.Join(cfg.out, "run-"+stamp+".json"), cfg.logs)
	return nil
}

func selectSystems(list string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		known := false
		for _, k := range allSystems {
			known = known || k == s
		}
		if !known {
			return nil, fmt.Errorf("unknown system %q; known: %s", s, strings.Join(allSystems, ", "))
		}
		out[s] = true
	}
	return out, nil
}

// progress prints a query's outcome as it comes.
func progress(system, id string, q *Query) {
	if q.OK() {
		fmt.Fprintf(os.Stderr, "%s %s: %.3fs\n", system, id, q.Median())
		return
	}
	fmt.Fprintf(os.Stderr, "%s %s: %s %s\n", system, id, q.Status, firstLine(q.Error))
}

// trebuchetVersion names the source tree the binary was built from.
func trebuchetVersion() string {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	v := "git " + strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		v += "+changes"
	}
	return v
}

// rel returns path relative to the working directory when it is inside
// it, for output that reads the same on every machine.
func rel(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		return r
	}
	return path
}

// machine describes this machine, from /proc where there is one.
func machine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, GoVersion: runtime.Version()}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					m.MemoryBytes = kb * 1024
				}
			}
		}
	}
	return m
}
