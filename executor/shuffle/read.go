package shuffle

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// FetchFailure is why a task could not read a map output: the executor
// holding it is gone, or the data was corrupt or truncated. The scheduler
// re-runs the map task it names.
type FetchFailure struct {
	Stage, MapPartition uint32
	Executor            string
	Err                 error
}

func (f *FetchFailure) Error() string {
	return fmt.Sprintf("fetching output of map task %d of stage %d from executor %s: %v", f.MapPartition, f.Stage, f.Executor, f.Err)
}

func (f *FetchFailure) Unwrap() error { return f.Err }

// Source is one map output a reading task reads a partition of.
type Source struct {
	Map MapID
	// Executor and Address are the executor holding it and its Flight
	// service.
	Executor, Address string
	// Rows is the number of rows the map task wrote to the partition read.
	Rows uint64
}

// Fetcher opens map outputs for reading tasks: from the local store when
// the output is on this executor, over Flight otherwise. It is safe for
// concurrent use and shared by the executor's tasks.
type Fetcher struct {
	// Self is this executor's id; Store its map outputs.
	Self  string
	Store *Store

	mu      sync.Mutex
	clients map[string]flight.Client
}

// NewFetcher returns a fetcher for executor self.
func NewFetcher(self string, store *Store) *Fetcher {
	return &Fetcher{Self: self, Store: store, clients: map[string]flight.Client{}}
}

// Close closes the Flight connections.
func (f *Fetcher) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for addr, c := range f.clients {
		c.Close()
		delete(f.clients, addr)
	}
}

func (f *Fetcher) client(addr string) (flight.Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[addr]; ok {
		return c, nil
	}
	c, err := flight.NewClientWithMiddleware(addr, nil, nil,
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64<<20)),
		// A peer that stops answering (its host froze, a cable was cut)
		// is noticed within seconds rather than hanging the read.
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 5 * time.Second, Timeout: 5 * time.Second, PermitWithoutStream: false}))
	if err != nil {
		return nil, err
	}
	f.clients[addr] = c
	return c, nil
}

// batchSource is an open partition of one map output.
type batchSource interface {
	// next returns the next batch, owned by the caller, or io.EOF after
	// the last, once the data checked out.
	next() (arrow.RecordBatch, error)
	close()
}

func (f *Fetcher) open(ctx context.Context, src Source, partition int) (batchSource, error) {
	if src.Executor == f.Self && f.Store != nil {
		r, _, err := f.Store.Open(src.Map, partition)
		if err != nil {
			return nil, err
		}
		return &localSource{r: r}, nil
	}
	c, err := f.client(src.Address)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.DoGet(ctx, &flight.Ticket{Ticket: []byte(fmt.Sprintf("%s/%d", src.Map.Ticket(), partition))})
	if err != nil {
		cancel()
		return nil, err
	}
	r, err := flight.NewRecordReader(stream)
	if err != nil {
		cancel()
		return nil, err
	}
	return &remoteSource{r: r, cancel: cancel}, nil
}

type localSource struct{ r *PartitionReader }

func (s *localSource) next() (arrow.RecordBatch, error) {
	if s.r.Next() {
		b := s.r.RecordBatch()
		b.Retain()
		return b, nil
	}
	if err := s.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	if err := s.r.Verify(); err != nil {
		return nil, err
	}
	return nil, io.EOF
}

func (s *localSource) close() { s.r.Close() }

type remoteSource struct {
	r      *flight.Reader
	cancel context.CancelFunc
}

func (s *remoteSource) next() (arrow.RecordBatch, error) {
	if s.r.Next() {
		b := s.r.RecordBatch()
		b.Retain()
		return b, nil
	}
	if err := s.r.Err(); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return nil, io.EOF
}

func (s *remoteSource) close() {
	s.cancel()
	s.r.Release()
}

// Read is the operator of a ShuffleRead: partition Partition of the map
// outputs Sources, as schema's columns. It is a streaming operator: it
// holds one batch per open source. Its partitions split the sources among
// goroutines, so a reading task fetches from several executors at once.
type Read struct {
	Stage     uint32
	Partition int
	Sources   []Source
	Fetcher   *Fetcher
	schema    *arrow.Schema
	op.Meter
}

