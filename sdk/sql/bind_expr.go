package sql

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// boolExpr binds a condition and checks that it is boolean.
func (b *binder) boolExpr(n *pg.Node, ec *ectx, clause string) (logical.Expr, error) {
	x, err := b.expr(n, ec)
	if err != nil {
		return nil, err
	}
	if _, ok := x.Type().(*types.BooleanType); !ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: argument of %s must be boolean, not %s", clause, x.Type())
	}
	return x, nil
}

// expr binds one expression.
func (b *binder) expr(n *pg.Node, ec *ectx) (logical.Expr, error) {
	if sl := n.GetSubLink(); sl != nil {
		return b.subLink(sl)
	}
	if ec.agg != nil {
		if fc := n.GetFuncCall(); fc != nil && aggNames[funcName(fc)] {
			return b.aggCall(fc, ec.agg)
		}
		// An expression the grouping is by becomes its column.
		if !hasAgg([]*pg.Node{n}) {
			x, err := b.expr(n, &ectx{sc: ec.agg.pre})
			if err != nil {
				return nil, err
			}
			for i, g := range ec.agg.groups {
				if g.String() == x.String() {
					return ec.agg.column(i), nil
				}
			}
			if cr := n.GetColumnRef(); cr != nil {
				return nil, errkind.Errorf(errkind.InvalidArgument,
					"sql: column %q must appear in the GROUP BY clause or be used in an aggregate function", columnName(cr))
			}
		}
	}
	switch {
	case n.GetColumnRef() != nil:
		if ec.agg != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: column %q must appear in the GROUP BY clause", columnName(n.GetColumnRef()))
		}
		return b.columnRef(n.GetColumnRef(), ec.sc)
	case n.GetAConst() != nil:
		return constant(n.GetAConst())
	case n.GetAExpr() != nil:
		return b.aExpr(n.GetAExpr(), ec)
	case n.GetBoolExpr() != nil:
		be := n.GetBoolExpr()
		args := make([]logical.Expr, len(be.GetArgs()))
		for i, a := range be.GetArgs() {
			var err error
			if args[i], err = b.boolExpr(a, ec, strings.TrimSuffix(strings.ToUpper(be.GetBoolop().String()), "_EXPR")); err != nil {
				return nil, err
			}
		}
		switch be.GetBoolop() {
		case pg.BoolExprType_AND_EXPR:
			return b.call("and", args...)
		case pg.BoolExprType_OR_EXPR:
			return b.call("or", args...)
		default:
			return b.call("not", args...)
		}
	case n.GetNullTest() != nil:
		nt := n.GetNullTest()
		x, err := b.expr(nt.GetArg(), ec)
		if err != nil {
			return nil, err
		}
		if nt.GetNulltesttype() == pg.NullTestType_IS_NOT_NULL {
			return b.call("is_not_null", x)
		}
		return b.call("is_null", x)
	case n.GetTypeCast() != nil:
		return b.typeCast(n.GetTypeCast(), ec)
	case n.GetCaseExpr() != nil:
		return b.caseExpr(n.GetCaseExpr(), ec)
	case n.GetFuncCall() != nil:
		fc := n.GetFuncCall()
		if aggNames[funcName(fc)] {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: aggregate function %s is not allowed here", funcName(fc))
		}
		args := make([]logical.Expr, len(fc.GetArgs()))
		for i, a := range fc.GetArgs() {
			// extract(field FROM x) parses as extract('field', x); the
			// field is Substrait's enum option.
			if i == 0 && funcName(fc) == "extract" && a.GetAConst().GetSval() != nil {
				args[i] = &logical.Enum{Value: strings.ToUpper(a.GetAConst().GetSval().GetSval())}
				continue
			}
			var err error
			if args[i], err = b.expr(a, ec); err != nil {
				return nil, err
			}
		}
		return b.call(funcName(fc), args...)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: expression %s", nodeKind(n))
}

func columnName(cr *pg.ColumnRef) string {
	var parts []string
	for _, f := range cr.GetFields() {
		if s := f.GetString_(); s != nil {
			parts = append(parts, s.GetSval())
		} else {
			parts = append(parts, "*")
		}
	}
	return strings.Join(parts, ".")
}

