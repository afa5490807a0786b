package expr

import (
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
)

// The word-at-a-time kernels are checked against row-by-row references on
// random batches whose lengths are not multiples of 64, sliced so that
// arrays start at an offset.

var kernelSizes = []int{0, 1, 7, 63, 64, 65, 129, 700}

// randomBatch builds a batch of n rows (after a sliced-off prefix of 5) with
// a column per type, nulls in about one row in nullEvery (never if 0), and
// gen making row values.
func randomBatch(t *testing.T, alloc memory.Allocator, s *arrow.Schema, n, nullEvery int,
	gen func(col, row int, b array.Builder)) arrow.RecordBatch {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(n), uint64(nullEvery)))
	bld := array.NewRecordBuilder(alloc, s)
	defer bld.Release()
	const pre = 5
	for i := 0; i < n+pre; i++ {
		for c := range s.NumFields() {
			if nullEvery > 0 && r.IntN(nullEvery) == 0 {
				bld.Field(c).AppendNull()
				continue
			}
			gen(c, i, bld.Field(c))
		}
	}
	full := bld.NewRecordBatch()
	defer full.Release()
	return full.NewSlice(pre, int64(n+pre))
}

func evalOrFail(t *testing.T, alloc memory.Allocator, e Expr, b arrow.RecordBatch) arrow.Array {
	t.Helper()
	out, err := e.Eval(context.Background(), alloc, b)
	if err != nil {
		t.Fatalf("%s: %v", e, err)
	}
	if out.Len() != int(b.NumRows()) {
		t.Fatalf("%s: %d rows for %d", e, out.Len(), b.NumRows())
	}
	return out
}

// tri is a three-valued boolean: -1 null, 0 false, 1 true.
type tri int

func triOf(a arrow.Array, i int) tri {
	if a.IsNull(i) {
		return -1
	}
	if a.(*array.Boolean).Value(i) {
		return 1
	}
	return 0
}

