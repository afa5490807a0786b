package scheduler

import (
	"context"
	"maps"

	"github.com/apache/arrow-go/v18/arrow"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler/normalize"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// SQLPlanner plans SQL text: the scheduler's view of a SQL session
// (sql.Session of package sdk/sql, which package standalone wires in),
// which holds the catalog the statements read and change.
type SQLPlanner interface {
	// PlanSQL runs the statements of text in order and returns the
	// Substrait plan whose result is the last one's, and whether that
	// statement is EXPLAIN ANALYZE, which the job runs for its metrics
	// (plan.ExplainAnalyzeSetting). run runs a plan whose result the
	// session keeps (the rows of an INSERT into an in-memory table) in
	// the scheduler's process.
	PlanSQL(ctx context.Context, text string, run func(context.Context, *substraitpb.Plan) ([]arrow.RecordBatch, error)) (p *substraitpb.Plan, explainAnalyze bool, err error)
}

// localRunMemory caps what the buffering operators of a plan run in the
// scheduler's process (runLocal) may reserve.
const localRunMemory = 256 << 20

// planSQL turns a source of SQL text into the Substrait plan of its
// result, and settings into the job's; other sources are returned as
// they are.
func (s *Scheduler) planSQL(ctx context.Context, src PlanSource, settings map[string]string) (PlanSource, map[string]string, error) {
	if src.SQL == "" {
		return src, settings, nil
	}
	if s.cfg.SQL == nil {
		return src, nil, errkind.Errorf(errkind.Unimplemented, "this scheduler plans no SQL: submit a Substrait plan")
	}
	p, analyze, err := s.cfg.SQL.PlanSQL(ctx, src.SQL, s.runLocal)
	if err != nil {
		return src, nil, err
	}
	data, err := proto.Marshal(p)
	if err != nil {
		return src, nil, errkind.Errorf(errkind.Internal, "encoding the plan of SQL: %w", err)
	}
	if analyze {
		settings = maps.Clone(settings)
		if settings == nil {
			settings = map[string]string{}
		}
		settings[plan.ExplainAnalyzeSetting] = "true"
	}
	return PlanSource{Data: data}, settings, nil
}

// runLocal runs a plan in the scheduler's process, against its catalog,
// and returns the result, which the caller releases. It is for the few
// statements whose result the scheduler itself keeps; jobs run on
// executors.
func (s *Scheduler) runLocal(ctx context.Context, p *substraitpb.Plan) ([]arrow.RecordBatch, error) {
	data, err := proto.Marshal(p)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "encoding a plan to run: %w", err)
	}
	np, err := normalize.Decode(data, false)
	if err != nil {
		return nil, err
	}
	phys, err := plan.Build(ctx, np, s.cfg.Catalog)
	if err != nil {
		return nil, err
	}
	task := op.NewTask()
	task.Pool = spill.NewPool(localRunMemory)
	return op.Collect(ctx, phys.Root, task)
}