func (b *binder) columnRef(cr *pg.ColumnRef, sc *scope) (logical.Expr, error) {
	f := cr.GetFields()
	for _, x := range f {
		if x.GetString_() == nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %s is not allowed here", columnName(cr))
		}
	}
	switch len(f) {
	case 1:
		return sc.resolve("", f[0].GetString_().GetSval())
	case 2:
		return sc.resolve(f[0].GetString_().GetSval(), f[1].GetString_().GetSval())
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: column reference %s", columnName(cr))
}

// call resolves a scalar function; no matching signature is a type error.
func (b *binder) call(name string, args ...logical.Expr) (logical.Expr, error) {
	c, err := b.fns.Call(name, args...)
	if err != nil {
		if errors.Is(err, logical.ErrNoSignature) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: function %s does not exist for these argument types: %v", name, err)
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %v", err)
	}
	return c, nil
}

func (b *binder) aggCall(fc *pg.FuncCall, st *aggState) (logical.Expr, error) {
	name := funcName(fc)
	if fc.GetOver() != nil || fc.GetAggFilter() != nil || len(fc.GetAggOrder()) > 0 {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: %s with OVER, FILTER or ORDER BY", name)
	}
	var args []logical.Expr
	if !fc.GetAggStar() {
		for _, a := range fc.GetArgs() {
			if hasAgg([]*pg.Node{a}) {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: aggregate function calls cannot be nested")
			}
			x, err := b.expr(a, &ectx{sc: st.pre})
			if err != nil {
				return nil, err
			}
			args = append(args, x)
		}
	} else if name != "count" {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %s(*) is not allowed", name)
	}
	a, err := b.fns.Agg(name, fc.GetAggDistinct(), args...)
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %v", err)
	}
	for i, prev := range st.aggs {
		if prev.String() == a.String() {
			return st.column(len(st.groups) + i), nil
		}
	}
	st.aggs = append(st.aggs, a)
	return st.column(len(st.groups) + len(st.aggs) - 1), nil
}

var binaryOps = map[string]string{
	"=": "equal", "<>": "not_equal", "!=": "not_equal", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte",
	"+": "add", "-": "subtract", "*": "multiply", "/": "divide", "%": "modulus", "||": "concat",
}

func opName(names []*pg.Node) string { return names[len(names)-1].GetString_().GetSval() }

func (b *binder) aExpr(a *pg.A_Expr, ec *ectx) (logical.Expr, error) {
	op := opName(a.GetName())
	switch a.GetKind() {
	case pg.A_Expr_Kind_AEXPR_OP:
		if a.GetLexpr() == nil {
			x, err := b.expr(a.GetRexpr(), ec)
			if err != nil {
				return nil, err
			}
			switch op {
			case "-":
				if l, ok := x.(*logical.Literal); ok {
					if neg, ok := negate(l); ok {
						return neg, nil
					}
				}
				return b.call("negate", x)
			case "+":
				return x, nil
			}
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: prefix operator %s", op)
		}
		l, err := b.expr(a.GetLexpr(), ec)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.GetRexpr(), ec)
		if err != nil {
			return nil, err
		}
		return b.binary(op, l, r)
	case pg.A_Expr_Kind_AEXPR_IN:
		x, err := b.expr(a.GetLexpr(), ec)
		if err != nil {
			return nil, err
		}
		var list []logical.Expr
		for _, it := range a.GetRexpr().GetList().GetItems() {
			v, err := b.expr(it, ec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		t, err := commonType(append([]logical.Expr{x}, list...))
		if err != nil {
			return nil, err
		}
		x = coerce(x, t)
		for i := range list {
			list[i] = coerce(list[i], t)
		}
		in := &logical.InList{X: x, List: list}
		if op == "<>" {
			return b.call("not", in)
		}
		return in, nil
	case pg.A_Expr_Kind_AEXPR_LIKE, pg.A_Expr_Kind_AEXPR_ILIKE:
		l, err := b.expr(a.GetLexpr(), ec)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.GetRexpr(), ec)
		if err != nil {
			return nil, err
		}
		var x logical.Expr
		if a.GetKind() == pg.A_Expr_Kind_AEXPR_ILIKE {
			x, err = b.call("like", l, r)
			if err == nil {
				// Substrait's like takes a case_sensitivity option; lower both instead.
				var ll, lr logical.Expr
				if ll, err = b.call("lower", l); err == nil {
					if lr, err = b.call("lower", r); err == nil {
						x, err = b.call("like", ll, lr)
					}
				}
			}
		} else {
			x, err = b.call("like", l, r)
		}
		if err != nil {
			return nil, err
		}
		if strings.HasPrefix(op, "!") {
			return b.call("not", x)
		}
		return x, nil
	case pg.A_Expr_Kind_AEXPR_BETWEEN, pg.A_Expr_Kind_AEXPR_NOT_BETWEEN:
		x, err := b.expr(a.GetLexpr(), ec)
		if err != nil {
			return nil, err
		}
		bounds := a.GetRexpr().GetList().GetItems()
		lo, err := b.expr(bounds[0], ec)
		if err != nil {
			return nil, err
		}
		hi, err := b.expr(bounds[1], ec)
		if err != nil {
			return nil, err
		}
		if a.GetKind() == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
			l, err := b.binary("<", x, lo)
			if err != nil {
				return nil, err
			}
			h, err := b.binary(">", x, hi)
			if err != nil {
				return nil, err
			}
			return b.call("or", l, h)
		}
		l, err := b.binary(">=", x, lo)
		if err != nil {
			return nil, err
		}
		h, err := b.binary("<=", x, hi)
		if err != nil {
			return nil, err
		}
		return b.call("and", l, h)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: operator %s (%s)", op, a.GetKind())
}

