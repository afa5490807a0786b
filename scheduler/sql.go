package scheduler

import (
	"context"
	"maps"

	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
)

// SQLPlanner plans SQL text: the scheduler's view of a SQL session
// (package sdk/sql; package standalone wires one), which holds the catalog
// the statements read and change.
type SQLPlanner interface {
	// PlanSQL runs the statements of text in order and returns the
	// Substrait plan whose result is the last one's, and whether that
	// statement is EXPLAIN ANALYZE, which the job runs for its metrics
	// (plan.ExplainAnalyzeSetting).
	PlanSQL(ctx context.Context, text string) (p *substraitpb.Plan, explainAnalyze bool, err error)
}

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
	p, analyze, err := s.cfg.SQL.PlanSQL(ctx, src.SQL)
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
