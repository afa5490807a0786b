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

// joinTypes maps Substrait join types to the operator's, for a join
// that probes with the left input and builds the right.
var joinTypes = map[substraitpb.JoinRel_JoinType]op.JoinType{
	substraitpb.JoinRel_JOIN_TYPE_INNER:       op.InnerJoin,
	substraitpb.JoinRel_JOIN_TYPE_OUTER:       op.FullJoin,
	substraitpb.JoinRel_JOIN_TYPE_LEFT:        op.LeftJoin,
	substraitpb.JoinRel_JOIN_TYPE_RIGHT:       op.RightJoin,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI:   op.LeftSemiJoin,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:   op.LeftAntiJoin,
	substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI:  op.RightSemiJoin,
	substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:  op.RightAntiJoin,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE: op.SingleJoin,
	substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:   op.MarkJoin,
}

// mirrored is the join type that gives the same rows with the inputs
// swapped; false when there is none.
func mirrored(t op.JoinType) (op.JoinType, bool) {
	switch t {
	case op.InnerJoin, op.FullJoin:
		return t, true
	case op.LeftJoin:
		return op.RightJoin, true
	case op.RightJoin:
		return op.LeftJoin, true
	case op.LeftSemiJoin:
		return op.RightSemiJoin, true
	case op.LeftAntiJoin:
		return op.RightAntiJoin, true
	case op.RightSemiJoin:
		return op.LeftSemiJoin, true
	case op.RightAntiJoin:
		return op.LeftAntiJoin, true
	}
	return 0, false
}

func (b *builder) join(ctx context.Context, r *substraitpb.JoinRel) (op.Operator, error) {
	typ, ok := joinTypes[r.GetType()]
	swapOnly := false
	switch r.GetType() {
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SINGLE:
		typ, ok, swapOnly = op.SingleJoin, true, true
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
		typ, ok, swapOnly = op.MarkJoin, true, true
	}
	if r.GetType() == substraitpb.JoinRel_JOIN_TYPE_UNSPECIFIED {
		return nil, errkind.Errorf(errkind.InvalidArgument, "join: no join type")
	}
	if !ok {
		return nil, errkind.Errorf(errkind.Unimplemented, "join: join type %s is not supported", r.GetType())
	}
	conds := b.conjuncts(r.GetExpression())
	var post *substraitpb.Expression
	if r.GetPostJoinFilter() != nil {
		if typ == op.InnerJoin {
			conds = append(conds, b.conjuncts(r.GetPostJoinFilter())...)
		} else {
			post = r.GetPostJoinFilter()
		}
	}
	o, err := b.equiJoin(ctx, r.GetLeft(), r.GetRight(), conds, typ, swapOnly)
	if err != nil {
		return nil, err
	}
	if post != nil {
		pred, err := b.expr(post, &scope{schema: o.Schema()})
		if err != nil {
			return nil, fmt.Errorf("join: post-join filter: %w", err)
		}
		return op.NewFilter(o, pred)
	}
	return o, nil
}

func (b *builder) cross(ctx context.Context, r *substraitpb.CrossRel) (op.Operator, error) {
	return b.equiJoin(ctx, r.GetLeft(), r.GetRight(), nil, op.InnerJoin, false)
}

// equiJoin plans a join of left and right on conditions over the left's
// columns followed by the right's: equalities between the sides become
// hash keys, the rest a residual. The smaller side is built when the join
// type allows; swapOnly forces the swap (right single and mark joins).
func (b *builder) equiJoin(ctx context.Context, lrel, rrel *substraitpb.Rel, conds []*substraitpb.Expression, typ op.JoinType, swapOnly bool) (op.Operator, error) {
	left, err := b.rel(ctx, lrel)
	if err != nil {
		return nil, err
	}
	right, err := b.rel(ctx, rrel)
	if err != nil {
		return nil, err
	}
	ls, rs := left.Schema(), right.Schema()
	nl, nr := ls.NumFields(), rs.NumFields()
	swap := swapOnly
	if !swapOnly {
		if _, ok := mirrored(typ); ok && b.estimate(rrel) > b.estimate(lrel) {
			swap = true
		}
	}
	// Physical probe (p) and build (q) sides; their pair schema is p's
	// columns then q's.
	probe, build := left, right
	ptyp := typ
	toPair := func(i int) int { return i }
	if swap {
		probe, build = right, left
		if m, ok := mirrored(typ); ok {
			ptyp = m
		}
		toPair = func(i int) int {
			if i < nl {
				return nr + i
			}
			return i - nl
		}
	}
	combined := arrow.NewSchema(append(append([]arrow.Field{}, ls.Fields()...), rs.Fields()...), nil)
	pairRemap := map[int]int{}
	for i := range nl + nr {
		pairRemap[i] = toPair(i)
	}
	// Keys are bound against their own side: left fields as they are,
	// right fields shifted.
	leftScope := &scope{schema: ls}
	rightRemap := map[int]int{}
	for j := range nr {
		rightRemap[nl+j] = j
	}
	rightScope := &scope{schema: combined, remap: rightRemap}
	var lk, rk []expr.Expr
	var nullEq []bool
	var residual []expr.Expr
	for _, c := range conds {
		if l, r, eq, ok := b.splitEquality(c, nl, nl+nr); ok {
			le, err := b.expr(l, leftScope)
			if err != nil {
				return nil, fmt.Errorf("join: key: %w", err)
			}
			re, err := b.expr(r, rightScope)
			if err != nil {
				return nil, fmt.Errorf("join: key: %w", err)
			}
			if le, re, err = commonKeys(le, re); err != nil {
				return nil, fmt.Errorf("join: key %s = %s: %w", le, re, err)
			}
			lk, rk = append(lk, le), append(rk, re)
			nullEq = append(nullEq, !eq)
			continue
		}
		e, err := b.expr(c, &scope{schema: combined, remap: pairRemap})
		if err != nil {
			return nil, fmt.Errorf("join: condition: %w", err)
		}
		residual = append(residual, e)
	}
	var res expr.Expr
	switch len(residual) {
	case 0:
	case 1:
		res = residual[0]
	default:
		if res, err = b.reg.Scalar(&expr.Call{Name: "and", Args: residual}); err != nil {
			return nil, fmt.Errorf("join: condition: %w", err)
		}
	}
	pk, qk := lk, rk
	if swap {
		pk, qk = rk, lk
	}
	j, err := op.NewHashJoin(probe, build, pk, qk, nullEq, res, ptyp)
	if err != nil {
		return nil, err
	}
	if !swap {
		return j, nil
	}
	// Put the columns back in the logical order: left's, then right's.
	js := j.Schema()
	switch ptyp {
	case op.InnerJoin, op.LeftJoin, op.RightJoin, op.FullJoin, op.SingleJoin:
		exprs := make([]expr.Expr, 0, nl+nr)
		for i := range nl + nr {
			c, _ := expr.NewColumn(js, toPair(i))
			exprs = append(exprs, c)
		}
		return op.NewProject(j, exprs, nil), nil
	}
	return j, nil
}