// binary binds l op r, coercing the operands as PostgreSQL would.
func (b *binder) binary(op string, l, r logical.Expr) (logical.Expr, error) {
	fn, ok := binaryOps[op]
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: operator %s", op)
	}
	lt, rt := l.Type(), r.Type()
	switch fn {
	case "add", "subtract":
		// date ± interval.
		if _, ok := lt.(*types.DateType); ok {
			if iv, ok := r.(*logical.Literal); ok {
				if d, ok := l.(*logical.Literal); ok && d.Value != nil && iv.Value != nil {
					if v, ok := addInterval(d.Value.(logical.Date), iv.Value, fn == "subtract"); ok {
						return &logical.Literal{Value: v, T: d.T}, nil
					}
				}
			}
			return b.call(fn, l, r)
		}
		if _, ok := rt.(*types.DateType); ok && fn == "add" {
			return b.binary("+", r, l)
		}
		fallthrough
	case "multiply", "divide", "modulus":
		switch {
		case isDecimal(lt) && isDecimal(rt):
		case isNumeric(lt) && isNumeric(rt):
			t, err := commonType([]logical.Expr{l, r})
			if err != nil {
				return nil, err
			}
			l, r = coerce(l, t), coerce(r, t)
		}
		return b.call(fn, l, r)
	case "concat":
		return b.call(fn, l, r)
	}
	// Comparisons: both sides to one type.
	t, err := commonType([]logical.Expr{l, r})
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: operator does not exist: %s %s %s", lt, op, rt)
	}
	return b.call(fn, coerce(l, t), coerce(r, t))
}

func isNumeric(t types.Type) bool { return isInt(t) || isDecimal(t) || isFloat(t) }

func isUntypedString(x logical.Expr) bool {
	l, ok := x.(*logical.Literal)
	if !ok {
		return false
	}
	_, ok = l.Value.(string)
	return ok
}

func isNullLit(x logical.Expr) bool {
	l, ok := x.(*logical.Literal)
	return ok && l.Value == nil
}

