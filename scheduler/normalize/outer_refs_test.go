package normalize

import (
	"strings"
	"testing"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// correlated is a plan filtering table t with EXISTS (SELECT FROM u WHERE
// u.y = t.x), or, nested, with EXISTS (SELECT FROM u WHERE EXISTS (SELECT
// FROM v WHERE v.z = u.y AND v.z = t.x)), the outer references in
// substrait-python's id-based form: the read of t carries common.relAnchor 1
// (the read of u relAnchor 2), the references outerReference.relReference.
func correlated(nested bool) string {
	read := func(name, col, anchor string) string {
		return `{"read": {"common": {"direct": {}` + anchor + `}, "namedTable": {"names": ["` + name + `"]},
			"baseSchema": {"names": ["` + col + `"], "struct": {"types": [{"i64": {"nullability": "NULLABILITY_REQUIRED"}}]}}}}`
	}
	outer := func(ref string) string {
		return `{"selection": {"directReference": {"structField": {}}, "outerReference": {"relReference": ` + ref + `}}}`
	}
	equal := func(l, r string) string {
		return `{"scalarFunction": {"functionReference": 1, "arguments": [{"value": ` + l + `}, {"value": ` + r + `}]}}`
	}
	field := `{"selection": {"directReference": {"structField": {}}, "rootReference": {}}}`
	exists := func(input, cond string) string {
		return `{"subquery": {"setPredicate": {"predicateOp": "PREDICATE_OP_EXISTS", "tuples": {"filter": {"input": ` + input + `, "condition": ` + cond + `}}}}}`
	}
	inner := exists(read("u", "y", ""), equal(field, outer("1")))
	if nested {
		// The subquery over u has a subquery over v of its own, whose
		// filter refers to u (one level out) and t (two levels out).
		innermost := `{"scalarFunction": {"functionReference": 2, "arguments": [{"value": ` + equal(field, outer("2")) +
			`}, {"value": ` + equal(field, outer("1")) + `}]}}`
		inner = exists(read("u", "y", `, "relAnchor": 2`), exists(read("v", "z", ""), innermost))
	}
	return `{"extensionUrns": [{"extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_comparison"},
		{"extensionUrnAnchor": 2, "urn": "extension:io.substrait:functions_boolean"}],
	"extensions": [{"extensionFunction": {"extensionUrnReference": 1, "functionAnchor": 1, "name": "equal:any_any"}},
		{"extensionFunction": {"extensionUrnReference": 2, "functionAnchor": 2, "name": "and:bool"}}],
	"relations": [{"root": {"names": ["x"], "input": {"filter": {
		"input": ` + read("t", "x", `, "relAnchor": 1`) + `,
		"condition": ` + inner + `}}}}]}`
}

// stepsOut lists the steps_out of every outer reference in p.
func stepsOut(p *substraitpb.Plan) []uint32 {
	var out []uint32
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		if o, ok := m.Interface().(*substraitpb.Expression_FieldReference_OuterReference); ok {
			out = append(out, o.GetStepsOut())
		}
	})
	return out
}

func TestIDOuterReferencesJSON(t *testing.T) {
	p := decode(t, correlated(false))
	if got := stepsOut(p); len(got) != 1 || got[0] != 1 {
		t.Errorf("steps_out %v, want [1]", got)
	}
	p = decode(t, correlated(true))
	got := stepsOut(p)
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("steps_out %v, want [1 2] (to u, to t)", got)
	}
}

// TestIDOuterReferencesBinary writes the plan as a binary plan with the
// anchor and reference as the fields Substrait 0.89 gives them (RelCommon
// 5, OuterReference 2), which the engine's protos keep as unknown fields.
func TestIDOuterReferencesBinary(t *testing.T) {
	p := decode(t, correlated(false))
	walkMessages(p.ProtoReflect(), func(m protoreflect.Message) {
		switch x := m.Interface().(type) {
		case *substraitpb.ReadRel:
			if x.GetNamedTable().GetNames()[0] == "t" {
				c := x.GetCommon().ProtoReflect()
				c.SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 5, protowire.VarintType), 7))
			}
		case *substraitpb.Expression_FieldReference_OuterReference:
			x.StepsOut = 0
			m.SetUnknown(protowire.AppendVarint(protowire.AppendTag(nil, 2, protowire.VarintType), 7))
		}
	})
	b, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, false)
	if err != nil {
		t.Fatal(err)
	}
	if s := stepsOut(got); len(s) != 1 || s[0] != 1 {
		t.Errorf("steps_out %v, want [1]", s)
	}
}

func TestIDOuterReferencesInvalid(t *testing.T) {
	for _, tc := range []struct{ name, from, to, want string }{
		{"undeclared anchor", `"relReference": 1`, `"relReference": 9`, "anchor 9"},
		{"not enclosing", `, "relAnchor": 1`, ``, "anchor 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			js := strings.Replace(correlated(false), tc.from, tc.to, 1)
			_, err := Decode([]byte(js), true)
			if errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want InvalidArgument naming %s", err, tc.want)
			}
		})
	}
	// An anchor on the subquery's own relation is not an enclosing one.
	js := strings.Replace(correlated(false), `{"direct": {}}, "namedTable": {"names": ["u"]}`,
		`{"direct": {}, "relAnchor": 3}, "namedTable": {"names": ["u"]}`, 1)
	js = strings.Replace(js, `"relReference": 1`, `"relReference": 3`, 1)
	if _, err := Decode([]byte(js), true); err == nil || !strings.Contains(err.Error(), "not in an enclosing query") {
		t.Errorf("reference to the subquery's own relation: got %v", err)
	}
}
