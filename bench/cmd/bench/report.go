package main

import (
	"fmt"
	"io"
	"strings"
)

// baseline is the system the ratio columns divide: Trebuchet standalone.
const baseline = "trebuchet"

// writeTable writes the run as a Markdown table: per query the median of
// each system and the ratio of Trebuchet's to each peer's, then totals,
// peak RSS and latency, then the versions.
func writeTable(w io.Writer, r *Run) {
	base := r.system(baseline)
	var peers []*System
	for _, s := range r.Systems {
		if s.Name != baseline && !strings.HasPrefix(s.Name, "trebuchet") {
			peers = append(peers, s)
		}
	}
	header := []string{"query"}
	for _, s := range r.Systems {
		header = append(header, s.Name+" s")
	}
	if base != nil {
		for _, p := range peers {
			header = append(header, baseline+"/"+p.Name)
		}
	}
	row := func(cells []string) { fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | ")) }
	row(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---:"
	}
	sep[0] = "---"
	row(sep)

	for _, id := range r.Queries {
		cells := []string{id}
		for _, s := range r.Systems {
			cells = append(cells, cell(s.Queries[id]))
		}
		if base != nil {
			for _, p := range peers {
				a, b := base.Queries[id], p.Queries[id]
				if a.OK() && b.OK() && b.Median() > 0 {
					cells = append(cells, fmt.Sprintf("%.2f", a.Median()/b.Median()))
				} else {
					cells = append(cells, "-")
				}
			}
		}
		row(cells)
	}

	cells := []string{"total"}
	for _, s := range r.Systems {
		sum, n := 0.0, 0
		for _, id := range r.Queries {
			if q := s.Queries[id]; q.OK() {
				sum += q.Median()
				n++
			}
		}
		c := fmt.Sprintf("%.3f", sum)
		if n < len(r.Queries) {
			c += fmt.Sprintf(" (%d/%d)", n, len(r.Queries))
		}
		cells = append(cells, c)
	}
	if base != nil {
		for _, p := range peers {
			// The ratio of totals over the queries both answered correctly.
			a, b, n := 0.0, 0.0, 0
			for _, id := range r.Queries {
				if qa, qb := base.Queries[id], p.Queries[id]; qa.OK() && qb.OK() {
					a += qa.Median()
					b += qb.Median()
					n++
				}
			}
			c := "-"
			if n > 0 && b > 0 {
				c = fmt.Sprintf("%.2f", a/b)
				if n < len(r.Queries) {
					c += fmt.Sprintf(" (%d)", n)
				}
			}
			cells = append(cells, c)
		}
	}
	row(cells)

	pad := func(cells []string) []string {
		for len(cells) < len(header) {
			cells = append(cells, "")
		}
		return cells
	}
	cells = []string{"peak RSS"}
	for _, s := range r.Systems {
		cells = append(cells, bytesCell(s.PeakRSSBytes))
	}
	row(pad(cells))
	if hasLatency(r) {
		cells = []string{"latency p50 / p99"}
		for _, s := range r.Systems {
			cells = append(cells, latencyCell(s.Latency))
		}
		row(pad(cells))
	}

	if r.Runs == 0 {
		fmt.Fprint(w, "\nSeconds of one cold run per query, whose answer was then checked; ")
	} else {
		fmt.Fprintf(w, "\nMedians of %d timed runs in seconds, each after an untimed run whose answer was checked; ", r.Runs)
	}
	fmt.Fprintf(w, "WRONG = wrong answer, FAILED = error, neither timed. total = sum of the medians of correct answers "+
		"(n/%d when some were not); the total ratio is over the queries both systems answered correctly (count in brackets when not all).",
		len(r.Queries))
	if hasLatency(r) {
		l := firstLatency(r)
		fmt.Fprintf(w, " Latency: end-to-end round trip of %s on %s, %d runs.", l.Query, l.Data, l.Runs)
	}
	fmt.Fprintf(w, "\n\nData: %s; %d cores (of %d), %s memory, %s; Trebuchet ran the %s plans. Versions: %s.\n",
		r.Data, r.Cores, r.Machine.CPUs, bytesCell(r.Machine.MemoryBytes), r.Machine.CPUModel, r.Producer, versions(r))
	fmt.Fprintln(w, "\nThese figures are derived from TPC-H and are not comparable to published TPC-H results.")
	for _, s := range r.Systems {
		if s.Error != "" {
			fmt.Fprintf(w, "\n%s did not run: %s\n", s.Name, firstLine(s.Error))
		}
	}
}

func cell(q *Query) string {
	switch {
	case q == nil:
		return "-"
	case q.OK():
		return fmt.Sprintf("%.3f", q.Median())
	}
	return q.Status
}

func latencyCell(l *Latency) string {
	switch {
	case l == nil:
		return ""
	case len(l.Seconds) == 0:
		return "FAILED"
	}
	c := fmt.Sprintf("%s / %s", msCell(l.P50), msCell(l.P99))
	if l.Failures > 0 {
		c += fmt.Sprintf(" (%d of %d FAILED)", l.Failures, l.Failures+len(l.Seconds))
	}
	return c
}

func bytesCell(n int64) string {
	switch {
	case n <= 0:
		return "-"
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}

func msCell(s float64) string { return fmt.Sprintf("%.1f ms", s*1000) }

func hasLatency(r *Run) bool { return firstLatency(r) != nil }

func firstLatency(r *Run) *Latency {
	for _, s := range r.Systems {
		if s.Latency != nil && len(s.Latency.Seconds) > 0 {
			return s.Latency
		}
	}
	return nil
}

func versions(r *Run) string {
	var vs []string
	for _, s := range r.Systems {
		v := s.Version
		if v == "" {
			v = "?"
		}
		vs = append(vs, s.Name+" "+v)
	}
	return strings.Join(vs, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// writeFailures lists every query that was not timed, and why.
func writeFailures(w io.Writer, r *Run) {
	for _, s := range r.Systems {
		for _, id := range r.Queries {
			if q := s.Queries[id]; q != nil && !q.OK() {
				fmt.Fprintf(w, "%s %s: %s: %s\n", s.Name, id, q.Status, firstLine(q.Error))
			}
		}
		if s.Latency != nil && s.Latency.Error != "" {
			fmt.Fprintf(w, "%s latency: %s\n", s.Name, firstLine(s.Latency.Error))
		}
	}
}
