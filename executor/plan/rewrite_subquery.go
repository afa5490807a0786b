package plan

import (
	"context"
	"fmt"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// rewriteSubqueries decorrelates the subqueries in a filter's condition
// into joins on the filter's input, returning nil when the condition has
// none:
//   - a conjunct EXISTS / NOT EXISTS (correlated by conditions of the
//     subquery's filter) becomes a left semi / anti join whose condition is
//     those correlated conditions;
//   - a conjunct x IN (subquery) becomes a left semi join on x = column;
//   - any other IN (NOT IN, say) becomes a left mark join, and the
//     predicate a reference to the mark column;
//   - an uncorrelated scalar subquery becomes a left single join without
//     keys (evaluated once), a correlated one over a global aggregate is
//     grouped by the correlation keys and left single joined on them; the
//     subquery becomes a reference to the joined value.
//
// A projection drops the columns the joins added.
func (b *builder) rewriteSubqueries(ctx context.Context, f *substraitpb.FilterRel) (*substraitpb.Rel, error) {
	conds := b.conjuncts(f.GetCondition())
	found := false
	for _, c := range conds {
		if refsOf(c).subquery {
			found = true
		}
	}
	if !found {
		return nil, nil
	}
	n, err := b.width(ctx, f.GetInput())
	if err != nil {
		return nil, err
	}
	// Conditions without subqueries filter the input before the joins.
	var plain []*substraitpb.Expression
	for _, c := range conds {
		if !refsOf(c).subquery {
			plain = append(plain, c)
		}
	}
	in := f.GetInput()
	if len(plain) > 0 {
		in = &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{Input: in, Condition: b.and(plain)}}}
	}
	d := &decorrelator{b: b, cur: in, width: n}
	var rest []*substraitpb.Expression
	for _, c := range conds {
		if !refsOf(c).subquery {
			continue
		}
		done, err := d.conjunct(ctx, c)
		if err != nil {
			return nil, err
		}
		if done {
			continue
		}
		c, err = d.replace(ctx, c)
		if err != nil {
			return nil, err
		}
		rest = append(rest, c)
	}
	out := d.cur
	if len(rest) > 0 {
		out = &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{Input: out, Condition: b.and(rest)}}}
	}
	if d.width > n {
		mapping := make([]int32, n)
		for i := range mapping {
			mapping[i] = int32(i)
		}
		out = &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: &substraitpb.ProjectRel{
			Common: &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}},
			Input:  out}}}
	}
	return out, nil
}

// decorrelator joins subqueries onto cur, whose columns number width.
type decorrelator struct {
	b     *builder
	cur   *substraitpb.Rel
	width int
}

func (d *decorrelator) join(right *substraitpb.Rel, typ substraitpb.JoinRel_JoinType, conds []*substraitpb.Expression) {
	d.cur = &substraitpb.Rel{RelType: &substraitpb.Rel_Join{Join: &substraitpb.JoinRel{
		Left: d.cur, Right: right, Type: typ, Expression: d.b.and(conds)}}}
}

// conjunct rewrites a whole conjunct into a semi or anti join if it is an
// EXISTS, NOT EXISTS or IN predicate.
func (d *decorrelator) conjunct(ctx context.Context, c *substraitpb.Expression) (bool, error) {
	neg := false
	e := c
	if d.b.callName(c) == "not" && len(callArgs(c)) == 1 {
		neg, e = true, callArgs(c)[0]
	}
	sq := e.GetSubquery()
	if sq == nil {
		return false, nil
	}
	if sp := sq.GetSetPredicate(); sp != nil {
		typ := substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI
		switch sp.GetPredicateOp() {
		case substraitpb.Expression_Subquery_SetPredicate_PREDICATE_OP_EXISTS:
		default:
			return false, errkind.Errorf(errkind.Unimplemented, "subquery: set predicate %s", sp.GetPredicateOp())
		}
		if neg {
			typ = substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI
		}
		right, conds, err := d.correlated(ctx, sp.GetTuples())
		if err != nil {
			return false, err
		}
		d.join(right, typ, conds)
		return true, nil
	}
	if in := sq.GetInPredicate(); in != nil && !neg {
		conds, err := d.inConds(in)
		if err != nil {
			return false, err
		}
		d.join(in.GetHaystack(), substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, conds)
		return true, nil
	}
	return false, nil
}

