package sql_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// session is a catalog for both the binder and the engine, run in-process:
// tables of files (the TPC-H ones, and directories), tables CREATE TABLE
// AS makes under a warehouse directory, and in-memory tables.
type session struct {
	mu        sync.Mutex
	tables    map[string]*plan.Table
	mem       map[string]*sql.MemTable
	warehouse string
}

func newSession(t *testing.T) *session {
	s := &session{tables: map[string]*plan.Table{}, mem: map[string]*sql.MemTable{}, warehouse: t.TempDir()}
	_, ec := tpchCatalogs(t)
	for name, tbl := range ec {
		s.tables[name] = tbl
	}
	return s
}

func (s *session) Table(name string) (*plan.Table, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tables[strings.ToLower(name)]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}

func (s *session) NewTable(name string) (*plan.Table, error) {
	return &plan.Table{Name: name, Format: "parquet", Location: filepath.Join(s.warehouse, name)}, nil
}

func (s *session) AddTable(t *plan.Table) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tables[t.Name] = t
	return nil
}

func (s *session) TableSchema(_ context.Context, name string) (*arrow.Schema, error) {
	if m := s.MemTable(name); m != nil {
		return m.ArrowSchema(), nil
	}
	t, err := s.Table(name)
	if err != nil {
		return nil, err
	}
	return catalog.Schema(t)
}

func (s *session) MemTable(name string) *sql.MemTable {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mem[name]
}

func (s *session) AddMemTable(t *sql.MemTable) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mem[t.Name] = t
	return nil
}

// exec prepares and runs one statement in-process, as the scheduler and
// an executor would (serialized plan, normalize, build, run), and returns
// the rows, each column formatted as text and joined by "|".
func (s *session) exec(t *testing.T, text string) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	st, err := sql.Prepare(ctx, text, s)
	if err != nil {
		return nil, err
	}
	return runStatement(t, st, s)
}

