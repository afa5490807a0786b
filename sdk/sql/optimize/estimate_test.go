package optimize

import (
	"math"
	"testing"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

func TestEstimateScanFilters(t *testing.T) {
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	req := types.NullabilityRequired
	date := &types.DateType{Nullability: req}
	i64 := &types.Int64Type{Nullability: req}
	str := &types.StringType{Nullability: req}
	scan := &logical.Scan{
		Table:  "orders",
		Fields: logical.Schema{{Name: "o_orderdate", Type: date}, {Name: "o_custkey", Type: i64}, {Name: "o_comment", Type: str}},
		Stats: &logical.TableStats{Rows: 1000, Columns: map[string]logical.ColumnStats{
			"o_orderdate": {Min: 0, Max: 1000, HasRange: true},
			"o_custkey":   {Min: 1, Max: 50, HasRange: true},
		}},
	}
	col := func(i int) logical.Expr { return &logical.Column{Index: i, T: scan.Fields[i].Type} }
	day := func(d int32) logical.Expr { return &logical.Literal{Value: logical.Date(d), T: date} }
	call := func(name string, args ...logical.Expr) logical.Expr {
		c, err := fns.Call(name, args...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name   string
		filter logical.Expr
		want   float64
	}{
		{"no filter", nil, 1000},
		{"a range of the column's range", call("and", call("gte", col(0), day(100)), call("lt", col(0), day(200))), 100},
		{"a bound outside the range", call("lt", col(0), day(5000)), 1000},
		{"equality on a column of 50 values", call("equal", col(1), &logical.Literal{Value: int64(7), T: i64}), 20},
		{"an unknown column", call("like", col(2), &logical.Literal{Value: "%x%", T: str}), 1000 * likeSel},
		{"or", call("or", call("lt", col(0), day(100)), call("gte", col(0), day(900))), 1000 * (1 - 0.9*0.9)},
	} {
		s := *scan
		s.Filter = tc.filter
		if got := rows(&s); math.Abs(got-tc.want) > 1e-6*tc.want {
			t.Errorf("%s: %g rows, want %g", tc.name, got, tc.want)
		}
	}
}