func TestLogicMatchesReference(t *testing.T) {
	s := schemaOf(arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean)
	c := cols(s)
	reg := NewRegistry()
	call := func(name string, args ...Expr) Expr {
		e, err := reg.Scalar(&Call{Name: name, Args: args})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	// coalesce is not cheap and safe, so it runs on the undecided rows only.
	not1, not3 := call("not", c[1]), call("coalesce", call("not", c[3]), c[1])
	nullLit := NewLiteral(scalar.MakeNullScalar(arrow.Null))
	for _, n := range kernelSizes {
		for _, nullEvery := range []int{0, 3, 20} {
			for _, skew := range []int{2, 10, 100} { // column 0 is true in one row of skew
				alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
				r := rand.New(rand.NewPCG(uint64(n), uint64(skew)))
				b := randomBatch(t, alloc, s, n, nullEvery, func(col, _ int, bl array.Builder) {
					v := r.IntN(2) == 0
					if col == 0 {
						v = r.IntN(skew) == 0
					}
					bl.(*array.BooleanBuilder).Append(v)
				})
				for _, tc := range []struct {
					op   logicOp
					args []Expr
				}{
					{logicAnd, []Expr{c[0], not1, c[2], not3}},
					{logicOr, []Expr{call("not", c[0]), not1, c[2], not3}},
					{logicOr, []Expr{c[0], not1, c[2]}},
					{logicAnd, []Expr{call("not", c[0]), c[1], not3}},
					{logicAnd, []Expr{c[0], nullLit, not1}},
					{logicOr, []Expr{c[0], null(arrow.FixedWidthTypes.Boolean), c[2]}},
				} {
					e := &logic{op: tc.op, args: tc.args}
					out := evalOrFail(t, alloc, e, b)
					argVals := make([]arrow.Array, len(tc.args))
					for k, a := range tc.args {
						argVals[k] = evalOrFail(t, alloc, a, b)
					}
					for i := 0; i < n; i++ {
						want := tri(1)
						if tc.op == logicOr {
							want = 0
						}
						for _, a := range argVals {
							v := tri(-1)
							if _, ok := a.(*array.Boolean); ok {
								v = triOf(a, i)
							}
							if tc.op == logicAnd && (v == 0 || want == 0) {
								want = 0
							} else if tc.op == logicOr && (v == 1 || want == 1) {
								want = 1
							} else if v == -1 {
								want = -1
							}
						}
						if got := triOf(out, i); got != want {
							t.Fatalf("%s, n=%d nulls=1/%d skew=%d, row %d: got %d, want %d", e, n, nullEvery, skew, i, got, want)
						}
					}
					if nulls := out.NullN(); nulls != countNulls(out) {
						t.Fatalf("%s: null count %d, bitmap has %d", e, nulls, countNulls(out))
					}
					out.Release()
					releaseAll(argVals)
				}
				b.Release()
				alloc.AssertSize(t, 0)
			}
		}
	}
}

func countNulls(a arrow.Array) int {
	c := 0
	bm := a.NullBitmapBytes()
	if len(bm) == 0 {
		return 0
	}
	for i := 0; i < a.Len(); i++ {
		if bm[(a.Data().Offset()+i)/8]>>((a.Data().Offset()+i)%8)&1 == 0 {
			c++
		}
	}
	return c
}

// refValue is row i of a as something compareRef can order.
func refValue(a arrow.Array, i int) any {
	switch a := a.(type) {
	case *array.Int32:
		return big.NewRat(int64(a.Value(i)), 1)
	case *array.Date32:
		return big.NewRat(int64(a.Value(i)), 1)
	case *array.Int64:
		return big.NewRat(a.Value(i), 1)
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		s := a.DataType().(*arrow.Decimal128Type).Scale
		return new(big.Rat).SetFrac(a.Value(i).BigInt(), bigPow10(s))
	case *array.String:
		return a.Value(i)
	}
	panic(fmt.Sprintf("refValue of %T", a))
}

func compareRef(x, y any) int {
	switch x := x.(type) {
	case *big.Rat:
		return x.Cmp(y.(*big.Rat))
	case float64:
		y := y.(float64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		y := y.(string)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	panic("compareRef")
}

func TestCompareMatchesReference(t *testing.T) {
	s := schemaOf(tI32, tI64, arrow.PrimitiveTypes.Float64, arrow.FixedWidthTypes.Date32,
		dec(15, 2), dec(15, 2), dec(38, 2), tStr, tStr)
	c := cols(s)
	type pair struct{ a, b Expr }
	pairs := []pair{
		{c[0], i32(3)}, {i32(3), c[0]}, {c[1], i64(-2)}, {c[1], c[0]},
		{c[2], NewLiteral(scalar.NewFloat64Scalar(0.5))}, {c[3], NewLiteral(scalar.NewDate32Scalar(2))},
		{c[4], c[5]}, {c[4], c[6]}, {c[6], c[6]},
		{c[4], decLit(5, 3, 2)}, {c[4], decLit(5, 3, 1)}, {c[4], decLit(-5, 3, 1)},
		{c[4], decLit(55, 4, 3)}, {c[4], decLit(-55, 4, 3)}, {c[4], decLit(50, 4, 3)}, {decLit(-55, 4, 3), c[4]},
		{c[6], decLit(0, 1, 0)}, {c[4], decLit(7, 38, 0)},
		{c[7], str("MAIL")}, {str("MAIL"), c[7]}, {c[7], c[8]}, {c[7], str("")}, {c[7], str("DELIVER IN PERSON")}, {c[7], str("TRUCK")},
	}
	modes := []string{"AIR", "MAIL", "MAILS", "MAI", "SHIP", "", "TRUCK", "DELIVER IN PERSON", "DELIVER IN PERSONS", "DELIVER IN PERSOM", "DELIVER I"}
	for _, n := range kernelSizes {
		for _, nullEvery := range []int{0, 4} {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r := rand.New(rand.NewPCG(uint64(n), 7))
			b := randomBatch(t, alloc, s, n, nullEvery, func(col, _ int, bl array.Builder) {
				v := int64(r.IntN(11) - 5)
				switch bl := bl.(type) {
				case *array.Int32Builder:
					bl.Append(int32(v))
				case *array.Int64Builder:
					bl.Append(v)
				case *array.Float64Builder:
					bl.Append(float64(v) / 4)
				case *array.Date32Builder:
					bl.Append(arrow.Date32(v))
				case *array.Decimal128Builder:
					if col == 6 && r.IntN(5) == 0 {
						// Beyond int64, both signs.
						bl.Append(decimal128.FromBigInt(new(big.Int).Mul(big.NewInt(v), bigPow10(30))))
						return
					}
					bl.Append(decimal128.FromI64(v))
				case *array.StringBuilder:
					bl.Append(modes[r.IntN(len(modes))])
				}
			})
			for _, p := range pairs {
				for op := cmpEq; op <= cmpGe; op++ {
					e, err := bindCompare(op)(nil, &Call{Args: []Expr{p.a, p.b}})
					if err != nil {
						t.Fatal(err)
					}
					out := evalOrFail(t, alloc, e, b)
					cmpE := e.(*compare)
					x, y := evalOrFail(t, alloc, cmpE.a, b), evalOrFail(t, alloc, cmpE.b, b)
					for i := 0; i < n; i++ {
						want := tri(-1)
						if x.IsValid(i) && y.IsValid(i) {
							want = 0
							if op.holds(compareRef(refValue(x, i), refValue(y, i))) {
								want = 1
							}
						}
						if got := triOf(out, i); got != want {
							t.Fatalf("%s, n=%d, row %d (%v vs %v): got %d, want %d", e, n, i,
								refValue(x, i), refValue(y, i), got, want)
						}
					}
					out.Release()
					x.Release()
					y.Release()
				}
			}
			b.Release()
			alloc.AssertSize(t, 0)
		}
	}
}

func TestDecimalArithmeticMatchesReference(t *testing.T) {
	s := schemaOf(dec(15, 2), dec(15, 2), dec(10, 4), dec(38, 2), dec(38, 0), dec(5, 2), dec(4, 1))
	c := cols(s)
	opts := map[string]string{"overflow": "SILENT", "on_division_by_zero": "NULL"}
	type tcase struct {
		fn   string
		a, b Expr
		out  arrow.DataType
	}
	var cases []tcase
	for _, fn := range []string{"add", "subtract", "multiply", "divide"} {
		for _, p := range [][2]Expr{
			{c[0], c[1]}, {c[0], c[2]}, {c[2], c[0]}, {c[3], c[1]}, {c[3], c[4]}, {c[4], c[4]},
			{decLit(100, 15, 2), c[1]}, {c[1], decLit(100, 15, 2)}, {decLit(-7, 3, 3), c[2]},
			{c[3], decLit(3, 1, 0)},
		} {
			cases = append(cases, tcase{fn, p[0], p[1], nil})
		}
		for _, out := range []arrow.DataType{dec(16, 2), dec(19, 4), dec(19, 6), dec(12, 1), dec(5, 2), dec(38, 10), dec(18, 0)} {
			cases = append(cases, tcase{fn, c[0], c[1], out}, tcase{fn, c[0], c[2], out}, tcase{fn, c[3], c[0], out})
		}
		for _, out := range []arrow.DataType{dec(15, 2), dec(9, 3), dec(8, 3), dec(10, 3), dec(6, 2), dec(5, 2), dec(7, 1), dec(6, 1)} {
			cases = append(cases, tcase{fn, c[5], c[6], out}, tcase{fn, c[6], c[5], out}, tcase{fn, c[0], c[1], out})
		}
	}
	reg := NewRegistry()
	// Nested: the outer operation may compute over an inner result.
	inner := func(fn string, a, b Expr, out arrow.DataType) Expr {
		e, err := reg.Scalar(&Call{Name: fn, Args: []Expr{a, b}, Out: out, Options: opts})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	sub := inner("subtract", decLit(100, 15, 2), c[1], dec(16, 2))
	add := inner("add", c[0], c[2], nil)
	for _, fn := range []string{"add", "multiply", "divide"} {
		cases = append(cases, tcase{fn, c[0], sub, dec(19, 4)}, tcase{fn, sub, c[0], nil},
			tcase{fn, sub, add, nil}, tcase{fn, add, decLit(3, 1, 0), dec(20, 3)})
	}
	for _, n := range kernelSizes {
		for _, nullEvery := range []int{0, 5} {
			alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
			r := rand.New(rand.NewPCG(uint64(n), 11))
			b := randomBatch(t, alloc, s, n, nullEvery, func(col, _ int, bl array.Builder) {
				db := bl.(*array.Decimal128Builder)
				var v *big.Int
				p := bl.Type().(*arrow.Decimal128Type).Precision
				switch r.IntN(7) {
				case 0:
					v = big.NewInt(0)
				case 6: // the largest magnitude the precision allows
					v = new(big.Int).Sub(bigPow10(p), big.NewInt(1))
					if r.IntN(2) == 0 {
						v.Neg(v)
					}
					db.Append(decimal128.FromBigInt(v))
					return
				case 1:
					v = big.NewInt(r.Int64N(21) - 10)
				case 2, 3:
					v = big.NewInt(r.Int64N(2_000_000_000_000) - 1_000_000_000_000)
				default:
					v = big.NewInt(r.Int64())
					if r.IntN(2) == 0 {
						v.Neg(v)
					}
				}
				// Keep within the column's precision.
				v.Rem(v, bigPow10(p))
				if col >= 3 && r.IntN(3) == 0 {
					v.Mul(v, bigPow10(min(p-19, 17)))
					v.Rem(v, bigPow10(p))
				}
				db.Append(decimal128.FromBigInt(v))
			})
			for _, tc := range cases {
				e, err := reg.Scalar(&Call{Name: tc.fn, Args: []Expr{tc.a, tc.b}, Out: tc.out, Options: opts})
				if err != nil {
					t.Fatal(err)
				}
				out := evalOrFail(t, alloc, e, b).(*array.Decimal128)
				x, y := evalOrFail(t, alloc, tc.a, b), evalOrFail(t, alloc, tc.b, b)
				ot := e.DataType().(*arrow.Decimal128Type)
				sx := x.DataType().(*arrow.Decimal128Type).Scale
				sy := y.DataType().(*arrow.Decimal128Type).Scale
				op := map[string]arithOp{"add": opAdd, "subtract": opSub, "multiply": opMul, "divide": opDiv}[tc.fn]
				for i := 0; i < n; i++ {
					var want decimal128.Num
					valid := x.IsValid(i) && y.IsValid(i)
					xi, yi := x.(*array.Decimal128).Value(i), y.(*array.Decimal128).Value(i)
					if valid {
						if op == opDiv && yi.Sign() == 0 {
							valid = false
						} else if v, ok := decimalOp(op, xi, yi, sx, sy, ot); ok {
							want = v
						} else {
							valid = false
						}
					}
					got := out.Value(i)
					if out.IsValid(i) != valid || got != want {
						t.Fatalf("%s as %s, row %d: %s op %s: got %s (valid %v), want %s (valid %v)", e, ot, i,
							xi.ToString(sx), yi.ToString(sy), got.ToString(ot.Scale), out.IsValid(i), want.ToString(ot.Scale), valid)
					}
				}
				out.Release()
				x.Release()
				y.Release()
			}
			b.Release()
			alloc.AssertSize(t, 0)
		}
	}
}
