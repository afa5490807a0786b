package expr

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

func dec(p, s int32) *arrow.Decimal128Type { return &arrow.Decimal128Type{Precision: p, Scale: s} }

// evalJSON evaluates e over a batch built from JSON rows and renders the
// result as JSON, checking for leaks.
func evalJSON(t *testing.T, e Expr, schema *arrow.Schema, rows string) (string, error) {
	t.Helper()
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	b, _, err := array.RecordFromJSON(alloc, schema, strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	out, err := e.Eval(context.Background(), alloc, b)
	if err != nil {
		return "", err
	}
	defer out.Release()
	if !arrow.TypeEqual(out.DataType(), e.DataType()) {
		t.Errorf("%s: result type %s, declared %s", e, out.DataType(), e.DataType())
	}
	js, err := out.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	return string(js), nil
}

func schemaOf(types ...arrow.DataType) *arrow.Schema {
	fs := make([]arrow.Field, len(types))
	for i, t := range types {
		fs[i] = arrow.Field{Name: string(rune('a' + i)), Type: t, Nullable: true}
	}
	return arrow.NewSchema(fs, nil)
}

func cols(s *arrow.Schema) []Expr {
	out := make([]Expr, s.NumFields())
	for i := range out {
		out[i], _ = NewColumn(s, i)
	}
	return out
}

func TestDecimalArithmetic(t *testing.T) {
	reg := NewRegistry()
	for _, tc := range []struct {
		fn       string
		a, b     *arrow.Decimal128Type
		out      arrow.DataType // declared, or nil
		rows     string
		wantType string
		want     string
	}{
		// add/subtract: scale max(s1,s2), precision max(s1,s2)+max(p1-s1,p2-s2)+1.
		{"add", dec(15, 2), dec(10, 4), nil, `[{"a":"1.25","b":"0.0001"},{"a":null,"b":"1"}]`, "decimal(18, 4)", `["1.2501",null]`},
		{"subtract", dec(20, 0), dec(15, 2), nil, `[{"a":"1","b":"0.06"}]`, "decimal(23, 2)", `["0.94"]`},
		// multiply: scale s1+s2, precision p1+p2+1.
		{"multiply", dec(15, 2), dec(15, 2), nil, `[{"a":"901.00","b":"0.06"}]`, "decimal(31, 4)", `["54.06"]`},
		// past 38 digits the scale gives way, down to 6.
		{"multiply", dec(38, 4), dec(23, 2), nil, `[{"a":"2.0001","b":"1.05"}]`, "decimal(38, 6)", `["2.100105"]`},
		// a declared type is computed into directly, rounding half away from zero.
		{"multiply", dec(15, 2), dec(15, 2), dec(19, 3), `[{"a":"1.15","b":"0.05"},{"a":"-1.15","b":"0.05"}]`, "decimal(19, 3)", `["0.058","-0.058"]`},
		// divide: scale max(6, s1+p2+1), then the 38-digit borrow.
		{"divide", dec(15, 2), dec(15, 2), nil, `[{"a":"1.00","b":"3.00"}]`, "decimal(38, 10)", `["0.3333333333"]`},
	} {
		s := schemaOf(tc.a, tc.b)
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: cols(s), Out: tc.out})
		if err != nil {
			t.Fatalf("%s: %v", tc.fn, err)
		}
		if got := e.DataType().String(); got != tc.wantType {
			t.Errorf("%s(%s, %s) type = %s, want %s", tc.fn, tc.a, tc.b, got, tc.wantType)
		}
		got, err := evalJSON(t, e, s, tc.rows)
		if err != nil {
			t.Fatalf("%s: %v", e, err)
		}
		if got != tc.want {
			t.Errorf("%s on %s = %s, want %s", e, tc.rows, got, tc.want)
		}
	}
}

