package expr

import (
	"context"
	"fmt"
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

type arithOp int

const (
	opAdd arithOp = iota
	opSub
	opMul
	opDiv
)

var arithNames = [...]string{opAdd: "add", opSub: "subtract", opMul: "multiply", opDiv: "divide"}

type integer interface {
	~int8 | ~int16 | ~int32 | ~int64
}

type float interface{ ~float32 | ~float64 }

func sizeOf[T any](v T) uintptr { return unsafe.Sizeof(v) }

// The integer kernels compute every row and report whether any overflowed
// (or divided by zero); on a report the caller re-checks row by row, so the
// common case stays a branch-free loop.

func addInto[T integer](dst, a, b []T) bool {
	var of T
	for i := range dst {
		s := a[i] + b[i]
		of |= (a[i] ^ s) & (b[i] ^ s)
		dst[i] = s
	}
	return of >= 0
}

func subInto[T integer](dst, a, b []T) bool {
	var of T
	for i := range dst {
		d := a[i] - b[i]
		of |= (a[i] ^ b[i]) & (a[i] ^ d)
		dst[i] = d
	}
	return of >= 0
}

func mulInto[T integer](dst, a, b []T) bool {
	ok := true
	for i := range dst {
		x, y := a[i], b[i]
		p := x * y
		if x != 0 && (p/x != y || (x == -1 && y < 0 && p < 0)) {
			ok = false
		}
		dst[i] = p
	}
	return ok
}

func divInto[T integer](dst, a, b []T) bool {
	ok := true
	for i := range dst {
		x, y := a[i], b[i]
		if y == 0 || (y == -1 && x < 0 && -x < 0) {
			ok = false
			dst[i] = 0
			continue
		}
		dst[i] = x / y
	}
	return ok
}

func floatInto[T float](op arithOp, dst, a, b []T) {
	switch op {
	case opAdd:
		for i := range dst {
			dst[i] = a[i] + b[i]
		}
	case opSub:
		for i := range dst {
			dst[i] = a[i] - b[i]
		}
	case opMul:
		for i := range dst {
			dst[i] = a[i] * b[i]
		}
	case opDiv:
		for i := range dst {
			dst[i] = a[i] / b[i]
		}
	}
}

func intKernel[T integer](op arithOp) func(dst, a, b []T) bool {
	switch op {
	case opAdd:
		return addInto[T]
	case opSub:
		return subInto[T]
	case opMul:
		return mulInto[T]
	}
	return divInto[T]
}

// arith is a binary arithmetic expression on operands of one type.
type arith struct {
	op   arithOp
	a, b Expr
	dt   arrow.DataType
	arithOptions
}

// arithOptions are the function options arithmetic honours.
type arithOptions struct {
	// overflow: ERROR fails the query; SATURATE clamps to the type's range;
	// SILENT (whose result the spec leaves undefined) gives null.
	overflow string
	// divZero is on_division_by_zero: ERROR; NULL; for floats IEEE (±inf or
	// NaN, their default) or LIMIT (the largest finite value of the sign).
	// For integers NAN means NULL, as there is no integer NaN.
	divZero string
}

// arithOptionsOf reads and checks a call's overflow and
// on_division_by_zero options for operands of type dt.
func arithOptionsOf(c *Call, dt arrow.DataType) (arithOptions, error) {
	var o arithOptions
	var err error
	if o.overflow, err = optionOf(c, "overflow", "ERROR", "SATURATE", "SILENT"); err != nil {
		return o, err
	}
	if o.overflow == "SATURATE" && !isInteger(dt) {
		return o, errkind.Errorf(errkind.Unimplemented, "option overflow=SATURATE on %s", dt)
	}
	if isFloat(dt) {
		o.divZero, err = optionOf(c, "on_division_by_zero", "IEEE", "LIMIT", "NULL", "ERROR")
	} else {
		o.divZero, err = optionOf(c, "on_division_by_zero", "ERROR", "NULL", "NAN")
		if o.divZero == "NAN" {
			o.divZero = "NULL"
		}
	}
	if err != nil {
		return o, err
	}
	if isFloat(dt) {
		if _, err := optionOf(c, "rounding", "TIE_TO_EVEN"); err != nil {
			return o, err
		}
	}
	return o, nil
}

func bindArith(op arithOp) scalarBinder {
	return func(_ *Registry, c *Call) (Expr, error) {
		if err := wantArgs(c, 2); err != nil {
			return nil, err
		}
		if e, ok, err := bindDateArith(op, c); ok || err != nil {
			return e, err
		}
		args, err := coerceNumeric(c.Args)
		if err != nil {
			return nil, err
		}
		at := args[0].DataType()
		opts, err := arithOptionsOf(c, at)
		if err != nil {
			return nil, err
		}
		e := &arith{op: op, a: args[0], b: args[1], arithOptions: opts}
		if ad, ok := at.(*arrow.Decimal128Type); ok {
			bd := args[1].DataType().(*arrow.Decimal128Type)
			if d, ok := c.Out.(*arrow.Decimal128Type); ok {
				// The producer's declared type is the contract; compute into it
				// directly so no second rounding happens.
				e.dt = d
			} else {
				e.dt = decimalResultType(op, ad, bd)
			}
			return e, nil
		}
		e.dt = at
		return e, nil
	}
}

func (e *arith) DataType() arrow.DataType { return e.dt }

func (e *arith) String() string {
	return fmt.Sprintf("%s(%s, %s)", arithNames[e.op], e.a, e.b)
}

func (e *arith) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	if e.dt.ID() == arrow.DECIMAL128 {
		if r, ok, err := e.evalDecimalConst(ctx, alloc, b); ok || err != nil {
			return r, err
		}
	}
	args, err := evalArgs(ctx, alloc, b, []Expr{e.a, e.b})
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	if e.dt.ID() == arrow.DECIMAL128 {
		reuse := reusable(e.a, args[0])
		if reuse == nil {
			reuse = reusable(e.b, args[1])
		}
		return e.decimalKernel(alloc, args[0].Len(), args[0], args[1], false, false, reuse)
	}
	return e.evalArrays(alloc, args[0], args[1])
}

