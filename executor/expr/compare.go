package expr

//go:generate go run gen_cmp.go

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/bits"
	"unsafe"

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

// flip is the operator that gives the same answer with the operands
// swapped: a < b is b > a.
func (op cmpOp) flip() cmpOp {
	switch op {
	case cmpLt:
		return cmpGt
	case cmpLe:
		return cmpGe
	case cmpGt:
		return cmpLt
	case cmpGe:
		return cmpLe
	}
	return op
}

// pick combines the words of "less than" and "equal" results into op's.
func (op cmpOp) pick(lt, eq uint64) uint64 {
	switch op {
	case cmpEq:
		return eq
	case cmpNe:
		return ^eq
	case cmpLt:
		return lt
	case cmpLe:
		return lt | eq
	case cmpGt:
		return ^(lt | eq)
	}
	return ^lt
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
	// A column compared with a constant reads the constant once instead of
	// materializing it as a column.
	switch {
	case isConstant(e.b) && !isConstant(e.a):
		if r, ok, err := compareConst(ctx, alloc, b, e.op, e.a, e.b); ok || err != nil {
			return r, err
		}
	case isConstant(e.a) && !isConstant(e.b):
		if r, ok, err := compareConst(ctx, alloc, b, e.op.flip(), e.b, e.a); ok || err != nil {
			return r, err
		}
	}
	args, err := evalArgs(ctx, alloc, b, []Expr{e.a, e.b})
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	x, y := args[0], args[1]
	n := x.Len()
	buf, dst := newWords(alloc, n)
	switch x.DataType().ID() {
	case arrow.INT8:
		cmpWords(e.op, dst, values[int8](x), values[int8](y))
	case arrow.INT16:
		cmpWords(e.op, dst, values[int16](x), values[int16](y))
	case arrow.INT32, arrow.DATE32, arrow.INTERVAL_MONTHS:
		cmpWords(e.op, dst, values[int32](x), values[int32](y))
	case arrow.INTERVAL_DAY_TIME:
		cmpWords(e.op, dst, dayTimeMillis(x), dayTimeMillis(y))
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		cmpWords(e.op, dst, values[int64](x), values[int64](y))
	case arrow.FLOAT32:
		cmpWords(e.op, dst, values[float32](x), values[float32](y))
	case arrow.FLOAT64:
		cmpWords(e.op, dst, values[float64](x), values[float64](y))
	case arrow.DECIMAL128:
		compareDecimals(e.op, dst, x, y)
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		if err := compareStrings(e.op, dst, x, y); err != nil {
			buf.Release()
			return nil, err
		}
	case arrow.BOOL:
		xb, yb := x.(*array.Boolean), y.(*array.Boolean)
		res := make([]bool, n)
		for i := range res {
			res[i] = e.op.holds(boolCmp(xb.Value(i), yb.Value(i)))
		}
		packBools(dst, res)
	default:
		buf.Release()
		return nil, errkind.Errorf(errkind.Internal, "%s on %s", cmpNames[e.op], x.DataType())
	}
	valid, nulls := validity(alloc, n, x, y)
	return boolsFromWords(n, buf, valid, nulls), nil
}

// values is the values of a fixed-width array, from its offset.
func values[T arrow.FixedWidthType](a arrow.Array) []T { return arrow.GetValues[T](a.Data(), 1) }

// isConstant reports whether e's value is the same for every row: a
// literal, or a cast of one.
func isConstant(e Expr) bool {
	switch e := e.(type) {
	case *Literal:
		return true
	case *Cast:
		return isConstant(e.In)
	}
	return false
}

// evalConstant evaluates a constant expression once, as a one-row array.
func evalConstant(ctx context.Context, alloc memory.Allocator, e Expr) (arrow.Array, error) {
	one := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	return e.Eval(ctx, alloc, one)
}

