package normalize

import (
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// deriver walks relations bottom-up, computing each one's output column
// types, so that function calls can be resolved from their argument types.
// Where it cannot tell a type (an unsupported construct), the type is nil
// and calls depending on it are left as the producer wrote them.
type deriver struct {
	r *resolver
	// outer holds the input types of enclosing relations, innermost last,
	// for outer references from subqueries.
	outer [][]*substraitpb.Type
}

// rel returns the output types of r, or nil if they cannot be derived.
func (d *deriver) rel(r *substraitpb.Rel) ([]*substraitpb.Type, error) {
	if r == nil {
		return nil, nil
	}
	var out []*substraitpb.Type
	var common *substraitpb.RelCommon
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		x := rt.Read
		common = x.GetCommon()
		base := x.GetBaseSchema().GetStruct().GetTypes()
		if err := d.exprs(base, x.GetFilter(), x.GetBestEffortFilter()); err != nil {
			return nil, err
		}
		for _, row := range x.GetVirtualTable().GetExpressions() {
			if err := d.exprs(nil, row.GetFields()...); err != nil {
				return nil, err
			}
		}
		out = base
		if m := x.GetProjection(); m != nil {
			out = nil
			for _, it := range m.GetSelect().GetStructItems() {
				out = append(out, at(base, int(it.GetField())))
			}
		}
	case *substraitpb.Rel_Filter:
		common = rt.Filter.GetCommon()
		in, err := d.rel(rt.Filter.GetInput())
		if err != nil {
			return nil, err
		}
		if _, err := d.expr(rt.Filter.GetCondition(), in); err != nil {
			return nil, err
		}
		out = in
	case *substraitpb.Rel_Project:
		common = rt.Project.GetCommon()
		in, err := d.rel(rt.Project.GetInput())
		if err != nil {
			return nil, err
		}
		out = append([]*substraitpb.Type(nil), in...)
		for _, e := range rt.Project.GetExpressions() {
			t, err := d.expr(e, in)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		if in == nil {
			out = nil
		}
	case *substraitpb.Rel_Aggregate:
		common = rt.Aggregate.GetCommon()
		var err error
		if out, err = d.aggregate(rt.Aggregate); err != nil {
			return nil, err
		}
	case *substraitpb.Rel_Sort:
		common = rt.Sort.GetCommon()
		in, err := d.rel(rt.Sort.GetInput())
		if err != nil {
			return nil, err
		}
		for _, s := range rt.Sort.GetSorts() {
			if _, err := d.expr(s.GetExpr(), in); err != nil {
				return nil, err
			}
		}
		out = in
	case *substraitpb.Rel_Fetch:
		common = rt.Fetch.GetCommon()
		in, err := d.rel(rt.Fetch.GetInput())
		if err != nil {
			return nil, err
		}
		if err := d.exprs(nil, rt.Fetch.GetOffsetExpr(), rt.Fetch.GetCountExpr()); err != nil {
			return nil, err
		}
		out = in
	case *substraitpb.Rel_Window:
		x := rt.Window
		common = x.GetCommon()
		in, err := d.rel(x.GetInput())
		if err != nil {
			return nil, err
		}
		if err := d.exprs(in, x.GetPartitionExpressions()...); err != nil {
			return nil, err
		}
		for _, s := range x.GetSorts() {
			if _, err := d.expr(s.GetExpr(), in); err != nil {
				return nil, err
			}
		}
		out = append([]*substraitpb.Type(nil), in...)
		for _, f := range x.GetWindowFunctions() {
			args, err := d.args(f.GetArguments(), in)
			if err != nil {
				return nil, err
			}
			t, err := d.resolveCall(windowFn, &f.FunctionReference, &f.OutputType, args)
			if err != nil {
				return nil, err
			}
			out = append(out, t)
		}
		if in == nil {
			out = nil
		}
	case *substraitpb.Rel_Join:
		x := rt.Join
		common = x.GetCommon()
		l, err := d.rel(x.GetLeft())
		if err != nil {
			return nil, err
		}
		rr, err := d.rel(x.GetRight())
		if err != nil {
			return nil, err
		}
		both := concat(l, rr)
		if err := d.exprs(both, x.GetExpression(), x.GetPostJoinFilter()); err != nil {
			return nil, err
		}
		out = joinOutput(x.GetType(), l, rr)
	case *substraitpb.Rel_Cross:
		common = rt.Cross.GetCommon()
		l, err := d.rel(rt.Cross.GetLeft())
		if err != nil {
			return nil, err
		}
		rr, err := d.rel(rt.Cross.GetRight())
		if err != nil {
			return nil, err
		}
		out = concat(l, rr)
	case *substraitpb.Rel_Set:
		common = rt.Set.GetCommon()
		for i, in := range rt.Set.GetInputs() {
			t, err := d.rel(in)
			if err != nil {
				return nil, err
			}
			if i == 0 {
				out = t
			}
		}
	case *substraitpb.Rel_Write:
		// The write's output (a count, or nothing) is not modelled; its
		// input is.
		if _, err := d.rel(rt.Write.GetInput()); err != nil {
			return nil, err
		}
		return nil, nil
	default:
		// Relations the deriver does not model: their inputs and
		// expressions stay as written; the planner decides.
		return nil, nil
	}
	if m := common.GetEmit(); m != nil && out != nil {
		emitted := make([]*substraitpb.Type, len(m.GetOutputMapping()))
		for i, j := range m.GetOutputMapping() {
			emitted[i] = at(out, int(j))
		}
		out = emitted
	}
	return out, nil
}

func (d *deriver) aggregate(a *substraitpb.AggregateRel) ([]*substraitpb.Type, error) {
	in, err := d.rel(a.GetInput())
	if err != nil {
		return nil, err
	}
	var keyTypes []*substraitpb.Type
	for _, e := range a.GetGroupingExpressions() {
		t, err := d.expr(e, in)
		if err != nil {
			return nil, err
		}
		keyTypes = append(keyTypes, t)
	}
	var out []*substraitpb.Type
	for gi, g := range a.GetGroupings() {
		var gt []*substraitpb.Type
		for _, e := range g.GetGroupingExpressions() {
			t, err := d.expr(e, in)
			if err != nil {
				return nil, err
			}
			gt = append(gt, t)
		}
		for _, ref := range g.GetExpressionReferences() {
			gt = append(gt, at(keyTypes, int(ref)))
		}
		if gi == 0 {
			out = gt
		}
	}
	for _, m := range a.GetMeasures() {
		if _, err := d.expr(m.GetFilter(), in); err != nil {
			return nil, err
		}
		f := m.GetMeasure()
		args, err := d.args(f.GetArguments(), in)
		if err != nil {
			return nil, err
		}
		for _, s := range f.GetSorts() {
			if _, err := d.expr(s.GetExpr(), in); err != nil {
				return nil, err
			}
		}
		t, err := d.resolveCall(aggregateFn, &f.FunctionReference, &f.OutputType, args)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if len(a.GetGroupings()) > 1 || in == nil {
		// Grouping sets add a grouping-id column; not modelled.
		return nil, nil
	}
	return out, nil
}

func (d *deriver) args(in []*substraitpb.FunctionArgument, scope []*substraitpb.Type) ([]*substraitpb.Type, error) {
	out := make([]*substraitpb.Type, len(in))
	for i, a := range in {
		switch {
		case a.GetValue() != nil:
			t, err := d.expr(a.GetValue(), scope)
			if err != nil {
				return nil, err
			}
			out[i] = t
		case a.GetType() != nil:
			out[i] = a.GetType()
		case a.GetEnum() != "":
			out[i] = d.r.enum
		}
	}
	return out, nil
}

// expr resolves the functions in e and returns its type (nil if unknown).
func (d *deriver) expr(e *substraitpb.Expression, in []*substraitpb.Type) (*substraitpb.Type, error) {
	if e == nil {
		return nil, nil
	}
	switch rt := e.GetRexType().(type) {
	case *substraitpb.Expression_Literal_:
		return literalType(rt.Literal), nil
	case *substraitpb.Expression_Selection:
		sel := rt.Selection
		sf := sel.GetDirectReference().GetStructField()
		if sf == nil || sf.GetChild() != nil {
			return nil, nil
		}
		switch {
		case sel.GetRootReference() != nil:
			return at(in, int(sf.GetField())), nil
		case sel.GetOuterReference() != nil:
			steps := int(sel.GetOuterReference().GetStepsOut())
			if steps < 1 || steps > len(d.outer) {
				return nil, nil
			}
			return at(d.outer[len(d.outer)-steps], int(sf.GetField())), nil
		}
		return nil, nil
	case *substraitpb.Expression_ScalarFunction_:
		f := rt.ScalarFunction
		d.r.standardCall(&f.Arguments, f.GetFunctionReference())
		args, err := d.args(f.GetArguments(), in)
		if err != nil {
			return nil, err
		}
		return d.resolveCall(scalarFn, &f.FunctionReference, &f.OutputType, args)
	case *substraitpb.Expression_WindowFunction_:
		f := rt.WindowFunction
		args, err := d.args(f.GetArguments(), in)
		if err != nil {
			return nil, err
		}
		if err := d.exprs(in, f.GetPartitions()...); err != nil {
			return nil, err
		}
		for _, s := range f.GetSorts() {
			if _, err := d.expr(s.GetExpr(), in); err != nil {
				return nil, err
			}
		}
		return d.resolveCall(windowFn, &f.FunctionReference, &f.OutputType, args)
	case *substraitpb.Expression_Cast_:
		if _, err := d.expr(rt.Cast.GetInput(), in); err != nil {
			return nil, err
		}
		return rt.Cast.GetType(), nil
	case *substraitpb.Expression_IfThen_:
		x := rt.IfThen
		return conditional(d, in, x.GetIfs(), (*substraitpb.Expression_IfThen_IfClause).GetIf,
			(*substraitpb.Expression_IfThen_IfClause).GetThen, x.GetElse())
	case *substraitpb.Expression_SwitchExpression_:
		x := rt.SwitchExpression
		if _, err := d.expr(x.GetMatch(), in); err != nil {
			return nil, err
		}
		// A switch's case values are literals: nothing to resolve in them.
		return conditional(d, in, x.GetIfs(), nil, (*substraitpb.Expression_SwitchExpression_IfValue).GetThen, x.GetElse())
	case *substraitpb.Expression_SingularOrList_:
		if _, err := d.expr(rt.SingularOrList.GetValue(), in); err != nil {
			return nil, err
		}
		if err := d.exprs(in, rt.SingularOrList.GetOptions()...); err != nil {
			return nil, err
		}
		return boolType(), nil
	case *substraitpb.Expression_MultiOrList_:
		if err := d.exprs(in, rt.MultiOrList.GetValue()...); err != nil {
			return nil, err
		}
		for _, rec := range rt.MultiOrList.GetOptions() {
			if err := d.exprs(in, rec.GetFields()...); err != nil {
				return nil, err
			}
		}
		return boolType(), nil
	case *substraitpb.Expression_Subquery_:
		return d.subquery(rt.Subquery, in)
	}
	return nil, nil
}

// exprs derives each of es in turn, for the functions in them; their types
// are not needed.
func (d *deriver) exprs(in []*substraitpb.Type, es ...*substraitpb.Expression) error {
	for _, e := range es {
		if _, err := d.expr(e, in); err != nil {
			return err
		}
	}
	return nil
}

// resolveCall resolves a function call from its argument types: it points
// *ref at the resolved declaration and fills in *out when the producer left
// the output type out. It returns the call's type.
func (d *deriver) resolveCall(kind fnKind, ref *uint32, out **substraitpb.Type, args []*substraitpb.Type) (*substraitpb.Type, error) {
	anchor, t, err := d.r.resolve(kind, *ref, args)
	if err != nil {
		return nil, err
	}
	*ref = anchor
	if *out == nil {
		*out = t
	}
	return *out, nil
}

// conditional derives a CASE-like expression: for each clause its
// condition (when cond is not nil), then its result; then the else. Its type
// is the first result type known.
func conditional[C any](d *deriver, in []*substraitpb.Type, clauses []C, cond, result func(C) *substraitpb.Expression,
	els *substraitpb.Expression) (*substraitpb.Type, error) {
	var first *substraitpb.Type
	for _, c := range clauses {
		if cond != nil {
			if _, err := d.expr(cond(c), in); err != nil {
				return nil, err
			}
		}
		t, err := d.expr(result(c), in)
		if err != nil {
			return nil, err
		}
		if first == nil {
			first = t
		}
	}
	t, err := d.expr(els, in)
	if err != nil {
		return nil, err
	}
	if first == nil {
		first = t
	}
	return first, nil
}

func (d *deriver) subquery(s *substraitpb.Expression_Subquery, in []*substraitpb.Type) (*substraitpb.Type, error) {
	d.outer = append(d.outer, in)
	defer func() { d.outer = d.outer[:len(d.outer)-1] }()
	switch st := s.GetSubqueryType().(type) {
	case *substraitpb.Expression_Subquery_Scalar_:
		out, err := d.rel(st.Scalar.GetInput())
		if err != nil || len(out) != 1 || out[0] == nil {
			return nil, err
		}
		return nullable(out[0]), nil
	case *substraitpb.Expression_Subquery_InPredicate_:
		d.outer = d.outer[:len(d.outer)-1]
		for _, n := range st.InPredicate.GetNeedles() {
			if _, err := d.expr(n, in); err != nil {
				d.outer = append(d.outer, in)
				return nil, err
			}
		}
		d.outer = append(d.outer, in)
		if _, err := d.rel(st.InPredicate.GetHaystack()); err != nil {
			return nil, err
		}
	case *substraitpb.Expression_Subquery_SetPredicate_:
		if _, err := d.rel(st.SetPredicate.GetTuples()); err != nil {
			return nil, err
		}
	case *substraitpb.Expression_Subquery_SetComparison_:
		d.outer = d.outer[:len(d.outer)-1]
		_, err := d.expr(st.SetComparison.GetLeft(), in)
		d.outer = append(d.outer, in)
		if err != nil {
			return nil, err
		}
		if _, err := d.rel(st.SetComparison.GetRight()); err != nil {
			return nil, err
		}
	}
	return boolType(), nil
}

func at(ts []*substraitpb.Type, i int) *substraitpb.Type {
	if i < 0 || i >= len(ts) {
		return nil
	}
	return ts[i]
}

func concat(a, b []*substraitpb.Type) []*substraitpb.Type {
	if a == nil || b == nil {
		return nil
	}
	return append(append([]*substraitpb.Type(nil), a...), b...)
}

func joinOutput(t substraitpb.JoinRel_JoinType, l, r []*substraitpb.Type) []*substraitpb.Type {
	switch t {
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:
		return l
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:
		return r
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
		if l == nil {
			return nil
		}
		return append(append([]*substraitpb.Type(nil), l...), boolType())
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
		if r == nil {
			return nil
		}
		return append(append([]*substraitpb.Type(nil), r...), boolType())
	}
	return concat(l, r)
}
