package sql_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

const tpchDir = "../../conformance/testdata/tpch"

func tpchCatalogs(t testing.TB) (sql.ParquetCatalog, tpchtest.Catalog) {
	ec := tpchtest.SampleCatalog(t, tpchDir)
	sc := sql.ParquetCatalog{}
	for name, tbl := range ec {
		sc[name] = tbl.Paths[0]
	}
	return sc, ec
}

// tpchQuery returns a query's text as written in the queries folder.
func tpchQuery(t testing.TB, q string) string {
	text, err := os.ReadFile(filepath.Join(tpchDir, "queries", q+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

// runTPCH plans a query's SQL text and runs the serialized plan through
// the engine's decode, planner and operators, comparing with the answer.
func runTPCH(t testing.TB, q, text string, sc sql.Catalog, ec plan.Catalog) error {
	p, err := sql.Plan(context.Background(), text, sc)
	if err != nil {
		return err
	}
	data, err := proto.Marshal(p)
	if err != nil {
		return err
	}
	return tpchtest.Run(t, data, false, ec, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))
}

// TestTPCH requires the 22 queries, as written, to give the reference
// answers.
func TestTPCH(t *testing.T) {
	sc, ec := tpchCatalogs(t)
	for _, q := range tpch.QueryIDs() {
		t.Run(q, func(t *testing.T) {
			if err := runTPCH(t, q, tpchQuery(t, q), sc, ec); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestTPCHSpecDates requires the queries with dates to give the answers in
// the specification's forms too (date literals, date ± interval).
func TestTPCHSpecDates(t *testing.T) {
	sc, ec := tpchCatalogs(t)
	for _, q := range tpch.QueryIDs() {
		text := tpchQuery(t, q)
		spec, err := tpch.SpecDateForm(q, text)
		if err != nil {
			t.Fatal(err)
		}
		if spec == text {
			continue // no dates
		}
		t.Run(q, func(t *testing.T) {
			if err := runTPCH(t, q, spec, sc, ec); err != nil {
				t.Fatalf("%v\n%s", err, spec)
			}
		})
	}
}
