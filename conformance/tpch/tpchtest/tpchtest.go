// Package tpchtest runs TPC-H plans on the engine in the test's process
// and checks them against the reference answers, for the tests of every
// front end that produces Substrait (fixtures, SQL, DataFrames).
package tpchtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/conformance/tpch"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// Tables are the TPC-H tables.
var Tables = []string{"customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier"}

// Catalog is a plan.Catalog over a map.
type Catalog map[string]*plan.Table

func (c Catalog) Table(name string) (*plan.Table, error) {
	if t, ok := c[name]; ok {
		return t, nil
	}
	return nil, errkind.Errorf(errkind.NotFound, "table %q not found", name)
}

// SampleCatalog binds the tables to the SF 0.01 Parquet files under dir
// (conformance/testdata/tpch), skipping the test if they are missing.
func SampleCatalog(t testing.TB, dir string) Catalog {
	c := Catalog{}
	for _, name := range Tables {
		p := filepath.Join(dir, "sf0.01", name+".parquet")
		if _, err := os.Stat(p); err != nil {
			t.Skipf("TPC-H data missing: %v", err)
		}
		c[name] = &plan.Table{Name: name, Format: "parquet", Paths: []string{p}}
	}
	return c
}

// Run decodes a serialized plan (JSON or binary) as the scheduler does,
// plans and runs it over cat, and compares the result with answer (a
// qNN.csv path). Leaked buffers are test errors.
func Run(t testing.TB, data []byte, isJSON bool, cat plan.Catalog, answer string) error {
	task := &op.Task{Pool: spill.NewPool(1 << 30), BatchSize: 8192}
	_, err := RunTask(t, data, isJSON, cat, answer, task)
	return err
}

// RunTask is Run with the task given, whose Alloc it replaces with a
// checked allocator; it returns the plan run, whose operators hold the
// run's metrics.
func RunTask(t testing.TB, data []byte, isJSON bool, cat plan.Catalog, answer string, task *op.Task) (*plan.Plan, error) {
	p, err := normalize.Decode(data, isJSON)
	if err != nil {
		return nil, fmt.Errorf("normalize: %w", err)
	}
	ctx := context.Background()
	phys, err := plan.Build(ctx, p, cat)
	if err != nil {
		return nil, err
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	task.Alloc = alloc
	batches, err := op.Collect(ctx, phys.Root, task)
	if err != nil {
		return phys, fmt.Errorf("run: %w\n%s", err, phys)
	}
	defer func() {
		for _, b := range batches {
			b.Release()
		}
		if n := alloc.CurrentAlloc(); n != 0 {
			t.Errorf("%s: %d bytes leaked", answer, n)
		}
	}()
	ans, err := tpch.LoadAnswer(answer)
	if err != nil {
		return phys, err
	}
	if err := ans.Compare(batches); err != nil {
		return phys, fmt.Errorf("%w\n%s", err, phys)
	}
	return phys, nil
}

// Rows decodes and runs a serialized plan (binary) over cat like Run and
// returns the result's rows printed as answer files hold them, for tests
// that compare two plans' results. Leaked buffers are test errors.
func Rows(t testing.TB, data []byte, cat plan.Catalog) ([][]string, error) {
	p, err := normalize.Decode(data, false)
	if err != nil {
		return nil, fmt.Errorf("normalize: %w", err)
	}
	ctx := context.Background()
	phys, err := plan.Build(ctx, p, cat)
	if err != nil {
		return nil, err
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	task := &op.Task{Alloc: alloc, Pool: spill.NewPool(1 << 30), BatchSize: 8192}
	batches, err := op.Collect(ctx, phys.Root, task)
	defer func() {
		for _, b := range batches {
			b.Release()
		}
		if n := alloc.CurrentAlloc(); n != 0 {
			t.Errorf("%d bytes leaked", n)
		}
	}()
	if err != nil {
		return nil, fmt.Errorf("run: %w\n%s", err, phys)
	}
	a, err := tpch.AnswerFromBatches("result", phys.Schema, batches)
	if err != nil {
		return nil, err
	}
	return a.Rows, nil
}
