package optimize

import (
	"fmt"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// withInputs returns a copy of n over new inputs; ok is false for a node
// kind the rules do not know, which they leave as it is, inputs included.
// REQUIRES: len(in) == len(n.Inputs()).
func withInputs(n logical.Node, in []logical.Node) (out logical.Node, ok bool) {
	switch n := n.(type) {
	case *logical.Scan:
		return n, true
	case *logical.Filter:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.Project:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.Join:
		c := *n
		c.Left, c.Right = in[0], in[1]
		return &c, true
	case *logical.Aggregate:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.Sort:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.Limit:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.Window:
		c := *n
		c.Input = in[0]
		return &c, true
	case *logical.SetOp:
		c := *n
		c.Operands = in
		return &c, true
	case *logical.Values:
		return n, true
	case *logical.Write:
		c := *n
		c.Input = in[0]
		return &c, true
	}
	return n, false
}

// mapInputs returns n over f of each of its inputs; a node of an unknown
// kind is returned as it is.
func mapInputs(n logical.Node, f func(logical.Node) (logical.Node, error)) (logical.Node, error) {
	old := n.Inputs()
	if _, ok := withInputs(n, old); !ok {
		return n, nil
	}
	in := make([]logical.Node, len(old))
	for i, o := range old {
		var err error
		if in[i], err = f(o); err != nil {
			return nil, err
		}
	}
	out, _ := withInputs(n, in)
	return out, nil
}

// mapExprs returns n with each of its own expressions (not its inputs')
// replaced by f of it; a node of an unknown kind is returned as it is.
func mapExprs(n logical.Node, f func(logical.Expr) (logical.Expr, error)) (logical.Node, error) {
	var err error
	all := func(xs []logical.Expr) []logical.Expr {
		out := make([]logical.Expr, len(xs))
		for i, x := range xs {
			if err == nil {
				out[i], err = f(x)
			}
		}
		return out
	}
	var out logical.Node
	switch n := n.(type) {
	case *logical.Scan:
		c := *n
		if n.Filter != nil {
			c.Filter, err = f(n.Filter)
		}
		out = &c
	case *logical.Filter:
		c := *n
		c.Cond, err = f(n.Cond)
		out = &c
	case *logical.Project:
		c := *n
		c.Exprs = all(n.Exprs)
		out = &c
	case *logical.Join:
		c := *n
		if n.Cond != nil {
			c.Cond, err = f(n.Cond)
		}
		out = &c
	case *logical.Aggregate:
		c := *n
		c.Groups = all(n.Groups)
		c.Aggs = make([]*logical.AggCall, len(n.Aggs))
		for i, a := range n.Aggs {
			ac := *a
			ac.Args = all(a.Args)
			c.Aggs[i] = &ac
		}
		out = &c
	case *logical.Sort:
		c := *n
		c.Keys = make([]logical.SortKey, len(n.Keys))
		for i, k := range n.Keys {
			c.Keys[i] = k
			if err == nil {
				c.Keys[i].Expr, err = f(k.Expr)
			}
		}
		out = &c
	case *logical.Window:
		c := *n
		c.Calls = make([]*logical.WindowCall, len(n.Calls))
		for i, w := range n.Calls {
			wc := *w
			wc.Args = all(w.Args)
			wc.Partition = all(w.Partition)
			wc.Order = make([]logical.SortKey, len(w.Order))
			for k, o := range w.Order {
				wc.Order[k] = o
				if err == nil {
					wc.Order[k].Expr, err = f(o.Expr)
				}
			}
			c.Calls[i] = &wc
		}
		out = &c
	case *logical.Values:
		c := *n
		c.Rows = make([][]logical.Expr, len(n.Rows))
		for i, row := range n.Rows {
			c.Rows[i] = all(row)
		}
		out = &c
	case *logical.SetOp, *logical.Limit:
		return n, nil
	default:
		return n, nil
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// optimizeSubqueries applies rules to the plan of every scalar subquery
// under n, innermost first.
func optimizeSubqueries(n logical.Node, rules []Rule) (logical.Node, error) {
	n, err := mapInputs(n, func(in logical.Node) (logical.Node, error) { return optimizeSubqueries(in, rules) })
	if err != nil {
		return nil, err
	}
	return mapExprs(n, func(x logical.Expr) (logical.Expr, error) {
		out, err := transform(x, func(e logical.Expr) (logical.Expr, error) {
			s, ok := e.(*logical.ScalarSubquery)
			if !ok {
				return e, nil
			}
			p, err := Optimize(s.Plan, rules)
			if err != nil {
				return nil, fmt.Errorf("scalar subquery: %w", err)
			}
			return &logical.ScalarSubquery{Plan: p, T: s.T}, nil
		})
		if err != nil && isOpaque(err) {
			return x, nil
		}
		return out, err
	})
}
