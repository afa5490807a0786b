package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/sdk/client"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// scanLineitem reads two columns of every lineitem row: a result of a few
// MiB, larger than one FetchResults chunk.
const scanLineitem = `{
  "version": {"minorNumber": 85, "producer": "trebuchet-test"},
  "relations": [{"root": {
    "names": ["l_orderkey", "l_comment"],
    "input": {"read": {
      "namedTable": {"names": ["lineitem"]},
      "baseSchema": {"names": ["l_orderkey", "l_comment"], "struct": {"types": [
        {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
        {"string": {"nullability": "NULLABILITY_REQUIRED"}}
      ], "nullability": "NULLABILITY_REQUIRED"}}
    }}
  }}]
}`

// lineitemRows is the row count of lineitem at scale factor 0.01.
const lineitemRows = 60175

// TestLargeResult streams a result over many chunks through the gateway and
// checks every row arrives, and that ExecutePlan refuses it past max_rows.
func TestLargeResult(t *testing.T) {
	_, addr := startStandalone(t)
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := c.Execute(ctx, client.JSONPlan([]byte(scanLineitem)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if res.NumRows() != lineitemRows {
		t.Fatalf("got %d rows, want %d", res.NumRows(), lineitemRows)
	}
	var bytes int
	var keySum int64
	for _, b := range res.Batches {
		for _, k := range b.Column(0).(*array.Int64).Int64Values() {
			keySum += k
		}
		comments := b.Column(1).(*array.String)
		bytes += len(comments.ValueBytes())
	}
	if bytes < 1<<20 {
		t.Fatalf("result holds %d bytes of comments; the test needs more than one 1 MiB chunk", bytes)
	}
	// Computed independently, with pyarrow.compute.sum over the file.
	const wantKeySum = 1802759573
	if keySum != wantKeySum {
		t.Errorf("sum of l_orderkey = %d, want %d", keySum, wantKeySum)
	}

	q := trebuchetv1connect.NewQueryServiceClient(transport.NewClient(), transport.BaseURL(addr), transport.ClientOptions()...)
	_, err = q.ExecutePlan(ctx, connect.NewRequest(&trebuchetv1.ExecutePlanRequest{
		Plan: client.JSONPlan([]byte(scanLineitem)), MaxRows: 100,
	}))
	if connect.CodeOf(err) != connect.CodeResourceExhausted || !strings.Contains(err.Error(), "max_rows") {
		t.Errorf("ExecutePlan over max_rows: %v, want ResourceExhausted naming max_rows", err)
	}
}

// TestExplain checks EXPLAIN and EXPLAIN ANALYZE through the gateway.
func TestExplain(t *testing.T) {
	_, addr := startStandalone(t)
	c := client.New(addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	plan := client.JSONPlan([]byte(scanLineitem))
	text, err := c.Explain(ctx, plan, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "ParquetScan lineitem") || strings.Contains(text, "rows=") {
		t.Errorf("EXPLAIN:\n%s\nwant the scan, without run metrics", text)
	}
	text, err = c.Explain(ctx, plan, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "ParquetScan lineitem") || !strings.Contains(text, fmt.Sprintf("rows=%d ", lineitemRows)) {
		t.Errorf("EXPLAIN ANALYZE:\n%s\nwant the scan with rows=%d", text, lineitemRows)
	}
	if _, err := c.Explain(ctx, client.JSONPlan([]byte("{")), nil, true); connect.CodeOf(err) != connect.CodeInvalidArgument {
		t.Errorf("EXPLAIN of a bad plan: %v, want InvalidArgument", err)
	}
}
