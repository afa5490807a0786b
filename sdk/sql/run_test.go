package sql_test

import (
	"context"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/sdk/client"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// runPlan serializes p, decodes it as the scheduler does and runs it over
// cat in-process; it returns the rows as "v1|v2|…" lines (NULL for nulls,
// decimals at their scale).
func runPlan(t testing.TB, p *substraitpb.Plan, cat plan.Catalog) ([]string, error) {
	t.Helper()
	data, err := proto.Marshal(p)
	if err != nil {
		return nil, err
	}
	dp, err := normalize.Decode(data, false)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	phys, err := plan.Build(ctx, dp, cat)
	if err != nil {
		return nil, err
	}
	alloc := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer func() {
		if n := alloc.CurrentAlloc(); n != 0 {
			t.Errorf("%d bytes leaked", n)
		}
	}()
	batches, err := op.Collect(ctx, phys.Root, &op.Task{Alloc: alloc, Pool: spill.NewPool(1 << 30), BatchSize: 8192})
	if err != nil {
		return nil, err
	}
	var rows []string
	for _, b := range batches {
		for r := 0; r < int(b.NumRows()); r++ {
			cells := make([]string, b.NumCols())
			for c, col := range b.Columns() {
				cells[c] = client.FormatValue(col, r)
			}
			rows = append(rows, strings.Join(cells, "|"))
		}
		b.Release()
	}
	return rows, nil
}
