package expr

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

func isInteger(dt arrow.DataType) bool {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64:
		return true
	}
	return false
}

func isFloat(dt arrow.DataType) bool {
	return dt.ID() == arrow.FLOAT32 || dt.ID() == arrow.FLOAT64
}

func isDecimal(dt arrow.DataType) bool { return dt.ID() == arrow.DECIMAL128 }

func isNumeric(dt arrow.DataType) bool { return isInteger(dt) || isFloat(dt) || isDecimal(dt) }

func isString(dt arrow.DataType) bool {
	return dt.ID() == arrow.STRING || dt.ID() == arrow.LARGE_STRING
}

func intWidth(dt arrow.DataType) int {
	return dt.(arrow.FixedWidthDataType).BitWidth()
}

// integerDecimal is the decimal type that holds every value of an integer
// type.
func integerDecimal(dt arrow.DataType) *arrow.Decimal128Type {
	digits := map[arrow.Type]int32{arrow.INT8: 3, arrow.INT16: 5, arrow.INT32: 10, arrow.INT64: 19}
	return &arrow.Decimal128Type{Precision: digits[dt.ID()], Scale: 0}
}

// coerceNumeric brings two numeric operands to a common kind: decimals stay
// decimals of their own precision and scale (the kernels rescale), an
// integer beside a decimal becomes a decimal, anything beside a float
// becomes float64, and integers widen to the wider of the two. Producers
// normally cast explicitly; this covers those that rely on the consumer.
func coerceNumeric(args []Expr) ([]Expr, error) {
	a, b := args[0].DataType(), args[1].DataType()
	if !isNumeric(a) || !isNumeric(b) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "arguments of types %s and %s are not both numeric", a, b)
	}
	var target func(dt arrow.DataType) arrow.DataType
	switch {
	case isDecimal(a) && isDecimal(b):
		return args, nil
	case isFloat(a) || isFloat(b):
		if arrow.TypeEqual(a, b) {
			return args, nil
		}
		target = func(arrow.DataType) arrow.DataType { return arrow.PrimitiveTypes.Float64 }
	case isDecimal(a) || isDecimal(b):
		target = func(dt arrow.DataType) arrow.DataType {
			if isInteger(dt) {
				return integerDecimal(dt)
			}
			return dt
		}
	default:
		wide := a
		if intWidth(b) > intWidth(a) {
			wide = b
		}
		target = func(arrow.DataType) arrow.DataType { return wide }
	}
	out := make([]Expr, len(args))
	for i, e := range args {
		t := target(e.DataType())
		if arrow.TypeEqual(t, e.DataType()) {
			out[i] = e
			continue
		}
		c, err := NewCast(e, t, false)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// coerceComparable brings two operands to types a comparison kernel handles:
// numerics as coerceNumeric does, and otherwise equal types.
func coerceComparable(args []Expr) ([]Expr, error) {
	a, b := args[0].DataType(), args[1].DataType()
	if isNumeric(a) && isNumeric(b) {
		return coerceNumeric(args)
	}
	if isString(a) && isString(b) {
		return args, nil
	}
	if !arrow.TypeEqual(a, b) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "cannot compare %s with %s", a, b)
	}
	switch a.ID() {
	case arrow.BOOL, arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.STRING, arrow.BINARY, arrow.LARGE_STRING,
		arrow.INTERVAL_MONTHS, arrow.INTERVAL_DAY_TIME:
		return args, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "comparison of %s", a)
}