// splitEquality recognises a condition "l = r" (or "l IS NOT DISTINCT FROM
// r") with l over the left fields [0, nl) and r over the right ones [nl,
// n), or the other way around; eq is false for the null-safe form.
func (b *builder) splitEquality(c *substraitpb.Expression, nl, n int) (l, r *substraitpb.Expression, eq, ok bool) {
	name := b.callName(c)
	if name != "equal" && name != "is_not_distinct_from" {
		return nil, nil, false, false
	}
	args := callArgs(c)
	if len(args) != 2 || args[0] == nil || args[1] == nil {
		return nil, nil, false, false
	}
	side := func(e *substraitpb.Expression) int {
		ri := refsOf(e)
		if ri.outer || ri.subquery || len(ri.fields) == 0 {
			return -1
		}
		if ri.fields[len(ri.fields)-1] < nl {
			return 0
		}
		if ri.fields[0] >= nl && ri.fields[len(ri.fields)-1] < n {
			return 1
		}
		return -1
	}
	s0, s1 := side(args[0]), side(args[1])
	switch {
	case s0 == 0 && s1 == 1:
		return args[0], args[1], name == "equal", true
	case s0 == 1 && s1 == 0:
		return args[1], args[0], name == "equal", true
	}
	return nil, nil, false, false
}

// commonKeys casts two join keys to one type, so equal values encode
// equally.
func commonKeys(l, r expr.Expr) (expr.Expr, expr.Expr, error) {
	lt, rt := l.DataType(), r.DataType()
	if arrow.TypeEqual(lt, rt) {
		return l, r, nil
	}
	to, err := commonKeyType(lt, rt)
	if err != nil {
		return l, r, err
	}
	if !arrow.TypeEqual(lt, to) {
		if l, err = expr.NewCast(l, to, false); err != nil {
			return l, r, err
		}
	}
	if !arrow.TypeEqual(rt, to) {
		if r, err = expr.NewCast(r, to, false); err != nil {
			return l, r, err
		}
	}
	return l, r, nil
}

func commonKeyType(a, b arrow.DataType) (arrow.DataType, error) {
	rank := map[arrow.Type]int{arrow.INT8: 1, arrow.INT16: 2, arrow.INT32: 3, arrow.INT64: 4}
	ra, aInt := rank[a.ID()]
	rb, bInt := rank[b.ID()]
	da, aDec := a.(*arrow.Decimal128Type)
	db, bDec := b.(*arrow.Decimal128Type)
	isStr := func(t arrow.DataType) bool { return t.ID() == arrow.STRING || t.ID() == arrow.LARGE_STRING }
	switch {
	case aInt && bInt:
		if ra > rb {
			return a, nil
		}
		return b, nil
	case aDec && bDec:
		scale := max(da.Scale, db.Scale)
		whole := max(da.Precision-da.Scale, db.Precision-db.Scale)
		if whole+scale > 38 {
			break
		}
		return &arrow.Decimal128Type{Precision: whole + scale, Scale: scale}, nil
	case aDec && bInt:
		return &arrow.Decimal128Type{Precision: min(38, max(da.Precision, 19+da.Scale)), Scale: da.Scale}, nil
	case bDec && aInt:
		return &arrow.Decimal128Type{Precision: min(38, max(db.Precision, 19+db.Scale)), Scale: db.Scale}, nil
	case isStr(a) && isStr(b):
		return arrow.BinaryTypes.String, nil
	case a.ID() == arrow.FLOAT64 || b.ID() == arrow.FLOAT64:
		if aInt || bInt || a.ID() == arrow.FLOAT32 || b.ID() == arrow.FLOAT32 {
			return arrow.PrimitiveTypes.Float64, nil
		}
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "joining %s with %s", a, b)
}
