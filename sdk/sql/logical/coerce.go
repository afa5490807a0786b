package logical

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// The implicit coercions of PostgreSQL that both front ends apply: an
// integer meets a decimal as a decimal of its digits, a string literal
// takes the type of what it is compared with, date ± interval literals fold.
// A builder of plans uses them to keep the package's invariant (calls are
// well typed) without writing casts by hand.

// ErrNoCommonType is returned (wrapped) when values of two types cannot be
// compared or combined.
var ErrNoCommonType = errors.New("no common type")

// Binary returns the call of the binary function fn ("add", "subtract",
// "multiply", "divide", "modulus", "concat", "equal", "not_equal", "lt",
// "lte", "gt", "gte") on l and r, coercing the operands as PostgreSQL
// would. Errors wrap ErrNoCommonType or ErrNoSignature.
func (f *Functions) Binary(fn string, l, r Expr) (Expr, error) {
	lt, rt := l.Type(), r.Type()
	switch fn {
	case "add", "subtract":
		// date ± interval.
		if _, ok := lt.(*types.DateType); ok {
			if iv, ok := r.(*Literal); ok {
				if d, ok := l.(*Literal); ok && d.Value != nil && iv.Value != nil {
					if v, ok := AddInterval(d.Value.(Date), iv.Value, fn == "subtract"); ok {
						return &Literal{Value: v, T: d.T}, nil
					}
				}
			}
			return f.Call(fn, l, r)
		}
		if _, ok := rt.(*types.DateType); ok && fn == "add" {
			return f.Binary(fn, r, l)
		}
		fallthrough
	case "multiply", "divide", "modulus":
		switch {
		case IsDecimal(lt) && IsDecimal(rt):
		case IsNumeric(lt) && IsNumeric(rt):
			t, err := CommonType([]Expr{l, r})
			if err != nil {
				return nil, err
			}
			l, r = Coerce(l, t), Coerce(r, t)
		}
		return f.Call(fn, l, r)
	case "concat":
		return f.Call(fn, l, r)
	}
	// Comparisons: both sides to one type.
	t, err := CommonType([]Expr{l, r})
	if err != nil {
		return nil, err
	}
	return f.Call(fn, Coerce(l, t), Coerce(r, t))
}

// IsUntypedString reports whether x is a string literal, which takes the
// type of what it meets (PostgreSQL's unknown-typed literal).
func IsUntypedString(x Expr) bool {
	l, ok := x.(*Literal)
	if !ok {
		return false
	}
	_, ok = l.Value.(string)
	return ok
}

// IsNullLiteral reports whether x is a null literal.
func IsNullLiteral(x Expr) bool {
	l, ok := x.(*Literal)
	return ok && l.Value == nil
}

// CommonType is the type the expressions compare or combine in: numbers
// widen (integers, then decimals, then floats), string literals take the
// other side's type, null literals any. Errors wrap ErrNoCommonType.
func CommonType(xs []Expr) (types.Type, error) {
	var t types.Type
	nullable := false
	for _, x := range xs {
		xt := x.Type()
		nullable = nullable || IsNullable(xt)
		if IsNullLiteral(x) {
			continue
		}
		if t == nil {
			t = xt
			continue
		}
		switch {
		case SameType(t, xt):
		case IsInt(t) && IsInt(xt):
			if intWidth(xt) > intWidth(t) {
				t = xt
			}
		case IsFloat(t) || IsFloat(xt):
			if !IsNumeric(t) || !IsNumeric(xt) {
				return nil, fmt.Errorf("%w: cannot compare %s and %s", ErrNoCommonType, t, xt)
			}
			t = &types.Float64Type{}
		case (IsDecimal(t) || IsInt(t)) && (IsDecimal(xt) || IsInt(xt)):
			a, b := asDecimal(t, x), asDecimal(xt, x)
			scale := max(a.Scale, b.Scale)
			digits := max(a.Precision-a.Scale, b.Precision-b.Scale)
			t = &types.DecimalType{Precision: min(38, digits+scale), Scale: scale}
		case IsString(xt) && IsUntypedString(x):
			// a string literal takes t.
		case IsString(t) && IsString(xt):
			t = &types.StringType{}
		case IsString(t) && !IsString(xt):
			// earlier string literals take xt.
			if !allStringLits(xs, xt) {
				return nil, fmt.Errorf("%w: cannot compare %s and %s", ErrNoCommonType, t, xt)
			}
			t = xt
		default:
			return nil, fmt.Errorf("%w: cannot compare %s and %s", ErrNoCommonType, t, xt)
		}
	}
	if t == nil {
		t = &types.BooleanType{}
	}
	return WithNull(t, nullable), nil
}

func allStringLits(xs []Expr, t types.Type) bool {
	for _, x := range xs {
		if IsString(x.Type()) && !IsUntypedString(x) {
			return false
		}
	}
	return true
}

// asDecimal is the decimal type of t; an integer literal gets only the
// digits it needs.
func asDecimal(t types.Type, x Expr) *types.DecimalType {
	if d, ok := t.(*types.DecimalType); ok {
		return d
	}
	if l, ok := x.(*Literal); ok && SameType(l.T, t) {
		var v int64
		switch n := l.Value.(type) {
		case int32:
			v = int64(n)
		case int64:
			v = n
		}
		p := int32(len(strconv.FormatInt(max(v, -v), 10)))
		return &types.DecimalType{Precision: p, Scale: 0}
	}
	return decimalOfInt(t)
}

