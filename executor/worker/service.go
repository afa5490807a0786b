package worker

import (
	"context"
	"errors"
	"io"

	"connectrpc.com/connect"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/trebuchet-dev/trebuchet/executor/shuffle"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spill"
)

var errMissingTaskID = errors.New("task without a job id")

// controlService serves ExecutorService for the scheduler.
type controlService struct {
	e *Executor
}

func (s *controlService) LaunchTasks(ctx context.Context, req *connect.Request[trebuchetv1.LaunchTasksRequest]) (*connect.Response[trebuchetv1.LaunchTasksResponse], error) {
	for _, def := range req.Msg.GetTasks() {
		if def.GetTaskId().GetJobId() == "" {
			return nil, connect.NewError(connect.CodeInvalidArgument, errMissingTaskID)
		}
	}
	for _, def := range req.Msg.GetTasks() {
		s.e.launch(s.e.lifetime, def)
	}
	return connect.NewResponse(&trebuchetv1.LaunchTasksResponse{}), nil
}

func (s *controlService) CancelTasks(ctx context.Context, req *connect.Request[trebuchetv1.CancelTasksRequest]) (*connect.Response[trebuchetv1.CancelTasksResponse], error) {
	for _, id := range req.Msg.GetTaskIds() {
		s.e.cancelTask(id)
	}
	return connect.NewResponse(&trebuchetv1.CancelTasksResponse{}), nil
}

func (s *controlService) ReleaseOutputs(ctx context.Context, req *connect.Request[trebuchetv1.ReleaseOutputsRequest]) (*connect.Response[trebuchetv1.ReleaseOutputsResponse], error) {
	s.e.releaseJob(req.Msg.GetJobId())
	return connect.NewResponse(&trebuchetv1.ReleaseOutputsResponse{}), nil
}

// flightService serves task outputs over Arrow Flight.
type flightService struct {
	flight.BaseFlightServer
	e *Executor
}

// DoGet streams the batches of the task output the ticket names.
func (s *flightService) DoGet(t *flight.Ticket, stream flight.FlightService_DoGetServer) error {
	ticket := string(t.GetTicket())
	if shuffle.IsTicket(ticket) {
		return s.e.store.Serve(ticket, stream)
	}
	s.e.mu.Lock()
	out, ok := s.e.outputs[ticket]
	if !ok {
		s.e.mu.Unlock()
		return status.Errorf(codes.NotFound, "no task output for ticket %q (released, or never produced here)", ticket)
	}
	spilled, batches := out.contents()
	schema := out.schema
	s.e.mu.Unlock()
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	w := flight.NewRecordWriter(stream, ipc.WithSchema(schema))
	if spilled != nil {
		if err := writeRun(w, spilled, s.e.alloc); err != nil {
			return err
		}
	}
	for _, b := range batches {
		if err := w.Write(b); err != nil {
			return err
		}
	}
	return w.Close()
}

// writeRun streams a spilled run's batches to w.
func writeRun(w *flight.Writer, run *spill.Run, alloc memory.Allocator) error {
	rr, err := run.Open(alloc)
	if err != nil {
		return err
	}
	defer rr.Close()
	for {
		b, err := rr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		err = w.Write(b)
		b.Release()
		if err != nil {
			return err
		}
	}
}
