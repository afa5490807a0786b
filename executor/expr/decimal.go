package expr

import (
	"math/big"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// Decimal arithmetic works on the 128-bit two's-complement words Arrow
// stores. Each operation has a fast path in 128 bits that reports overflow
// instead of wrapping, and an exact math/big path for the rare rows whose
// intermediate results need more room (a product rescaled down, say).

const maxDecimalPrecision = 38

func pow10(k int32) decimal128.Num { return decimal128.GetScaleMultiplier(int(k)) }

// borrowScale applies the Substrait rule for results wider than 38 digits:
// keep 38 digits of precision and give up scale, down to min(scale, 6).
func borrowScale(prec, scale int32) (int32, int32) {
	if prec <= maxDecimalPrecision {
		return prec, scale
	}
	minScale := min(scale, 6)
	delta := prec - maxDecimalPrecision
	return maxDecimalPrecision, max(scale-delta, minScale)
}

// decimalResultType returns the Substrait result type of op on decimals
// (functions_arithmetic_decimal.yaml).
func decimalResultType(op arithOp, a, b *arrow.Decimal128Type) *arrow.Decimal128Type {
	p1, s1, p2, s2 := a.Precision, a.Scale, b.Precision, b.Scale
	var p, s int32
	switch op {
	case opAdd, opSub:
		s = max(s1, s2)
		p = s + max(p1-s1, p2-s2) + 1
	case opMul:
		s = s1 + s2
		p = p1 + p2 + 1
	case opDiv:
		s = max(6, s1+p2+1)
		p = p1 - s1 + p2 + s
	}
	p, s = borrowScale(p, s)
	return &arrow.Decimal128Type{Precision: p, Scale: s}
}

// mag returns |x| as two 64-bit words and whether x is negative.
func mag(x decimal128.Num) (hi, lo uint64, neg bool) {
	if x.Sign() < 0 {
		x = x.Negate()
		neg = true
	}
	return uint64(x.HighBits()), x.LowBits(), neg
}

func fromMag(hi, lo uint64, neg bool) (decimal128.Num, bool) {
	if hi>>63 != 0 {
		return decimal128.Num{}, false
	}
	n := decimal128.New(int64(hi), lo)
	if neg {
		n = n.Negate()
	}
	return n, true
}

func addChecked(a, b decimal128.Num) (decimal128.Num, bool) {
	s := a.Add(b)
	// Overflow iff both operands have the same sign and the sum's differs.
	if (a.Sign() >= 0) == (b.Sign() >= 0) && (s.Sign() >= 0) != (a.Sign() >= 0) {
		return s, false
	}
	return s, true
}

func mulChecked(a, b decimal128.Num) (decimal128.Num, bool) {
	ah, al, an := mag(a)
	bh, bl, bn := mag(b)
	if ah != 0 && bh != 0 {
		return decimal128.Num{}, false
	}
	hi, lo := bits.Mul64(al, bl)
	c1h, c1 := bits.Mul64(ah, bl)
	c2h, c2 := bits.Mul64(al, bh)
	if c1h != 0 || c2h != 0 {
		return decimal128.Num{}, false
	}
	var carry uint64
	hi, carry = bits.Add64(hi, c1, 0)
	if carry != 0 {
		return decimal128.Num{}, false
	}
	hi, carry = bits.Add64(hi, c2, 0)
	if carry != 0 {
		return decimal128.Num{}, false
	}
	return fromMag(hi, lo, an != bn)
}

// divRound divides with rounding half away from zero. REQUIRES: b != 0.
func divRound(a, b decimal128.Num) decimal128.Num {
	q, r := a.Div(b)
	if r.Sign() == 0 {
		return q
	}
	r2, ok := addChecked(r.Abs(), r.Abs())
	if !ok || r2.GreaterEqual(b.Abs()) {
		if (a.Sign() < 0) != (b.Sign() < 0) {
			return q.Sub(decimal128.FromI64(1))
		}
		return q.Add(decimal128.FromI64(1))
	}
	return q
}

// rescale changes x's scale from `from` to `to`, rounding half away from
// zero when digits are dropped; ok is false on overflow of 128 bits.
func rescale(x decimal128.Num, from, to int32) (decimal128.Num, bool) {
	switch {
	case to == from:
		return x, true
	case to > from:
		if to-from > maxDecimalPrecision {
			return x, x.Sign() == 0
		}
		return mulChecked(x, pow10(to-from))
	default:
		if from-to > maxDecimalPrecision {
			return decimal128.Num{}, true
		}
		return divRound(x, pow10(from-to)), true
	}
}

func bigOf(x decimal128.Num) *big.Int { return x.BigInt() }

var bigTen = big.NewInt(10)

func bigPow10(k int32) *big.Int {
	return new(big.Int).Exp(bigTen, big.NewInt(int64(k)), nil)
}

// bigDivRound is divRound on big integers. REQUIRES: b != 0.
func bigDivRound(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(a, b, new(big.Int))
	if r.Sign() == 0 {
		return q
	}
	r2 := new(big.Int).Abs(r)
	r2.Lsh(r2, 1)
	if r2.Cmp(new(big.Int).Abs(b)) >= 0 {
		if (a.Sign() < 0) != (b.Sign() < 0) {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

// bigRescale is rescale on big integers (never overflows).
func bigRescale(x *big.Int, from, to int32) *big.Int {
	switch {
	case to > from:
		return new(big.Int).Mul(x, bigPow10(to-from))
	case to < from:
		return bigDivRound(x, bigPow10(from-to))
	}
	return x
}

// fromBig converts x to a decimal of precision prec; ok is false if it does
// not fit.
func fromBig(x *big.Int, prec int32) (decimal128.Num, bool) {
	if new(big.Int).Abs(x).Cmp(bigPow10(prec)) >= 0 {
		return decimal128.Num{}, false
	}
	return decimal128.FromBigInt(x), true
}

// decimalOp computes x op y exactly and returns it at type out; ok is false
// on overflow of out's precision. Division by zero is the caller's check.
func decimalOp(op arithOp, x, y decimal128.Num, sx, sy int32, out *arrow.Decimal128Type) (decimal128.Num, bool) {
	if r, ok := decimalOpFast(op, x, y, sx, sy, out.Scale); ok {
		return r, r.FitsInPrecision(out.Precision)
	}
	bx, by := bigOf(x), bigOf(y)
	var r *big.Int
	switch op {
	case opAdd, opSub:
		s := max(sx, sy)
		bx, by = bigRescale(bx, sx, s), bigRescale(by, sy, s)
		if op == opAdd {
			r = new(big.Int).Add(bx, by)
		} else {
			r = new(big.Int).Sub(bx, by)
		}
		r = bigRescale(r, s, out.Scale)
	case opMul:
		r = bigRescale(new(big.Int).Mul(bx, by), sx+sy, out.Scale)
	case opDiv:
		// x/y at scale so is round(x * 10^(so+sy-sx) / y).
		k := out.Scale + sy - sx
		if k >= 0 {
			r = bigDivRound(new(big.Int).Mul(bx, bigPow10(k)), by)
		} else {
			r = bigDivRound(bx, new(big.Int).Mul(by, bigPow10(-k)))
		}
	}
	return fromBig(r, out.Precision)
}

func decimalOpFast(op arithOp, x, y decimal128.Num, sx, sy, so int32) (decimal128.Num, bool) {
	switch op {
	case opAdd, opSub:
		s := max(sx, sy)
		x, ok1 := rescale(x, sx, s)
		y, ok2 := rescale(y, sy, s)
		if !ok1 || !ok2 {
			return x, false
		}
		if op == opSub {
			y = y.Negate()
		}
		r, ok := addChecked(x, y)
		if !ok {
			return r, false
		}
		return rescale(r, s, so)
	case opMul:
		r, ok := mulChecked(x, y)
		if !ok {
			return r, false
		}
		return rescale(r, sx+sy, so)
	case opDiv:
		k := so + sy - sx
		if k >= 0 {
			if k > maxDecimalPrecision {
				return x, false
			}
			n, ok := mulChecked(x, pow10(k))
			if !ok {
				return n, false
			}
			return divRound(n, y), true
		}
		if -k > maxDecimalPrecision {
			return x, false
		}
		d, ok := mulChecked(y, pow10(-k))
		if !ok {
			return d, false
		}
		return divRound(x, d), true
	}
	return x, false
}
