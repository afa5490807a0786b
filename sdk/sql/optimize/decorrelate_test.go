package optimize_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

// decorrelateShape prints a plan one node a line, indented under its
// parent, with each subquery's plan under the node holding it.
func decorrelateShape(n logical.Node) string {
	var b strings.Builder
	var node func(n logical.Node, indent string)
	var exprPlans func(x logical.Expr, indent string)
	exprPlans = func(x logical.Expr, indent string) {
		switch x := x.(type) {
		case *logical.ScalarSubquery:
			fmt.Fprintf(&b, "%sscalar:\n", indent)
			node(x.Plan, indent+"  ")
		case *logical.Exists:
			fmt.Fprintf(&b, "%sexists:\n", indent)
			node(x.Plan, indent+"  ")
		case *logical.InSubquery:
			fmt.Fprintf(&b, "%sin:\n", indent)
			node(x.Plan, indent+"  ")
		case *logical.SetComparison:
			fmt.Fprintf(&b, "%sset comparison:\n", indent)
			node(x.Plan, indent+"  ")
		case *logical.Call:
			for _, a := range x.Args {
				exprPlans(a, indent)
			}
		case *logical.Cast:
			exprPlans(x.X, indent)
		case *logical.Case:
			for _, w := range x.Whens {
				exprPlans(w.Cond, indent)
				exprPlans(w.Then, indent)
			}
			if x.Else != nil {
				exprPlans(x.Else, indent)
			}
		}
	}
	node = func(n logical.Node, indent string) {
		var exprs []logical.Expr
		switch n := n.(type) {
		case *logical.Scan:
			fmt.Fprintf(&b, "%sscan %s\n", indent, n.Table)
		case *logical.Filter:
			fmt.Fprintf(&b, "%sfilter %s\n", indent, n.Cond)
			exprs = []logical.Expr{n.Cond}
		case *logical.Project:
			fmt.Fprintf(&b, "%sproject %s\n", indent, exprList(n.Exprs))
			exprs = n.Exprs
		case *logical.Join:
			fmt.Fprintf(&b, "%s%s join %v\n", indent, n.Type, n.Cond)
			if n.Cond != nil {
				exprs = []logical.Expr{n.Cond}
			}
		case *logical.Aggregate:
			aggs := make([]string, len(n.Aggs))
			for i, a := range n.Aggs {
				aggs[i] = a.String()
			}
			fmt.Fprintf(&b, "%saggregate by %s: [%s]\n", indent, exprList(n.Groups), strings.Join(aggs, ", "))
		default:
			fmt.Fprintf(&b, "%s%T\n", indent, n)
		}
		for _, x := range exprs {
			exprPlans(x, indent+"  | ")
		}
		for _, in := range n.Inputs() {
			node(in, indent+"  ")
		}
	}
	node(n, "")
	return pointers.ReplaceAllString(b.String(), "")
}

var pointers = regexp.MustCompile(` ?\(?subquery 0x[0-9a-f]+\)?`)

func exprList(xs []logical.Expr) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return "[" + strings.Join(s, ", ") + "]"
}

