package expr

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// abs and modulus of functions_arithmetic.yaml (and abs of decimals).

func absInto[T integer | float](dst, a []T) {
	for i, x := range a {
		if x < 0 {
			x = -x
		}
		dst[i] = x
	}
}

func bindAbs(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 1); err != nil {
		return nil, err
	}
	dt := c.Args[0].DataType()
	if dt.ID() == arrow.NULL {
		return allNull("abs", c.Args, dt), nil
	}
	if !isNumeric(dt) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "abs of %s", dt)
	}
	opts, err := arithOptionsOf(c, dt)
	if err != nil {
		return nil, err
	}
	return &fn{name: "abs", args: c.Args, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		x := args[0]
		switch dt.ID() {
		case arrow.INT8:
			return absInt[int8](alloc, x, opts)
		case arrow.INT16:
			return absInt[int16](alloc, x, opts)
		case arrow.INT32:
			return absInt[int32](alloc, x, opts)
		case arrow.INT64:
			return absInt[int64](alloc, x, opts)
		case arrow.FLOAT32:
			r := newFixedResult[float32](alloc, n, x)
			absInto(r.vals, arrow.GetValues[float32](x.Data(), 1))
			return r.array(dt), nil
		case arrow.FLOAT64:
			r := newFixedResult[float64](alloc, n, x)
			absInto(r.vals, arrow.GetValues[float64](x.Data(), 1))
			return r.array(dt), nil
		}
		r := newFixedResult[decimal128.Num](alloc, n, x)
		for i, v := range arrow.GetValues[decimal128.Num](x.Data(), 1) {
			r.vals[i] = v.Abs()
		}
		return r.array(dt), nil
	}}, nil
}

// absInt is abs on integers; only the smallest value overflows.
func absInt[T integer](alloc memory.Allocator, x arrow.Array, opts arithOptions) (arrow.Array, error) {
	xv := arrow.GetValues[T](x.Data(), 1)
	r := newFixedResult[T](alloc, x.Len(), x)
	absInto(r.vals, xv)
	for i, v := range r.vals {
		if v >= 0 || !r.isValid(i) {
			continue
		}
		switch opts.overflow {
		case "SATURATE":
			_, r.vals[i] = intRange[T]()
		case "SILENT":
			r.setNull(i)
		default:
			r.discard()
			return nil, errkind.Errorf(errkind.Execution, "abs: %s overflow (%v)", x.DataType(), xv[i])
		}
	}
	return r.array(x.DataType()), nil
}

// bindModulus binds modulus(x, y) on integers: the remainder of x / y.
// Options: division_type TRUNCATE (the default: the sign of x, as Go's %)
// or FLOOR (the sign of y); on_domain_error ERROR or NULL for y = 0.
func bindModulus(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 2); err != nil {
		return nil, err
	}
	args, err := coerceNumeric(c.Args)
	if err != nil {
		if nullArgs(c.Args) {
			return allNull("modulus", c.Args, arrow.Null), nil
		}
		return nil, err
	}
	dt := args[0].DataType()
	if !isInteger(dt) {
		return nil, errkind.Errorf(errkind.Unimplemented, "modulus of %s", dt)
	}
	floor, err := optionOf(c, "division_type", "TRUNCATE", "FLOOR")
	if err != nil {
		return nil, err
	}
	domain, err := optionOf(c, "on_domain_error", "ERROR", "NULL")
	if err != nil {
		return nil, err
	}
	if _, err := optionOf(c, "overflow", "ERROR", "SATURATE", "SILENT"); err != nil {
		return nil, err
	}
	k := modKernel{floor: floor == "FLOOR", nullOnZero: domain == "NULL"}
	return &fn{name: "modulus", args: args, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		switch dt.ID() {
		case arrow.INT8:
			return modInt[int8](k, alloc, args[0], args[1])
		case arrow.INT16:
			return modInt[int16](k, alloc, args[0], args[1])
		case arrow.INT32:
			return modInt[int32](k, alloc, args[0], args[1])
		}
		return modInt[int64](k, alloc, args[0], args[1])
	}}, nil
}

type modKernel struct{ floor, nullOnZero bool }

func modInt[T integer](k modKernel, alloc memory.Allocator, x, y arrow.Array) (arrow.Array, error) {
	xv, yv := arrow.GetValues[T](x.Data(), 1), arrow.GetValues[T](y.Data(), 1)
	r := newFixedResult[T](alloc, x.Len(), x, y)
	for i := range r.vals {
		d := yv[i]
		if d == 0 {
			r.vals[i] = 0
			if !r.isValid(i) {
				continue
			}
			if k.nullOnZero {
				r.setNull(i)
				continue
			}
			r.discard()
			return nil, errkind.Errorf(errkind.Execution, "modulus: division by zero")
		}
		m := xv[i] % d // Go defines MinInt % -1 as 0
		if k.floor && m != 0 && (m < 0) != (d < 0) {
			m += d
		}
		r.vals[i] = m
	}
	return r.array(x.DataType()), nil
}
