package gateway

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"connectrpc.com/connect"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/trebuchet-dev/trebuchet/scheduler"
	trebuchetv1 "github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1"
	"github.com/trebuchet-dev/trebuchet/spec/gen/go/trebuchet/v1/trebuchetv1connect"
	"github.com/trebuchet-dev/trebuchet/spec/transport"
)

// Jobs is what the gateway needs of the scheduler.
type Jobs interface {
	Submit(ctx context.Context, src scheduler.PlanSource, settings map[string]string, name string) (string, error)
	Explain(ctx context.Context, src scheduler.PlanSource) (string, error)
	Status(id string) (*trebuchetv1.JobStatus, <-chan struct{}, error)
	Wait(ctx context.Context, id string) (*trebuchetv1.JobStatus, error)
	Cancel(id string) (*trebuchetv1.JobStatus, error)
	List(states []trebuchetv1.JobState, limit int) []*trebuchetv1.JobStatus
}

// Service is an extra Connect service mounted on the gateway's port, such
// as the scheduler's executor-facing API in a scheduler process.
type Service struct {
	Name    string
	Path    string
	Handler http.Handler
}

// DefaultMaxPlanBytes is the default of Config.MaxPlanBytes.
const DefaultMaxPlanBytes = 256 << 20

// Config configures a gateway.
type Config struct {
	Jobs   Jobs
	Logger *slog.Logger
	// MaxPlanBytes caps the size of a QueryService request, and so of the
	// plan (Substrait or SQL) it carries; larger requests are refused with
	// RESOURCE_EXHAUSTED naming the limit. DefaultMaxPlanBytes if zero.
	// Plans are held whole, decoded, by the scheduler, which is what
	// bounds them; messages are not (plans reach executors in chunks).
	MaxPlanBytes int64
	// Services are mounted beside QueryService and listed by health checks
	// and reflection.
	Services []Service
}

// Gateway serves the client-facing API.
type Gateway struct {
	jobs    Jobs
	log     *slog.Logger
	handler http.Handler

	mu      sync.Mutex
	flights map[string]flight.Client // by executor Flight address
}

// New returns a gateway.
func New(cfg Config) *Gateway {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxPlanBytes <= 0 {
		cfg.MaxPlanBytes = DefaultMaxPlanBytes
	}
	g := &Gateway{jobs: cfg.Jobs, log: cfg.Logger, flights: make(map[string]flight.Client)}
	mux := http.NewServeMux()
	mux.Handle(trebuchetv1connect.NewQueryServiceHandler(&queryService{g: g}, connect.WithReadMaxBytes(int(cfg.MaxPlanBytes))))
	names := []string{trebuchetv1connect.QueryServiceName}
	for _, s := range cfg.Services {
		mux.Handle(s.Path, s.Handler)
		names = append(names, s.Name)
	}
	mux.Handle(grpchealth.NewHandler(grpchealth.NewStaticChecker(names...)))
	reflector := grpcreflect.NewStaticReflector(names...)
	mux.Handle(grpcreflect.NewHandlerV1(reflector))
	mux.Handle(grpcreflect.NewHandlerV1Alpha(reflector))
	g.handler = mux
	return g
}

// Handler returns the gateway's HTTP handler.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Serve serves on lis until ctx ends, then shuts down gracefully.
func (g *Gateway) Serve(ctx context.Context, lis net.Listener) error {
	srv := transport.NewServer(g.handler)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
	}
	g.closeFlights()
	return err
}

// flightClient returns a cached Flight client for an executor.
func (g *Gateway) flightClient(addr string) (flight.Client, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.flights[addr]; ok {
		return c, nil
	}
	c, err := flight.NewClientWithMiddleware(addr, nil, nil,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)))
	if err != nil {
		return nil, err
	}
	g.flights[addr] = c
	return c, nil
}

func (g *Gateway) closeFlights() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for addr, c := range g.flights {
		_ = c.Close()
		delete(g.flights, addr)
	}
}
