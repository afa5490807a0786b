package plan

import (
	"context"
	"slices"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// filterRel plans a FilterRel, first rewriting a filter over cross
// products into joins and decorrelating subqueries in its condition.
func (b *builder) filterRel(ctx context.Context, f *substraitpb.FilterRel) (op.Operator, error) {
	r, err := b.rewriteCrossFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	if r == nil {
		if r, err = b.rewriteSubqueries(ctx, f); err != nil {
			return nil, err
		}
	}
	if r == nil {
		// Push what the rewrites left (a filter they put over a read, say)
		// down; f's emit is applied by the caller, so not carried along.
		// The input is copied: the rewrites share relations with the
		// plan, which estimates still read.
		in := proto.Clone(f.GetInput()).(*substraitpb.Rel)
		r = b.pushFilter(ctx, &substraitpb.FilterRel{Input: in, Condition: f.GetCondition()})
	}
	if r != nil {
		return b.rel(ctx, r)
	}
	return b.filter(ctx, f)
}

// rewriteCrossFilter turns Filter(Cross(Cross(A, B), C), cond), as Isthmus
// writes every multi-table FROM, into joins: each conjunct of cond over one
// table becomes a filter on that table, each over several tables a
// condition of the first join that has them all, and the rest (constant,
// correlated or with subqueries) stays in a filter on top. Joins are
// ordered greedily: start from the largest table, then repeatedly join the
// smallest table connected to those joined so far, so hash tables are built
// on small inputs. A projection restores the cross product's column order.
// It returns nil when f's input is not a cross product.
func (b *builder) rewriteCrossFilter(ctx context.Context, f *substraitpb.FilterRel) (*substraitpb.Rel, error) {
	var leaves []*substraitpb.Rel
	var flatten func(r *substraitpb.Rel)
	flatten = func(r *substraitpb.Rel) {
		if c := r.GetCross(); c != nil && c.GetCommon().GetEmit() == nil && c.GetCommon().GetAdvancedExtension() == nil {
			flatten(c.GetLeft())
			flatten(c.GetRight())
			return
		}
		leaves = append(leaves, r)
	}
	if f.GetInput().GetCross() == nil {
		return nil, nil
	}
	flatten(f.GetInput())
	// offsets[i] is leaf i's first column in the cross product.
	offsets := make([]int, len(leaves)+1)
	for i, l := range leaves {
		w, err := b.width(ctx, l)
		if err != nil {
			return nil, err
		}
		offsets[i+1] = offsets[i] + w
	}
	leafOf := func(field int) int {
		for i := range leaves {
			if field < offsets[i+1] {
				return i
			}
		}
		return len(leaves) - 1
	}
	type cond struct {
		e      *substraitpb.Expression
		leaves []int // sorted
		used   bool
	}
	var top []*substraitpb.Expression
	var multi []*cond
	pushed := make([][]*substraitpb.Expression, len(leaves))
	for _, c := range b.factorOrs(b.conjuncts(f.GetCondition()), leafOf, offsets) {
		ri := refsOf(c)
		if ri.subquery || ri.outer || len(ri.fields) == 0 {
			top = append(top, c)
			continue
		}
		var ls []int
		for _, fld := range ri.fields {
			ls = append(ls, leafOf(fld))
		}
		slices.Sort(ls)
		ls = slices.Compact(ls)
		if len(ls) == 1 {
			off := offsets[ls[0]]
			pushed[ls[0]] = append(pushed[ls[0]], mapFields(c, func(i int) int { return i - off }))
			continue
		}
		multi = append(multi, &cond{e: c, leaves: ls})
	}
	rels := make([]*substraitpb.Rel, len(leaves))
	est := make([]float64, len(leaves))
	for i, l := range leaves {
		rels[i] = l
		if len(pushed[i]) > 0 {
			rels[i] = &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{
				Input: l, Condition: b.and(pushed[i])}}}
		}
		est[i] = b.estimate(rels[i])
	}
	// Greedy join order.
	in := make([]bool, len(leaves))
	pos := make([]int, len(leaves)) // leaf -> first column in the join tree
	start := 0
	for i := range leaves {
		if est[i] > est[start] {
			start = i
		}
	}
	acc, width := rels[start], offsets[start+1]-offsets[start]
	in[start] = true
	newPos := func(field int) int {
		l := leafOf(field)
		return pos[l] + field - offsets[l]
	}
	// ndv estimates the distinct values of a cross-product column.
	ndv := func(field int) float64 {
		l := leafOf(field)
		return b.distinct(rels[l], field-offsets[l])
	}
	accRows := est[start]
	for range len(leaves) - 1 {
		// Pick the connected table whose join is estimated smallest:
		// |acc|·|leaf| / max(ndv) over the equalities joining it.
		pick, pickRows := -1, 0.0
		for i := range leaves {
			if in[i] {
				continue
			}
			connected := false
			rows := accRows * est[i]
			for _, c := range multi {
				if c.used || !slices.Contains(c.leaves, i) || !covered(c.leaves, in, i) {
					continue
				}
				connected = true
				if b.callName(c.e) != "equal" {
					continue
				}
				args := callArgs(c.e)
				a0, a1 := refsOf(args[0]).fields, refsOf(args[1]).fields
				if len(a0) == 1 && len(a1) == 1 && args[0].GetSelection() != nil && args[1].GetSelection() != nil {
					rows = min(rows, accRows*est[i]/max(ndv(a0[0]), ndv(a1[0]), 1))
				}
			}
			if connected && (pick < 0 || rows < pickRows || (rows == pickRows && est[i] < est[pick])) {
				pick, pickRows = i, rows
			}
		}
		if pick >= 0 {
			accRows = max(pickRows, 1)
		}
		if pick < 0 {
			for i := range leaves {
				if !in[i] && (pick < 0 || est[i] < est[pick]) {
					pick = i
				}
			}
			accRows *= est[pick]
		}
		in[pick] = true
		pos[pick] = width
		width += offsets[pick+1] - offsets[pick]
		var conds []*substraitpb.Expression
		for _, c := range multi {
			if !c.used && covered(c.leaves, in, -1) {
				c.used = true
				conds = append(conds, mapFields(c.e, newPos))
			}
		}
		if len(conds) == 0 {
			acc = &substraitpb.Rel{RelType: &substraitpb.Rel_Cross{Cross: &substraitpb.CrossRel{Left: acc, Right: rels[pick]}}}
		} else {
			acc = &substraitpb.Rel{RelType: &substraitpb.Rel_Join{Join: &substraitpb.JoinRel{
				Left: acc, Right: rels[pick], Expression: b.and(conds), Type: substraitpb.JoinRel_JOIN_TYPE_INNER}}}
		}
	}
	mapping := make([]int32, offsets[len(leaves)])
	for i := range mapping {
		mapping[i] = int32(newPos(i))
	}
	out := &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: &substraitpb.ProjectRel{
		Common: &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: &substraitpb.RelCommon_Emit{OutputMapping: mapping}}},
		Input:  acc}}}
	if len(top) > 0 {
		out = &substraitpb.Rel{RelType: &substraitpb.Rel_Filter{Filter: &substraitpb.FilterRel{Input: out, Condition: b.and(top)}}}
	}
	return out, nil
}

