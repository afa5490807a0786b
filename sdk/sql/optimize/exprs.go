package optimize

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// errOpaque marks an expression or node of a kind the rules do not know
// (one added to package logical after them): a rule leaves what contains
// one as it is rather than guess which columns it uses.
var errOpaque = errors.New("optimize: opaque")

// transform rebuilds x bottom-up, replacing each node by f of it (its
// children already replaced). The input is never mutated.
func transform(x logical.Expr, f func(logical.Expr) (logical.Expr, error)) (logical.Expr, error) {
	switch x := x.(type) {
	case *logical.Column, *logical.Literal, *logical.Enum:
		return f(x)
	case *logical.ScalarSubquery:
		// A correlated plan refers to the row x is over: moving x's
		// columns would leave its references behind.
		if isCorrelated(x.Plan) {
			return nil, fmt.Errorf("%w: correlated subquery", errOpaque)
		}
		return f(x)
	case *logical.Call:
		args, err := transformAll(x.Args, f)
		if err != nil {
			return nil, err
		}
		c := *x
		c.Args = args
		return f(&c)
	case *logical.Cast:
		in, err := transform(x.X, f)
		if err != nil {
			return nil, err
		}
		return f(&logical.Cast{X: in, T: x.T})
	case *logical.Case:
		c := &logical.Case{Whens: make([]logical.When, len(x.Whens)), T: x.T}
		for i, w := range x.Whens {
			cond, err := transform(w.Cond, f)
			if err != nil {
				return nil, err
			}
			then, err := transform(w.Then, f)
			if err != nil {
				return nil, err
			}
			c.Whens[i] = logical.When{Cond: cond, Then: then}
		}
		if x.Else != nil {
			els, err := transform(x.Else, f)
			if err != nil {
				return nil, err
			}
			c.Else = els
		}
		return f(c)
	case *logical.InList:
		v, err := transform(x.X, f)
		if err != nil {
			return nil, err
		}
		list, err := transformAll(x.List, f)
		if err != nil {
			return nil, err
		}
		return f(&logical.InList{X: v, List: list})
	}
	return nil, fmt.Errorf("%w: expression %T", errOpaque, x)
}

func transformAll(xs []logical.Expr, f func(logical.Expr) (logical.Expr, error)) ([]logical.Expr, error) {
	out := make([]logical.Expr, len(xs))
	for i, x := range xs {
		var err error
		if out[i], err = transform(x, f); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// columnsOf returns the sorted, distinct column indices x refers to.
func columnsOf(x logical.Expr) ([]int, error) {
	var cols []int
	_, err := transform(x, func(e logical.Expr) (logical.Expr, error) {
		if c, ok := e.(*logical.Column); ok {
			cols = append(cols, c.Index)
		}
		return e, nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(cols)
	return slices.Compact(cols), nil
}

// columnsOfAll returns the sorted, distinct column indices xs refer to.
func columnsOfAll(xs []logical.Expr) ([]int, error) {
	var cols []int
	for _, x := range xs {
		c, err := columnsOf(x)
		if err != nil {
			return nil, err
		}
		cols = append(cols, c...)
	}
	slices.Sort(cols)
	return slices.Compact(cols), nil
}

// remap returns x with each column i replaced by column m(i); m reports
// false for a column that has no place, an error.
func remap(x logical.Expr, m func(int) (int, bool)) (logical.Expr, error) {
	return transform(x, func(e logical.Expr) (logical.Expr, error) {
		if c, ok := e.(*logical.Column); ok {
			i, ok := m(c.Index)
			if !ok {
				return nil, fmt.Errorf("optimize: column %d has no place in the rewritten input", c.Index)
			}
			return &logical.Column{Index: i, T: c.T}, nil
		}
		return e, nil
	})
}

// shift returns x with every column index moved by d.
func shift(x logical.Expr, d int) (logical.Expr, error) {
	return remap(x, func(i int) (int, bool) { return i + d, i+d >= 0 })
}

// substitute returns x with each column i replaced by exprs[i]: x over a
// projection's output becomes x over its input.
func substitute(x logical.Expr, exprs []logical.Expr) (logical.Expr, error) {
	return transform(x, func(e logical.Expr) (logical.Expr, error) {
		if c, ok := e.(*logical.Column); ok {
			if c.Index < 0 || c.Index >= len(exprs) {
				return nil, fmt.Errorf("optimize: column %d of %d", c.Index, len(exprs))
			}
			return exprs[c.Index], nil
		}
		return e, nil
	})
}

// hasSubquery reports whether x contains a scalar subquery (or something
// opaque, which might hide one).
func hasSubquery(x logical.Expr) bool {
	found := false
	_, err := transform(x, func(e logical.Expr) (logical.Expr, error) {
		if _, ok := e.(*logical.ScalarSubquery); ok {
			found = true
		}
		return e, nil
	})
	return found || err != nil
}

// funcName is the simple name of a call ("and" for "and:bool"), or "" if x
// is not a call.
func funcName(x logical.Expr) string {
	c, ok := x.(*logical.Call)
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(c.Name, ":")
	return name
}

// conjuncts splits a condition into the terms of its top-level ANDs.
func conjuncts(x logical.Expr) []logical.Expr {
	if x == nil {
		return nil
	}
	if funcName(x) != "and" {
		return []logical.Expr{x}
	}
	var out []logical.Expr
	for _, a := range x.(*logical.Call).Args {
		out = append(out, conjuncts(a)...)
	}
	return out
}

// conjunction is the AND of xs: nil for none, the term itself for one.
func conjunction(fns *logical.Functions, xs []logical.Expr) (logical.Expr, error) {
	switch len(xs) {
	case 0:
		return nil, nil
	case 1:
		return xs[0], nil
	}
	c, err := fns.Call("and", xs...)
	if err != nil {
		return nil, fmt.Errorf("optimize: %w", err)
	}
	return c, nil
}

// boolLiteral returns a non-null boolean literal's value.
func boolLiteral(x logical.Expr) (value, ok bool) {
	l, isLit := x.(*logical.Literal)
	if !isLit {
		return false, false
	}
	v, ok := l.Value.(bool)
	return v, ok
}

// isNullLiteral reports whether x is a null literal.
func isNullLiteral(x logical.Expr) bool {
	l, ok := x.(*logical.Literal)
	return ok && l.Value == nil
}

func boolLit(v bool) *logical.Literal {
	return &logical.Literal{Value: v, T: &types.BooleanType{Nullability: types.NullabilityRequired}}
}

func nullable(t types.Type) types.Type { return t.WithNullability(types.NullabilityNullable) }

func isOpaque(err error) bool { return errors.Is(err, errOpaque) }
