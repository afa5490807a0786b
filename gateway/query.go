package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/scheduler"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
)

// defaultMaxRows caps ExecutePlan results when the request sets no cap.
const defaultMaxRows = 10000

// chunkSize is the size of the Arrow IPC chunks FetchResults sends.
const chunkSize = 1 << 20

type queryService struct {
	g *Gateway
}

var _ trebuchetv1connect.QueryServiceHandler = (*queryService)(nil)

func planSource(p *trebuchetv1.Plan) (scheduler.PlanSource, error) {
	switch enc := p.GetEncoding().(type) {
	case *trebuchetv1.Plan_SubstraitBinary:
		return scheduler.PlanSource{Data: enc.SubstraitBinary}, nil
	case *trebuchetv1.Plan_SubstraitJson:
		return scheduler.PlanSource{Data: []byte(enc.SubstraitJson), IsJSON: true}, nil
	case *trebuchetv1.Plan_Sql:
		if strings.TrimSpace(enc.Sql) == "" {
			return scheduler.PlanSource{}, errkind.Errorf(errkind.InvalidArgument, "plan.sql is empty")
		}
		return scheduler.PlanSource{SQL: enc.Sql}, nil
	}
	return scheduler.PlanSource{}, errkind.Errorf(errkind.InvalidArgument, "plan is required: set plan.substrait_binary, plan.substrait_json or plan.sql")
}

func (q *queryService) submit(ctx context.Context, p *trebuchetv1.Plan, settings *trebuchetv1.SessionSettings, name string) (string, error) {
	src, err := planSource(p)
	if err != nil {
		return "", err
	}
	return q.g.jobs.Submit(ctx, src, settings.GetValues(), name)
}

func (q *queryService) SubmitPlan(ctx context.Context, req *connect.Request[trebuchetv1.SubmitPlanRequest]) (*connect.Response[trebuchetv1.SubmitPlanResponse], error) {
	id, err := q.submit(ctx, req.Msg.GetPlan(), req.Msg.GetSettings(), req.Msg.GetJobName())
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.SubmitPlanResponse{JobId: id}), nil
}

func (q *queryService) GetJob(ctx context.Context, req *connect.Request[trebuchetv1.GetJobRequest]) (*connect.Response[trebuchetv1.GetJobResponse], error) {
	st, _, err := q.g.jobs.Status(req.Msg.GetJobId())
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.GetJobResponse{Status: st}), nil
}

func (q *queryService) WatchJob(ctx context.Context, req *connect.Request[trebuchetv1.WatchJobRequest], stream *connect.ServerStream[trebuchetv1.WatchJobResponse]) error {
	for {
		st, changed, err := q.g.jobs.Status(req.Msg.GetJobId())
		if err != nil {
			return connectError(err)
		}
		if err := stream.Send(&trebuchetv1.WatchJobResponse{Status: st}); err != nil {
			return err
		}
		if scheduler.Terminal(st.GetState()) {
			return nil
		}
		select {
		case <-ctx.Done():
			return connectError(ctx.Err())
		case <-changed:
		}
	}
}

func (q *queryService) CancelJob(ctx context.Context, req *connect.Request[trebuchetv1.CancelJobRequest]) (*connect.Response[trebuchetv1.CancelJobResponse], error) {
	st, err := q.g.jobs.Cancel(req.Msg.GetJobId())
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.CancelJobResponse{Status: st}), nil
}

func (q *queryService) ListJobs(ctx context.Context, req *connect.Request[trebuchetv1.ListJobsRequest]) (*connect.Response[trebuchetv1.ListJobsResponse], error) {
	jobs := q.g.jobs.List(req.Msg.GetStates(), int(req.Msg.GetLimit()))
	return connect.NewResponse(&trebuchetv1.ListJobsResponse{Jobs: jobs}), nil
}

func (q *queryService) FetchResults(ctx context.Context, req *connect.Request[trebuchetv1.FetchResultsRequest], stream *connect.ServerStream[trebuchetv1.FetchResultsResponse]) error {
	st, err := q.g.finished(ctx, req.Msg.GetJobId())
	if err != nil {
		return connectError(err)
	}
	w := &chunkWriter{send: func(b []byte) error {
		return stream.Send(&trebuchetv1.FetchResultsResponse{ArrowIpc: b})
	}}
	if err := q.g.copyResults(ctx, st, w); err != nil {
		return connectError(err)
	}
	return w.flush()
}

