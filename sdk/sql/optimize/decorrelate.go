package optimize

import (
	"errors"
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Decorrelate rewrites subquery expressions into joins, so that the plan
// joins instead of evaluating a subquery per row, and consumers without
// subquery support can run it:
//
//   - a conjunct EXISTS / NOT EXISTS of a filter becomes a left semi /
//     anti join of the filter's input with the subquery's input, on the
//     conditions of the subquery's filter that refer to the outer row;
//   - a conjunct x IN (subquery) becomes a left semi join on x = column
//     and those conditions;
//   - a conjunct x NOT IN (subquery) becomes a left anti join the same way
//     when neither x nor the subquery's column can be null: with a null,
//     NOT IN is null where the anti join would keep the row, so such a
//     NOT IN is left as it is;
//   - a conjunct x op ANY / ALL (subquery), or its negation, becomes a
//     semi join on the comparison or an anti join on its failing, null
//     tests included (see setComparison);
//   - a scalar subquery in a filter's condition or a projection over a
//     global aggregate, correlated by equalities inner = outer, becomes the
//     aggregate grouped by the inner sides, left joined on them; rows
//     without a group get the value of the aggregate of no rows (0 for
//     count, null for the others);
//   - an uncorrelated scalar subquery in a projection becomes a left
//     single join without condition (more than one row is an error).
//
// Plain conditions of the filter are applied below the joins, the others
// (and those referring to an enclosing query) above; a projection drops the columns the joins added. Subqueries are
// decorrelated inside out, so a subquery whose own subqueries were
// correlated to it may become uncorrelated. Subqueries of other shapes are
// left as they are, for the consumer to evaluate.
type Decorrelate struct{ fns *logical.Functions }

// NewDecorrelate returns the rule; fns resolves the functions it calls
// (and, equal, is_null).
func NewDecorrelate(fns *logical.Functions) *Decorrelate { return &Decorrelate{fns: fns} }

// Name returns "decorrelate".
func (*Decorrelate) Name() string { return "decorrelate" }

// Rewrite returns n with its subqueries decorrelated where it can.
func (d *Decorrelate) Rewrite(n logical.Node) (logical.Node, error) { return d.node(n) }

// errKeep abandons one subquery's decorrelation: its shape is not one the
// rule handles, so it stays a subquery.
var errKeep = errors.New("decorrelate: subquery kept")

func (d *Decorrelate) node(n logical.Node) (logical.Node, error) {
	switch n := n.(type) {
	case *logical.Filter:
		in, err := d.node(n.Input)
		if err != nil {
			return nil, err
		}
		cond, err := d.subplans(n.Cond)
		if err != nil {
			return nil, err
		}
		return d.filter(in, cond)
	case *logical.Project:
		in, err := d.node(n.Input)
		if err != nil {
			return nil, err
		}
		exprs := make([]logical.Expr, len(n.Exprs))
		for i, x := range n.Exprs {
			if exprs[i], err = d.subplans(x); err != nil {
				return nil, err
			}
		}
		return d.project(in, exprs, n.Names)
	}
	// Other nodes: decorrelate below them and inside their expressions'
	// subqueries; a node the rule does not know stays as it is.
	out, err := mapNode(n, d.subplans, d.node)
	if errors.Is(err, errUnknown) {
		return n, nil
	}
	return out, err
}

// subplans decorrelates the plans of the subqueries in x.
func (d *Decorrelate) subplans(x logical.Expr) (logical.Expr, error) {
	switch x := x.(type) {
	case *logical.ScalarSubquery:
		p, err := d.node(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.ScalarSubquery{Plan: p, T: x.T}, nil
	case *logical.Exists:
		p, err := d.node(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.Exists{Plan: p}, nil
	case *logical.InSubquery:
		needles, err := mapEach(x.Needles, d.subplans)
		if err != nil {
			return nil, err
		}
		p, err := d.node(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.InSubquery{Needles: needles, Plan: p}, nil
	case *logical.SetComparison:
		l, err := d.subplans(x.Left)
		if err != nil {
			return nil, err
		}
		p, err := d.node(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.SetComparison{Left: l, Op: x.Op, All: x.All, Plan: p}, nil
	}
	out, err := mapExpr(x, d.subplans)
	if errors.Is(err, errUnknown) {
		return x, nil
	}
	return out, err
}

// joiner joins subqueries onto cur, a row of width columns of which the
// first base are the original input's.
type joiner struct {
	d     *Decorrelate
	cur   logical.Node
	base  int
	width int
}

func (j *joiner) join(right logical.Node, typ logical.JoinType, conds []logical.Expr) error {
	cond, err := j.d.and(conds)
	if err != nil {
		return err
	}
	j.cur = &logical.Join{Left: j.cur, Right: right, Type: typ, Cond: cond}
	j.width = len(j.cur.Schema())
	return nil
}

// done drops the columns the joins added.
func (j *joiner) done() logical.Node {
	if j.width == j.base {
		return j.cur
	}
	s := j.cur.Schema()
	p := &logical.Project{Input: j.cur}
	for i := range j.base {
		p.Exprs = append(p.Exprs, &logical.Column{Index: i, T: s[i].Type})
		p.Names = append(p.Names, s[i].Name)
	}
	return p
}

func (d *Decorrelate) filter(in logical.Node, cond logical.Expr) (logical.Node, error) {
	conds := conjuncts(cond)
	var plain, rest []logical.Expr
	for _, c := range conds {
		// A correlation stays above the joins too: the filter stays the
		// top of a subquery's plan, where decorrelating it finds it.
		if holdsSubquery(c) || escapes(c) {
			rest = append(rest, c)
		} else {
			plain = append(plain, c)
		}
	}
	if len(rest) == 0 {
		return &logical.Filter{Input: in, Cond: cond}, nil
	}
	// Plain conditions filter the input before the joins.
	cur := in
	if len(plain) > 0 {
		c, err := d.and(plain)
		if err != nil {
			return nil, err
		}
		cur = &logical.Filter{Input: in, Cond: c}
	}
	w := len(in.Schema())
	j := &joiner{d: d, cur: cur, base: w, width: w}
	var left []logical.Expr
	for _, c := range rest {
		ok, err := j.predicate(c)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		c, err = j.scalars(c, false)
		if err != nil {
			return nil, err
		}
		left = append(left, c)
	}
	out := j.cur
	if len(left) > 0 {
		c, err := d.and(left)
		if err != nil {
			return nil, err
		}
		out = &logical.Filter{Input: out, Cond: c}
	}
	j.cur = out
	return j.done(), nil
}

func (d *Decorrelate) project(in logical.Node, exprs []logical.Expr, names []string) (logical.Node, error) {
	w := len(in.Schema())
	j := &joiner{d: d, cur: in, base: w, width: w}
	out := make([]logical.Expr, len(exprs))
	for i, x := range exprs {
		var err error
		if out[i], err = j.scalars(x, true); err != nil {
			return nil, err
		}
	}
	return &logical.Project{Input: j.cur, Exprs: out, Names: names}, nil
}

// predicate joins a conjunct that is an EXISTS, NOT EXISTS, IN or NOT IN
// subquery; ok is false if c is none or stays a subquery.
func (j *joiner) predicate(c logical.Expr) (ok bool, err error) {
	neg := false
	if call, isCall := c.(*logical.Call); isCall && strings.HasPrefix(call.Name, "not:") && len(call.Args) == 1 {
		neg, c = true, call.Args[0]
	}
	var right logical.Node
	var conds []logical.Expr
	typ := logical.JoinSemi
	if neg {
		typ = logical.JoinAnti
	}
	switch x := c.(type) {
	case *logical.Exists:
		right, conds, err = j.exists(x.Plan)
	case *logical.InSubquery:
		if neg && !notInIsAnti(x) {
			return false, nil
		}
		right, conds, err = j.in(x)
	case *logical.SetComparison:
		right, conds, typ, err = j.setComparison(x, neg)
	default:
		return false, nil
	}
	if errors.Is(err, errKeep) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, j.join(right, typ, conds)
}

// notInIsAnti reports whether NOT IN is an anti join on equality: no
// needle and no column of the subquery can be null.
func notInIsAnti(in *logical.InSubquery) bool {
	for _, x := range in.Needles {
		if isNullable(x.Type()) {
			return false
		}
	}
	for _, f := range in.Plan.Schema() {
		if isNullable(f.Type) {
			return false
		}
	}
	return true
}

func isNullable(t types.Type) bool { return t.GetNullability() == types.NullabilityNullable }

// exists returns the right side and join conditions of EXISTS (plan): the
// select list does not matter; the conditions of the filter below it that
// refer to the outer row become join conditions.
func (j *joiner) exists(plan logical.Node) (logical.Node, []logical.Expr, error) {
	n := plan
	for {
		p, ok := n.(*logical.Project)
		if !ok {
			break
		}
		n = p.Input
	}
	if f, ok := n.(*logical.Filter); ok {
		return j.correlated(f, nil)
	}
	right, err := lift(n)
	return right, nil, err
}

// in returns the right side and join conditions of needles IN (plan).
func (j *joiner) in(x *logical.InSubquery) (logical.Node, []logical.Expr, error) {
	return j.compared(x.Needles, x.Plan, func(_ int, needle, value logical.Expr) (logical.Expr, error) {
		return j.d.call("equal", needle, value)
	})
}

// compared returns the right side and join conditions comparing needles
// with the columns of plan, cmp making each comparison.
func (j *joiner) compared(needles []logical.Expr, plan logical.Node, cmp func(i int, needle, value logical.Expr) (logical.Expr, error)) (logical.Node, []logical.Expr, error) {
	if right, err := lift(plan); err == nil {
		// Uncorrelated: compare with the subquery's columns.
		var conds []logical.Expr
		for i, f := range plan.Schema() {
			c, err := cmp(i, needles[i], &logical.Column{Index: j.width + i, T: f.Type})
			if err != nil {
				return nil, nil, err
			}
			conds = append(conds, c)
		}
		return right, conds, nil
	} else if !errors.Is(err, errKeep) {
		return nil, nil, err
	}
	// Correlated: the select list over a filter holding the correlation;
	// compare with the select list computed over the filter's input.
	p, ok := plan.(*logical.Project)
	if !ok {
		return nil, nil, errKeep
	}
	values := p.Exprs
	n := p.Input
	for {
		inner, ok := n.(*logical.Project)
		if !ok {
			break
		}
		var err error
		if values, err = inline(values, inner.Exprs); err != nil {
			return nil, nil, err
		}
		n = inner.Input
	}
	f, ok := n.(*logical.Filter)
	if !ok {
		return nil, nil, errKeep
	}
	var conds []logical.Expr
	for i, v := range values {
		if holdsSubquery(v) || refersOut(v) {
			return nil, nil, errKeep
		}
		pv, err := pullUp(v, j.width)
		if err != nil {
			return nil, nil, err
		}
		c, err := cmp(i, needles[i], pv)
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, c)
	}
	return j.correlated(f, conds)
}

// compareFuncs and negatedCompare name the comparisons' functions and
// their negations (for values that are not null).
var (
	compareFuncs = map[logical.CompareOp]string{
		logical.CompareEQ: "equal", logical.CompareNE: "not_equal",
		logical.CompareLT: "lt", logical.CompareLE: "lte", logical.CompareGT: "gt", logical.CompareGE: "gte",
	}
	negatedCompare = map[logical.CompareOp]logical.CompareOp{
		logical.CompareEQ: logical.CompareNE, logical.CompareNE: logical.CompareEQ,
		logical.CompareLT: logical.CompareGE, logical.CompareGE: logical.CompareLT,
		logical.CompareGT: logical.CompareLE, logical.CompareLE: logical.CompareGT,
	}
)

// setComparison returns the join of a conjunct x op ANY|ALL (plan), or
// its negation. In a conjunct only true keeps a row, so:
//
//	x op ANY  is true when some row has x op s true:       semi join on x op s;
//	NOT ALL   is true when some row has x op s false:      semi join on x !op s;
//	x op ALL  is true when no row has x op s false or null: anti join on
//	          x !op s OR x IS NULL OR s IS NULL;
//	NOT ANY   is true when no row has x op s true or null:  anti join on
//	          x op s OR x IS NULL OR s IS NULL;
//
// the null tests dropped for columns that cannot be null.
func (j *joiner) setComparison(x *logical.SetComparison, neg bool) (logical.Node, []logical.Expr, logical.JoinType, error) {
	op, typ := x.Op, logical.JoinSemi
	if x.All != neg {
		typ = logical.JoinAnti
	}
	if x.All {
		op = negatedCompare[op]
	}
	right, conds, err := j.compared([]logical.Expr{x.Left}, x.Plan, func(_ int, needle, value logical.Expr) (logical.Expr, error) {
		c, err := j.d.call(compareFuncs[op], needle, value)
		if err != nil || typ == logical.JoinSemi {
			return c, err
		}
		or := []logical.Expr{c}
		for _, v := range []logical.Expr{needle, value} {
			if isNullable(v.Type()) {
				isNull, err := j.d.call("is_null", v)
				if err != nil {
					return nil, err
				}
				or = append(or, isNull)
			}
		}
		if len(or) == 1 {
			return c, nil
		}
		return j.d.call("or", or...)
	})
	return right, conds, typ, err
}

// correlated splits the conditions of a subquery's filter: those that
// refer to the outer row become join conditions (after extra), the others
// stay on the right side, which must not refer to the outer row.
func (j *joiner) correlated(f *logical.Filter, extra []logical.Expr) (logical.Node, []logical.Expr, error) {
	var local []logical.Expr
	conds := extra
	for _, c := range conjuncts(f.Cond) {
		if !refersOut(c) {
			local = append(local, c)
			continue
		}
		if holdsSubquery(c) {
			return nil, nil, errKeep
		}
		pc, err := pullUp(c, j.width)
		if err != nil {
			return nil, nil, err
		}
		conds = append(conds, pc)
	}
	right := f.Input
	if len(local) > 0 {
		c, err := j.d.and(local)
		if err != nil {
			return nil, nil, err
		}
		right = &logical.Filter{Input: right, Cond: c}
	}
	right, err := lift(right)
	return right, conds, err
}

// scalars joins the scalar subqueries at the top level of x (not inside
// other subqueries) and returns x reading their values from the joined
// columns. inProject allows uncorrelated ones, which filters leave to the
// consumer.
func (j *joiner) scalars(x logical.Expr, inProject bool) (logical.Expr, error) {
	var rewrite func(x logical.Expr) (logical.Expr, error)
	rewrite = func(x logical.Expr) (logical.Expr, error) {
		switch x := x.(type) {
		case *logical.ScalarSubquery:
			v, err := j.scalar(x, inProject)
			if errors.Is(err, errKeep) {
				return x, nil
			}
			return v, err
		case *logical.Exists, *logical.InSubquery, *logical.SetComparison:
			return x, nil
		}
		return mapExpr(x, rewrite)
	}
	out, err := rewrite(x)
	if errors.Is(err, errKeep) {
		// An expression the rule does not know: its subqueries stay (any
		// joined already only add unused columns).
		return x, nil
	}
	return out, err
}

// scalar joins one scalar subquery and returns its value.
func (j *joiner) scalar(x *logical.ScalarSubquery, inProject bool) (logical.Expr, error) {
	if right, err := lift(x.Plan); err == nil {
		if !inProject {
			return nil, errKeep
		}
		col := &logical.Column{Index: j.width, T: x.T}
		return col, j.join(right, logical.JoinSingle, nil)
	} else if !errors.Is(err, errKeep) {
		return nil, err
	}
	// Project → Aggregate (global) → Filter holding inner = outer.
	p, ok := x.Plan.(*logical.Project)
	if !ok || len(p.Exprs) != 1 {
		return nil, errKeep
	}
	agg, ok := p.Input.(*logical.Aggregate)
	if !ok || len(agg.Groups) > 0 {
		return nil, errKeep
	}
	f, ok := agg.Input.(*logical.Filter)
	if !ok {
		return nil, errKeep
	}
	var local, inner, outer []logical.Expr
	for _, c := range conjuncts(f.Cond) {
		if !refersOut(c) {
			local = append(local, c)
			continue
		}
		call, ok := c.(*logical.Call)
		if !ok || !strings.HasPrefix(call.Name, "equal:") || len(call.Args) != 2 || holdsSubquery(c) {
			return nil, errKeep
		}
		a, b := call.Args[0], call.Args[1]
		switch {
		case !refersOut(a) && isOuterOnly(b):
		case isOuterOnly(a) && !refersOut(b):
			a, b = b, a
		default:
			return nil, errKeep
		}
		inner, outer = append(inner, a), append(outer, b)
	}
	value := p.Exprs[0]
	if holdsSubquery(value) || refersOut(value) {
		return nil, errKeep
	}
	in := f.Input
	if len(local) > 0 {
		c, err := j.d.and(local)
		if err != nil {
			return nil, err
		}
		in = &logical.Filter{Input: in, Cond: c}
	}
	k := len(inner)
	names := make([]string, 0, k+len(agg.Aggs))
	for i := range inner {
		names = append(names, fmt.Sprintf("__key%d", i))
	}
	names = append(names, agg.Names[len(agg.Groups):]...)
	grouped := &logical.Aggregate{Input: in, Groups: inner, Aggs: agg.Aggs, Names: names}
	// The value, then the keys.
	shifted, err := shiftColumns(value, k)
	if err != nil {
		return nil, err
	}
	proj := &logical.Project{Input: grouped, Exprs: []logical.Expr{shifted}, Names: []string{p.Names[0]}}
	gs := grouped.Schema()
	for i := range k {
		proj.Exprs = append(proj.Exprs, &logical.Column{Index: i, T: gs[i].Type})
		proj.Names = append(proj.Names, names[i])
	}
	right, err := lift(proj)
	if err != nil {
		return nil, err
	}
	var conds []logical.Expr
	for i := range k {
		o, err := pullUp(outer[i], j.width)
		if err != nil {
			return nil, err
		}
		eq, err := j.d.call("equal", o, &logical.Column{Index: j.width + 1 + i, T: gs[i].Type})
		if err != nil {
			return nil, err
		}
		conds = append(conds, eq)
	}
	col := j.width
	if err := j.join(right, logical.JoinLeft, conds); err != nil {
		return nil, err
	}
	s := j.cur.Schema()
	var v logical.Expr = &logical.Column{Index: col, T: s[col].Type}
	// Without a group the aggregate of no rows: count is 0, not null.
	hasCount := false
	for _, a := range agg.Aggs {
		hasCount = hasCount || strings.HasPrefix(a.Name, "count:")
	}
	if hasCount {
		empty, err := emptyAggregate(value, agg.Aggs)
		if err != nil {
			return nil, err
		}
		if empty, err = pullUp(empty, j.width); err != nil {
			return nil, err
		}
		unmatched, err := j.d.call("is_null", &logical.Column{Index: col + 1, T: s[col+1].Type})
		if err != nil {
			return nil, err
		}
		v = &logical.Case{Whens: []logical.When{{Cond: unmatched, Then: empty}}, Else: v, T: s[col].Type}
	}
	return v, nil
}

// emptyAggregate is value, an expression over a global aggregate's
// output, for an aggregate of no rows: count 0, the others null.
func emptyAggregate(value logical.Expr, aggs []*logical.AggCall) (logical.Expr, error) {
	return mapRefs(value, 0, func(x logical.Expr, depth int) (logical.Expr, error) {
		c, ok := x.(*logical.Column)
		if !ok {
			return x, nil
		}
		a := aggs[c.Index]
		if !strings.HasPrefix(a.Name, "count:") {
			return &logical.Literal{T: a.T.WithNullability(types.NullabilityNullable)}, nil
		}
		t := a.T.WithNullability(types.NullabilityRequired)
		switch t.(type) {
		case *types.Int64Type:
			return &logical.Literal{Value: int64(0), T: t}, nil
		case *types.Int32Type:
			return &logical.Literal{Value: int32(0), T: t}, nil
		case *types.DecimalType:
			return &logical.Literal{Value: logical.Decimal{}, T: t}, nil
		}
		return nil, fmt.Errorf("%w: count of type %s", errKeep, t)
	})
}

func (d *Decorrelate) call(name string, args ...logical.Expr) (logical.Expr, error) {
	c, err := d.fns.Call(name, args...)
	if err != nil {
		return nil, fmt.Errorf("decorrelate: %w", err)
	}
	return c, nil
}

// and is the conjunction of conds, true if there are none.
func (d *Decorrelate) and(conds []logical.Expr) (logical.Expr, error) {
	switch len(conds) {
	case 0:
		return &logical.Literal{Value: true, T: &types.BooleanType{Nullability: types.NullabilityRequired}}, nil
	case 1:
		return conds[0], nil
	}
	return d.call("and", conds...)
}

// holdsSubquery reports whether x holds a subquery expression of any kind.
func holdsSubquery(x logical.Expr) bool {
	found := false
	var walk func(x logical.Expr) (logical.Expr, error)
	walk = func(x logical.Expr) (logical.Expr, error) {
		switch x.(type) {
		case *logical.ScalarSubquery, *logical.Exists, *logical.InSubquery, *logical.SetComparison:
			found = true
			return x, nil
		}
		return mapExpr(x, walk)
	}
	if _, err := walk(x); err != nil {
		return true // an expression the rule does not know: assume the worst
	}
	return found
}

// refersOut reports whether x, an expression of a subquery's relation,
// refers to the row of the query the subquery is in (one step out).
func refersOut(x logical.Expr) bool {
	found := false
	_, err := mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		if o, ok := r.(*logical.OuterColumn); ok && o.StepsOut-depth == 1 {
			found = true
		}
		return r, nil
	})
	return found || err != nil
}

// escapes reports whether x refers to the row of any enclosing query.
func escapes(x logical.Expr) bool {
	found := false
	_, err := mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		if o, ok := r.(*logical.OuterColumn); ok && o.StepsOut > depth {
			found = true
		}
		return r, nil
	})
	return found || err != nil
}

