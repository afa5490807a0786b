package scheduler

import (
	"google.golang.org/protobuf/proto"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
)

// addTaskMetrics adds a succeeded task's metrics to its stage's: counters
// sum, the peak memory is the largest task's, and operators sum position
// by position, as the stage's tasks run one plan (a task whose plan
// differs in shape is left out of the operator sums).
func addTaskMetrics(stage, task *trebuchetv1.TaskMetrics) {
	stage.OutputRows += task.GetOutputRows()
	stage.OutputBatches += task.GetOutputBatches()
	stage.OutputBytes += task.GetOutputBytes()
	stage.ElapsedNanos += task.GetElapsedNanos()
	stage.Spills += task.GetSpills()
	stage.SpilledRows += task.GetSpilledRows()
	stage.SpilledBytes += task.GetSpilledBytes()
	stage.PeakMemoryBytes = max(stage.PeakMemoryBytes, task.GetPeakMemoryBytes())
	ops := task.GetOperators()
	if len(stage.Operators) == 0 {
		for _, o := range ops {
			stage.Operators = append(stage.Operators, proto.Clone(o).(*trebuchetv1.OperatorMetrics))
		}
		return
	}
	if len(ops) != len(stage.Operators) {
		return
	}
	for i, o := range ops {
		if o.GetDepth() != stage.Operators[i].GetDepth() {
			return
		}
	}
	for i, o := range ops {
		s := stage.Operators[i]
		s.OutputRows += o.GetOutputRows()
		s.Spills += o.GetSpills()
		s.SpilledRows += o.GetSpilledRows()
		s.SpilledBytes += o.GetSpilledBytes()
	}
}
