package plan

import (
	"slices"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Field references as the plan rules (column pruning, filter pushdown) see
// them: an expression's references to its own input are the root
// references outside subqueries and the outer references that step out of
// exactly the subqueries they sit in. Unlike walkRefs, a subquery's
// needles (IN) and left operand (comparison) stay in the enclosing scope:
// only the subquery's relation is a new scope.

// visitInputRefs calls f with each struct-field reference of e (an
// expression, or any message holding expressions over one input) to that
// input. It returns false when some reference to the input is not a
// plain struct field (a masked reference or an expression root), which a
// rule cannot remap.
func visitInputRefs(m proto.Message, f func(sf *substraitpb.Expression_ReferenceSegment_StructField)) bool {
	ok := true
	var walk func(m protoreflect.Message, depth int)
	walkAll := func(m protoreflect.Message, depth int) {
		forChildMessages(m, func(c protoreflect.Message) { walk(c, depth) })
	}
	walk = func(m protoreflect.Message, depth int) {
		switch x := m.Interface().(type) {
		case *substraitpb.Expression_FieldReference:
			mine := (depth == 0 && x.GetRootReference() != nil) ||
				(depth > 0 && x.GetOuterReference() != nil && int(x.GetOuterReference().GetStepsOut()) == depth)
			if !mine {
				if x.GetExpression() != nil {
					walk(x.GetExpression().ProtoReflect(), depth)
				}
				return
			}
			sf := x.GetDirectReference().GetStructField()
			if sf == nil {
				ok = false
				return
			}
			f(sf)
			return
		case *substraitpb.Expression_Subquery:
			switch st := x.GetSubqueryType().(type) {
			case *substraitpb.Expression_Subquery_InPredicate_:
				for _, n := range st.InPredicate.GetNeedles() {
					walk(n.ProtoReflect(), depth)
				}
				if h := st.InPredicate.GetHaystack(); h != nil {
					walk(h.ProtoReflect(), depth+1)
				}
			case *substraitpb.Expression_Subquery_SetComparison_:
				if l := st.SetComparison.GetLeft(); l != nil {
					walk(l.ProtoReflect(), depth)
				}
				if r := st.SetComparison.GetRight(); r != nil {
					walk(r.ProtoReflect(), depth+1)
				}
			default:
				walkAll(m, depth+1)
			}
			return
		}
		walkAll(m, depth)
	}
	if m != nil {
		walk(m.ProtoReflect(), 0)
	}
	return ok
}

// inputFields returns the input fields e references, sorted; ok is false
// when they cannot all be known (see visitInputRefs).
func inputFields(es ...*substraitpb.Expression) (fields []int, ok bool) {
	ok = true
	for _, e := range es {
		if e == nil {
			continue
		}
		if !visitInputRefs(e, func(sf *substraitpb.Expression_ReferenceSegment_StructField) {
			fields = append(fields, int(sf.GetField()))
		}) {
			ok = false
		}
	}
	slices.Sort(fields)
	return slices.Compact(fields), ok
}

// remapInput returns a copy of e with its input references renumbered by
// to. REQUIRES: inputFields(e) is ok and to covers its fields.
func remapInput[M proto.Message](e M, to func(int) int) M {
	c := proto.Clone(e).(M)
	visitInputRefs(c, func(sf *substraitpb.Expression_ReferenceSegment_StructField) {
		sf.Field = int32(to(int(sf.GetField())))
	})
	return c
}

// isPlain reports whether e is an expression rules may move between
// relations: no subqueries and no references to an enclosing query.
func isPlain(e *substraitpb.Expression) bool {
	ri := refsOf(e)
	return !ri.subquery && !ri.outer
}
