package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/csv"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// TestTPCHFileFormats runs every TPC-H query on the sample data stored as
// CSV (with a header, columns in a shuffled order) and as Arrow IPC files,
// split into two files per table, and checks the answers.
func TestTPCHFileFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("converts the sample data")
	}
	pq := tpchCatalog(t)
	dir := t.TempDir()
	csvCat, arrowCat := mapCatalog{}, mapCatalog{}
	for _, name := range tpchTables {
		tbl := readParquet(t, pq[name].Paths[0])
		csvCat[name] = &plan.Table{Name: name, Format: "csv", Paths: writeSplit(t, dir, name, ".csv", tbl, writeCSV)}
		arrowCat[name] = &plan.Table{Name: name, Format: "arrow", Paths: writeSplit(t, dir, name, ".arrow", tbl, writeArrow)}
		tbl.Release()
	}
	for _, c := range []struct {
		format string
		cat    mapCatalog
	}{{"csv", csvCat}, {"arrow", arrowCat}} {
		for _, q := range requiredTPCH["isthmus"] {
			t.Run(c.format+"/"+q, func(t *testing.T) {
				if err := runTPCH(t, "isthmus", q, c.cat); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func readParquet(t *testing.T, path string) arrow.Table {
	t.Helper()
	pf, err := file.OpenParquetFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// writeSplit writes tbl as two files, the first with about the first half
// of the rows, and returns their paths.
func writeSplit(t *testing.T, dir, name, ext string, tbl arrow.Table, write func(*testing.T, string, *arrow.Schema, []arrow.RecordBatch)) []string {
	t.Helper()
	tr := array.NewTableReader(tbl, 1000)
	defer tr.Release()
	var batches []arrow.RecordBatch
	for tr.Next() {
		b := tr.RecordBatch()
		b.Retain()
		batches = append(batches, b)
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	half := len(batches) / 2
	var paths []string
	for i, part := range [][]arrow.RecordBatch{batches[:half], batches[half:]} {
		p := filepath.Join(dir, name+string(rune('a'+i))+ext)
		write(t, p, tbl.Schema(), part)
		paths = append(paths, p)
	}
	return paths
}

// writeCSV writes the columns in reverse order with upper-case names, so
// that the scan must find them by the header's names.
func writeCSV(t *testing.T, path string, schema *arrow.Schema, batches []arrow.RecordBatch) {
	t.Helper()
	n := schema.NumFields()
	fields := make([]arrow.Field, n)
	for i := range n {
		fields[i] = schema.Field(n - 1 - i)
		fields[i].Name = strings.ToUpper(fields[i].Name)
	}
	rev := arrow.NewSchema(fields, nil)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := csv.NewWriter(f, rev, csv.WithHeader(true), csv.WithNullWriter(""))
	for _, b := range batches {
		cols := make([]arrow.Array, n)
		for i := range n {
			cols[i] = b.Column(n - 1 - i)
		}
		rb := array.NewRecordBatch(rev, cols, b.NumRows())
		err := w.Write(rb)
		rb.Release()
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}

func writeArrow(t *testing.T, path string, schema *arrow.Schema, batches []arrow.RecordBatch) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := ipc.NewFileWriter(f, ipc.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestReadLocalTextFiles reads headerless delimiter-separated text through
// a LocalFiles read with options, and refuses bad values and unsupported
// options with the right kinds.
func TestReadLocalTextFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "t.tbl")
	if err := os.WriteFile(good, []byte("skip me\n1|a|1.50|1995-03-15\n2||NULL|1996-01-01\n3|\"c|d\"|2.25|NULL\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.tbl")
	if err := os.WriteFile(bad, []byte("skip me\n1|a|x.y|1995-03-15\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nullText := "NULL"
	text := &substraitpb.ReadRel_LocalFiles_FileOrFiles_DelimiterSeparatedTextReadOptions{
		FieldDelimiter: "|", HeaderLinesToSkip: 1, ValueTreatedAsNull: &nullText,
	}
	readOf := func(path string, opts *substraitpb.ReadRel_LocalFiles_FileOrFiles_DelimiterSeparatedTextReadOptions) *substraitpb.Plan {
		nullable := substraitpb.Type_NULLABILITY_NULLABLE
		schema := &substraitpb.NamedStruct{
			Names: []string{"id", "name", "price", "day"},
			Struct: &substraitpb.Type_Struct{Types: []*substraitpb.Type{
				{Kind: &substraitpb.Type_I64_{I64: &substraitpb.Type_I64{Nullability: nullable}}},
				{Kind: &substraitpb.Type_String_{String_: &substraitpb.Type_String{Nullability: nullable}}},
				{Kind: &substraitpb.Type_Decimal_{Decimal: &substraitpb.Type_Decimal{Precision: 15, Scale: 2, Nullability: nullable}}},
				{Kind: &substraitpb.Type_Date_{Date: &substraitpb.Type_Date{Nullability: nullable}}},
			}},
		}
		read := &substraitpb.ReadRel{
			BaseSchema: schema,
			// Read name, price and day only.
			Projection: &substraitpb.Expression_MaskExpression{Select: &substraitpb.Expression_MaskExpression_StructSelect{
				StructItems: []*substraitpb.Expression_MaskExpression_StructItem{{Field: 1}, {Field: 2}, {Field: 3}},
			}},
			ReadType: &substraitpb.ReadRel_LocalFiles_{LocalFiles: &substraitpb.ReadRel_LocalFiles{
				Items: []*substraitpb.ReadRel_LocalFiles_FileOrFiles{{
					PathType:   &substraitpb.ReadRel_LocalFiles_FileOrFiles_UriFile{UriFile: "file://" + filepath.ToSlash(path)},
					FileFormat: &substraitpb.ReadRel_LocalFiles_FileOrFiles_Text{Text: opts},
				}},
			}},
		}
		return &substraitpb.Plan{
			Version: &substraitpb.Version{MinorNumber: 54},
			Relations: []*substraitpb.PlanRel{{RelType: &substraitpb.PlanRel_Root{Root: &substraitpb.RelRoot{
				Input: &substraitpb.Rel{RelType: &substraitpb.Rel_Read{Read: read}},
				Names: []string{"name", "price", "day"},
			}}}},
		}
	}
	run := func(p *substraitpb.Plan) (string, error) {
		data, err := proto.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		pp, err := normalize.Decode(data, false)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		phys, err := plan.Build(ctx, pp, mapCatalog{})
		if err != nil {
			return "", err
		}
		task := &op.Task{Alloc: memory.DefaultAllocator, Pool: spill.NewPool(0)}
		batches, err := op.Collect(ctx, phys.Root, task)
		if err != nil {
			return "", err
		}
		var sb strings.Builder
		for _, b := range batches {
			for r := range int(b.NumRows()) {
				for c := range int(b.NumCols()) {
					if c > 0 {
						sb.WriteString(",")
					}
					sb.WriteString(b.Column(c).ValueStr(r))
				}
				sb.WriteString("\n")
			}
			b.Release()
		}
		return sb.String(), nil
	}
	got, err := run(readOf(good, text))
	if err != nil {
		t.Fatal(err)
	}
	want := "a,1.5,1995-03-15\n,(null),1996-01-01\nc|d,2.25,(null)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	out, err := run(readOf(bad, text))
	t.Log(out)
	if errkind.KindOf(err) != errkind.Execution || !strings.Contains(err.Error(), "data rows 1-1") {
		t.Errorf("bad decimal: got %v, want an Execution error naming the rows", err)
	}
	if _, err := run(readOf(good, &substraitpb.ReadRel_LocalFiles_FileOrFiles_DelimiterSeparatedTextReadOptions{FieldDelimiter: "||"})); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("two-character delimiter: got %v, want Unimplemented", err)
	}
	if _, err := run(readOf(filepath.Join(dir, "missing.tbl"), text)); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("missing file: got %v, want NotFound", err)
	}
}
