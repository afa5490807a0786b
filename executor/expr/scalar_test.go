package expr

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// evalSliced evaluates e on the rows as given and again on a slice of a
// batch with a row of nulls before them, so kernels that ignore array
// offsets fail; both results must agree. It returns the JSON result.
func evalSliced(t *testing.T, e Expr, schema *arrow.Schema, rows string) (string, error) {
	t.Helper()
	got, err := evalJSON(t, e, schema, rows)
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer alloc.AssertSize(t, 0)
	padded := "[{}," + strings.TrimPrefix(strings.TrimSpace(rows), "[")
	if strings.TrimSpace(rows) == "[]" {
		padded = "[{}]"
	}
	b, _, jerr := array.RecordFromJSON(alloc, schema, strings.NewReader(padded))
	if jerr != nil {
		t.Fatal(jerr)
	}
	defer b.Release()
	sl := b.NewSlice(1, b.NumRows())
	defer sl.Release()
	out, serr := e.Eval(context.Background(), alloc, sl)
	if (err == nil) != (serr == nil) {
		t.Fatalf("%s: error %v on the batch, %v on a slice", e, err, serr)
	}
	if serr != nil {
		return "", err
	}
	defer out.Release()
	js, _ := out.MarshalJSON()
	if string(js) != got {
		t.Errorf("%s: %s on the batch, %s on a slice", e, got, js)
	}
	return got, err
}

type fnCase struct {
	fn    string
	types []arrow.DataType // column types; the arguments are the columns
	lits  []Expr           // literal arguments after the columns
	opts  map[string]string
	out   arrow.DataType // declared output type, or nil
	rows  string
	want  string // JSON result, or the error's text
	err   errkind.Kind
}

