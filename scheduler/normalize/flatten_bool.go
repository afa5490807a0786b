package normalize

import (
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// flattenBool turns nested calls of the standard boolean and/or into one
// variadic call: and(and(a, b), c) becomes and(a, b, c). substrait-python
// (from Python's & and | operators) and DataFusion build conjunctions two
// arguments at a time; Isthmus writes one call per conjunction. The two mean
// the same (Kleene and/or are associative); one form gives the evaluator one
// call that short-circuits across all the conjuncts instead of a tree of
// intermediate boolean columns, and EXPLAIN a readable condition. It runs
// after function resolution, so the calls are recognised by their
// declarations.
func flattenBool(p *substraitpb.Plan, _ *extensions.Collection) error {
	urns := map[uint32]string{}
	for _, u := range p.GetExtensionUrns() {
		urns[u.GetExtensionUrnAnchor()] = u.GetUrn()
	}
	variadic := map[uint32]bool{}
	for _, e := range p.GetExtensions() {
		f := e.GetExtensionFunction()
		if f == nil || urns[f.GetExtensionUrnReference()] != "extension:io.substrait:functions_boolean" {
			continue
		}
		if f.GetName() == "and:bool" || f.GetName() == "or:bool" {
			variadic[f.GetFunctionAnchor()] = true
		}
	}
	if len(variadic) == 0 {
		return nil
	}
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		f, ok := m.Interface().(*substraitpb.Expression_ScalarFunction)
		if !ok || !variadic[f.GetFunctionReference()] {
			return
		}
		f.Arguments = flattenArgs(f.GetFunctionReference(), f.GetArguments())
	})
	return nil
}

// flattenArgs replaces each argument that is a call of the function at
// anchor, and carries no options, by that call's arguments, recursively.
func flattenArgs(anchor uint32, args []*substraitpb.FunctionArgument) []*substraitpb.FunctionArgument {
	var out []*substraitpb.FunctionArgument
	for _, a := range args {
		c := a.GetValue().GetScalarFunction()
		if c == nil || c.GetFunctionReference() != anchor || len(c.GetOptions()) > 0 {
			out = append(out, a)
			continue
		}
		out = append(out, flattenArgs(anchor, c.GetArguments())...)
	}
	return out
}
