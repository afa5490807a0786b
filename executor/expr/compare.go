package expr

import (
	"bytes"
	"cmp"
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

type cmpOp int

const (
	cmpEq cmpOp = iota
	cmpNe
	cmpLt
	cmpLe
	cmpGt
	cmpGe
)

var cmpNames = [...]string{cmpEq: "equal", cmpNe: "not_equal", cmpLt: "lt", cmpLe: "lte", cmpGt: "gt", cmpGe: "gte"}

// holds reports whether a comparison result c (-1, 0, 1) satisfies op.
func (op cmpOp) holds(c int) bool {
	switch op {
	case cmpEq:
		return c == 0
	case cmpNe:
		return c != 0
	case cmpLt:
		return c < 0
	case cmpLe:
		return c <= 0
	case cmpGt:
		return c > 0
	}
	return c >= 0
}

// cmpInto compares typed slices; the switch sits outside the loops so each
// loop is a plain compare the compiler can keep tight.
func cmpInto[T cmp.Ordered](op cmpOp, dst []bool, a, b []T) {
	switch op {
	case cmpEq:
		for i := range dst {
			dst[i] = a[i] == b[i]
		}
	case cmpNe:
		for i := range dst {
			dst[i] = a[i] != b[i]
		}
	case cmpLt:
		for i := range dst {
			dst[i] = a[i] < b[i]
		}
	case cmpLe:
		for i := range dst {
			dst[i] = a[i] <= b[i]
		}
	case cmpGt:
		for i := range dst {
			dst[i] = a[i] > b[i]
		}
	case cmpGe:
		for i := range dst {
			dst[i] = a[i] >= b[i]
		}
	}
}

type compare struct {
	op   cmpOp
	a, b Expr
}

func bindCompare(op cmpOp) scalarBinder {
	return func(_ *Registry, c *Call) (Expr, error) {
		if err := wantArgs(c, 2); err != nil {
			return nil, err
		}
		args, err := coerceComparable(c.Args)
		if err != nil {
			return nil, err
		}
		return &compare{op: op, a: args[0], b: args[1]}, nil
	}
}

func bindBetween(r *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 3); err != nil {
		return nil, err
	}
	lo, err := bindCompare(cmpGe)(r, &Call{Name: "gte", Args: c.Args[:2]})
	if err != nil {
		return nil, err
	}
	hi, err := bindCompare(cmpLe)(r, &Call{Name: "lte", Args: []Expr{c.Args[0], c.Args[2]}})
	if err != nil {
		return nil, err
	}
	return &logic{op: logicAnd, args: []Expr{lo, hi}}, nil
}

func (e *compare) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

func (e *compare) String() string { return fmt.Sprintf("%s(%s, %s)", cmpNames[e.op], e.a, e.b) }

func (e *compare) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	if l, ok := e.b.(*Literal); ok && l.Value.IsValid() && isString(e.a.DataType()) {
		return e.evalStringConst(ctx, alloc, b, []byte(l.Value.String()))
	}
	args, err := evalArgs(ctx, alloc, b, []Expr{e.a, e.b})
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	x, y := args[0], args[1]
	n := x.Len()
	res := make([]bool, n)
	switch x.DataType().ID() {
	case arrow.INT8:
		cmpInto(e.op, res, arrow.GetValues[int8](x.Data(), 1), arrow.GetValues[int8](y.Data(), 1))
	case arrow.INT16:
		cmpInto(e.op, res, arrow.GetValues[int16](x.Data(), 1), arrow.GetValues[int16](y.Data(), 1))
	case arrow.INT32, arrow.DATE32, arrow.INTERVAL_MONTHS:
		cmpInto(e.op, res, arrow.GetValues[int32](x.Data(), 1), arrow.GetValues[int32](y.Data(), 1))
	case arrow.INTERVAL_DAY_TIME:
		cmpInto(e.op, res, dayTimeMillis(x), dayTimeMillis(y))
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		cmpInto(e.op, res, arrow.GetValues[int64](x.Data(), 1), arrow.GetValues[int64](y.Data(), 1))
	case arrow.FLOAT32:
		cmpInto(e.op, res, arrow.GetValues[float32](x.Data(), 1), arrow.GetValues[float32](y.Data(), 1))
	case arrow.FLOAT64:
		cmpInto(e.op, res, arrow.GetValues[float64](x.Data(), 1), arrow.GetValues[float64](y.Data(), 1))
	case arrow.DECIMAL128:
		compareDecimals(e.op, res, x, y)
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		compareStrings(e.op, res, x, y)
	case arrow.BOOL:
		xb, yb := x.(*array.Boolean), y.(*array.Boolean)
		for i := range res {
			res[i] = e.op.holds(boolCmp(xb.Value(i), yb.Value(i)))
		}
	default:
		return nil, errkind.Errorf(errkind.Internal, "%s on %s", cmpNames[e.op], x.DataType())
	}
	valid, nulls := validity(alloc, n, x, y)
	return newBools(alloc, res, valid, nulls), nil
}

// dayTimeMillis orders day-time intervals by their length, a day being
// 86,400 seconds.
func dayTimeMillis(x arrow.Array) []int64 {
	v := arrow.GetValues[arrow.DayTimeInterval](x.Data(), 1)
	out := make([]int64, len(v))
	for i, d := range v {
		out[i] = int64(d.Days)*86_400_000 + int64(d.Milliseconds)
	}
	return out
}

func boolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func compareStrings(op cmpOp, res []bool, x, y arrow.Array) {
	xa, err1 := bytesOf(x)
	ya, err2 := bytesOf(y)
	if err1 != nil || err2 != nil {
		return // REQUIRES: the binder checked both are strings
	}
	switch op {
	case cmpEq, cmpNe:
		eq := op == cmpEq
		for i := range res {
			res[i] = bytes.Equal(xa(i), ya(i)) == eq
		}
	default:
		for i := range res {
			res[i] = op.holds(bytes.Compare(xa(i), ya(i)))
		}
	}
}

// evalStringConst compares a string column with a constant without
// materializing the constant as an array.
func (e *compare) evalStringConst(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, c []byte) (arrow.Array, error) {
	x, err := e.a.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	xa, err := bytesOf(x)
	if err != nil {
		return nil, err
	}
	res := make([]bool, x.Len())
	switch e.op {
	case cmpEq, cmpNe:
		eq := e.op == cmpEq
		for i := range res {
			res[i] = bytes.Equal(xa(i), c) == eq
		}
	default:
		for i := range res {
			res[i] = e.op.holds(bytes.Compare(xa(i), c))
		}
	}
	valid, nulls := validity(alloc, x.Len(), x)
	return newBools(alloc, res, valid, nulls), nil
}

// compareDecimals compares decimals that may differ in scale, bringing both
// to the larger scale; a row whose rescale would overflow 128 bits is
// compared exactly with math/big.
func compareDecimals(op cmpOp, res []bool, x, y arrow.Array) {
	sx := x.DataType().(*arrow.Decimal128Type).Scale
	sy := y.DataType().(*arrow.Decimal128Type).Scale
	xv := arrow.GetValues[decimal128.Num](x.Data(), 1)
	yv := arrow.GetValues[decimal128.Num](y.Data(), 1)
	s := max(sx, sy)
	for i := range res {
		a, ok1 := rescale(xv[i], sx, s)
		b, ok2 := rescale(yv[i], sy, s)
		if ok1 && ok2 {
			res[i] = op.holds(a.Cmp(b))
			continue
		}
		res[i] = op.holds(bigRescale(bigOf(xv[i]), sx, s).Cmp(bigRescale(bigOf(yv[i]), sy, s)))
	}
}
