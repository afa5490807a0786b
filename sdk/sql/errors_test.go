package sql_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/substrait-io/substrait-go/v8/extensions"
	substraitplan "github.com/substrait-io/substrait-go/v8/plan"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

func testCatalog() sql.MapCatalog {
	return sql.MapCatalog{
		"t": arrow.NewSchema([]arrow.Field{
			{Name: "a", Type: arrow.PrimitiveTypes.Int64},
			{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "d", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
			{Name: "dt", Type: arrow.FixedWidthTypes.Date32},
		}, nil),
	}
}

func TestSyntaxError(t *testing.T) {
	text := "SELECT a\nFORM t"
	_, err := sql.Plan(context.Background(), text, testCatalog())
	if errkind.KindOf(err) != errkind.InvalidArgument {
		t.Fatalf("kind = %v, want invalid argument: %v", errkind.KindOf(err), err)
	}
	var se *sql.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%v: not a *SyntaxError", err)
	}
	if se.Message != `syntax error at or near "t"` || se.Pos != 15 || se.Line != 2 || se.Column != 6 {
		t.Errorf("got %+v", se)
	}
	if !strings.Contains(err.Error(), "line 2, column 6") {
		t.Errorf("message %q lacks the position", err)
	}
}

func TestBindErrors(t *testing.T) {
	for _, tc := range []struct {
		sql  string
		kind errkind.Kind
		msg  string
	}{
		{"SELECT a FROM nosuch", errkind.NotFound, `"nosuch"`},
		{"SELECT a FROM t, nosuch2", errkind.NotFound, `"nosuch2"`},
		{"SELECT zz FROM t", errkind.InvalidArgument, `column "zz" does not exist`},
		{"SELECT a FROM t WHERE t.qq > 1", errkind.InvalidArgument, `column "t.qq" does not exist`},
		{"SELECT a FROM t GROUP BY b", errkind.InvalidArgument, `"a" must appear in the GROUP BY`},
		{"SELECT a FROM t WHERE a", errkind.InvalidArgument, "WHERE must be boolean"},
		{"SELECT a FROM t WHERE b = dt", errkind.InvalidArgument, "operator does not exist"},
		{"SELECT a FROM t x, t y", errkind.InvalidArgument, `"a" is ambiguous`},
		{"SELECT sum(sum(a)) FROM t", errkind.InvalidArgument, "nested"},
		{"SELECT a FROM t WHERE dt < DATE '1994-13-01'", errkind.InvalidArgument, "invalid input syntax for type date"},
	} {
		_, err := sql.Plan(context.Background(), tc.sql, testCatalog())
		if err == nil {
			t.Errorf("%s: no error", tc.sql)
			continue
		}
		if k := errkind.KindOf(err); k != tc.kind || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: got %v: %v; want %v containing %q", tc.sql, k, err, tc.kind, tc.msg)
		}
	}
}

// TestPlans checks that the constructs of the SQL surface bind and emit.
func TestPlans(t *testing.T) {
	for _, q := range []string{
		"SELECT * FROM t",
		"SELECT a + 1 AS x, d * 2, -a FROM t WHERE NOT (a > 3 OR b IS NULL) AND b IS NOT NULL",
		"SELECT a FROM t WHERE b LIKE 'x%' AND b NOT LIKE '%y' AND a IN (1, 2, 3) AND a NOT IN (4) AND d BETWEEN 1 AND 2.5",
		"SELECT a FROM t WHERE dt >= DATE '1998-12-01' - INTERVAL '90' DAY AND dt < date '1994-01-01' + interval '3' month",
		"SELECT a FROM t WHERE dt < date '1994-01-01' + interval '1 year' AND d NOT BETWEEN 0 AND 1",
		"SELECT b, count(*), count(a), sum(d), avg(d), min(a), max(dt) FROM t GROUP BY b HAVING sum(d) > 10 ORDER BY 2 DESC, b LIMIT 5 OFFSET 2",
		"SELECT b AS k, sum(d) FROM t GROUP BY k ORDER BY sum(d) DESC, max(a)",
		"SELECT CASE WHEN a > 1 THEN 'big' WHEN a < 0 THEN 'neg' END, CASE b WHEN 'x' THEN 1.5 ELSE 0 END FROM t",
		"SELECT x.a, y.b FROM t x JOIN t y ON x.a = y.a WHERE x.d > 0.5 ORDER BY y.b NULLS FIRST",
		"SELECT a::bigint, CAST(d AS numeric(20, 4)), CAST(a AS double) / 2 FROM t ORDER BY a + 1",
	} {
		p, err := sql.Plan(context.Background(), q, testCatalog())
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		// Standard Substrait: substrait-go reads it back, declarations and
		// output types included, and the engine's normalizer accepts it.
		if _, err := substraitplan.FromProto(p, extensions.GetDefaultCollectionWithNoError()); err != nil {
			t.Errorf("%s: substrait-go: %v", q, err)
		}
		data, err := proto.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := normalize.Decode(data, false); err != nil {
			t.Errorf("%s: normalize: %v", q, err)
		}
	}
}