// covered reports whether every leaf of ls is joined, or is extra.
func covered(ls []int, in []bool, extra int) bool {
	for _, l := range ls {
		if !in[l] && l != extra {
			return false
		}
	}
	return true
}

// factorOrs rewrites disjunctions among conds: conjuncts common to every
// branch are pulled out ((a and b) or (a and c) is a and (b or c)), so a
// join key hidden in each branch becomes a key; and for each table that
// every branch constrains, the disjunction of those constraints is added
// as an implied filter on the table.
func (b *builder) factorOrs(conds []*substraitpb.Expression, leafOf func(int) int, offsets []int) []*substraitpb.Expression {
	var out []*substraitpb.Expression
	for _, c := range conds {
		if b.callName(c) != "or" {
			out = append(out, c)
			continue
		}
		var branches [][]*substraitpb.Expression
		for _, d := range b.disjuncts(c) {
			branches = append(branches, b.conjuncts(d))
		}
		var common []*substraitpb.Expression
		for _, x := range branches[0] {
			inAll := true
			for _, br := range branches[1:] {
				if !slices.ContainsFunc(br, func(y *substraitpb.Expression) bool { return proto.Equal(x, y) }) {
					inAll = false
					break
				}
			}
			if inAll {
				common = append(common, x)
			}
		}
		if len(common) == 0 {
			out = append(out, c)
		} else {
			out = append(out, common...)
			var ors []*substraitpb.Expression
			for i, br := range branches {
				branches[i] = slices.DeleteFunc(slices.Clone(br), func(y *substraitpb.Expression) bool {
					return slices.ContainsFunc(common, func(x *substraitpb.Expression) bool { return proto.Equal(x, y) })
				})
				if len(branches[i]) == 0 {
					ors = nil // one branch is just the common part: the rest is implied
					break
				}
				ors = append(ors, b.and(branches[i]))
			}
			if ors != nil {
				out = append(out, b.or(ors))
			}
		}
		// Implied single-table filters.
		for leaf := range len(offsets) - 1 {
			var ors []*substraitpb.Expression
			for _, br := range branches {
				var mine []*substraitpb.Expression
				for _, x := range br {
					ri := refsOf(x)
					if ri.outer || ri.subquery || len(ri.fields) == 0 {
						continue
					}
					if leafOf(ri.fields[0]) == leaf && leafOf(ri.fields[len(ri.fields)-1]) == leaf {
						mine = append(mine, x)
					}
				}
				if len(mine) == 0 {
					ors = nil
					break
				}
				ors = append(ors, b.and(mine))
			}
			if len(ors) > 0 {
				out = append(out, b.or(ors))
			}
		}
	}
	return out
}

