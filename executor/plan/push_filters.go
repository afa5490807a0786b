package plan

import (
	"context"
	"slices"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
)

// pushFilters moves filter conditions towards the scans, top-down: the
// conjuncts of a FilterRel that are plain (no subqueries, no references to
// an enclosing query) go below a projection that passes their columns
// through, below a sort, into the sides of joins that keep the side's
// rows as they are (both sides of an inner join, the preserved side of an
// outer, semi, anti, single or mark join), and finally into a ReadRel's
// filter, where the scan applies them and prunes row groups. Conjuncts
// already in a read's filter are dropped rather than applied twice, as
// DataFusion writes them both in the read and in a filter above it.
// Filters over cross products are left to the cross-product rewrite, and
// subqueries to the decorrelation. The tree is edited in place.
func (b *builder) pushFilters(ctx context.Context, r *substraitpb.Rel) *substraitpb.Rel {
	if f := r.GetFilter(); f != nil {
		b.factorJoinOrs(ctx, f)
	}
	for f := r.GetFilter(); f != nil; f = r.GetFilter() {
		nr := b.pushFilter(ctx, f)
		if nr == nil {
			break
		}
		r = nr
	}
	for _, in := range Inputs(r) {
		*in = b.pushFilters(ctx, *in)
	}
	return r
}

// factorJoinOrs factors the disjunctions of a filter over an inner join as
// the cross-product rewrite does (factorOrs), with the join's two sides as
// the tables: a conjunct common to every branch is pulled out, and each
// side every branch constrains gets the disjunction of those constraints as
// an implied filter, which pushFilter then moves below the join. A
// DataFrame producer writes TPC-H Q19 this way: the join on the part key,
// then one filter with the OR of three branches over both tables.
func (b *builder) factorJoinOrs(ctx context.Context, f *substraitpb.FilterRel) {
	j := f.GetInput().GetJoin()
	if j == nil || j.GetType() != substraitpb.JoinRel_JOIN_TYPE_INNER || j.GetCommon().GetEmit() != nil ||
		f.GetCommon().GetAdvancedExtension() != nil || f.GetCondition() == nil {
		return
	}
	conds := b.conjuncts(f.GetCondition())
	if !slices.ContainsFunc(conds, func(c *substraitpb.Expression) bool { return b.callName(c) == "or" }) {
		return
	}
	nl, err := b.width(ctx, j.GetLeft())
	if err != nil {
		return
	}
	nr, err := b.width(ctx, j.GetRight())
	if err != nil {
		return
	}
	side := func(i int) int {
		if i < nl {
			return 0
		}
		return 1
	}
	var out []*substraitpb.Expression
	for _, c := range b.factorOrs(conds, side, []int{0, nl, nl + nr}) {
		if !containsExpr(out, c) {
			out = append(out, c)
		}
	}
	f.Condition = b.and(out)
}

