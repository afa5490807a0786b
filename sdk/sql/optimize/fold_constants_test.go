package optimize_test

import (
	"testing"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/optimize"
)

func TestFoldConstants(t *testing.T) {
	cat := newTestCatalog()
	for _, tc := range []struct {
		name, query, want string
	}{{
		name:  "arithmetic and comparisons",
		query: "SELECT a + (1 + 2) * 3 AS s FROM t WHERE 2 > 1 AND b > 10 - 4",
		want: `
			Project s=add(a, 9)
			  Filter gt(b, 6)
			    Scan t rows=100
			`,
	}, {
		name:  "division by zero is left to run time",
		query: "SELECT a FROM t WHERE b > 1 / 0 AND a > 6 / 3",
		want: `
			Project a
			  Filter and(gt(b, cast(divide(1, 0) as i64)), gt(a, 2))
			    Scan t rows=100
			`,
	}, {
		name:  "null propagation",
		query: "SELECT a + CAST(NULL AS bigint) AS n, b < CAST(NULL AS bigint) AND a > 1 AS m FROM t",
		want: `
			Project n=null, m=and(null, gt(a, 1))
			  Scan t rows=100
			`,
	}, {
		name:  "boolean simplification",
		query: "SELECT a FROM t WHERE NOT NOT (a > 1) OR false",
		want: `
			Project a
			  Filter gt(a, 1)
			    Scan t rows=100
			`,
	}, {
		name:  "a filter that always holds goes",
		query: "SELECT a FROM t WHERE 1 = 1 AND (true OR a > 2)",
		want: `
			Project a
			  Scan t rows=100
			`,
	}, {
		name:  "case branches",
		query: "SELECT CASE WHEN 1 > 2 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END AS k, CASE WHEN 1 < 2 THEN a END AS l FROM t",
		want: `
			Project k=case when gt(a, 0) then 'y' else 'z' end, l=a
			  Scan t rows=100
			`,
	}, {
		name:  "casts and in lists",
		query: "SELECT CAST('12' AS int) + a AS i, CAST(2.5 AS double) AS f, 3 IN (1, 2, 3) AS m FROM t",
		want: `
			Project i=add(12, a), f=2.5, m=true
			  Scan t rows=100
			`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			checkPlan(t, apply(t, bind(t, cat, tc.query), optimize.NewFoldConstants()), tc.want)
		})
	}
}

// TestFoldDateArithmetic folds date ± interval calls with the engine's
// calendar rules (a month from January 31st is the end of February).
func TestFoldDateArithmetic(t *testing.T) {
	fns := functions(t)
	req := types.NullabilityRequired
	date := &types.DateType{Nullability: req}
	jan31 := &logical.Literal{Value: logical.Date(10987), T: date} // 2000-01-31
	month := &logical.Literal{Value: logical.IntervalYear{Months: 1}, T: &types.IntervalYearType{Nullability: req}}
	days := &logical.Literal{Value: logical.IntervalDay{Days: 90}, T: &types.IntervalDayType{Nullability: req}}
	fold := optimize.NewFoldConstants()
	for _, tc := range []struct {
		fn       string
		iv       logical.Expr
		wantDays logical.Date
	}{
		{"add", month, 11016},     // 2000-02-29
		{"subtract", days, 10897}, // 1999-11-02
	} {
		c, err := fns.Call(tc.fn, jan31, tc.iv)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := fold.Fold(c).(*logical.Literal)
		if !ok || got.Value != tc.wantDays || !got.T.Equals(date) {
			t.Errorf("%s folds to %v, want %d:date", c, fold.Fold(c), tc.wantDays)
		}
	}
}
