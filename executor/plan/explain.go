package plan

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// ExplainAnalyzeSetting is the session setting that makes a task run its plan
// for the metrics: its result is the annotated physical plan, one line per row
// of a single string column "plan" (ExplainSchema), instead of the plan's rows.
const ExplainAnalyzeSetting = "trebuchet.explain_analyze"

// ExplainSchema returns the schema of an EXPLAIN ANALYZE result.
func ExplainSchema() *arrow.Schema {
	return arrow.NewSchema([]arrow.Field{{Name: "plan", Type: arrow.BinaryTypes.String}}, nil)
}

// ExplainAnalyze runs the plan in task t, discarding its result, and
// renders the operator tree with each operator's output rows, batches and
// time in this run (see op.ExplainAnalyze).
func (p *Plan) ExplainAnalyze(ctx context.Context, t *op.Task) (string, error) {
	return op.ExplainAnalyze(ctx, p.Root, t)
}
