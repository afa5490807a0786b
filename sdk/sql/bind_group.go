package sql

import (
	"slices"

	pg "github.com/pganalyze/pg_query_go/v6"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// groupBy binds a GROUP BY clause. Plain items group every row; ROLLUP,
// CUBE and GROUPING SETS items list grouping sets, and the clause's sets
// are the cross product of its items' (PostgreSQL's semantics: GROUP BY a,
// ROLLUP (b, c) is the sets (a, b, c), (a, b), (a)). It returns the
// distinct grouping expressions and the sets as indexes into them, nil
// when the clause is one set of all of them.
func (b *binder) groupBy(items, targets []*pg.Node, sc *scope) ([]logical.Expr, [][]int, error) {
	var groups []logical.Expr
	// key returns the index of the grouping expression of n, adding it.
	key := func(n *pg.Node) (int, error) {
		x, err := b.groupExpr(n, targets, sc)
		if err != nil {
			return 0, err
		}
		for i, g := range groups {
			if g.String() == x.String() {
				return i, nil
			}
		}
		groups = append(groups, x)
		return len(groups) - 1, nil
	}
	sets := [][]int{{}}
	plain := true
	for _, it := range items {
		itemSets, err := groupingSetsOf(it, key, true)
		if err != nil {
			return nil, nil, err
		}
		plain = plain && it.GetGroupingSet() == nil
		var product [][]int
		for _, s := range sets {
			for _, t := range itemSets {
				product = append(product, union(s, t))
			}
		}
		sets = product
	}
	if plain {
		return groups, nil, nil
	}
	return groups, sets, nil
}

// groupingSetsOf returns the grouping sets of one GROUP BY item (top) or
// of an element of ROLLUP, CUBE or GROUPING SETS.
func groupingSetsOf(n *pg.Node, key func(*pg.Node) (int, error), top bool) ([][]int, error) {
	gs := n.GetGroupingSet()
	if gs == nil {
		if r := n.GetRowExpr(); r != nil && !top {
			// (a, b) inside ROLLUP, CUBE or GROUPING SETS is one unit.
			return unitOf(r.GetArgs(), key)
		}
		k, err := key(n)
		if err != nil {
			return nil, err
		}
		return [][]int{{k}}, nil
	}
	switch gs.GetKind() {
	case pg.GroupingSetKind_GROUPING_SET_EMPTY:
		return [][]int{{}}, nil
	case pg.GroupingSetKind_GROUPING_SET_SIMPLE:
		return unitOf(gs.GetContent(), key)
	case pg.GroupingSetKind_GROUPING_SET_ROLLUP, pg.GroupingSetKind_GROUPING_SET_CUBE:
		units := make([][]int, len(gs.GetContent()))
		for i, c := range gs.GetContent() {
			u, err := groupingSetsOf(c, key, false)
			if err != nil {
				return nil, err
			}
			if len(u) != 1 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "sql: grouping sets cannot be nested in %s", kindName(gs.GetKind()))
			}
			units[i] = u[0]
		}
		if gs.GetKind() == pg.GroupingSetKind_GROUPING_SET_ROLLUP {
			// (u1 … un), (u1 … un-1), …, ().
			sets := make([][]int, 0, len(units)+1)
			for n := len(units); n >= 0; n-- {
				var s []int
				for _, u := range units[:n] {
					s = union(s, u)
				}
				sets = append(sets, s)
			}
			return sets, nil
		}
		if len(units) > 12 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: CUBE is limited to 12 elements")
		}
		// Every subset, the largest first, as PostgreSQL lists them.
		var sets [][]int
		for n := len(units); n >= 0; n-- {
			for mask := (1 << len(units)) - 1; mask >= 0; mask-- {
				if bitCount(mask) != n {
					continue
				}
				var s []int
				for i, u := range units {
					if mask&(1<<i) != 0 {
						s = union(s, u)
					}
				}
				sets = append(sets, s)
			}
		}
		return sets, nil
	case pg.GroupingSetKind_GROUPING_SET_SETS:
		var sets [][]int
		for _, c := range gs.GetContent() {
			s, err := groupingSetsOf(c, key, false)
			if err != nil {
				return nil, err
			}
			sets = append(sets, s...)
		}
		return sets, nil
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "sql: grouping set %s", gs.GetKind())
}

func kindName(k pg.GroupingSetKind) string {
	switch k {
	case pg.GroupingSetKind_GROUPING_SET_ROLLUP:
		return "ROLLUP"
	case pg.GroupingSetKind_GROUPING_SET_CUBE:
		return "CUBE"
	}
	return k.String()
}

func unitOf(exprs []*pg.Node, key func(*pg.Node) (int, error)) ([][]int, error) {
	var s []int
	for _, e := range exprs {
		k, err := key(e)
		if err != nil {
			return nil, err
		}
		s = union(s, []int{k})
	}
	return [][]int{s}, nil
}

func bitCount(x int) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// union is the set of indexes in a or b, in order of first appearance.
func union(a, b []int) []int {
	out := append([]int{}, a...)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// groupingCall binds GROUPING(a, b, …): an integer bitmask, the leftmost
// argument the most significant bit, with a bit set for each argument not
// grouped by in the row's grouping set. It reads the aggregate's grouping
// set index column, whose position is known only once every aggregate
// call is bound: the column is recorded and placed by fixGroupingRefs.
func (b *binder) groupingCall(argNodes []*pg.Node, st *aggState) (logical.Expr, error) {
	if st == nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: GROUPING is allowed only in the select list, HAVING and ORDER BY of a query with GROUP BY")
	}
	if len(argNodes) == 0 || len(argNodes) > 31 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: GROUPING takes 1 to 31 arguments, got %d", len(argNodes))
	}
	args := make([]int, len(argNodes))
	for i, a := range argNodes {
		x, err := b.expr(a, &ectx{sc: st.pre})
		if err != nil {
			return nil, err
		}
		args[i] = -1
		for g, gx := range st.groups {
			if gx.String() == x.String() {
				args[i] = g
			}
		}
		if args[i] < 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: arguments to GROUPING must be grouping expressions of the associated query level")
		}
	}
	req := types.NullabilityRequired
	mask := func(set []int) int32 {
		m := int32(0)
		for _, g := range args {
			m <<= 1
			if !slices.Contains(set, g) {
				m |= 1
			}
		}
		return m
	}
	i32 := &types.Int32Type{Nullability: req}
	if len(st.sets) <= 1 {
		var set []int
		if len(st.sets) == 1 {
			set = st.sets[0]
		} else {
			for g := range st.groups {
				set = append(set, g)
			}
		}
		return &logical.Literal{Value: mask(set), T: i32}, nil
	}
	col := &logical.Column{T: i32}
	st.setRefs = append(st.setRefs, col)
	c := &logical.Case{T: i32}
	for i, set := range st.sets {
		eq, err := b.call("equal", col, &logical.Literal{Value: int32(i), T: i32})
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, logical.When{Cond: eq, Then: &logical.Literal{Value: mask(set), T: i32}})
	}
	c.Else = &logical.Literal{Value: int32(0), T: i32}
	return c, nil
}

// fixGroupingRefs points the grouping set index columns GROUPING read at
// the aggregate's last column, after the groups and every aggregate call.
func (st *aggState) fixGroupingRefs() {
	for _, c := range st.setRefs {
		c.Index = len(st.groups) + len(st.aggs)
	}
}