// inConds returns the equalities of needles with the haystack's columns,
// which are joined after cur's.
func (d *decorrelator) inConds(in *substraitpb.Expression_Subquery_InPredicate) ([]*substraitpb.Expression, error) {
	if escapes(in.GetHaystack()) {
		return nil, errkind.Errorf(errkind.Unimplemented, "subquery: correlated IN subqueries")
	}
	var conds []*substraitpb.Expression
	for i, nd := range in.GetNeedles() {
		conds = append(conds, d.b.call("equal", nd, fieldExpr(d.width+i)))
	}
	return conds, nil
}

// correlated strips an EXISTS subquery to its filter and splits off the
// conditions that reference the outer query, rewritten as join conditions
// over cur's columns followed by the subquery's.
func (d *decorrelator) correlated(ctx context.Context, r *substraitpb.Rel) (*substraitpb.Rel, []*substraitpb.Expression, error) {
	for r.GetProject() != nil && r.GetProject().GetCommon().GetAdvancedExtension() == nil {
		r = r.GetProject().GetInput() // EXISTS ignores the select list
	}
	f := r.GetFilter()
	if f == nil || f.GetCommon().GetEmit() != nil {
		if escapes(r) {
			return nil, nil, errkind.Errorf(errkind.Unimplemented, "subquery: correlation outside a filter")
		}
		return r, nil, nil
	}
	var local, corr []*substraitpb.Expression
	for _, c := range d.b.conjuncts(f.GetCondition()) {
		if refsOf(c).outer {
			corr = append(corr, inlineOuter(c, func(i int) int { return d.width + i }, func(i int) int { return i }))
		} else {
			local = append(local, c)
		}
	}
	right := f.GetInput()
	if len(local) > 0 {
		right = &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{Input: right, Condition: d.b.and(local)}}}
	}
	if escapes(right) {
		return nil, nil, errkind.Errorf(errkind.Unimplemented, "subquery: correlation outside the subquery's top filter")
	}
	return right, corr, nil
}

// replace joins the subqueries inside c and replaces them by references
// to the joined columns.
func (d *decorrelator) replace(ctx context.Context, c *substraitpb.Expression) (*substraitpb.Expression, error) {
	c = proto.Clone(c).(*substraitpb.Expression)
	var err error
	forSubqueries(c, func(e *substraitpb.Expression) {
		if err != nil {
			return
		}
		var col int
		col, err = d.subquery(ctx, e.GetSubquery())
		if err == nil {
			e.RexType = fieldExpr(col).RexType
		}
	})
	return c, err
}

// subquery joins one subquery expression and returns the column holding
// its value.
func (d *decorrelator) subquery(ctx context.Context, sq *substraitpb.Expression_Subquery) (int, error) {
	switch {
	case sq.GetScalar() != nil:
		in := sq.GetScalar().GetInput()
		col := d.width
		if !escapes(in) {
			w, err := d.b.width(ctx, in)
			if err != nil {
				return 0, err
			}
			d.join(in, substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE, nil)
			d.width += w
			return col, nil
		}
		right, outer, err := d.b.groupCorrelated(ctx, in)
		if err != nil {
			return 0, err
		}
		var conds []*substraitpb.Expression
		for i, o := range outer {
			conds = append(conds, d.b.call("equal", o, fieldExpr(d.width+1+i)))
		}
		d.join(right, substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE, conds)
		d.width += 1 + len(outer)
		return col, nil
	case sq.GetInPredicate() != nil:
		conds, err := d.inConds(sq.GetInPredicate())
		if err != nil {
			return 0, err
		}
		col := d.width
		d.join(sq.GetInPredicate().GetHaystack(), substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK, conds)
		d.width++
		return col, nil
	case sq.GetSetPredicate() != nil:
		right, conds, err := d.correlated(ctx, sq.GetSetPredicate().GetTuples())
		if err != nil {
			return 0, err
		}
		if sq.GetSetPredicate().GetPredicateOp() != substraitpb.Expression_Subquery_SetPredicate_PREDICATE_OP_EXISTS {
			return 0, errkind.Errorf(errkind.Unimplemented, "subquery: set predicate %s", sq.GetSetPredicate().GetPredicateOp())
		}
		// EXISTS inside an expression: a mark join with an always-known
		// mark, as no key can be null when there are no keys.
		col := d.width
		d.join(right, substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK, conds)
		d.width++
		return col, nil
	}
	return 0, errkind.Errorf(errkind.Unimplemented, "subquery: %s subqueries are not supported", subqueryKind(sq))
}