// commonType is the type the expressions compare or combine in: numbers
// widen (integers, then decimals, then floats), string literals take the
// other side's type, null literals any.
func commonType(xs []logical.Expr) (types.Type, error) {
	var t types.Type
	nullable := false
	for _, x := range xs {
		xt := x.Type()
		nullable = nullable || isNullable(xt)
		if isNullLit(x) {
			continue
		}
		if t == nil {
			t = xt
			continue
		}
		switch {
		case sameType(t, xt):
		case isInt(t) && isInt(xt):
			if intWidth(xt) > intWidth(t) {
				t = xt
			}
		case isFloat(t) || isFloat(xt):
			if !isNumeric(t) || !isNumeric(xt) {
				return nil, fmt.Errorf("cannot compare %s and %s", t, xt)
			}
			t = &types.Float64Type{}
		case (isDecimal(t) || isInt(t)) && (isDecimal(xt) || isInt(xt)):
			a, b := asDecimal(t, x), asDecimal(xt, x)
			scale := max(a.Scale, b.Scale)
			digits := max(a.Precision-a.Scale, b.Precision-b.Scale)
			t = &types.DecimalType{Precision: min(38, digits+scale), Scale: scale}
		case isString(xt) && isUntypedString(x):
			// a string literal takes t.
		case isString(t) && isString(xt):
			t = &types.StringType{}
		case isString(t) && !isString(xt):
			// earlier string literals take xt.
			if !allStringLits(xs, xt) {
				return nil, fmt.Errorf("cannot compare %s and %s", t, xt)
			}
			t = xt
		default:
			return nil, fmt.Errorf("cannot compare %s and %s", t, xt)
		}
	}
	if t == nil {
		t = &types.BooleanType{}
	}
	return withNull(t, nullable), nil
}

func allStringLits(xs []logical.Expr, t types.Type) bool {
	for _, x := range xs {
		if isString(x.Type()) && !isUntypedString(x) {
			return false
		}
	}
	return true
}

// asDecimal is the decimal type of t; an integer literal gets only the
// digits it needs.
func asDecimal(t types.Type, x logical.Expr) *types.DecimalType {
	if d, ok := t.(*types.DecimalType); ok {
		return d
	}
	if l, ok := x.(*logical.Literal); ok && sameType(l.T, t) {
		var v int64
		switch n := l.Value.(type) {
		case int32:
			v = int64(n)
		case int64:
			v = n
		}
		p := int32(len(strconv.FormatInt(max(v, -v), 10)))
		return &types.DecimalType{Precision: p, Scale: 0}
	}
	return decimalOfInt(t)
}

// coerce converts x to t (nullability aside): literals are converted now,
// other expressions get a Cast.
func coerce(x logical.Expr, t types.Type) logical.Expr {
	t = withNull(t, isNullable(x.Type()))
	if sameType(x.Type(), t) {
		return x
	}
	if l, ok := x.(*logical.Literal); ok {
		if d, ok := l.Value.(logical.Decimal); ok {
			from := l.T.(*types.DecimalType)
			switch to := t.(type) {
			case *types.DecimalType:
				if to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale {
					return &logical.Literal{Value: logical.Decimal{Unscaled: d.Unscaled.IncreaseScaleBy(to.Scale - from.Scale)}, T: t}
				}
			case *types.Float64Type:
				return &logical.Literal{Value: d.Unscaled.ToFloat64(from.Scale), T: t}
			}
		}
		if v, ok := convertLiteral(l.Value, t); ok {
			return &logical.Literal{Value: v, T: t}
		}
	}
	return &logical.Cast{X: x, T: t}
}

// convertLiteral converts a literal's value to type t, if it can exactly.
func convertLiteral(v any, t types.Type) (any, bool) {
	if v == nil {
		return nil, true
	}
	switch t := t.(type) {
	case *types.DecimalType:
		var n decimal128.Num
		switch v := v.(type) {
		case int32:
			n = decimal128.FromI64(int64(v))
		case int64:
			n = decimal128.FromI64(v)
		default:
			return nil, false
		}
		return logical.Decimal{Unscaled: n.IncreaseScaleBy(t.Scale)}, true
	case *types.Float64Type:
		switch v := v.(type) {
		case int32:
			return float64(v), true
		case int64:
			return float64(v), true
		}
	case *types.Int64Type:
		if v, ok := v.(int32); ok {
			return int64(v), true
		}
	case *types.DateType:
		if s, ok := v.(string); ok {
			d, err := parseDate(s)
			return d, err == nil
		}
	case *types.StringType:
		if s, ok := v.(string); ok {
			return s, true
		}
	}
	return nil, false
}

