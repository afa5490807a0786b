package optimize_test

import (
	"testing"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

func TestPushLimits(t *testing.T) {
	cat := newTestCatalog()
	for _, tc := range []struct {
		name, query, want string
	}{{
		name:  "through a projection onto a sort: a top-N",
		query: "SELECT a + 1 AS a1 FROM (SELECT a FROM t ORDER BY a) s LIMIT 3",
		want: `
			Project a1=add(a, 1)
			  Limit offset=0 count=3
			    Sort a asc nulls last
			      Project a
			        Scan t rows=100
			`,
	}, {
		name:  "limits merge",
		query: "SELECT * FROM (SELECT a FROM t LIMIT 10 OFFSET 2) s LIMIT 3 OFFSET 1",
		want: `
			Project a
			  Project a
			    Limit offset=3 count=3
			      Scan t rows=100
			`,
	}, {
		name:  "merged limits past the inner one's end are empty",
		query: "SELECT * FROM (SELECT a FROM t LIMIT 2) s LIMIT 5 OFFSET 4",
		want: `
			Project a
			  Project a
			    Limit offset=4 count=0
			      Scan t rows=100
			`,
	}, {
		name:  "into the preserved side of a left join",
		query: "SELECT * FROM t LEFT JOIN u ON a = x LIMIT 4 OFFSET 1",
		want: `
			Project a, b, c, d, x, y, z
			  Limit offset=1 count=4
			    Join left on equal(a, x)
			      Limit offset=0 count=5
			        Scan t rows=100
			      Scan u rows=100
			`,
	}, {
		name:  "not into an inner join",
		query: "SELECT * FROM t JOIN u ON a = x LIMIT 4",
		want: `
			Project a, b, c, d, x, y, z
			  Limit offset=0 count=4
			    Join inner on equal(a, x)
			      Scan t rows=100
			      Scan u rows=100
			`,
	}, {
		name:  "into every input of a union all",
		query: "SELECT a FROM t UNION ALL SELECT x FROM u LIMIT 3 OFFSET 1",
		want: `
			Project a
			  Limit offset=1 count=3
			    SetOp union all
			      Project a
			        Limit offset=0 count=4
			          Scan t rows=100
			      Project x
			        Limit offset=0 count=4
			          Scan u rows=100
			`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rule := optimize.NewPushLimits()
			once := apply(t, bind(t, cat, tc.query), rule)
			checkPlan(t, once, tc.want)
			checkPlan(t, apply(t, once, rule), tc.want) // idempotent
		})
	}
}