// NewRead returns a read of partition of the map outputs sources of stage.
func NewRead(stage uint32, partition int, sources []Source, fetcher *Fetcher, schema *arrow.Schema) *Read {
	return &Read{Stage: stage, Partition: partition, Sources: sources, Fetcher: fetcher, schema: schema}
}

// Rows returns the rows the read produces.
func (r *Read) Rows() uint64 {
	var n uint64
	for _, s := range r.Sources {
		n += s.Rows
	}
	return n
}

func (r *Read) Schema() *arrow.Schema   { return r.schema }
func (r *Read) Children() []op.Operator { return nil }
func (r *Read) String() string {
	return fmt.Sprintf("ShuffleRead stage=%d partition=%d maps=%d rows=%d", r.Stage, r.Partition, len(r.Sources), r.Rows())
}

func (r *Read) Open(ctx context.Context, t *op.Task) (op.Stream, error) {
	return op.OpenGathered(ctx, r, t)
}

// Partitions is the task's parallelism, at most the number of sources.
func (r *Read) Partitions(t *op.Task) int {
	par := t.Parallelism
	if par <= 0 {
		par = runtime.GOMAXPROCS(0)
	}
	return max(1, min(par, len(r.Sources)))
}

// OpenPartition opens a stream over sources i, i+n, ... .
func (r *Read) OpenPartition(_ context.Context, t *op.Task, i int) (op.Stream, error) {
	n := r.Partitions(t)
	var srcs []Source
	for j := i; j < len(r.Sources); j += n {
		srcs = append(srcs, r.Sources[j])
	}
	return r.Wrap(&readStream{r: r, srcs: srcs}), nil
}

type readStream struct {
	r    *Read
	srcs []Source
	cur  batchSource
	rows uint64 // read from srcs[0] so far
}

func (s *readStream) fail(err error) error {
	src := s.srcs[0]
	return &FetchFailure{Stage: src.Map.Stage, MapPartition: src.Map.Map, Executor: src.Executor, Err: err}
}

func (s *readStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(s.srcs) == 0 {
			return nil, io.EOF
		}
		if s.cur == nil {
			src, err := s.r.Fetcher.open(ctx, s.srcs[0], s.r.Partition)
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, s.fail(err)
			}
			s.cur, s.rows = src, 0
		}
		b, err := s.cur.next()
		if errors.Is(err, io.EOF) {
			s.cur.close()
			s.cur = nil
			if want := s.srcs[0].Rows; s.rows != want {
				return nil, s.fail(fmt.Errorf("%w: received %d rows, the map task wrote %d", ErrCorrupt, s.rows, want))
			}
			s.srcs = s.srcs[1:]
			continue
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, s.fail(err)
		}
		s.rows += uint64(b.NumRows())
		if s.rows > s.srcs[0].Rows {
			b.Release()
			return nil, s.fail(fmt.Errorf("%w: received over %d rows, the map task wrote %d", ErrCorrupt, s.rows-uint64(b.NumRows()), s.srcs[0].Rows))
		}
		if b.NumRows() == 0 {
			b.Release()
			continue
		}
		return s.relabel(b)
	}
}

// relabel gives a batch the read's schema. It takes ownership of b.
func (s *readStream) relabel(b arrow.RecordBatch) (arrow.RecordBatch, error) {
	schema := s.r.schema
	if b.Schema().Equal(schema) {
		return b, nil
	}
	defer b.Release()
	if int(b.NumCols()) != schema.NumFields() {
		return nil, errkind.Errorf(errkind.Internal, "shuffle read stage %d: %d columns, want %d", s.r.Stage, b.NumCols(), schema.NumFields())
	}
	for i, f := range schema.Fields() {
		if !arrow.TypeEqual(f.Type, b.Column(i).DataType()) {
			return nil, errkind.Errorf(errkind.Internal, "shuffle read stage %d: column %d is %s, want %s", s.r.Stage, i, b.Column(i).DataType(), f.Type)
		}
	}
	return array.NewRecordBatch(schema, b.Columns(), b.NumRows()), nil
}

func (s *readStream) Close() error {
	if s.cur != nil {
		s.cur.close()
		s.cur = nil
	}
	s.srcs = nil
	return nil
}
