package standalone

import (
	"context"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql"
)

// sqlPlanner is a SQL session as the scheduler's SQL planner: every
// statement's result, local or not, becomes a plan the job runs.
type sqlPlanner struct{ s *sql.Session }

func (p sqlPlanner) PlanSQL(ctx context.Context, text string) (*substraitpb.Plan, bool, error) {
	results, err := p.s.Exec(ctx, text)
	if err != nil {
		return nil, false, err
	}
	if len(results) == 0 {
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "sql: no statement to run")
	}
	last := results[len(results)-1]
	plan, err := last.ResultPlan()
	if err != nil {
		return nil, false, err
	}
	return plan, last.Tag == "EXPLAIN ANALYZE", nil
}