func subqueryKind(sq *substraitpb.Expression_Subquery) string {
	m := sq.ProtoReflect()
	if od := m.Descriptor().Oneofs().ByName("subquery_type"); od != nil {
		if fd := m.WhichOneof(od); fd != nil {
			return string(fd.Name())
		}
	}
	return "unknown"
}

// forSubqueries calls f with each expression of e that is a subquery, not
// looking inside subqueries.
func forSubqueries(e *substraitpb.Expression, f func(*substraitpb.Expression)) {
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		if x, ok := m.Interface().(*substraitpb.Expression); ok && x.GetSubquery() != nil {
			f(x)
			return
		}
		forChildMessages(m, func(c protoreflect.Message) { walk(c) })
	}
	walk(e.ProtoReflect())
}

// escapes reports whether a relation references a query enclosing it.
func escapes(r *substraitpb.Rel) bool {
	esc := false
	walkRefs(r, func(fr *substraitpb.Expression_FieldReference, depth int) {
		if o := fr.GetOuterReference(); o != nil && int(o.GetStepsOut()) > depth {
			esc = true
		}
	}, nil)
	return esc
}

// groupCorrelated decorrelates a scalar subquery of the shape
// Project* → Aggregate (global) → Project* → Filter whose filter holds
// conditions inner = outer: the filter loses them, the aggregate groups by
// the inner sides, and the subquery outputs its value then those keys. It
// returns the new subquery and the outer sides, over the outer query's
// columns.
func (b *builder) groupCorrelated(ctx context.Context, in *substraitpb.Rel) (*substraitpb.Rel, []*substraitpb.Expression, error) {
	unsupported := func(why string) error {
		return errkind.Errorf(errkind.Unimplemented, "subquery: correlated scalar subquery: %s", why)
	}
	root := proto.Clone(in).(*substraitpb.Rel)
	var above, below []*substraitpb.ProjectRel
	var agg *substraitpb.AggregateRel
	var filterHolder **substraitpb.Rel
	r := &root
	for filterHolder == nil {
		switch rt := (*r).GetRelType().(type) {
		case *substraitpb.Rel_Project:
			if agg == nil {
				above = append(above, rt.Project)
			} else {
				below = append(below, rt.Project)
			}
			r = &rt.Project.Input
		case *substraitpb.Rel_Aggregate:
			if agg != nil {
				return nil, nil, unsupported("two aggregates")
			}
			g := rt.Aggregate.GetGroupings()
			if len(g) > 1 || (len(g) == 1 && (len(g[0].GetGroupingExpressions()) > 0 || len(g[0].GetExpressionReferences()) > 0)) {
				return nil, nil, unsupported("grouped aggregate")
			}
			for _, m := range rt.Aggregate.GetMeasures() {
				if name, _ := b.funcName(m.GetMeasure().GetFunctionReference()); name == "count" {
					return nil, nil, unsupported("count over a correlated group")
				}
			}
			agg = rt.Aggregate
			r = &rt.Aggregate.Input
		case *substraitpb.Rel_Filter:
			if agg == nil {
				return nil, nil, unsupported("no aggregate above the filter")
			}
			filterHolder = r
		default:
			return nil, nil, unsupported(relName(*r) + " in the correlated path")
		}
	}
	f := (*filterHolder).GetFilter()
	var local, inner, outer []*substraitpb.Expression
	for _, c := range b.conjuncts(f.GetCondition()) {
		ri := refsOf(c)
		if !ri.outer {
			local = append(local, c)
			continue
		}
		args := callArgs(c)
		if b.callName(c) != "equal" || len(args) != 2 {
			return nil, nil, unsupported("a correlated condition other than an equality")
		}
		a0, a1 := refsOf(args[0]), refsOf(args[1])
		switch {
		case !a0.outer && a1.outer && len(a1.fields) == 0:
			inner, outer = append(inner, args[0]), append(outer, args[1])
		case a0.outer && len(a0.fields) == 0 && !a1.outer:
			inner, outer = append(inner, args[1]), append(outer, args[0])
		default:
			return nil, nil, unsupported("an equality not of inner and outer expressions")
		}
	}
	for i, o := range outer {
		outer[i] = inlineOuter(o, func(i int) int { return i }, func(i int) int { return i })
	}
	if len(local) > 0 {
		f.Condition = b.and(local)
	} else {
		*filterHolder = f.GetInput()
	}
	// Carry the keys up through the projections below the aggregate.
	keys := inner
	added := 0
	for i := len(below) - 1; i >= 0; i-- {
		var err error
		if keys, err = b.passKeys(ctx, below[i], keys, added); err != nil {
			return nil, nil, err
		}
		added = len(keys)
	}
	k := len(keys)
	m := len(agg.GetMeasures())
	agg.GroupingExpressions = keys
	refs := make([]uint32, k)
	for i := range refs {
		refs[i] = uint32(i)
	}
	agg.Groupings = []*substraitpb.AggregateRel_Grouping{{ExpressionReferences: refs}}
	var mapping []int32
	if e := agg.GetCommon().GetEmit(); e != nil {
		for _, o := range e.GetOutputMapping() {
			mapping = append(mapping, o+int32(k))
		}
	} else {
		for i := range m {
			mapping = append(mapping, int32(k+i))
		}
	}
	width := len(mapping)
	keys = keys[:0:0]
	for i := range k {
		mapping = append(mapping, int32(i))
		keys = append(keys, fieldExpr(width+i))
	}
	if agg.Common == nil {
		agg.Common = &substraitpb.RelCommon{}
	}
	agg.Common.EmitKind = &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}
	for i := len(above) - 1; i >= 0; i-- {
		var err error
		if keys, err = b.passKeys(ctx, above[i], keys, k); err != nil {
			return nil, nil, err
		}
	}
	if escapes(root) {
		return nil, nil, unsupported("correlation outside the filter")
	}
	return root, outer, nil
}

