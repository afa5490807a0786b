package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"
	"google.golang.org/protobuf/proto"

	"github.com/trebuchet-dev/trebuchet/executor/catalog"
	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
	"github.com/trebuchet-dev/trebuchet/executor/plan"
	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spill"
)

type taskKey struct {
	job                       string
	stage, partition, attempt uint32
}

func keyOf(id *trebuchetv1.TaskId) taskKey {
	return taskKey{id.GetJobId(), id.GetStageId(), id.GetPartition(), id.GetAttempt()}
}

// ticketOf is the Flight ticket of a task's output. Clients treat it as
// opaque bytes.
func ticketOf(id *trebuchetv1.TaskId) string {
	return fmt.Sprintf("%s/%d/%d/%d", id.GetJobId(), id.GetStageId(), id.GetPartition(), id.GetAttempt())
}

// launch starts a task in its own goroutine; its end is reported to the
// scheduler. A task already running is not started twice.
func (e *Executor) launch(ctx context.Context, def *trebuchetv1.TaskDefinition) {
	key := keyOf(def.GetTaskId())
	ctx, cancel := context.WithCancel(ctx)
	e.mu.Lock()
	if _, dup := e.running[key]; dup {
		e.mu.Unlock()
		cancel()
		return
	}
	e.running[key] = &runningTask{id: def.GetTaskId(), cancel: cancel}
	e.mu.Unlock()

	e.tasks.Add(1)
	go func() {
		defer e.tasks.Done()
		defer cancel()
		status := e.run(ctx, def)
		e.mu.Lock()
		delete(e.running, key)
		e.mu.Unlock()
		select {
		case e.freed <- struct{}{}:
		default:
		}
		e.report(ctx, status)
	}()
}

// run executes one task and returns its final status.
func (e *Executor) run(ctx context.Context, def *trebuchetv1.TaskDefinition) *trebuchetv1.TaskStatus {
	start := time.Now()
	status := &trebuchetv1.TaskStatus{TaskId: def.GetTaskId(), ExecutorId: e.cfg.ID}
	out, err := e.execute(ctx, def)
	if err != nil {
		if ctx.Err() != nil {
			err = errkind.Errorf(errkind.Cancelled, "task %s cancelled", ticketOf(def.GetTaskId()))
		}
		status.State = trebuchetv1.TaskState_TASK_STATE_FAILED
		if errkind.KindOf(err) == errkind.Cancelled {
			status.State = trebuchetv1.TaskState_TASK_STATE_CANCELLED
		}
		status.Failure = errkind.ToFailure(err)
		status.Failure.ExecutorId = e.cfg.ID
		if ff := (*shuffle.FetchFailure)(nil); errors.As(err, &ff) && status.State == trebuchetv1.TaskState_TASK_STATE_FAILED {
			status.Failure.Kind = trebuchetv1.FailureKind_FAILURE_KIND_FETCH_FAILED
			status.Failure.Fetch = &trebuchetv1.FetchFailure{StageId: ff.Stage, MapPartition: ff.MapPartition, ExecutorId: ff.Executor}
		}
		e.log.Info("task failed", "task", ticketOf(def.GetTaskId()), "err", err)
		return status
	}
	metrics := out.memory
	metrics.ElapsedNanos = uint64(time.Since(start))
	if out.mapRows != nil {
		status.State = trebuchetv1.TaskState_TASK_STATE_SUCCEEDED
		metrics.PartitionRows, metrics.OutputBytes = out.mapRows, out.mapBytes
		for _, n := range out.mapRows {
			metrics.OutputRows += n
		}
		status.Metrics = metrics
		status.Output = &trebuchetv1.Location{ExecutorId: e.cfg.ID, FlightAddress: e.flightAddr, Ticket: []byte(mapIDOf(def.GetTaskId()).Ticket())}
		return status
	}
	metrics.OutputRows = uint64(out.rows)
	metrics.OutputBatches = uint64(out.nbatches)
	metrics.OutputBytes = uint64(out.bytes)
	ticket := ticketOf(def.GetTaskId())
	e.mu.Lock()
	e.outputs[ticket] = out
	e.mu.Unlock()
	status.State = trebuchetv1.TaskState_TASK_STATE_SUCCEEDED
	status.Metrics = metrics
	status.Output = &trebuchetv1.Location{ExecutorId: e.cfg.ID, FlightAddress: e.flightAddr, Ticket: []byte(ticket)}
	return status
}