func (q *queryService) ExecutePlan(ctx context.Context, req *connect.Request[trebuchetv1.ExecutePlanRequest]) (*connect.Response[trebuchetv1.ExecutePlanResponse], error) {
	maxRows := req.Msg.GetMaxRows()
	if maxRows == 0 {
		maxRows = defaultMaxRows
	}
	id, err := q.submit(ctx, req.Msg.GetPlan(), req.Msg.GetSettings(), "")
	if err != nil {
		return nil, connectError(err)
	}
	st, err := q.g.awaitOrCancel(ctx, id)
	if err != nil {
		return nil, connectError(err)
	}
	if st.GetResultRows() > maxRows {
		return nil, connectError(errkind.Errorf(errkind.ResourceExhausted,
			"job %s: result has %d rows, over max_rows %d; use SubmitPlan and FetchResults for large results", id, st.GetResultRows(), maxRows))
	}
	resp := &trebuchetv1.ExecutePlanResponse{JobId: id}
	switch req.Msg.GetFormat() {
	case trebuchetv1.ResultFormat_RESULT_FORMAT_JSON:
		err = q.g.readResults(ctx, st, resultSink{
			schema: func(s *arrow.Schema) error {
				if resp.Columns == nil {
					resp.Columns = columns(s)
				}
				return nil
			},
			batch: func(b arrow.RecordBatch) error {
				resp.Rows = append(resp.Rows, jsonRows(b)...)
				return nil
			},
		})
	default:
		var buf bytes.Buffer
		err = q.g.copyResults(ctx, st, &buf)
		resp.ArrowIpc = buf.Bytes()
		if err == nil {
			resp.Columns, err = ipcColumns(buf.Bytes())
		}
	}
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(resp), nil
}

func (q *queryService) ExplainPlan(ctx context.Context, req *connect.Request[trebuchetv1.ExplainPlanRequest]) (*connect.Response[trebuchetv1.ExplainPlanResponse], error) {
	src, err := planSource(req.Msg.GetPlan())
	if err != nil {
		return nil, connectError(err)
	}
	if !req.Msg.GetAnalyze() {
		text, err := q.g.jobs.Explain(ctx, src)
		if err != nil {
			return nil, connectError(err)
		}
		return connect.NewResponse(&trebuchetv1.ExplainPlanResponse{Text: text}), nil
	}
	settings := maps.Clone(req.Msg.GetSettings().GetValues())
	if settings == nil {
		settings = map[string]string{}
	}
	settings[plan.ExplainAnalyzeSetting] = "true"
	id, err := q.g.jobs.Submit(ctx, src, settings, "explain analyze")
	if err != nil {
		return nil, connectError(err)
	}
	st, err := q.g.awaitOrCancel(ctx, id)
	if err != nil {
		return nil, connectError(err)
	}
	// The job's result is the annotated plan, one line per row.
	var text strings.Builder
	err = q.g.readResults(ctx, st, resultSink{
		schema: func(*arrow.Schema) error { return nil },
		batch: func(b arrow.RecordBatch) error {
			lines, ok := b.Column(0).(*array.String)
			if !ok || b.NumCols() != 1 {
				return errkind.Errorf(errkind.Internal, "job %s: explain analyze returned %s, want one string column", id, b.Schema())
			}
			for i := range lines.Len() {
				text.WriteString(lines.Value(i))
				text.WriteByte('\n')
			}
			return nil
		},
	})
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.ExplainPlanResponse{Text: text.String(), JobId: id}), nil
}

// awaitOrCancel is finished for a caller that waits on the job it started:
// if the caller gives up, the job is cancelled rather than left running.
func (g *Gateway) awaitOrCancel(ctx context.Context, id string) (*trebuchetv1.JobStatus, error) {
	st, err := g.finished(ctx, id)
	if err != nil && ctx.Err() != nil {
		_, _ = g.jobs.Cancel(id)
	}
	return st, err
}

// finished waits for a job to end and returns its status if it succeeded,
// or its failure as a classified error.
func (g *Gateway) finished(ctx context.Context, id string) (*trebuchetv1.JobStatus, error) {
	st, err := g.jobs.Wait(ctx, id)
	if err != nil {
		return nil, err
	}
	switch st.GetState() {
	case trebuchetv1.JobState_JOB_STATE_SUCCEEDED:
		if len(st.GetResultLocations()) == 0 {
			if f := st.GetFailure(); f != nil {
				// The scheduler knows why the result is gone.
				return nil, errkind.Errorf(errkind.NotFound, "job %s succeeded, but its %s", id, f.GetMessage())
			}
			return nil, errkind.Errorf(errkind.NotFound, "job %s: result expired or was released", id)
		}
		return st, nil
	case trebuchetv1.JobState_JOB_STATE_CANCELLED:
		return nil, errkind.Errorf(errkind.Cancelled, "job %s was cancelled", id)
	}
	return nil, fmt.Errorf("job %s failed: %w", id, errkind.FromFailure(st.GetFailure()))
}

func ipcColumns(data []byte) ([]*trebuchetv1.Column, error) {
	r, err := ipc.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, errors.Join(errkind.Errorf(errkind.Internal, "reading result schema"), err)
	}
	defer r.Release()
	return columns(r.Schema()), nil
}
