package logical

import (
	"fmt"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
)

// SetKind is the operation of a SetOp.
type SetKind int

const (
	// UnionAll keeps every row of every input.
	UnionAll SetKind = iota
	// UnionDistinct keeps each distinct row of the inputs once.
	UnionDistinct
	// IntersectDistinct keeps each distinct row present in every input once.
	IntersectDistinct
	// ExceptDistinct keeps each distinct row of the first input present in
	// no other input once.
	ExceptDistinct
	// IntersectAll keeps a row min(m, n1, …) times, m and ni its counts in
	// the first and the other inputs (INTERSECT ALL).
	IntersectAll
	// ExceptAll keeps a row max(0, m - Σni) times (EXCEPT ALL).
	ExceptAll
)

func (k SetKind) String() string {
	switch k {
	case UnionAll:
		return "union all"
	case UnionDistinct:
		return "union"
	case IntersectDistinct:
		return "intersect"
	case ExceptDistinct:
		return "except"
	case IntersectAll:
		return "intersect all"
	case ExceptAll:
		return "except all"
	}
	return fmt.Sprintf("SetKind(%d)", int(k))
}

func (k SetKind) substrait() substraitpb.SetRel_SetOp {
	switch k {
	case UnionAll:
		return substraitpb.SetRel_SET_OP_UNION_ALL
	case UnionDistinct:
		return substraitpb.SetRel_SET_OP_UNION_DISTINCT
	case IntersectDistinct:
		return substraitpb.SetRel_SET_OP_INTERSECTION_MULTISET
	case ExceptDistinct:
		return substraitpb.SetRel_SET_OP_MINUS_PRIMARY
	case IntersectAll:
		return substraitpb.SetRel_SET_OP_INTERSECTION_MULTISET_ALL
	case ExceptAll:
		return substraitpb.SetRel_SET_OP_MINUS_PRIMARY_ALL
	}
	return substraitpb.SetRel_SET_OP_UNSPECIFIED
}

// SetOp combines the rows of its inputs.
// REQUIRES: len(Inputs) >= 2 and the inputs' schemas have the same types,
// nullability aside (the builder inserts the casts).
type SetOp struct {
	Kind     SetKind
	Operands []Node
}

// Schema returns the first input's names; a column is nullable when it is
// in any input.
func (s *SetOp) Schema() Schema {
	out := append(Schema{}, s.Operands[0].Schema()...)
	for _, in := range s.Operands[1:] {
		for i, f := range in.Schema() {
			if IsNullable(f.Type) {
				out[i].Type = WithNull(out[i].Type, true)
			}
		}
	}
	return out
}

// Inputs returns the inputs.
func (s *SetOp) Inputs() []Node { return s.Operands }