// Coerce converts x to t (nullability aside): literals are converted now,
// other expressions get a Cast.
func Coerce(x Expr, t types.Type) Expr {
	t = WithNull(t, IsNullable(x.Type()))
	if SameType(x.Type(), t) {
		return x
	}
	if l, ok := x.(*Literal); ok {
		if d, ok := l.Value.(Decimal); ok {
			from := l.T.(*types.DecimalType)
			switch to := t.(type) {
			case *types.DecimalType:
				if to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale {
					return &Literal{Value: Decimal{Unscaled: d.Unscaled.IncreaseScaleBy(to.Scale - from.Scale)}, T: t}
				}
			case *types.Float64Type:
				return &Literal{Value: d.Unscaled.ToFloat64(from.Scale), T: t}
			}
		}
		if v, ok := convertLiteral(l.Value, t); ok {
			return &Literal{Value: v, T: t}
		}
	}
	return &Cast{X: x, T: t}
}

// convertLiteral converts a literal's value to type t, if it can exactly.
func convertLiteral(v any, t types.Type) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch t := t.(type) {
	case *types.DecimalType:
		var n decimal128.Num
		switch v := v.(type) {
		case int32:
			n = decimal128.FromI64(int64(v))
		case int64:
			n = decimal128.FromI64(v)
		default:
			return nil, false
		}
		return Decimal{Unscaled: n.IncreaseScaleBy(t.Scale)}, true
	case *types.Float64Type:
		switch v := v.(type) {
		case int32:
			return float64(v), true
		case int64:
			return float64(v), true
		}
	case *types.Int64Type:
		if v, ok := v.(int32); ok {
			return int64(v), true
		}
	case *types.DateType:
		if s, ok := v.(string); ok {
			d, err := ParseDate(s)
			return d, err == nil
		}
	case *types.PrecisionTimestampType:
		if s, ok := v.(string); ok && t.Precision == types.PrecisionMicroSeconds {
			ts, err := ParseTimestamp(s)
			return ts, err == nil
		}
	case *types.StringType:
		if s, ok := v.(string); ok {
			return s, true
		}
	}
	return nil, false
}

// ParseDate parses a date in ISO form, YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	tm, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, errkind.Errorf(errkind.InvalidArgument, "invalid input syntax for type date: %q", s)
	}
	return Date(tm.Unix() / 86400), nil
}

// ParseTimestamp parses a timestamp in ISO form, YYYY-MM-DD, with an
// optional time of day HH:MM[:SS[.ffffff]] after a space or a T.
func ParseTimestamp(s string) (Timestamp, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if tm, err := time.Parse(layout, s); err == nil {
			return Timestamp(tm.UnixMicro()), nil
		}
	}
	return 0, errkind.Errorf(errkind.InvalidArgument, "invalid input syntax for type timestamp: %q", s)
}

// AddInterval folds d ± iv as PostgreSQL computes it: a year-month
// interval (IntervalYear) moves by calendar months and clamps the day to
// the last of the month it lands in ('2000-01-31' + 1 month =
// '2000-02-29'), a day interval (IntervalDay) by days. ok is false for an
// interval with a time of day (the result is a timestamp, computed by the
// engine).
func AddInterval(d Date, iv any, sub bool) (Date, bool) {
	sign := 1
	if sub {
		sign = -1
	}
	tm := time.Unix(int64(d)*86400, 0).UTC()
	switch iv := iv.(type) {
	case IntervalDay:
		if iv.Seconds != 0 {
			return 0, false
		}
		tm = tm.AddDate(0, 0, sign*int(iv.Days))
	case IntervalYear:
		months := sign * (int(iv.Years)*12 + int(iv.Months))
		y, m, day := tm.Date()
		total := y*12 + int(m) - 1 + months
		ny, nm := total/12, total%12
		if nm < 0 {
			ny, nm = ny-1, nm+12
		}
		last := time.Date(ny, time.Month(nm+2), 0, 0, 0, 0, 0, time.UTC).Day()
		tm = time.Date(ny, time.Month(nm+1), min(day, last), 0, 0, 0, 0, time.UTC)
	default:
		return 0, false
	}
	return Date(tm.Unix() / 86400), true
}

// Negate returns the literal -l, if l is a number.
func Negate(l *Literal) (*Literal, bool) {
	switch v := l.Value.(type) {
	case int32:
		return &Literal{Value: -v, T: l.T}, true
	case int64:
		return &Literal{Value: -v, T: l.T}, true
	case float64:
		return &Literal{Value: -v, T: l.T}, true
	case Decimal:
		return &Literal{Value: Decimal{Unscaled: v.Unscaled.Negate()}, T: l.T}, true
	}
	return nil, false
}

// NumericLiteral parses a number as SQL types it: with an exponent a
// float, without a point an i64, otherwise a decimal of its digits.
func NumericLiteral(s string) (*Literal, error) {
	req := types.NullabilityRequired
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "invalid number %q", s)
		}
		return &Literal{Value: f, T: &types.Float64Type{Nullability: req}}, nil
	}
	if !strings.Contains(s, ".") {
		v, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return &Literal{Value: v, T: &types.Int64Type{Nullability: req}}, nil
		}
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(strings.TrimLeft(intPart, "+-")+frac, "0")
	p := max(int32(len(digits)), int32(len(frac)), 1)
	if p > 38 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "number %q has more than 38 digits", s)
	}
	n, err := decimal128.FromString(s, p, int32(len(frac)))
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "invalid number %q: %v", s, err)
	}
	return &Literal{Value: Decimal{Unscaled: n}, T: &types.DecimalType{Precision: p, Scale: int32(len(frac)), Nullability: req}}, nil
}

// ForceNull makes a literal's type match t's nullability; other
// expressions are left (a consumer widens non-nullable to nullable).
func ForceNull(x Expr, t types.Type) Expr {
	if l, ok := x.(*Literal); ok && IsNullable(t) && !IsNullable(l.T) {
		return &Literal{Value: l.Value, T: WithNull(l.T, true)}
	}
	return x
}