func parseDate(s string) (logical.Date, error) {
	tm, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, errkind.Errorf(errkind.InvalidArgument, "sql: invalid input syntax for type date: %q", s)
	}
	return logical.Date(tm.Unix() / 86400), nil
}

func addInterval(d logical.Date, iv any, sub bool) (logical.Date, bool) {
	sign := 1
	if sub {
		sign = -1
	}
	tm := time.Unix(int64(d)*86400, 0).UTC()
	switch iv := iv.(type) {
	case logical.IntervalDay:
		if iv.Seconds != 0 {
			return 0, false
		}
		tm = tm.AddDate(0, 0, sign*int(iv.Days))
	case logical.IntervalYear:
		tm = tm.AddDate(sign*int(iv.Years), sign*int(iv.Months), 0)
	default:
		return 0, false
	}
	return logical.Date(tm.Unix() / 86400), true
}

func negate(l *logical.Literal) (*logical.Literal, bool) {
	switch v := l.Value.(type) {
	case int32:
		return &logical.Literal{Value: -v, T: l.T}, true
	case int64:
		return &logical.Literal{Value: -v, T: l.T}, true
	case float64:
		return &logical.Literal{Value: -v, T: l.T}, true
	case logical.Decimal:
		return &logical.Literal{Value: logical.Decimal{Unscaled: v.Unscaled.Negate()}, T: l.T}, true
	}
	return nil, false
}

// constant binds a literal: integers are i32 (i64 if larger), numbers with
// a point decimals of their digits, strings strings.
func constant(c *pg.A_Const) (logical.Expr, error) {
	req := types.NullabilityRequired
	switch {
	case c.GetIsnull():
		return &logical.Literal{T: &types.BooleanType{Nullability: types.NullabilityNullable}}, nil
	case c.GetIval() != nil:
		return &logical.Literal{Value: c.GetIval().GetIval(), T: &types.Int32Type{Nullability: req}}, nil
	case c.GetFval() != nil:
		return numericLiteral(c.GetFval().GetFval())
	case c.GetSval() != nil:
		return &logical.Literal{Value: c.GetSval().GetSval(), T: &types.StringType{Nullability: req}}, nil
	case c.GetBoolval() != nil:
		return &logical.Literal{Value: c.GetBoolval().GetBoolval(), T: &types.BooleanType{Nullability: req}}, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: constant %v", c)
}

func numericLiteral(s string) (logical.Expr, error) {
	req := types.NullabilityRequired
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: invalid number %q", s)
		}
		return &logical.Literal{Value: f, T: &types.Float64Type{Nullability: req}}, nil
	}
	if !strings.Contains(s, ".") {
		v, err := strconv.ParseInt(s, 10, 64)
		if err == nil {
			return &logical.Literal{Value: v, T: &types.Int64Type{Nullability: req}}, nil
		}
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	p := max(int32(len(digits)), int32(len(frac)), 1)
	if p > 38 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: number %q has more than 38 digits", s)
	}
	n, err := decimal128.FromString(s, p, int32(len(frac)))
	if err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: invalid number %q: %v", s, err)
	}
	return &logical.Literal{Value: logical.Decimal{Unscaled: n}, T: &types.DecimalType{Precision: p, Scale: int32(len(frac)), Nullability: req}}, nil
}

// subLink binds a scalar subquery; it may not refer to the outer row.
func (b *binder) subLink(sl *pg.SubLink) (logical.Expr, error) {
	sel := sl.GetSubselect().GetSelectStmt()
	if sl.GetSubLinkType() != pg.SubLinkType_EXPR_SUBLINK || sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: subquery %s", strings.TrimSuffix(sl.GetSubLinkType().String(), "_SUBLINK"))
	}
	node, _, err := b.selectStmt(sel)
	if err != nil {
		return nil, fmt.Errorf("sql: scalar subquery (correlated subqueries are not supported): %w", err)
	}
	s := node.Schema()
	if len(s) != 1 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery must return only one column")
	}
	return &logical.ScalarSubquery{Plan: node, T: s[0].Type.WithNullability(types.NullabilityNullable)}, nil
}