// passKeys makes a projection output keys (expressions over its input) as
// its last columns, returning references to them. The projection's input
// has gained added columns at its end.
func (b *builder) passKeys(ctx context.Context, p *substraitpb.ProjectRel, keys []*substraitpb.Expression, added int) ([]*substraitpb.Expression, error) {
	w, err := b.width(ctx, p.GetInput())
	if err != nil {
		return nil, fmt.Errorf("subquery: %w", err)
	}
	oldW := w - added
	nexprs := len(p.GetExpressions())
	var mapping []int32
	if e := p.GetCommon().GetEmit(); e != nil {
		for _, o := range e.GetOutputMapping() {
			if int(o) >= oldW {
				o += int32(added)
			}
			mapping = append(mapping, o)
		}
	} else {
		for i := range oldW {
			mapping = append(mapping, int32(i))
		}
		for i := range nexprs {
			mapping = append(mapping, int32(w+i))
		}
	}
	p.Expressions = append(p.Expressions, keys...)
	out := make([]*substraitpb.Expression, len(keys))
	for i := range keys {
		out[i] = fieldExpr(len(mapping))
		mapping = append(mapping, int32(w+nexprs+i))
	}
	if p.Common == nil {
		p.Common = &substraitpb.RelCommon{}
	}
	p.Common.EmitKind = &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}
	return out, nil
}
