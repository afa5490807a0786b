// Command tpchbench runs the TPC-H queries' Substrait plans on Trebuchet's
// engine in this process, checks every result against the reference
// answers, and reports per-query median times, side by side with a peer
// engine's times on the same files when -peer is given.
//
//	go run ./conformance/cmd/tpchbench -data bench/data/tpch/sf1 \
//	    -answers conformance/testdata/tpch/answers/sf1 -runs 3 \
//	    -peer '.venv/bin/python conformance/tpch/bench_datafusion.py'
//
// Producers are the folders of -plans, whose qNN.json plans are run, and
// two more: sql plans the query texts of -queries with Trebuchet's SQL
// front end (sdk/sql) against the -data folder's Parquet files, and
// sql-spec does the same with the texts in the specification's date forms
// (date '1998-12-01' - interval '90' day (3)). Planning is not timed, as
// the other producers' plans are made beforehand too.
//
// With -cluster N, the queries run instead through the gateway of
// Trebuchet processes started from -trebuchet on loopback
// (conformance/cluster): first one standalone process, then a scheduler
// and N executor processes; each query's cluster time is reported beside
// its standalone time, with their ratio, and the same for the totals.
//
//	go build -o bin/trebuchet ./cmd/trebuchet
//	go run ./conformance/cmd/tpchbench -data bench/data/tpch/sf1 \
//	    -answers conformance/testdata/tpch/answers/sf1 -cluster 3 \
//	    -trebuchet bin/trebuchet -producers isthmus
//
// A wrong answer is reported as WRONG and never timed; the command exits
// non-zero if any query is wrong or fails. The peer command is run with
// "--data DIR --runs N --queries DIR q01 q02 ..." appended and must print a
// JSON object mapping query ids to lists of seconds.
//
// Results derived from TPC-H are not comparable to published TPC-H results.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/worker"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/spill"
)

var tables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

