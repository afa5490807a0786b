package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// Client talks to a gateway. It is safe for concurrent use.
type Client struct {
	query trebuchetv1connect.QueryServiceClient
}

// New returns a client of the gateway at address ("host:port" or a URL).
func New(address string) *Client {
	return &Client{query: trebuchetv1connect.NewQueryServiceClient(transport.NewClient(), transport.BaseURL(address), transport.ClientOptions()...)}
}

// JSONPlan is a Substrait plan in the protobuf JSON mapping.
func JSONPlan(json []byte) *trebuchetv1.Plan {
	return &trebuchetv1.Plan{Encoding: &trebuchetv1.Plan_SubstraitJson{SubstraitJson: string(json)}}
}

// BinaryPlan is a serialized substrait.Plan.
func BinaryPlan(b []byte) *trebuchetv1.Plan {
	return &trebuchetv1.Plan{Encoding: &trebuchetv1.Plan_SubstraitBinary{SubstraitBinary: b}}
}

// SQLPlan is SQL text in the PostgreSQL dialect, for the scheduler to plan
// against the cluster's catalog: one or more statements separated by
// semicolons, the last of which gives the result.
func SQLPlan(text string) *trebuchetv1.Plan {
	return &trebuchetv1.Plan{Encoding: &trebuchetv1.Plan_Sql{Sql: text}}
}

// Result is a query's result. Release it when done.
type Result struct {
	JobID   string
	Schema  *arrow.Schema
	Batches []arrow.RecordBatch
}

// NumRows returns the number of rows in the result.
func (r *Result) NumRows() int64 {
	var n int64
	for _, b := range r.Batches {
		n += b.NumRows()
	}
	return n
}

// Release releases the result's batches.
func (r *Result) Release() {
	for _, b := range r.Batches {
		b.Release()
	}
	r.Batches = nil
}

// Submit starts a job and returns its id.
func (c *Client) Submit(ctx context.Context, plan *trebuchetv1.Plan, settings map[string]string) (string, error) {
	resp, err := c.query.SubmitPlan(ctx, connect.NewRequest(&trebuchetv1.SubmitPlanRequest{
		Plan:     plan,
		Settings: &trebuchetv1.SessionSettings{Values: settings},
	}))
	if err != nil {
		return "", err
	}
	return resp.Msg.GetJobId(), nil
}

// Status returns a job's status.
func (c *Client) Status(ctx context.Context, jobID string) (*trebuchetv1.JobStatus, error) {
	resp, err := c.query.GetJob(ctx, connect.NewRequest(&trebuchetv1.GetJobRequest{JobId: jobID}))
	if err != nil {
		return nil, err
	}
	return resp.Msg.GetStatus(), nil
}

// Cancel cancels a job.
func (c *Client) Cancel(ctx context.Context, jobID string) (*trebuchetv1.JobStatus, error) {
	resp, err := c.query.CancelJob(ctx, connect.NewRequest(&trebuchetv1.CancelJobRequest{JobId: jobID}))
	if err != nil {
		return nil, err
	}
	return resp.Msg.GetStatus(), nil
}

// ListJobs lists jobs, newest first.
func (c *Client) ListJobs(ctx context.Context, states ...trebuchetv1.JobState) ([]*trebuchetv1.JobStatus, error) {
	resp, err := c.query.ListJobs(ctx, connect.NewRequest(&trebuchetv1.ListJobsRequest{States: states}))
	if err != nil {
		return nil, err
	}
	return resp.Msg.GetJobs(), nil
}

// Fetch waits for a job and reads its whole result. A failed job's error
// carries the failure's status code (see connect.CodeOf).
func (c *Client) Fetch(ctx context.Context, jobID string) (*Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.query.FetchResults(ctx, connect.NewRequest(&trebuchetv1.FetchResultsRequest{JobId: jobID}))
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	sr := &streamReader{stream: stream}
	r, err := ipc.NewReader(sr)
	if sr.err != nil {
		return nil, sr.err
	}
	if err != nil {
		return nil, fmt.Errorf("job %s: reading result: %w", jobID, err)
	}
	defer r.Release()
	res := &Result{JobID: jobID, Schema: r.Schema()}
	for r.Next() {
		b := r.RecordBatch()
		b.Retain()
		res.Batches = append(res.Batches, b)
	}
	if sr.err != nil {
		res.Release()
		return nil, sr.err
	}
	if err := r.Err(); err != nil && !errors.Is(err, io.EOF) {
		res.Release()
		return nil, fmt.Errorf("job %s: reading result: %w", jobID, err)
	}
	return res, nil
}

// Execute submits a plan and returns its result.
func (c *Client) Execute(ctx context.Context, plan *trebuchetv1.Plan, settings map[string]string) (*Result, error) {
	id, err := c.Submit(ctx, plan, settings)
	if err != nil {
		return nil, err
	}
	res, err := c.Fetch(ctx, id)
	if err != nil && ctx.Err() != nil {
		// The caller gave up; do not leave the job running.
		cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rpcGrace)
		defer cancel()
		_, _ = c.Cancel(cancelCtx, id)
	}
	return res, err
}

// SQL runs SQL text (see SQLPlan) and returns the last statement's result:
// a query's rows; SHOW TABLES, DESCRIBE and EXPLAIN rows; for CREATE and
// DROP, one row naming the statement in a column "status". A syntax error
// is a connect.CodeInvalidArgument error giving the line and column.
func (c *Client) SQL(ctx context.Context, text string, settings map[string]string) (*Result, error) {
	return c.Execute(ctx, SQLPlan(text), settings)
}

// streamReader turns the FetchResults message stream into the byte stream
// the chunks form.
type streamReader struct {
	stream *connect.ServerStreamForClient[trebuchetv1.FetchResultsResponse]
	buf    []byte
	err    error // the stream's error, which carries the status code
}

func (s *streamReader) Read(p []byte) (int, error) {
	for len(s.buf) == 0 {
		if !s.stream.Receive() {
			if err := s.stream.Err(); err != nil {
				s.err = err
				return 0, err
			}
			return 0, io.EOF
		}
		s.buf = s.stream.Msg().GetArrowIpc()
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	return n, nil
}

// rpcGrace bounds the clean-up calls made after the caller's context ended.
const rpcGrace = 5 * time.Second

// Explain returns the physical plan of plan as text. With analyze it runs
// the plan and annotates each operator with its output rows and time.
func (c *Client) Explain(ctx context.Context, plan *trebuchetv1.Plan, settings map[string]string, analyze bool) (string, error) {
	resp, err := c.query.ExplainPlan(ctx, connect.NewRequest(&trebuchetv1.ExplainPlanRequest{
		Plan:     plan,
		Settings: &trebuchetv1.SessionSettings{Values: settings},
		Analyze:  analyze,
	}))
	if err != nil {
		return "", err
	}
	return resp.Msg.GetText(), nil
}
