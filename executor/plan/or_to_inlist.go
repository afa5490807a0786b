package plan

import (
	"google.golang.org/protobuf/proto"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// orAsInLists binds or(equal(x, c1), equal(x, c2), ..., others) with
// literal cs as or(x IN (c1, c2, ...), others): some producers (Isthmus)
// spell SQL's IN list that way, which would evaluate x once per option
// (TPC-H Q22: seven substrings per row) where the list evaluates it once
// and probes a set. The two are equal under SQL's three-valued logic. It
// returns nil when no two arguments share their x.
func (b *builder) orAsInLists(f *substraitpb.Expression_ScalarFunction, sc *scope) ([]expr.Expr, error) {
	type group struct {
		value *substraitpb.Expression
		opts  []*substraitpb.Expression
	}
	var groups []*group
	byValue := map[string]*group{}
	var others []*substraitpb.Expression
	for _, a := range f.GetArguments() {
		value, lit := b.equalityWithLiteral(a.GetValue())
		if value == nil {
			others = append(others, a.GetValue())
			continue
		}
		key, err := proto.MarshalOptions{Deterministic: true}.Marshal(value)
		if err != nil {
			return nil, nil
		}
		g := byValue[string(key)]
		if g == nil {
			g = &group{value: value}
			byValue[string(key)] = g
			groups = append(groups, g)
		}
		g.opts = append(g.opts, lit)
	}
	shared := false
	for _, g := range groups {
		shared = shared || len(g.opts) > 1
	}
	if !shared {
		return nil, nil
	}
	var args []expr.Expr
	for _, g := range groups {
		v, err := b.expr(g.value, sc)
		if err != nil {
			return nil, err
		}
		opts, err := b.exprs("or: option", g.opts, sc)
		if err != nil {
			return nil, err
		}
		if len(opts) == 1 {
			e, err := b.reg.Scalar(&expr.Call{Name: "equal", Args: []expr.Expr{v, opts[0]}})
			if err != nil {
				return nil, err
			}
			args = append(args, e)
			continue
		}
		in, err := expr.NewInList(v, opts)
		if err != nil {
			return nil, err
		}
		args = append(args, in)
	}
	rest, err := b.exprs("or: argument", others, sc)
	if err != nil {
		return nil, err
	}
	return append(args, rest...), nil
}

// equalityWithLiteral returns x and c of equal(x, c) or equal(c, x) with a
// literal c, or nils.
func (b *builder) equalityWithLiteral(e *substraitpb.Expression) (value, lit *substraitpb.Expression) {
	f := e.GetScalarFunction()
	if f == nil || len(f.GetArguments()) != 2 || len(f.GetOptions()) != 0 {
		return nil, nil
	}
	if name, err := b.funcName(f.GetFunctionReference()); err != nil || name != "equal" {
		return nil, nil
	}
	x, y := f.GetArguments()[0].GetValue(), f.GetArguments()[1].GetValue()
	switch {
	case x == nil || y == nil:
		return nil, nil
	case y.GetLiteral() != nil && x.GetLiteral() == nil:
		return x, y
	case x.GetLiteral() != nil && y.GetLiteral() == nil:
		return y, x
	}
	return nil, nil
}
