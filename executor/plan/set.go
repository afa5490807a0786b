package plan

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// set plans a SetRel: UNION ALL as a streaming Union, the others as a
// HashSetOp. Inputs whose column types differ are cast to a common type;
// the output takes the primary input's column names.
func (b *builder) set(ctx context.Context, r *substraitpb.SetRel) (op.Operator, error) {
	if len(r.GetInputs()) < 2 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "set: want at least 2 inputs, got %d", len(r.GetInputs()))
	}
	inputs := make([]op.Operator, len(r.GetInputs()))
	for i, in := range r.GetInputs() {
		o, err := b.rel(ctx, in)
		if err != nil {
			return nil, err
		}
		inputs[i] = o
	}
	schema, err := unifyInputs(inputs)
	if err != nil {
		return nil, fmt.Errorf("set: %w", err)
	}
	var kind op.SetOpKind
	switch r.GetOp() {
	case substraitpb.SetRel_SET_OP_UNION_ALL:
		return op.NewUnion(inputs, schema)
	case substraitpb.SetRel_SET_OP_UNION_DISTINCT:
		kind = op.UnionDistinct
	case substraitpb.SetRel_SET_OP_MINUS_PRIMARY:
		kind = op.MinusPrimary
	case substraitpb.SetRel_SET_OP_MINUS_PRIMARY_ALL:
		kind = op.MinusPrimaryAll
	case substraitpb.SetRel_SET_OP_MINUS_MULTISET:
		kind = op.MinusMultiset
	case substraitpb.SetRel_SET_OP_INTERSECTION_PRIMARY:
		kind = op.IntersectPrimary
	case substraitpb.SetRel_SET_OP_INTERSECTION_MULTISET:
		kind = op.IntersectMultiset
	case substraitpb.SetRel_SET_OP_INTERSECTION_MULTISET_ALL:
		kind = op.IntersectMultisetAll
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "set: operation %s", r.GetOp())
	}
	return op.NewHashSetOp(kind, inputs, schema)
}

// unifyInputs casts, in place, the inputs whose column types differ from
// the common type of each column, and returns the output schema: the
// primary's names, the common types, nullable if any input is.
func unifyInputs(inputs []op.Operator) (*arrow.Schema, error) {
	first := inputs[0].Schema()
	fields := make([]arrow.Field, first.NumFields())
	for c := range fields {
		types := make([]arrow.DataType, len(inputs))
		nullable := false
		for i, in := range inputs {
			s := in.Schema()
			if s.NumFields() != first.NumFields() {
				return nil, errkind.Errorf(errkind.InvalidArgument, "input %d has %d columns, the primary input %d", i, s.NumFields(), first.NumFields())
			}
			types[i] = s.Field(c).Type
			nullable = nullable || s.Field(c).Nullable
		}
		dt, err := commonType(types)
		if err != nil {
			return nil, fmt.Errorf("column %d (%s): %w", c, first.Field(c).Name, err)
		}
		fields[c] = arrow.Field{Name: first.Field(c).Name, Type: dt, Nullable: nullable}
	}
	for i, in := range inputs {
		s := in.Schema()
		var exprs []expr.Expr
		cast := false
		for c := range fields {
			col, _ := expr.NewColumn(s, c)
			var e expr.Expr = col
			if !arrow.TypeEqual(s.Field(c).Type, fields[c].Type) {
				var err error
				if e, err = expr.NewCast(col, fields[c].Type, false); err != nil {
					return nil, fmt.Errorf("input %d column %d: %w", i, c, err)
				}
				cast = true
			}
			exprs = append(exprs, e)
		}
		if cast {
			names := make([]string, len(fields))
			for c, f := range s.Fields() {
				names[c] = f.Name
			}
			inputs[i] = op.NewProject(in, exprs, names)
		}
	}
	return arrow.NewSchema(fields, nil), nil
}

// commonType is the type all of types convert to without loss: the type
// itself when they agree; for numbers, the widest integer, a decimal wide
// enough for every integer digit and every fraction digit (capped at 38
// digits), or float64 when a float is involved.
func commonType(types []arrow.DataType) (arrow.DataType, error) {
	out := types[0]
	for _, t := range types[1:] {
		if arrow.TypeEqual(out, t) {
			continue
		}
		c, ok := commonPair(out, t)
		if !ok {
			return nil, errkind.Errorf(errkind.InvalidArgument, "no common type for %s and %s", out, t)
		}
		out = c
	}
	return out, nil
}

func commonPair(a, b arrow.DataType) (arrow.DataType, bool) {
	ia, ib := intDigits(a), intDigits(b)
	switch {
	case ia > 0 && ib > 0: // two integers
		if ia >= ib {
			return a, true
		}
		return b, true
	case isFloatType(a) && (isFloatType(b) || ib > 0 || b.ID() == arrow.DECIMAL128),
		isFloatType(b) && (ia > 0 || a.ID() == arrow.DECIMAL128):
		return arrow.PrimitiveTypes.Float64, true
	}
	da, oka := asDecimal(a)
	db, okb := asDecimal(b)
	if oka && okb {
		scale := max(da.Scale, db.Scale)
		whole := max(da.Precision-da.Scale, db.Precision-db.Scale)
		return &arrow.Decimal128Type{Precision: min(38, whole+scale), Scale: scale}, true
	}
	if isText(a) && isText(b) {
		return arrow.BinaryTypes.String, true
	}
	return nil, false
}

// intDigits is the decimal digits an integer type needs, 0 for others.
func intDigits(t arrow.DataType) int32 {
	switch t.ID() {
	case arrow.INT8:
		return 3
	case arrow.INT16:
		return 5
	case arrow.INT32:
		return 10
	case arrow.INT64:
		return 19
	}
	return 0
}

func isFloatType(t arrow.DataType) bool { return t.ID() == arrow.FLOAT32 || t.ID() == arrow.FLOAT64 }

func isText(t arrow.DataType) bool { return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING }

func asDecimal(t arrow.DataType) (*arrow.Decimal128Type, bool) {
	if d, ok := t.(*arrow.Decimal128Type); ok {
		return d, true
	}
	if n := intDigits(t); n > 0 {
		return &arrow.Decimal128Type{Precision: n, Scale: 0}, true
	}
	return nil, false
}
