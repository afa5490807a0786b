package plan

import (
	"context"
	"encoding/binary"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// foldConstants replaces every function call and cast whose arguments are
// all literals (after folding them) by the literal it evaluates to, so
// cast('1998-09-02' as date) or cast(1 as decimal(15,2)) is computed once
// at plan time rather than on every batch, and later rules (pushdown,
// row-group pruning) see plain literals. The value comes from the
// engine's own kernels on a one-row batch, so the semantics are the
// executor's; a call that fails (a bad cast, say), is not deterministic, or
// whose result has no literal form is left alone. m (a relation or an
// expression, subqueries included) is edited in place.
func (b *builder) foldConstants(ctx context.Context, m proto.Message) {
	b.foldAll(ctx, m.ProtoReflect())
}

func (b *builder) foldAll(ctx context.Context, m protoreflect.Message) {
	if e, ok := m.Interface().(*substraitpb.Expression); ok {
		b.fold(ctx, e)
		return
	}
	b.foldChildren(ctx, m)
}

func (b *builder) foldChildren(ctx context.Context, m protoreflect.Message) {
	forChildMessages(m, func(c protoreflect.Message) { b.foldAll(ctx, c) })
}

// volatile lists functions whose value is not fixed by their arguments.
var volatile = map[string]bool{"random": true, "rand": true, "now": true, "current_date": true,
	"current_time": true, "current_timestamp": true, "uuid": true}

// fold folds e in place and reports whether it is (now) a literal.
func (b *builder) fold(ctx context.Context, e *substraitpb.Expression) bool {
	switch rt := e.GetRexType().(type) {
	case *substraitpb.Expression_Literal_:
		return true
	case *substraitpb.Expression_ScalarFunction_:
		all := true
		for _, a := range rt.ScalarFunction.GetArguments() {
			switch {
			case a.GetValue() != nil:
				if !b.fold(ctx, a.GetValue()) {
					all = false
				}
			case a.GetEnum() == "":
				all = false // a type argument
			}
		}
		name, err := b.funcName(rt.ScalarFunction.GetFunctionReference())
		if !all || err != nil || volatile[name] {
			return false
		}
		return b.evalInPlace(ctx, e)
	case *substraitpb.Expression_Cast_:
		if rt.Cast.GetInput() == nil || !b.fold(ctx, rt.Cast.GetInput()) {
			return false
		}
		return b.evalInPlace(ctx, e)
	}
	b.foldChildren(ctx, e.ProtoReflect())
	return false
}

// evalInPlace evaluates a constant expression and, if its value has a
// literal form of the same type, replaces e by it.
func (b *builder) evalInPlace(ctx context.Context, e *substraitpb.Expression) bool {
	empty := arrow.NewSchema(nil, nil)
	x, err := b.expr(e, &scope{schema: empty})
	if err != nil {
		return false
	}
	batch := array.NewRecordBatch(empty, nil, 1)
	defer batch.Release()
	arr, err := x.Eval(ctx, memory.DefaultAllocator, batch)
	if err != nil {
		return false
	}
	defer arr.Release()
	if arr.Len() != 1 {
		return false
	}
	s, err := scalar.GetScalar(arr, 0)
	if err != nil {
		return false
	}
	if r, ok := s.(scalar.Releasable); ok {
		defer r.Release()
	}
	lit := literalOf(s)
	if lit == nil {
		return false
	}
	back, err := literal(lit)
	if err != nil || !arrow.TypeEqual(back.DataType(), x.DataType()) || !scalar.Equals(back, s) {
		return false
	}
	e.RexType = &substraitpb.Expression_Literal_{Literal: lit}
	return true
}

// literalOf converts a non-null scalar to a Substrait literal; nil when
// it has no literal form here.
func literalOf(s scalar.Scalar) *substraitpb.Expression_Literal {
	if !s.IsValid() {
		return nil
	}
	l := &substraitpb.Expression_Literal{}
	switch v := s.(type) {
	case *scalar.Boolean:
		l.LiteralType = &substraitpb.Expression_Literal_Boolean{Boolean: v.Value}
	case *scalar.Int8:
		l.LiteralType = &substraitpb.Expression_Literal_I8{I8: int32(v.Value)}
	case *scalar.Int16:
		l.LiteralType = &substraitpb.Expression_Literal_I16{I16: int32(v.Value)}
	case *scalar.Int32:
		l.LiteralType = &substraitpb.Expression_Literal_I32{I32: v.Value}
	case *scalar.Int64:
		l.LiteralType = &substraitpb.Expression_Literal_I64{I64: v.Value}
	case *scalar.Float32:
		l.LiteralType = &substraitpb.Expression_Literal_Fp32{Fp32: v.Value}
	case *scalar.Float64:
		l.LiteralType = &substraitpb.Expression_Literal_Fp64{Fp64: v.Value}
	case *scalar.String:
		l.LiteralType = &substraitpb.Expression_Literal_String_{String_: string(v.Value.Bytes())}
	case *scalar.Date32:
		l.LiteralType = &substraitpb.Expression_Literal_Date{Date: int32(v.Value)}
	case *scalar.Decimal128:
		t := v.Type.(*arrow.Decimal128Type)
		buf := make([]byte, 16)
		binary.LittleEndian.PutUint64(buf[:8], v.Value.LowBits())
		binary.LittleEndian.PutUint64(buf[8:], uint64(v.Value.HighBits()))
		l.LiteralType = &substraitpb.Expression_Literal_Decimal_{Decimal: &substraitpb.Expression_Literal_Decimal{
			Value: buf, Precision: t.Precision, Scale: t.Scale}}
	default:
		return nil
	}
	return l
}