// compareConst computes x op k for a constant k; ok is false if it left
// the type to the general path (a null constant, say).
func compareConst(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, op cmpOp, x, k Expr) (arrow.Array, bool, error) {
	c, err := evalConstant(ctx, alloc, k)
	if err != nil {
		return nil, false, err
	}
	defer c.Release()
	if c.IsNull(0) {
		return nil, false, nil
	}
	switch x.DataType().ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.DATE32, arrow.INTERVAL_MONTHS, arrow.INTERVAL_DAY_TIME,
		arrow.INT64, arrow.DATE64, arrow.TIMESTAMP, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128,
		arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
	default:
		return nil, false, nil
	}
	xa, err := x.Eval(ctx, alloc, b)
	if err != nil {
		return nil, false, err
	}
	defer xa.Release()
	n := xa.Len()
	buf, dst := newWords(alloc, n)
	switch xa.DataType().ID() {
	case arrow.INT8:
		cmpConstWords(op, dst, values[int8](xa), values[int8](c)[0])
	case arrow.INT16:
		cmpConstWords(op, dst, values[int16](xa), values[int16](c)[0])
	case arrow.INT32, arrow.DATE32, arrow.INTERVAL_MONTHS:
		cmpConstWords(op, dst, values[int32](xa), values[int32](c)[0])
	case arrow.INTERVAL_DAY_TIME:
		cmpConstWords(op, dst, dayTimeMillis(xa), dayTimeMillis(c)[0])
	case arrow.INT64, arrow.DATE64, arrow.TIMESTAMP:
		cmpConstWords(op, dst, values[int64](xa), values[int64](c)[0])
	case arrow.FLOAT32:
		cmpConstWords(op, dst, values[float32](xa), values[float32](c)[0])
	case arrow.FLOAT64:
		cmpConstWords(op, dst, values[float64](xa), values[float64](c)[0])
	case arrow.DECIMAL128:
		compareDecimalConst(op, dst, xa, c)
	case arrow.STRING, arrow.LARGE_STRING, arrow.BINARY:
		cv, err := bytesOf(c)
		if err != nil {
			buf.Release()
			return nil, false, err
		}
		if err := compareStringConst(op, dst, xa, cv(0)); err != nil {
			buf.Release()
			return nil, false, err
		}
	}
	valid, nulls := validity(alloc, n, xa)
	return boolsFromWords(n, buf, valid, nulls), true, nil
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

func compareStrings(op cmpOp, dst []uint64, x, y arrow.Array) error {
	xa, err := bytesOf(x)
	if err != nil {
		return err
	}
	ya, err := bytesOf(y)
	if err != nil {
		return err
	}
	n := x.Len()
	for w := range dst {
		var lt, eq uint64
		for j := range min(64, n-w*64) {
			c := bytes.Compare(xa(w*64+j), ya(w*64+j))
			lt |= b2u(c < 0) << j
			eq |= b2u(c == 0) << j
		}
		dst[w] = op.pick(lt, eq)
	}
	return nil
}

// compareStringConst compares a string column with a constant.
func compareStringConst(op cmpOp, dst []uint64, x arrow.Array, c []byte) error {
	switch x.DataType().ID() {
	case arrow.STRING, arrow.BINARY:
		strConstWords(op, dst, viewOf[int32](x), c)
	case arrow.LARGE_STRING, arrow.LARGE_BINARY:
		strConstWords(op, dst, viewOf[int64](x), c)
	default:
		return errkind.Errorf(errkind.Internal, "string comparison on %s", x.DataType())
	}
	return nil
}

func strConstWords[O offset](op cmpOp, dst []uint64, v strView[O], c []byte) {
	n := len(v.off) - 1
	if op == cmpEq || op == cmpNe {
		strEqConstWords(dst, v, c)
		if op == cmpNe {
			invertFor(op, dst)
		}
		return
	}
	for w := range dst {
		var lt, eq uint64
		base := w * 64
		for j := range min(64, n-base) {
			r := bytes.Compare(v.data[v.off[base+j]:v.off[base+j+1]], c)
			lt |= b2u(r < 0) << j
			eq |= b2u(r == 0) << j
		}
		dst[w] = op.pick(lt, eq)
	}
}

