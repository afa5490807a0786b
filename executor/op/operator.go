package op

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/spill"
)

// DefaultBatchSize is the number of rows per batch when a task sets none.
const DefaultBatchSize = 8192

// Operator is an immutable physical plan node.
type Operator interface {
	// Schema is the schema of every batch the operator's streams return.
	Schema() *arrow.Schema
	// Children are the operator's inputs, for plan printing and walking.
	Children() []Operator
	// Open starts a run of the operator for a task. ctx bounds Open only;
	// each Next takes its own.
	Open(ctx context.Context, t *Task) (Stream, error)
	// String describes the operator on one line, without its children
	// (EXPLAIN output).
	String() string
}

// Stream is one run of an operator. A Stream is used by one goroutine.
type Stream interface {
	// Next returns the next batch, which the caller must Release, or io.EOF
	// when there are no more.
	Next(ctx context.Context) (arrow.RecordBatch, error)
	// Close releases the stream's resources and its inputs. It is safe to
	// call after an error and more than once.
	Close() error
}

// Partitioned is implemented by operators whose output can be produced as
// several disjoint partitions, each by its own stream, concurrently. The
// union of the partitions is the operator's output. Open of a Partitioned
// operator with more than one partition returns a stream gathering all
// partitions (see doc.go); parents that can use partitions directly (a hash
// aggregate, a hash join's probe side, another Partitioned operator) call
// OpenPartition instead.
type Partitioned interface {
	// Partitions is the number of partitions the operator produces for t,
	// at least 1. It is the same for every call with the same task.
	Partitions(t *Task) int
	// OpenPartition opens partition i, 0 <= i < Partitions(t). The streams
	// of different partitions may be used concurrently, each by one
	// goroutine.
	OpenPartition(ctx context.Context, t *Task, i int) (Stream, error)
}

// Task is what a running operator gets from the executor. Its fields are
// read concurrently by the partitions of a task and must not change while
// it runs; Alloc and Pool must be safe for concurrent use.
type Task struct {
	// Alloc allocates the buffers of batches the operators build.
	Alloc memory.Allocator
	// Pool is the memory budget buffering operators reserve from.
	Pool spill.Pool
	// Spill is where buffering operators write their state when Pool
	// refuses them memory; nil means they cannot spill, and a refusal
	// fails the task. Its owner closes it when the task ends, which
	// deletes whatever is left in it.
	Spill *spill.Space
	// MergeFanIn is the most sorted runs an external sort merges at once;
	// 0 means DefaultMergeFanIn.
	MergeFanIn int
	// BatchSize is the preferred number of rows per batch.
	BatchSize int
	// Parallelism is the most partitions an operator splits into; 0 means
	// runtime.GOMAXPROCS(0) and 1 runs every operator on one goroutine.
	Parallelism int

	sharedMu sync.Mutex
	shared   map[any]*sharedEntry
}

// sharedEntry is run state the partitions of one operator share.
type sharedEntry struct {
	left  int           // partitions yet to take it
	ready chan struct{} // closed once v and err are set
	v     any
	err   error
}

// share returns the state shared by the n partitions of the operator key
// in this task: the first partition to ask makes it with mk, the others
// get the same value (or error). After all n have asked, the next asks
// start a new run. mk runs without locks held, so it may open other
// operators.
// REQUIRES: every one of the n partitions asks, once.
func (t *Task) share(key any, n int, mk func() (any, error)) (any, error) {
	if n <= 1 {
		return mk()
	}
	t.sharedMu.Lock()
	e, ok := t.shared[key]
	if !ok {
		e = &sharedEntry{left: n, ready: make(chan struct{})}
		if t.shared == nil {
			t.shared = map[any]*sharedEntry{}
		}
		t.shared[key] = e
	}
	e.left--
	if e.left == 0 {
		delete(t.shared, key)
	}
	t.sharedMu.Unlock()
	if !ok {
		e.v, e.err = mk()
		close(e.ready)
	} else {
		<-e.ready
	}
	return e.v, e.err
}

// NewTask returns a task with the Go allocator, an unlimited pool and the
// default batch size; fields may be changed before use.
func NewTask() *Task {
	return &Task{Alloc: memory.DefaultAllocator, Pool: spill.NewPool(0), BatchSize: DefaultBatchSize}
}

