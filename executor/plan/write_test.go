package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// lineitemCols reads three columns of a table with lineitem's columns.
func lineitemCols(table string) string {
	return `{"read": {
      "namedTable": {"names": ["` + table + `"]},
      "baseSchema": {"names": ["l_orderkey", "l_quantity", "l_returnflag"], "struct": {"types": [
        {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
        {"decimal": {"precision": 15, "scale": 2, "nullability": "NULLABILITY_REQUIRED"}},
        {"string": {"nullability": "NULLABILITY_REQUIRED"}}
      ], "nullability": "NULLABILITY_REQUIRED"}}}}`
}

// writePlan is a WriteRel of lineitemCols(from) to dest, written as the
// fields of a WriteRel (destination, op, create mode).
func writePlan(from, dest string) string {
	return `{
  "version": {"minorNumber": 75, "producer": "trebuchet-test"},
  "relations": [{"root": {"names": ["count"], "input": {"write": {
    ` + dest + `,
    "tableSchema": {"names": ["l_orderkey", "l_quantity", "l_returnflag"], "struct": {"types": [
      {"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"decimal": {"precision": 15, "scale": 2, "nullability": "NULLABILITY_REQUIRED"}},
      {"string": {"nullability": "NULLABILITY_REQUIRED"}}
    ], "nullability": "NULLABILITY_REQUIRED"}},
    "output": "OUTPUT_MODE_MODIFIED_RECORDS",
    "input": ` + lineitemCols(from) + `
  }}}}]
}`
}

func fileSink(dir, format, extra string) string {
	return fmt.Sprintf(`"extensionTable": {"detail": {"@type": "type.googleapis.com/trebuchet.v1.FileSink",
      "uri": %q, "format": %q %s}}, "op": "WRITE_OP_CTAS"`, dir, format, extra)
}

