package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestPercentile(t *testing.T) {
	xs := []float64{5, 1, 3, 2, 4}
	if got := percentile(xs, 50); got != 3 {
		t.Errorf("median of 5: %v", got)
	}
	if got := percentile([]float64{4, 1, 3, 2}, 50); got != 2.5 {
		t.Errorf("median of 4: %v", got)
	}
	var hundred []float64
	for i := 100; i >= 1; i-- {
		hundred = append(hundred, float64(i))
	}
	if got := percentile(hundred, 99); got != 99 {
		t.Errorf("p99 of 1..100: %v", got)
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("median of none: %v", got)
	}
}

func TestParsePeerOutput(t *testing.T) {
	out := `{"system": "duckdb", "version": "1.5.5"}
some library's chatter
{"query": "q01", "seconds": [0.5, 0.25, 0.75], "result": "/tmp/q01.arrow"}
{"query": "q02", "error": "boom"}
{"latency": [0.001, 0.002]}
{"children_maxrss_kib": 1024}
`
	var lines []peerLine
	err := parsePeerOutput(strings.NewReader(out), func(l peerLine) error {
		lines = append(lines, l)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5", len(lines))
	}
	if lines[0].Version != "1.5.5" || lines[1].Query != "q01" || len(lines[1].Seconds) != 3 ||
		lines[2].Error != "boom" || len(lines[3].Latency) != 2 || lines[4].ChildrenMaxRSSK != 1024 {
		t.Errorf("parsed %+v", lines)
	}
	if err := parsePeerOutput(strings.NewReader("{not json\n"), func(peerLine) error { return nil }); err == nil {
		t.Error("bad JSON: no error")
	}
}

// writeResult writes a one-column int64 result as the runner does.
func writeResult(t *testing.T, path string, vals ...int64) {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{{Name: "n", Type: arrow.PrimitiveTypes.Int64}}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues(vals, nil)
	rec := b.NewRecordBatch()
	defer rec.Release()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func TestPeerQueryChecksTheAnswer(t *testing.T) {
	dir := t.TempDir()
	answers := filepath.Join(dir, "answers")
	os.Mkdir(answers, 0o755)
	os.WriteFile(filepath.Join(answers, "q01.csv"), []byte("n\n1\n2\n"), 0o644)
	refs := &references{dir: answers}

	right, wrong := filepath.Join(dir, "right.arrow"), filepath.Join(dir, "wrong.arrow")
	writeResult(t, right, 1, 2)
	writeResult(t, wrong, 1, 3)
	if q := peerQuery(peerLine{Query: "q01", Seconds: []float64{1, 2}, Result: right}, refs); !q.OK() || q.Median() != 1.5 {
		t.Errorf("right answer: %+v", q)
	}
	if q := peerQuery(peerLine{Query: "q01", Seconds: []float64{1}, Result: wrong}, refs); q.Status != statusWrong || len(q.Seconds) != 0 {
		t.Errorf("wrong answer: %+v, want WRONG and untimed", q)
	}
	if q := peerQuery(peerLine{Query: "q01", Error: "unsupported"}, refs); q.Status != statusFailed {
		t.Errorf("failed query: %+v", q)
	}

	// Without an answer file, the reference peer's result becomes the
	// answer the others are checked against.
	if q := peerQuery(peerLine{Query: "q02", Seconds: []float64{1}, Result: right}, refs); q.Status != statusFailed {
		t.Errorf("no answer, no reference peer: %+v, want FAILED", q)
	}
	refs.referencePeer = true
	if q := peerQuery(peerLine{Query: "q02", Seconds: []float64{1}, Result: right}, refs); !q.OK() {
		t.Errorf("reference peer: %+v", q)
	}
	refs.referencePeer = false
	if q := peerQuery(peerLine{Query: "q02", Seconds: []float64{1}, Result: wrong}, refs); q.Status != statusWrong {
		t.Errorf("against the reference peer: %+v, want WRONG", q)
	}
}

func testRun() *Run {
	ok := func(s ...float64) *Query { return &Query{Status: statusOK, Seconds: s} }
	return &Run{
		Runs: 3, Cores: 2, Queries: []string{"q01", "q02"}, Producer: "isthmus",
		Systems: []*System{
			{Name: "trebuchet", Version: "git abc", PeakRSSBytes: 100 << 20,
				Queries: map[string]*Query{"q01": ok(2, 2, 2), "q02": {Status: statusWrong, Error: "row 1"}},
				Latency: newLatency("q06", "sf0.01", []float64{0.002, 0.004})},
			{Name: "duckdb", Version: "1.5.5", PeakRSSBytes: 2 << 30,
				Queries: map[string]*Query{"q01": ok(1, 1, 1), "q02": ok(3, 3, 3)}},
		},
	}
}

func TestWriteTable(t *testing.T) {
	var buf bytes.Buffer
	writeTable(&buf, testRun())
	out := buf.String()
	for _, want := range []string{
		"| query | trebuchet s | duckdb s | trebuchet/duckdb |",
		"| q01 | 2.000 | 1.000 | 2.00 |",
		"| q02 | WRONG | 3.000 | - |",
		"| total | 2.000 (1/2) | 4.000 | 2.00 (1) |",
		"| peak RSS | 100 MiB | 2.00 GiB |  |",
		"| latency p50 / p99 | 3.0 ms / 4.0 ms |  |  |",
		"trebuchet git abc, duckdb 1.5.5",
		"not comparable to published TPC-H results",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestWriteComparison(t *testing.T) {
	a, b := testRun(), testRun()
	b.Systems[1].Queries["q01"] = &Query{Status: statusOK, Seconds: []float64{0.5}}
	var buf bytes.Buffer
	writeComparison(&buf, a, b)
	out := buf.String()
	for _, want := range []string{
		"| query | trebuchet A | trebuchet B | B/A | duckdb A | duckdb B | B/A |",
		"| q01 | 2.000 | 2.000 | 1.00 | 1.000 | 0.500 | 0.50 |",
		"| q02 | WRONG | WRONG | - | 3.000 | 3.000 | 1.00 |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("comparison lacks %q:\n%s", want, out)
		}
	}
}

func TestSelectSystems(t *testing.T) {
	got, err := selectSystems("duckdb, trebuchet")
	if err != nil || !got["duckdb"] || !got["trebuchet"] || len(got) != 2 {
		t.Errorf("got %v, %v", got, err)
	}
	if _, err := selectSystems("duckdb,postgres"); err == nil {
		t.Error("unknown system: no error")
	}
}

func TestLatencyCell(t *testing.T) {
	l := newLatency("q06", "sf0.01", []float64{0.010, 0.020, 0.030})
	if got := latencyCell(l); got != "20.0 ms / 30.0 ms" {
		t.Errorf("got %q", got)
	}
	l.Failures, l.Error = 1, "not found"
	if got := latencyCell(l); got != "20.0 ms / 30.0 ms (1 of 4 FAILED)" {
		t.Errorf("got %q", got)
	}
	if got := latencyCell(&Latency{Error: "boom"}); got != "FAILED" {
		t.Errorf("got %q", got)
	}
}
