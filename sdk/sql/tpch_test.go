package sql_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

// specDateArithmetic gives, per query, the TPC-H specification's date
// arithmetic (section 2.4, with the validation parameters) for the end
// dates the queries folder writes out as literals.
var specDateArithmetic = map[string][][2]string{
	"q01": {{"CAST('1998-09-02' AS date)", "date '1998-12-01' - interval '90' day (3)"}},
	"q04": {{"CAST('1993-10-01' AS date)", "date '1993-07-01' + interval '3' month"}},
	"q05": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q06": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q10": {{"CAST('1994-01-01' AS date)", "date '1993-10-01' + interval '3' month"}},
	"q12": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
	"q14": {{"CAST('1995-10-01' AS date)", "date '1995-09-01' + interval '1' month"}},
	"q15": {{"CAST('1996-04-01' AS date)", "date '1996-01-01' + interval '3' month"}},
	"q20": {{"CAST('1995-01-01' AS date)", "date '1994-01-01' + interval '1' year"}},
}

var castDate = regexp.MustCompile(`CAST\('(\d{4}-\d\d-\d\d)' AS date\)`)

// specForm rewrites a query into the specification's date forms: its
// end dates as date ± interval, the other dates as date literals.
func specForm(q, text string) (string, error) {
	for _, r := range specDateArithmetic[q] {
		if n := strings.Count(text, r[0]); n != 1 {
			return "", fmt.Errorf("%s: %q occurs %d times, want once", q, r[0], n)
		}
		text = strings.Replace(text, r[0], r[1], 1)
	}
	return castDate.ReplaceAllString(text, "date '$1'"), nil
}

// TestTPCHSpecDates requires the queries with date arithmetic to give the
// answers in the specification's forms too.
func TestTPCHSpecDates(t *testing.T) {
	sc, ec := tpchCatalogs(t)
	for _, q := range tpch.QueryIDs() {
		text := tpchQuery(t, q)
		spec, err := specForm(q, text)
		if err != nil {
			t.Fatal(err)
		}
		if castDate.MatchString(text) != (spec != text) {
			t.Fatalf("%s: spec form unchanged", q)
		}
		if spec == text {
			continue
		}
		t.Run(q, func(t *testing.T) {
			if err := runTPCH(t, q, spec, sc, ec); err != nil {
				t.Fatalf("%v\n%s", err, spec)
			}
		})
	}
}
