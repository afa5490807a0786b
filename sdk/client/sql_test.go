package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/standalone"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

const tpchDir = "../../conformance/testdata/tpch/sf0.01"

func tpchFile(t *testing.T, table string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join(tpchDir, table+".parquet"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// startCluster starts an in-process cluster whose catalog holds the
// TPC-H tables nation and region, with a warehouse of its own for the
// tables CREATE TABLE AS makes, and returns its gateway's address.
func startCluster(t *testing.T) string {
	t.Helper()
	var tables []*plan.Table
	for _, name := range []string{"nation", "region"} {
		tables = append(tables, &plan.Table{Name: name, Format: "parquet", Paths: []string{tpchFile(t, name)}})
	}
	c, err := standalone.Start(context.Background(), standalone.Config{
		SchedulerConfig: standalone.SchedulerConfig{Tables: tables, Warehouse: filepath.Join(t.TempDir(), "warehouse")},
		Slots:           2,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("closing the cluster: %v", err)
		}
	})
	return c.Address()
}

// rows runs text and returns its result as CSV.
func rows(t *testing.T, c *client.Client, text string) string {
	t.Helper()
	res, err := c.SQL(context.Background(), text, nil)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	defer res.Release()
	var b bytes.Buffer
	if err := client.WriteCSV(&b, res.Schema, res.Batches); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSQLQueries(t *testing.T) {
	c := client.New(startCluster(t))
	for _, tc := range []struct{ sql, want string }{
		{"SELECT count(*) AS n FROM nation", "n\n25\n"},
		{"SELECT n_name FROM nation JOIN region ON n_regionkey = r_regionkey WHERE r_name = 'ASIA' ORDER BY n_name LIMIT 2",
			"n_name\nCHINA\nINDIA\n"},
		{"SHOW TABLES", "name,kind,format,location\nnation,table,parquet," + tpchFile(t, "nation") + "\nregion,table,parquet," + tpchFile(t, "region") + "\n"},
		{"DESCRIBE region", "column_name,column_type,null\nr_regionkey,bigint,NO\nr_name,text,NO\nr_comment,text,NO\n"},
		// Only the last statement's result comes back.
		{"SELECT 1; SELECT 'two' AS x", "x\ntwo\n"},
	} {
		if got := rows(t, c, tc.sql); got != tc.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", tc.sql, got, tc.want)
		}
	}

	explain := rows(t, c, "EXPLAIN SELECT r_name FROM region WHERE r_regionkey = 1")
	if !strings.HasPrefix(explain, "plan\n") || !strings.Contains(explain, "Scan") || !strings.Contains(explain, "region") {
		t.Errorf("EXPLAIN: got\n%s", explain)
	}
	analyze := rows(t, c, "EXPLAIN ANALYZE SELECT count(*) FROM nation")
	if !strings.HasPrefix(analyze, "plan\n") || !strings.Contains(analyze, "rows=") {
		t.Errorf("EXPLAIN ANALYZE: got\n%s", analyze)
	}
}

// DDL changes the cluster's catalog: later requests, in SQL or Substrait,
// read what earlier ones created.
func TestSQLCatalogChanges(t *testing.T) {
	c := client.New(startCluster(t))
	steps := []struct{ sql, want string }{
		{"CREATE EXTERNAL TABLE supplier STORED AS PARQUET LOCATION '" + tpchFile(t, "supplier") + "'",
			"status\nCREATE EXTERNAL TABLE\n"},
		{"SELECT count(*) AS n FROM supplier", "n\n100\n"},
		{"CREATE VIEW asia AS SELECT n_nationkey, n_name FROM nation WHERE n_regionkey = 2", "status\nCREATE VIEW\n"},
		{"SELECT count(*) AS n FROM supplier JOIN asia ON s_nationkey = n_nationkey", "n\n27\n"},
		{"DESCRIBE asia", "column_name,column_type,null\nn_nationkey,bigint,NO\nn_name,text,NO\n"},
		{"DROP VIEW asia; SHOW TABLES", "name,kind,format,location\nnation,table,parquet," + tpchFile(t, "nation") +
			"\nregion,table,parquet," + tpchFile(t, "region") + "\nsupplier,table,parquet," + tpchFile(t, "supplier") + "\n"},
		// Statements of one request run in order.
		{"CREATE VIEW one AS SELECT 1 AS x; SELECT x + 1 AS y FROM one", "y\n2\n"},
	}
	for _, s := range steps {
		if got := rows(t, c, s.sql); got != s.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", s.sql, got, s.want)
		}
	}

	// A Substrait plan made elsewhere reads the table SQL created.
	p, err := sql.Plan(context.Background(), "SELECT count(*) AS n FROM supplier WHERE s_acctbal > 0", sql.ParquetCatalog{"supplier": tpchFile(t, "supplier")})
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Execute(context.Background(), client.BinaryPlan(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if n := client.FormatValue(res.Batches[0].Column(0), 0); n != "89" {
		t.Errorf("Substrait plan over the SQL-created table: %s suppliers, want 89", n)
	}
}

// CREATE TABLE AS over the gateway: the job writes the table into the
// cluster's warehouse, and once it has succeeded every client reads it,
// by SQL or by a Substrait plan naming it.
func TestSQLCreateTableAs(t *testing.T) {
	addr := startCluster(t)
	c := client.New(addr)
	steps := []struct{ sql, want string }{
		{"CREATE TABLE per_region AS SELECT n_regionkey AS region, count(*) AS nations FROM nation GROUP BY n_regionkey", "count\n5\n"},
		{"SELECT r_name, nations FROM per_region JOIN region ON region = r_regionkey WHERE region < 2 ORDER BY region", "r_name,nations\nAFRICA,5\nAMERICA,5\n"},
		{"DESCRIBE per_region", "column_name,column_type,null\nregion,bigint,YES\nnations,bigint,YES\n"},
		{"INSERT INTO per_region VALUES (9, 1)", "count\n1\n"},
		{"SELECT count(*) AS n, sum(nations) AS total FROM per_region", "n,total\n6,26\n"},
	}
	for _, s := range steps {
		if got := rows(t, c, s.sql); got != s.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", s.sql, got, s.want)
		}
	}

	// Another client's Substrait plan reads the table by name.
	p, err := sql.Plan(context.Background(), "SELECT max(nations) AS m FROM per_region", sql.MapCatalog{
		"per_region": arrow.NewSchema([]arrow.Field{{Name: "region", Type: arrow.PrimitiveTypes.Int64, Nullable: true}, {Name: "nations", Type: arrow.PrimitiveTypes.Int64, Nullable: true}}, nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	res, err := client.New(addr).Execute(context.Background(), client.BinaryPlan(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Release()
	if m := client.FormatValue(res.Batches[0].Column(0), 0); m != "5" {
		t.Errorf("Substrait plan over the created table: max %s, want 5", m)
	}

	_, err = c.SQL(context.Background(), "CREATE TABLE per_region AS SELECT 1 AS x", nil)
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), `"per_region" already exists`) {
		t.Errorf("CREATE TABLE AS of an existing table: got %v", err)
	}
	if got := rows(t, c, "CREATE TABLE IF NOT EXISTS per_region AS SELECT 1 AS x"); got != "count\n0\n" {
		t.Errorf("CREATE TABLE IF NOT EXISTS of an existing table: got %q", got)
	}
}

func TestSQLErrors(t *testing.T) {
	c := client.New(startCluster(t))
	for _, tc := range []struct {
		sql  string
		code connect.Code
		msg  string
	}{
		{"SELECT 1 FORM nation", connect.CodeInvalidArgument, `syntax error at or near "nation" at line 1, column 15`},
		{"SELECT 1;\nSELEC 2", connect.CodeInvalidArgument, "line 2, column 1"},
		{"SELECT * FROM nowhere", connect.CodeNotFound, `"nowhere"`},
		{"SELECT no_such_column FROM nation", connect.CodeInvalidArgument, "no_such_column"},
		{"DROP TABLE nation", connect.CodeInvalidArgument, "cannot be dropped"},
		{"-- nothing but a comment", connect.CodeInvalidArgument, "no statement"},
		{"  ", connect.CodeInvalidArgument, "plan.sql is empty"},
	} {
		_, err := c.SQL(context.Background(), tc.sql, nil)
		if connect.CodeOf(err) != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: got %v (%s), want %s containing %q", tc.sql, err, connect.CodeOf(err), tc.code, tc.msg)
		}
	}
}

// ExecutePlan takes SQL too, returning rows as JSON: what curl sends.
func TestSQLExecutePlanJSON(t *testing.T) {
	addr := startCluster(t)
	qs := trebuchetv1connect.NewQueryServiceClient(transport.NewClient(), transport.BaseURL(addr), connect.WithProtoJSON())
	resp, err := qs.ExecutePlan(context.Background(), connect.NewRequest(&trebuchetv1.ExecutePlanRequest{
		Plan:   client.SQLPlan("SELECT r_regionkey, r_name FROM region WHERE r_regionkey < 2 ORDER BY 1"),
		Format: trebuchetv1.ResultFormat_RESULT_FORMAT_JSON,
	}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range resp.Msg.GetRows() {
		b, err := json.Marshal(r.AsSlice())
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, string(b))
	}
	if want := `[0,"AFRICA"] [1,"AMERICA"]`; strings.Join(got, " ") != want {
		t.Errorf("rows: got %s, want %s", strings.Join(got, " "), want)
	}
	if cols := resp.Msg.GetColumns(); len(cols) != 2 || cols[1].GetName() != "r_name" {
		t.Errorf("columns: %v", cols)
	}
}

// A local result of no rows is a result of no rows, not an error.
func TestSQLEmptyLocalResult(t *testing.T) {
	c, err := standalone.Start(context.Background(), standalone.Config{Slots: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, want := rows(t, client.New(c.Address()), "SHOW TABLES"), "name,kind,format,location\n"; got != want {
		t.Errorf("SHOW TABLES of an empty catalog: got %q, want %q", got, want)
	}
}

// Writes over the gateway: COPY runs as the job; in-memory tables live in
// the cluster's session, which INSERT fills by running its plan there.
func TestSQLWrites(t *testing.T) {
	c := client.New(startCluster(t))
	out := filepath.Join(t.TempDir(), "asia.parquet")
	steps := []struct{ sql, want string }{
		{"COPY (SELECT n_nationkey, n_name FROM nation WHERE n_regionkey = 2) TO '" + out + "'", "count\n5\n"},
		{"CREATE EXTERNAL TABLE asia STORED AS PARQUET LOCATION '" + out + "'", "status\nCREATE EXTERNAL TABLE\n"},
		{"SELECT n_name FROM asia ORDER BY n_nationkey LIMIT 2", "n_name\nINDIA\nINDONESIA\n"},
		{"CREATE TABLE notes (k bigint, note text)", "status\nCREATE TABLE\n"},
		{"INSERT INTO notes VALUES (8, 'eight'), (9, NULL)", "count\n2\n"},
		{"INSERT INTO notes SELECT n_nationkey, n_name FROM asia WHERE n_nationkey = 12", "count\n1\n"},
		{"SELECT k, note FROM notes ORDER BY k", "k,note\n8,eight\n9,\n12,JAPAN\n"},
		// A request may create and fill a table, its last statement giving
		// the result.
		{"CREATE TABLE more (x int); SELECT count(*) AS n FROM more", "n\n0\n"},
	}
	for _, s := range steps {
		if got := rows(t, c, s.sql); got != s.want {
			t.Errorf("%s:\ngot\n%s\nwant\n%s", s.sql, got, s.want)
		}
	}
	// A write must be the last statement of a request, for its job to
	// run it.
	_, err := c.SQL(context.Background(), "COPY (SELECT 1 AS x) TO '"+filepath.Join(t.TempDir(), "x.csv")+"'; SELECT 1", nil)
	if connect.CodeOf(err) != connect.CodeInvalidArgument || !strings.Contains(err.Error(), "statement 1 (COPY) writes files") {
		t.Errorf("COPY before another statement: got %v", err)
	}
}