// strEqConstWords sets the bits of the rows equal to c. Each row's first
// (up to) eight bytes are loaded as one word and compared with c's without
// a branch; only rows that match there and in length, when c is longer
// than eight bytes, compare the rest.
func strEqConstWords[O offset](dst []uint64, v strView[O], c []byte) {
	n := len(v.off) - 1
	if len(v.data) < 8 || len(c) == 0 {
		for w := range dst {
			var eq uint64
			for j := range min(64, n-w*64) {
				i := w*64 + j
				eq |= b2u(bytes.Equal(v.data[v.off[i]:v.off[i+1]], c)) << j
			}
			dst[w] = eq
		}
		return
	}
	k := min(len(c), 8)
	var pad [8]byte
	copy(pad[:], c[:k])
	want := binary.LittleEndian.Uint64(pad[:])
	mask := ^uint64(0) >> (64 - 8*k)
	limit := len(v.data) - 8
	rest := c[k:]
	off := v.off[:n+1]
	for w := range dst {
		var eq uint64
		for j := range min(64, n-w*64) {
			lo, hi := int(off[w*64+j]), int(off[w*64+j+1])
			// Load the word at lo, or at the last full word of the buffer
			// and shift: a row of c's length ends inside the buffer, so its
			// first k bytes are in that word.
			p := min(lo, limit)
			word := binary.LittleEndian.Uint64(v.data[p:p+8]) >> ((lo - p) * 8)
			cand := b2u(hi-lo == len(c)) & b2u(word&mask == want)
			if len(rest) > 0 && cand != 0 {
				cand = b2u(bytes.Equal(v.data[lo+k:hi], rest))
			}
			eq |= cand << j
		}
		dst[w] = eq
	}
}

// d128 is Arrow's in-memory decimal128: two's complement, low word first.
type d128 struct {
	lo uint64
	hi int64
}

func d128Of(n decimal128.Num) d128 { return d128{lo: n.LowBits(), hi: n.HighBits()} }

func (d d128) num() decimal128.Num { return decimal128.New(d.hi, d.lo) }

// decimals views a decimal128 array's values as d128 words.
func decimals(a arrow.Array) []d128 {
	return decimals128Of(values[decimal128.Num](a))
}

// Signed 128-bit order is unsigned order with the sign bits flipped, and
// x < y unsigned is the borrow out of x - y: two subtractions per row.
const signBit = 1 << 63

// lt128 is 1 if x < y, else 0.
func lt128(x, y d128) uint64 {
	_, b := bits.Sub64(x.lo, y.lo, 0)
	_, b = bits.Sub64(uint64(x.hi)^signBit, uint64(y.hi)^signBit, b)
	return b
}

// decimals128Of views decimal128 values as d128 words.
func decimals128Of(v []decimal128.Num) []d128 {
	return unsafe.Slice((*d128)(unsafe.Pointer(unsafe.SliceData(v))), len(v))
}

// cmp128Words compares decimals of one scale as 128-bit integers.
func cmp128Words(op cmpOp, dst []uint64, a, b []d128) {
	if op == cmpGt || op == cmpLe { // a > b is b < a
		a, b = b, a
	}
	n := len(a)
	b = b[:n]
	for w := range dst {
		x := a[w*64 : min(w*64+64, n)]
		y := b[w*64 : w*64+len(x)]
		var m uint64
		if op == cmpEq || op == cmpNe {
			for j, v := range x {
				m |= b2u(v == y[j]) << (j & 63)
			}
		} else {
			for j, v := range x {
				m |= lt128(v, y[j]) << (j & 63)
			}
		}
		dst[w] = m
	}
	invertFor(op, dst)
}