// reusable returns the values buffer of a, computed by x, if the result
// may be written over it: x is a decimal arith, whose Eval always returns
// a new array this caller alone holds, and the buffer holds exactly a's
// rows. Row i of a result only reads row i of its inputs, so computing in
// place is safe.
func reusable(x Expr, a arrow.Array) *memory.Buffer {
	if e, ok := x.(*arith); !ok || e.dt.ID() != arrow.DECIMAL128 {
		return nil
	}
	d := a.Data()
	if d.Offset() != 0 || len(d.Buffers()) < 2 || d.Buffers()[1] == nil || d.Buffers()[1].Len() != d.Len()*16 {
		return nil
	}
	return d.Buffers()[1]
}

// evalArrays computes x op y, both of e's type.
func (e *arith) evalArrays(alloc memory.Allocator, x, y arrow.Array) (arrow.Array, error) {
	switch e.dt.ID() {
	case arrow.INT8:
		return evalInt[int8](e, alloc, x, y)
	case arrow.INT16:
		return evalInt[int16](e, alloc, x, y)
	case arrow.INT32:
		return evalInt[int32](e, alloc, x, y)
	case arrow.INT64:
		return evalInt[int64](e, alloc, x, y)
	case arrow.FLOAT32:
		return evalFloat[float32](e, alloc, x, y)
	case arrow.FLOAT64:
		return evalFloat[float64](e, alloc, x, y)
	case arrow.DECIMAL128:
		return e.evalDecimal(alloc, x, y)
	}
	return nil, errkind.Errorf(errkind.Internal, "%s on %s", arithNames[e.op], e.dt)
}

func evalFloat[T float](e *arith, alloc memory.Allocator, x, y arrow.Array) (arrow.Array, error) {
	r := newFixedResult[T](alloc, x.Len(), x, y)
	yv := arrow.GetValues[T](y.Data(), 1)
	floatInto(e.op, r.vals, arrow.GetValues[T](x.Data(), 1), yv)
	if e.op != opDiv || e.divZero == "IEEE" {
		return r.array(e.dt), nil
	}
	for i, d := range yv {
		if d != 0 || !r.isValid(i) {
			continue
		}
		switch e.divZero {
		case "NULL":
			r.setNull(i)
		case "LIMIT":
			r.vals[i] = T(math.Copysign(maxFloat(r.vals[i]), float64(r.vals[i])))
		default:
			r.discard()
			return nil, errkind.Errorf(errkind.Execution, "%s: division by zero", arithNames[e.op])
		}
	}
	return r.array(e.dt), nil
}