func main() {
	var (
		data      = flag.String("data", "conformance/testdata/tpch/sf0.01", "folder of <table>.parquet files")
		answers   = flag.String("answers", "conformance/testdata/tpch/answers/sf0.01", "folder of qNN.csv reference answers")
		plans     = flag.String("plans", "conformance/testdata/tpch/plans", "folder of <producer>/qNN.json plans")
		queriesIn = flag.String("queries", "conformance/testdata/tpch/queries", "folder of qNN.sql query texts, for the sql producers and the peer")
		producers = flag.String("producers", "datafusion,isthmus,substrait-python", "comma-separated producers whose plans to run: folders of -plans, sql, sql-spec")
		runs      = flag.Int("runs", 1, "timed runs per query; the median is reported")
		peer      = flag.String("peer", "", "command running the same queries on a peer engine (see the package comment)")
		out       = flag.String("json", "", "also write the results as JSON to this file")
		profile   = flag.String("cpuprofile", "", "write a CPU profile of Trebuchet's runs to this file")
		memLimit  = flag.String("memory-limit", "", "memory each query may reserve before spilling, e.g. 64MiB (default: no limit); with -cluster, each process's --memory-limit")
		executors = flag.Int("cluster", 0, "run through a standalone process and then a cluster of a scheduler and this many executor processes, instead of in this process")
		binary    = flag.String("trebuchet", "bin/trebuchet", "the trebuchet binary -cluster starts")
		logs      = flag.String("logs", "", "folder for the -cluster processes' logs (default: a temporary folder, removed when all queries pass)")
		timeout   = flag.Duration("query-timeout", 10*time.Minute, "limit of one query run with -cluster")
		alone     = flag.Bool("standalone", true, "with -cluster, run the queries on a standalone process first, for comparison")
		slots     = flag.Int("executor-slots", 0, "with -cluster, the tasks each executor runs at once (default: the cores shared among the executors)")
		profiles  = flag.String("executor-cpuprofiles", "", "with -cluster, write each executor's CPU profile to executor-<i>.pprof in this folder")
	)
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tpchbench:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "tpchbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	ids := flag.Args()
	if len(ids) == 0 {
		for i := 1; i <= 22; i++ {
			ids = append(ids, fmt.Sprintf("q%02d", i))
		}
	}
	limit, err := parseSize(*memLimit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tpchbench: -memory-limit:", err)
		os.Exit(2)
	}
	worker.TuneRuntime(limit) // as trebuchet standalone and executor do
	if err := run(context.Background(), config{
		memoryLimit: limit,
		data:        *data, answers: *answers, plans: *plans, queries: *queriesIn,
		producers: strings.Split(*producers, ","), runs: max(*runs, 1), peer: *peer, json: *out, ids: ids,
		executors: *executors, binary: *binary, logs: *logs, queryTimeout: *timeout,
		standalone: *alone, executorProfiles: *profiles, executorSlots: *slots,
	}); err != nil {
		fmt.Fprintln(os.Stderr, "tpchbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

type config struct {
	data, answers, plans, queries string
	producers                     []string
	runs                          int
	peer, json                    string
	ids                           []string
	// memoryLimit, if not 0, is each query's pool; queries spill to store.
	memoryLimit int64
	store       *spill.Store
	// executors, if not 0, runs the queries through a standalone process
	// and a cluster of this many executors started from binary (see
	// cluster.go), logging into logs.
	executors        int
	binary, logs     string
	queryTimeout     time.Duration
	standalone       bool
	executorProfiles string
	executorSlots    int
}

// parseSize reads a byte count with an optional KiB, MiB or GiB unit.
func parseSize(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	scale := int64(1)
	for _, u := range []struct {
		suffix string
		scale  int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}} {
		if strings.HasSuffix(s, u.suffix) {
			s, scale = strings.TrimSuffix(s, u.suffix), u.scale
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return n * scale, nil
}

// result is one query's outcome for one engine.
type result struct {
	Status  string    `json:"status"` // ok, WRONG, FAILED
	Error   string    `json:"error,omitempty"`
	Seconds []float64 `json:"seconds,omitempty"`
}

func (r result) median() float64 {
	if len(r.Seconds) == 0 {
		return 0
	}
	s := slices.Clone(r.Seconds)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func run(ctx context.Context, cfg config) error {
	if cfg.executors > 0 {
		return runCluster(ctx, cfg)
	}
	var defs []*plan.Table
	for _, t := range tables {
		def, err := catalog.ParseTableFlag(t + "=" + filepath.Join(cfg.data, t+".parquet"))
		if err != nil {
			return err
		}
		defs = append(defs, def)
	}
	cat, err := catalog.New(defs...)
	if err != nil {
		return err
	}
	if cfg.memoryLimit > 0 {
		dir, err := os.MkdirTemp("", "tpchbench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		if cfg.store, err = spill.OpenStore(filepath.Join(dir, "spill")); err != nil {
			return err
		}
		defer cfg.store.Close()
	}
	results := map[string]map[string]result{} // engine → query → result
	failed := 0
	var engines []string
	for _, producer := range cfg.producers {
		engine := "trebuchet/" + producer
		engines = append(engines, engine)
		results[engine] = map[string]result{}
		for _, id := range cfg.ids {
			r := runQuery(ctx, cat, cfg, producer, id)
			if r.Status != "ok" {
				failed++
			}
			results[engine][id] = r
			fmt.Fprintf(os.Stderr, "%s %s: %s %.3fs %s\n", engine, id, r.Status, r.median(), r.Error)
		}
	}
	var ratios []ratio
	if cfg.peer != "" {
		peerResults, err := runPeer(ctx, cfg)
		if err != nil {
			return fmt.Errorf("peer: %w", err)
		}
		results["peer"] = peerResults
		for _, e := range engines {
			ratios = append(ratios, ratio{label: strings.TrimPrefix(e, "trebuchet/") + "/peer", num: e, den: "peer"})
		}
		engines = append(engines, "peer")
	}
	return finish(cfg, results, engines, ratios, failed)
}

// finish reports the results, writes them as JSON if asked, and fails if
// any query did.
func finish(cfg config, results map[string]map[string]result, engines []string, ratios []ratio, failed int) error {
	report(os.Stdout, cfg, results, engines, ratios)
	if cfg.json != "" {
		data, err := json.MarshalIndent(results, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(cfg.json, data, 0o644); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d query runs failed or gave wrong answers", failed)
	}
	return nil
}

// queryPlan returns the producer's serialized plan of query id, and
// whether it is protobuf JSON (else binary).
func queryPlan(ctx context.Context, cfg config, producer, id string) ([]byte, bool, error) {
	if producer != "sql" && producer != "sql-spec" {
		data, err := os.ReadFile(filepath.Join(cfg.plans, producer, id+".json"))
		return data, true, err
	}
	text, err := os.ReadFile(filepath.Join(cfg.queries, id+".sql"))
	if err != nil {
		return nil, false, err
	}
	q := string(text)
	if producer == "sql-spec" {
		if q, err = tpch.SpecDateForm(id, q); err != nil {
			return nil, false, err
		}
	}
	cat := sql.ParquetCatalog{}
	for _, t := range tables {
		cat[t] = filepath.Join(cfg.data, t+".parquet")
	}
	p, err := sql.Plan(ctx, q, cat)
	if err != nil {
		return nil, false, fmt.Errorf("sql: %w", err)
	}
	data, err := proto.Marshal(p)
	return data, false, err
}

// runQuery checks the query's answer once, then times cfg.runs more runs.
func runQuery(ctx context.Context, cat plan.Catalog, cfg config, producer, id string) result {
	data, isJSON, err := queryPlan(ctx, cfg, producer, id)
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	want, err := tpch.LoadAnswer(filepath.Join(cfg.answers, id+".csv"))
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	execute := func() ([]arrow.RecordBatch, time.Duration, error) {
		start := time.Now()
		p, err := normalize.Decode(data, isJSON)
		if err != nil {
			return nil, 0, err
		}
		physical, err := plan.Build(ctx, p, cat)
		if err != nil {
			return nil, 0, err
		}
		task := op.NewTask()
		if cfg.memoryLimit > 0 {
			space, err := cfg.store.NewSpace(id)
			if err != nil {
				return nil, 0, err
			}
			defer space.Close()
			task.Pool, task.Spill = spill.NewPool(cfg.memoryLimit), space
		}
		out, err := op.Collect(ctx, physical.Root, task)
		if cfg.memoryLimit > 0 {
			rows, bytes := task.Spill.Spilled()
			fmt.Fprintf(os.Stderr, "%s/%s: spilled %d rows, %d bytes\n", producer, id, rows, bytes)
		}
		return out, time.Since(start), err
	}
	release := func(bs []arrow.RecordBatch) {
		for _, b := range bs {
			b.Release()
		}
	}
	got, _, err := execute()
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	err = want.Compare(got)
	release(got)
	if err != nil {
		return result{Status: "WRONG", Error: err.Error()}
	}
	r := result{Status: "ok"}
	for range cfg.runs {
		got, elapsed, err := execute()
		release(got)
		if err != nil {
			return result{Status: "FAILED", Error: err.Error()}
		}
		r.Seconds = append(r.Seconds, elapsed.Seconds())
	}
	return r
}

func runPeer(ctx context.Context, cfg config) (map[string]result, error) {
	args := strings.Fields(cfg.peer)
	args = append(args, "--data", cfg.data, "--runs", fmt.Sprint(cfg.runs), "--queries", cfg.queries)
	args = append(args, cfg.ids...)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, err
	}
	var times map[string][]float64
	if err := json.Unmarshal(stdout.Bytes(), &times); err != nil {
		return nil, fmt.Errorf("reading its JSON: %w", err)
	}
	out := map[string]result{}
	for id, s := range times {
		out[id] = result{Status: "ok", Seconds: s}
	}
	return out, nil
}

// ratio is a column of the report: engine num's times over engine den's.
type ratio struct{ label, num, den string }

// report prints a table of each engine's per-query medians and totals,
// and the ratios asked for.
func report(w *os.File, cfg config, results map[string]map[string]result, engines []string, ratios []ratio) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	header := "query\t"
	for _, e := range engines {
		header += e + " s\t"
	}
	for _, r := range ratios {
		header += r.label + "\t"
	}
	fmt.Fprintln(tw, header)
	totals := map[string]float64{}
	complete := map[string]bool{}
	for _, e := range engines {
		complete[e] = true
	}
	for _, id := range cfg.ids {
		line := id + "\t"
		for _, e := range engines {
			r, ok := results[e][id]
			if !ok || r.Status != "ok" {
				complete[e] = false
				status := "missing"
				if ok {
					status = r.Status
				}
				line += status + "\t"
				continue
			}
			totals[e] += r.median()
			line += fmt.Sprintf("%.3f\t", r.median())
		}
		for _, q := range ratios {
			a, b := results[q.num][id], results[q.den][id]
			if a.Status == "ok" && b.Status == "ok" && b.median() > 0 {
				line += fmt.Sprintf("%.2f\t", a.median()/b.median())
			} else {
				line += "-\t"
			}
		}
		fmt.Fprintln(tw, line)
	}
	line := "total\t"
	for _, e := range engines {
		mark := ""
		if !complete[e] {
			mark = "*"
		}
		line += fmt.Sprintf("%.3f%s\t", totals[e], mark)
	}
	for _, q := range ratios {
		if complete[q.num] && complete[q.den] && totals[q.den] > 0 {
			line += fmt.Sprintf("%.2f\t", totals[q.num]/totals[q.den])
		} else {
			line += "-\t"
		}
	}
	fmt.Fprintln(tw, line)
	tw.Flush()
	fmt.Fprintf(w, "medians of %d runs; * = total over the queries that ran correctly. Derived from TPC-H; not comparable to published TPC-H results.\n", cfg.runs)
}
