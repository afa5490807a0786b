package normalize

import (
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

func nullability(nullable bool) substraitpb.Type_Nullability {
	if nullable {
		return substraitpb.Type_NULLABILITY_NULLABLE
	}
	return substraitpb.Type_NULLABILITY_REQUIRED
}

func boolType() *substraitpb.Type {
	return &substraitpb.Type{Kind: &substraitpb.Type_Bool{Bool: &substraitpb.Type_Boolean{Nullability: substraitpb.Type_NULLABILITY_NULLABLE}}}
}

// nullable returns a copy of t marked nullable.
func nullable(t *substraitpb.Type) *substraitpb.Type {
	c := proto.Clone(t).(*substraitpb.Type)
	m := c.ProtoReflect()
	if od := m.Descriptor().Oneofs().ByName("kind"); od != nil {
		if fd := m.WhichOneof(od); fd != nil && fd.Message() != nil {
			inner := m.Get(fd).Message()
			if nf := inner.Descriptor().Fields().ByName("nullability"); nf != nil {
				inner.Set(nf, protoreflect.ValueOfEnum(protoreflect.EnumNumber(substraitpb.Type_NULLABILITY_NULLABLE)))
			}
		}
	}
	return c
}

// literalType is the type of a literal, or nil for kinds not modelled.
func literalType(l *substraitpb.Expression_Literal) *substraitpb.Type {
	n := nullability(l.GetNullable())
	switch v := l.GetLiteralType().(type) {
	case *substraitpb.Expression_Literal_Boolean:
		return &substraitpb.Type{Kind: &substraitpb.Type_Bool{Bool: &substraitpb.Type_Boolean{Nullability: n}}}
	case *substraitpb.Expression_Literal_I8:
		return &substraitpb.Type{Kind: &substraitpb.Type_I8_{I8: &substraitpb.Type_I8{Nullability: n}}}
	case *substraitpb.Expression_Literal_I16:
		return &substraitpb.Type{Kind: &substraitpb.Type_I16_{I16: &substraitpb.Type_I16{Nullability: n}}}
	case *substraitpb.Expression_Literal_I32:
		return &substraitpb.Type{Kind: &substraitpb.Type_I32_{I32: &substraitpb.Type_I32{Nullability: n}}}
	case *substraitpb.Expression_Literal_I64:
		return &substraitpb.Type{Kind: &substraitpb.Type_I64_{I64: &substraitpb.Type_I64{Nullability: n}}}
	case *substraitpb.Expression_Literal_Fp32:
		return &substraitpb.Type{Kind: &substraitpb.Type_Fp32{Fp32: &substraitpb.Type_FP32{Nullability: n}}}
	case *substraitpb.Expression_Literal_Fp64:
		return &substraitpb.Type{Kind: &substraitpb.Type_Fp64{Fp64: &substraitpb.Type_FP64{Nullability: n}}}
	case *substraitpb.Expression_Literal_String_:
		return &substraitpb.Type{Kind: &substraitpb.Type_String_{String_: &substraitpb.Type_String{Nullability: n}}}
	case *substraitpb.Expression_Literal_FixedChar:
		return &substraitpb.Type{Kind: &substraitpb.Type_FixedChar_{FixedChar: &substraitpb.Type_FixedChar{Length: int32(len(v.FixedChar)), Nullability: n}}}
	case *substraitpb.Expression_Literal_VarChar_:
		return &substraitpb.Type{Kind: &substraitpb.Type_Varchar{Varchar: &substraitpb.Type_VarChar{Length: int32(v.VarChar.GetLength()), Nullability: n}}}
	case *substraitpb.Expression_Literal_Binary:
		return &substraitpb.Type{Kind: &substraitpb.Type_Binary_{Binary: &substraitpb.Type_Binary{Nullability: n}}}
	case *substraitpb.Expression_Literal_Date:
		return &substraitpb.Type{Kind: &substraitpb.Type_Date_{Date: &substraitpb.Type_Date{Nullability: n}}}
	case *substraitpb.Expression_Literal_Decimal_:
		return &substraitpb.Type{Kind: &substraitpb.Type_Decimal_{Decimal: &substraitpb.Type_Decimal{
			Precision: v.Decimal.GetPrecision(), Scale: v.Decimal.GetScale(), Nullability: n}}}
	case *substraitpb.Expression_Literal_IntervalYearToMonth_:
		return &substraitpb.Type{Kind: &substraitpb.Type_IntervalYear_{IntervalYear: &substraitpb.Type_IntervalYear{Nullability: n}}}
	case *substraitpb.Expression_Literal_IntervalDayToSecond_:
		p := v.IntervalDayToSecond.GetPrecision()
		return &substraitpb.Type{Kind: &substraitpb.Type_IntervalDay_{IntervalDay: &substraitpb.Type_IntervalDay{Precision: &p, Nullability: n}}}
	case *substraitpb.Expression_Literal_Null:
		return v.Null
	}
	return nil
}
