package plan

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func litExpr(l *substraitpb.Expression_Literal) *substraitpb.Expression {
	return &substraitpb.Expression{RexType: &substraitpb.Expression_Literal_{Literal: l}}
}

func decLit(unscaled int64, p, s int32) *substraitpb.Expression {
	buf := make([]byte, 16)
	binary.LittleEndian.PutUint64(buf, uint64(unscaled))
	if unscaled < 0 {
		binary.LittleEndian.PutUint64(buf[8:], ^uint64(0))
	}
	return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_Decimal_{
		Decimal: &substraitpb.Expression_Literal_Decimal{Value: buf, Precision: p, Scale: s}}})
}

// TestRowGroupPruner checks which filters the statistics of a TPC-H
// lineitem file refute: TPC-H's discounts lie in [0, 0.10], return flags
// are A, N or R, order keys are positive.
func TestRowGroupPruner(t *testing.T) {
	path := filepath.Join("../../conformance/testdata/tpch/sf0.01", "lineitem.parquet")
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Skipf("TPC-H data missing: %v", err)
	}
	defer pf.Close()
	md := pf.MetaData()
	base := arrow.NewSchema([]arrow.Field{
		{Name: "L_ORDERKEY", Type: arrow.PrimitiveTypes.Int64},
		{Name: "L_DISCOUNT", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		{Name: "L_RETURNFLAG", Type: arrow.BinaryTypes.String},
		{Name: "L_SHIPDATE", Type: arrow.FixedWidthTypes.Date32},
	}, nil)
	b := &builder{reg: expr.NewRegistry(), funcs: map[uint32]string{}}
	i64 := func(v int64) *substraitpb.Expression {
		return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_I64{I64: v}})
	}
	str := func(v string) *substraitpb.Expression {
		return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_String_{String_: v}})
	}
	date := func(v int32) *substraitpb.Expression {
		return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_Date{Date: v}})
	}
	// The earliest ship date, from the statistics.
	jan2 := int32(1 << 30)
	for rg := range md.NumRowGroups() {
		cc, err := md.RowGroup(rg).ColumnChunk(md.Schema.ColumnIndexByName("l_shipdate"))
		if err != nil {
			t.Fatal(err)
		}
		st, err := cc.Statistics()
		if err != nil {
			t.Fatal(err)
		}
		jan2 = min(jan2, st.(*metadata.Int32Statistics).Min())
	}
	for _, tc := range []struct {
		name string
		cond *substraitpb.Expression
		keep bool
	}{
		{"key < 0", b.call("lt", fieldExpr(0), i64(0)), false},
		{"key >= 0", b.call("gte", fieldExpr(0), i64(0)), true},
		{"0 > key", b.call("gt", i64(0), fieldExpr(0)), false},
		{"discount > 0.10", b.call("gt", fieldExpr(1), decLit(10, 15, 2)), false},
		{"discount >= 0.10", b.call("gte", fieldExpr(1), decLit(10, 15, 2)), true},
		{"discount > 0.1 (scale 1)", b.call("gt", fieldExpr(1), decLit(1, 2, 1)), false},
		{"discount < -0.005 (scale 3)", b.call("lt", fieldExpr(1), decLit(-5, 4, 3)), false},
		{"flag = Z", b.call("equal", fieldExpr(2), str("Z")), false},
		{"flag = N", b.call("equal", fieldExpr(2), str("N")), true},
		{"shipdate < first", b.call("lt", fieldExpr(3), date(jan2)), false},
		{"shipdate <= first", b.call("lte", fieldExpr(3), date(jan2)), true},
		{"shipdate between", b.call("between", fieldExpr(3), date(0), date(jan2-1)), false},
		{"and", b.call("and", b.call("gte", fieldExpr(0), i64(0)), b.call("equal", fieldExpr(2), str("Z"))), false},
		{"or is not used", b.call("or", b.call("lt", fieldExpr(0), i64(0)), b.call("equal", fieldExpr(2), str("Z"))), true},
		{"int column with a date", b.call("lt", fieldExpr(0), date(0)), true},
	} {
		keep := b.rowGroupPruner(base, []*substraitpb.Expression{tc.cond})
		// Whether any row group is kept.
		got := keep == nil
		for rg := range md.NumRowGroups() {
			got = got || keep(md, rg)
		}
		if got != tc.keep {
			t.Errorf("%s: keep %v, want %v", tc.name, got, tc.keep)
		}
	}
}
