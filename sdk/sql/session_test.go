package sql_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/substrait-io/substrait-go/v8/types"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// exec runs text in s and fails the test on an error.
func exec(t *testing.T, s *sql.Session, text string) []*sql.Result {
	t.Helper()
	rs, err := s.Exec(context.Background(), text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return rs
}

// query runs a one-query text in s and the plan on the engine, with the
// session as the engine's catalog.
func query(t *testing.T, s *sql.Session, text string) []string {
	t.Helper()
	rs := exec(t, s, text)
	if len(rs) != 1 || rs[0].Plan == nil {
		t.Fatalf("%s: want one query result, got %d", text, len(rs))
	}
	rows, err := runPlan(t, rs[0].Plan, s)
	if err != nil {
		t.Fatalf("%s: run: %v", text, err)
	}
	return rows
}

// localRows formats a local result's rows as "v1|v2|…".
func localRows(r *sql.Result) []string {
	var out []string
	for i := 0; i < int(r.Rows.NumRows()); i++ {
		cells := make([]string, r.Rows.NumCols())
		for c, col := range r.Rows.Columns() {
			cells[c] = col.(*array.String).Value(i)
		}
		out = append(out, strings.Join(cells, "|"))
	}
	return out
}

func wantRows(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func sampleDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join(tpchDir, "sf0.01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "nation.parquet")); err != nil {
		t.Skipf("TPC-H data missing: %v", err)
	}
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestSessionTables(t *testing.T) {
	data := sampleDir(t)
	// A directory table: two copies of nation; the files writers leave
	// ("_" and "." prefixes) are not part of it.
	dir := t.TempDir()
	nation := filepath.Join(data, "nation.parquet")
	copyFile(t, nation, filepath.Join(dir, "part-0.parquet"))
	copyFile(t, nation, filepath.Join(dir, "part-1.parquet"))
	copyFile(t, nation, filepath.Join(dir, "_temporary", "part-2.parquet"))
	copyFile(t, nation, filepath.Join(dir, ".part-3.parquet"))
	if err := os.WriteFile(filepath.Join(dir, "_SUCCESS"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(csvPath, []byte("id,name,score,born,ok\n1,ann,1.5,1990-01-02,true\n2,bob,,1985-12-31,false\n3,,2,,true\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	s, err := sql.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	rs := exec(t, s, fmt.Sprintf(`
		CREATE EXTERNAL TABLE lineitem STORED AS PARQUET LOCATION '%s';
		create external table Nations (n_nationkey int NOT NULL, n_name text, n_regionkey int, n_comment varchar)
		  stored as parquet location '%s';
		CREATE EXTERNAL TABLE people STORED AS CSV LOCATION '%s' OPTIONS (header 'true');
		CREATE EXTERNAL TABLE IF NOT EXISTS people STORED AS CSV LOCATION '/nowhere.csv'`,
		filepath.Join(data, "lineitem.parquet"), dir, csvPath))
	if len(rs) != 4 || rs[0].Tag != "CREATE EXTERNAL TABLE" || rs[0].Plan != nil || rs[0].Rows != nil {
		t.Fatalf("results %+v", rs)
	}

	wantRows(t, "directory table", query(t, s, "SELECT count(*), count(DISTINCT n_name), sum(n_nationkey) FROM nations"), "50|25|600")
	wantRows(t, "file table", query(t, s, "SELECT count(*) FROM lineitem WHERE l_returnflag = 'R'"), "14902")
	wantRows(t, "csv table", query(t, s, "SELECT id, name, score, born, ok FROM people ORDER BY id"),
		"1|ann|1.5|1990-01-02|true", "2|bob|NULL|1985-12-31|false", "3|NULL|2|NULL|true")

	show := exec(t, s, "SHOW TABLES")[0]
	wantRows(t, "SHOW TABLES", localRows(show),
		"lineitem|table|parquet|"+filepath.Join(data, "lineitem.parquet"), "nations|table|parquet|"+dir, "people|table|csv|"+csvPath)
	wantRows(t, "DESCRIBE nations", localRows(exec(t, s, "DESCRIBE nations")[0]),
		"n_nationkey|integer|NO", "n_name|text|YES", "n_regionkey|integer|YES", "n_comment|text|YES")
	wantRows(t, "DESC people", localRows(exec(t, s, "desc People")[0]),
		"id|bigint|YES", "name|text|YES", "score|double precision|YES", "born|date|YES", "ok|boolean|YES")
	if b := s.EngineTables()[1]; b.Location != dir || len(b.Paths) != 0 {
		t.Errorf("nations binding = %+v, want the directory %s", b, dir)
	}

	exec(t, s, "DROP TABLE lineitem; DROP TABLE IF EXISTS lineitem; DROP TABLE IF EXISTS nosuch")
	if _, err := s.Exec(context.Background(), "SELECT count(*) FROM lineitem"); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("query of a dropped table: %v, want not found", err)
	}
	if _, err := s.Table("lineitem"); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("engine binding of a dropped table: %v, want not found", err)
	}
}

func TestSessionTableErrors(t *testing.T) {
	data := sampleDir(t)
	nation := filepath.Join(data, "nation.parquet")
	s, err := sql.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	exec(t, s, "CREATE EXTERNAL TABLE n STORED AS PARQUET LOCATION '"+nation+"'")
	for _, c := range []struct {
		text string
		kind errkind.Kind
	}{
		{"CREATE EXTERNAL TABLE n STORED AS PARQUET LOCATION '" + nation + "'", errkind.InvalidArgument},
		{"CREATE EXTERNAL TABLE m STORED AS ORC LOCATION '" + nation + "'", errkind.Unimplemented},
		{"CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '/no/such/file.parquet'", errkind.NotFound},
		{"CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '" + data + "/*.nosuch'", errkind.NotFound},
		{"CREATE EXTERNAL TABLE m STORED AS CSV LOCATION '" + data + "'", errkind.InvalidArgument}, // not CSV files
		{"CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '" + nation + "' OPTIONS (compression 'zstd')", errkind.InvalidArgument},
		{"CREATE EXTERNAL TABLE m STORED AS CSV LOCATION 'x.csv' OPTIONS (header 'false')", errkind.Unimplemented},
		{"CREATE EXTERNAL TABLE m (a int[]) STORED AS PARQUET LOCATION '" + nation + "'", errkind.Unimplemented},
		{"CREATE EXTERNAL TABLE m (a geometry) STORED AS PARQUET LOCATION '" + nation + "'", errkind.Unimplemented},
		{"CREATE TABLE m (a int PRIMARY KEY)", errkind.Unimplemented}, // in-memory tables take no keys
		{"DROP TABLE nosuch", errkind.NotFound},
		{"DROP VIEW n", errkind.InvalidArgument},
		{"DESCRIBE nosuch", errkind.NotFound},
		{"SHOW search_path", errkind.Unimplemented},
		{"CREATE INDEX i ON n (n_name)", errkind.Unimplemented},
	} {
		if _, err := s.Exec(context.Background(), c.text); errkind.KindOf(err) != c.kind {
			t.Errorf("%s: err = %v (%v), want %v", c.text, err, errkind.KindOf(err), c.kind)
		}
	}
}

// TestSessionSyntaxErrors checks that errors in the statements the
// session adds to PostgreSQL's point at the right place of the whole text.
func TestSessionSyntaxErrors(t *testing.T) {
	s, err := sql.NewSession(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		at   string // the text at the reported position
		line int
	}{
		// The parser's error, in the column list.
		{"CREATE EXTERNAL TABLE t (a int,) STORED AS PARQUET LOCATION 'x'", ") STORED", 1},
		{"CREATE EXTERNAL TABLE t (a int b) STORED AS PARQUET LOCATION 'x'", "b) STORED", 1},
		// The session's, in the clause after it.
		{"CREATE EXTERNAL TABLE t STORED PARQUET LOCATION 'x'", "PARQUET LOCATION", 1},
		{"SELECT 1;\nCREATE EXTERNAL TABLE t\n STORED AS PARQUET LOKATION 'x'", "LOKATION", 3},
		{"CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION x", "x", 1},
		{"CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 'x' OPTIONS (header)", ")", 1},
		{"CREATE EXTERNAL TABLE t STORED AS CSV LOCATION 'x' extra", "extra", 1},
		{"DESCRIBE a b", "b", 1},
		// A later statement's own syntax error, after a valid one.
		{"SELECT 1; SELECT 2 FORM t", "t", 1},
		{"SELECT 'a;b';\n\nSELEC 1", "SELEC", 3},
	} {
		_, err := s.Exec(context.Background(), c.text)
		var se *sql.SyntaxError
		if !errors.As(err, &se) || errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("%q: err = %v, want a syntax error", c.text, err)
			continue
		}
		if !strings.HasPrefix(c.text[se.Pos-1:], c.at) || se.Line != c.line {
			t.Errorf("%q: error %v at %q (line %d), want at %q (line %d)", c.text, se, c.text[se.Pos-1:], se.Line, c.at, c.line)
		}
	}
	// A missing clause is reported at the end of the statement.
	text := "CREATE EXTERNAL TABLE t (a int); SELECT 1"
	_, err = s.Exec(context.Background(), text)
	var se *sql.SyntaxError
	if !errors.As(err, &se) || se.Pos != strings.Index(text, ";")+1 {
		t.Errorf("%q: %v, want a syntax error at the semicolon", text, err)
	}
}

func TestSessionViews(t *testing.T) {
	data := sampleDir(t)
	s, err := sql.NewSession(sql.ParquetCatalog{
		"nation": filepath.Join(data, "nation.parquet"),
		"region": filepath.Join(data, "region.parquet"),
	})
	if err != nil {
		t.Fatal(err)
	}
	rs := exec(t, s, `
		CREATE VIEW europe (name, key) AS
		  SELECT n_name, n_nationkey FROM nation JOIN region ON n_regionkey = r_regionkey WHERE r_name = 'EUROPE';
		CREATE TEMP VIEW big_keys AS SELECT key FROM europe WHERE key > 10;
		SELECT e.name FROM europe e JOIN big_keys b ON e.key = b.key ORDER BY 1`)
	if len(rs) != 3 || rs[0].Tag != "CREATE VIEW" || rs[2].Tag != "SELECT" {
		t.Fatalf("results %+v", rs)
	}
	rows, err := runPlan(t, rs[2].Plan, s)
	if err != nil {
		t.Fatal(err)
	}
	wantRows(t, "views", rows, "ROMANIA", "RUSSIA", "UNITED KINGDOM")
	wantRows(t, "DESCRIBE view", localRows(exec(t, s, "DESCRIBE europe")[0]), "name|text|NO", "key|bigint|NO")

	// A WITH query hides a view of the same name.
	wantRows(t, "CTE over view", query(t, s, "WITH europe AS (SELECT 1 AS key) SELECT count(*) FROM europe"), "1")

	// A plan built in Go — as a DataFrame is — registered as a view.
	req := types.NullabilityRequired
	i32, str := &types.Int32Type{Nullability: req}, &types.StringType{Nullability: req}
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	scan := &logical.Scan{Table: "nation", Fields: logical.Schema{
		{Name: "n_nationkey", Type: i32}, {Name: "n_name", Type: str}, {Name: "n_regionkey", Type: i32}, {Name: "n_comment", Type: str}}}
	lt, err := fns.Call("lt", &logical.Column{Index: 0, T: i32}, &logical.Literal{Value: int32(3), T: i32})
	if err != nil {
		t.Fatal(err)
	}
	df := &logical.Project{Input: &logical.Filter{Input: scan, Cond: lt},
		Exprs: []logical.Expr{&logical.Column{Index: 1, T: str}}, Names: []string{"n_name"}}
	if err := s.RegisterView("first_nations", df, []string{"nation"}); err != nil {
		t.Fatal(err)
	}
	wantRows(t, "Go view", query(t, s, "SELECT lower(nation) FROM first_nations ORDER BY 1"), "algeria", "argentina", "brazil")

	show := localRows(exec(t, s, "SHOW TABLES")[0])
	wantRows(t, "SHOW TABLES", show, "big_keys|view||", "europe|view||", "first_nations|view||",
		"nation|table|parquet|"+filepath.Join(data, "nation.parquet"), "region|table|parquet|"+filepath.Join(data, "region.parquet"))

	for _, c := range []struct {
		text string
		kind errkind.Kind
	}{
		{"CREATE VIEW europe AS SELECT 1", errkind.InvalidArgument},
		{"CREATE VIEW nation AS SELECT 1", errkind.InvalidArgument},
		{"CREATE VIEW v (a, b) AS SELECT 1", errkind.InvalidArgument},
		{"CREATE VIEW v AS SELECT nope FROM nation", errkind.InvalidArgument},
		{"DROP TABLE europe", errkind.InvalidArgument},
		{"DROP TABLE nation", errkind.InvalidArgument}, // the base catalog's
		{"DROP VIEW nosuch", errkind.NotFound},
	} {
		if _, err := s.Exec(context.Background(), c.text); errkind.KindOf(err) != c.kind {
			t.Errorf("%s: err = %v (%v), want %v", c.text, err, errkind.KindOf(err), c.kind)
		}
	}
	exec(t, s, "CREATE OR REPLACE VIEW europe AS SELECT 7 AS name")
	wantRows(t, "replaced view", query(t, s, "SELECT name FROM europe"), "7")
	exec(t, s, "DROP VIEW europe; DROP VIEW IF EXISTS europe")
	if _, err := s.Exec(context.Background(), "SELECT * FROM europe"); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("dropped view: %v, want not found", err)
	}
	// The view bound earlier keeps its plan.
	wantRows(t, "view over a dropped view", query(t, s, "SELECT count(*) FROM big_keys"), "3")
}

func TestSessionExplain(t *testing.T) {
	data := sampleDir(t)
	s, err := sql.NewSession(sql.ParquetCatalog{"nation": filepath.Join(data, "nation.parquet")})
	if err != nil {
		t.Fatal(err)
	}
	const q = "SELECT n_regionkey, count(*) FROM nation WHERE n_name LIKE 'A%' GROUP BY n_regionkey"
	text := exec(t, s, "EXPLAIN "+q)[0]
	want := []string{
		// Optimized: the filter is pushed into the scan, which reads
		// only the columns used.
		"Project n_regionkey=g0, count=a0",
		"  Aggregate groups=[n_regionkey] aggs=[count()]",
		"    Scan nation columns=[n_regionkey] filter=like(n_name, 'A%')",
	}
	if text.Tag != "EXPLAIN" || text.Plan != nil {
		t.Errorf("EXPLAIN result %+v", text)
	}
	wantRows(t, "EXPLAIN", localRows(text), want...)

	js := exec(t, s, "EXPLAIN (FORMAT JSON) "+q)[0]
	var p substraitpb.Plan
	if err := protojson.Unmarshal([]byte(localRows(js)[0]), &p); err != nil {
		t.Fatalf("EXPLAIN (FORMAT JSON) is not a Substrait plan: %v", err)
	}
	if names := p.GetRelations()[0].GetRoot().GetNames(); !slices.Equal(names, []string{"n_regionkey", "count"}) {
		t.Errorf("JSON plan names %v", names)
	}
	an := exec(t, s, "EXPLAIN ANALYZE "+q)[0]
	if an.Tag != "EXPLAIN ANALYZE" || an.Plan == nil || an.Rows != nil {
		t.Errorf("EXPLAIN ANALYZE result %+v", an)
	}
	for _, bad := range []string{"EXPLAIN (FORMAT XML) " + q, "EXPLAIN (BUFFERS) " + q} {
		if _, err := s.Exec(context.Background(), bad); errkind.KindOf(err) != errkind.InvalidArgument {
			t.Errorf("%s: %v, want invalid argument", bad, err)
		}
	}
}

// TestSessionExecPartial checks that statements before a failing one take
// effect and their results are returned.
func TestSessionExecPartial(t *testing.T) {
	s, err := sql.NewSession(sql.MapCatalog{"t": arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.PrimitiveTypes.Int64}}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	rs, err := s.Exec(context.Background(), "CREATE VIEW v AS SELECT a FROM t; SELECT nope FROM v; CREATE VIEW w AS SELECT 1")
	if err == nil || !strings.Contains(err.Error(), "statement 2") || len(rs) != 1 {
		t.Fatalf("got %d results, %v; want 1 and an error in statement 2", len(rs), err)
	}
	if s.View("v") == nil || s.View("w") != nil {
		t.Error("want v created and w not")
	}
	if rs, err := s.Exec(context.Background(), "-- nothing\n;;"); err != nil || len(rs) != 0 {
		t.Errorf("empty text: %d results, %v", len(rs), err)
	}
}
