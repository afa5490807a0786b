package catalog_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

const sf001 = "../../conformance/testdata/tpch/sf0.01"

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	write(t, to, string(data))
}

func TestResolve(t *testing.T) {
	nation, _ := filepath.Abs(filepath.Join(sf001, "nation.parquet"))
	region, _ := filepath.Abs(filepath.Join(sf001, "region.parquet"))
	dir := t.TempDir()
	// A directory table partitioned by k, with files hidden from readers.
	copyFile(t, nation, filepath.Join(dir, "parted", "k=1", "a.parquet"))
	copyFile(t, nation, filepath.Join(dir, "parted", "k=2", "b.parquet"))
	write(t, filepath.Join(dir, "parted", "_SUCCESS"), "")
	write(t, filepath.Join(dir, "parted", ".trebuchet-tmp-1", "c.parquet"), "partial")
	// Bad directories.
	copyFile(t, nation, filepath.Join(dir, "mixed", "a.parquet"))
	write(t, filepath.Join(dir, "mixed", "b.csv"), "a\n1\n")
	copyFile(t, nation, filepath.Join(dir, "nothive", "sub", "a.parquet"))
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "x.dat"), "")

	for _, c := range []struct {
		location, format string
		want             string // Format, Paths or Location, or the error kind
	}{
		{nation, "", "parquet " + nation},
		{nation, "PARQUET", "parquet " + nation},
		{filepath.Join(sf001, "[nr]*ion.parquet"), "", "parquet " + nation + "," + region},
		{filepath.Join(dir, "parted"), "", "parquet dir " + filepath.Join(dir, "parted")},
		{filepath.Join(dir, "parted"), "parquet", "parquet dir " + filepath.Join(dir, "parted")},
		{filepath.Join(dir, "empty"), "csv", "csv dir " + filepath.Join(dir, "empty")},
		{filepath.Join(dir, "x.dat"), "csv", "csv " + filepath.Join(dir, "x.dat")},
		{filepath.Join(dir, "no-such.parquet"), "", "not found"},
		{filepath.Join(dir, "*.nosuch"), "", "not found"},
		{filepath.Join(dir, "[.parquet"), "", "invalid argument"},
		{filepath.Join(dir, "x.dat"), "", "invalid argument"},
		{filepath.Join(dir, "parted"), "csv", "invalid argument"},
		{filepath.Join(dir, "mixed"), "", "invalid argument"},
		{filepath.Join(dir, "nothive"), "", "invalid argument"},
		{filepath.Join(dir, "empty"), "", "invalid argument"},
		{nation, "orc", "unimplemented"},
	} {
		tbl, err := catalog.Resolve("t", c.location, c.format)
		got := ""
		switch {
		case err != nil:
			got = errkind.KindOf(err).String()
		case tbl.Location != "":
			got = tbl.Format + " dir " + tbl.Location
		default:
			got = tbl.Format + " " + strings.Join(tbl.Paths, ",")
		}
		if !strings.EqualFold(got, c.want) {
			t.Errorf("Resolve(%q, %q) = %s (%v), want %s", c.location, c.format, got, err, c.want)
		}
	}
}

func TestSchema(t *testing.T) {
	dir := t.TempDir()
	nation := filepath.Join(sf001, "nation.parquet")
	copyFile(t, nation, filepath.Join(dir, "parted", "day=2024-01-02", "a.parquet"))
	parted, err := catalog.Resolve("parted", filepath.Join(dir, "parted"), "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := catalog.Schema(parted)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Field(s.NumFields() - 1); got.Name != "day" || got.Type.String() != "date32" {
		t.Errorf("partition column %v, want day date32", got)
	}

	write(t, filepath.Join(dir, "people.csv"), "id,name,score,born,ok,none\n1,ann,1.5,1990-01-02,true,\n2,bob,,1985-12-31,false,\n3,,2,,true,\n")
	write(t, filepath.Join(dir, "t.tsv"), "a\tb\n1\tx\n")
	write(t, filepath.Join(dir, "noheader.csv"), "1;x\n2;y\n")
	write(t, filepath.Join(dir, "nulls.csv"), "a\nNA\n3\n")
	write(t, filepath.Join(dir, "mixed.csv"), "a,b,c\n1,1,t\n2024-01-02,2.5,0\n")
	write(t, filepath.Join(dir, "junk.parquet"), "not parquet")
	null := "NA"
	fileSchema := func(format, path string) func() (*arrow.Schema, error) {
		return func() (*arrow.Schema, error) { return catalog.FileSchema(format, path) }
	}
	csvSchema := func(path string, opts catalog.CSVOptions) func() (*arrow.Schema, error) {
		return func() (*arrow.Schema, error) { return catalog.CSVSchema(path, opts) }
	}
	for _, c := range []struct {
		name string
		read func() (*arrow.Schema, error)
		want string // name:type of each column, or the error kind
	}{
		{"csv", fileSchema("csv", filepath.Join(dir, "people.csv")), "id:int64 name:utf8 score:float64 born:date32 ok:bool none:utf8"},
		{"tsv", fileSchema("csv", filepath.Join(dir, "t.tsv")), "a:int64 b:utf8"},
		{"no header", csvSchema(filepath.Join(dir, "noheader.csv"), catalog.CSVOptions{NoHeader: true, Delimiter: ';'}), "column_1:int64 column_2:utf8"},
		{"mixed", fileSchema("csv", filepath.Join(dir, "mixed.csv")), "a:utf8 b:float64 c:bool"},
		{"null value", csvSchema(filepath.Join(dir, "nulls.csv"), catalog.CSVOptions{NullValue: &null}), "a:int64"},
		{"parquet", fileSchema("parquet", nation), "n_nationkey:int64 n_name:utf8 n_regionkey:int64 n_comment:utf8"},
		{"missing", fileSchema("parquet", filepath.Join(dir, "nosuch.parquet")), "not found"},
		{"not parquet", fileSchema("parquet", filepath.Join(dir, "junk.parquet")), "invalid argument"},
		{"not arrow", fileSchema("arrow", filepath.Join(dir, "junk.parquet")), "invalid argument"},
		{"missing csv", csvSchema(filepath.Join(dir, "nosuch.csv"), catalog.CSVOptions{}), "not found"},
	} {
		s, err := c.read()
		got := ""
		if err != nil {
			got = errkind.KindOf(err).String()
		} else {
			var cols []string
			for _, f := range s.Fields() {
				cols = append(cols, f.Name+":"+f.Type.String())
			}
			got = strings.Join(cols, " ")
		}
		if !strings.EqualFold(got, c.want) {
			t.Errorf("%s: got %s (%v), want %s", c.name, got, err, c.want)
		}
	}
}

