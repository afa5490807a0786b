package sql

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

func nullability(nullable bool) types.Nullability {
	if nullable {
		return types.NullabilityNullable
	}
	return types.NullabilityRequired
}

// substraitType maps an Arrow column type to its Substrait type.
func substraitType(t arrow.DataType, nullable bool) (types.Type, error) {
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
	case *arrow.Decimal128Type:
		return &types.DecimalType{Precision: t.Precision, Scale: t.Scale, Nullability: n}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "column type %s", t)
}

func isInt(t types.Type) bool {
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

func isDecimal(t types.Type) bool { _, ok := t.(*types.DecimalType); return ok }

func isFloat(t types.Type) bool {
	switch t.(type) {
	case *types.Float32Type, *types.Float64Type:
		return true
	}
	return false
}

func isString(t types.Type) bool {
	switch t.(type) {
	case *types.StringType, *types.VarCharType, *types.FixedCharType:
		return true
	}
	return false
}

// sameType reports whether a and b are the same type, nullability aside.
func sameType(a, b types.Type) bool {
	return a.WithNullability(types.NullabilityRequired).Equals(b.WithNullability(types.NullabilityRequired))
}

// decimalOfInt is the decimal type that holds every value of an integer type.
func decimalOfInt(t types.Type) *types.DecimalType {
	p := map[int]int32{1: 3, 2: 5, 4: 10, 8: 19}[intWidth(t)]
	return &types.DecimalType{Precision: p, Scale: 0, Nullability: t.GetNullability()}
}

func withNull(t types.Type, nullable bool) types.Type {
	if nullable {
		return t.WithNullability(types.NullabilityNullable)
	}
	return t.WithNullability(types.NullabilityRequired)
}

func isNullable(t types.Type) bool { return t.GetNullability() == types.NullabilityNullable }