// isOuterOnly reports whether x, an expression of a subquery's relation,
// refers to no column of its own row or subqueries: it is a value of the
// enclosing rows alone.
func isOuterOnly(x logical.Expr) bool {
	own := false
	_, err := mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		if _, ok := r.(*logical.Column); ok {
			own = true
		}
		return r, nil
	})
	return err == nil && !own && !holdsSubquery(x)
}

// isCorrelated reports whether a subquery's plan refers to the row of an
// enclosing query (or holds what the rule cannot inspect).
func isCorrelated(n logical.Node) bool {
	found := false
	_, err := mapNodeRefs(n, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		if o, ok := r.(*logical.OuterColumn); ok && o.StepsOut > depth {
			found = true
		}
		return r, nil
	})
	return found || err != nil
}

// lift moves a subquery's plan out of its subquery expression, to be a
// join input beside the outer row: references further out step out one
// less. It fails with errKeep if the plan refers to the outer row itself.
func lift(n logical.Node) (logical.Node, error) {
	return mapNodeRefs(n, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		o, ok := r.(*logical.OuterColumn)
		if !ok {
			return r, nil
		}
		switch s := o.StepsOut - depth; {
		case s == 1:
			return nil, errKeep
		case s > 1:
			return &logical.OuterColumn{StepsOut: o.StepsOut - 1, Index: o.Index, T: o.T}, nil
		}
		return r, nil
	})
}

