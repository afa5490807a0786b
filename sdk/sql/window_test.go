package sql_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

// TestWindowQueries plans each testdata/window/*.sql query (window
// functions over the TPC-H SF 0.01 tables), runs it through the engine
// and compares it with DuckDB's result beside it (answers.py).
func TestWindowQueries(t *testing.T) {
	sc, ec := tpchCatalogs(t)
	queries, err := filepath.Glob("testdata/window/*.sql")
	if err != nil || len(queries) == 0 {
		t.Fatalf("no window queries: %v", err)
	}
	for _, q := range queries {
		t.Run(strings.TrimSuffix(filepath.Base(q), ".sql"), func(t *testing.T) {
			text, err := os.ReadFile(q)
			if err != nil {
				t.Fatal(err)
			}
			p, err := sql.Plan(context.Background(), string(text), sc)
			if err != nil {
				t.Fatal(err)
			}
			data, err := proto.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := tpchtest.Run(t, data, false, ec, strings.TrimSuffix(q, ".sql")+".csv"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestWindowErrors checks that misplaced or malformed window calls are
// refused with a message saying why.
func TestWindowErrors(t *testing.T) {
	sc, _ := tpchCatalogs(t)
	for _, tc := range []struct {
		query string
		kind  errkind.Kind
		msg   string
	}{
		{"select n_name from nation where rank() over (order by n_name) = 1", errkind.InvalidArgument, "not allowed here"},
		{"select n_regionkey from nation group by n_regionkey having rank() over () = 1", errkind.InvalidArgument, "not allowed here"},
		{"select sum(rank() over ()) from nation", errkind.InvalidArgument, "not allowed here"},
		{"select sum(row_number() over ()) over () from nation", errkind.InvalidArgument, "not allowed here"},
		{"select rank() over w from nation", errkind.InvalidArgument, `window "w" does not exist`},
		{"select rank() over (w partition by n_name) from nation window w as (order by n_name)", errkind.InvalidArgument, "cannot override PARTITION BY"},
		{"select sum(n_nationkey) over (order by n_name, n_regionkey range between 1 preceding and current row) from nation", errkind.InvalidArgument, "exactly one ORDER BY column"},
		{"select sum(n_nationkey) over (order by n_name groups between 1 preceding and current row) from nation", errkind.Unimplemented, "GROUPS"},
		{"select sum(n_nationkey) over (order by n_name rows between current row and current row exclude current row) from nation", errkind.Unimplemented, "EXCLUDE"},
		{"select count(distinct n_name) over () from nation", errkind.Unimplemented, "DISTINCT"},
		{"select nosuch(n_name) over () from nation", errkind.InvalidArgument, "nosuch"},
		{"select ntile(n_name) over () from nation", errkind.InvalidArgument, "ntile"},
	} {
		_, err := sql.Plan(context.Background(), tc.query, sc)
		if errkind.KindOf(err) != tc.kind || err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s:\ngot %v (%s), want a %s error containing %q", tc.query, err, errkind.KindOf(err), tc.kind, tc.msg)
		}
	}
}
