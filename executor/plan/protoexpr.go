package plan

import (
	"slices"
	"strings"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Helpers for the plan rewrites, which work on Substrait protobuf
// expressions before binding.

// callName returns the simple name of a scalar function call, or "".
func (b *builder) callName(e *substraitpb.Expression) string {
	f := e.GetScalarFunction()
	if f == nil {
		return ""
	}
	name, ok := b.funcs[f.GetFunctionReference()]
	if !ok {
		return ""
	}
	simple, _, _ := strings.Cut(name, ":")
	return simple
}

// callArgs returns the value arguments of a scalar function call.
func callArgs(e *substraitpb.Expression) []*substraitpb.Expression {
	var out []*substraitpb.Expression
	for _, a := range e.GetScalarFunction().GetArguments() {
		out = append(out, a.GetValue())
	}
	return out
}

// conjuncts splits a condition on "and".
func (b *builder) conjuncts(e *substraitpb.Expression) []*substraitpb.Expression {
	if e == nil {
		return nil
	}
	if b.callName(e) == "and" {
		var out []*substraitpb.Expression
		for _, a := range callArgs(e) {
			out = append(out, b.conjuncts(a)...)
		}
		return out
	}
	return []*substraitpb.Expression{e}
}

// anchor returns a function anchor declaring the simple name, adding one
// to the builder's extensions when the plan declares none.
func (b *builder) anchor(name string) uint32 {
	var max uint32
	for a, n := range b.funcs {
		if simple, _, _ := strings.Cut(n, ":"); simple == name {
			return a
		}
		if a > max {
			max = a
		}
	}
	a := max + 1
	b.funcs[a] = name
	return a
}

func boolType() *substraitpb.Type {
	return &substraitpb.Type{Kind: &substraitpb.Type_Bool{Bool: &substraitpb.Type_Boolean{Nullability: substraitpb.Type_NULLABILITY_NULLABLE}}}
}

// call builds a boolean scalar function call.
func (b *builder) call(name string, args ...*substraitpb.Expression) *substraitpb.Expression {
	f := &substraitpb.Expression_ScalarFunction{FunctionReference: b.anchor(name), OutputType: boolType()}
	for _, a := range args {
		f.Arguments = append(f.Arguments, &substraitpb.FunctionArgument{ArgType: &substraitpb.FunctionArgument_Value{Value: a}})
	}
	return &substraitpb.Expression{RexType: &substraitpb.Expression_ScalarFunction_{ScalarFunction: f}}
}

// and combines conditions; nil for none.
func (b *builder) and(cs []*substraitpb.Expression) *substraitpb.Expression {
	switch len(cs) {
	case 0:
		return nil
	case 1:
		return cs[0]
	}
	return b.call("and", cs...)
}

// fieldExpr is a reference to field i of the input.
func fieldExpr(i int) *substraitpb.Expression {
	return &substraitpb.Expression{RexType: &substraitpb.Expression_Selection{Selection: &substraitpb.Expression_FieldReference{
		ReferenceType: &substraitpb.Expression_FieldReference_DirectReference{DirectReference: &substraitpb.Expression_ReferenceSegment{
			ReferenceType: &substraitpb.Expression_ReferenceSegment_StructField_{StructField: &substraitpb.Expression_ReferenceSegment_StructField{Field: int32(i)}}}},
		RootType: &substraitpb.Expression_FieldReference_RootReference_{RootReference: &substraitpb.Expression_FieldReference_RootReference{}},
	}}}
}

// refInfo summarises the references of an expression.
type refInfo struct {
	fields   []int // root fields referenced at the top level, sorted
	outer    bool  // references an enclosing query (at the top level)
	subquery bool  // contains a subquery
}

func refsOf(e *substraitpb.Expression) refInfo {
	var ri refInfo
	walkRefs(e, func(fr *substraitpb.Expression_FieldReference, depth int) {
		if depth > 0 {
			return
		}
		if fr.GetOuterReference() != nil {
			ri.outer = true
			return
		}
		if sf := fr.GetDirectReference().GetStructField(); sf != nil && fr.GetRootReference() != nil {
			ri.fields = append(ri.fields, int(sf.GetField()))
		}
	}, func() { ri.subquery = true })
	slices.Sort(ri.fields)
	ri.fields = slices.Compact(ri.fields)
	return ri
}

// walkRefs calls f with every field reference in m and its nested
// messages, with the number of subqueries it sits in relative to m; onSub
// is called for each subquery.
func walkRefs(m proto.Message, f func(fr *substraitpb.Expression_FieldReference, depth int), onSub func()) {
	var walk func(m protoreflect.Message, depth int)
	walk = func(m protoreflect.Message, depth int) {
		switch x := m.Interface().(type) {
		case *substraitpb.Expression_FieldReference:
			f(x, depth)
		case *substraitpb.Expression_Subquery:
			if onSub != nil {
				onSub()
			}
			depth++
		}
		forChildMessages(m, func(c protoreflect.Message) { walk(c, depth) })
	}
	if m == nil {
		return
	}
	walk(m.ProtoReflect(), 0)
}

// forChildMessages calls fn with each message directly under m: singular
// message fields and the elements of repeated ones (maps hold no
// expressions in Substrait and are skipped).
func forChildMessages(m protoreflect.Message, fn func(protoreflect.Message)) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil || fd.IsMap():
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				fn(l.Get(i).Message())
			}
		default:
			fn(v.Message())
		}
		return true
	})
}

