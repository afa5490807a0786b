package client

import (
	"bytes"
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// sampleBatch has a row of every kind of value WriteCSV and WriteJSON
// treat differently, and a row of nulls.
func sampleBatch(t *testing.T) (*arrow.Schema, arrow.RecordBatch) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "price", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}, Nullable: true},
		{Name: "ratio", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "ok", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "day", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "note \"q\"", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{9007199254740993, 0}, []bool{true, false})
	b.Field(1).(*array.Decimal128Builder).AppendValues([]decimal128.Num{decimal128.FromI64(1050), {}}, []bool{true, false})
	b.Field(2).(*array.Float64Builder).AppendValues([]float64{math.NaN(), 0}, []bool{true, false})
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{true, false}, []bool{true, false})
	b.Field(4).(*array.Date32Builder).AppendValues([]arrow.Date32{arrow.Date32FromTime(mustDate(t, "1998-09-02")), 0}, []bool{true, false})
	b.Field(5).(*array.StringBuilder).AppendValues([]string{"a, \"b\"", ""}, []bool{true, false})
	return schema, b.NewRecordBatch()
}

func TestWriteCSV(t *testing.T) {
	schema, rec := sampleBatch(t)
	defer rec.Release()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, schema, []arrow.RecordBatch{rec}); err != nil {
		t.Fatal(err)
	}
	want := "id,price,ratio,ok,day,\"note \"\"q\"\"\"\n" +
		"9007199254740993,10.50,NaN,true,1998-09-02,\"a, \"\"b\"\"\"\n" +
		",,,,,\n"
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestWriteJSON(t *testing.T) {
	schema, rec := sampleBatch(t)
	defer rec.Release()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, schema, []arrow.RecordBatch{rec}); err != nil {
		t.Fatal(err)
	}
	// Integers keep every digit, decimals are strings, NaN is a string.
	want := `[
{"id":9007199254740993,"price":"10.50","ratio":"NaN","ok":true,"day":"1998-09-02","note \"q\"":"a, \"b\""},
{"id":null,"price":null,"ratio":null,"ok":null,"day":null,"note \"q\"":null}
]
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	buf.Reset()
	if err := WriteJSON(&buf, schema, nil); err != nil || buf.String() != "[]\n" {
		t.Errorf("no rows: got %q, %v; want []", buf.String(), err)
	}
}
