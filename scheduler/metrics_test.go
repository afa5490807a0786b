package scheduler

import (
	"testing"

	"google.golang.org/protobuf/proto"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

func TestAddTaskMetrics(t *testing.T) {
	ops := func(rows, spilled uint64) []*trebuchetv1.OperatorMetrics {
		return []*trebuchetv1.OperatorMetrics{
			{Operator: "Sort [a ASC]", Depth: 0, OutputRows: rows, Spills: 1, SpilledRows: spilled, SpilledBytes: 10 * spilled},
			{Operator: "Scan t", Depth: 1, OutputRows: rows},
		}
	}
	a := &trebuchetv1.TaskMetrics{OutputRows: 5, Spills: 1, SpilledRows: 4, SpilledBytes: 40, PeakMemoryBytes: 100, Operators: ops(5, 4)}
	b := &trebuchetv1.TaskMetrics{OutputRows: 7, Spills: 1, SpilledRows: 6, SpilledBytes: 60, PeakMemoryBytes: 300, Operators: ops(7, 6)}
	// A plan of another shape adds to the totals, not to the operators.
	odd := &trebuchetv1.TaskMetrics{OutputRows: 1, PeakMemoryBytes: 50, Operators: ops(1, 0)[1:]}
	stage := &trebuchetv1.TaskMetrics{}
	for _, m := range []*trebuchetv1.TaskMetrics{a, b, odd} {
		addTaskMetrics(stage, m)
	}
	want := &trebuchetv1.TaskMetrics{
		OutputRows: 13, Spills: 2, SpilledRows: 10, SpilledBytes: 100, PeakMemoryBytes: 300,
		Operators: []*trebuchetv1.OperatorMetrics{
			{Operator: "Sort [a ASC]", Depth: 0, OutputRows: 12, Spills: 2, SpilledRows: 10, SpilledBytes: 100},
			{Operator: "Scan t", Depth: 1, OutputRows: 12},
		},
	}
	if !proto.Equal(stage, want) {
		t.Errorf("stage metrics:\n got %v\nwant %v", stage, want)
	}
	// The first task's metrics are copied, not aliased.
	if a.GetOperators()[0].GetOutputRows() != 5 {
		t.Errorf("the first task's operator metrics were changed: %v", a.GetOperators()[0])
	}
}