// mapFields returns a copy of m (an expression or relation) with the field
// references to the scope m is evaluated in rewritten: root references at
// the top level and outer references that step out of all the subqueries
// they are in. to gives the new field for an old one.
func mapFields[M proto.Message](m M, to func(int) int) M {
	c := proto.Clone(m).(M)
	walkRefs(c, func(fr *substraitpb.Expression_FieldReference, depth int) {
		sf := fr.GetDirectReference().GetStructField()
		if sf == nil {
			return
		}
		if depth == 0 && fr.GetRootReference() != nil {
			sf.Field = int32(to(int(sf.GetField())))
		}
		if o := fr.GetOuterReference(); o != nil && depth > 0 && int(o.GetStepsOut()) == depth {
			sf.Field = int32(to(int(sf.GetField())))
		}
	}, nil)
	return c
}

// inlineOuter returns a copy of e in which outer references stepping out
// of one subquery (from e's own scope) become root references mapped by
// outer, and e's root references are mapped by inner: e moves from a
// subquery into a join condition over the outer input followed by the
// subquery's.
func inlineOuter(e *substraitpb.Expression, inner, outer func(int) int) *substraitpb.Expression {
	c := proto.Clone(e).(*substraitpb.Expression)
	walkRefs(c, func(fr *substraitpb.Expression_FieldReference, depth int) {
		sf := fr.GetDirectReference().GetStructField()
		if sf == nil {
			return
		}
		switch {
		case depth == 0 && fr.GetRootReference() != nil:
			sf.Field = int32(inner(int(sf.GetField())))
		case depth == 0 && fr.GetOuterReference().GetStepsOut() == 1:
			sf.Field = int32(outer(int(sf.GetField())))
			fr.RootType = &substraitpb.Expression_FieldReference_RootReference_{RootReference: &substraitpb.Expression_FieldReference_RootReference{}}
		case depth > 0 && fr.GetOuterReference() != nil && int(fr.GetOuterReference().GetStepsOut()) == depth:
			// Refers to e's own scope (the subquery's input).
			sf.Field = int32(inner(int(sf.GetField())))
		case depth > 0 && fr.GetOuterReference() != nil && int(fr.GetOuterReference().GetStepsOut()) == depth+1:
			// Refers to the outer query: now one level closer.
			sf.Field = int32(outer(int(sf.GetField())))
			fr.GetOuterReference().StepsOut = uint32(depth)
		}
	}, nil)
	return c
}
