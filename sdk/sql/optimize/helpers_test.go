package optimize_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

const tpchDir = "../../../conformance/testdata/tpch"

// tpchCatalog is the SF 0.01 TPC-H tables, with their footers' statistics.
func tpchCatalog(t testing.TB) sql.ParquetCatalog {
	t.Helper()
	c := sql.ParquetCatalog{}
	for _, name := range []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"} {
		p := filepath.Join(tpchDir, "sf0.01", name+".parquet")
		if _, err := os.Stat(p); err != nil {
			t.Skipf("TPC-H data missing: %v", err)
		}
		c[name] = p
	}
	return c
}

// bind binds one query.
func bind(t testing.TB, cat sql.Catalog, query string) logical.Node {
	t.Helper()
	n, _, err := sql.Bind(context.Background(), query, cat)
	if err != nil {
		t.Fatalf("bind %q: %v", query, err)
	}
	return n
}

func functions(t testing.TB) *logical.Functions {
	t.Helper()
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	return fns
}

// apply runs rules over n and returns the plan.
func apply(t testing.TB, n logical.Node, rules ...optimize.Rule) logical.Node {
	t.Helper()
	out, err := optimize.Optimize(n, rules)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testCatalog is a catalog of small schemas with made-up statistics.
type testCatalog struct {
	sql.MapCatalog
	stats map[string]logical.TableStats
}

func (c testCatalog) TableStats(_ context.Context, name string) (logical.TableStats, bool) {
	s, ok := c.stats[name]
	return s, ok
}

func field(name string, t arrow.DataType) arrow.Field { return arrow.Field{Name: name, Type: t} }

// newTestCatalog has t(a, b, c, d) and u(x, y, z), small, and a star of a
// large fact table f(k1, k2, v) with dimensions d1(k1, n1), d2(k2, n2).
func newTestCatalog() testCatalog {
	i64, str, date := arrow.PrimitiveTypes.Int64, arrow.BinaryTypes.String, arrow.FixedWidthTypes.Date32
	dec := &arrow.Decimal128Type{Precision: 15, Scale: 2}
	return testCatalog{
		MapCatalog: sql.MapCatalog{
			"t":  arrow.NewSchema([]arrow.Field{field("a", i64), field("b", i64), field("c", str), field("d", date)}, nil),
			"u":  arrow.NewSchema([]arrow.Field{field("x", i64), field("y", i64), field("z", str)}, nil),
			"f":  arrow.NewSchema([]arrow.Field{field("k1", i64), field("k2", i64), field("v", dec)}, nil),
			"d1": arrow.NewSchema([]arrow.Field{field("k1", i64), field("n1", str)}, nil),
			"d2": arrow.NewSchema([]arrow.Field{field("k2", i64), field("n2", i64)}, nil),
		},
		stats: map[string]logical.TableStats{
			"t":  {Rows: 100},
			"u":  {Rows: 100},
			"f":  {Rows: 1_000_000},
			"d1": {Rows: 100, Columns: map[string]logical.ColumnStats{"k1": {Min: 1, Max: 100, HasRange: true}}},
			"d2": {Rows: 10_000, Columns: map[string]logical.ColumnStats{
				"k2": {Min: 1, Max: 10_000, HasRange: true},
				"n2": {Min: 0, Max: 999, HasRange: true},
			}},
		},
	}
}

// checkPlan compares a plan's Explain form with want (leading newline and
// indentation of the literal trimmed).
func checkPlan(t *testing.T, got logical.Node, want string) {
	t.Helper()
	w := strings.TrimPrefix(dedent(want), "\n")
	if g := logical.Explain(got); g != w {
		t.Errorf("plan:\n%s\nwant:\n%s", g, w)
	}
}

// dedent removes the tab indentation common to want's lines.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	prefix := ""
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		p := l[:len(l)-len(strings.TrimLeft(l, "\t"))]
		if prefix == "" || len(p) < len(prefix) {
			prefix = p
		}
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\t")
}

func explain(n logical.Node) string { return logical.Explain(n) }