// cmp128ConstWords compares decimals with a constant of their scale. Full
// words go eight rows at a time, each row's bit independent of the others.
func cmp128ConstWords(op cmpOp, dst []uint64, a []d128, c d128) {
	n := len(a)
	full := n / 64
	for w := range full {
		x := a[w*64 : w*64+64]
		var m uint64
		switch op {
		case cmpEq, cmpNe:
			for k := 0; k < 64; k += 8 {
				g := x[k : k+8]
				m |= (b2u(g[0] == c) | b2u(g[1] == c)<<1 | b2u(g[2] == c)<<2 | b2u(g[3] == c)<<3 |
					b2u(g[4] == c)<<4 | b2u(g[5] == c)<<5 | b2u(g[6] == c)<<6 | b2u(g[7] == c)<<7) << k
			}
		case cmpLt, cmpGe:
			for k := 0; k < 64; k += 8 {
				g := x[k : k+8]
				m |= (lt128(g[0], c) | lt128(g[1], c)<<1 | lt128(g[2], c)<<2 | lt128(g[3], c)<<3 |
					lt128(g[4], c)<<4 | lt128(g[5], c)<<5 | lt128(g[6], c)<<6 | lt128(g[7], c)<<7) << k
			}
		default:
			for k := 0; k < 64; k += 8 {
				g := x[k : k+8]
				m |= (lt128(c, g[0]) | lt128(c, g[1])<<1 | lt128(c, g[2])<<2 | lt128(c, g[3])<<3 |
					lt128(c, g[4])<<4 | lt128(c, g[5])<<5 | lt128(c, g[6])<<6 | lt128(c, g[7])<<7) << k
			}
		}
		dst[w] = m
	}
	if full < len(dst) {
		var m uint64
		for j, v := range a[full*64:] {
			var bit uint64
			switch op {
			case cmpEq, cmpNe:
				bit = b2u(v == c)
			case cmpLt, cmpGe:
				bit = lt128(v, c)
			default:
				bit = lt128(c, v)
			}
			m |= bit << (j & 63)
		}
		dst[full] = m
	}
	invertFor(op, dst)
}

// invertFor turns words of eq, lt or gt results into op's: ne, ge and le
// are their inverses.
func invertFor(op cmpOp, dst []uint64) {
	if op == cmpNe || op == cmpGe || op == cmpLe {
		for i := range dst {
			dst[i] = ^dst[i]
		}
	}
}

// compareDecimalConst compares a decimal column with a one-row decimal
// array c, rescaling the constant rather than every row: to the column's
// scale if that is larger, and otherwise to the neighbouring column values
// (x < 1.234 for x of scale 2 is x <= 1.23).
func compareDecimalConst(op cmpOp, dst []uint64, x, c arrow.Array) {
	sx := x.DataType().(*arrow.Decimal128Type).Scale
	sc := c.DataType().(*arrow.Decimal128Type).Scale
	k := values[decimal128.Num](c)[0]
	xv := decimals(x)
	if sc <= sx {
		if r, ok := rescale(k, sc, sx); ok {
			cmp128ConstWords(op, dst, xv, d128Of(r))
			return
		}
		// The constant is beyond every 128-bit value of the column's scale.
		fillWords(dst, op.holds(-k.Sign()))
		return
	}
	// x op k/10^d with k/10^d between two integers f and f+1 unless exact.
	q, rem := k.Div(pow10(sc - sx))
	if rem.Sign() == 0 {
		cmp128ConstWords(op, dst, xv, d128Of(q))
		return
	}
	floor := q
	if k.Sign() < 0 {
		floor = q.Sub(decimal128.FromU64(1))
	}
	switch op {
	case cmpEq, cmpNe:
		fillWords(dst, op == cmpNe)
	case cmpLt, cmpLe:
		cmp128ConstWords(cmpLe, dst, xv, d128Of(floor))
	default:
		cmp128ConstWords(cmpGt, dst, xv, d128Of(floor))
	}
}

func fillWords(dst []uint64, v bool) {
	w := -b2u(v) // all ones or zero
	for i := range dst {
		dst[i] = w
	}
}

// compareDecimals compares decimals that may differ in scale, bringing both
// to the larger scale; a row whose rescale would overflow 128 bits is
// compared exactly with math/big.
func compareDecimals(op cmpOp, dst []uint64, x, y arrow.Array) {
	sx := x.DataType().(*arrow.Decimal128Type).Scale
	sy := y.DataType().(*arrow.Decimal128Type).Scale
	if sx == sy {
		cmp128Words(op, dst, decimals(x), decimals(y))
		return
	}
	xv := values[decimal128.Num](x)
	yv := values[decimal128.Num](y)
	s := max(sx, sy)
	for w := range dst {
		var m uint64
		for j := range min(64, len(xv)-w*64) {
			i := w*64 + j
			var c int
			a, ok1 := rescale(xv[i], sx, s)
			b, ok2 := rescale(yv[i], sy, s)
			if ok1 && ok2 {
				c = a.Cmp(b)
			} else {
				c = bigRescale(bigOf(xv[i]), sx, s).Cmp(bigRescale(bigOf(yv[i]), sy, s))
			}
			m |= b2u(op.holds(c)) << j
		}
		dst[w] = m
	}
}
