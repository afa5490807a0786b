package sql

import (
	"fmt"
	"strings"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// typeCast binds CAST(x AS t), x::t and t 'literal'. A string literal cast
// to a date or interval is converted now.
func (b *binder) typeCast(tc *pg.TypeCast, ec *ectx) (logical.Expr, error) {
	tn := tc.GetTypeName()
	name := strings.ToLower(tn.GetNames()[len(tn.GetNames())-1].GetString_().GetSval())
	x, err := b.expr(tc.GetArg(), ec)
	if err != nil {
		return nil, err
	}
	if name == "interval" {
		s, ok := x.(*logical.Literal)
		if !ok || !isUntypedString(s) {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: cast of a non-literal to interval")
		}
		mask := int32(0)
		if mods := tn.GetTypmods(); len(mods) > 0 {
			if c := mods[0].GetAConst(); c != nil && c.GetIval() != nil {
				mask = c.GetIval().GetIval()
			}
		}
		return intervalLiteral(s.Value.(string), mask)
	}
	t, err := sqlType(name, tn.GetTypmods())
	if err != nil {
		return nil, err
	}
	t = withNull(t, isNullable(x.Type()))
	if l, ok := x.(*logical.Literal); ok && isUntypedString(l) {
		if _, ok := t.(*types.DateType); ok {
			d, err := parseDate(l.Value.(string))
			if err != nil {
				return nil, err
			}
			return &logical.Literal{Value: d, T: t}, nil
		}
		if logical.IsTimestamp(t) {
			ts, err := logical.ParseTimestamp(l.Value.(string))
			if err != nil {
				return nil, fmt.Errorf("sql: %w", err)
			}
			return &logical.Literal{Value: ts, T: t}, nil
		}
	}
	return coerce(x, t), nil
}

// sqlType maps a PostgreSQL type name to its Substrait type.
func sqlType(name string, mods []*pg.Node) (types.Type, error) {
	req := types.NullabilityRequired
	switch name {
	case "date":
		return &types.DateType{Nullability: req}, nil
	case "timestamp":
		return &types.PrecisionTimestampType{Precision: types.PrecisionMicroSeconds, Nullability: req}, nil
	case "int2", "smallint":
		return &types.Int16Type{Nullability: req}, nil
	case "int4", "int", "integer":
		return &types.Int32Type{Nullability: req}, nil
	case "int8", "bigint":
		return &types.Int64Type{Nullability: req}, nil
	case "float4", "real":
		return &types.Float32Type{Nullability: req}, nil
	case "float8", "double", "float":
		return &types.Float64Type{Nullability: req}, nil
	case "bool", "boolean":
		return &types.BooleanType{Nullability: req}, nil
	case "text", "varchar", "bpchar", "char", "string":
		return &types.StringType{Nullability: req}, nil
	case "numeric", "decimal":
		p, s := int32(38), int32(0)
		if len(mods) > 0 {
			p = mods[0].GetAConst().GetIval().GetIval()
		}
		if len(mods) > 1 {
			s = mods[1].GetAConst().GetIval().GetIval()
		}
		if p < 1 || p > 38 || s < 0 || s > p {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: NUMERIC precision %d, scale %d out of range", p, s)
		}
		return &types.DecimalType{Precision: p, Scale: s, Nullability: req}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: type %q", name)
}

// caseExpr binds CASE [x] WHEN ... THEN ... [ELSE ...] END; the results
// take their common type.
func (b *binder) caseExpr(c *pg.CaseExpr, ec *ectx) (logical.Expr, error) {
	var arg logical.Expr
	if c.GetArg() != nil {
		var err error
		if arg, err = b.expr(c.GetArg(), ec); err != nil {
			return nil, err
		}
	}
	out := &logical.Case{}
	var results []logical.Expr
	for _, w := range c.GetArgs() {
		cw := w.GetCaseWhen()
		var cond logical.Expr
		var err error
		if arg != nil {
			v, err := b.expr(cw.GetExpr(), ec)
			if err != nil {
				return nil, err
			}
			cond, err = b.binary("=", arg, v)
			if err != nil {
				return nil, err
			}
		} else if cond, err = b.boolExpr(cw.GetExpr(), ec, "CASE/WHEN"); err != nil {
			return nil, err
		}
		r, err := b.expr(cw.GetResult(), ec)
		if err != nil {
			return nil, err
		}
		out.Whens = append(out.Whens, logical.When{Cond: cond})
		results = append(results, r)
	}
	if c.GetDefresult() != nil {
		r, err := b.expr(c.GetDefresult(), ec)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	t, err := commonType(results)
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: CASE types do not match: %v", err)
	}
	if c.GetDefresult() == nil {
		t = withNull(t, true)
	}
	for i := range out.Whens {
		out.Whens[i].Then = coerce(results[i], t)
	}
	if c.GetDefresult() != nil {
		out.Else = coerce(results[len(results)-1], t)
	}
	// Every branch has type t, nullability included.
	for i := range out.Whens {
		out.Whens[i].Then = forceNull(out.Whens[i].Then, t)
	}
	if out.Else != nil {
		out.Else = forceNull(out.Else, t)
	}
	out.T = t
	return out, nil
}
