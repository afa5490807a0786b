package tpch

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

func TestAnswerFromBatches(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "k", Type: arrow.BinaryTypes.String},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32},
		{Name: "n", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean},
	}, nil)
	rec, _, err := array.RecordFromJSON(memory.DefaultAllocator, schema, strings.NewReader(
		`[{"k": "a", "d": "1998-09-02", "n": "12.50", "f": 0.25, "b": true},
		  {"k": "b", "d": "1995-03-15", "n": null, "f": 1e-9, "b": false}]`))
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Release()
	a, err := AnswerFromBatches("duckdb/q01", schema, []arrow.RecordBatch{rec})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"a", "1998-09-02", "12.5", "0.25", "true"}, {"b", "1995-03-15", "", "1e-09", "false"}}
	if strings.Join(a.Columns, "|") != "k|d|n|f|b" {
		t.Errorf("columns %v", a.Columns)
	}
	for i := range want {
		if strings.Join(a.Rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d: got %q, want %q", i, a.Rows[i], want[i])
		}
	}
	if err := a.Compare([]arrow.RecordBatch{rec}); err != nil {
		t.Errorf("a result does not match the answer made from it: %v", err)
	}
}
