package optimize_test

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

// The test catalog's star: f has 1,000,000 rows, d1 100 (keys 1..100), d2
// 10,000 (keys 1..10,000, n2 in 0..999).
func TestReorderJoins(t *testing.T) {
	cat := newTestCatalog()
	for _, tc := range []struct {
		name, query, want string
	}{{
		name:  "the fact table probes; the filtered dimension joins first",
		query: "SELECT n2, v FROM d2, f, d1 WHERE f.k1 = d1.k1 AND f.k2 = d2.k2 AND n2 < 10",
		want: `
			Project n2, v
			  Project k2=k2#3, n2, k1=k1#0, k2=k2#1, v, k1=k1#5, n1
			    Join inner on equal(k1#0, k1#5)
			      Join inner on equal(k2#1, k2#3)
			        Scan f rows=1000000
			        Scan d2 filter=lt(n2, 10) rows=10000
			      Scan d1 rows=100
			`,
	}, {
		name:  "the smaller input is built (on the right)",
		query: "SELECT * FROM d1 JOIN f ON d1.k1 = f.k1",
		want: `
			Project k1=k1#0, n1, k1=k1#2, k2, v
			  Project k1=k1#3, n1, k1=k1#0, k2, v
			    Join inner on equal(k1#3, k1#0)
			      Scan f rows=1000000
			      Scan d1 rows=100
			`,
	}, {
		name:  "already in order",
		query: "SELECT * FROM f JOIN d1 ON d1.k1 = f.k1",
		want: `
			Project k1=k1#0, k2, v, k1=k1#3, n1
			  Join inner on equal(k1#3, k1#0)
			    Scan f rows=1000000
			    Scan d1 rows=100
			`,
	}, {
		name:  "an outer join is a leaf, reordered inside",
		query: "SELECT n1 FROM d2 LEFT JOIN (SELECT d1.k1, n1 FROM d1, f WHERE d1.k1 = f.k1) s ON s.k1 = d2.k2",
		want: `
			Project n1
			  Join left on equal(k1, k2)
			    Scan d2 rows=10000
			    Project k1=k1#0, n1
			      Project k1=k1#3, n1, k1=k1#0, k2, v
			        Join inner on equal(k1#3, k1#0)
			          Scan f rows=1000000
			          Scan d1 rows=100
			`,
	}, {
		name:  "unconnected tables join last, by cross join",
		query: "SELECT * FROM t, f, d1 WHERE f.k1 = d1.k1",
		want: `
			Project a, b, c, d, k1=k1#4, k2, v, k1=k1#7, n1
			  Project a, b, c, d, k1=k1#0, k2, v, k1=k1#3, n1
			    Join cross
			      Join inner on equal(k1#0, k1#3)
			        Scan f rows=1000000
			        Scan d1 rows=100
			      Scan t rows=100
			`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			fns := functions(t)
			checkPlan(t, apply(t, bind(t, cat, tc.query), optimize.NewPushFilters(fns), optimize.NewReorderJoins(fns)), tc.want)
		})
	}
}
