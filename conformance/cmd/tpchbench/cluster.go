package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/trebuchet-dev/trebuchet/conformance/cluster"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// runCluster runs every producer's queries through a standalone process,
// then through a cluster of cfg.executors executor processes, and reports
// each cluster time beside the standalone one.
func runCluster(ctx context.Context, cfg config) error {
	logs := cfg.logs
	if logs == "" {
		dir, err := os.MkdirTemp("", "tpchbench-cluster-")
		if err != nil {
			return err
		}
		logs = dir
	}
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}
	data, err := filepath.Abs(cfg.data)
	if err != nil {
		return err
	}
	cc := cluster.Config{Binary: cfg.binary, Cores: runtime.NumCPU(), Slots: cfg.executorSlots, MemoryLimit: cfg.memoryLimit}
	for _, t := range tables {
		cc.Tables = append(cc.Tables, t+"="+filepath.Join(data, t+".parquet"))
	}
	if dir := cfg.executorProfiles; dir != "" {
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		cc.ExecutorArgs = func(i int) []string {
			return []string{"--cpuprofile", filepath.Join(dir, fmt.Sprintf("executor-%d.pprof", i))}
		}
	}
	type system struct {
		name      string
		executors int
	}
	systems := []system{{"cluster", cfg.executors}}
	if cfg.standalone {
		systems = append([]system{{"standalone", 0}}, systems...)
	}
	results := map[string]map[string]result{}
	var engines []string
	var ratios []ratio
	failed := 0
	for _, system := range systems {
		cc.Executors, cc.LogPrefix = system.executors, filepath.Join(logs, system.name)
		fmt.Fprintf(os.Stderr, "starting %s (logs %s*)\n", system.name, cc.LogPrefix)
		c, err := cluster.Start(cc)
		if err != nil {
			return fmt.Errorf("%s: %w", system.name, err)
		}
		cl := client.New(c.Addr)
		for _, producer := range cfg.producers {
			engine := system.name + "/" + producer
			engines = append(engines, engine)
			if system.executors > 0 && cfg.standalone {
				ratios = append(ratios, ratio{label: producer + " cluster/standalone", num: engine, den: "standalone/" + producer})
			}
			results[engine] = map[string]result{}
			for _, id := range cfg.ids {
				r := runClientQuery(ctx, cfg, cl, producer, id)
				if r.Status != "ok" {
					failed++
				}
				if dead := c.Dead(); dead != nil && r.Status == "ok" {
					r = result{Status: "FAILED", Error: dead.ExitError().Error()}
					failed++
				}
				results[engine][id] = r
				fmt.Fprintf(os.Stderr, "%s %s: %s %.3fs %s\n", engine, id, r.Status, r.median(), r.Error)
			}
		}
		c.Stop()
	}
	err = finish(cfg, results, engines, ratios, failed)
	if err == nil && cfg.logs == "" {
		os.RemoveAll(logs)
	}
	return err
}

// runClientQuery checks a query's answer through the gateway once, then
// times cfg.runs more round trips.
func runClientQuery(ctx context.Context, cfg config, c *client.Client, producer, id string) result {
	data, isJSON, err := queryPlan(ctx, cfg, producer, id)
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	p := client.BinaryPlan(data)
	if isJSON {
		p = client.JSONPlan(data)
	}
	want, err := tpch.LoadAnswer(filepath.Join(cfg.answers, id+".csv"))
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	execute := func() (*client.Result, time.Duration, error) {
		ctx, cancel := context.WithTimeout(ctx, cfg.queryTimeout)
		defer cancel()
		start := time.Now()
		res, err := c.Execute(ctx, p, nil)
		return res, time.Since(start), err
	}
	res, _, err := execute()
	if err != nil {
		return result{Status: "FAILED", Error: err.Error()}
	}
	err = want.Compare(res.Batches)
	res.Release()
	if err != nil {
		return result{Status: "WRONG", Error: err.Error()}
	}
	r := result{Status: "ok"}
	for range cfg.runs {
		res, elapsed, err := execute()
		if err != nil {
			return result{Status: "FAILED", Error: err.Error()}
		}
		res.Release()
		r.Seconds = append(r.Seconds, elapsed.Seconds())
	}
	return r
}
