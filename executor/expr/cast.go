package expr

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Cast converts its input to another type. Decimal targets are computed here
// (rounding half away from zero, as SQL engines do, and checking the target
// precision); other conversions go through Arrow's cast kernels in safe
// mode, so lossy conversions fail instead of wrapping.
type Cast struct {
	In Expr
	To arrow.DataType
	// NullOnFailure makes values that cannot be converted null instead of
	// failing the query (Substrait's FAILURE_BEHAVIOR_RETURN_NULL). It is
	// honoured row by row for decimal targets.
	NullOnFailure bool
}

// NewCast returns a cast of in to type to, or an error if no conversion
// between the types exists.
func NewCast(in Expr, to arrow.DataType, nullOnFailure bool) (Expr, error) {
	from := in.DataType()
	if arrow.TypeEqual(from, to) {
		return in, nil
	}
	// The conversions cast computes itself; Arrow's kernels do the rest.
	own := (isDecimal(to) && (isDecimal(from) || isInteger(from))) ||
		(isDecimal(from) && (isFloat(to) || isInteger(to))) ||
		from.ID() == arrow.NULL || (isString(from) && to.ID() == arrow.DATE32)
	if !own && !compute.CanCast(from, to) {
		return nil, errkind.Errorf(errkind.Unimplemented, "cast from %s to %s", from, to)
	}
	return &Cast{In: in, To: to, NullOnFailure: nullOnFailure}, nil
}

func (c *Cast) DataType() arrow.DataType { return c.To }

func (c *Cast) String() string { return fmt.Sprintf("cast(%s as %s)", c.In, c.To) }

func (c *Cast) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	x, err := c.In.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer x.Release()
	return c.cast(ctx, alloc, x)
}

func (c *Cast) cast(ctx context.Context, alloc memory.Allocator, x arrow.Array) (arrow.Array, error) {
	from := x.DataType()
	switch {
	case isDecimal(c.To) && isDecimal(from):
		v := arrow.GetValues[decimal128.Num](x.Data(), 1)
		sf, st := from.(*arrow.Decimal128Type).Scale, c.To.(*arrow.Decimal128Type).Scale
		return c.toDecimal(alloc, x, func(i int) (decimal128.Num, bool) { return rescale(v[i], sf, st) })
	case isDecimal(c.To) && isInteger(from):
		ints, err := int64Values(x)
		if err != nil {
			return nil, err
		}
		st := c.To.(*arrow.Decimal128Type).Scale
		return c.toDecimal(alloc, x, func(i int) (decimal128.Num, bool) { return rescale(decimal128.FromI64(ints[i]), 0, st) })
	case isDecimal(from) && isFloat(c.To):
		s := from.(*arrow.Decimal128Type).Scale
		v := arrow.GetValues[decimal128.Num](x.Data(), 1)
		if c.To.ID() == arrow.FLOAT32 {
			r := newFixedResult[float32](alloc, x.Len(), x)
			for i := range r.vals {
				r.vals[i] = v[i].ToFloat32(s)
			}
			return r.array(c.To), nil
		}
		r := newFixedResult[float64](alloc, x.Len(), x)
		for i := range r.vals {
			r.vals[i] = v[i].ToFloat64(s)
		}
		return r.array(c.To), nil
	case isDecimal(from) && isInteger(c.To):
		// Round to an integral decimal, then let Arrow narrow it with checks.
		d := &Cast{In: nil, To: &arrow.Decimal128Type{Precision: 38, Scale: 0}, NullOnFailure: c.NullOnFailure}
		r, err := d.cast(ctx, alloc, x)
		if err != nil {
			return nil, err
		}
		defer r.Release()
		return c.arrowCast(ctx, alloc, r)
	case from.ID() == arrow.NULL:
		return arrowNulls(alloc, c.To, x.Len())
	case from.ID() == arrow.STRING && c.To.ID() == arrow.DATE32:
		return c.stringToDate(alloc, x.(*array.String))
	case castsToString(from, c.To):
		return toString(alloc, x)
	}
	return c.arrowCast(ctx, alloc, x)
}

func (c *Cast) arrowCast(ctx context.Context, alloc memory.Allocator, x arrow.Array) (arrow.Array, error) {
	out, err := compute.CastArray(compute.WithAllocator(ctx, alloc), x, compute.SafeCastOptions(c.To))
	if err != nil {
		return nil, errkind.Errorf(errkind.Execution, "cast %s to %s: %w", x.DataType(), c.To, err)
	}
	return out, nil
}

func (c *Cast) toDecimal(alloc memory.Allocator, x arrow.Array, conv func(i int) (decimal128.Num, bool)) (arrow.Array, error) {
	to := c.To.(*arrow.Decimal128Type)
	r := newFixedResult[decimal128.Num](alloc, x.Len(), x)
	for i := range r.vals {
		if !r.isValid(i) {
			r.vals[i] = decimal128.Num{}
			continue
		}
		v, ok := conv(i)
		if ok && v.FitsInPrecision(to.Precision) {
			r.vals[i] = v
			continue
		}
		if c.NullOnFailure {
			r.setNull(i)
			continue
		}
		r.discard()
		return nil, errkind.Errorf(errkind.Execution, "cast %s to %s: value out of range", x.DataType(), to)
	}
	return r.array(to), nil
}

// int64Values widens any integer array's values to int64.
func int64Values(x arrow.Array) ([]int64, error) {
	switch x.DataType().ID() {
	case arrow.INT64:
		return arrow.GetValues[int64](x.Data(), 1), nil
	case arrow.INT32:
		return widen(arrow.GetValues[int32](x.Data(), 1)), nil
	case arrow.INT16:
		return widen(arrow.GetValues[int16](x.Data(), 1)), nil
	case arrow.INT8:
		return widen(arrow.GetValues[int8](x.Data(), 1)), nil
	}
	return nil, errkind.Errorf(errkind.Internal, "int64Values of %s", x.DataType())
}

func widen[T integer](v []T) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

func arrowNulls(alloc memory.Allocator, dt arrow.DataType, n int) (arrow.Array, error) {
	b := array.NewBuilder(alloc, dt)
	defer b.Release()
	b.AppendNulls(n)
	return b.NewArray(), nil
}

// stringToDate parses ISO dates (YYYY-MM-DD), the form SQL date literals
// take; Arrow has no cast from strings to dates.
func (c *Cast) stringToDate(alloc memory.Allocator, x *array.String) (arrow.Array, error) {
	r := newFixedResult[int32](alloc, x.Len(), x)
	for i := range r.vals {
		if !r.isValid(i) {
			r.vals[i] = 0
			continue
		}
		t, err := time.Parse("2006-01-02", strings.TrimSpace(x.Value(i)))
		if err == nil {
			r.vals[i] = int32(t.Unix() / 86400)
			continue
		}
		if c.NullOnFailure {
			r.setNull(i)
			continue
		}
		r.discard()
		return nil, errkind.Errorf(errkind.Execution, "cast %q to date: not a YYYY-MM-DD date", x.Value(i))
	}
	return r.array(arrow.FixedWidthTypes.Date32), nil
}
