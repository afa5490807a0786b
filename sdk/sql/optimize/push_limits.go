package optimize

import (
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// PushLimits moves each LIMIT down to where it saves work:
//
//   - through a projection (one row out per row in), so the projection
//     computes only the rows kept and the limit meets what is below;
//   - onto a sort, where it stays: a Substrait Fetch directly over a Sort,
//     which the engine runs as one top-N operator (executor/plan, fetch),
//     keeping only offset+count rows instead of sorting everything;
//   - merged with a limit directly below it;
//   - copied (as a limit of offset+count rows) into the preserved input of
//     a left or right join, which outputs at least one row per row of it,
//     and into every input of a UNION ALL. Without ORDER BY any
//     offset+count rows are an answer.
//
// A limit stays above a filter, an aggregate, an inner join and a sort.
type PushLimits struct{}

// NewPushLimits returns the rule.
func NewPushLimits() *PushLimits { return &PushLimits{} }

// Name returns "push_limits".
func (*PushLimits) Name() string { return "push_limits" }

// Rewrite pushes every limit of the plan down.
func (r *PushLimits) Rewrite(n logical.Node) (logical.Node, error) {
	n, err := mapInputs(n, r.Rewrite)
	if err != nil {
		return nil, err
	}
	l, ok := n.(*logical.Limit)
	if !ok {
		return n, nil
	}
	return r.push(l), nil
}

// push places l, whose input is already rewritten.
func (r *PushLimits) push(l *logical.Limit) logical.Node {
	switch in := l.Input.(type) {
	case *logical.Project:
		c := *in
		c.Input = r.push(&logical.Limit{Input: in.Input, Offset: l.Offset, Count: l.Count})
		return &c
	case *logical.Limit:
		return r.push(mergeLimits(l, in))
	case *logical.SetOp:
		if in.Kind != logical.UnionAll || l.Count < 0 {
			return l
		}
		// Any offset+count rows of the union are among the first
		// offset+count of each input.
		u := *in
		u.Operands = make([]logical.Node, len(in.Operands))
		changed := false
		for i, op := range in.Operands {
			u.Operands[i] = op
			if !covered(op, l.Offset+l.Count) {
				u.Operands[i] = r.push(&logical.Limit{Input: op, Count: l.Offset + l.Count})
				changed = true
			}
		}
		if !changed {
			return l
		}
		return &logical.Limit{Input: &u, Offset: l.Offset, Count: l.Count}
	case *logical.Join:
		if l.Count < 0 || (in.Type != logical.JoinLeft && in.Type != logical.JoinRight) {
			return l
		}
		keep := &logical.Limit{Count: l.Offset + l.Count}
		j := *in
		if in.Type == logical.JoinLeft {
			if covered(in.Left, keep.Count) {
				return l
			}
			keep.Input = in.Left
			j.Left = r.push(keep)
		} else {
			if covered(in.Right, keep.Count) {
				return l
			}
			keep.Input = in.Right
			j.Right = r.push(keep)
		}
		return &logical.Limit{Input: &j, Offset: l.Offset, Count: l.Count}
	}
	return l
}

// covered reports whether n is already a limit of at most count rows from
// offset 0, so copying one there again would change nothing.
func covered(n logical.Node, count int64) bool {
	for {
		switch x := n.(type) {
		case *logical.Limit:
			return x.Offset == 0 && x.Count >= 0 && x.Count <= count
		case *logical.Project:
			n = x.Input
		default:
			return false
		}
	}
}

// mergeLimits returns the one limit equal to outer over inner.
func mergeLimits(outer, inner *logical.Limit) *logical.Limit {
	count := outer.Count
	if inner.Count >= 0 {
		left := max(inner.Count-outer.Offset, 0)
		if count < 0 || left < count {
			count = left
		}
	}
	return &logical.Limit{Input: inner.Input, Offset: inner.Offset + outer.Offset, Count: count}
}