func TestArithmeticErrors(t *testing.T) {
	reg := NewRegistry()
	for _, tc := range []struct {
		fn   string
		typ  arrow.DataType
		opts map[string]string
		rows string
		want string // result, or "" for an Execution error
	}{
		{"add", arrow.PrimitiveTypes.Int64, nil, `[{"a":9223372036854775807,"b":1}]`, ""},
		{"add", arrow.PrimitiveTypes.Int32, nil, `[{"a":2147483647,"b":1}]`, ""},
		{"multiply", arrow.PrimitiveTypes.Int64, nil, `[{"a":4611686018427387904,"b":2}]`, ""},
		{"subtract", arrow.PrimitiveTypes.Int64, nil, `[{"a":-9223372036854775808,"b":1}]`, ""},
		{"divide", arrow.PrimitiveTypes.Int64, nil, `[{"a":1,"b":0}]`, ""},
		// A null row's garbage cannot fail the batch.
		{"divide", arrow.PrimitiveTypes.Int64, nil, `[{"a":1,"b":null},{"a":7,"b":2}]`, `[null,3]`},
		{"divide", arrow.PrimitiveTypes.Int64, map[string]string{"on_division_by_zero": "NULL"}, `[{"a":1,"b":0},{"a":7,"b":2}]`, `[null,3]`},
		{"divide", dec(10, 2), nil, `[{"a":"1","b":"0"}]`, ""},
		{"multiply", dec(38, 0), nil, `[{"a":"99999999999999999999999999999999999999","b":"10"}]`, ""},
		{"add", arrow.PrimitiveTypes.Float64, nil, `[{"a":1.5,"b":null},{"a":1.5,"b":2}]`, `[null,3.5]`},
		{"divide", arrow.PrimitiveTypes.Float64, nil, `[{"a":1,"b":4}]`, `[0.25]`},
	} {
		s := schemaOf(tc.typ, tc.typ)
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: cols(s), Options: tc.opts})
		if err != nil {
			t.Fatal(err)
		}
		got, err := evalJSON(t, e, s, tc.rows)
		if tc.want == "" {
			if errkind.KindOf(err) != errkind.Execution {
				t.Errorf("%s on %s: got %s, %v; want an Execution error", e, tc.rows, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s on %s: got %s, %v; want %s", e, tc.rows, got, err, tc.want)
		}
	}
}

func TestComparisons(t *testing.T) {
	reg := NewRegistry()
	for _, tc := range []struct {
		fn   string
		a, b arrow.DataType
		rows string
		want string
	}{
		{"lt", dec(15, 2), dec(3, 2), `[{"a":"0.04","b":"0.05"},{"a":"0.05","b":"0.05"},{"a":null,"b":"1"}]`, `[true,false,null]`},
		// Different scales compare by value.
		{"equal", dec(15, 2), dec(10, 0), `[{"a":"24.00","b":"24"},{"a":"24.01","b":"24"}]`, `[true,false]`},
		{"gte", arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date32, `[{"a":"1994-01-01","b":"1994-01-01"},{"a":"1993-12-31","b":"1994-01-01"}]`, `[true,false]`},
		{"not_equal", arrow.BinaryTypes.String, arrow.BinaryTypes.String, `[{"a":"R","b":"R"},{"a":"A","b":"R"}]`, `[false,true]`},
		{"lte", arrow.BinaryTypes.String, arrow.BinaryTypes.String, `[{"a":"AB","b":"B"},{"a":"C","b":"B"}]`, `[true,false]`},
		{"gt", arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, `[{"a":3,"b":2},{"a":1,"b":2}]`, `[true,false]`},
		{"lt", arrow.PrimitiveTypes.Int64, dec(15, 2), `[{"a":3,"b":"3.01"},{"a":4,"b":"3.99"}]`, `[true,false]`},
	} {
		s := schemaOf(tc.a, tc.b)
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: cols(s)})
		if err != nil {
			t.Fatal(err)
		}
		got, err := evalJSON(t, e, s, tc.rows)
		if err != nil || got != tc.want {
			t.Errorf("%s on %s: got %s, %v; want %s", e, tc.rows, got, err, tc.want)
		}
	}
	s := schemaOf(arrow.BinaryTypes.String, arrow.PrimitiveTypes.Int64)
	if _, err := reg.Scalar(&Call{Name: "lt", Args: cols(s)}); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("string < int: got %v, want InvalidArgument", err)
	}
}

