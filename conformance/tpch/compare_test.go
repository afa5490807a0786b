package tpch_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/decimal256"
	"github.com/apache/arrow-go/v18/arrow/float16"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
)

const answersDir = "../testdata/tpch/answers/sf0.01"

func TestLoadAnswerAll(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(answersDir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".csv"))
	}
	if !slices.Equal(names, tpch.QueryIDs()) {
		t.Fatalf("answer files %v, want %v", names, tpch.QueryIDs())
	}
	for _, id := range tpch.QueryIDs() {
		a, err := tpch.LoadAnswer(filepath.Join(answersDir, id+".csv"))
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		if len(a.Columns) == 0 || len(a.Rows) == 0 {
			t.Errorf("%s: %d columns, %d rows; want some of each", id, len(a.Columns), len(a.Rows))
		}
	}

	q01, err := tpch.LoadAnswer(filepath.Join(answersDir, "q01.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(q01.Columns) != 10 || q01.Columns[0] != "l_returnflag" || len(q01.Rows) != 4 || q01.Rows[3][9] != "14902" {
		t.Errorf("q01: columns %v, rows %v", q01.Columns, q01.Rows)
	}
	// Q17's only value is NULL at SF 0.01: one row holding one empty field.
	q17, err := tpch.LoadAnswer(filepath.Join(answersDir, "q17.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(q17.Rows) != 1 || len(q17.Rows[0]) != 1 || q17.Rows[0][0] != "" {
		t.Errorf("q17: rows %q, want one row with one empty field", q17.Rows)
	}
}

func TestLoadAnswerErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"empty.csv", "", "empty file"},
		{"ragged.csv", "a|b\n1|2\n3\n", "line 3: 1 fields, want 2"},
	} {
		path := filepath.Join(dir, tc.name)
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := tpch.LoadAnswer(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := tpch.LoadAnswer(filepath.Join(dir, "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got error %v, want os.ErrNotExist", err)
	}
}

func TestLoadAnswerNoRows(t *testing.T) {
	a := writeAnswer(t, []string{"a", "b"}, nil)
	if len(a.Columns) != 2 || len(a.Rows) != 0 {
		t.Fatalf("got columns %q and rows %q, want 2 columns and no rows", a.Columns, a.Rows)
	}
	if err := a.Compare(nil); err != nil {
		t.Errorf("no batches against no rows: %v", err)
	}
}

// columns names the columns of the result testResult builds, one per
// supported type.
var columns = []string{
	"i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64",
	"f16", "f32", "f64",
	"d32", "d64", "d128", "d128wide", "d256",
	"date32", "date64",
	"utf8", "large_utf8", "utf8_view",
	"bool", "dict",
}

// wantRows is the answer matching testResult: rows 0 and 1 in the first
// batch, row 2 (all NULL) in the second.
var wantRows = [][]string{
	{"-1", "-2", "-3", "-4", "1", "2", "3", "4",
		"1.5", "0.25", "1234567890123.5",
		"12.34", "0.0500", "37734107", "25.575154611454693", "-1.5",
		"1995-03-15", "1998-09-02",
		"Customer#000000001", "MAIL", "FRANCE",
		"true", "BUILDING"},
	{"127", "32767", "2147483647", "9007199254740993", "255", "65535", "4294967295", "18446744073709551615",
		"-2", "3.14", "0.05008133906964238",
		"-0.01", "99999999999999.9999", "0.00", "0", "123456789012345678901234567890.123",
		"1970-01-01", "2000-02-29",
		"padded", "", "  leading",
		"false", "MACHINERY"},
	{"", "", "", "", "", "", "", "",
		"", "", "",
		"", "", "", "", "",
		"", "",
		"", "", "",
		"", ""},
}

// testResult builds a two-batch result matching wantRows.
func testResult(t *testing.T, mem memory.Allocator) []arrow.RecordBatch {
	t.Helper()
	dict := &arrow.DictionaryType{IndexType: arrow.PrimitiveTypes.Int8, ValueType: arrow.BinaryTypes.String}
	types := []arrow.DataType{
		arrow.PrimitiveTypes.Int8, arrow.PrimitiveTypes.Int16, arrow.PrimitiveTypes.Int32, arrow.PrimitiveTypes.Int64,
		arrow.PrimitiveTypes.Uint8, arrow.PrimitiveTypes.Uint16, arrow.PrimitiveTypes.Uint32, arrow.PrimitiveTypes.Uint64,
		arrow.FixedWidthTypes.Float16, arrow.PrimitiveTypes.Float32, arrow.PrimitiveTypes.Float64,
		&arrow.Decimal32Type{Precision: 9, Scale: 2}, &arrow.Decimal64Type{Precision: 18, Scale: 4},
		&arrow.Decimal128Type{Precision: 15, Scale: 2}, &arrow.Decimal128Type{Precision: 38, Scale: 15},
		&arrow.Decimal256Type{Precision: 76, Scale: 3},
		arrow.FixedWidthTypes.Date32, arrow.FixedWidthTypes.Date64,
		arrow.BinaryTypes.String, arrow.BinaryTypes.LargeString, arrow.BinaryTypes.StringView,
		arrow.FixedWidthTypes.Boolean, dict,
	}
	fields := make([]arrow.Field, len(types))
	for i, typ := range types {
		fields[i] = arrow.Field{Name: strings.ToUpper(columns[i]), Type: typ, Nullable: true}
	}
	schema := arrow.NewSchema(fields, nil)

	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	date32 := func(s string) arrow.Date32 {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return arrow.Date32FromTime(d)
	}
	date64 := func(s string) arrow.Date64 { return arrow.Date64FromTime(date32(s).ToTime()) }
	dec128 := func(s string, prec, scale int32) decimal128.Num {
		n, err := decimal128.FromString(s, prec, scale)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	dec256 := func(s string) decimal256.Num {
		n, err := decimal256.FromString(s, 76, 3)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	appendRow := func(i8 int8, i16 int16, i32 int32, i64 int64, u8 uint8, u16 uint16, u32 uint32, u64 uint64,
		f16, f32 float32, f64 float64, d32 decimal.Decimal32, d64 decimal.Decimal64, d128, d128wide decimal128.Num,
		d256 decimal256.Num, day32 arrow.Date32, day64 arrow.Date64, s1, s2, s3 string, bl bool, dv string) {
		b.Field(0).(*array.Int8Builder).Append(i8)
		b.Field(1).(*array.Int16Builder).Append(i16)
		b.Field(2).(*array.Int32Builder).Append(i32)
		b.Field(3).(*array.Int64Builder).Append(i64)
		b.Field(4).(*array.Uint8Builder).Append(u8)
		b.Field(5).(*array.Uint16Builder).Append(u16)
		b.Field(6).(*array.Uint32Builder).Append(u32)
		b.Field(7).(*array.Uint64Builder).Append(u64)
		b.Field(8).(*array.Float16Builder).Append(float16.New(f16))
		b.Field(9).(*array.Float32Builder).Append(f32)
		b.Field(10).(*array.Float64Builder).Append(f64)
		b.Field(11).(*array.Decimal32Builder).Append(d32)
		b.Field(12).(*array.Decimal64Builder).Append(d64)
		b.Field(13).(*array.Decimal128Builder).Append(d128)
		b.Field(14).(*array.Decimal128Builder).Append(d128wide)
		b.Field(15).(*array.Decimal256Builder).Append(d256)
		b.Field(16).(*array.Date32Builder).Append(day32)
		b.Field(17).(*array.Date64Builder).Append(day64)
		b.Field(18).(*array.StringBuilder).Append(s1)
		b.Field(19).(*array.LargeStringBuilder).Append(s2)
		b.Field(20).(*array.StringViewBuilder).Append(s3)
		b.Field(21).(*array.BooleanBuilder).Append(bl)
		if err := b.Field(22).(*array.BinaryDictionaryBuilder).AppendString(dv); err != nil {
			t.Fatal(err)
		}
	}

	appendRow(-1, -2, -3, -4, 1, 2, 3, 4,
		1.5, 0.25, 1234567890123.5,
		1234, 500, dec128("37734107.00", 15, 2), dec128("25.575154611454693", 38, 15), dec256("-1.5"),
		date32("1995-03-15"), date64("1998-09-02"),
		"Customer#000000001", "MAIL", "FRANCE",
		true, "BUILDING")
	// "padded" comes back blank-padded, as from a CHAR(10) column; the
	// large string is empty, not NULL.
	appendRow(127, 32767, 2147483647, 9007199254740993, 255, 65535, 4294967295, 18446744073709551615,
		-2, 3.14, 0.05008133906964238,
		-1, 999999999999999999, dec128("0", 15, 2), dec128("0", 38, 15),
		dec256("123456789012345678901234567890.123"),
		date32("1970-01-01"), date64("2000-02-29"),
		"padded    ", "", "  leading",
		false, "MACHINERY")
	first := b.NewRecordBatch()

	for i := range columns {
		b.Field(i).AppendNull()
	}
	second := b.NewRecordBatch()
	return []arrow.RecordBatch{first, second}
}

func release(recs []arrow.RecordBatch) {
	for _, r := range recs {
		r.Release()
	}
}

// writeAnswer writes an answer file with the given header and rows and
// loads it.
func writeAnswer(t *testing.T, header []string, rows [][]string) *tpch.Answer {
	t.Helper()
	lines := []string{strings.Join(header, "|")}
	for _, r := range rows {
		lines = append(lines, strings.Join(r, "|"))
	}
	path := filepath.Join(t.TempDir(), "test.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := tpch.LoadAnswer(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func cloneRows(rows [][]string) [][]string {
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

func TestCompareMatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got := testResult(t, mem)
	defer release(got)

	if err := writeAnswer(t, columns, wantRows).Compare(got); err != nil {
		t.Fatalf("exact answer: %v", err)
	}

	// Fields that differ from the result but within the rules.
	for _, tc := range []struct {
		name     string
		row, col int
		want     string
	}{
		{"absolute tolerance", 0, 9, "0.255"},                     // f32 0.25
		{"relative tolerance", 0, 10, "1234567890124.5"},          // f64, off by 1
		{"decimal printed as integer", 0, 13, "37734107.00"},      // d128 37734107.00
		{"decimal below tolerance", 1, 11, "-0.005"},              // d32 -0.01
		{"exponent notation", 1, 10, "5.008133906964238e-02"},     // f64
		{"trailing spaces in answer", 0, 20, "FRANCE   "},         // utf8_view
		{"trailing spaces in result", 1, 18, "padded"},            // utf8 "padded    "
		{"boolean spelled differently", 0, 21, "TRUE"},            // bool
		{"boolean as digit", 1, 21, "0"},                          // bool
		{"uint64 beyond 2^53", 1, 7, "18446744073709551615.0"},    // u64
		{"int64 beyond 2^53", 1, 3, "9007199254740992"},           // i64, off by 1
		{"wide decimal", 1, 15, "123456789012345678901234567890"}, // d256, relative
	} {
		rows := cloneRows(wantRows)
		rows[tc.row][tc.col] = tc.want
		if err := writeAnswer(t, columns, rows).Compare(got); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}

	// Column names are not compared.
	renamed := slices.Clone(columns)
	renamed[0] = "something_else"
	if err := writeAnswer(t, renamed, wantRows).Compare(got); err != nil {
		t.Errorf("renamed column: %v", err)
	}
}

func TestCompareMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got := testResult(t, mem)
	defer release(got)

	for _, tc := range []struct {
		name          string
		row, col      int
		want          string
		gotText       string // MismatchError.Got
		reasonContain string
	}{
		{"integer", 0, 3, "-5", "-4", ""},
		{"unsigned", 0, 4, "2", "1", ""},
		{"float16", 0, 8, "1.52", "1.5", ""},
		{"float beyond absolute tolerance", 0, 9, "0.2601", "0.25", ""},
		{"float beyond relative tolerance", 0, 10, "1234567900000", "1234567890123.5", ""},
		{"decimal32", 0, 11, "12.36", "12.34", ""},
		{"decimal64", 0, 12, "0.07", "0.05", ""},
		{"decimal128", 0, 13, "37734108", "37734107", ""},
		{"decimal256", 0, 15, "-1.6", "-1.5", ""},
		{"not a number", 0, 2, "three", "-3", "not a number"},
		{"date32", 0, 16, "1995-03-16", `"1995-03-15"`, ""},
		{"date64", 1, 17, "2000-03-01", `"2000-02-29"`, ""},
		{"date in another format", 0, 16, "1995-3-15", `"1995-03-15"`, ""},
		{"string", 0, 18, "Customer#000000002", `"Customer#000000001"`, ""},
		{"string case", 0, 19, "mail", `"MAIL"`, ""},
		{"leading spaces", 1, 20, "leading", `"  leading"`, ""},
		{"empty string against text", 1, 19, "x", `""`, ""},
		{"boolean", 0, 21, "false", "true", ""},
		{"not a boolean", 0, 21, "yes", "true", "not a boolean"},
		{"dictionary", 1, 22, "BUILDING", `"MACHINERY"`, ""},
		{"value against NULL", 2, 3, "0", "NULL", ""},
		{"NULL string against text", 2, 18, "x", "NULL", ""},
		{"empty field against value", 0, 0, "", "-1", "not a number"},
	} {
		rows := cloneRows(wantRows)
		rows[tc.row][tc.col] = tc.want
		a := writeAnswer(t, columns, rows)
		err := a.Compare(got)
		var m *tpch.MismatchError
		if !errors.As(err, &m) {
			t.Errorf("%s: got error %v, want a *MismatchError", tc.name, err)
			continue
		}
		if m.Answer != a.Path || m.Row != tc.row || m.Column != tc.col || m.Name != columns[tc.col] ||
			m.Got != tc.gotText || m.Want != tc.want || !strings.Contains(m.Reason, tc.reasonContain) {
			t.Errorf("%s: got %+v, want row %d, column %d (%s), got %s, want %q",
				tc.name, *m, tc.row, tc.col, columns[tc.col], tc.gotText, tc.want)
		}
		// The message names the row, the column and both values.
		msg := err.Error()
		for _, part := range []string{"row " + strconv.Itoa(tc.row), "column " + strconv.Itoa(tc.col), columns[tc.col], tc.gotText} {
			if !strings.Contains(msg, part) {
				t.Errorf("%s: message %q does not contain %q", tc.name, msg, part)
			}
		}
	}
}

func TestCompareShape(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	got := testResult(t, mem)
	defer release(got)

	extraColumn := append(slices.Clone(columns), "extra")
	rows := cloneRows(wantRows)
	for i := range rows {
		rows[i] = append(rows[i], "")
	}
	err := writeAnswer(t, extraColumn, rows).Compare(got)
	if !errors.Is(err, tpch.ErrColumnCount) || !strings.Contains(err.Error(), "got 23, want 24") {
		t.Errorf("extra answer column: got %v, want ErrColumnCount, got 23, want 24", err)
	}

	err = writeAnswer(t, columns, wantRows[:2]).Compare(got)
	if !errors.Is(err, tpch.ErrRowCount) || !strings.Contains(err.Error(), "got 3, want 2") {
		t.Errorf("missing answer row: got %v, want ErrRowCount, got 3, want 2", err)
	}
	err = writeAnswer(t, columns, wantRows).Compare(got[:1])
	if !errors.Is(err, tpch.ErrRowCount) {
		t.Errorf("missing result row: got %v, want ErrRowCount", err)
	}
	err = writeAnswer(t, columns, wantRows).Compare(nil)
	if !errors.Is(err, tpch.ErrRowCount) {
		t.Errorf("no batches: got %v, want ErrRowCount", err)
	}

	// A mismatch in the second batch is reported by its row in the result.
	rows = cloneRows(wantRows)
	rows[2][5] = "7"
	var m *tpch.MismatchError
	if err := writeAnswer(t, columns, rows).Compare(got); !errors.As(err, &m) || m.Row != 2 || m.Column != 5 {
		t.Errorf("mismatch in second batch: got %v, want row 2, column 5", err)
	}
}

func TestCompareUnsupportedType(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	b := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Second})
	defer b.Release()
	b.Append(0)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "ts", Type: col.DataType()}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, 1)
	defer rec.Release()

	err := writeAnswer(t, []string{"ts"}, [][]string{{"1970-01-01 00:00:00"}}).Compare([]arrow.RecordBatch{rec})
	var m *tpch.MismatchError
	if err == nil || errors.As(err, &m) || !strings.Contains(err.Error(), "unsupported type timestamp") {
		t.Errorf("timestamp column: got %v, want an unsupported type error", err)
	}
}

func TestQueryIDs(t *testing.T) {
	ids := tpch.QueryIDs()
	if len(ids) != 22 || ids[0] != "q01" || ids[21] != "q22" {
		t.Errorf("QueryIDs() = %v", ids)
	}
}
