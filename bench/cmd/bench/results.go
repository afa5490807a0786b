package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"time"
)

// Query outcomes.
const (
	statusOK     = "ok"
	statusWrong  = "WRONG"
	statusFailed = "FAILED"
)

// A Run is one invocation of bench run, as written to its JSON file.
type Run struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Data     string    `json:"data"`
	Answers  string    `json:"answers"`
	Producer string    `json:"producer"` // whose Substrait plans Trebuchet ran
	Runs     int       `json:"runs"`     // timed runs per query
	Cores    int       `json:"cores"`
	Machine  Machine   `json:"machine"`
	Queries  []string  `json:"queries"`
	Systems  []*System `json:"systems"`
}

// Machine describes where a run ran.
type Machine struct {
	CPUs        int    `json:"cpus"`
	CPUModel    string `json:"cpu_model,omitempty"`
	MemoryBytes int64  `json:"memory_bytes,omitempty"`
	OS          string `json:"os"`
	GoVersion   string `json:"go_version"`
}

// A System is one engine's results in a run.
type System struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	// Error is set when the system could not run at all (not installed,
	// crashed on start); its queries are then FAILED.
	Error        string            `json:"error,omitempty"`
	PeakRSSBytes int64             `json:"peak_rss_bytes,omitempty"`
	Queries      map[string]*Query `json:"queries"`
	Latency      *Latency          `json:"latency,omitempty"`
}

// A Query is one query's outcome on one system.
type Query struct {
	Status  string    `json:"status"`
	Error   string    `json:"error,omitempty"`
	Seconds []float64 `json:"seconds,omitempty"` // timed runs, only when Status is ok
}

// Latency is the end-to-end round trip of a small query, repeated.
type Latency struct {
	Query   string    `json:"query"`
	Data    string    `json:"data"`
	Runs    int       `json:"runs"`
	P50     float64   `json:"p50_seconds"`
	P99     float64   `json:"p99_seconds"`
	Seconds []float64 `json:"seconds,omitempty"`
	// Failures counts round trips that failed, and Error is the first
	// one's error; the percentiles are over the others. With no successful
	// round trip (or a wrong answer), Error alone says why.
	Failures int    `json:"failures,omitempty"`
	Error    string `json:"error,omitempty"`
}

// newLatency summarizes the timed round trips.
func newLatency(query, data string, seconds []float64) *Latency {
	return &Latency{Query: query, Data: data, Runs: len(seconds),
		P50: percentile(seconds, 50), P99: percentile(seconds, 99), Seconds: seconds}
}

// Median returns the median of the timed runs, or 0 for none.
func (q *Query) Median() float64 { return percentile(q.Seconds, 50) }

// OK reports whether the query ran and gave the right answer.
func (q *Query) OK() bool { return q != nil && q.Status == statusOK && len(q.Seconds) > 0 }

// percentile returns the p-th percentile of xs by the nearest-rank method,
// except that the 50th of an even count is the mean of the middle two.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if p == 50 && len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// system returns the system named name, or nil.
func (r *Run) system(name string) *System {
	for _, s := range r.Systems {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func readRun(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Run
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &r, nil
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
