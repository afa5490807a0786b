package sql

import (
	"errors"
	"strings"

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
		return b.subLink(sl, ec)
	}
	if fc := n.GetFuncCall(); fc != nil && fc.GetOver() != nil {
		return b.windowCall(fc, ec)
	}
	if gf := n.GetGroupingFunc(); gf != nil {
		return b.groupingCall(gf.GetArgs(), ec.agg)
	}
	if ec.agg != nil {
		if fc := n.GetFuncCall(); fc != nil && aggNames[funcName(fc)] {
			return b.aggCall(fc, ec.agg)
		}
		// An expression the grouping is by becomes its column.
		if !hasAgg([]*pg.Node{n}) && !hasWindow(n) {
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
		return b.scalarFunc(funcName(fc), args)
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
	var qual, name string
	switch len(f) {
	case 1:
		name = f[0].GetString_().GetSval()
	case 2:
		qual, name = f[0].GetString_().GetSval(), f[1].GetString_().GetSval()
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: column reference %s", columnName(cr))
	}
	c, err := sc.resolve(qual, name)
	var unknown *unknownColumnError
	if !errors.As(err, &unknown) {
		return c, err
	}
	// Not a column of this query: of an enclosing one, innermost first.
	for o := b.outer; o != nil; o = o.next {
		oc, oerr := o.ec.resolveOuter(qual, name)
		if errors.As(oerr, &unknown) {
			continue
		}
		if oerr != nil {
			return nil, oerr
		}
		return &logical.OuterColumn{StepsOut: b.depth - o.depth, Index: oc.Index, T: oc.T}, nil
	}
	return nil, err
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
		above, below, join := ">=", "<=", "and"
		if a.GetKind() == pg.A_Expr_Kind_AEXPR_NOT_BETWEEN {
			above, below, join = "<", ">", "or"
		}
		l, err := b.binary(above, x, lo)
		if err != nil {
			return nil, err
		}
		h, err := b.binary(below, x, hi)
		if err != nil {
			return nil, err
		}
		return b.call(join, l, h)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: operator %s (%s)", op, a.GetKind())
}

// binary binds l op r, coercing the operands as PostgreSQL would.
func (b *binder) binary(op string, l, r logical.Expr) (logical.Expr, error) {
	fn, ok := binaryOps[op]
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: operator %s", op)
	}
	x, err := b.fns.Binary(fn, l, r)
	switch {
	case errors.Is(err, logical.ErrNoCommonType):
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: operator does not exist: %s %s %s", l.Type(), op, r.Type())
	case errors.Is(err, logical.ErrNoSignature):
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: function %s does not exist for these argument types: %v", fn, err)
	case err != nil:
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: %v", err)
	}
	return x, nil
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

// subLink binds a subquery expression in ec: scalar, EXISTS, IN, or a
// comparison with ANY / ALL. The subquery may refer to ec's row and to
// those of the queries enclosing it.
func (b *binder) subLink(sl *pg.SubLink, ec *ectx) (logical.Expr, error) {
	kind := strings.TrimSuffix(sl.GetSubLinkType().String(), "_SUBLINK")
	sel := sl.GetSubselect().GetSelectStmt()
	if sel == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: %s subquery %s", kind, nodeKind(sl.GetSubselect()))
	}
	switch sl.GetSubLinkType() {
	case pg.SubLinkType_EXPR_SUBLINK:
		node, err := b.subquery(sel, ec)
		if err != nil {
			return nil, err
		}
		s := node.Schema()
		if len(s) != 1 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery must return only one column")
		}
		return &logical.ScalarSubquery{Plan: node, T: s[0].Type.WithNullability(types.NullabilityNullable)}, nil
	case pg.SubLinkType_EXISTS_SUBLINK:
		node, err := b.subquery(sel, ec)
		if err != nil {
			return nil, err
		}
		return &logical.Exists{Plan: node}, nil
	case pg.SubLinkType_ANY_SUBLINK, pg.SubLinkType_ALL_SUBLINK:
		return b.quantified(sl, sel, ec)
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: %s subquery", kind)
}

// subquery binds a subquery expression's query, one level deeper, over
// ec's row.
func (b *binder) subquery(sel *pg.SelectStmt, ec *ectx) (logical.Node, error) {
	savedOuter, savedDepth := b.outer, b.depth
	b.outer = &outerScope{ec: ec, depth: b.depth, next: b.outer}
	b.depth++
	defer func() { b.outer, b.depth = savedOuter, savedDepth }()
	node, _, err := b.selectStmt(sel)
	return node, err
}

var compareOps = map[string]logical.CompareOp{
	"=": logical.CompareEQ, "<>": logical.CompareNE, "!=": logical.CompareNE,
	"<": logical.CompareLT, "<=": logical.CompareLE, ">": logical.CompareGT, ">=": logical.CompareGE,
}

// quantified binds x IN (subquery), (x, y) IN (subquery) and x op ANY|ALL
// (subquery). IN and = ANY are an InSubquery, <> ALL its negation; the
// other comparisons a SetComparison. Needles and the subquery's columns
// are coerced to common types.
func (b *binder) quantified(sl *pg.SubLink, sel *pg.SelectStmt, ec *ectx) (logical.Expr, error) {
	op := "="
	if names := sl.GetOperName(); len(names) > 0 {
		op = opName(names)
	}
	cmp, ok := compareOps[op]
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: operator %s with a subquery", op)
	}
	all := sl.GetSubLinkType() == pg.SubLinkType_ALL_SUBLINK
	var needles []logical.Expr
	if row := sl.GetTestexpr().GetRowExpr(); row != nil {
		for _, a := range row.GetArgs() {
			x, err := b.expr(a, ec)
			if err != nil {
				return nil, err
			}
			needles = append(needles, x)
		}
	} else {
		x, err := b.expr(sl.GetTestexpr(), ec)
		if err != nil {
			return nil, err
		}
		needles = []logical.Expr{x}
	}
	node, err := b.subquery(sel, ec)
	if err != nil {
		return nil, err
	}
	s := node.Schema()
	if len(s) != len(needles) {
		if len(s) > len(needles) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery has too many columns")
		}
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: subquery has too few columns")
	}
	// Compare each needle with its column in their common type, casting
	// the subquery's columns in a projection if they need it.
	cols := make([]logical.Expr, len(s))
	cast := false
	for i, f := range s {
		col := logical.Expr(&logical.Column{Index: i, T: f.Type})
		t, err := commonType([]logical.Expr{needles[i], col})
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: operator does not exist: %s %s %s", needles[i].Type(), op, f.Type)
		}
		needles[i] = coerce(needles[i], t)
		cols[i] = coerce(col, t)
		cast = cast || cols[i] != col
	}
	if cast {
		names := make([]string, len(s))
		for i, f := range s {
			names[i] = f.Name
		}
		node = &logical.Project{Input: node, Exprs: cols, Names: names}
	}
	switch {
	case cmp == logical.CompareEQ && !all:
		return &logical.InSubquery{Needles: needles, Plan: node}, nil
	case cmp == logical.CompareNE && all:
		return b.call("not", &logical.InSubquery{Needles: needles, Plan: node})
	case len(needles) > 1:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: row comparison %s with a subquery", op)
	}
	return &logical.SetComparison{Left: needles[0], Op: cmp, All: all, Plan: node}, nil
}
