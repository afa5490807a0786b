package op

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

const lineitem = "../../conformance/testdata/tpch/sf0.01/lineitem.parquet"

func TestParquetScan(t *testing.T) {
	// Upper-case names, as Isthmus writes them, match case-insensitively;
	// the column order is the plan's, not the file's.
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "L_SHIPDATE", Type: arrow.FixedWidthTypes.Date32},
		{Name: "L_QUANTITY", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		{Name: "L_RETURNFLAG", Type: arrow.BinaryTypes.String},
	}, nil)
	s := NewParquetScan("lineitem", []string{lineitem}, schema)
	task := testTask(t)
	task.BatchSize = 8192
	batches, err := Collect(context.Background(), s, task)
	if err != nil {
		t.Skipf("no TPC-H data: %v", err)
	}
	var rows int64
	for _, b := range batches {
		if !b.Schema().Equal(schema) {
			t.Fatalf("schema %v, want %v", b.Schema(), schema)
		}
		if b.NumRows() > 8192 {
			t.Errorf("batch of %d rows, want at most 8192", b.NumRows())
		}
		rows += b.NumRows()
		b.Release()
	}
	if rows != 60175 {
		t.Errorf("%d rows, want 60175", rows)
	}
}

func TestParquetScanErrors(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{{Name: "no_such_column", Type: arrow.PrimitiveTypes.Int64}}, nil)
	_, err := Collect(context.Background(), NewParquetScan("lineitem", []string{lineitem}, schema), testTask(t))
	if errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("missing column: got %v, want NotFound", err)
	}
	_, err = Collect(context.Background(), NewParquetScan("x", []string{"/nonexistent.parquet"}, schema), testTask(t))
	if errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("missing file: got %v, want NotFound", err)
	}
}
