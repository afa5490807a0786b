package plan

import (
	"context"
	"slices"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// pruneColumns narrows a relation tree to the columns its consumers use,
// top-down: each relation is asked for a set of its output columns and
// returns which it still outputs (a superset, in their original order),
// after asking its inputs only for what it and its consumer need. Reads
// get a projection of those columns (the scan reads nothing else),
// projections and aggregates drop unused expressions and measures, and
// relations whose own expressions need extra input columns drop them
// again with an emit, so joins do not carry their keys upwards.
//
// Filters and cross products never get an emit: the cross-product rewrite
// and the subquery decorrelation match them by shape. Subqueries'
// relations are pruned too, to all of their columns. The tree is edited
// in place. REQUIRES: r is not shared with another part of the plan.
func (b *builder) pruneColumns(ctx context.Context, r *substraitpb.Rel) (*substraitpb.Rel, error) {
	w, err := b.width(ctx, r)
	if err != nil {
		return nil, err
	}
	r, _, err = b.prune(ctx, r, seq(w))
	return r, err
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// prune narrows r to need (sorted output columns), returning the new
// relation and the old output columns it outputs, sorted. The new
// relation's column j is old column keep[j].
func (b *builder) prune(ctx context.Context, r *substraitpb.Rel, need []int) (*substraitpb.Rel, []int, error) {
	if len(need) == 0 {
		// A relation of no columns still has rows; keep one column
		// rather than rely on every operator handling none.
		need = []int{0}
	}
	common := relCommon(r)
	emit := common.GetEmit()
	dneed := need
	if emit != nil {
		if !fit(need, len(emit.GetOutputMapping())) {
			return r, allOf(ctx, b, r), nil
		}
		dneed = nil
		for _, j := range need {
			dneed = append(dneed, int(emit.GetOutputMapping()[j]))
		}
		slices.Sort(dneed)
		dneed = slices.Compact(dneed)
	}
	dkeep, err := b.pruneDirect(ctx, r, dneed)
	if err != nil {
		return nil, nil, err
	}
	if dkeep == nil {
		return r, allOf(ctx, b, r), nil
	}
	pos := func(d int) int32 {
		i, _ := slices.BinarySearch(dkeep, d)
		return int32(i)
	}
	if emit != nil {
		var mapping []int32
		for _, j := range need {
			mapping = append(mapping, pos(int(emit.GetOutputMapping()[j])))
		}
		emit.OutputMapping = mapping
		return r, need, nil
	}
	if slices.Equal(dkeep, dneed) || common == nil || r.GetCross() != nil || r.GetFilter() != nil {
		return r, dkeep, nil
	}
	mapping := make([]int32, len(dneed))
	for i, d := range dneed {
		mapping[i] = pos(d)
	}
	common.EmitKind = &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}
	return r, dneed, nil
}

// allOf is every output column of r.
func allOf(ctx context.Context, b *builder, r *substraitpb.Rel) []int {
	w, err := b.width(ctx, r)
	if err != nil {
		return nil
	}
	return seq(w)
}

// relCommon returns r's RelCommon, creating it for relations that have
// one; nil for those without.
func relCommon(r *substraitpb.Rel) *substraitpb.RelCommon {
	m := r.ProtoReflect()
	od := m.Descriptor().Oneofs().ByName("rel_type")
	if od == nil {
		return nil
	}
	fd := m.WhichOneof(od)
	if fd == nil {
		return nil
	}
	inner := m.Get(fd).Message()
	cfd := inner.Descriptor().Fields().ByName("common")
	if cfd == nil {
		return nil
	}
	if !inner.Has(cfd) {
		inner.Set(cfd, protoreflect.ValueOfMessage((&substraitpb.RelCommon{}).ProtoReflect()))
	}
	return inner.Get(cfd).Message().Interface().(*substraitpb.RelCommon)
}

// pruneDirect narrows r's direct output (before its emit) to at least
// dneed and returns the direct columns kept, sorted; nil when r keeps
// all of them.
func (b *builder) pruneDirect(ctx context.Context, r *substraitpb.Rel, dneed []int) ([]int, error) {
	switch rt := r.GetRelType().(type) {
	case *substraitpb.Rel_Read:
		rd := rt.Read
		if rd.GetVirtualTable() != nil || rd.GetNamedTable() == nil && rd.GetLocalFiles() == nil {
			return nil, nil
		}
		var out []int32
		if p := rd.GetProjection(); p != nil {
			for _, it := range p.GetSelect().GetStructItems() {
				if it.GetChild() != nil {
					return nil, nil
				}
				out = append(out, it.GetField())
			}
		} else {
			for i := range rd.GetBaseSchema().GetNames() {
				out = append(out, int32(i))
			}
		}
		items := make([]*substraitpb.Expression_MaskExpression_StructItem, 0, len(dneed))
		for _, d := range dneed {
			if d >= len(out) {
				return nil, nil
			}
			items = append(items, &substraitpb.Expression_MaskExpression_StructItem{Field: out[d]})
		}
		rd.Projection = &substraitpb.Expression_MaskExpression{
			Select:                 &substraitpb.Expression_MaskExpression_StructSelect{StructItems: items},
			MaintainSingularStruct: true,
		}
		return dneed, nil

	case *substraitpb.Rel_Filter:
		f := rt.Filter
		in, keep, err := b.pruneThrough(ctx, f.GetInput(), dneed, f.GetCondition())
		if err != nil || keep == nil {
			return nil, err
		}
		f.Input = in
		f.Condition = b.pruneInExpr(ctx, remapInput(f.GetCondition(), indexIn(keep)))
		return keep, nil

	case *substraitpb.Rel_Sort:
		s := rt.Sort
		var keys []*substraitpb.Expression
		for _, k := range s.GetSorts() {
			keys = append(keys, k.GetExpr())
		}
		in, keep, err := b.pruneThrough(ctx, s.GetInput(), dneed, keys...)
		if err != nil || keep == nil {
			return nil, err
		}
		s.Input = in
		for _, k := range s.GetSorts() {
			k.Expr = remapInput(k.GetExpr(), indexIn(keep))
		}
		return keep, nil

	case *substraitpb.Rel_Fetch:
		f := rt.Fetch
		in, keep, err := b.pruneThrough(ctx, f.GetInput(), dneed)
		if err != nil || keep == nil {
			return nil, err
		}
		f.Input = in
		return keep, nil

	case *substraitpb.Rel_Project:
		p := rt.Project
		n, err := b.width(ctx, p.GetInput())
		if err != nil {
			return nil, err
		}
		var inNeed []int
		var exprs []*substraitpb.Expression
		var kept []int // old expression indices kept
		for _, d := range dneed {
			if d < n {
				inNeed = append(inNeed, d)
			} else if d-n < len(p.GetExpressions()) {
				kept = append(kept, d-n)
				exprs = append(exprs, p.GetExpressions()[d-n])
			}
		}
		fields, ok := inputFields(exprs...)
		if !ok || !fit(fields, n) {
			return nil, nil
		}
		inNeed = union(inNeed, fields)
		in, ikeep, err := b.prune(ctx, p.GetInput(), inNeed)
		if err != nil {
			return nil, err
		}
		p.Input = in
		to := indexIn(ikeep)
		for i, e := range exprs {
			exprs[i] = b.pruneInExpr(ctx, remapInput(e, to))
		}
		p.Expressions = exprs
		keep := slices.Clone(ikeep)
		for _, k := range kept {
			keep = append(keep, n+k)
		}
		return keep, nil

	case *substraitpb.Rel_Aggregate:
		a := rt.Aggregate
		nk := aggregateKeyCount(a)
		measures := a.GetMeasures()
		var keep []int
		if len(a.GetGroupings()) <= 1 {
			keep = seq(nk)
			var ms []*substraitpb.AggregateRel_Measure
			for _, d := range dneed {
				if d >= nk && d-nk < len(measures) {
					keep = append(keep, d)
					ms = append(ms, measures[d-nk])
				}
			}
			measures = ms
		}
		var all []*substraitpb.Expression
		all = append(all, a.GetGroupingExpressions()...)
		for _, g := range a.GetGroupings() {
			all = append(all, g.GetGroupingExpressions()...)
		}
		var mfields []int
		for _, m := range measures {
			fs, ok := inputFields(m.GetFilter())
			if !ok || !visitInputRefs(m.GetMeasure(), func(sf *substraitpb.Expression_ReferenceSegment_StructField) {
				fs = append(fs, int(sf.GetField()))
			}) {
				return nil, nil
			}
			mfields = append(mfields, fs...)
		}
		fields, ok := inputFields(all...)
		slices.Sort(mfields)
		n, err := b.width(ctx, a.GetInput())
		if err != nil {
			return nil, err
		}
		if !ok || !fit(fields, n) || !fit(mfields, n) {
			return nil, nil
		}
		in, ikeep, err := b.prune(ctx, a.GetInput(), union(fields, slices.Compact(mfields)))
		if err != nil {
			return nil, err
		}
		a.Input = in
		to := indexIn(ikeep)
		for i, e := range a.GetGroupingExpressions() {
			a.GroupingExpressions[i] = remapInput(e, to)
		}
		for _, g := range a.GetGroupings() {
			for i, e := range g.GetGroupingExpressions() {
				g.GroupingExpressions[i] = remapInput(e, to)
			}
		}
		for i, m := range measures {
			measures[i] = remapInput(m, to)
		}
		a.Measures = measures
		return keep, nil

	case *substraitpb.Rel_Join:
		j := rt.Join
		return b.pruneJoin(ctx, &j.Left, &j.Right, j.GetType(), dneed, func(to func(int) int) {
			if j.GetExpression() != nil {
				j.Expression = b.pruneInExpr(ctx, remapInput(j.GetExpression(), to))
			}
			if j.GetPostJoinFilter() != nil {
				j.PostJoinFilter = b.pruneInExpr(ctx, remapInput(j.GetPostJoinFilter(), to))
			}
		}, j.GetExpression(), j.GetPostJoinFilter())

	case *substraitpb.Rel_Cross:
		c := rt.Cross
		return b.pruneJoin(ctx, &c.Left, &c.Right, substraitpb.JoinRel_JOIN_TYPE_INNER, dneed, func(func(int) int) {})

	case *substraitpb.Rel_Set:
		for i, in := range rt.Set.GetInputs() {
			var err error
			if rt.Set.Inputs[i], err = b.pruneColumns(ctx, in); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	return nil, nil
}

// pruneThrough prunes the input of a relation that outputs its input's
// columns and uses those of exprs; keep is nil when it cannot.
func (b *builder) pruneThrough(ctx context.Context, in *substraitpb.Rel, dneed []int, exprs ...*substraitpb.Expression) (*substraitpb.Rel, []int, error) {
	fields, ok := inputFields(exprs...)
	if !ok {
		return nil, nil, nil
	}
	if n, err := b.width(ctx, in); err != nil || !fit(fields, n) {
		return nil, nil, err
	}
	return b.prune(ctx, in, union(dneed, fields))
}

// pruneJoin prunes both inputs of a join of type typ, whose expressions
// (over the left's columns then the right's) are remapped by remap.
func (b *builder) pruneJoin(ctx context.Context, left, right **substraitpb.Rel, typ substraitpb.JoinRel_JoinType, dneed []int, remap func(to func(int) int), exprs ...*substraitpb.Expression) ([]int, error) {
	nl, err := b.width(ctx, *left)
	if err != nil {
		return nil, err
	}
	nr, err := b.width(ctx, *right)
	if err != nil {
		return nil, err
	}
	fields, ok := inputFields(exprs...)
	if !ok || !fit(fields, nl+nr) {
		return nil, nil
	}
	// Output column d as a column of left ++ right; -1 for a mark.
	toInput := func(d int) int { return d }
	switch typ {
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:
		toInput = func(d int) int { return nl + d }
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
		toInput = func(d int) int {
			if d >= nl {
				return -1
			}
			return d
		}
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
		toInput = func(d int) int {
			if d >= nr {
				return -1
			}
			return nl + d
		}
	}
	var ln, rn []int
	for _, f := range fields {
		if f < nl {
			ln = append(ln, f)
		} else {
			rn = append(rn, f-nl)
		}
	}
	for _, d := range dneed {
		switch i := toInput(d); {
		case i < 0:
		case i < nl:
			ln = append(ln, i)
		default:
			rn = append(rn, i-nl)
		}
	}
	slices.Sort(ln)
	slices.Sort(rn)
	newLeft, lkeep, err := b.prune(ctx, *left, slices.Compact(ln))
	if err != nil {
		return nil, err
	}
	newRight, rkeep, err := b.prune(ctx, *right, slices.Compact(rn))
	if err != nil {
		return nil, err
	}
	*left, *right = newLeft, newRight
	lto, rto := indexIn(lkeep), indexIn(rkeep)
	remap(func(i int) int {
		if i < nl {
			return lto(i)
		}
		return len(lkeep) + rto(i-nl)
	})
	var keep []int
	switch typ {
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI:
		keep = lkeep
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI:
		keep = rkeep
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
		keep = append(slices.Clone(lkeep), nl)
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
		keep = append(slices.Clone(rkeep), nr)
	default:
		keep = slices.Clone(lkeep)
		for _, k := range rkeep {
			keep = append(keep, nl+k)
		}
	}
	return keep, nil
}

// pruneInExpr prunes the relations of the subqueries in e, each to all of
// its columns (EXISTS to none); their references to e's scope are not
// affected.
func (b *builder) pruneInExpr(ctx context.Context, e *substraitpb.Expression) *substraitpb.Expression {
	if !refsOf(e).subquery {
		return e
	}
	prune := func(r **substraitpb.Rel) {
		if *r == nil {
			return
		}
		if nr, err := b.pruneColumns(ctx, *r); err == nil {
			*r = nr
		}
	}
	// EXISTS uses none of its subquery's columns.
	pruneExists := func(r **substraitpb.Rel) {
		if *r == nil {
			return
		}
		if nr, _, err := b.prune(ctx, *r, nil); err == nil {
			*r = nr
		}
	}
	var walk func(e *substraitpb.Expression)
	walk = func(e *substraitpb.Expression) {
		forSubqueries(e, func(x *substraitpb.Expression) {
			switch st := x.GetSubquery().GetSubqueryType().(type) {
			case *substraitpb.Expression_Subquery_Scalar_:
				prune(&st.Scalar.Input)
			case *substraitpb.Expression_Subquery_InPredicate_:
				for _, n := range st.InPredicate.GetNeedles() {
					walk(n)
				}
				prune(&st.InPredicate.Haystack)
			case *substraitpb.Expression_Subquery_SetPredicate_:
				if st.SetPredicate.GetPredicateOp() == substraitpb.Expression_Subquery_SetPredicate_PREDICATE_OP_EXISTS {
					pruneExists(&st.SetPredicate.Tuples)
				} else {
					prune(&st.SetPredicate.Tuples)
				}
			case *substraitpb.Expression_Subquery_SetComparison_:
				if st.SetComparison.GetLeft() != nil {
					walk(st.SetComparison.GetLeft())
				}
				prune(&st.SetComparison.Right)
			}
		})
	}
	walk(e)
	return e
}

// indexIn maps an old column to its position in keep (sorted).
func indexIn(keep []int) func(int) int {
	return func(i int) int {
		j, _ := slices.BinarySearch(keep, i)
		return j
	}
}

// union merges two sorted sets.
func union(a, b []int) []int {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// fit reports whether sorted fields all lie in [0, n): the rules leave
// invalid references alone, for binding to report.
func fit(fields []int, n int) bool {
	return len(fields) == 0 || (fields[0] >= 0 && fields[len(fields)-1] < n)
}
