package scheduler

import (
	"context"
	"errors"

	"connectrpc.com/connect"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
)

// Service serves SchedulerService, the API executors call.
type Service struct {
	s *Scheduler
}

var _ trebuchetv1connect.SchedulerServiceHandler = (*Service)(nil)

// NewService returns the SchedulerService of s.
func NewService(s *Scheduler) *Service { return &Service{s: s} }

func (h *Service) RegisterExecutor(ctx context.Context, req *connect.Request[trebuchetv1.RegisterExecutorRequest]) (*connect.Response[trebuchetv1.RegisterExecutorResponse], error) {
	info := req.Msg.GetExecutor()
	if info.GetExecutorId() == "" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("executor.executor_id is required"))
	}
	if info.GetFlightAddress() == "" {
		return nil, connect.NewError(connect.CodeInvalidArgument, errors.New("executor.flight_address is required"))
	}
	interval, err := h.s.Register(info)
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.RegisterExecutorResponse{HeartbeatInterval: durationpb.New(interval)}), nil
}

func (h *Service) Heartbeat(ctx context.Context, req *connect.Request[trebuchetv1.HeartbeatRequest]) (*connect.Response[trebuchetv1.HeartbeatResponse], error) {
	resp := h.s.Heartbeat(req.Msg.GetExecutorId(), req.Msg.GetRunningTasks())
	resp.ReleasePlans = h.s.FinishedJobs(req.Msg.GetPlanJobs())
	return connect.NewResponse(resp), nil
}

func (h *Service) PollWork(ctx context.Context, req *connect.Request[trebuchetv1.PollWorkRequest]) (*connect.Response[trebuchetv1.PollWorkResponse], error) {
	defs, err := h.s.PollWork(ctx, req.Msg.GetExecutorId(), int(req.Msg.GetFreeSlots()), req.Msg.GetWaitTimeout().AsDuration())
	if err != nil {
		return nil, connectError(err)
	}
	return connect.NewResponse(&trebuchetv1.PollWorkResponse{Tasks: defs}), nil
}

func (h *Service) ReportTaskStatus(ctx context.Context, req *connect.Request[trebuchetv1.ReportTaskStatusRequest]) (*connect.Response[trebuchetv1.ReportTaskStatusResponse], error) {
	h.s.ReportTaskStatus(req.Msg.GetStatuses())
	return connect.NewResponse(&trebuchetv1.ReportTaskStatusResponse{}), nil
}

// GetStagePlan streams a stage's plan in chunks of planChunkSize.
func (h *Service) GetStagePlan(ctx context.Context, req *connect.Request[trebuchetv1.GetStagePlanRequest], stream *connect.ServerStream[trebuchetv1.GetStagePlanResponse]) error {
	data, err := h.s.StagePlan(req.Msg.GetJobId(), req.Msg.GetStageId())
	if err != nil {
		return connectError(err)
	}
	for off := 0; off < len(data); off += planChunkSize {
		if err := stream.Send(&trebuchetv1.GetStagePlanResponse{Chunk: data[off:min(off+planChunkSize, len(data))]}); err != nil {
			return err
		}
	}
	return nil
}

// connectError gives an error its status code: the one place the scheduler's
// RPC edge maps errors to codes.
func connectError(err error) error {
	switch errkind.KindOf(err) {
	case errkind.InvalidArgument:
		return connect.NewError(connect.CodeInvalidArgument, err)
	case errkind.NotFound:
		return connect.NewError(connect.CodeNotFound, err)
	case errkind.Cancelled:
		return connect.NewError(connect.CodeCanceled, err)
	case errkind.DeadlineExceeded:
		return connect.NewError(connect.CodeDeadlineExceeded, err)
	}
	return connect.NewError(connect.CodeInternal, err)
}