// pullUp moves x, an expression over a subquery's relation input, into a
// join condition over the outer row (width columns) followed by that
// input: its columns move right by width, references to the outer row
// become its columns, references further out step out one less.
func pullUp(x logical.Expr, width int) (logical.Expr, error) {
	return mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		switch r := r.(type) {
		case *logical.Column: // depth 0: the subquery's row
			return &logical.Column{Index: width + r.Index, T: r.T}, nil
		case *logical.OuterColumn:
			switch s := r.StepsOut - depth; {
			case s == 0: // the subquery's row, from a subquery within x
				return &logical.OuterColumn{StepsOut: depth, Index: width + r.Index, T: r.T}, nil
			case s == 1 && depth == 0:
				return &logical.Column{Index: r.Index, T: r.T}, nil
			case s == 1:
				return &logical.OuterColumn{StepsOut: depth, Index: r.Index, T: r.T}, nil
			case s > 1:
				return &logical.OuterColumn{StepsOut: r.StepsOut - 1, Index: r.Index, T: r.T}, nil
			}
		}
		return r, nil
	})
}

// shiftColumns moves x's columns (and references to its row from
// subqueries within it) right by k.
func shiftColumns(x logical.Expr, k int) (logical.Expr, error) {
	return mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
		switch r := r.(type) {
		case *logical.Column:
			return &logical.Column{Index: r.Index + k, T: r.T}, nil
		case *logical.OuterColumn:
			if r.StepsOut == depth {
				return &logical.OuterColumn{StepsOut: r.StepsOut, Index: r.Index + k, T: r.T}, nil
			}
		}
		return r, nil
	})
}