func TestThreeValuedLogic(t *testing.T) {
	reg := NewRegistry()
	s := schemaOf(arrow.FixedWidthTypes.Boolean, arrow.FixedWidthTypes.Boolean)
	rows := `[{"a":true,"b":true},{"a":true,"b":false},{"a":true,"b":null},{"a":false,"b":null},{"a":null,"b":null},{"a":false,"b":false}]`
	for _, tc := range []struct{ fn, want string }{
		{"and", `[true,false,null,false,null,false]`},
		{"or", `[true,true,true,null,null,false]`},
	} {
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: cols(s)})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := evalJSON(t, e, s, rows); err != nil || got != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.fn, got, err, tc.want)
		}
	}
	one := schemaOf(arrow.FixedWidthTypes.Boolean)
	for _, tc := range []struct{ fn, want string }{
		{"not", `[false,true,null]`},
		{"is_null", `[false,false,true]`},
		{"is_not_null", `[true,true,false]`},
	} {
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: cols(one)})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := evalJSON(t, e, one, `[{"a":true},{"a":false},{"a":null}]`); err != nil || got != tc.want {
			t.Errorf("%s: got %s, %v; want %s", tc.fn, got, err, tc.want)
		}
	}
}

func TestCast(t *testing.T) {
	for _, tc := range []struct {
		from, to arrow.DataType
		rows     string
		want     string // "" for an Execution error
	}{
		{dec(15, 2), dec(15, 1), `[{"a":"1.25"},{"a":"-1.25"},{"a":"1.24"},{"a":null}]`, `["1.3","-1.3","1.2",null]`},
		{dec(15, 2), dec(16, 4), `[{"a":"1.25"}]`, `["1.25"]`},
		{dec(15, 2), dec(3, 2), `[{"a":"10.00"}]`, ""},
		{arrow.PrimitiveTypes.Int32, dec(15, 2), `[{"a":1},{"a":-7}]`, `["1","-7"]`},
		{dec(15, 2), arrow.PrimitiveTypes.Float64, `[{"a":"0.05"}]`, `[0.05]`},
		{dec(15, 2), arrow.PrimitiveTypes.Int64, `[{"a":"2.50"}]`, `[3]`},
		{arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32, `[{"a":"1998-09-02"}]`, `["1998-09-02"]`},
		{arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32, `[{"a":"yesterday"}]`, ""},
		{arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64, `[{"a":5}]`, `[5]`},
		{arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String, `[{"a":-12},{"a":null},{"a":9223372036854775807}]`, `["-12",null,"9223372036854775807"]`},
		{arrow.PrimitiveTypes.Int8, arrow.BinaryTypes.String, `[{"a":-128}]`, `["-128"]`},
		{arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String, `[{"a":0.1},{"a":3},{"a":1e21},{"a":null}]`, `["0.1","3","1e+21",null]`},
		{arrow.PrimitiveTypes.Float32, arrow.BinaryTypes.String, `[{"a":0.1}]`, `["0.1"]`},
		{arrow.FixedWidthTypes.Boolean, arrow.BinaryTypes.String, `[{"a":true},{"a":false},{"a":null}]`, `["true","false",null]`},
		{arrow.FixedWidthTypes.Date32, arrow.BinaryTypes.String, `[{"a":"1998-09-02"},{"a":"1969-12-31"}]`, `["1998-09-02","1969-12-31"]`},
	} {
		s := schemaOf(tc.from)
		e, err := NewCast(cols(s)[0], tc.to, false)
		if err != nil {
			t.Fatal(err)
		}
		got, err := evalJSON(t, e, s, tc.rows)
		if tc.want == "" {
			if errkind.KindOf(err) != errkind.Execution {
				t.Errorf("%s on %s: got %s, %v; want an Execution error", e, tc.rows, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s on %s: got %s, %v; want %s", e, tc.rows, got, err, tc.want)
		}
	}
}

func TestDateArithmetic(t *testing.T) {
	reg := NewRegistry()
	s := schemaOf(arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.MonthInterval)
	e, err := reg.Scalar(&Call{Name: "add", Args: cols(s)})
	if err != nil {
		t.Fatal(err)
	}
	got, err := evalJSON(t, e, s, `[{"a":"2000-01-31","b":{"months":1}},{"a":"1994-01-01","b":{"months":12}}]`)
	if want := `["2000-02-29","1995-01-01"]`; err != nil || got != want {
		t.Errorf("got %s, %v; want %s", got, err, want)
	}
}

func TestUnknownFunction(t *testing.T) {
	_, err := NewRegistry().Scalar(&Call{Name: "frobnicate"})
	if errkind.KindOf(err) != errkind.Unimplemented || !strings.Contains(err.Error(), "frobnicate") {
		t.Errorf("got %v, want Unimplemented naming the function", err)
	}
}
