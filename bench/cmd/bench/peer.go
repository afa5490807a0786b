package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	proccluster "github.com/trebuchet-dev/trebuchet/conformance/cluster"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
)

// peerLine is one line of bench/peers/run.py's output.
type peerLine struct {
	System          string    `json:"system"`
	Version         string    `json:"version"`
	Query           string    `json:"query"`
	Seconds         []float64 `json:"seconds"`
	Result          string    `json:"result"`
	Error           string    `json:"error"`
	Latency         []float64 `json:"latency"`
	ChildrenMaxRSSK int64     `json:"children_maxrss_kib"`
}

// parsePeerOutput reads the runner's JSON lines, calling line for each.
func parsePeerOutput(r io.Reader, line func(peerLine) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		b := sc.Bytes()
		if len(b) == 0 || b[0] != '{' {
			continue // not ours: a library printing to stdout
		}
		var l peerLine
		if err := json.Unmarshal(b, &l); err != nil {
			return fmt.Errorf("reading the runner's output: %w", err)
		}
		if err := line(l); err != nil {
			return err
		}
	}
	return sc.Err()
}

// runPeer runs every query on a peer through bench/peers/run.py in a child
// process and checks each result it writes.
func runPeer(ctx context.Context, cfg *runConfig, name, python string, refs *references) *System {
	s := &System{Name: name, Queries: map[string]*Query{}}
	out := filepath.Join(cfg.work, name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		s.Error = err.Error()
		return s
	}
	args := []string{python, cfg.runner, "--system", name, "--data", cfg.data, "--queries", cfg.queries,
		"--out", out, "--runs", fmt.Sprint(cfg.runs), "--cores", fmt.Sprint(cfg.cores)}
	if cfg.latency > 0 && cfg.latencySystems[name] {
		args = append(args, "--latency", fmt.Sprint(cfg.latency), "--latency-data", cfg.latencyData,
			"--latency-query", cfg.latencyQuery)
	}
	args = append(args, cfg.ids...)
	pr, pw, err := os.Pipe()
	if err != nil {
		s.Error = err.Error()
		return s
	}
	c, err := proccluster.StartProcess(cfg.cores, args, nil, pw, filepath.Join(cfg.logs, name+".log"))
	pw.Close()
	if err != nil {
		pr.Close()
		s.Error = err.Error()
		return s
	}
	var wg sync.WaitGroup
	var parseErr error
	var childrenRSS int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer pr.Close()
		parseErr = parsePeerOutput(pr, func(l peerLine) error {
			switch {
			case l.System != "":
				s.Version = l.Version
			case l.Query != "":
				q := peerQuery(l, refs)
				s.Queries[l.Query] = q
				progress(name, l.Query, q)
			case l.Latency != nil:
				s.Latency = newLatency(cfg.latencyQuery, rel(cfg.latencyData), l.Latency)
				fmt.Fprintf(os.Stderr, "%s latency: p50 %s p99 %s\n", name, msCell(s.Latency.P50), msCell(s.Latency.P99))
			case l.ChildrenMaxRSSK > 0:
				childrenRSS = proccluster.MaxrssBytes(l.ChildrenMaxRSSK)
			}
			return nil
		})
		if parseErr != nil {
			_, _ = io.Copy(io.Discard, pr)
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, cfg.systemTimeout)
	werr := c.Wait(wctx)
	cancel()
	wg.Wait()
	if s.Version != "" { // it started: its peak is the system's, not an import error's
		s.PeakRSSBytes = max(c.MaxRSS(), childrenRSS)
	}
	var failure error
	switch {
	case errors.Is(werr, context.DeadlineExceeded):
		failure = fmt.Errorf("timed out after %s (log %s)", cfg.systemTimeout, c.LogPath())
	case werr != nil:
		failure = c.ExitError()
	case parseErr != nil:
		failure = parseErr
	}
	if failure != nil {
		if len(s.Queries) == 0 {
			s.Error = failure.Error()
		}
		for _, id := range cfg.ids {
			if s.Queries[id] == nil {
				s.Queries[id] = &Query{Status: statusFailed, Error: failure.Error()}
			}
		}
		if cfg.latency > 0 && cfg.latencySystems[name] && s.Latency == nil {
			s.Latency = &Latency{Query: cfg.latencyQuery, Data: rel(cfg.latencyData), Error: failure.Error()}
		}
	}
	return s
}

// peerQuery turns the runner's report of a query into its outcome,
// checking the result file against the reference.
func peerQuery(l peerLine, refs *references) *Query {
	if l.Error != "" {
		return &Query{Status: statusFailed, Error: l.Error}
	}
	schema, batches, err := readArrowFile(l.Result)
	if err != nil {
		return &Query{Status: statusFailed, Error: err.Error()}
	}
	defer release(batches)
	want, err := refs.answer(l.Query)
	if errors.Is(err, errNoAnswer) && refs.canBecomeReference() {
		// This peer's result is the reference for the others.
		want, err = tpch.AnswerFromBatches(l.Result, schema, batches)
		if err == nil {
			refs.set(l.Query, want)
		}
	}
	if err != nil {
		return &Query{Status: statusFailed, Error: err.Error()}
	}
	if err := want.Compare(batches); err != nil {
		return &Query{Status: statusWrong, Error: err.Error()}
	}
	return &Query{Status: statusOK, Seconds: l.Seconds}
}

func readArrowFile(path string) (*arrow.Schema, []arrow.RecordBatch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r, err := ipc.NewFileReader(f, ipc.WithAllocator(memory.DefaultAllocator))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer r.Close()
	var out []arrow.RecordBatch
	for i := range r.NumRecords() {
		b, err := r.RecordBatch(i)
		if err != nil {
			release(out)
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		b.Retain()
		out = append(out, b)
	}
	return r.Schema(), out, nil
}

func release(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

var errNoAnswer = errors.New("no reference answer")

// references holds the expected result of each query: the reference
// answers in a folder, or, for a query without one, the result of the
// reference peer (DuckDB) once it has run.
type references struct {
	dir string
	// referencePeer is running: answers it gives become references.
	referencePeer bool
	mu            sync.Mutex
	fromPeer      map[string]*tpch.Answer
}

func (r *references) answer(id string) (*tpch.Answer, error) {
	r.mu.Lock()
	a := r.fromPeer[id]
	r.mu.Unlock()
	if a != nil {
		return a, nil
	}
	path := filepath.Join(r.dir, id+".csv")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w for %s in %s, and the reference peer gave none", errNoAnswer, id, r.dir)
	}
	return tpch.LoadAnswer(path)
}

func (r *references) canBecomeReference() bool { return r.referencePeer }

func (r *references) set(id string, a *tpch.Answer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fromPeer == nil {
		r.fromPeer = map[string]*tpch.Answer{}
	}
	r.fromPeer[id] = a
}