func runFnCases(t *testing.T, cases []fnCase) {
	t.Helper()
	reg := NewRegistry()
	for _, tc := range cases {
		s := schemaOf(tc.types...)
		args := append(cols(s), tc.lits...)
		e, err := reg.Scalar(&Call{Name: tc.fn, Args: args, Out: tc.out, Options: tc.opts})
		if err != nil {
			if tc.err != 0 && errkind.KindOf(err) == tc.err && strings.Contains(err.Error(), tc.want) {
				continue
			}
			t.Errorf("%s(%v): bind: %v", tc.fn, tc.types, err)
			continue
		}
		got, err := evalSliced(t, e, s, tc.rows)
		switch {
		case tc.err != 0 && err == nil:
			t.Errorf("%s: got %s, want a %s error", e, got, tc.err)
		case tc.err != 0 && (errkind.KindOf(err) != tc.err || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %s %q", e, err, tc.err, tc.want)
		case tc.err == 0 && err != nil:
			t.Errorf("%s: %v", e, err)
		case tc.err == 0 && got != tc.want:
			t.Errorf("%s on %s: got %s, want %s", e, tc.rows, got, tc.want)
		}
	}
}

func str(s string) Expr           { return NewLiteral(scalar.NewStringScalar(s)) }
func i32(v int32) Expr            { return NewLiteral(scalar.NewInt32Scalar(v)) }
func i64(v int64) Expr            { return NewLiteral(scalar.NewInt64Scalar(v)) }
func null(dt arrow.DataType) Expr { return NewLiteral(scalar.MakeNullScalar(dt)) }

var (
	tStr  = arrow.BinaryTypes.String
	tLStr = arrow.BinaryTypes.LargeString
	tI8   = arrow.PrimitiveTypes.Int8
	tI32  = arrow.PrimitiveTypes.Int32
	tI64  = arrow.PrimitiveTypes.Int64
	tF64  = arrow.PrimitiveTypes.Float64
	tDate = arrow.FixedWidthTypes.Date32
)

func TestStringFunctions(t *testing.T) {
	runFnCases(t, []fnCase{
		{fn: "upper", types: []arrow.DataType{tStr}, rows: `[{"a":"abC"},{"a":null},{"a":"æx"},{"a":""}]`, want: `["ABC",null,"ÆX",""]`},
		{fn: "upper", types: []arrow.DataType{tStr}, opts: map[string]string{"full_unicode": "FALSE"}, rows: `[{"a":"æx"}]`, want: `["æX"]`},
		{fn: "lower", types: []arrow.DataType{tLStr}, rows: `[{"a":"AbC"},{"a":null}]`, want: `["abc",null]`},
		{fn: "char_length", types: []arrow.DataType{tStr}, rows: `[{"a":"abc"},{"a":null},{"a":"😄a"}]`, want: `[3,null,2]`},
		{fn: "substring", types: []arrow.DataType{tStr, tI32, tI32}, rows: `[{"a":"abcdefg","b":2,"c":3},{"a":null,"b":1,"c":1},{"a":"abc","b":null,"c":1},{"a":"😊a😊b","b":2,"c":2},{"a":"abc","b":-1,"c":3},{"a":"abc","b":5,"c":1}]`,
			want: `["bcd",null,null,"a😊","a",""]`},
		{fn: "substring", types: []arrow.DataType{tStr}, lits: []Expr{i64(3)}, rows: `[{"a":"abcdefg"}]`, want: `["cdefg"]`},
		{fn: "substring", types: []arrow.DataType{tStr}, lits: []Expr{i32(-2), i32(1)}, opts: map[string]string{"negative_start": "WRAP_FROM_END"}, rows: `[{"a":"abcdefg"}]`, want: `["f"]`},
		{fn: "substring", types: []arrow.DataType{tStr}, lits: []Expr{i32(1), i32(-1)}, rows: `[{"a":"abc"}]`, want: "negative length", err: errkind.Execution},
		{fn: "substring", types: []arrow.DataType{tStr}, lits: []Expr{i32(1), i32(1)}, opts: map[string]string{"negative_start": "BOGUS"}, rows: `[]`, want: "negative_start", err: errkind.Unimplemented},
		{fn: "concat", types: []arrow.DataType{tStr, tStr}, rows: `[{"a":"ab","b":"cd"},{"a":null,"b":"x"}]`, want: `["abcd",null]`},
		{fn: "concat", types: []arrow.DataType{tStr, tStr}, opts: map[string]string{"null_handling": "IGNORE_NULLS"}, rows: `[{"a":"ab","b":"cd"},{"a":null,"b":"x"},{}]`, want: `["abcd","x",""]`},
		{fn: "trim", types: []arrow.DataType{tStr}, rows: `[{"a":"  a b  "},{"a":null}]`, want: `["a b",null]`},
		{fn: "ltrim", types: []arrow.DataType{tStr}, lits: []Expr{str("xy")}, rows: `[{"a":"xyxaxy"}]`, want: `["axy"]`},
		{fn: "rtrim", types: []arrow.DataType{tStr}, lits: []Expr{str("xy")}, rows: `[{"a":"xyxaxy"}]`, want: `["xyxa"]`},
		{fn: "starts_with", types: []arrow.DataType{tStr}, lits: []Expr{str("ab")}, rows: `[{"a":"abc"},{"a":"xab"},{"a":null}]`, want: `[true,false,null]`},
		{fn: "ends_with", types: []arrow.DataType{tStr}, lits: []Expr{str("AB")}, opts: map[string]string{"case_sensitivity": "CASE_INSENSITIVE"}, rows: `[{"a":"xab"}]`, want: `[true]`},
		{fn: "contains", types: []arrow.DataType{tStr, tStr}, rows: `[{"a":"abc","b":"b"},{"a":"abc","b":"d"},{"a":"abc","b":null}]`, want: `[true,false,null]`},
		{fn: "replace", types: []arrow.DataType{tStr, tStr, tStr}, rows: `[{"a":"aXbXXc","b":"X","c":"yy"},{"a":"aaa","b":"aa","c":"b"},{"a":"abc","b":"","c":"z"},{"a":null,"b":"a","c":"b"},{"a":"abc","b":"b","c":null},{"a":"😊a😊","b":"😊","c":""}]`,
			want: `["ayybyyyyc","ba","abc",null,null,"a"]`},
		{fn: "replace", types: []arrow.DataType{tStr}, lits: []Expr{str("b"), null(arrow.Null)}, rows: `[{"a":"abc"}]`, want: `[null]`},
		{fn: "replace", types: []arrow.DataType{tStr, tI32}, lits: []Expr{str("b")}, rows: `[]`, want: "not a string", err: errkind.InvalidArgument},
		{fn: "upper", types: []arrow.DataType{tI32}, rows: `[]`, want: "not a string", err: errkind.InvalidArgument},
		{fn: "concat", types: []arrow.DataType{tStr}, lits: []Expr{null(arrow.Null)}, rows: `[{"a":"x"}]`, want: `[null]`},
	})
}

func TestLike(t *testing.T) {
	rows := `[{"a":"abcdefg"},{"a":null},{"a":""},{"a":"ab_d%"},{"a":"xaaay"},{"a":"😊a😊b"}]`
	for _, tc := range []struct {
		pat, want string
		escape    Expr
	}{
		{"abcdefg", `[true,null,false,false,false,false]`, nil},
		{"abc%", `[true,null,false,false,false,false]`, nil},
		{"%efg", `[true,null,false,false,false,false]`, nil},
		{"%cde%", `[true,null,false,false,false,false]`, nil},
		{"%", `[true,null,true,true,true,true]`, nil},
		{"_bcdef_", `[true,null,false,false,false,false]`, nil},
		{"a%d%g", `[true,null,false,false,false,false]`, nil},
		{"x%a_a%y", `[false,null,false,false,true,false]`, nil},
		{"%a%a%a%", `[false,null,false,false,true,false]`, nil},
		{"_a_b", `[false,null,false,false,false,true]`, nil},
		{"%_", `[true,null,false,true,true,true]`, nil},
		{"ab\\_d\\%", `[false,null,false,true,false,false]`, str("\\")},
		{"ab_d%", `[true,null,false,true,false,false]`, null(tStr)},
		{"ab#_%", `[false,null,false,true,false,false]`, str("#")},
	} {
		lits := []Expr{str(tc.pat)}
		if tc.escape != nil {
			lits = append(lits, tc.escape)
		}
		runFnCases(t, []fnCase{{fn: "like", types: []arrow.DataType{tStr}, lits: lits, rows: rows, want: tc.want}})
	}
	// A pattern column compiles per distinct pattern; case-insensitive.
	runFnCases(t, []fnCase{
		{fn: "like", types: []arrow.DataType{tStr, tStr}, rows: `[{"a":"abc","b":"a%"},{"a":"abc","b":"a%"},{"a":"abc","b":"%d"},{"a":"abc","b":null}]`, want: `[true,true,false,null]`},
		{fn: "like", types: []arrow.DataType{tLStr}, lits: []Expr{str("A%C")}, opts: map[string]string{"case_sensitivity": "CASE_INSENSITIVE"}, rows: `[{"a":"abc"}]`, want: `[true]`},
		{fn: "like", types: []arrow.DataType{tStr}, lits: []Expr{str("a\\"), str("\\")}, rows: `[]`, want: "escape character", err: errkind.Execution},
	})
}

func TestLikeCompiledShapes(t *testing.T) {
	for pat, kind := range map[string]likeKind{
		"abc": likeExact, "abc%": likePrefix, "%abc": likeSuffix, "%abc%": likeContains, "%%": likeAny,
		"a%c": likeGeneral, "a_c": likeGeneral,
	} {
		p, err := compileLike([]byte(pat), -1)
		if err != nil {
			t.Fatal(err)
		}
		if p.kind != kind {
			t.Errorf("%q: kind %d, want %d", pat, p.kind, kind)
		}
	}
}

func TestArithmeticOptions(t *testing.T) {
	runFnCases(t, []fnCase{
		{fn: "add", types: []arrow.DataType{tI8, tI8}, opts: map[string]string{"overflow": "SATURATE"}, rows: `[{"a":120,"b":10},{"a":-120,"b":-10},{"a":1,"b":null}]`, want: `[127,-128,null]`},
		{fn: "multiply", types: []arrow.DataType{tI8, tI8}, opts: map[string]string{"overflow": "SATURATE"}, rows: `[{"a":-13,"b":10},{"a":13,"b":10}]`, want: `[-128,127]`},
		{fn: "add", types: []arrow.DataType{tI8, tI8}, opts: map[string]string{"overflow": "SILENT"}, rows: `[{"a":120,"b":10}]`, want: `[null]`},
		{fn: "add", types: []arrow.DataType{tI8, tI8}, rows: `[{"a":120,"b":10}]`, want: "overflow", err: errkind.Execution},
		{fn: "divide", types: []arrow.DataType{tI32, tI32}, opts: map[string]string{"on_division_by_zero": "NULL"}, rows: `[{"a":1,"b":0},{"a":4,"b":2}]`, want: `[null,2]`},
		{fn: "divide", types: []arrow.DataType{tF64, tF64}, rows: `[{"a":1,"b":0}]`, want: `["+Inf"]`},
		{fn: "divide", types: []arrow.DataType{tF64, tF64}, opts: map[string]string{"on_division_by_zero": "NULL"}, rows: `[{"a":1,"b":0},{"a":1,"b":2}]`, want: `[null,0.5]`},
		{fn: "divide", types: []arrow.DataType{tF64, tF64}, opts: map[string]string{"on_division_by_zero": "ERROR"}, rows: `[{"a":1,"b":0}]`, want: "division by zero", err: errkind.Execution},
		{fn: "divide", types: []arrow.DataType{tF64, tF64}, opts: map[string]string{"on_division_by_zero": "LIMIT"}, rows: `[{"a":-1,"b":0}]`, want: `[-1.7976931348623157e+308]`},
		{fn: "divide", types: []arrow.DataType{tI32, tI32}, opts: map[string]string{"on_division_by_zero": "BOGUS"}, rows: `[]`, want: "on_division_by_zero", err: errkind.Unimplemented},
		{fn: "negate", types: []arrow.DataType{tI8}, opts: map[string]string{"overflow": "SATURATE"}, rows: `[{"a":-128},{"a":5},{"a":null}]`, want: `[127,-5,null]`},
		{fn: "negate", types: []arrow.DataType{tI8}, rows: `[{"a":-128}]`, want: "overflow", err: errkind.Execution},
		{fn: "abs", types: []arrow.DataType{tI8}, rows: `[{"a":-5},{"a":null},{"a":7}]`, want: `[5,null,7]`},
		{fn: "abs", types: []arrow.DataType{tI8}, rows: `[{"a":-128}]`, want: "overflow", err: errkind.Execution},
		{fn: "abs", types: []arrow.DataType{tI8}, opts: map[string]string{"overflow": "SATURATE"}, rows: `[{"a":-128}]`, want: `[127]`},
		{fn: "abs", types: []arrow.DataType{dec(5, 2)}, rows: `[{"a":"-1.25"}]`, want: `["1.25"]`},
		{fn: "abs", types: []arrow.DataType{tF64}, rows: `[{"a":-1.5}]`, want: `[1.5]`},
		{fn: "modulus", types: []arrow.DataType{tI32, tI32}, rows: `[{"a":10,"b":3},{"a":-10,"b":3},{"a":null,"b":3},{"a":8,"b":-3}]`, want: `[1,-1,null,2]`},
		{fn: "modulus", types: []arrow.DataType{tI32, tI32}, opts: map[string]string{"division_type": "FLOOR"}, rows: `[{"a":8,"b":-3},{"a":-10,"b":3}]`, want: `[-1,2]`},
		{fn: "modulus", types: []arrow.DataType{tI64, tI64}, rows: `[{"a":1,"b":0}]`, want: "division by zero", err: errkind.Execution},
		{fn: "modulus", types: []arrow.DataType{tI64, tI64}, opts: map[string]string{"on_domain_error": "NULL"}, rows: `[{"a":1,"b":0},{"a":null,"b":0}]`, want: `[null,null]`},
	})
}

func TestExtractAndDateArithmetic(t *testing.T) {
	year := &EnumArg{Value: "YEAR"}
	ts := &arrow.TimestampType{Unit: arrow.Microsecond}
	reg := NewRegistry()
	for _, tc := range []struct {
		comp string
		typ  arrow.DataType
		rows string
		want string
	}{
		{"YEAR", tDate, `[{"a":"1995-03-15"},{"a":null},{"a":"1969-12-31"},{"a":"2000-02-29"}]`, `[1995,null,1969,2000]`},
		{"MONTH", tDate, `[{"a":"1995-03-15"},{"a":"1969-12-31"}]`, `[3,12]`},
		{"DAY", tDate, `[{"a":"1995-03-15"},{"a":"2000-02-29"}]`, `[15,29]`},
		{"QUARTER", tDate, `[{"a":"1995-03-31"},{"a":"1995-04-01"}]`, `[1,2]`},
		{"DAY_OF_YEAR", tDate, `[{"a":"1995-02-01"}]`, `[32]`},
		{"MONDAY_DAY_OF_WEEK", tDate, `[{"a":"2016-12-25"}]`, `[7]`},
		{"HOUR", ts, `[{"a":"2016-12-31T13:30:15"},{"a":"1969-12-31T23:00:00"}]`, `[13,23]`},
		{"YEAR", ts, `[{"a":"1969-12-31T23:00:00"}]`, `[1969]`},
	} {
		s := schemaOf(tc.typ)
		e, err := reg.Scalar(&Call{Name: "extract", Args: []Expr{&EnumArg{Value: tc.comp}, cols(s)[0]}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := evalSliced(t, e, s, tc.rows)
		if err != nil || got != tc.want {
			t.Errorf("%s: got %s, %v; want %s", e, got, err, tc.want)
		}
	}
	// DataFusion's date_part declares i32.
	s := schemaOf(tDate)
	e, err := reg.Scalar(&Call{Name: "extract", Args: []Expr{year, cols(s)[0]}, Out: tI32})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := evalSliced(t, e, s, `[{"a":"1995-03-15"}]`); got != `[1995]` || e.DataType().ID() != arrow.INT32 {
		t.Errorf("extract as i32: %s %s", got, e.DataType())
	}
	if _, err := reg.Scalar(&Call{Name: "extract", Args: []Expr{&EnumArg{Value: "HOUR"}, cols(s)[0]}}); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("extract HOUR of a date: %v", err)
	}

	months := NewLiteral(scalar.NewMonthIntervalScalar(3))
	days := NewLiteral(scalar.NewDayTimeIntervalScalar(arrow.DayTimeInterval{Days: 90}))
	hours := NewLiteral(scalar.NewDayTimeIntervalScalar(arrow.DayTimeInterval{Milliseconds: 5 * 3600 * 1000}))
	runFnCases(t, []fnCase{
		{fn: "add", types: []arrow.DataType{tDate}, lits: []Expr{months}, rows: `[{"a":"1995-11-30"},{"a":null}]`, want: `["1996-02-29",null]`},
		{fn: "subtract", types: []arrow.DataType{tDate}, lits: []Expr{days}, out: tDate, rows: `[{"a":"1998-12-01"}]`, want: `["1998-09-02"]`},
		{fn: "add", types: []arrow.DataType{tDate}, lits: []Expr{hours}, out: ts, rows: `[{"a":"2020-12-31"}]`, want: `["2020-12-31T05:00:00"]`},
		{fn: "add", types: []arrow.DataType{ts}, lits: []Expr{months}, rows: `[{"a":"2016-11-30T13:30:15"}]`, want: `["2017-02-28T13:30:15"]`},
		{fn: "subtract", types: []arrow.DataType{ts}, lits: []Expr{hours}, rows: `[{"a":"2016-12-01T13:30:15"}]`, want: `["2016-12-01T08:30:15"]`},
	})
}

func TestConditionals(t *testing.T) {
	s := schemaOf(tI32, tI32, dec(15, 2))
	c := cols(s)
	reg := NewRegistry()
	eq0, _ := reg.Scalar(&Call{Name: "equal", Args: []Expr{c[1], i32(0)}})
	div, _ := reg.Scalar(&Call{Name: "divide", Args: []Expr{c[0], c[1]}})
	gt, _ := reg.Scalar(&Call{Name: "gt", Args: []Expr{c[0], i32(10)}})
	rows := `[{"a":10,"b":0,"c":"1.50"},{"a":10,"b":5,"c":null},{"a":null,"b":null,"c":"2.25"},{"a":30,"b":3,"c":"0.01"}]`
	// CASE WHEN b = 0 THEN -1 ELSE a / b: the division never sees b = 0.
	e, err := NewIfThen([]Expr{eq0}, []Expr{i32(-1)}, div)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := evalSliced(t, e, s, rows); err != nil || got != `[-1,2,null,10]` {
		t.Errorf("%s: %s, %v", e, got, err)
	}
	// No else: null; results of mixed types take the common type.
	e, err = NewIfThen([]Expr{gt, eq0}, []Expr{c[2], i64(7)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if e.DataType().String() != "decimal(21, 2)" {
		t.Errorf("common type %s", e.DataType())
	}
	if got, err := evalSliced(t, e, s, rows); err != nil || got != `["7",null,null,"0.01"]` {
		t.Errorf("%s: %s, %v", e, got, err)
	}
	// A switch: CASE a WHEN 10 THEN 'ten' WHEN 30 THEN 'thirty' ELSE 'other'.
	sw, err := NewSwitch(c[0], []Expr{i32(10), i64(30)}, []Expr{str("ten"), str("thirty")}, str("other"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := evalSliced(t, sw, s, rows); err != nil || got != `["ten","ten","other","thirty"]` {
		t.Errorf("%s: %s, %v", sw, got, err)
	}
	runFnCases(t, []fnCase{
		{fn: "coalesce", types: []arrow.DataType{tI32, tI64}, rows: `[{"a":1,"b":2},{"a":null,"b":2},{}]`, want: `[1,2,null]`},
		{fn: "coalesce", types: []arrow.DataType{tStr}, lits: []Expr{str("x")}, rows: `[{"a":"a"},{"a":null}]`, want: `["a","x"]`},
		{fn: "nullif", types: []arrow.DataType{tI32, tI32}, rows: `[{"a":1,"b":1},{"a":1,"b":2},{"a":null,"b":2},{"a":3,"b":null}]`, want: `[null,1,null,3]`},
	})
	if _, err := NewIfThen([]Expr{c[0]}, []Expr{c[1]}, nil); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("non-boolean condition: %v", err)
	}
	if _, err := NewIfThen([]Expr{gt}, []Expr{c[1]}, str("x")); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("results without a common type: %v", err)
	}
}

func TestInList(t *testing.T) {
	s := schemaOf(tStr, tI32, tF64)
	c := cols(s)
	rows := `[{"a":"MAIL","b":1,"c":1.5},{"a":"SHIP","b":2,"c":2},{"a":"AIR","b":null,"c":null},{"a":null,"b":3,"c":3}]`
	for _, tc := range []struct {
		value Expr
		opts  []Expr
		want  string
	}{
		{c[0], []Expr{str("MAIL"), str("SHIP")}, `[true,true,false,null]`},
		{c[0], []Expr{str("MAIL"), null(tStr)}, `[true,null,null,null]`},
		// Prefixes and extensions of a value are not the value.
		{c[0], []Expr{str("MAI"), str("SHIPS"), str("AIR")}, `[false,false,true,null]`},
		// Longer than shortStrList: probed by hashing.
		{c[0], []Expr{str("A"), str("B"), str("C"), str("D"), str("E"), str("F"), str("G"), str("H"), str("SHIP")}, `[false,true,false,null]`},
		{c[1], []Expr{i64(1), i32(3)}, `[true,false,null,true]`},
		// Not constant, or not a set type: OR of equalities.
		{c[1], []Expr{c[1]}, `[true,true,null,true]`},
		{c[2], []Expr{i32(2), NewLiteral(scalar.NewFloat64Scalar(1.5))}, `[true,true,null,false]`},
	} {
		e, err := NewInList(tc.value, tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := evalSliced(t, e, s, rows); err != nil || got != tc.want {
			t.Errorf("%s: %s, %v; want %s", e, got, err, tc.want)
		}
	}
	if _, err := NewInList(c[0], []Expr{i32(1)}); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("string in (int): %v", err)
	}
}

func TestLogicShortCircuits(t *testing.T) {
	s := schemaOf(tI32, tI32)
	c := cols(s)
	reg := NewRegistry()
	ne0, _ := reg.Scalar(&Call{Name: "not_equal", Args: []Expr{c[1], i32(0)}})
	div, _ := reg.Scalar(&Call{Name: "divide", Args: []Expr{c[0], c[1]}})
	gt, _ := reg.Scalar(&Call{Name: "gt", Args: []Expr{div, i32(1)}})
	and, err := reg.Scalar(&Call{Name: "and", Args: []Expr{ne0, gt}})
	if err != nil {
		t.Fatal(err)
	}
	// Few rows pass b <> 0, so a / b runs on those only: no division by zero.
	rows := `[{"a":1,"b":0},{"a":1,"b":0},{"a":1,"b":0},{"a":1,"b":0},{"a":1,"b":0},{"a":9,"b":3},{"a":1,"b":null},{"a":1,"b":0}]`
	if got, err := evalSliced(t, and, s, rows); err != nil || got != `[false,false,false,false,false,true,null,false]` {
		t.Errorf("%s: %s, %v", and, got, err)
	}
	or, _ := reg.Scalar(&Call{Name: "or", Args: []Expr{ne0, null(arrow.FixedWidthTypes.Boolean)}})
	if got, err := evalSliced(t, or, s, `[{"a":1,"b":0},{"a":1,"b":2}]`); err != nil || got != `[null,true]` {
		t.Errorf("%s: %s, %v", or, got, err)
	}
}
