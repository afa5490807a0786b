package optimize

import (
	"math/bits"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// ReorderJoins reorders each chain of inner and cross joins (a tree of
// them over other relations, its leaves) from cardinality estimates
// (estimate.go), so the intermediate results stay small and every hash
// table is built on the smaller input.
//
// The engine's hash join (executor/plan/join.go, op.HashJoin) probes with
// a join's left input and builds its hash table on the right one, so the
// rule puts the smaller input of each join on the right. (The engine also
// swaps an inner join's inputs when its own estimate finds the right one
// larger; other consumers need not, so the plan says it.)
//
// The order is greedy: from each possible first leaf, repeatedly join the
// leaf that a condition connects to those joined so far and that gives
// the smallest result (when none is connected, the one giving the smallest
// cross product; a leaf no condition connects never comes first); the
// first leaf whose sequence has the least total cost (the sum of the
// intermediate results and of the inputs built) wins. Every term of the
// chain's conditions goes to the lowest join that has its columns; a term
// over one leaf becomes a filter on it; terms without columns stay in a
// filter above. A chain with a term the rule cannot analyse keeps its
// order. A projection restores the chain's original column order.
//
// It runs after PushFilters, which turns the filters over cross joins
// into join conditions.
type ReorderJoins struct {
	fns *logical.Functions
}

// NewReorderJoins returns the rule; fns builds the conjunctions.
func NewReorderJoins(fns *logical.Functions) *ReorderJoins { return &ReorderJoins{fns: fns} }

// Name returns "reorder_joins".
func (*ReorderJoins) Name() string { return "reorder_joins" }

// maxChainLeaves bounds the chains reordered: the greedy search is cubic
// in the leaves, and a leaf set is a 64-bit mask.
const maxChainLeaves = 64

// Rewrite reorders every inner-join chain of the plan.
func (r *ReorderJoins) Rewrite(n logical.Node) (logical.Node, error) {
	if j, ok := n.(*logical.Join); ok && isInner(j) {
		return r.chain(j)
	}
	return mapInputs(n, r.Rewrite)
}

func isInner(j *logical.Join) bool {
	return j.Type == logical.JoinInner || j.Type == logical.JoinCross
}

// chainTerm is a term of a chain's conditions over the chain's columns:
// the left leaves' followed by the right ones', as the joins output them.
type chainTerm struct {
	x      logical.Expr
	leaves uint64 // the leaves whose columns it uses
}

// joinChain is a flattened chain: its leaves, where each leaf's columns
// start in the chain's row, and its condition terms.
type joinChain struct {
	leaves  []logical.Node
	offsets []int // len(leaves)+1
	terms   []chainTerm
	rest    []logical.Expr // terms staying in a filter above the chain
}

func (r *ReorderJoins) chain(root *logical.Join) (logical.Node, error) {
	c := &joinChain{offsets: []int{0}}
	err := r.flatten(c, root, 0)
	if err != nil && !isOpaque(err) {
		return nil, err
	}
	if err != nil || len(c.leaves) > maxChainLeaves {
		// A condition the rule cannot analyse pins the order.
		return mapInputs(root, r.Rewrite)
	}
	// Reorder inside the leaves first.
	for i, l := range c.leaves {
		var err error
		if c.leaves[i], err = r.Rewrite(l); err != nil {
			return nil, err
		}
	}
	// Terms over one leaf filter it.
	filters := make([][]logical.Expr, len(c.leaves))
	var joinTerms []chainTerm
	for _, t := range c.terms {
		if bits.OnesCount64(t.leaves) == 1 {
			i := bits.TrailingZeros64(t.leaves)
			x, err := shift(t.x, -c.offsets[i])
			if err != nil {
				return nil, err
			}
			filters[i] = append(filters[i], x)
			continue
		}
		joinTerms = append(joinTerms, t)
	}
	for i, f := range filters {
		if len(f) == 0 {
			continue
		}
		cond, err := conjunction(r.fns, f)
		if err != nil {
			return nil, err
		}
		c.leaves[i] = &logical.Filter{Input: c.leaves[i], Cond: cond}
	}
	c.terms = joinTerms

	est := make([]float64, len(c.leaves))
	for i, l := range c.leaves {
		est[i] = max(rows(l), 1)
	}
	order := c.bestOrder(est)
	out, err := r.build(c, order, est)
	if err != nil {
		return nil, err
	}
	cond, err := conjunction(r.fns, c.rest)
	if err != nil {
		return nil, err
	}
	if cond != nil {
		out = &logical.Filter{Input: out, Cond: cond}
	}
	return out, nil
}

// flatten adds the leaves and terms of the chain under n, whose columns
// start at offset off in the chain's row.
func (r *ReorderJoins) flatten(c *joinChain, n logical.Node, off int) error {
	j, ok := n.(*logical.Join)
	if !ok || !isInner(j) {
		c.leaves = append(c.leaves, n)
		c.offsets = append(c.offsets, off+len(n.Schema()))
		return nil
	}
	if err := r.flatten(c, j.Left, off); err != nil {
		return err
	}
	if err := r.flatten(c, j.Right, off+len(j.Left.Schema())); err != nil {
		return err
	}
	for _, t := range conjuncts(j.Cond) {
		x, err := shift(t, off)
		if err != nil {
			return err
		}
		cols, _ := columnsOf(x)
		if len(cols) == 0 {
			c.rest = append(c.rest, x)
			continue
		}
		var mask uint64
		for _, col := range cols {
			mask |= 1 << c.leafOf(col)
		}
		c.terms = append(c.terms, chainTerm{x: x, leaves: mask})
	}
	return nil
}

// leafOf returns the leaf whose columns include column col of the chain.
func (c *joinChain) leafOf(col int) int {
	for i := range c.leaves {
		if col < c.offsets[i+1] {
			return i
		}
	}
	return len(c.leaves) - 1
}

// joinRows estimates joining the leaves in set (cur rows) with leaf i.
func (c *joinChain) joinRows(set uint64, cur float64, i int, est []float64) (out float64, connected bool) {
	eq, other := 1.0, 1.0
	for _, t := range c.terms {
		if t.leaves&(1<<i) == 0 || t.leaves&set == 0 || t.leaves&^(set|1<<i) != 0 {
			continue
		}
		connected = true
		if a, b, ok := equalColumns(t.x); ok && (c.leafOf(a) == i) != (c.leafOf(b) == i) {
			eq = min(eq, 1/min(c.columnNDV(a, est), c.columnNDV(b, est)))
			continue
		}
		other *= nonEquiJoinSel
	}
	return max(cur*est[i]*max(eq*other, minSelectivity), 1), connected
}

// columnNDV bounds the distinct values of column col of the chain.
func (c *joinChain) columnNDV(col int, est []float64) float64 {
	i := c.leafOf(col)
	if info, ok := lineage(c.leaves[i], col-c.offsets[i]); ok {
		return info.ndv()
	}
	return est[i]
}

// bestOrder returns the leaves in the order to join them.
func (c *joinChain) bestOrder(est []float64) []int {
	n := len(c.leaves)
	// A leaf no term connects starts no sequence (unless none is
	// connected): it would begin with a cross join.
	var connected uint64
	for _, t := range c.terms {
		connected |= t.leaves
	}
	var best []int
	bestCost := -1.0
	for start := range n {
		if connected != 0 && connected&(1<<start) == 0 {
			continue
		}
		order := []int{start}
		set := uint64(1) << start
		cur := est[start]
		cost := 0.0
		for len(order) < n {
			pick, pickRows, pickConnected := -1, 0.0, false
			for i := range n {
				if set&(1<<i) != 0 {
					continue
				}
				out, connected := c.joinRows(set, cur, i, est)
				better := pick < 0 ||
					(connected && !pickConnected) ||
					(connected == pickConnected && (out < pickRows || (out == pickRows && est[i] < est[pick])))
				if better {
					pick, pickRows, pickConnected = i, out, connected
				}
			}
			cost += pickRows + min(cur, est[pick])
			cur = pickRows
			set |= 1 << pick
			order = append(order, pick)
		}
		if bestCost < 0 || cost < bestCost {
			best, bestCost = order, cost
		}
	}
	return best
}

// build joins the leaves in order, each join with its smaller input on the
// right, and restores the chain's column order.
func (r *ReorderJoins) build(c *joinChain, order []int, est []float64) (logical.Node, error) {
	// pos[col] is where chain column col is in the output built so far.
	width := c.offsets[len(c.leaves)]
	pos := make([]int, width)
	place := func(leaf, at int) {
		for col := c.offsets[leaf]; col < c.offsets[leaf+1]; col++ {
			pos[col] = at + col - c.offsets[leaf]
		}
	}
	first := order[0]
	var out logical.Node = c.leaves[first]
	place(first, 0)
	set := uint64(1) << first
	cur := est[first]
	used := make([]bool, len(c.terms))
	for _, i := range order[1:] {
		next, _ := c.joinRows(set, cur, i, est)
		set |= 1 << i
		var terms []logical.Expr
		for k, t := range c.terms {
			if used[k] || t.leaves&^set != 0 {
				continue
			}
			used[k] = true
			terms = append(terms, t.x)
		}
		leaf := c.leaves[i]
		w := len(out.Schema())
		leafOnRight := est[i] <= cur
		if leafOnRight {
			place(i, w)
		} else {
			for col := range pos {
				if set&(1<<c.leafOf(col)) != 0 && c.leafOf(col) != i {
					pos[col] += len(leaf.Schema())
				}
			}
			place(i, 0)
		}
		cond := make([]logical.Expr, len(terms))
		for k, t := range terms {
			var err error
			if cond[k], err = remap(t, func(col int) (int, bool) { return pos[col], true }); err != nil {
				return nil, err
			}
		}
		x, err := conjunction(r.fns, cond)
		if err != nil {
			return nil, err
		}
		typ := logical.JoinInner
		if x == nil {
			typ = logical.JoinCross
		}
		if leafOnRight {
			out = &logical.Join{Left: out, Right: leaf, Type: typ, Cond: x}
		} else {
			out = &logical.Join{Left: leaf, Right: out, Type: typ, Cond: x}
		}
		cur = next
	}
	identity := true
	for col, p := range pos {
		identity = identity && col == p
	}
	if identity {
		return out, nil
	}
	schema := out.Schema()
	names := make([]string, width)
	exprs := make([]logical.Expr, width)
	for col := range width {
		exprs[col] = &logical.Column{Index: pos[col], T: schema[pos[col]].Type}
		names[col] = schema[pos[col]].Name
	}
	return &logical.Project{Input: out, Exprs: exprs, Names: names}, nil
}