// maxFloat is the largest finite value of v's type.
func maxFloat[T float](v T) float64 {
	if sizeOf(v) == 4 {
		return math.MaxFloat32
	}
	return math.MaxFloat64
}

// intRange returns the smallest and largest values of T.
func intRange[T integer]() (T, T) {
	var zero T
	hi := uint64(1)<<(8*sizeOf(zero)-1) - 1
	return -T(hi) - 1, T(hi)
}

// saturate is the clamped result of x op y, which overflowed T.
func saturate[T integer](op arithOp, x, y T) T {
	lo, hi := intRange[T]()
	var neg bool
	switch op {
	case opAdd:
		neg = x < 0
	case opSub:
		neg = x < 0
	case opMul:
		neg = (x < 0) != (y < 0)
	case opDiv:
		neg = false // only MinInt / -1 overflows
	}
	if neg {
		return lo
	}
	return hi
}

func evalInt[T integer](e *arith, alloc memory.Allocator, x, y arrow.Array) (arrow.Array, error) {
	xv, yv := arrow.GetValues[T](x.Data(), 1), arrow.GetValues[T](y.Data(), 1)
	r := newFixedResult[T](alloc, x.Len(), x, y)
	out := r.vals
	kernel := intKernel[T](e.op)
	if !kernel(out, xv, yv) {
		// Some row failed; find which, ignoring rows that are null anyway.
		for i := range out {
			if !r.isValid(i) || kernel(out[i:i+1], xv[i:i+1], yv[i:i+1]) {
				continue
			}
			divZero := e.op == opDiv && yv[i] == 0
			switch {
			case divZero && e.divZero == "NULL", !divZero && e.overflow == "SILENT":
				r.setNull(i)
				continue
			case !divZero && e.overflow == "SATURATE":
				out[i] = saturate(e.op, xv[i], yv[i])
				continue
			}
			r.discard()
			if divZero {
				return nil, errkind.Errorf(errkind.Execution, "%s: division by zero", arithNames[e.op])
			}
			return nil, errkind.Errorf(errkind.Execution, "%s: %s overflow (%v, %v)", arithNames[e.op], e.dt, xv[i], yv[i])
		}
	}
	return r.array(e.dt), nil
}

func (e *arith) evalDecimal(alloc memory.Allocator, x, y arrow.Array) (arrow.Array, error) {
	return e.decimalKernel(alloc, x.Len(), x, y, false, false, nil)
}

// evalDecimalConst computes a decimal operation with one constant operand
// without materializing the constant; ok is false if neither or both
// operands are constant, or the constant is null.
func (e *arith) evalDecimalConst(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, bool, error) {
	ca, cb := isConstant(e.a), isConstant(e.b)
	if ca == cb {
		return nil, false, nil
	}
	k, v := e.b, e.a
	if ca {
		k, v = e.a, e.b
	}
	c, err := evalConstant(ctx, alloc, k)
	if err != nil {
		return nil, false, err
	}
	defer c.Release()
	if c.IsNull(0) {
		return nil, false, nil
	}
	x, err := v.Eval(ctx, alloc, b)
	if err != nil {
		return nil, false, err
	}
	defer x.Release()
	var r arrow.Array
	reuse := reusable(v, x)
	if ca {
		r, err = e.decimalKernel(alloc, x.Len(), c, x, true, false, reuse)
	} else {
		r, err = e.decimalKernel(alloc, x.Len(), x, c, false, true, reuse)
	}
	return r, true, err
}

