package plan

import (
	"context"
	"fmt"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// reference plans a ReferenceRel: the plan-level relation at the ordinal,
// built once and shared by every reference to it. Operators are immutable,
// so the shared subtree is simply opened (and computed) once per use.
func (b *builder) reference(ctx context.Context, r *substraitpb.ReferenceRel) (op.Operator, error) {
	ord := int(r.GetSubtreeOrdinal())
	rels := b.plan.GetRelations()
	if ord < 0 || ord >= len(rels) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "reference: subtree ordinal %d out of range: the plan has %d relations", ord, len(rels))
	}
	if o, ok := b.refs[ord]; ok {
		return o, nil
	}
	if b.building[ord] {
		return nil, errkind.Errorf(errkind.InvalidArgument, "reference: relation %d refers to itself", ord)
	}
	rel := rels[ord].GetRel()
	if rel == nil {
		rel = rels[ord].GetRoot().GetInput()
	}
	if b.building == nil {
		b.building, b.refs = map[int]bool{}, map[int]op.Operator{}
	}
	b.building[ord] = true
	o, err := b.rel(ctx, rel)
	delete(b.building, ord)
	if err != nil {
		return nil, fmt.Errorf("reference %d: %w", ord, err)
	}
	b.refs[ord] = o
	return o, nil
}