// pushFilter pushes what it can of f one step down, into a new filter on
// the relation below (which the caller pushes in turn), returning the
// relation replacing f's, or nil when nothing moved.
func (b *builder) pushFilter(ctx context.Context, f *substraitpb.FilterRel) *substraitpb.Rel {
	if f.GetCondition() == nil || f.GetCommon().GetAdvancedExtension() != nil {
		return nil
	}
	conds := b.conjuncts(f.GetCondition())
	var plain, rest []*substraitpb.Expression
	for _, c := range conds {
		if _, ok := inputFields(c); ok && isPlain(c) {
			plain = append(plain, c)
		} else {
			rest = append(rest, c)
		}
	}
	if len(plain) == 0 {
		return nil
	}
	in := f.GetInput()
	// left is the conjuncts staying in f; ok is false when none moved.
	var left []*substraitpb.Expression
	var ok bool
	switch rt := in.GetRelType().(type) {
	case *substraitpb.Rel_Filter:
		inner := rt.Filter
		if inner.GetCommon().GetEmit() != nil || inner.GetCommon().GetAdvancedExtension() != nil {
			return nil
		}
		// Merge: the inner filter takes the plain conjuncts.
		var add []*substraitpb.Expression
		have := b.conjuncts(inner.GetCondition())
		for _, c := range plain {
			if !containsExpr(have, c) {
				add = append(add, c)
			}
		}
		inner.Condition = b.and(append(have, add...))
		left, ok = rest, true
	case *substraitpb.Rel_Read:
		left, ok = b.pushIntoRead(rt.Read, plain)
		left = append(left, rest...)
	case *substraitpb.Rel_Project:
		// Below window functions, only filters on their partition keys
		// keep the windows' rows (window.go).
		movable := windowPartitionFields(rt.Project.GetExpressions())
		left, ok = b.pushThrough(ctx, &rt.Project.Input, plain, rt.Project.GetCommon().GetEmit(), func(d int, n int) int {
			if d < n && (movable == nil || movable[d]) {
				return d
			}
			return -1
		})
		left = append(left, rest...)
	case *substraitpb.Rel_Sort:
		left, ok = b.pushThrough(ctx, &rt.Sort.Input, plain, rt.Sort.GetCommon().GetEmit(), func(d, _ int) int { return d })
		left = append(left, rest...)
	case *substraitpb.Rel_Join:
		left, ok = b.pushIntoJoin(ctx, rt.Join, plain)
		left = append(left, rest...)
	default:
		return nil
	}
	if !ok {
		return nil
	}
	if len(left) == 0 {
		if e := f.GetCommon().GetEmit(); e != nil {
			return &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: &substraitpb.ProjectRel{
				Common: &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: e}}, Input: f.GetInput()}}}
		}
		return f.GetInput()
	}
	f.Condition = b.and(left)
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: f}}
}

func containsExpr(es []*substraitpb.Expression, e *substraitpb.Expression) bool {
	return slices.ContainsFunc(es, func(x *substraitpb.Expression) bool { return proto.Equal(x, e) })
}

// pushIntoRead adds conds (over the read's output) to its filter (over its
// base schema), returning the conjuncts it could not take.
func (b *builder) pushIntoRead(rd *substraitpb.ReadRel, conds []*substraitpb.Expression) ([]*substraitpb.Expression, bool) {
	if rd.GetCommon().GetEmit() != nil || rd.GetCommon().GetAdvancedExtension() != nil ||
		(rd.GetNamedTable() == nil && rd.GetLocalFiles() == nil) {
		return conds, false
	}
	var out []int
	if p := rd.GetProjection(); p != nil {
		for _, it := range p.GetSelect().GetStructItems() {
			if it.GetChild() != nil {
				return conds, false
			}
			out = append(out, int(it.GetField()))
		}
	} else {
		out = seq(len(rd.GetBaseSchema().GetNames()))
	}
	have := b.conjuncts(rd.GetFilter())
	n := len(have)
	for _, c := range conds {
		fields, _ := inputFields(c)
		if len(fields) > 0 && fields[len(fields)-1] >= len(out) {
			return conds, false
		}
		m := remapInput(c, func(i int) int { return out[i] })
		if !containsExpr(have, m) {
			have = append(have, m)
		}
	}
	if len(have) > n {
		rd.Filter = b.and(have)
	}
	return nil, true
}

// pushThrough moves conds below a single-input relation into a filter on
// its input, for the conjuncts whose columns all come through unchanged:
// toInput maps a direct output column (of n input columns) to the input
// column it passes, or -1.
func (b *builder) pushThrough(ctx context.Context, in **substraitpb.Rel, conds []*substraitpb.Expression, emit *substraitpb.RelCommon_Emit, toInput func(d, n int) int) ([]*substraitpb.Expression, bool) {
	n, err := b.width(ctx, *in)
	if err != nil {
		return conds, false
	}
	var down, left []*substraitpb.Expression
	for _, c := range conds {
		fields, _ := inputFields(c)
		movable := true
		for _, fld := range fields {
			d := fld
			if emit != nil {
				if fld >= len(emit.GetOutputMapping()) {
					movable = false
					break
				}
				d = int(emit.GetOutputMapping()[fld])
			}
			if toInput(d, n) < 0 {
				movable = false
				break
			}
		}
		if !movable {
			left = append(left, c)
			continue
		}
		down = append(down, remapInput(c, func(i int) int {
			if emit != nil {
				i = int(emit.GetOutputMapping()[i])
			}
			return toInput(i, n)
		}))
	}
	if len(down) == 0 {
		return conds, false
	}
	*in = filterOn(*in, b.and(down))
	return left, true
}

