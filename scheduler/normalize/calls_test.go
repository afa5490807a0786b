package normalize

import (
	"os"
	"testing"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// calls returns every scalar function call in p with its declared name.
func calls(p *substraitpb.Plan) map[string][]*substraitpb.Expression_ScalarFunction {
	names := map[uint32]string{}
	for _, e := range p.GetExtensions() {
		if f := e.GetExtensionFunction(); f != nil {
			names[f.GetFunctionAnchor()] = f.GetName()
		}
	}
	out := map[string][]*substraitpb.Expression_ScalarFunction{}
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		if f, ok := m.Interface().(*substraitpb.Expression_ScalarFunction); ok {
			out[names[f.GetFunctionReference()]] = append(out[names[f.GetFunctionReference()]], f)
		}
	})
	return out
}

func TestDataFusionDatePartIsExtract(t *testing.T) {
	data, err := os.ReadFile(plans + "datafusion/q09.json")
	if err != nil {
		t.Skip(err)
	}
	p, err := Decode(data, true)
	if err != nil {
		t.Fatal(err)
	}
	c := calls(p)
	if len(c["date_part"]) != 0 {
		t.Fatalf("date_part left in the plan")
	}
	ex := c["extract:req_date"]
	if len(ex) == 0 {
		t.Fatalf("no extract:req_date call; calls: %v", keysOf(c))
	}
	if got := ex[0].GetArguments()[0].GetEnum(); got != "YEAR" {
		t.Errorf("component %q, want enum YEAR", got)
	}
	if ex[0].GetOutputType().GetI32() == nil {
		t.Errorf("declared i32 output type lost: %v", ex[0].GetOutputType())
	}
	for _, l := range c["like:str_str"] {
		if len(l.GetArguments()) != 2 {
			t.Errorf("like with %d arguments, want the null escape dropped", len(l.GetArguments()))
		}
	}
	if len(c["like:str_str"]) == 0 {
		t.Errorf("like did not resolve to like:str_str; calls: %v", keysOf(c))
	}
}

func keysOf[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestNestedBoolFlattened checks that substrait-python's binary and/or
// (Q19: or(or(and(and(...)), ...), ...)) become one variadic call each.
func TestNestedBoolFlattened(t *testing.T) {
	data, err := os.ReadFile(plans + "substrait-python/q19.json")
	if err != nil {
		t.Skip(err)
	}
	p, err := Decode(data, true)
	if err != nil {
		t.Fatal(err)
	}
	c := calls(p)
	if len(c["or:bool"]) != 1 || len(c["or:bool"][0].GetArguments()) != 3 {
		t.Fatalf("or calls %d, want one with 3 arguments", len(c["or:bool"]))
	}
	for _, name := range []string{"and:bool", "or:bool"} {
		for _, f := range c[name] {
			for _, a := range f.GetArguments() {
				if g := a.GetValue().GetScalarFunction(); g != nil && g.GetFunctionReference() == f.GetFunctionReference() {
					t.Errorf("%s nested in %s", name, name)
				}
			}
		}
	}
	if n := len(c["and:bool"]); n != 3 {
		t.Errorf("%d and calls, want 3 (one per branch)", n)
	}
	if n := len(c["or:bool"][0].GetArguments()[0].GetValue().GetScalarFunction().GetArguments()); n != 8 {
		t.Errorf("first branch has %d conjuncts, want 8", n)
	}
}