func decorrelateCatalog() sql.MapCatalog {
	return sql.MapCatalog{
		"t": arrow.NewSchema([]arrow.Field{
			{Name: "a", Type: arrow.PrimitiveTypes.Int64},
			{Name: "b", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "d", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		}, nil),
		"u": arrow.NewSchema([]arrow.Field{
			{Name: "x", Type: arrow.PrimitiveTypes.Int64},
			{Name: "y", Type: arrow.BinaryTypes.String, Nullable: true},
			{Name: "z", Type: &arrow.Decimal128Type{Precision: 15, Scale: 2}},
		}, nil),
	}
}

func decorrelate(t *testing.T, text string, cat sql.Catalog) (logical.Node, []string) {
	t.Helper()
	root, names, err := sql.Bind(context.Background(), text, cat)
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	fns, err := logical.NewFunctions()
	if err != nil {
		t.Fatal(err)
	}
	out, err := optimize.Optimize(root, []optimize.Rule{optimize.NewDecorrelate(fns)})
	if err != nil {
		t.Fatalf("%s: %v", text, err)
	}
	return out, names
}

func TestDecorrelateShapes(t *testing.T) {
	for _, tc := range []struct{ sql, want string }{
		{"SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE x = a AND y = 'k')", `
project [$0]
  semi join equal:any_any($3, $0)
    scan t
    filter equal:any_any($1, "k")
      scan u
`},
		{"SELECT a FROM t WHERE NOT EXISTS (SELECT * FROM u WHERE x = a) AND d > 1", `
project [$0]
  anti join equal:any_any($3, $0)
    filter gt:any_any($2, {{100 0}}:decimal<15,2>)
      scan t
    scan u
`},
		{
			// Under OR the predicate is no conjunct: kept.
			"SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE x = a) OR d > 1", `
project [$0]
  filter or:bool(exists, gt:any_any($2, {{100 0}}:decimal<15,2>))
    | exists:
    |   project [$0, $1, $2]
    |     filter equal:any_any($0, outer1.$0)
    |       scan u
    scan t
`},
		{"SELECT a FROM t WHERE a IN (SELECT x FROM u WHERE y = 'k')", `
project [$0]
  semi join equal:any_any($0, $3)
    scan t
    project [$0]
      filter equal:any_any($1, "k")
        scan u
`},
		{
			// Correlated IN: the select list is compared over the filter's input.
			"SELECT a FROM t WHERE a IN (SELECT x + 1 FROM u WHERE y = b)", `
project [$0]
  semi join and:bool(equal:any_any($0, add:i64_i64($3, 1:i64)), equal:any_any($4, $1))
    scan t
    scan u
`},
		{"SELECT a FROM t WHERE a NOT IN (SELECT x FROM u WHERE z > d)", `
project [$0]
  anti join and:bool(equal:any_any($0, $3), gt:any_any($5, $2))
    scan t
    scan u
`},
		{
			// NOT IN of nullable columns: kept.
			"SELECT a FROM t WHERE b NOT IN (SELECT y FROM u)", `
project [$0]
  filter not:bool(($1) in)
    | in:
    |   project [$1]
    |     scan u
    scan t
`},
		{"SELECT a FROM t WHERE d > (SELECT max(z) FROM u WHERE x = a)", `
project [$0]
  project [$0, $1, $2]
    filter gt:any_any($2, $3)
      left join equal:any_any($0, $4)
        scan t
        project [$1, $0]
          aggregate by [$0]: [max:dec($2)]
            scan u
`},
		{
			// count: rows without a group get count(*) + 1 of no rows.
			"SELECT a FROM t WHERE a > (SELECT count(*) + 1 FROM u WHERE y = b)", `
project [$0]
  project [$0, $1, $2]
    filter gt:any_any($0, case when is_null:any($4) then add:i64_i64(0:i64, 1:i64) else $3 end)
      left join equal:any_any($1, $4)
        scan t
        project [add:i64_i64($1, 1:i64), $0]
          aggregate by [$1]: [count:()]
            scan u
`},
		{
			// x > ALL: no row with x <= z; NOT (b < ANY): none with b < y or a null.
			"SELECT a FROM t WHERE d > ALL (SELECT z FROM u WHERE x = a) AND NOT (b < ANY (SELECT y FROM u))", `
project [$0]
  anti join or:bool(lt:any_any($1, $3), is_null:any($1), is_null:any($3))
    anti join and:bool(lte:any_any($2, $5), equal:any_any($3, $0))
      scan t
      scan u
    project [$1]
      scan u
`},
		{
			// A correlation other than an equality: kept.
			"SELECT a FROM t WHERE d > (SELECT max(z) FROM u WHERE x < a)", `
project [$0]
  filter gt:any_any($2,)
    | scalar:
    |   project [$0]
    |     aggregate by []: [max:dec($2)]
    |       filter lt:any_any($0, outer1.$0)
    |         scan u
    scan t
`},
		{"SELECT a, (SELECT max(x) FROM u) FROM t", `
project [$0, $3]
  single join true:boolean
    scan t
    project [$0]
      aggregate by []: [max:i64($0)]
        scan u
`},
		{"SELECT a, (SELECT sum(z) FROM u WHERE x = a) FROM t", `
project [$0, $3]
  left join equal:any_any($0, $4)
    scan t
    project [$1, $0]
      aggregate by [$0]: [sum:dec($2)]
        scan u
`},
		{
			// Inside out: the inner scalar subquery is joined within the EXISTS,
			// whose filter, correlated, stays on top, so the EXISTS is joined.
			"SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE x = a AND z > (SELECT avg(d) FROM t t2 WHERE t2.b = u.y))", `
project [$0]
  semi join equal:any_any($3, $0)
    scan t
    filter gt:any_any(cast($2 AS decimal<38,2>), $3)
      left join equal:any_any($1, $4)
        scan u
        project [$1, $0]
          aggregate by [$1]: [avg:dec($2)]
            scan t
`},
		{
			// The inner EXISTS refers two levels out; joined within the outer one,
			// the reference is in the join's right side: kept.
			"SELECT a FROM t WHERE EXISTS (SELECT * FROM u WHERE x = a AND EXISTS (SELECT * FROM t t2 WHERE t2.b = u.y AND t2.d = t.d))", `
project [$0]
  filter exists
    | exists:
    |   project [$0, $1, $2]
    |     filter equal:any_any($0, outer1.$0)
    |       semi join equal:any_any($4, $1)
    |         scan u
    |         filter equal:any_any($2, outer1.$2)
    |           scan t
    scan t
`},
	} {
		out, _ := decorrelate(t, tc.sql, decorrelateCatalog())
		if got, want := decorrelateShape(out), strings.TrimPrefix(tc.want, "\n"); got != want {
			t.Errorf("%s:\ngot:\n%s\nwant:\n%s", tc.sql, got, want)
		}
	}
}

// subqueryCount counts the subquery expressions left in a plan.
func subqueryCount(n logical.Node) int {
	return len(subqueryLines.FindAllString(decorrelateShape(n), -1))
}

var subqueryLines = regexp.MustCompile(`\| (scalar|exists|in|set comparison):\n`)

// TestDecorrelateTPCH requires the 22 queries to give the answers with the
// rule applied, and the subqueries it can decorrelate to be gone.
func TestDecorrelateTPCH(t *testing.T) {
	ec := tpchtest.SampleCatalog(t, tpchDir)
	sc := sql.ParquetCatalog{}
	for name, tbl := range ec {
		sc[name] = tbl.Paths[0]
	}
	// The uncorrelated scalar subqueries of filters stay, for consumers
	// to evaluate once.
	kept := map[string]int{"q11": 1, "q15": 1, "q22": 1}
	for _, q := range tpch.QueryIDs() {
		t.Run(q, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(tpchDir, "queries", q+".sql"))
			if err != nil {
				t.Fatal(err)
			}
			root, names := decorrelate(t, string(text), sc)
			if n := subqueryCount(root); n != kept[q] {
				t.Errorf("%d subqueries left, want %d:\n%s", n, kept[q], decorrelateShape(root))
			}
			p, err := logical.ToSubstrait(root, names)
			if err != nil {
				t.Fatal(err)
			}
			data, err := proto.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := tpchtest.Run(t, data, false, ec, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv")); err != nil {
				t.Fatalf("%v\n%s", err, decorrelateShape(root))
			}
		})
	}
}

