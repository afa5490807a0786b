package plan_test

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// TestExpressionKinds compiles the expression kinds TPC-H plans use (as
// Substrait JSON) and evaluates them on a small batch.
func TestExpressionKinds(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "mode", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
		{Name: "n", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	}, nil)
	rows := `[{"mode":"MAIL","d":"1995-03-15","n":1},{"mode":"AIR","d":"1996-01-01","n":2},{"mode":null,"d":null,"n":null}]`
	col := func(i int) string {
		return `{"selection": {"directReference": {"structField": {"field": ` + string(rune('0'+i)) + `}}, "rootReference": {}}}`
	}
	funcs := map[uint32]string{1: "extract:req_date", 2: "equal:any_any", 3: "like:str_str", 4: "or:bool"}
	eq := func(x, lit string) string {
		return `{"value": {"scalarFunction": {"functionReference": 2, "arguments": [{"value": ` + x + `}, {"value": {"literal": ` + lit + `}}]}}}`
	}
	for _, tc := range []struct{ name, js, want string }{
		{"singular_or_list", `{"singularOrList": {"value": ` + col(0) + `, "options": [{"literal": {"string": "MAIL"}}, {"literal": {"fixedChar": "SHIP"}}]}}`, `[true,false,null]`},
		// An OR of equalities of one value becomes an IN list; the other
		// arguments stay, and three-valued logic is unchanged.
		{"or as in list", `{"scalarFunction": {"functionReference": 4, "arguments": [` + eq(col(0), `{"string": "AIR"}`) + `, ` +
			eq(col(2), `{"i32": 1}`) + `, ` + eq(col(0), `{"string": "SHIP"}`) + `]}}`, `[true,true,null]`},
		{"or as in list with a null option", `{"scalarFunction": {"functionReference": 4, "arguments": [` + eq(col(0), `{"string": "AIR"}`) + `, ` +
			eq(col(0), `{"null": {"string": {}}}`) + `]}}`, `[null,true,null]`},
		{"if_then", `{"ifThen": {"ifs": [{"if": {"scalarFunction": {"functionReference": 3, "arguments": [{"value": ` + col(0) + `}, {"value": {"literal": {"varChar": {"value": "MA%", "length": 3}}}}]}},
			"then": {"literal": {"i32": 1}}}], "else": {"literal": {"i64": "0"}}}}`, `[1,0,0]`},
		{"switch", `{"switchExpression": {"match": ` + col(2) + `, "ifs": [{"if": {"i32": 2}, "then": {"literal": {"string": "two"}}}], "else": {"literal": {"null": {"string": {}}}}}}`, `[null,"two",null]`},
		{"extract enum", `{"scalarFunction": {"functionReference": 1, "outputType": {"i64": {}}, "arguments": [{"enum": "YEAR"}, {"value": ` + col(1) + `}]}}`, `[1995,1996,null]`},
		{"fixedchar cast to date", `{"scalarFunction": {"functionReference": 2, "arguments": [{"value": ` + col(1) + `}, {"value": {"cast": {"type": {"date": {}}, "input": {"literal": {"fixedChar": "1995-03-15"}}}}}]}}`, `[true,false,null]`},
		{"interval literal", `{"literal": {"intervalDayToSecond": {"days": 3}}}`, `[{"days":3,"milliseconds":0},{"days":3,"milliseconds":0},{"days":3,"milliseconds":0}]`},
	} {
		var pe substraitpb.Expression
		if err := protojson.Unmarshal([]byte(tc.js), &pe); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		e, err := plan.CompileExpr(&pe, funcs, schema)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		b, _, err := array.RecordFromJSON(alloc, schema, strings.NewReader(rows))
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.Eval(context.Background(), alloc, b)
		b.Release()
		if err != nil {
			t.Errorf("%s: %s: %v", tc.name, e, err)
			continue
		}
		js, _ := out.MarshalJSON()
		out.Release()
		alloc.AssertSize(t, 0)
		if string(js) != tc.want {
			t.Errorf("%s: %s = %s, want %s", tc.name, e, js, tc.want)
		}
		if strings.HasPrefix(tc.name, "or as in list") && !strings.Contains(e.String(), " in (") {
			t.Errorf("%s: %s has no IN list", tc.name, e)
		}
	}
}