func TestWarehouse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "wh")
	w, err := catalog.NewWarehouse(dir)
	if err != nil {
		t.Fatal(err)
	}
	if held, err := w.Tables(); err != nil || len(held) != 0 {
		t.Fatalf("a warehouse not made yet holds %v (%v)", held, err)
	}
	for _, bad := range []string{"", "a/b", "..", ".hidden", "_tmp"} {
		if _, err := w.NewTable(bad); errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("NewTable(%q): %v, want InvalidArgument", bad, err)
		}
	}
	// A catalog creates a table: NewTable places it, AddTable registers it.
	c, err := catalog.New(&plan.Table{Name: "nation", Format: "parquet", Paths: []string{filepath.Join(sf001, "nation.parquet")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.NewTable("t"); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("NewTable without a warehouse: %v, want Unimplemented", err)
	}
	if err := c.UseWarehouse(w); err != nil {
		t.Fatal(err)
	}
	if _, err := c.NewTable("Nation"); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("NewTable of an existing name: %v, want InvalidArgument", err)
	}
	nt, err := c.NewTable("T")
	if err != nil || nt.Name != "t" || nt.Location != filepath.Join(dir, "t") || nt.Format != "parquet" {
		t.Fatalf("NewTable = %+v, %v", nt, err)
	}
	if _, err := c.Table("t"); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("NewTable registered the table: %v", err)
	}
	copyFile(t, filepath.Join(sf001, "nation.parquet"), filepath.Join(nt.Location, "part-0.parquet"))
	if err := c.AddTable(nt); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Table("T"); err != nil || got != nt {
		t.Errorf("Table after AddTable = %v, %v", got, err)
	}
	if err := c.AddTable(nt); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("AddTable twice: %v, want InvalidArgument", err)
	}
	// A catalog opened on the warehouse again holds the table.
	again, err := catalog.New()
	if err != nil {
		t.Fatal(err)
	}
	if err := again.UseWarehouse(w); err != nil {
		t.Fatal(err)
	}
	if got, err := again.Table("t"); err != nil || got.Location != nt.Location {
		t.Errorf("reopened warehouse: %v, %v", got, err)
	}
	if _, err := catalog.NewWarehouse(filepath.Join(nt.Location, "part-0.parquet")); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("a file as warehouse: %v, want InvalidArgument", err)
	}
}

// TestCreateThroughTask follows a CTAS from the scheduler to an executor:
// the scheduler's recorder places the new table and marks it for creation
// in the task; the executor's catalog, built from the task, does not hold
// it yet but creates it there.
func TestCreateThroughTask(t *testing.T) {
	w, err := catalog.NewWarehouse(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	nation := &plan.Table{Name: "nation", Format: "parquet", Paths: []string{"/n.parquet"}}
	sched, err := catalog.New(nation)
	if err != nil {
		t.Fatal(err)
	}
	if err := sched.UseWarehouse(w); err != nil {
		t.Fatal(err)
	}
	rec := &catalog.Recorder{Catalog: sched}
	if _, err := rec.Table("nation"); err != nil {
		t.Fatal(err)
	}
	created, err := rec.NewTable("copy")
	if err != nil {
		t.Fatal(err)
	}
	if again, err := rec.NewTable("COPY"); err != nil || again != created {
		t.Errorf("a second NewTable of the name: %v, %v; want the first answer", again, err)
	}
	used := rec.Used()
	if len(used) != 2 || used[0].GetCreate() || !used[1].GetCreate() || used[1].GetLocation() != created.Location {
		t.Fatalf("task tables %v", used)
	}
	exe, err := catalog.FromProto(used)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exe.Table("copy"); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("the executor's catalog holds the table to create: %v", err)
	}
	if got, err := exe.NewTable("copy"); err != nil || got.Location != created.Location {
		t.Errorf("executor NewTable = %v, %v; want the scheduler's choice %s", got, err, created.Location)
	}
	if _, err := exe.NewTable("other"); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("executor NewTable of a table the task does not create: %v, want Unimplemented", err)
	}
	if _, err := (&catalog.Recorder{Catalog: exe}).NewTable("copy"); err != nil {
		t.Error(err)
	}
	var plain plan.Catalog = struct{ plan.Catalog }{sched}
	if _, err := (&catalog.Recorder{Catalog: plain}).NewTable("x"); errkind.KindOf(err) != errkind.Unimplemented {
		t.Errorf("recorder over a catalog that creates nothing: %v, want Unimplemented", err)
	}
}