// disjuncts splits a condition on "or".
func (b *builder) disjuncts(e *substraitpb.Expression) []*substraitpb.Expression {
	if b.callName(e) == "or" {
		var out []*substraitpb.Expression
		for _, a := range callArgs(e) {
			out = append(out, b.disjuncts(a)...)
		}
		return out
	}
	return []*substraitpb.Expression{e}
}

func (b *builder) or(cs []*substraitpb.Expression) *substraitpb.Expression {
	if len(cs) == 1 {
		return cs[0]
	}
	return b.call("or", cs...)
}

// rewriteCrosses applies rewriteCrossFilter through a relation tree
// ahead of binding (subqueries' relations are left to binding), so that
// the rules after it (pushFilters, pruneColumns) see the joins: the join
// keys are then dropped above each join instead of being carried to the
// cross product's full width. The tree is edited in place.
func (b *builder) rewriteCrosses(ctx context.Context, r *substraitpb.Rel) (*substraitpb.Rel, error) {
	if f := r.GetFilter(); f != nil && f.GetInput().GetCross() != nil && f.GetCommon().GetAdvancedExtension() == nil {
		nr, err := b.rewriteCrossFilter(ctx, f)
		if err != nil {
			return nil, err
		}
		if nr != nil {
			if e := f.GetCommon().GetEmit(); e != nil {
				nr = &substraitpb.Rel{RelType: &substraitpb.Rel_Project{Project: &substraitpb.ProjectRel{
					Common: &substraitpb.RelCommon{EmitKind: &substraitpb.RelCommon_Emit_{Emit: e}}, Input: nr}}}
			}
			r = nr
		}
	}
	for _, in := range Inputs(r) {
		var err error
		if *in, err = b.rewriteCrosses(ctx, *in); err != nil {
			return nil, err
		}
	}
	return r, nil
}
