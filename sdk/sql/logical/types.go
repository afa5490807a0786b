package logical

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Type predicates and conversions the front ends share: the SQL binder and
// the DataFrame API type expressions alike.

func nullability(nullable bool) types.Nullability {
	if nullable {
		return types.NullabilityNullable
	}
	return types.NullabilityRequired
}

// SubstraitType maps an Arrow column type to its Substrait type.
func SubstraitType(t arrow.DataType, nullable bool) (types.Type, error) {
	n := nullability(nullable)
	switch t := t.(type) {
	case *arrow.BooleanType:
		return &types.BooleanType{Nullability: n}, nil
	case *arrow.Int8Type:
		return &types.Int8Type{Nullability: n}, nil
	case *arrow.Int16Type:
		return &types.Int16Type{Nullability: n}, nil
	case *arrow.Int32Type:
		return &types.Int32Type{Nullability: n}, nil
	case *arrow.Int64Type:
		return &types.Int64Type{Nullability: n}, nil
	case *arrow.Float32Type:
		return &types.Float32Type{Nullability: n}, nil
	case *arrow.Float64Type:
		return &types.Float64Type{Nullability: n}, nil
	case *arrow.StringType, *arrow.LargeStringType, *arrow.StringViewType:
		return &types.StringType{Nullability: n}, nil
	case *arrow.BinaryType, *arrow.LargeBinaryType:
		return &types.BinaryType{Nullability: n}, nil
	case *arrow.Date32Type:
		return &types.DateType{Nullability: n}, nil
	case *arrow.TimestampType:
		if t.TimeZone != "" {
			return nil, errkind.Errorf(errkind.Unimplemented, "column type %s: timestamps with a time zone", t)
		}
		return &types.PrecisionTimestampType{Precision: timePrecisions[t.Unit], Nullability: n}, nil
	case *arrow.Decimal128Type:
		return &types.DecimalType{Precision: t.Precision, Scale: t.Scale, Nullability: n}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "column type %s", t)
}

// ArrowType maps a Substrait type to the Arrow type the engine produces
// for it, and whether it is nullable: the inverse of SubstraitType, plus
// the interval types literals have.
func ArrowType(t types.Type) (arrow.DataType, bool, error) {
	nullable := IsNullable(t)
	switch t := t.(type) {
	case *types.BooleanType:
		return arrow.FixedWidthTypes.Boolean, nullable, nil
	case *types.Int8Type:
		return arrow.PrimitiveTypes.Int8, nullable, nil
	case *types.Int16Type:
		return arrow.PrimitiveTypes.Int16, nullable, nil
	case *types.Int32Type:
		return arrow.PrimitiveTypes.Int32, nullable, nil
	case *types.Int64Type:
		return arrow.PrimitiveTypes.Int64, nullable, nil
	case *types.Float32Type:
		return arrow.PrimitiveTypes.Float32, nullable, nil
	case *types.Float64Type:
		return arrow.PrimitiveTypes.Float64, nullable, nil
	case *types.StringType, *types.VarCharType, *types.FixedCharType:
		return arrow.BinaryTypes.String, nullable, nil
	case *types.BinaryType:
		return arrow.BinaryTypes.Binary, nullable, nil
	case *types.DateType:
		return arrow.FixedWidthTypes.Date32, nullable, nil
	case *types.PrecisionTimestampType:
		for unit, p := range timePrecisions {
			if p == t.Precision {
				return &arrow.TimestampType{Unit: arrow.TimeUnit(unit)}, nullable, nil
			}
		}
		return nil, false, errkind.Errorf(errkind.Unimplemented, "type %s has no Arrow type (precisions 0, 3, 6 and 9 do)", t)
	case *types.DecimalType:
		return &arrow.Decimal128Type{Precision: t.Precision, Scale: t.Scale}, nullable, nil
	case *types.IntervalDayType:
		return arrow.FixedWidthTypes.DayTimeInterval, nullable, nil
	case *types.IntervalYearType:
		return arrow.FixedWidthTypes.MonthInterval, nullable, nil
	}
	return nil, false, errkind.Errorf(errkind.Unimplemented, "type %s has no Arrow type", t)
}

// timePrecisions is the Substrait precision of each Arrow time unit.
var timePrecisions = [...]types.TimePrecision{
	arrow.Second:      types.PrecisionSeconds,
	arrow.Millisecond: types.PrecisionMilliSeconds,
	arrow.Microsecond: types.PrecisionMicroSeconds,
	arrow.Nanosecond:  types.PrecisionNanoSeconds,
}

// IsTimestamp reports whether t is a timestamp type (without time zone).
func IsTimestamp(t types.Type) bool { _, ok := t.(*types.PrecisionTimestampType); return ok }

// IsInt reports whether t is an integer type.
func IsInt(t types.Type) bool {
	switch t.(type) {
	case *types.Int8Type, *types.Int16Type, *types.Int32Type, *types.Int64Type:
		return true
	}
	return false
}

func intWidth(t types.Type) int {
	switch t.(type) {
	case *types.Int8Type:
		return 1
	case *types.Int16Type:
		return 2
	case *types.Int32Type:
		return 4
	}
	return 8
}

// IsDecimal reports whether t is a decimal type.
func IsDecimal(t types.Type) bool { _, ok := t.(*types.DecimalType); return ok }

// IsFloat reports whether t is a floating-point type.
func IsFloat(t types.Type) bool {
	switch t.(type) {
	case *types.Float32Type, *types.Float64Type:
		return true
	}
	return false
}

// IsNumeric reports whether t is an integer, decimal or floating-point type.
func IsNumeric(t types.Type) bool { return IsInt(t) || IsDecimal(t) || IsFloat(t) }

// IsString reports whether t is a character type.
func IsString(t types.Type) bool {
	switch t.(type) {
	case *types.StringType, *types.VarCharType, *types.FixedCharType:
		return true
	}
	return false
}

// IsBoolean reports whether t is boolean.
func IsBoolean(t types.Type) bool { _, ok := t.(*types.BooleanType); return ok }

// SameType reports whether a and b are the same type, nullability aside.
func SameType(a, b types.Type) bool {
	return a.WithNullability(types.NullabilityRequired).Equals(b.WithNullability(types.NullabilityRequired))
}

// decimalOfInt is the decimal type that holds every value of an integer type.
func decimalOfInt(t types.Type) *types.DecimalType {
	p := map[int]int32{1: 3, 2: 5, 4: 10, 8: 19}[intWidth(t)]
	return &types.DecimalType{Precision: p, Scale: 0, Nullability: t.GetNullability()}
}

// WithNull returns t, nullable or not.
func WithNull(t types.Type, nullable bool) types.Type {
	if nullable {
		return t.WithNullability(types.NullabilityNullable)
	}
	return t.WithNullability(types.NullabilityRequired)
}

// IsNullable reports whether t admits nulls.
func IsNullable(t types.Type) bool { return t.GetNullability() == types.NullabilityNullable }