// execute plans the task and drains its root operator into an output.
func (e *Executor) execute(ctx context.Context, def *trebuchetv1.TaskDefinition) (_ *output, err error) {
	data, err := e.planOf(ctx, def)
	if err != nil {
		return nil, err
	}
	var p substraitpb.Plan
	if err := proto.Unmarshal(data, &p); err != nil {
		return nil, errkind.Errorf(errkind.InvalidArgument, "task plan: %v", err)
	}
	tables, err := catalog.FromProto(def.GetTables())
	if err != nil {
		return nil, err
	}
	cat := &taskCatalog{Catalog: tables, def: def, fetcher: e.fetcher}
	// A map task's plan ends in an exchange, which the shuffle store
	// carries out: the operators compute the exchange's input.
	var exchange *substraitpb.ExchangeRel
	for _, r := range p.GetRelations() {
		if root := r.GetRoot(); root != nil && root.GetInput().GetExchange() != nil {
			exchange = root.GetInput().GetExchange()
			root.Input = exchange.GetInput()
			root.Names = nil
		}
	}
	opts := plan.TaskOptions{Slice: op.Slice{Index: int(def.GetTaskId().GetPartition()), Count: int(def.GetPartitionCount())}}
	physical, err := plan.BuildTask(ctx, &p, cat, opts)
	if err != nil {
		return nil, err
	}
	// The task's spills go away with it, however it ends.
	space, err := e.spill.NewSpace(ticketOf(def.GetTaskId()))
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := space.Close(); cerr != nil {
			e.log.Error("removing a task's spill data", "task", ticketOf(def.GetTaskId()), "err", cerr)
		}
	}()
	// The task's reservations are counted together for its peak.
	usage := &spill.Usage{}
	pool := e.pool.WithUsage(usage)
	task := &op.Task{Alloc: e.alloc, Pool: pool, Spill: space, BatchSize: op.DefaultBatchSize}
	if exchange != nil {
		out, err := e.runMap(ctx, def, physical, task, exchange)
		if err != nil {
			return nil, err
		}
		out.memory = memoryMetrics(physical.Root, usage)
		return out, nil
	}
	ticket := ticketOf(def.GetTaskId())
	out := newOutput(def.GetTaskId().GetJobId(), ticket, physical.Schema, pool, e.spill)
	defer func() {
		if err != nil {
			out.release()
		}
	}()
	if def.GetSettings()[plan.ExplainAnalyzeSetting] == "true" {
		text, err := physical.ExplainAnalyze(ctx, task)
		if err != nil {
			return nil, err
		}
		out.schema = plan.ExplainSchema()
		b := array.NewStringBuilder(e.alloc)
		defer b.Release()
		b.AppendValues(strings.Split(strings.TrimRight(text, "\n"), "\n"), nil)
		lines := b.NewArray()
		defer lines.Release()
		batch := array.NewRecordBatch(out.schema, []arrow.Array{lines}, int64(lines.Len()))
		if err := out.add(batch, ticket); err != nil {
			return nil, err
		}
		if err := out.finish(); err != nil {
			return nil, err
		}
		out.memory = memoryMetrics(physical.Root, usage)
		return out, nil
	}
	stream, err := physical.Root.Open(ctx, task)
	if err != nil {
		return nil, err
	}
	defer stream.Close()
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := stream.Next(ctx)
		if errors.Is(err, io.EOF) {
			if err := out.finish(); err != nil {
				return nil, err
			}
			out.memory = memoryMetrics(physical.Root, usage)
			spills, rows, bytes := out.spilledCounts()
			addSpilled(out.memory, uint64(spills), uint64(rows), uint64(bytes))
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		b, err = withSchema(b, out.schema)
		if err != nil {
			return nil, err
		}
		if err := out.add(b, ticket); err != nil {
			return nil, err
		}
	}
}

// planOf returns the serialized plan a task runs: its stage's, from the
// executor's stage plans, or the definition's own from a scheduler that
// sends no plan_ref.
func (e *Executor) planOf(ctx context.Context, def *trebuchetv1.TaskDefinition) ([]byte, error) {
	ref := def.GetPlanRef()
	if ref == nil {
		return def.GetPlan(), nil
	}
	return e.plans.get(ctx, stageKey{job: def.GetTaskId().GetJobId(), stage: def.GetTaskId().GetStageId()}, ref)
}

// withSchema gives a batch the plan's output names. It takes ownership of b.
func withSchema(b arrow.RecordBatch, schema *arrow.Schema) (arrow.RecordBatch, error) {
	if b.Schema().Equal(schema) {
		return b, nil
	}
	defer b.Release()
	if int(b.NumCols()) != schema.NumFields() {
		return nil, errkind.Errorf(errkind.Internal, "root operator produced %d columns, plan declares %d", b.NumCols(), schema.NumFields())
	}
	for i, f := range schema.Fields() {
		if !arrow.TypeEqual(f.Type, b.Column(i).DataType()) {
			return nil, errkind.Errorf(errkind.Internal, "column %q: root operator produced %s, plan declares %s", f.Name, b.Column(i).DataType(), f.Type)
		}
	}
	return array.NewRecordBatch(schema, b.Columns(), b.NumRows()), nil
}

// report sends a task's final status, retrying for a while: a status lost
// here would leave its job waiting until the executor is declared lost.
func (e *Executor) report(ctx context.Context, status *trebuchetv1.TaskStatus) {
	ctx = context.WithoutCancel(ctx)
	backoff := 50 * time.Millisecond
	for attempt := 0; ; attempt++ {
		_, err := e.scheduler.ReportTaskStatus(ctx, connect.NewRequest(&trebuchetv1.ReportTaskStatusRequest{Statuses: []*trebuchetv1.TaskStatus{status}}))
		if err == nil {
			return
		}
		if attempt == 10 {
			e.log.Error("could not report task status", "task", ticketOf(status.GetTaskId()), "err", err)
			return
		}
		time.Sleep(backoff)
		backoff = min(2*backoff, 2*time.Second)
	}
}
