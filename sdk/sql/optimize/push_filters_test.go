package optimize_test

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

func TestPushFilters(t *testing.T) {
	cat := newTestCatalog()
	for _, tc := range []struct {
		name, query, want string
	}{{
		name:  "a cross join under an equality becomes an inner join",
		query: "SELECT a, x FROM t, u WHERE a = x AND b > 5 AND z = 'k'",
		want: `
			Project a, x
			  Join inner on equal(a, x)
			    Scan t filter=gt(b, 5) rows=100
			    Scan u filter=equal(z, 'k') rows=100
			`,
	}, {
		name:  "through a projection",
		query: "SELECT * FROM (SELECT a, b + 1 AS b1 FROM t) s WHERE b1 > 10",
		want: `
			Project a, b1
			  Project a, b1=add(b, 1)
			    Scan t filter=gt(add(b, 1), 10) rows=100
			`,
	}, {
		name:  "through an aggregate on grouping columns only",
		query: "SELECT * FROM (SELECT a, sum(b) AS s FROM t GROUP BY a) q WHERE a > 1 AND s > 100",
		want: `
			Project a, s
			  Project a=g0, s=a0
			    Filter gt(a0, 100)
			      Aggregate groups=[a] aggs=[sum(b)]
			        Scan t filter=gt(a, 1) rows=100
			`,
	}, {
		name:  "into the preserved side of a left join, and its ON terms into the other",
		query: "SELECT * FROM t LEFT JOIN u ON a = x AND y > 3 AND b > 2 WHERE b > 1 AND z = 'q'",
		want: `
			Project a, b, c, d, x, y, z
			  Filter equal(z, 'q')
			    Join left on and(equal(a, x), gt(b, 2))
			      Scan t filter=gt(b, 1) rows=100
			      Scan u filter=gt(y, 3) rows=100
			`,
	}, {
		name:  "not through a full join",
		query: "SELECT * FROM t FULL JOIN u ON a = x AND y > 3 WHERE b > 1",
		want: `
			Project a, b, c, d, x, y, z
			  Filter gt(b, 1)
			    Join full on and(equal(a, x), gt(y, 3))
			      Scan t rows=100
			      Scan u rows=100
			`,
	}, {
		name:  "not through a limit",
		query: "SELECT * FROM (SELECT a FROM t LIMIT 5) s WHERE a > 1",
		want: `
			Project a
			  Filter gt(a, 1)
			    Limit offset=0 count=5
			      Project a
			        Scan t rows=100
			`,
	}, {
		name:  "disjunctions give up their common terms and imply filters on each side",
		query: "SELECT a FROM t, u WHERE (a = x AND b = 1 AND y = 1) OR (a = x AND b = 2 AND y = 2 AND z = 'k')",
		want: `
			Project a
			  Join inner on and(equal(a, x), or(and(equal(b, 1), equal(y, 1)), and(equal(b, 2), equal(y, 2), equal(z, 'k'))))
			    Scan t filter=or(equal(b, 1), equal(b, 2)) rows=100
			    Scan u filter=or(equal(y, 1), and(equal(y, 2), equal(z, 'k'))) rows=100
			`,
	}, {
		name:  "a term with a subquery stays out of the scan; the subquery's plan is optimized too",
		query: "SELECT a FROM t WHERE a > (SELECT max(x) FROM u, f WHERE x = k1 AND y = 3)",
		want: `
			Project a
			  Filter gt(a, $subquery1)
			    Scan t rows=100
			$subquery1:
			  Project max=a0
			    Aggregate aggs=[max(x)]
			      Join inner on equal(x, k1)
			        Scan u filter=equal(y, 3) rows=100
			        Scan f rows=1000000
			`,
	}, {
		name:  "into every input of a set operation",
		query: "SELECT * FROM (SELECT a FROM t UNION ALL SELECT x FROM u) s WHERE a > 3",
		want: `
			Project a
			  Project a
			    SetOp union all
			      Project a
			        Scan t filter=gt(a, 3) rows=100
			      Project x
			        Scan u filter=gt(x, 3) rows=100
			`,
	}, {
		name:  "not through grouping sets",
		query: "SELECT * FROM (SELECT a, sum(b) AS s FROM t GROUP BY ROLLUP(a)) q WHERE a IS NULL",
		want: `
			Project a, s
			  Project a=g0, s=a0
			    Filter is_null(g0)
			      Aggregate groups=[a] aggs=[sum(b)] sets=[[0] []]
			        Scan t rows=100
			`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, apply(t, bind(t, cat, tc.query), optimize.NewPushFilters(functions(t))), tc.want)
		})
	}
}

// TestPushFiltersTwice checks that the rule is idempotent: implied terms
// are not added again.
func TestPushFiltersTwice(t *testing.T) {
	cat := newTestCatalog()
	n := bind(t, cat, "SELECT a FROM t, u WHERE (a = x AND b = 1 AND y = 1) OR (a = x AND b = 2 AND y = 2)")
	rule := optimize.NewPushFilters(functions(t))
	once := apply(t, n, rule)
	checkPlan(t, apply(t, once, rule), explain(once))
}