// inline replaces the columns of xs, expressions over a projection's
// output, with the projection's expressions.
func inline(xs, exprs []logical.Expr) ([]logical.Expr, error) {
	return mapEach(xs, func(x logical.Expr) (logical.Expr, error) {
		if holdsSubquery(x) {
			return nil, errKeep
		}
		return mapRefs(x, 0, func(r logical.Expr, depth int) (logical.Expr, error) {
			if c, ok := r.(*logical.Column); ok {
				return exprs[c.Index], nil
			}
			return r, nil
		})
	})
}

// mapRefs rewrites the column references of x with f, bottom-up: the
// Columns of x's own row (depth 0) and the OuterColumns at every depth,
// depth counting the subquery expressions between x and the reference.
func mapRefs(x logical.Expr, depth int, f func(r logical.Expr, depth int) (logical.Expr, error)) (logical.Expr, error) {
	sub := func(n logical.Node) (logical.Node, error) { return mapNodeRefs(n, depth+1, f) }
	switch x := x.(type) {
	case *logical.Column:
		if depth == 0 {
			return f(x, depth)
		}
		return x, nil
	case *logical.OuterColumn:
		return f(x, depth)
	case *logical.ScalarSubquery:
		p, err := sub(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.ScalarSubquery{Plan: p, T: x.T}, nil
	case *logical.Exists:
		p, err := sub(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.Exists{Plan: p}, nil
	case *logical.InSubquery:
		needles, err := mapEach(x.Needles, func(e logical.Expr) (logical.Expr, error) { return mapRefs(e, depth, f) })
		if err != nil {
			return nil, err
		}
		p, err := sub(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.InSubquery{Needles: needles, Plan: p}, nil
	case *logical.SetComparison:
		l, err := mapRefs(x.Left, depth, f)
		if err != nil {
			return nil, err
		}
		p, err := sub(x.Plan)
		if err != nil {
			return nil, err
		}
		return &logical.SetComparison{Left: l, Op: x.Op, All: x.All, Plan: p}, nil
	}
	return mapExpr(x, func(e logical.Expr) (logical.Expr, error) { return mapRefs(e, depth, f) })
}

// mapNodeRefs rewrites the references of the expressions of n and the
// nodes below it that are depth subqueries deep: their own columns are
// left alone, outer references go to f.
func mapNodeRefs(n logical.Node, depth int, f func(r logical.Expr, depth int) (logical.Expr, error)) (logical.Node, error) {
	exprs := func(x logical.Expr) (logical.Expr, error) {
		if depth == 0 {
			return mapRefs(x, 0, f)
		}
		// Columns here are the node's own, not of the row f maps.
		return mapRefs(x, depth, func(r logical.Expr, d int) (logical.Expr, error) {
			if _, ok := r.(*logical.Column); ok {
				return r, nil
			}
			return f(r, d)
		})
	}
	return mapNode(n, exprs, func(in logical.Node) (logical.Node, error) { return mapNodeRefs(in, depth, f) })
}

// errUnknown is a node or expression type the rule cannot rebuild; the
// subquery around it stays.
var errUnknown = fmt.Errorf("%w: unknown plan element", errKeep)

// mapNode rebuilds n with fx applied to its own expressions and fn to its
// inputs; a node of a kind the rules do not know is errUnknown.
func mapNode(n logical.Node, fx func(logical.Expr) (logical.Expr, error), fn func(logical.Node) (logical.Node, error)) (logical.Node, error) {
	if _, ok := withInputs(n, n.Inputs()); !ok {
		return nil, fmt.Errorf("%w: %T", errUnknown, n)
	}
	m, err := mapExprs(n, fx)
	if err != nil {
		return nil, err
	}
	return mapInputs(m, fn)
}

// mapEach returns f of each of xs.
func mapEach(xs []logical.Expr, f func(logical.Expr) (logical.Expr, error)) ([]logical.Expr, error) {
	out := make([]logical.Expr, len(xs))
	for i, x := range xs {
		var err error
		if out[i], err = f(x); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mapExpr rebuilds x with f applied to its operands. Subquery expressions
// are returned as they are: their plans are not operands.
func mapExpr(x logical.Expr, f func(logical.Expr) (logical.Expr, error)) (logical.Expr, error) {
	switch x := x.(type) {
	case *logical.Column, *logical.OuterColumn, *logical.Literal, *logical.Enum,
		*logical.ScalarSubquery, *logical.Exists, *logical.InSubquery, *logical.SetComparison:
		return x, nil
	case *logical.Call:
		args, err := mapEach(x.Args, f)
		if err != nil {
			return nil, err
		}
		c := *x
		c.Args = args
		return &c, nil
	case *logical.Cast:
		in, err := f(x.X)
		if err != nil {
			return nil, err
		}
		return &logical.Cast{X: in, T: x.T}, nil
	case *logical.Case:
		out := &logical.Case{T: x.T}
		for _, w := range x.Whens {
			c, err := f(w.Cond)
			if err != nil {
				return nil, err
			}
			t, err := f(w.Then)
			if err != nil {
				return nil, err
			}
			out.Whens = append(out.Whens, logical.When{Cond: c, Then: t})
		}
		if x.Else != nil {
			e, err := f(x.Else)
			if err != nil {
				return nil, err
			}
			out.Else = e
		}
		return out, nil
	case *logical.InList:
		in, err := f(x.X)
		if err != nil {
			return nil, err
		}
		list, err := mapEach(x.List, f)
		if err != nil {
			return nil, err
		}
		return &logical.InList{X: in, List: list}, nil
	}
	return nil, errUnknown
}
