package optimize

import (
	"fmt"
	"slices"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// PruneColumns makes every node output only the columns something above
// it uses: scans read only those (Substrait's ReadRel.projection, whose
// base schema and filter stay whole), projections and aggregates drop the
// expressions nobody reads, and a narrowing projection goes above a join,
// filter or sort whose own condition or keys needed more columns than its
// parent. A projection that only selects columns merges into the
// projection above it. The plan's output columns are unchanged.
//
// A node keeps at least one column, so a count(*) still counts rows. A
// window, a set operation, values, an aggregate of grouping sets and a
// node of a kind the rule does not know keep all their columns, and their
// inputs all theirs.
type PruneColumns struct{}

// NewPruneColumns returns the rule.
func NewPruneColumns() *PruneColumns { return &PruneColumns{} }

// Name returns "prune_columns".
func (*PruneColumns) Name() string { return "prune_columns" }

// Rewrite prunes the plan, keeping all its output columns.
func (r *PruneColumns) Rewrite(n logical.Node) (logical.Node, error) {
	out, _, err := r.prune(n, allColumns(len(n.Schema())))
	return out, err
}

func allColumns(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// prune returns n reduced to output the columns req (sorted, distinct
// indices into n's output) and the columns it does output, in order: req,
// or, if req is empty, one column.
func (r *PruneColumns) prune(n logical.Node, req []int) (logical.Node, []int, error) {
	width := len(n.Schema())
	if len(req) == 0 && width > 0 {
		req = []int{0}
	}
	switch n := n.(type) {
	case *logical.Scan:
		if n.Columns == nil && len(req) == width {
			return n, req, nil
		}
		c := *n
		c.Columns = make([]int, len(req))
		for i, col := range req {
			c.Columns[i] = col
			if n.Columns != nil {
				c.Columns[i] = n.Columns[col]
			}
		}
		return &c, req, nil
	case *logical.Project:
		return r.project(n, req)
	case *logical.Filter:
		need, err := with(req, n.Cond)
		if err != nil {
			return r.opaque(n)
		}
		in, got, err := r.prune(n.Input, need)
		if err != nil {
			return nil, nil, err
		}
		cond, err := remap(n.Cond, positions(got))
		if err != nil {
			return nil, nil, err
		}
		return narrow(&logical.Filter{Input: in, Cond: cond}, got, req)
	case *logical.Sort:
		keys := make([]logical.Expr, len(n.Keys))
		for i, k := range n.Keys {
			keys[i] = k.Expr
		}
		need, err := with(req, keys...)
		if err != nil {
			return r.opaque(n)
		}
		in, got, err := r.prune(n.Input, need)
		if err != nil {
			return nil, nil, err
		}
		s := &logical.Sort{Input: in, Keys: make([]logical.SortKey, len(n.Keys))}
		for i, k := range n.Keys {
			s.Keys[i] = k
			if s.Keys[i].Expr, err = remap(k.Expr, positions(got)); err != nil {
				return nil, nil, err
			}
		}
		return narrow(s, got, req)
	case *logical.Limit:
		in, got, err := r.prune(n.Input, req)
		if err != nil {
			return nil, nil, err
		}
		return &logical.Limit{Input: in, Offset: n.Offset, Count: n.Count}, got, nil
	case *logical.Join:
		return r.join(n, req)
	case *logical.Aggregate:
		if n.Sets != nil {
			return r.opaque(n) // its output ends with the grouping set index
		}
		return r.aggregate(n, req)
	}
	return r.opaque(n)
}

// opaque keeps all of n's columns and all of its inputs'.
func (r *PruneColumns) opaque(n logical.Node) (logical.Node, []int, error) {
	out, err := mapInputs(n, r.Rewrite)
	if err != nil {
		return nil, nil, err
	}
	return out, allColumns(len(n.Schema())), nil
}

// with returns req and the columns xs use, sorted and distinct.
func with(req []int, xs ...logical.Expr) ([]int, error) {
	cols, err := columnsOfAll(xs)
	if err != nil {
		return nil, err
	}
	out := append(append([]int{}, req...), cols...)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// positions maps an old column index to its position in got.
func positions(got []int) func(int) (int, bool) {
	at := make(map[int]int, len(got))
	for i, c := range got {
		at[c] = i
	}
	return func(c int) (int, bool) {
		p, ok := at[c]
		return p, ok
	}
}

// narrow puts a projection of the columns req over n, whose output is the
// columns got (a superset), if got has more.
func narrow(n logical.Node, got, req []int) (logical.Node, []int, error) {
	if len(got) == len(req) {
		return n, got, nil
	}
	pos := positions(got)
	schema := n.Schema()
	p := &logical.Project{Input: n}
	for _, c := range req {
		i, ok := pos(c)
		if !ok {
			return nil, nil, fmt.Errorf("optimize: prune_columns: column %d was pruned", c)
		}
		p.Exprs = append(p.Exprs, &logical.Column{Index: i, T: schema[i].Type})
		p.Names = append(p.Names, schema[i].Name)
	}
	return p, req, nil
}

func (r *PruneColumns) project(n *logical.Project, req []int) (logical.Node, []int, error) {
	exprs := make([]logical.Expr, len(req))
	names := make([]string, len(req))
	for i, c := range req {
		exprs[i], names[i] = n.Exprs[c], n.Names[c]
	}
	need, err := columnsOfAll(exprs)
	opaque := err != nil
	if opaque {
		need = allColumns(len(n.Input.Schema()))
	}
	in, got, err := r.prune(n.Input, need)
	if err != nil {
		return nil, nil, err
	}
	if !opaque {
		pos := positions(got)
		for i, x := range exprs {
			if exprs[i], err = remap(x, pos); err != nil {
				return nil, nil, err
			}
		}
		// A projection that only selects columns merges into this one.
		if inner, ok := in.(*logical.Project); ok && allColumnRefs(inner.Exprs) {
			merged := make([]logical.Expr, len(exprs))
			for i, x := range exprs {
				if merged[i], err = substitute(x, inner.Exprs); err != nil {
					return nil, nil, err
				}
			}
			in, exprs = inner.Input, merged
		}
	}
	return &logical.Project{Input: in, Exprs: exprs, Names: names}, req, nil
}

func allColumnRefs(xs []logical.Expr) bool {
	for _, x := range xs {
		if _, ok := x.(*logical.Column); !ok {
			return false
		}
	}
	return true
}

func (r *PruneColumns) join(n *logical.Join, req []int) (logical.Node, []int, error) {
	nl := len(n.Left.Schema())
	need := req
	if n.Cond != nil {
		var err error
		if need, err = with(req, n.Cond); err != nil {
			return r.opaque(n)
		}
	}
	split := len(need)
	for i, c := range need {
		if c >= nl {
			split = i
			break
		}
	}
	right := make([]int, 0, len(need)-split)
	for _, c := range need[split:] {
		right = append(right, c-nl)
	}
	l, gotL, err := r.prune(n.Left, need[:split])
	if err != nil {
		return nil, nil, err
	}
	rt, gotR, err := r.prune(n.Right, right)
	if err != nil {
		return nil, nil, err
	}
	got := append([]int{}, gotL...)
	for _, c := range gotR {
		got = append(got, c+nl)
	}
	j := &logical.Join{Left: l, Right: rt, Type: n.Type}
	if n.Cond != nil {
		if j.Cond, err = remap(n.Cond, positions(got)); err != nil {
			return nil, nil, err
		}
	}
	// A side asked for nothing still outputs one column: narrow drops it.
	return narrow(j, got, req)
}

func (r *PruneColumns) aggregate(n *logical.Aggregate, req []int) (logical.Node, []int, error) {
	ng := len(n.Groups)
	var aggs []*logical.AggCall
	names := append([]string{}, n.Names[:ng]...)
	for _, c := range req {
		if c >= ng {
			aggs = append(aggs, n.Aggs[c-ng])
			names = append(names, n.Names[c])
		}
	}
	exprs := append([]logical.Expr{}, n.Groups...)
	for _, a := range aggs {
		exprs = append(exprs, a.Args...)
	}
	need, err := columnsOfAll(exprs)
	if err != nil {
		return r.opaque(n)
	}
	in, got, err := r.prune(n.Input, need)
	if err != nil {
		return nil, nil, err
	}
	pos := positions(got)
	a := &logical.Aggregate{Input: in, Groups: make([]logical.Expr, ng), Aggs: make([]*logical.AggCall, len(aggs)), Names: names}
	for i, g := range n.Groups {
		if a.Groups[i], err = remap(g, pos); err != nil {
			return nil, nil, err
		}
	}
	for i, m := range aggs {
		c := *m
		c.Args = make([]logical.Expr, len(m.Args))
		for k, x := range m.Args {
			if c.Args[k], err = remap(x, pos); err != nil {
				return nil, nil, err
			}
		}
		a.Aggs[i] = &c
	}
	// The aggregate outputs every group and the kept aggregates.
	out := allColumns(ng)
	for _, c := range req {
		if c >= ng {
			out = append(out, c)
		}
	}
	return narrow(a, out, req)
}
