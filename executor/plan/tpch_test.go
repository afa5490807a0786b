package plan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/spill"
)

const tpchDir = "../../conformance/testdata/tpch"

var tpchTables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

// mapCatalog is a catalog over a map, for tests.
type mapCatalog map[string]*plan.Table

func (c mapCatalog) Table(name string) (*plan.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}

func tpchCatalog(t testing.TB) mapCatalog {
	c := mapCatalog{}
	for _, name := range tpchTables {
		p := filepath.Join(tpchDir, "sf0.01", name+".parquet")
		if _, err := os.Stat(p); err != nil {
			t.Skipf("TPC-H data missing: %v", err)
		}
		c[name] = &plan.Table{Name: name, Format: "parquet", Paths: []string{p}}
	}
	return c
}

// runTPCH plans and runs one fixture query and compares it with the answer.
func runTPCH(t testing.TB, producer, q string, cat plan.Catalog) error {
	data, err := os.ReadFile(filepath.Join(tpchDir, "plans", producer, q+".json"))
	if err != nil {
		return err
	}
	p, err := normalize.Decode(data, true)
	if err != nil {
		return err
	}
	ctx := context.Background()
	phys, err := plan.Build(ctx, p, cat)
	if err != nil {
		return err
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	task := &op.Task{Alloc: alloc, Pool: spill.NewPool(1 << 30), BatchSize: 8192}
	batches, err := op.Collect(ctx, phys.Root, task)
	if err != nil {
		return fmt.Errorf("run: %w\n%s", err, phys)
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
		if n := alloc.CurrentAlloc(); n != 0 {
			t.Errorf("%s/%s: %d bytes leaked", producer, q, n)
		}
	}()
	ans, err := tpch.LoadAnswer(filepath.Join(tpchDir, "answers", "sf0.01", q+".csv"))
	if err != nil {
		return err
	}
	if err := ans.Compare(batches); err != nil {
		return fmt.Errorf("%w\n%s", err, phys)
	}
	return nil
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
