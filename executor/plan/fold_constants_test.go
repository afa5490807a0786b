package plan

import (
	"context"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

func TestFoldConstants(t *testing.T) {
	b := &builder{reg: expr.NewRegistry(), funcs: map[uint32]string{}}
	str := func(v string) *substraitpb.Expression {
		return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_String_{String_: v}})
	}
	i32 := func(v int32) *substraitpb.Expression {
		return litExpr(&substraitpb.Expression_Literal{LiteralType: &substraitpb.Expression_Literal_I32{I32: v}})
	}
	cast := func(e *substraitpb.Expression, to *substraitpb.Type) *substraitpb.Expression {
		return &substraitpb.Expression{RexType: &substraitpb.Expression_Cast_{Cast: &substraitpb.Expression_Cast{Input: e, Type: to}}}
	}
	dateT := &substraitpb.Type{Kind: &substraitpb.Type_Date_{Date: &substraitpb.Type_Date{}}}
	decT := &substraitpb.Type{Kind: &substraitpb.Type_Decimal_{Decimal: &substraitpb.Type_Decimal{Precision: 15, Scale: 2}}}
	i32T := &substraitpb.Type{Kind: &substraitpb.Type_I32_{I32: &substraitpb.Type_I32{}}}
	add := func(a, c *substraitpb.Expression) *substraitpb.Expression {
		e := b.call("add", a, c)
		e.GetScalarFunction().OutputType = i32T
		return e
	}
	for _, tc := range []struct {
		name string
		in   *substraitpb.Expression
		want string // the folded literal, or "" when it stays as it is
	}{
		{"date", cast(str("1998-09-02"), dateT), "date32 1998-09-02"},
		{"decimal", cast(i32(1), decT), "decimal(15, 2) 1.00"},
		{"arithmetic", add(i32(1), add(i32(2), i32(3))), "int32 6"},
		{"bad cast stays", cast(str("not a date"), dateT), ""},
		{"column stays", add(i32(1), fieldExpr(0)), ""},
	} {
		e := tc.in
		before := e.String()
		b.foldConstants(context.Background(), e)
		l := e.GetLiteral()
		switch {
		case tc.want == "" && e.String() != before:
			t.Errorf("%s: folded to %v", tc.name, e)
		case tc.want != "" && l == nil:
			t.Errorf("%s: not folded: %v", tc.name, e)
		case tc.want != "":
			s, err := literal(l)
			got := s.DataType().String() + " " + s.String()
			if d, ok := s.(*scalar.Decimal128); ok {
				got = s.DataType().String() + " " + d.Value.ToString(2)
			}
			if err != nil || got != tc.want {
				t.Errorf("%s: folded to %v (%v), want %s", tc.name, s, err, tc.want)
			}
		}
	}
}
