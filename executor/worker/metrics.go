package worker

import (
	"github.com/trebuchet-dev/trebuchet/executor/op"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// memoryMetrics returns what a task reports of its memory and spilling:
// each operator's counters (root's tree is built for the one task, so its
// sets hold this task's runs only), their spill totals, and the most its
// reservations (usage) held at once.
func memoryMetrics(root op.Operator, usage *spill.Usage) *trebuchetv1.TaskMetrics {
	m := &trebuchetv1.TaskMetrics{PeakMemoryBytes: uint64(max(usage.Peak(), 0))}
	op.Walk(root, 0, func(o op.Operator, depth int) {
		om := &trebuchetv1.OperatorMetrics{Operator: o.String(), Depth: uint32(depth)}
		if mo, ok := o.(op.Metered); ok {
			v := mo.Metrics().Snapshot()
			om.OutputRows = uint64(v.Rows)
			om.Spills = uint64(v.Spills)
			om.SpilledRows = uint64(v.SpilledRows)
			om.SpilledBytes = uint64(v.SpilledBytes)
		}
		m.Operators = append(m.Operators, om)
		addSpilled(m, om.GetSpills(), om.GetSpilledRows(), om.GetSpilledBytes())
	})
	return m
}

// addSpilled adds spills to a task's totals.
func addSpilled(m *trebuchetv1.TaskMetrics, spills, rows, bytes uint64) {
	m.Spills += spills
	m.SpilledRows += rows
	m.SpilledBytes += bytes
}