// runStatement runs a statement's plan, if any, over cat, and its Apply,
// if any.
func runStatement(t *testing.T, st *sql.Statement, cat plan.Catalog) ([]string, error) {
	t.Helper()
	ctx := context.Background()
	var batches []arrow.RecordBatch
	if st.Plan != nil {
		data, err := proto.Marshal(st.Plan)
		if err != nil {
			t.Fatal(err)
		}
		p, err := normalize.Decode(data, false)
		if err != nil {
			return nil, err
		}
		phys, err := plan.Build(ctx, p, cat)
		if err != nil {
			return nil, err
		}
		alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer alloc.AssertSize(t, 0)
		task := &op.Task{Alloc: alloc, Pool: spill.NewPool(1 << 30), BatchSize: 4096, Parallelism: 4}
		if batches, err = op.Collect(ctx, phys.Root, task); err != nil {
			return nil, err
		}
		defer func() {
			for _, b := range batches {
				b.Release()
			}
		}()
	}
	if st.Apply != nil {
		n, err := st.Apply(batches)
		if err != nil {
			return nil, err
		}
		return []string{strconv.FormatInt(n, 10)}, nil
	}
	var rows []string
	for _, b := range batches {
		for r := range int(b.NumRows()) {
			cells := make([]string, b.NumCols())
			for c := range cells {
				cells[c] = cell(b.Column(c), r)
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
	}
	return rows, nil
}

// cell formats a value as Python's str() does for DuckDB's results.
func cell(a arrow.Array, r int) string {
	if a.IsNull(r) {
		return "None"
	}
	switch a := a.(type) {
	case *array.Decimal128:
		return a.Value(r).ToString(a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.Date32:
		return a.Value(r).FormattedString()
	case *array.String:
		return a.Value(r)
	}
	return a.ValueStr(r)
}

func mustExec(t *testing.T, s *session, text string) []string {
	t.Helper()
	rows, err := s.exec(t, text)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return rows
}

// etlQuery is a TPC-H join whose result the ETL test writes out.
const etlQuery = `SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, o_orderdate, o_orderpriority, l_returnflag
FROM lineitem JOIN orders ON l_orderkey = o_orderkey WHERE l_shipdate < date '1995-01-01'`

const etlOrder = ` ORDER BY l_orderkey, l_linenumber`

// pythonWithDuckDB returns a Python interpreter that imports duckdb: the
// repository's venv (make venv installs it), else python3 on PATH.
func pythonWithDuckDB() (string, error) {
	candidates := []string{"../../.venv/bin/python", "python3"}
	for _, c := range candidates {
		if err := osexec.Command(c, "-c", "import duckdb").Run(); err == nil {
			return c, nil
		}
	}
	return "", errors.New("no Python with duckdb (tried ../../.venv/bin/python and python3; run make venv)")
}

func TestETLRoundTrip(t *testing.T) {
	s := newSession(t)
	want := mustExec(t, s, etlQuery+etlOrder)
	if len(want) < 1000 {
		t.Fatalf("the query returns %d rows; the test wants a real result", len(want))
	}
	dest := filepath.Join(t.TempDir(), "etl")
	got := mustExec(t, s, fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT PARQUET, PARTITION_BY (l_returnflag), COMPRESSION 'zstd')`, etlQuery, dest))
	if !slices.Equal(got, []string{strconv.Itoa(len(want))}) {
		t.Fatalf("COPY reported %v, want %d rows", got, len(want))
	}
	var dirs []string
	entries, err := os.ReadDir(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		dirs = append(dirs, e.Name())
	}
	var flags []string
	for _, row := range want {
		if d := "l_returnflag=" + row[strings.LastIndex(row, "|")+1:]; !slices.Contains(flags, d) {
			flags = append(flags, d)
		}
	}
	slices.Sort(flags)
	if len(flags) < 2 || !slices.Equal(dirs, flags) {
		t.Errorf("destination holds %v, want one directory per return flag and nothing else", dirs)
	}

	// Read back with SQL, through a directory table.
	tbl, err := catalog.DirectoryTable("etl", dest, "")
	if err != nil {
		t.Fatal(err)
	}
	s.tables["etl"] = tbl
	back := mustExec(t, s, `SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, o_orderdate, o_orderpriority, l_returnflag FROM etl`+etlOrder)
	if !slices.Equal(back, want) {
		t.Errorf("read back with SQL: %d rows, want %d; first differences:\n%s", len(back), len(want), firstDiff(back, want))
	}
	filtered := mustExec(t, s, `SELECT count(*) FROM etl WHERE l_returnflag = 'R'`)
	var r int
	for _, row := range want {
		if strings.HasSuffix(row, "|R") {
			r++
		}
	}
	if !slices.Equal(filtered, []string{strconv.Itoa(r)}) {
		t.Errorf("rows with l_returnflag = 'R': %v, want %d", filtered, r)
	}

	// Read back with DuckDB.
	py, err := pythonWithDuckDB()
	if err != nil {
		t.Skip(err)
	}
	script := `import duckdb, sys
rows = duckdb.sql("SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice, o_orderdate, o_orderpriority, l_returnflag " +
    "FROM read_parquet('" + sys.argv[1] + "/**/*.parquet', hive_partitioning=1) ORDER BY l_orderkey, l_linenumber").fetchall()
for r in rows:
    print("|".join(str(v) for v in r))
`
	out, err := osexec.Command(py, "-c", script, dest).Output()
	if err != nil {
		var ee *osexec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("duckdb: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	duck := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if !slices.Equal(duck, want) {
		t.Errorf("read back with DuckDB: %d rows, want %d; first differences:\n%s", len(duck), len(want), firstDiff(duck, want))
	}
}

func firstDiff(got, want []string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < max(len(got), len(want)) && n < 5; i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			fmt.Fprintf(&b, "row %d: got %q, want %q\n", i, g, w)
			n++
		}
	}
	return b.String()
}

func TestCopyCSVFile(t *testing.T) {
	s := newSession(t)
	path := filepath.Join(t.TempDir(), "nation.csv")
	if got := mustExec(t, s, `COPY (SELECT n_nationkey, n_name FROM nation WHERE n_regionkey = 0 ORDER BY n_nationkey) TO '`+path+`' (HEADER, DELIMITER ';')`); !slices.Equal(got, []string{"5"}) {
		t.Fatalf("COPY reported %v, want 5", got)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "n_nationkey;n_name\n0;ALGERIA\n5;ETHIOPIA\n14;KENYA\n15;MOROCCO\n16;MOZAMBIQUE\n"
	if string(data) != want {
		t.Errorf("file:\n%s\nwant:\n%s", data, want)
	}
	// A file destination is replaced, as PostgreSQL's COPY does.
	mustExec(t, s, `COPY nation TO '`+path+`'`)
	if data, _ := os.ReadFile(path); strings.Count(string(data), "\n") != 26 {
		t.Errorf("COPY nation: %d lines, want a header and 25 rows", strings.Count(string(data), "\n"))
	}
}

func TestCreateTableAsAndInsert(t *testing.T) {
	s := newSession(t)
	if got := mustExec(t, s, `CREATE TABLE asia AS SELECT n_nationkey AS k, n_name AS name FROM nation WHERE n_regionkey = 2`); !slices.Equal(got, []string{"5"}) {
		t.Fatalf("CTAS reported %v", got)
	}
	if got := mustExec(t, s, `INSERT INTO asia SELECT n_nationkey, n_name FROM nation WHERE n_nationkey = 0`); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("INSERT reported %v", got)
	}
	if got := mustExec(t, s, `INSERT INTO asia (name, k) VALUES ('ATLANTIS', 99), ('MU', 100)`); !slices.Equal(got, []string{"2"}) {
		t.Fatalf("INSERT VALUES reported %v", got)
	}
	got := mustExec(t, s, `SELECT k, name FROM asia ORDER BY k`)
	want := []string{"0|ALGERIA", "8|INDIA", "9|INDONESIA", "12|JAPAN", "18|CHINA", "21|VIETNAM", "99|ATLANTIS", "100|MU"}
	if !slices.Equal(got, want) {
		t.Errorf("asia = %v, want %v", got, want)
	}
	if _, err := s.exec(t, `CREATE TABLE asia AS SELECT 1 AS k FROM nation`); errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("CTAS of an existing table: %v", err)
	}
	if got := mustExec(t, s, `CREATE TABLE IF NOT EXISTS asia AS SELECT n_nationkey AS k, n_name AS name FROM nation`); !slices.Equal(got, []string{"0"}) {
		t.Errorf("CTAS IF NOT EXISTS reported %v, want 0", got)
	}
}

func TestInMemoryTable(t *testing.T) {
	s := newSession(t)
	mustExec(t, s, `CREATE TABLE prio (p text NOT NULL, weight int, since date, factor numeric(4,2))`)
	if got := mustExec(t, s, `INSERT INTO prio VALUES ('1-URGENT', 5, '1990-01-01', 1.5), ('2-HIGH', 4, NULL, 0.25)`); !slices.Equal(got, []string{"2"}) {
		t.Fatalf("INSERT VALUES reported %v", got)
	}
	if got := mustExec(t, s, `INSERT INTO prio (p, weight) SELECT o_orderpriority, 1 FROM orders WHERE o_orderpriority = '5-LOW' LIMIT 1`); !slices.Equal(got, []string{"1"}) {
		t.Fatalf("INSERT SELECT reported %v", got)
	}
	got := mustExec(t, s, `SELECT p, weight, since, factor FROM prio ORDER BY p`)
	want := []string{"1-URGENT|5|1990-01-01|1.50", "2-HIGH|4|None|0.25", "5-LOW|1|None|None"}
	if !slices.Equal(got, want) {
		t.Errorf("prio = %v, want %v", got, want)
	}
	// The table joins like any other: its rows travel in the plan.
	got = mustExec(t, s, `SELECT p, weight * count(*) FROM orders JOIN prio ON o_orderpriority = p GROUP BY p, weight ORDER BY p`)
	if len(got) != 3 || !strings.HasPrefix(got[0], "1-URGENT|") {
		t.Errorf("join with prio = %v", got)
	}
	if _, err := s.exec(t, `INSERT INTO prio (weight) VALUES (1)`); errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), `"p"`) {
		t.Errorf("NOT NULL column without a value: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	s := newSession(t)
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mustExec(t, s, `CREATE TABLE small AS SELECT n_nationkey AS k, n_name AS name FROM nation`)
	for _, tc := range []struct {
		sql     string
		kind    errkind.Kind
		mention []string
	}{
		{`COPY nation TO '` + plain + `/out' (FORMAT PARQUET)`, errkind.Execution, []string{"destination", "not a directory"}},
		{`COPY nation TO '/tmp/x' (FORMAT ORC)`, errkind.InvalidArgument, []string{"orc"}},
		{`COPY nation TO '/tmp/x' (PARTITION_BY (nope))`, errkind.InvalidArgument, []string{"nope"}},
		{`COPY nation TO '/tmp/x' (SPEED 'fast')`, errkind.InvalidArgument, []string{"speed"}},
		{`COPY nation FROM '/tmp/x'`, errkind.Unimplemented, []string{"COPY FROM"}},
		{`INSERT INTO small SELECT n_nationkey FROM nation`, errkind.InvalidArgument, []string{"1 columns", "(k, name)"}},
		{`INSERT INTO small (k) VALUES (1, 'x')`, errkind.InvalidArgument, []string{"2 expressions", "(k)"}},
		{`INSERT INTO small (k, nope) VALUES (1, 'x')`, errkind.InvalidArgument, []string{"nope"}},
		{`INSERT INTO small VALUES ('x', 'y')`, errkind.InvalidArgument, []string{`"k"`, `"x"`}},
		{`INSERT INTO small SELECT n_name, n_nationkey FROM nation`, errkind.InvalidArgument, []string{`"k"`, "string"}},
		{`INSERT INTO nope VALUES (1)`, errkind.NotFound, []string{"nope"}},
		{`INSERT INTO nation SELECT * FROM nation`, errkind.InvalidArgument, []string{"nation", "directory"}},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			_, err := s.exec(t, tc.sql)
			if err == nil {
				t.Fatal("no error")
			}
			if errkind.KindOf(err) != tc.kind {
				t.Errorf("%v: kind %s, want %s", err, errkind.KindOf(err), tc.kind)
			}
			for _, m := range tc.mention {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("%v: does not mention %q", err, m)
				}
			}
		})
	}
}

// TestSessionWrites runs the write statements through a Session.
func TestSessionWrites(t *testing.T) {
	s := newSession(t)
	sess, err := sql.NewSession(s)
	if err != nil {
		t.Fatal(err)
	}
	run := func(text string) []string {
		t.Helper()
		rows, err := runSession(t, sess, text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		return rows
	}
	run(`CREATE TABLE flags (flag text, n bigint)`)
	if got := run(`INSERT INTO flags VALUES ('X', 1)`); !slices.Equal(got, []string{"1"}) {
		t.Errorf("INSERT VALUES: %v", got)
	}
	if got := run(`INSERT INTO flags SELECT l_returnflag, count(*) FROM lineitem GROUP BY l_returnflag`); !slices.Equal(got, []string{"3"}) {
		t.Errorf("INSERT SELECT: %v", got)
	}
	want := append(run(`SELECT l_returnflag, count(*) FROM lineitem GROUP BY l_returnflag ORDER BY l_returnflag`), "X|1")
	if got := run(`SELECT flag, n FROM flags ORDER BY flag`); !slices.Equal(got, want) {
		t.Errorf("flags = %v, want %v", got, want)
	}
	path := filepath.Join(t.TempDir(), "flags.parquet")
	if got := run(`COPY flags TO '` + path + `'`); !slices.Equal(got, []string{"4"}) {
		t.Errorf("COPY: %v", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
	if _, err := sess.Exec(context.Background(), `CREATE TABLE flags (x int)`); errkind.KindOf(err) != errkind.InvalidArgument {
		t.Errorf("CREATE TABLE of an existing name: %v", err)
	}
}

// runSession runs one statement of a session in-process, the session
// being the engine's catalog, and returns its rows.
func runSession(t *testing.T, sess *sql.Session, text string) ([]string, error) {
	t.Helper()
	rs, err := sess.Exec(context.Background(), text)
	if err != nil {
		return nil, err
	}
	if rs[0].Rows != nil {
		return localRows(rs[0]), nil
	}
	return runStatement(t, &sql.Statement{Plan: rs[0].Plan, Apply: rs[0].Apply}, sess)
}

// TestSessionWarehouse creates tables of files through a Session with a
// warehouse: CREATE TABLE AS writes a directory there and registers it,
// INSERT adds files to it, all or nothing, SHOW TABLES lists it, a new
// session on the warehouse finds it, and DROP TABLE deletes it.
func TestSessionWarehouse(t *testing.T) {
	base := newSession(t)
	warehouse := filepath.Join(t.TempDir(), "warehouse")
	sess, err := sql.NewSessionWithOptions(base, sql.SessionOptions{Warehouse: warehouse})
	if err != nil {
		t.Fatal(err)
	}
	run := func(text string, want ...string) {
		t.Helper()
		got, err := runSession(t, sess, text)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s:\n got %q\nwant %q", text, got, want)
		}
	}
	run(`CREATE TABLE Asia AS SELECT n_nationkey AS k, n_name AS name FROM nation WHERE n_regionkey = 2`, "5")
	run(`INSERT INTO asia SELECT n_nationkey, n_name FROM nation WHERE n_nationkey = 0`, "1")
	run(`INSERT INTO asia (name, k) VALUES ('ATLANTIS', 99)`, "1")
	asia := []string{"0|ALGERIA", "8|INDIA", "9|INDONESIA", "12|JAPAN", "18|CHINA", "21|VIETNAM", "99|ATLANTIS"}
	run(`SELECT k, name FROM asia ORDER BY k`, asia...)

	// A failed INSERT adds nothing, and leaves no files behind.
	if _, err := runSession(t, sess, `INSERT INTO asia SELECT CAST(n_name AS bigint), n_name FROM nation`); err == nil {
		t.Fatal("INSERT of names cast to numbers succeeded")
	}
	run(`SELECT count(*) FROM asia`, "7")
	entries, err := os.ReadDir(filepath.Join(warehouse, "asia"))
	if err != nil || len(entries) != 3 {
		t.Errorf("the table's directory holds %d entries (%v), want the files of three writes", len(entries), err)
	}

	if _, err := runSession(t, sess, `CREATE TABLE asia AS SELECT 1 AS k`); errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("CTAS of an existing table: %v", err)
	}
	run(`CREATE TABLE IF NOT EXISTS asia AS SELECT 1 AS k`, "0")
	run(`CREATE TABLE prio (p text)`, "0")
	run(`SHOW TABLES`, "asia|table|parquet|"+filepath.Join(warehouse, "asia"), "prio|table|memory|")

	// An external directory table takes INSERTs too; DROP TABLE forgets
	// it but keeps its files.
	ext := t.TempDir()
	run(`COPY (SELECT n_name, n_regionkey FROM nation) TO '`+ext+`' (PARTITION_BY (n_regionkey), OVERWRITE)`, "25")
	run(`CREATE EXTERNAL TABLE regions STORED AS PARQUET LOCATION '` + ext + `'`)
	run(`INSERT INTO regions VALUES ('ATLANTIS', 7)`, "1")
	run(`SELECT n_regionkey, count(*) FROM regions GROUP BY n_regionkey ORDER BY n_regionkey`, "0|5", "1|5", "2|5", "3|5", "4|5", "7|1")
	run(`DROP TABLE regions`)
	if _, err := os.Stat(filepath.Join(ext, "n_regionkey=7")); err != nil {
		t.Errorf("DROP TABLE of an external table removed its files: %v", err)
	}

	// A new session on the warehouse has the table; DROP TABLE deletes it.
	again, err := sql.NewSessionWithOptions(base, sql.SessionOptions{Warehouse: warehouse})
	if err != nil {
		t.Fatal(err)
	}
	sess = again
	run(`SELECT k, name FROM asia ORDER BY k`, asia...)
	run(`DROP TABLE asia`)
	if _, err := os.Stat(filepath.Join(warehouse, "asia")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("DROP TABLE left the table's directory: %v", err)
	}
	run(`CREATE TABLE asia AS SELECT 1 AS k`, "1")

	// Without a warehouse, CREATE TABLE AS says what is missing.
	plain, err := sql.NewSession(base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runSession(t, plain, `CREATE TABLE t AS SELECT 1 AS k`); errkind.KindOf(err) != errkind.Unimplemented || !strings.Contains(err.Error(), "warehouse") {
		t.Errorf("CTAS without a warehouse: %v", err)
	}
}
