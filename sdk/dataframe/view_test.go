package dataframe_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/dataframe"
)

// DataFrames registered as views are read by SQL, and SQL's DataFrames
// become views in turn.
func TestCreateView(t *testing.T) {
	c := clusterContext(t)
	ctx := context.Background()
	sqlRows := func(query string) []string {
		t.Helper()
		df := c.SQL(ctx, query)
		if err := df.Err(); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return rows(t, df)
	}

	// A DataFrame of a join, as a view.
	asia := c.Table("nation").
		Join(c.Table("region"), col("n_regionkey").Eq(col("r_regionkey")), dataframe.JoinInner).
		Filter(col("r_name").Eq("ASIA")).
		Select(col("n_nationkey"), col("n_name").Alias("name"))
	if err := asia.CreateView("Asia_Nations"); err != nil {
		t.Fatal(err)
	}
	if got, want := sqlRows("SELECT name FROM asia_nations ORDER BY name"), []string{"CHINA", "INDIA", "INDONESIA", "JAPAN", "VIETNAM"}; !slices.Equal(got, want) {
		t.Errorf("view: got %v, want %v", got, want)
	}
	// Joined with a table in SQL, under an alias.
	if got := sqlRows("SELECT count(*) FROM supplier s JOIN asia_nations a ON s.s_nationkey = a.n_nationkey"); !slices.Equal(got, []string{"27"}) {
		t.Errorf("view joined with a table: got %v, want [27]", got)
	}
	// Table reads the view as a DataFrame too.
	if got := rows(t, c.Table("asia_nations").Agg(dataframe.CountAll())); !slices.Equal(got, []string{"5"}) {
		t.Errorf("Table of a view: got %v, want [5]", got)
	}

	// SQL → DataFrame → view → SQL.
	regions := c.SQL(ctx, "SELECT r_regionkey AS k, r_name FROM region WHERE r_regionkey < 3").
		Filter(col("k").Gt(0))
	if err := regions.CreateView("some_regions"); err != nil {
		t.Fatal(err)
	}
	if got, want := sqlRows("SELECT r_name FROM some_regions ORDER BY k"), []string{"AMERICA", "ASIA"}; !slices.Equal(got, want) {
		t.Errorf("view of a SQL DataFrame: got %v, want %v", got, want)
	}

	// A view is replaced by a view of the same name.
	if err := c.Table("region").Filter(col("r_regionkey").Eq(4)).Select(col("r_name")).CreateView("some_regions"); err != nil {
		t.Fatal(err)
	}
	if got := sqlRows("SELECT * FROM some_regions"); !slices.Equal(got, []string{"MIDDLE EAST"}) {
		t.Errorf("replaced view: got %v, want [MIDDLE EAST]", got)
	}
}

func TestCreateViewErrors(t *testing.T) {
	c := clusterContext(t)
	nation := c.Table("nation")
	for _, tc := range []struct {
		name string
		err  error
		kind errkind.Kind
		msg  string
	}{
		{"a table's name", nation.CreateView("region"), errkind.InvalidArgument, `"region" already exists as a table`},
		{"no name", nation.CreateView(""), errkind.InvalidArgument, "view name is empty"},
		{"a failed DataFrame", nation.Select(col("nope")).CreateView("v"), errkind.InvalidArgument, "nope"},
	} {
		if tc.err == nil || errkind.KindOf(tc.err) != tc.kind || !strings.Contains(tc.err.Error(), tc.msg) {
			t.Errorf("%s: got %v, want %v containing %q", tc.name, tc.err, tc.kind, tc.msg)
		}
	}
	// The failed CreateView made no view.
	if err := c.SQL(context.Background(), "SELECT * FROM v").Err(); errkind.KindOf(err) != errkind.NotFound {
		t.Errorf("view of a failed DataFrame: SQL reading it got %v, want NotFound", err)
	}
}
