package expr

import (
	"math"
	"math/bits"
)

// Most decimal values in practice fit in 64 bits. The kernels here compute
// a row in int64 arithmetic when both operands do (the high word is the sign
// extension of the low one) and every step stays in range; any other row
// (wide values, overflow, division by zero, a result over the precision)
// stops the kernel and goes through the exact 128-bit/big path.

// pow10i64 holds 10^0 .. 10^18, the powers of ten an int64 can hold. It is
// a table, never written.
var pow10i64 = [19]int64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// fits64 reports whether d is an int64 value.
func fits64(d d128) bool { return d.hi == int64(d.lo)>>63 }

func of64(v int64) d128 { return d128{lo: uint64(v), hi: v >> 63} }

// add64 is a + b; ok is false on overflow.
func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a^s)&(b^s) >= 0
}

// sub64 is a - b; ok is false on overflow.
func sub64(a, b int64) (int64, bool) {
	d := a - b
	return d, (a^b)&(a^d) >= 0
}

// mul64 is a * b; ok is false on overflow. The signed high word of the
// 128-bit product is the unsigned one less b if a < 0 and a if b < 0.
func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	hi -= uint64(a>>63)&uint64(b) + uint64(b>>63)&uint64(a)
	return int64(lo), int64(hi) == int64(lo)>>63
}

// divRound64 is a / b rounded half away from zero; ok is false if b is 0 or
// the quotient overflows.
func divRound64(a, b int64) (int64, bool) {
	if b == 0 || (a == math.MinInt64 && b == -1) {
		return 0, false
	}
	q, r := a/b, a%b
	if r != 0 && 2*absU64(r) >= absU64(b) {
		if (a < 0) != (b < 0) {
			q--
		} else {
			q++
		}
	}
	return q, true
}

func absU64(v int64) uint64 {
	m := v >> 63
	return uint64((v ^ m) - m)
}

// dec64Plan is how a decimal operation runs in int64: the operands are
// multiplied by mx and my (add, sub) or the numerator by up (div), then the
// result rescaled by up (times) or down (divided, rounding).
type dec64Plan struct {
	op       arithOp
	mx, my   int64 // add, sub: operand multipliers to the common scale
	up, down int64 // result rescale: multiply by up, or divide by down (1 for none)
	divUp    int64 // div: numerator multiplier (k >= 0)
	divDown  int64 // div: denominator multiplier (k < 0)
	bound    int64 // |result| must be below bound; 0 when any int64 fits
	ok       bool  // false if some step needs more than 18 digits of scaling
}

// planDec64 plans op on scales sx and sy into scale so and precision po.
// digits is an upper bound on the result's digits (from the operands'
// precisions) or 0 if unknown; when it is within po, no row is checked.
func planDec64(op arithOp, sx, sy, so, po, digits int32) dec64Plan {
	p := dec64Plan{op: op, mx: 1, my: 1, up: 1, down: 1, divUp: 1, divDown: 1, ok: true}
	pow := func(k int32) int64 {
		if k < 0 || k > 18 {
			p.ok = false
			return 1
		}
		return pow10i64[k]
	}
	var s int32 // scale of the exact result
	switch op {
	case opAdd, opSub:
		s = max(sx, sy)
		p.mx, p.my = pow(s-sx), pow(s-sy)
	case opMul:
		s = sx + sy
	case opDiv:
		s = so
		if k := so + sy - sx; k >= 0 {
			p.divUp = pow(k)
		} else {
			p.divDown = pow(-k)
		}
	}
	if so >= s {
		p.up = pow(so - s)
	} else {
		p.down = pow(s - so)
	}
	if po <= 18 && (digits == 0 || digits > po) {
		p.bound = pow10i64[po]
	}
	return p
}

// row computes one row; ok is false if it left int64 or the precision.
func (p *dec64Plan) row(x, y int64) (int64, bool) {
	var r int64
	ok := true
	switch p.op {
	case opAdd, opSub:
		a, ok1 := mul64(x, p.mx)
		b, ok2 := mul64(y, p.my)
		if p.op == opAdd {
			r, ok = add64(a, b)
		} else {
			r, ok = sub64(a, b)
		}
		ok = ok && ok1 && ok2
	case opMul:
		r, ok = mul64(x, y)
	case opDiv:
		n, ok1 := mul64(x, p.divUp)
		d, ok2 := mul64(y, p.divDown)
		r, ok = divRound64(n, d)
		ok = ok && ok1 && ok2
		return r, ok && p.inBound(r)
	}
	if p.up != 1 {
		var ok3 bool
		r, ok3 = mul64(r, p.up)
		ok = ok && ok3
	} else if p.down != 1 {
		r, _ = divRound64(r, p.down)
	}
	return r, ok && p.inBound(r)
}

func (p *dec64Plan) inBound(r int64) bool {
	return p.bound == 0 || (r < p.bound && r > -p.bound)
}

// run computes rows from i on into out, x and y being read with strides xs
// and ys (0 for a constant); it returns the first row it could not do, or
// len(out).
func (p *dec64Plan) run(out, x, y []d128, xs, ys, i int) int {
	n := len(out)
	simple := p.mx == 1 && p.my == 1 && p.up == 1 && p.down == 1 && p.bound == 0
	switch {
	case simple && p.op == opAdd:
		for ; i < n; i++ {
			a, b := x[i*xs], y[i*ys]
			r, ok := add64(int64(a.lo), int64(b.lo))
			if !ok || !fits64(a) || !fits64(b) {
				return i
			}
			out[i] = of64(r)
		}
	case simple && p.op == opSub:
		for ; i < n; i++ {
			a, b := x[i*xs], y[i*ys]
			r, ok := sub64(int64(a.lo), int64(b.lo))
			if !ok || !fits64(a) || !fits64(b) {
				return i
			}
			out[i] = of64(r)
		}
	case simple && p.op == opMul:
		for ; i < n; i++ {
			a, b := x[i*xs], y[i*ys]
			r, ok := mul64(int64(a.lo), int64(b.lo))
			if !ok || !fits64(a) || !fits64(b) {
				return i
			}
			out[i] = of64(r)
		}
	default:
		for ; i < n; i++ {
			a, b := x[i*xs], y[i*ys]
			if !fits64(a) || !fits64(b) {
				return i
			}
			r, ok := p.row(int64(a.lo), int64(b.lo))
			if !ok {
				return i
			}
			out[i] = of64(r)
		}
	}
	return n
}

// decDigits is an upper bound on the digits of op's result at scale so, for
// operands of at most px and py digits at scales sx and sy; 0 if unknown.
func decDigits(op arithOp, px, sx, py, sy, so int32) int32 {
	var d, s int32 // digits and scale of the exact result
	switch op {
	case opAdd, opSub:
		s = max(sx, sy)
		d = max(px-sx, py-sy) + s + 1
	case opMul:
		s = sx + sy
		d = px + py
	default:
		return 0
	}
	if so >= s {
		return d + so - s
	}
	return d - (s - so) + 1 // rounding may carry into a new digit
}

// digitsOf is the number of decimal digits of |v|, at least 1.
func digitsOf(d d128) int32 {
	if !fits64(d) {
		return maxDecimalPrecision
	}
	u := absU64(int64(d.lo))
	k := int32(1)
	for u >= 10 {
		u /= 10
		k++
	}
	return k
}