// decorrelatedRows runs text on the engine with the rule applied.
func decorrelatedRows(t *testing.T, text string, sc sql.Catalog, ec tpchtest.Catalog) ([][]string, error) {
	root, names := decorrelate(t, text, sc)
	p, err := logical.ToSubstrait(root, names)
	if err != nil {
		return nil, err
	}
	data, err := proto.Marshal(p)
	if err != nil {
		return nil, err
	}
	return tpchtest.Rows(t, data, ec)
}

// TestDecorrelateAnswers compares decorrelated subqueries, several of
// which the engine cannot evaluate as subqueries, with equivalent queries
// without them.
func TestDecorrelateAnswers(t *testing.T) {
	ec := tpchtest.SampleCatalog(t, tpchDir)
	sc := sql.ParquetCatalog{}
	for name, tbl := range ec {
		sc[name] = tbl.Paths[0]
	}
	for _, tc := range []struct{ sql, same string }{
		{
			// count over no rows is 0: nations without rich suppliers.
			"SELECT n_name FROM nation WHERE 1 > (SELECT count(*) FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9000) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE NOT EXISTS (SELECT 1 FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9000) ORDER BY n_name",
		},
		{
			"SELECT n_name, (SELECT count(*) FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9000) FROM nation ORDER BY n_name",
			"SELECT n_name, count(s_suppkey) FROM nation LEFT JOIN supplier ON s_nationkey = n_nationkey AND s_acctbal > 9000 GROUP BY n_name ORDER BY n_name",
		},
		{
			"SELECT n_name, (SELECT max(s_acctbal) FROM supplier WHERE s_nationkey = n_nationkey AND s_acctbal > 9000) AS m FROM nation ORDER BY n_name",
			"SELECT n_name, max(s_acctbal) FROM nation LEFT JOIN supplier ON s_nationkey = n_nationkey AND s_acctbal > 9000 GROUP BY n_name ORDER BY n_name",
		},
		{
			"SELECT n_name, (SELECT max(r_regionkey) FROM region) FROM nation ORDER BY n_name",
			"SELECT n_name, 4 FROM nation ORDER BY n_name",
		},
		{
			// A correlated IN.
			"SELECT n_name FROM nation WHERE n_nationkey IN (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000 AND s_nationkey = n_nationkey) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE EXISTS (SELECT 1 FROM supplier WHERE s_acctbal > 9000 AND s_nationkey = n_nationkey) ORDER BY n_name",
		},
		{
			// NOT IN of non-null columns.
			"SELECT n_name FROM nation WHERE n_nationkey NOT IN (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE NOT EXISTS (SELECT 1 FROM supplier WHERE s_acctbal > 9000 AND s_nationkey = n_nationkey) ORDER BY n_name",
		},
		{
			"SELECT n_name FROM nation WHERE n_nationkey > ALL (SELECT s_nationkey FROM supplier WHERE s_nationkey BETWEEN 5 AND 10) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE n_nationkey > (SELECT max(s_nationkey) FROM supplier WHERE s_nationkey BETWEEN 5 AND 10) ORDER BY n_name",
		},
		{
			"SELECT n_name FROM nation WHERE NOT (n_nationkey >= ANY (SELECT s_nationkey FROM supplier WHERE s_nationkey BETWEEN 5 AND 10)) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE n_nationkey < (SELECT min(s_nationkey) FROM supplier WHERE s_nationkey BETWEEN 5 AND 10) ORDER BY n_name",
		},
		{
			"SELECT n_name FROM nation WHERE n_nationkey < ANY (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000 AND s_nationkey <> n_nationkey) ORDER BY n_name",
			"SELECT n_name FROM nation WHERE EXISTS (SELECT 1 FROM supplier WHERE s_acctbal > 9000 AND s_nationkey > n_nationkey) ORDER BY n_name",
		},
		{
			// ALL of no rows is true.
			"SELECT n_name FROM nation WHERE n_nationkey > ALL (SELECT s_nationkey FROM supplier WHERE s_acctbal > 100000) ORDER BY n_name",
			"SELECT n_name FROM nation ORDER BY n_name",
		},
		{
			// With a null among the rows, ALL and NOT ANY are never true.
			"SELECT count(*) FROM nation WHERE n_nationkey > ALL (SELECT CASE WHEN s_acctbal > 9000 THEN s_nationkey END FROM supplier)",
			"SELECT count(*) FROM nation WHERE n_nationkey < 0",
		},
		{
			"SELECT count(*) FROM nation WHERE NOT (n_nationkey = ANY (SELECT CASE WHEN s_acctbal > 9000 THEN s_nationkey END FROM supplier))",
			"SELECT count(*) FROM nation WHERE n_nationkey < 0",
		},
		{
			"SELECT count(*) FROM nation WHERE NOT (n_nationkey <> ALL (SELECT CASE WHEN s_acctbal > 9000 THEN s_nationkey END FROM supplier))",
			"SELECT count(*) FROM nation WHERE n_nationkey IN (SELECT s_nationkey FROM supplier WHERE s_acctbal > 9000)",
		},
	} {
		got, err := decorrelatedRows(t, tc.sql, sc, ec)
		if err != nil {
			t.Errorf("%s: %v", tc.sql, err)
			continue
		}
		want, err := decorrelatedRows(t, tc.same, sc, ec)
		if err != nil {
			t.Errorf("%s: %v", tc.same, err)
			continue
		}
		if len(want) == 0 {
			t.Errorf("%s: no rows; the comparison proves nothing", tc.same)
		}
		if !slices.EqualFunc(got, want, slices.Equal[[]string]) {
			t.Errorf("%s:\ngot  %v\nwant %v", tc.sql, got, want)
		}
	}
	// A scalar subquery of more than one row is an error, also joined.
	if _, err := decorrelatedRows(t, "SELECT n_name, (SELECT r_regionkey FROM region) FROM nation", sc, ec); err == nil {
		t.Error("a scalar subquery of five rows ran")
	}
}
