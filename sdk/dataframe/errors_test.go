package dataframe_test

import (
	"context"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/dataframe"
)

func TestErrors(t *testing.T) {
	c := tpchContext(t)
	nation := c.Table("nation")
	var nilFrame *dataframe.DataFrame
	for _, tc := range []struct {
		name string
		df   *dataframe.DataFrame
		kind errkind.Kind
		msg  string
	}{
		{"unknown table", c.Table("nosuch"), errkind.NotFound, `table "nosuch" not found`},
		{"missing file", c.ReadParquet("/nonexistent/x.parquet"), errkind.NotFound, "x.parquet"},
		{"unknown column", nation.Select(col("n_nme")), errkind.InvalidArgument, `column "n_nme" does not exist; the columns are nation.n_nationkey, nation.n_name`},
		{"unknown qualifier", nation.Alias("a").Select(col("b.n_name")), errkind.InvalidArgument, `column "b.n_name" does not exist`},
		{"ambiguous column", nation.Join(nation, col("n_nationkey").Eq(col("n_nationkey")), dataframe.JoinInner), errkind.InvalidArgument, `"n_nationkey" is ambiguous`},
		{"comparison types", nation.Filter(col("n_name").Eq(col("n_regionkey"))), errkind.InvalidArgument, "operator does not exist: string = i64"},
		{"arithmetic types", nation.Select(col("n_name").Add(1)), errkind.InvalidArgument, "function add does not exist for these argument types"},
		{"non-boolean filter", nation.Filter(col("n_regionkey")), errkind.InvalidArgument, "Filter: condition n_regionkey must be boolean, not i64"},
		{"non-boolean and", nation.Filter(col("n_regionkey").Eq(1).And(col("n_name"))), errkind.InvalidArgument, "AND operand n_name must be boolean"},
		{"aggregate outside Agg", nation.Select(dataframe.Sum(col("n_regionkey"))), errkind.InvalidArgument, "aggregate function sum is only allowed in Agg"},
		{"aggregate in filter", nation.Filter(dataframe.CountAll().Gt(1)), errkind.InvalidArgument, "only allowed in Agg"},
		{"ungrouped column", nation.GroupBy(col("n_regionkey")).Agg(col("n_name")), errkind.InvalidArgument, "n_name must be a grouping key or be used in an aggregate function"},
		{"nested aggregate", nation.Agg(sum(sum(col("n_regionkey")))), errkind.InvalidArgument, "cannot be nested"},
		{"aggregate key", nation.GroupBy(dataframe.CountAll()).Agg(), errkind.InvalidArgument, "key count(*) contains an aggregate"},
		{"bad literal", nation.Filter(col("n_name").Eq(struct{}{})), errkind.InvalidArgument, "no literal of Go type struct {}"},
		{"bad date", nation.Select(date("1994-13-01")), errkind.InvalidArgument, `invalid input syntax for type date: "1994-13-01"`},
		{"bad decimal", nation.Select(dec("1e5")), errkind.InvalidArgument, `Dec("1e5") is not a decimal number`},
		{"case types", nation.Select(dataframe.When(col("n_regionkey").Eq(1), 1).Otherwise(col("n_name"))), errkind.InvalidArgument, "CASE values"},
		{"empty IsIn", nation.Filter(col("n_name").IsIn()), errkind.InvalidArgument, "IsIn of n_name needs at least one value"},
		{"union width", nation.Union(nation.Select(col("n_name"))), errkind.InvalidArgument, "same number of columns: 4 and 1"},
		{"union types", nation.Select(col("n_name")).UnionAll(nation.Select(col("n_regionkey"))), errkind.InvalidArgument, "column 1 (n_name)"},
		{"negative limit", nation.Limit(-1, 0), errkind.InvalidArgument, "negative"},
		{"cross join condition", nation.Join(c.Table("region"), col("n_regionkey").Eq(col("r_regionkey")), dataframe.JoinCross), errkind.InvalidArgument, "takes no condition"},
		{"join without condition", nation.Join(c.Table("region"), dataframe.Expr{}, dataframe.JoinInner), errkind.InvalidArgument, "needs a condition"},
		{"zero expression", nation.Select(dataframe.Expr{}), errkind.InvalidArgument, "zero Expr"},
		{"other context", nation.Join(tpchContext(t).Table("region"), col("n_regionkey").Eq(col("r_regionkey")), dataframe.JoinInner), errkind.InvalidArgument, "different Contexts"},
		{"nil DataFrame", nilFrame.Filter(col("a").Eq(1)), errkind.InvalidArgument, "nil DataFrame"},
		{"zero DataFrame", new(dataframe.DataFrame).Select(col("a")), errkind.InvalidArgument, "zero DataFrame"},
		{"sql error", c.SQL(context.Background(), "SELECT nope FROM nation"), errkind.InvalidArgument, `column "nope" does not exist`},
		// An error early in a chain reaches the end of it.
		{"propagated", nation.Filter(col("zz").Eq(1)).Select(col("n_name")).Sort(col("n_name").Asc()).Limit(1, 0), errkind.InvalidArgument, `column "zz" does not exist`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.df.Err()
			if err == nil {
				t.Fatal("no error")
			}
			if k := errkind.KindOf(err); k != tc.kind || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("got %v: %v; want %v containing %q", k, err, tc.kind, tc.msg)
			}
			// Every way of using the DataFrame reports the same error.
			if _, perr := tc.df.Plan(); perr == nil || perr.Error() != err.Error() {
				t.Errorf("Plan: %v", perr)
			}
			if _, serr := tc.df.Schema(); serr == nil || serr.Error() != err.Error() {
				t.Errorf("Schema: %v", serr)
			}
			if _, cerr := tc.df.Collect(context.Background()); cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("Collect: %v", cerr)
			}
		})
	}
}

func TestCollectWithoutCluster(t *testing.T) {
	c := tpchContext(t)
	_, err := c.Table("region").Collect(context.Background())
	if errkind.KindOf(err) != errkind.InvalidArgument || !strings.Contains(err.Error(), "runs no plans") {
		t.Errorf("got %v", err)
	}
}
