package plan_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/conformance/tpch/tpchtest"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

const tpchDir = "../../conformance/testdata/tpch"

var tpchTables = tpchtest.Tables

// mapCatalog is a catalog over a map, for tests.
type mapCatalog = tpchtest.Catalog

func tpchCatalog(t testing.TB) mapCatalog { return tpchtest.SampleCatalog(t, tpchDir) }

// runTPCH plans and runs one fixture query and compares it with the answer.
func runTPCH(t testing.TB, producer, q string, cat plan.Catalog) error {
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", producer, q+".json"))
	if err != nil {
		return err
	}
	return tpchtest.Run(t, data, true, cat, filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))
}

// requiredTPCH lists, per producer, the queries that must pass; add each
// query once it passes, so a regression fails TestTPCH.
var requiredTPCH = map[string][]string{
	"datafusion":       {"q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11", "q12", "q13", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"},
	"isthmus":          {"q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11", "q12", "q13", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"},
	"substrait-python": {"q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09", "q10", "q11", "q12", "q13", "q14", "q15", "q16", "q17", "q18", "q19", "q20", "q21", "q22"},
}

// tpchProducers are the producers whose plans are in
// conformance/testdata/tpch/plans.
var tpchProducers = []string{"datafusion", "isthmus", "substrait-python"}

// TestTPCH runs the required plans of each producer and checks the answers.
// The other queries are tried and reported by TestTPCHReport, not required.
func TestTPCH(t *testing.T) {
	cat := tpchCatalog(t)
	for _, producer := range tpchProducers {
		for _, q := range requiredTPCH[producer] {
			t.Run(producer+"/"+q, func(t *testing.T) {
				if err := runTPCH(t, producer, q, cat); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestTPCHReport(t *testing.T) {
	cat := tpchCatalog(t)
	for _, producer := range tpchProducers {
		var pass []string
		for _, q := range tpch.QueryIDs() {
			if slices.Contains(requiredTPCH[producer], q) {
				continue
			}
			if _, err := os.Stat(filepath.Join(tpchDir, "plans", producer, q+".json")); err != nil {
				continue
			}
			err := runTPCH(t, producer, q, cat)
			if err != nil {
				msg := err.Error()
				if len(msg) > 300 {
					msg = msg[:300] + "..."
				}
				t.Logf("%s/%s: %s: %s", producer, q, errkind.KindOf(err), msg)
				continue
			}
			pass = append(pass, q)
		}
		t.Logf("%s: also passing: %v", producer, pass)
	}
}