func (t *Task) parallelism() int {
	if t.Parallelism <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return t.Parallelism
}

func (t *Task) mergeFanIn() int {
	if t.MergeFanIn < 2 {
		return DefaultMergeFanIn
	}
	return t.MergeFanIn
}

func (t *Task) batchSize() int {
	if t.BatchSize <= 0 {
		return DefaultBatchSize
	}
	return t.BatchSize
}

// Collect opens op, reads every batch and closes it. The caller owns the
// batches.
func Collect(ctx context.Context, op Operator, t *Task) (out []arrow.RecordBatch, err error) {
	s, err := op.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			for _, b := range out {
				b.Release()
			}
			out = nil
		}
	}()
	for {
		b, err := s.Next(ctx)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, b)
	}
}

// forEachBatch calls f with each batch of in until its end, checking ctx
// between batches. f takes over the batch it is given.
func forEachBatch(ctx context.Context, in Stream, f func(arrow.RecordBatch) error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := in.Next(ctx)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := f(b); err != nil {
			return err
		}
	}
}

// batchCursor hands out a materialised result in slices; buffering
// operators set it once their input is done.
type batchCursor struct {
	b      arrow.RecordBatch // nil until set
	offset int64
}

// next returns the next slice of at most size rows, or io.EOF when all
// rows have been handed out.
func (c *batchCursor) next(size int) (arrow.RecordBatch, error) {
	if c.b == nil || c.offset >= c.b.NumRows() {
		return nil, io.EOF
	}
	end := min(c.offset+int64(size), c.b.NumRows())
	out := c.b.NewSlice(c.offset, end)
	c.offset = end
	return out, nil
}

// handOut is next for an operator whose reservation res covers c's batch:
// it returns the slice's share to res, since the caller holds the slice
// from then on, and reserves for it if it buffers it.
func (c *batchCursor) handOut(size int, res *spill.Reservation) (arrow.RecordBatch, error) {
	b, err := c.next(size)
	if b != nil {
		res.Shrink(BatchBytes(b))
	}
	return b, err
}

func (c *batchCursor) release() {
	if c.b != nil {
		c.b.Release()
		c.b = nil
	}
}

// BatchBytes estimates the memory a batch holds: the bytes of its buffers
// that its rows use. A slice of a batch counts only its rows' share of the
// buffers it shares with the batch, so that an operator buffering slices
// of another's output is not charged for the whole output each time.
func BatchBytes(b arrow.RecordBatch) int64 {
	var n int64
	for _, c := range b.Columns() {
		n += arrayBytes(c.Data())
	}
	return n
}

func arrayBytes(d arrow.ArrayData) int64 {
	rows := int64(d.Len())
	bufs := d.Buffers()
	validity := int64(0)
	if len(bufs) > 0 && bufs[0] != nil {
		validity = (rows + 7) / 8
	}
	switch dt := d.DataType().(type) {
	case arrow.FixedWidthDataType:
		return validity + (rows*int64(dt.BitWidth())+7)/8
	case *arrow.StringType, *arrow.BinaryType:
		if len(bufs) == 3 && bufs[1] != nil && rows > 0 {
			offs := arrow.Int32Traits.CastFromBytes(bufs[1].Bytes())[d.Offset():]
			return validity + 4*(rows+1) + int64(offs[rows]-offs[0])
		}
	case *arrow.LargeStringType, *arrow.LargeBinaryType:
		if len(bufs) == 3 && bufs[1] != nil && rows > 0 {
			offs := arrow.Int64Traits.CastFromBytes(bufs[1].Bytes())[d.Offset():]
			return validity + 8*(rows+1) + offs[rows] - offs[0]
		}
	}
	var n int64
	for _, buf := range bufs {
		if buf != nil {
			n += int64(buf.Len())
		}
	}
	for _, c := range d.Children() {
		n += arrayBytes(c)
	}
	return n
}

// arrowRelabel returns b's columns under schema, which has b's column types;
// the caller keeps its reference to b.
func arrowRelabel(b arrow.RecordBatch, schema *arrow.Schema) arrow.RecordBatch {
	return array.NewRecordBatch(schema, b.Columns(), b.NumRows())
}
