package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// twoColumns is the table schema of the writes below: two columns of
// lineitem.
const twoColumns = `{"names": ["l_orderkey", "l_returnflag"], "struct": {"types": [
      {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"string": {"nullability": "NULLABILITY_REQUIRED"}}
    ], "nullability": "NULLABILITY_REQUIRED"}}`

// writePlan is a WriteRel of two columns of lineitem: op is its op, dest
// its destination (a named_table or an extension_table).
func writePlan(op, dest string) string {
	return fmt.Sprintf(`{
  "version": {"minorNumber": 75, "producer": "trebuchet-test"},
  "relations": [{"root": {"names": ["count"], "input": {"write": {
    %s,
    "op": %q,
    "output": "OUTPUT_MODE_MODIFIED_RECORDS",
    "tableSchema": %s,
    "input": {"read": {"namedTable": {"names": ["lineitem"]}, "baseSchema": %s}}
  }}}}]
}`, dest, op, twoColumns, twoColumns)
}

// writeLineitem writes two columns of lineitem to dir as Parquet files
// partitioned by l_returnflag: a WriteRel whose destination is a
// trebuchet.v1.FileSink.
func writeLineitem(dir string) string {
	return writePlan("WRITE_OP_CTAS", fmt.Sprintf(`"extensionTable": {"detail": {"@type": "type.googleapis.com/trebuchet.v1.FileSink",
      "uri": %q, "format": "TABLE_FORMAT_PARQUET", "partitionBy": ["l_returnflag"]}}`, dir))
}

// scanTable reads the two columns of the table name.
func scanTable(name string) string {
	return fmt.Sprintf(`{
  "relations": [{"root": {"names": ["l_orderkey", "l_returnflag"], "input": {"read": {
    "namedTable": {"names": [%q]},
    "baseSchema": {"names": ["l_orderkey", "l_returnflag"], "struct": {"types": [
      {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"string": {"nullability": "NULLABILITY_NULLABLE"}}
    ], "nullability": "NULLABILITY_REQUIRED"}}
  }}}}]
}`, name)
}

// scanWritten reads the written directory back as the table "written".
var scanWritten = scanTable("written")

// TestStandaloneWrite submits a WriteRel to a standalone cluster: the
// executor writes the files and the job returns the row count; a second
// cluster, given the directory as a table, reads them back.
func TestStandaloneWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "written")
	_, addr := startStandalone(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := client.New(addr).Execute(ctx, client.JSONPlan([]byte(writeLineitem(dir))), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if res.NumRows() != 1 || res.Batches[0].Column(0).(*array.Int64).Value(0) != lineitemRows {
		t.Fatalf("write returned %d rows, want one row counting %d", res.NumRows(), lineitemRows)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if fmt.Sprint(names) != "[l_returnflag=A l_returnflag=N l_returnflag=R]" {
		t.Errorf("the destination holds %v", names)
	}

	_, addr2 := startStandalone(t, "--table", "written="+dir)
	back, err := client.New(addr2).Execute(ctx, client.JSONPlan([]byte(scanWritten)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Release()
	if back.NumRows() != lineitemRows {
		t.Errorf("read back %d rows, want %d", back.NumRows(), lineitemRows)
	}
	var keySum int64
	flags := map[string]int{}
	for _, b := range back.Batches {
		for i, k := range b.Column(0).(*array.Int64).Int64Values() {
			keySum += k
			flags[b.Column(1).(*array.String).Value(i)]++
		}
	}
	const wantKeySum = 1802759573 // as in TestLargeResult
	if keySum != wantKeySum || len(flags) != 3 {
		t.Errorf("read back key sum %d, flags %v; want %d and three flags", keySum, flags, wantKeySum)
	}
}

// writeCount runs a write plan and returns the rows it reports written.
func writeCount(t *testing.T, c *client.Client, plan string) (int64, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := c.Execute(ctx, client.JSONPlan([]byte(plan)), nil)
	if err != nil {
		return 0, err
	}
	defer res.Release()
	if res.NumRows() != 1 {
		t.Fatalf("a write returned %d rows, want 1", res.NumRows())
	}
	return res.Batches[0].Column(0).(*array.Int64).Value(0), nil
}

// rowCount runs a plan and returns how many rows it returned.
func rowCount(t *testing.T, c *client.Client, plan string) int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := c.Execute(ctx, client.JSONPlan([]byte(plan)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	return res.NumRows()
}

// TestClusterCreateTable creates a table with a CTAS WriteRel on a cluster
// of separate scheduler and executor processes: the scheduler places it in
// its warehouse, the executor writes it there, and once the job succeeds
// the scheduler serves it by name, to reads and to INSERTs. A standalone
// cluster started later on the same warehouse serves it too.
func TestClusterCreateTable(t *testing.T) {
	warehouse := filepath.Join(t.TempDir(), "warehouse")
	ctas := writePlan("WRITE_OP_CTAS", `"namedTable": {"names": ["Flags"]}`)
	insert := writePlan("WRITE_OP_INSERT", `"namedTable": {"names": ["flags"]}`)

	sched, _, addr := startCluster(t, 1, []string{"--warehouse", warehouse})
	c := client.New(addr)
	if n, err := writeCount(t, c, ctas); err != nil || n != lineitemRows {
		t.Fatalf("CREATE TABLE AS wrote %d rows (%v), want %d", n, err, lineitemRows)
	}
	if n := rowCount(t, c, scanTable("flags")); n != lineitemRows {
		t.Errorf("the created table has %d rows, want %d", n, lineitemRows)
	}
	if n, err := writeCount(t, c, insert); err != nil || n != lineitemRows {
		t.Fatalf("INSERT wrote %d rows (%v), want %d", n, err, lineitemRows)
	}
	if n := rowCount(t, c, scanTable("flags")); n != 2*lineitemRows {
		t.Errorf("after INSERT the table has %d rows, want %d", n, 2*lineitemRows)
	}
	if _, err := writeCount(t, c, ctas); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("a second CREATE TABLE AS: %v, want an error saying the table exists", err)
	}
	files, err := filepath.Glob(filepath.Join(warehouse, "flags", "part-*.parquet"))
	runs := map[string]bool{}
	for _, f := range files {
		runs[filepath.Base(f)[:len("part-")+36]] = true // part-<run uuid>-<partition>
	}
	if err != nil || len(runs) != 2 {
		t.Errorf("the warehouse holds %v (%v), want the files of two writes", files, err)
	}
	sched.stop()

	_, addr2 := startStandalone(t, "--warehouse", warehouse)
	if n := rowCount(t, client.New(addr2), scanTable("flags")); n != 2*lineitemRows {
		t.Errorf("restarted on the warehouse, the table has %d rows, want %d", n, 2*lineitemRows)
	}
}

// TestCreateTableNoWarehouse: a cluster does not start on a warehouse that
// is not a directory, and says why.
func TestCreateTableNoWarehouse(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := exec.Command(binary, append([]string{"standalone", "--listen", "127.0.0.1:0", "--warehouse", notDir}, tableFlags(t)...)...)
	out, err := p.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "not a directory") {
		t.Errorf("standalone with a file as warehouse: %v\n%s", err, out)
	}
}
