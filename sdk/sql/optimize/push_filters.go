package optimize

import (
	"fmt"
	"slices"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// PushFilters moves each term of a filter's conjunction as close to the
// scans as it stays correct, so rows are dropped before they are joined,
// projected or sorted:
//
//   - through a projection, with the projected expressions substituted
//     (unless that would copy a subquery);
//   - through a sort;
//   - through an aggregate (of one grouping) when the term uses only
//     grouping columns;
//   - into every input of a set operation;
//   - into the side of an inner or cross join whose columns it uses; a term
//     over both sides becomes a join condition, so a cross join under an
//     equality (FROM a, b WHERE a.x = b.y, how TPC-H writes its joins)
//     becomes an inner, hash join;
//   - into the preserved side of a left or right join only (a term on the
//     side that gets nulls would turn the outer join into an inner one);
//     a term of the ON condition over the null-supplying side alone moves
//     into that side;
//   - into a scan, as its filter (Substrait's ReadRel.filter, which the
//     engine applies right after reading and uses to skip row groups).
//
// Conjuncts common to every branch of a disjunction are pulled out of it
// first ((a AND b) OR (a AND c) is a AND (b OR c)), and a disjunction over
// both sides of an inner join also yields, for each side every branch
// constrains, the disjunction of those constraints as a filter there:
// TPC-H Q19 writes its join key and its per-table filters inside three
// branches.
//
// Terms that stop somewhere stay in a filter there. Terms without columns
// (constant or subquery-only conditions) are not moved into joins or
// scans, and terms with a subquery are not moved into scans: both stay
// where consumers evaluate them most predictably.
type PushFilters struct {
	fns *logical.Functions
}

// NewPushFilters returns the rule; fns builds the conjunctions.
func NewPushFilters(fns *logical.Functions) *PushFilters { return &PushFilters{fns: fns} }

// Name returns "push_filters".
func (*PushFilters) Name() string { return "push_filters" }

// Rewrite pushes every filter of the plan down.
func (r *PushFilters) Rewrite(n logical.Node) (logical.Node, error) { return r.push(n, nil) }

// push returns a plan equivalent to n filtered by the conjunction of
// preds, terms over n's output.
func (r *PushFilters) push(n logical.Node, preds []logical.Expr) (logical.Node, error) {
	switch n := n.(type) {
	case *logical.Filter:
		terms, err := r.split(n.Cond)
		if err != nil {
			return nil, err
		}
		return r.push(n.Input, append(preds[:len(preds):len(preds)], terms...))
	case *logical.Project:
		var down, keep []logical.Expr
		for _, p := range preds {
			if s, ok := throughProject(p, n.Exprs); ok {
				down = append(down, s)
			} else {
				keep = append(keep, p)
			}
		}
		in, err := r.push(n.Input, down)
		if err != nil {
			return nil, err
		}
		return r.filter(&logical.Project{Input: in, Exprs: n.Exprs, Names: n.Names}, keep)
	case *logical.Sort:
		in, err := r.push(n.Input, preds)
		if err != nil {
			return nil, err
		}
		return &logical.Sort{Input: in, Keys: n.Keys}, nil
	case *logical.Aggregate:
		if n.Sets != nil {
			// A grouping set nulls the groups it leaves out: a term on a
			// group is not a term on the input.
			break
		}
		var down, keep []logical.Expr
		for _, p := range preds {
			cols, err := columnsOf(p)
			if err == nil && len(cols) > 0 && cols[len(cols)-1] < len(n.Groups) {
				if s, ok := throughProject(p, n.Groups); ok {
					down = append(down, s)
					continue
				}
			}
			keep = append(keep, p)
		}
		in, err := r.push(n.Input, down)
		if err != nil {
			return nil, err
		}
		c := *n
		c.Input = in
		return r.filter(&c, keep)
	case *logical.Join:
		return r.join(n, preds)
	case *logical.Scan:
		return r.scan(n, preds)
	case *logical.SetOp:
		// A filter of a union, intersection or difference is the set
		// operation of the filtered inputs: a row's presence in each input
		// decides its presence in the result, and the filter keeps or drops
		// it everywhere alike.
		var down, keep []logical.Expr
		for _, p := range preds {
			if _, err := columnsOf(p); err == nil && !hasSubquery(p) {
				down = append(down, p)
			} else {
				keep = append(keep, p)
			}
		}
		c := *n
		c.Operands = make([]logical.Node, len(n.Operands))
		for i, in := range n.Operands {
			var err error
			if c.Operands[i], err = r.push(in, down); err != nil {
				return nil, err
			}
		}
		return r.filter(&c, keep)
	}
	// A limit, a window, an aggregate of grouping sets, or a node of an
	// unknown kind: filters stay above it.
	out, err := mapInputs(n, func(in logical.Node) (logical.Node, error) { return r.push(in, nil) })
	if err != nil {
		return nil, err
	}
	return r.filter(out, preds)
}

// throughProject rewrites p, over a projection's output, over its input;
// ok is false when p cannot move (it is opaque, or would copy a subquery).
func throughProject(p logical.Expr, exprs []logical.Expr) (logical.Expr, bool) {
	cols, err := columnsOf(p)
	if err != nil {
		return nil, false
	}
	for _, c := range cols {
		if c >= len(exprs) || hasSubquery(exprs[c]) {
			return nil, false
		}
	}
	s, err := substitute(p, exprs)
	return s, err == nil
}

// side says which input of a join a term's columns come from.
type side int

const (
	sideNone  side = iota // no columns, or opaque
	sideLeft              // left columns only
	sideRight             // right columns only
	sideBoth
)

func sideOf(p logical.Expr, nl int) side {
	cols, err := columnsOf(p)
	if err != nil || len(cols) == 0 {
		return sideNone
	}
	switch {
	case cols[len(cols)-1] < nl:
		return sideLeft
	case cols[0] >= nl:
		return sideRight
	}
	return sideBoth
}

func (r *PushFilters) join(j *logical.Join, preds []logical.Expr) (logical.Node, error) {
	nl := len(j.Left.Schema())
	var left, right, on, keep []logical.Expr
	toRight := func(p logical.Expr) error {
		s, err := shift(p, -nl)
		right = append(right, s)
		return err
	}
	switch j.Type {
	case logical.JoinInner, logical.JoinCross:
		terms, err := r.split(j.Cond)
		if err != nil {
			return nil, err
		}
		for _, p := range append(preds[:len(preds):len(preds)], terms...) {
			switch sideOf(p, nl) {
			case sideLeft:
				left = append(left, p)
			case sideRight:
				if err := toRight(p); err != nil {
					return nil, err
				}
			case sideBoth:
				on = append(on, p)
				l, rt, err := r.implied(p, nl)
				if err != nil {
					return nil, err
				}
				if l != nil {
					left = append(left, l)
				}
				if rt != nil {
					if err := toRight(rt); err != nil {
						return nil, err
					}
				}
			default:
				keep = append(keep, p)
			}
		}
	case logical.JoinLeft, logical.JoinRight:
		preserved, supplying := sideLeft, sideRight
		if j.Type == logical.JoinRight {
			preserved, supplying = sideRight, sideLeft
		}
		for _, p := range preds {
			switch sideOf(p, nl) {
			case preserved:
				if preserved == sideLeft {
					left = append(left, p)
				} else if err := toRight(p); err != nil {
					return nil, err
				}
			default:
				keep = append(keep, p)
			}
		}
		for _, p := range conjuncts(j.Cond) {
			switch sideOf(p, nl) {
			case supplying:
				if supplying == sideLeft {
					left = append(left, p)
				} else if err := toRight(p); err != nil {
					return nil, err
				}
			default:
				on = append(on, p)
			}
		}
		if len(on) == 0 {
			// Every row pair matches: the outer join still needs a condition.
			on = []logical.Expr{boolLit(true)}
		}
	default:
		keep = preds
		on = conjuncts(j.Cond)
	}
	l, err := r.push(j.Left, left)
	if err != nil {
		return nil, err
	}
	rt, err := r.push(j.Right, right)
	if err != nil {
		return nil, err
	}
	cond, err := conjunction(r.fns, dedupe(on))
	if err != nil {
		return nil, err
	}
	typ := j.Type
	switch {
	case typ == logical.JoinCross && cond != nil:
		typ = logical.JoinInner
	case typ == logical.JoinInner && cond == nil:
		typ = logical.JoinCross
	}
	return r.filter(&logical.Join{Left: l, Right: rt, Type: typ, Cond: cond}, keep)
}

// split splits a condition into its conjuncts, pulling the conjuncts that
// every branch of a disjunction has out of it: (a AND b) OR (a AND c) is
// a AND (b OR c), so a join key written in each branch (TPC-H Q19) becomes
// a join key.
func (r *PushFilters) split(cond logical.Expr) ([]logical.Expr, error) {
	var out []logical.Expr
	for _, t := range conjuncts(cond) {
		if funcName(t) != "or" {
			out = append(out, t)
			continue
		}
		branches := branchesOf(t)
		var common []logical.Expr
		for _, x := range branches[0] {
			if inAll(x, branches[1:]) && !slices.ContainsFunc(common, sameAs(x)) {
				common = append(common, x)
			}
		}
		if len(common) == 0 {
			out = append(out, t)
			continue
		}
		out = append(out, common...)
		ors := make([]logical.Expr, 0, len(branches))
		for _, br := range branches {
			rest := slices.DeleteFunc(slices.Clone(br), func(y logical.Expr) bool { return slices.ContainsFunc(common, sameAs(y)) })
			if len(rest) == 0 {
				// This branch is the common part alone: the disjunction holds.
				ors = nil
				break
			}
			and, err := conjunction(r.fns, rest)
			if err != nil {
				return nil, err
			}
			ors = append(ors, and)
		}
		if ors != nil {
			or, err := r.disjunction(ors)
			if err != nil {
				return nil, err
			}
			out = append(out, or)
		}
	}
	return out, nil
}

// branchesOf returns the conjuncts of each branch of a disjunction.
func branchesOf(or logical.Expr) [][]logical.Expr {
	var out [][]logical.Expr
	var walk func(x logical.Expr)
	walk = func(x logical.Expr) {
		if funcName(x) == "or" {
			for _, a := range x.(*logical.Call).Args {
				walk(a)
			}
			return
		}
		out = append(out, conjuncts(x))
	}
	walk(or)
	return out
}

func sameAs(x logical.Expr) func(logical.Expr) bool {
	s := x.String()
	return func(y logical.Expr) bool { return y.String() == s }
}

func inAll(x logical.Expr, branches [][]logical.Expr) bool {
	for _, br := range branches {
		if !slices.ContainsFunc(br, sameAs(x)) {
			return false
		}
	}
	return true
}

// implied derives, from a disjunction over both sides of a join, the
// condition it implies on each side: when every branch constrains the
// left side, the disjunction of those constraints holds on the left rows
// that can match (and the same for the right). The disjunction itself
// stays in the join condition. Either result may be nil.
func (r *PushFilters) implied(p logical.Expr, nl int) (left, right logical.Expr, err error) {
	if funcName(p) != "or" {
		return nil, nil, nil
	}
	branches := branchesOf(p)
	derive := func(s side) (logical.Expr, error) {
		ors := make([]logical.Expr, 0, len(branches))
		for _, br := range branches {
			var mine []logical.Expr
			for _, x := range br {
				if sideOf(x, nl) == s && !hasSubquery(x) {
					mine = append(mine, x)
				}
			}
			if len(mine) == 0 {
				return nil, nil
			}
			and, err := conjunction(r.fns, mine)
			if err != nil {
				return nil, err
			}
			ors = append(ors, and)
		}
		return r.disjunction(ors)
	}
	if left, err = derive(sideLeft); err != nil {
		return nil, nil, err
	}
	if right, err = derive(sideRight); err != nil {
		return nil, nil, err
	}
	return left, right, nil
}

// disjunction is the OR of xs (at least one).
func (r *PushFilters) disjunction(xs []logical.Expr) (logical.Expr, error) {
	if len(xs) == 1 {
		return xs[0], nil
	}
	c, err := r.fns.Call("or", xs...)
	if err != nil {
		return nil, fmt.Errorf("optimize: %w", err)
	}
	return c, nil
}

// scan moves the terms that can go into the scan's own filter, over its
// base schema.
func (r *PushFilters) scan(s *logical.Scan, preds []logical.Expr) (logical.Node, error) {
	var into, keep []logical.Expr
	for _, p := range preds {
		cols, err := columnsOf(p)
		if err != nil || len(cols) == 0 || hasSubquery(p) {
			keep = append(keep, p)
			continue
		}
		if s.Columns != nil {
			if p, err = remap(p, func(i int) (int, bool) {
				if i < 0 || i >= len(s.Columns) {
					return 0, false
				}
				return s.Columns[i], true
			}); err != nil {
				return nil, err
			}
		}
		into = append(into, p)
	}
	out := s
	if len(into) > 0 {
		cond, err := conjunction(r.fns, dedupe(append(conjuncts(s.Filter), into...)))
		if err != nil {
			return nil, err
		}
		c := *s
		c.Filter = cond
		out = &c
	}
	return r.filter(out, keep)
}

// filter returns n under a filter of the conjunction of preds, or n
// itself when there are none.
func (r *PushFilters) filter(n logical.Node, preds []logical.Expr) (logical.Node, error) {
	cond, err := conjunction(r.fns, dedupe(preds))
	if err != nil || cond == nil {
		return n, err
	}
	return &logical.Filter{Input: n, Cond: cond}, nil
}

// dedupe drops the terms equal to an earlier one: a term derived again
// (implied) when the rule runs twice.
func dedupe(xs []logical.Expr) []logical.Expr {
	var out []logical.Expr
	for _, x := range xs {
		if !slices.ContainsFunc(out, sameAs(x)) {
			out = append(out, x)
		}
	}
	return out
}