// decimalKernel computes n rows of x op y; a constant operand (xc, yc) is a
// one-row array applied to every row. Rows run in int64 where they can
// (see dec64Plan) and through decimalOp where they cannot. If reuse is not
// nil, the result is written over it (see reusable).
func (e *arith) decimalKernel(alloc memory.Allocator, n int, x, y arrow.Array, xc, yc bool, reuse *memory.Buffer) (arrow.Array, error) {
	out := e.dt.(*arrow.Decimal128Type)
	xt := x.DataType().(*arrow.Decimal128Type)
	yt := y.DataType().(*arrow.Decimal128Type)
	sx, sy := xt.Scale, yt.Scale
	xv, yv := decimals(x), decimals(y)
	var inputs []arrow.Array
	xs, ys := 1, 1
	px, py := xt.Precision, yt.Precision
	if xc {
		xs, px = 0, digitsOf(xv[0])
	} else {
		inputs = append(inputs, x)
	}
	if yc {
		ys, py = 0, digitsOf(yv[0])
	} else {
		inputs = append(inputs, y)
	}
	var r *fixedResult[decimal128.Num]
	if reuse != nil {
		reuse.Retain()
		valid, nulls := validity(alloc, n, inputs...)
		r = &fixedResult[decimal128.Num]{alloc: alloc, n: n, valid: valid, nulls: nulls, buf: reuse,
			vals: arrow.GetData[decimal128.Num](reuse.Bytes())}
	} else {
		r = newFixedResult[decimal128.Num](alloc, n, inputs...)
	}
	res := decimals128Of(r.vals)
	plan := planDec64(e.op, sx, sy, out.Scale, out.Precision, decDigits(e.op, px, sx, py, sy, out.Scale))
	for i := 0; i < n; i++ {
		if plan.ok {
			if i = plan.run(res, xv, yv, xs, ys, i); i == n {
				break
			}
		}
		a, b := xv[i*xs].num(), yv[i*ys].num()
		if !r.isValid(i) {
			res[i] = d128{}
			continue
		}
		if e.op == opDiv && b.Sign() == 0 {
			if e.divZero == "NULL" {
				r.setNull(i)
				res[i] = d128{}
				continue
			}
			r.discard()
			return nil, errkind.Errorf(errkind.Execution, "%s: division by zero", arithNames[e.op])
		}
		v, ok := decimalOp(e.op, a, b, sx, sy, out)
		if !ok {
			if e.overflow == "SILENT" {
				r.setNull(i)
				res[i] = d128{}
				continue
			}
			r.discard()
			return nil, errkind.Errorf(errkind.Execution, "%s: result overflows %s (%s, %s)", arithNames[e.op], out,
				a.ToString(sx), b.ToString(sy))
		}
		res[i] = d128Of(v)
	}
	if r.valid != nil {
		zeroNulls(res, r.valid.Bytes())
	}
	return r.array(e.dt), nil
}

// zeroNulls clears the values of null rows, whose fast-path results are
// computed from whatever the inputs held there.
func zeroNulls(res []d128, valid []byte) {
	for i := 0; i < len(res); i += 8 {
		b := valid[i/8]
		if b == 0xff {
			continue
		}
		for j := i; j < min(i+8, len(res)); j++ {
			if b>>(j-i)&1 == 0 {
				res[j] = d128{}
			}
		}
	}
}

// setNull clears bit i of a validity bitmap, creating an all-valid one first
// if there is none.
func setNull(alloc memory.Allocator, valid *memory.Buffer, n, i int) *memory.Buffer {
	if valid == nil {
		valid = newBitmap(alloc, n)
		bitutil.SetBitsTo(valid.Bytes(), 0, int64(n), true)
	}
	bitutil.ClearBit(valid.Bytes(), i)
	return valid
}

// negate is unary minus, computed as 0 - x so overflow (of the smallest
// integer) follows the overflow option as subtraction does.
type negate struct {
	a    Expr
	opts arithOptions
}

func bindNegate(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 1); err != nil {
		return nil, err
	}
	switch dt := c.Args[0].DataType(); dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64, arrow.DECIMAL128:
		opts, err := arithOptionsOf(c, dt)
		if err != nil {
			return nil, err
		}
		return &negate{a: c.Args[0], opts: opts}, nil
	case arrow.NULL:
		return allNull("negate", c.Args, dt), nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "negate of %s", c.Args[0].DataType())
}

func (e *negate) DataType() arrow.DataType { return e.a.DataType() }
func (e *negate) String() string           { return fmt.Sprintf("negate(%s)", e.a) }

func (e *negate) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	x, err := e.a.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	zero, err := zeroLike(alloc, x)
	if err != nil {
		return nil, err
	}
	defer zero.Release()
	sub := &arith{op: opSub, dt: x.DataType(), arithOptions: e.opts}
	return sub.evalArrays(alloc, zero, x)
}

// zeroLike returns an all-zero, all-valid array of x's type and length.
func zeroLike(alloc memory.Allocator, x arrow.Array) (arrow.Array, error) {
	w := x.DataType().(arrow.FixedWidthDataType).BitWidth() / 8
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(x.Len() * w)
	clear(buf.Bytes())
	return makeArray(x.DataType(), x.Len(), nil, 0, buf), nil
}
