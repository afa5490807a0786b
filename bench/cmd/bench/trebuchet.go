package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	proccluster "github.com/trebuchet-dev/trebuchet/conformance/cluster"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

var tables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

// clusterExecutors is the number of executor processes of trebuchet-cluster.
const clusterExecutors = 3

// startTrebuchet starts Trebuchet over the tables in data: standalone, or
// (cluster) a scheduler and clusterExecutors executors, and waits until its
// executors have joined.
func startTrebuchet(cfg *runConfig, cluster bool, data, logPrefix string) (*proccluster.Cluster, error) {
	cc := proccluster.Config{Binary: cfg.trebuchet, Cores: cfg.cores, LogPrefix: logPrefix}
	for _, t := range tables {
		cc.Tables = append(cc.Tables, t+"="+filepath.Join(data, t+".parquet"))
	}
	if cluster {
		cc.Executors = clusterExecutors
	}
	return proccluster.Start(cc)
}

// runTrebuchet runs every query on Trebuchet (standalone, or the process
// cluster) and then, with cfg.latency, the latency query.
func runTrebuchet(ctx context.Context, cfg *runConfig, name string, cluster bool, refs *references) *System {
	s := &System{Name: name, Version: cfg.trebuchetVersion, Queries: map[string]*Query{}}
	fail := func(err error) *System {
		s.Error = err.Error()
		for _, id := range cfg.ids {
			if s.Queries[id] == nil {
				s.Queries[id] = &Query{Status: statusFailed, Error: s.Error}
			}
		}
		return s
	}
	tc, err := startTrebuchet(cfg, cluster, cfg.data, filepath.Join(cfg.logs, name))
	if err != nil {
		return fail(err)
	}
	c := client.New(tc.Addr)
	for _, id := range cfg.ids {
		q := runTrebuchetQuery(ctx, cfg, c, id, refs)
		s.Queries[id] = q
		progress(name, id, q)
		if dead := tc.Dead(); dead != nil {
			s.PeakRSSBytes = tc.Stop()
			return fail(fmt.Errorf("%s after %s: %w", name, id, dead.ExitError()))
		}
	}
	s.PeakRSSBytes = tc.Stop()
	if cfg.latency > 0 {
		s.Latency = trebuchetLatency(ctx, cfg, name, cluster)
		fmt.Fprintf(os.Stderr, "%s latency: p50 %s p99 %s, %d failed %s\n", name, msCell(s.Latency.P50), msCell(s.Latency.P99), s.Latency.Failures, s.Latency.Error)
	}
	return s
}

// runTrebuchetQuery runs a query's plan once and checks the answer, then
// times cfg.runs more round trips through the gateway.
func runTrebuchetQuery(ctx context.Context, cfg *runConfig, c *client.Client, id string, refs *references) *Query {
	plan, err := os.ReadFile(filepath.Join(cfg.plans, cfg.producer, id+".json"))
	if err != nil {
		return &Query{Status: statusFailed, Error: err.Error()}
	}
	want, err := refs.answer(id)
	if err != nil {
		return &Query{Status: statusFailed, Error: err.Error()}
	}
	execute := func() (time.Duration, error) {
		ctx, cancel := context.WithTimeout(ctx, cfg.queryTimeout)
		defer cancel()
		start := time.Now()
		res, err := c.Execute(ctx, client.JSONPlan(plan), nil)
		elapsed := time.Since(start)
		if err != nil {
			return 0, err
		}
		res.Release()
		return elapsed, nil
	}
	ctxCheck, cancel := context.WithTimeout(ctx, cfg.queryTimeout)
	start := time.Now()
	res, err := c.Execute(ctxCheck, client.JSONPlan(plan), nil)
	checked := time.Since(start)
	cancel()
	if err != nil {
		return &Query{Status: statusFailed, Error: err.Error()}
	}
	err = want.Compare(res.Batches)
	res.Release()
	if err != nil {
		return &Query{Status: statusWrong, Error: err.Error()}
	}
	q := &Query{Status: statusOK}
	if cfg.runs == 0 {
		q.Seconds = []float64{checked.Seconds()}
	}
	for range cfg.runs {
		elapsed, err := execute()
		if err != nil {
			return &Query{Status: statusFailed, Error: err.Error()}
		}
		q.Seconds = append(q.Seconds, elapsed.Seconds())
	}
	return q
}

// trebuchetLatency starts Trebuchet on the latency data and times
// cfg.latency round trips of the latency query, after a checked run and
// a few warm-up runs.
func trebuchetLatency(ctx context.Context, cfg *runConfig, name string, cluster bool) *Latency {
	l := &Latency{Query: cfg.latencyQuery, Data: rel(cfg.latencyData)}
	tc, err := startTrebuchet(cfg, cluster, cfg.latencyData, filepath.Join(cfg.logs, name+"-latency"))
	if err != nil {
		l.Error = err.Error()
		return l
	}
	defer tc.Stop()
	plan, err := os.ReadFile(filepath.Join(cfg.plans, cfg.producer, cfg.latencyQuery+".json"))
	if err != nil {
		l.Error = err.Error()
		return l
	}
	c := client.New(tc.Addr)
	for i := range 5 + cfg.latency {
		rctx, cancel := context.WithTimeout(ctx, cfg.queryTimeout)
		start := time.Now()
		res, err := c.Execute(rctx, client.JSONPlan(plan), nil)
		elapsed := time.Since(start)
		cancel()
		if err != nil {
			if i < 5 {
				l.Error = err.Error()
				return l
			}
			// Count it, keep the first error, and go on.
			if l.Failures++; l.Error == "" {
				l.Error = err.Error()
			}
			continue
		}
		if i == 0 && cfg.latencyAnswers != "" {
			want, err := tpch.LoadAnswer(filepath.Join(cfg.latencyAnswers, cfg.latencyQuery+".csv"))
			if err == nil {
				err = want.Compare(res.Batches)
			}
			if err != nil {
				res.Release()
				l.Error = fmt.Sprintf("%s: %v", statusWrong, err)
				return l
			}
		}
		res.Release()
		if i >= 5 {
			l.Seconds = append(l.Seconds, elapsed.Seconds())
		}
	}
	out := newLatency(l.Query, l.Data, l.Seconds)
	out.Failures, out.Error = l.Failures, l.Error
	return out
}