// pushIntoJoin moves the conjuncts over one side of a join into a filter
// on that side, where the join type allows.
func (b *builder) pushIntoJoin(ctx context.Context, j *substraitpb.JoinRel, conds []*substraitpb.Expression) ([]*substraitpb.Expression, bool) {
	if j.GetCommon().GetAdvancedExtension() != nil {
		return conds, false
	}
	nl, err := b.width(ctx, j.GetLeft())
	if err != nil {
		return conds, false
	}
	nr, err := b.width(ctx, j.GetRight())
	if err != nil {
		return conds, false
	}
	var pushLeft, pushRight bool
	// outLeft maps a direct output column to a left (>= 0) or right
	// (encoded as -1-i) input column, or -2*nr-2 when neither.
	none := -2*nr - 2
	outLeft := func(d int) int {
		if d < nl {
			return d
		}
		if d-nl < nr {
			return -1 - (d - nl)
		}
		return none
	}
	switch j.GetType() {
	case substraitpb.JoinRel_JOIN_TYPE_INNER:
		pushLeft, pushRight = true, true
	case substraitpb.JoinRel_JOIN_TYPE_LEFT, substraitpb.JoinRel_JOIN_TYPE_LEFT_SINGLE:
		pushLeft = true
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT:
		pushRight = true
	case substraitpb.JoinRel_JOIN_TYPE_LEFT_SEMI, substraitpb.JoinRel_JOIN_TYPE_LEFT_ANTI, substraitpb.JoinRel_JOIN_TYPE_LEFT_MARK:
		pushLeft = true
		outLeft = func(d int) int {
			if d < nl {
				return d
			}
			return none
		}
	case substraitpb.JoinRel_JOIN_TYPE_RIGHT_SEMI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_ANTI, substraitpb.JoinRel_JOIN_TYPE_RIGHT_MARK:
		pushRight = true
		outLeft = func(d int) int {
			if d < nr {
				return -1 - d
			}
			return none
		}
	default:
		return conds, false
	}
	emit := j.GetCommon().GetEmit()
	direct := func(i int) int {
		if emit != nil {
			if i >= len(emit.GetOutputMapping()) {
				return -1 << 30
			}
			return int(emit.GetOutputMapping()[i])
		}
		return i
	}
	var toLeft, toRight, left []*substraitpb.Expression
	for _, c := range conds {
		fields, _ := inputFields(c)
		allL, allR := len(fields) > 0, len(fields) > 0
		for _, fld := range fields {
			d := direct(fld)
			if d < 0 {
				allL, allR = false, false
				break
			}
			x := outLeft(d)
			if x == none {
				allL, allR = false, false
				break
			}
			if x >= 0 {
				allR = false
			} else {
				allL = false
			}
		}
		switch {
		case allL && pushLeft:
			toLeft = append(toLeft, remapInput(c, func(i int) int { return outLeft(direct(i)) }))
		case allR && pushRight:
			toRight = append(toRight, remapInput(c, func(i int) int { return -1 - outLeft(direct(i)) }))
		default:
			left = append(left, c)
		}
	}
	if len(toLeft) == 0 && len(toRight) == 0 {
		return conds, false
	}
	if len(toLeft) > 0 {
		j.Left = filterOn(j.Left, b.and(toLeft))
	}
	if len(toRight) > 0 {
		j.Right = filterOn(j.Right, b.and(toRight))
	}
	return left, true
}

// filterOn is a filter of r on cond.
func filterOn(r *substraitpb.Rel, cond *substraitpb.Expression) *substraitpb.Rel {
	return &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{Input: r, Condition: cond}}}
}
