package plan

import (
	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// arrowType maps a Substrait type to the Arrow type the engine computes
// with, and whether it is nullable. All character types are utf8; the
// engine does not pad fixedchar or enforce varchar lengths.
func arrowType(t *substraitpb.Type) (arrow.DataType, bool, error) {
	if t == nil || t.GetKind() == nil {
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "missing type")
	}
	type nullabler interface {
		GetNullability() substraitpb.Type_Nullability
	}
	var dt arrow.DataType
	var n nullabler
	switch k := t.GetKind().(type) {
	case *substraitpb.Type_Bool:
		dt, n = arrow.FixedWidthTypes.Boolean, k.Bool
	case *substraitpb.Type_I8_:
		dt, n = arrow.PrimitiveTypes.Int8, k.I8
	case *substraitpb.Type_I16_:
		dt, n = arrow.PrimitiveTypes.Int16, k.I16
	case *substraitpb.Type_I32_:
		dt, n = arrow.PrimitiveTypes.Int32, k.I32
	case *substraitpb.Type_I64_:
		dt, n = arrow.PrimitiveTypes.Int64, k.I64
	case *substraitpb.Type_Fp32:
		dt, n = arrow.PrimitiveTypes.Float32, k.Fp32
	case *substraitpb.Type_Fp64:
		dt, n = arrow.PrimitiveTypes.Float64, k.Fp64
	case *substraitpb.Type_String_:
		dt, n = arrow.BinaryTypes.String, k.String_
	case *substraitpb.Type_Varchar:
		dt, n = arrow.BinaryTypes.String, k.Varchar
	case *substraitpb.Type_FixedChar_:
		dt, n = arrow.BinaryTypes.String, k.FixedChar
	case *substraitpb.Type_Binary_:
		dt, n = arrow.BinaryTypes.Binary, k.Binary
	case *substraitpb.Type_Date_:
		dt, n = arrow.FixedWidthTypes.Date32, k.Date
	case *substraitpb.Type_Decimal_:
		p, s := k.Decimal.GetPrecision(), k.Decimal.GetScale()
		if p == 0 {
			p = 38 // proto3 default: the spec's default precision
		}
		if p < 1 || p > 38 || s < 0 || s > p {
			return nil, false, errkind.Errorf(errkind.InvalidArgument, "decimal<%d, %d> is not a valid decimal type", p, s)
		}
		dt, n = &arrow.Decimal128Type{Precision: p, Scale: s}, k.Decimal
	case *substraitpb.Type_IntervalYear_:
		dt, n = arrow.FixedWidthTypes.MonthInterval, k.IntervalYear
	case *substraitpb.Type_IntervalDay_:
		dt, n = arrow.FixedWidthTypes.DayTimeInterval, k.IntervalDay
	case *substraitpb.Type_Timestamp_: //nolint:staticcheck // deprecated, still written by producers and the test cases
		dt, n = &arrow.TimestampType{Unit: arrow.Microsecond}, k.Timestamp
	case *substraitpb.Type_PrecisionTimestamp_:
		unit, err := timeUnit(k.PrecisionTimestamp.GetPrecision())
		if err != nil {
			return nil, false, err
		}
		dt, n = &arrow.TimestampType{Unit: unit}, k.PrecisionTimestamp
	default:
		return nil, false, errkind.Errorf(errkind.Unimplemented, "type %T is not supported", t.GetKind())
	}
	return dt, n.GetNullability() != substraitpb.Type_NULLABILITY_REQUIRED, nil
}

func timeUnit(precision int32) (arrow.TimeUnit, error) {
	switch precision {
	case 0:
		return arrow.Second, nil
	case 3:
		return arrow.Millisecond, nil
	case 6:
		return arrow.Microsecond, nil
	case 9:
		return arrow.Nanosecond, nil
	}
	return 0, errkind.Errorf(errkind.Unimplemented, "timestamp precision %d", precision)
}

// schemaOf maps a named struct (a read's base schema) to an Arrow schema.
func schemaOf(ns *substraitpb.NamedStruct) (*arrow.Schema, error) {
	types := ns.GetStruct().GetTypes()
	names := ns.GetNames()
	if len(names) != len(types) {
		return nil, errkind.Errorf(errkind.InvalidArgument,
			"base schema has %d names for %d types (nested structs are not supported)", len(names), len(types))
	}
	fields := make([]arrow.Field, len(types))
	for i, t := range types {
		if t.GetStruct() != nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "base schema column %q: nested struct", names[i])
		}
		dt, nullable, err := arrowType(t)
		if err != nil {
			return nil, errkind.Errorf(errkind.KindOf(err), "base schema column %q: %w", names[i], err)
		}
		fields[i] = arrow.Field{Name: names[i], Type: dt, Nullable: nullable}
	}
	return arrow.NewSchema(fields, nil), nil
}