// run builds and runs a plan and returns its batches' rows as text.
func run(t *testing.T, js string, cat plan.Catalog) ([]arrow.RecordBatch, error) {
	t.Helper()
	p, err := build(t, js, cat)
	if err != nil {
		return nil, err
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	task := &op.Task{Alloc: alloc, Pool: spill.NewPool(1 << 30), BatchSize: 8192, Parallelism: 4}
	return op.Collect(context.Background(), p.Root, task)
}

// count runs a write plan and returns the count it reports.
func count(t *testing.T, js string, cat plan.Catalog) (int64, error) {
	t.Helper()
	out, err := run(t, js, cat)
	if err != nil {
		return 0, err
	}
	defer release(out)
	if len(out) != 1 || out[0].NumRows() != 1 {
		t.Fatalf("write returned %d batches, want one row", len(out))
	}
	return out[0].Column(0).(*array.Int64).Value(0), nil
}

func release(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

// summary is, per return flag, the number of rows and the sum of keys.
func summary(t *testing.T, bs []arrow.RecordBatch) map[string][2]int64 {
	t.Helper()
	out := map[string][2]int64{}
	for _, b := range bs {
		keys := b.Column(0).(*array.Int64)
		flags := b.Column(2).(*array.String)
		for i := range int(b.NumRows()) {
			s := out[flags.Value(i)]
			s[0]++
			s[1] += keys.Value(i)
			out[flags.Value(i)] = s
		}
	}
	return out
}

func TestWriteFileSinkRoundTrip(t *testing.T) {
	cat := tpchCatalog(t)
	dir := filepath.Join(t.TempDir(), "lineitem_by_flag")
	n, err := count(t, writePlan("lineitem", fileSink(dir, "TABLE_FORMAT_PARQUET", `, "partitionBy": ["L_RETURNFLAG"], "options": {"compression": "snappy"}`)), cat)
	if err != nil {
		t.Fatal(err)
	}
	if n != 60175 {
		t.Errorf("wrote %d rows, want 60175", n)
	}
	for _, flag := range []string{"A", "N", "R"} {
		if m, _ := filepath.Glob(filepath.Join(dir, "l_returnflag="+flag, "part-*.parquet")); len(m) == 0 {
			t.Errorf("no files under l_returnflag=%s", flag)
		}
	}

	want, err := run(t, `{"relations": [{"root": {"input": `+lineitemCols("lineitem")+`}}]}`, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer release(want)
	cat["out"] = &plan.Table{Name: "out", Format: "parquet", Location: dir}
	got, err := run(t, `{"relations": [{"root": {"input": `+lineitemCols("out")+`}}]}`, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer release(got)
	if g, w := summary(t, got), summary(t, want); fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("read back %v, want %v", g, w)
	}

	// INSERT into the directory table appends files in its partitions.
	ins := writePlan("lineitem", `"namedTable": {"names": ["OUT"]}, "op": "WRITE_OP_INSERT"`)
	if n, err := count(t, ins, cat); err != nil || n != 60175 {
		t.Fatalf("insert: %d, %v", n, err)
	}
	got2, err := run(t, `{"relations": [{"root": {"input": `+lineitemCols("out")+`}}]}`, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer release(got2)
	for flag, s := range summary(t, got2) {
		if w := summary(t, want)[flag]; s != [2]int64{2 * w[0], 2 * w[1]} {
			t.Errorf("after insert, flag %s: %v, want twice %v", flag, s, w)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "part-")); err == nil {
		t.Errorf("insert wrote unpartitioned files")
	}
}

// creatingCatalog creates tables under a warehouse directory.
type creatingCatalog struct {
	mapCatalog
	dir string
}

func (c creatingCatalog) NewTable(name string) (*plan.Table, error) {
	return &plan.Table{Name: name, Format: "csv", Location: filepath.Join(c.dir, name)}, nil
}

func (c creatingCatalog) AddTable(t *plan.Table) error {
	c.mapCatalog[t.Name] = t
	return nil
}

func TestWriteCreateTable(t *testing.T) {
	cat := creatingCatalog{tpchCatalog(t), t.TempDir()}
	ctas := writePlan("lineitem", `"namedTable": {"names": ["copy"]}, "op": "WRITE_OP_CTAS"`)
	if n, err := count(t, ctas, cat); err != nil || n != 60175 {
		t.Fatalf("CTAS: %d, %v", n, err)
	}
	if cat.mapCatalog["copy"] == nil {
		t.Fatal("CTAS did not register the table")
	}
	if _, err := count(t, ctas, cat); errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second CTAS: %v, want InvalidArgument already exists", err)
	}
	ignore := strings.Replace(ctas, `"op": "WRITE_OP_CTAS"`, `"op": "WRITE_OP_CTAS", "createMode": "CREATE_MODE_IGNORE_IF_EXISTS"`, 1)
	if n, err := count(t, ignore, cat); err != nil || n != 0 {
		t.Errorf("CTAS if not exists: %d, %v; want 0", n, err)
	}
	got, err := run(t, `{"relations": [{"root": {"input": `+lineitemCols("copy")+`}}]}`, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer release(got)
	var rows int64
	for _, b := range got {
		rows += b.NumRows()
	}
	if rows != 60175 {
		t.Errorf("the CSV table holds %d rows, want 60175", rows)
	}
}

func TestWriteErrors(t *testing.T) {
	cat := tpchCatalog(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name    string
		plan    string
		kind    errkind.Kind
		mention string
	}{
		{"unknown format", writePlan("lineitem", fileSink(dir, "TABLE_FORMAT_UNSPECIFIED", "")), errkind.InvalidArgument, "format"},
		{"unknown partition column", writePlan("lineitem", fileSink(dir, "TABLE_FORMAT_PARQUET", `, "partitionBy": ["nope"]`)), errkind.InvalidArgument, "nope"},
		{"unknown option", writePlan("lineitem", fileSink(dir, "TABLE_FORMAT_CSV", `, "options": {"compression": "zstd"}`)), errkind.InvalidArgument, "compression"},
		{"remote uri", writePlan("lineitem", fileSink("s3://bucket/x", "TABLE_FORMAT_PARQUET", "")), errkind.Unimplemented, "s3://"},
		{"insert into a list of files", writePlan("lineitem", `"namedTable": {"names": ["orders"]}, "op": "WRITE_OP_INSERT"`), errkind.InvalidArgument, "orders"},
		{"insert into a missing table", writePlan("lineitem", `"namedTable": {"names": ["nope"]}, "op": "WRITE_OP_INSERT"`), errkind.NotFound, "nope"},
		{"create in a fixed catalog", writePlan("lineitem", `"namedTable": {"names": ["nope"]}, "op": "WRITE_OP_CTAS"`), errkind.Unimplemented, "nope"},
		{"delete", writePlan("lineitem", `"namedTable": {"names": ["orders"]}, "op": "WRITE_OP_DELETE"`), errkind.Unimplemented, "DELETE"},
		{"table schema mismatch", strings.Replace(writePlan("lineitem", fileSink(dir, "TABLE_FORMAT_PARQUET", "")),
			`{"i64": {"nullability": "NULLABILITY_REQUIRED"}},
      {"decimal"`, `{"i32": {"nullability": "NULLABILITY_REQUIRED"}},
      {"decimal"`, 1), errkind.InvalidArgument, "l_orderkey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := build(t, tc.plan, cat)
			if errkind.KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("got %v (%s), want %s mentioning %q", err, errkind.KindOf(err), tc.kind, tc.mention)
			}
		})
	}
}
