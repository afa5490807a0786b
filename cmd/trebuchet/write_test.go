package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
)

// writeLineitem writes two columns of lineitem to dir as Parquet files
// partitioned by l_returnflag: a WriteRel whose destination is a
// trebuchet.v1.FileSink.
func writeLineitem(dir string) string {
	return fmt.Sprintf(`{
  "version": {"minorNumber": 75, "producer": "trebuchet-test"},
  "relations": [{"root": {"names": ["count"], "input": {"write": {
    "extensionTable": {"detail": {"@type": "type.googleapis.com/trebuchet.v1.FileSink",
      "uri": %q, "format": "TABLE_FORMAT_PARQUET", "partitionBy": ["l_returnflag"]}},
    "op": "WRITE_OP_CTAS",
    "output": "OUTPUT_MODE_MODIFIED_RECORDS",
    "tableSchema": {"names": ["l_orderkey", "l_returnflag"], "struct": {"types": [
      {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"string": {"nullability": "NULLABILITY_REQUIRED"}}
    ], "nullability": "NULLABILITY_REQUIRED"}},
    "input": {"read": {
      "namedTable": {"names": ["lineitem"]},
      "baseSchema": {"names": ["l_orderkey", "l_returnflag"], "struct": {"types": [
        {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
        {"string": {"nullability": "NULLABILITY_REQUIRED"}}
      ], "nullability": "NULLABILITY_REQUIRED"}}
    }}
  }}}}]
}`, dir)
}

// scanWritten reads the written directory back as the table "written".
const scanWritten = `{
  "relations": [{"root": {"names": ["l_orderkey", "l_returnflag"], "input": {"read": {
    "namedTable": {"names": ["written"]},
    "baseSchema": {"names": ["l_orderkey", "l_returnflag"], "struct": {"types": [
      {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"string": {"nullability": "NULLABILITY_NULLABLE"}}
    ], "nullability": "NULLABILITY_REQUIRED"}}
  }}}}]
}`

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
