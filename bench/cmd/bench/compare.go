package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

func compareCommand(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("usage: bench compare A.json B.json")
	}
	a, err := readRun(args[0])
	if err != nil {
		return err
	}
	b, err := readRun(args[1])
	if err != nil {
		return err
	}
	fmt.Printf("A: %s (%s, %d runs)\nB: %s (%s, %d runs)\n\n", args[0], a.Started.Format("2006-01-02 15:04"), a.Runs,
		args[1], b.Started.Format("2006-01-02 15:04"), b.Runs)
	writeComparison(os.Stdout, a, b)
	return nil
}

// writeComparison writes, for every system in both runs, each query's
// median in A and in B and the ratio B/A (below 1: B is faster), then the
// totals over the queries correct in both, and peak RSS.
func writeComparison(w io.Writer, a, b *Run) {
	var systems []string
	for _, s := range a.Systems {
		if b.system(s.Name) != nil {
			systems = append(systems, s.Name)
		}
	}
	ids := a.Queries
	header := []string{"query"}
	for _, s := range systems {
		header = append(header, s+" A", s+" B", "B/A")
	}
	row := func(cells []string) { fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | ")) }
	row(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---:"
	}
	sep[0] = "---"
	row(sep)
	totals := make([][2]float64, len(systems))
	for _, id := range ids {
		cells := []string{id}
		for i, name := range systems {
			qa, qb := a.system(name).Queries[id], b.system(name).Queries[id]
			ratio := "-"
			if qa.OK() && qb.OK() && qa.Median() > 0 {
				ratio = fmt.Sprintf("%.2f", qb.Median()/qa.Median())
				totals[i][0] += qa.Median()
				totals[i][1] += qb.Median()
			}
			cells = append(cells, cell(qa), cell(qb), ratio)
		}
		row(cells)
	}
	cells := []string{"total (correct in both)"}
	for i := range systems {
		ratio := "-"
		if totals[i][0] > 0 {
			ratio = fmt.Sprintf("%.2f", totals[i][1]/totals[i][0])
		}
		cells = append(cells, fmt.Sprintf("%.3f", totals[i][0]), fmt.Sprintf("%.3f", totals[i][1]), ratio)
	}
	row(cells)
	cells = []string{"peak RSS"}
	for _, name := range systems {
		ra, rb := a.system(name).PeakRSSBytes, b.system(name).PeakRSSBytes
		ratio := "-"
		if ra > 0 && rb > 0 {
			ratio = fmt.Sprintf("%.2f", float64(rb)/float64(ra))
		}
		cells = append(cells, bytesCell(ra), bytesCell(rb), ratio)
	}
	row(cells)
	cells = []string{"latency p50"}
	shown := false
	for _, name := range systems {
		la, lb := a.system(name).Latency, b.system(name).Latency
		if la != nil && lb != nil && len(la.Seconds) > 0 && len(lb.Seconds) > 0 && la.P50 > 0 {
			shown = true
			cells = append(cells, msCell(la.P50), msCell(lb.P50), fmt.Sprintf("%.2f", lb.P50/la.P50))
		} else {
			cells = append(cells, "", "", "")
		}
	}
	if shown {
		row(cells)
	}
	fmt.Fprintln(w, "\nB/A below 1: B is faster. Derived from TPC-H; not comparable to published TPC-H results.")
}
