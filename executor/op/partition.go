package op

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// gatherDepth is how many batches each partition may have produced ahead of
// the gather stream's reader.
const gatherDepth = 2

// partitions is the number of partitions o produces for t: 1 unless o is
// Partitioned.
func partitions(o Operator, t *Task) int {
	if p, ok := o.(Partitioned); ok {
		return max(p.Partitions(t), 1)
	}
	return 1
}

// openPartition opens partition i of o; an operator that is not
// Partitioned has only partition 0, its Open.
func openPartition(ctx context.Context, o Operator, t *Task, i int) (Stream, error) {
	if p, ok := o.(Partitioned); ok {
		return p.OpenPartition(ctx, t, i)
	}
	if i != 0 {
		return nil, errkind.Errorf(errkind.Internal, "partition %d of unpartitioned %s", i, o)
	}
	return o.Open(ctx, t)
}

// openPartitions opens every partition of o, closing those it opened when
// one fails.
func openPartitions(ctx context.Context, o Operator, t *Task) ([]Stream, error) {
	n := partitions(o, t)
	ins := make([]Stream, 0, n)
	for i := range n {
		s, err := openPartition(ctx, o, t, i)
		if err != nil {
			closeAll(ins)
			return nil, err
		}
		ins = append(ins, s)
	}
	return ins, nil
}

// openGathered is Open for a Partitioned operator: partition 0 itself when
// there is one, else a gather stream over all of them.
func openGathered(ctx context.Context, p Partitioned, t *Task) (Stream, error) {
	if p.Partitions(t) <= 1 {
		return p.OpenPartition(ctx, t, 0)
	}
	ins := make([]Stream, 0, p.Partitions(t))
	for i := range p.Partitions(t) {
		s, err := p.OpenPartition(ctx, t, i)
		if err != nil {
			closeAll(ins)
			return nil, err
		}
		ins = append(ins, s)
	}
	return newGatherStream(ins), nil
}

func closeAll(ss []Stream) error {
	var first error
	for _, s := range ss {
		if err := s.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// gatherStream merges the batches of streams that run concurrently, one
// goroutine each, into one stream, in arrival order.
//
// The producers start on the first Next and run under a context derived from
// that call's: cancelling it, an error in any input, or Close stops them all.
// Each producer owns its input stream from then on and closes it when it
// stops. The channel holds at most gatherDepth batches per input; batches
// still in it when the stream closes are released.
type gatherStream struct {
	ins []Stream // until the producers start, which take them over
	ch  chan arrow.RecordBatch

	started bool
	cancel  context.CancelFunc
	closed  chan struct{} // closed after ch is closed: all producers have stopped
	done    bool          // Close has run

	mu       sync.Mutex
	err      error // the first input error
	closeErr error // the first error closing an input
}

func newGatherStream(ins []Stream) *gatherStream {
	return &gatherStream{ins: ins, ch: make(chan arrow.RecordBatch, gatherDepth*len(ins))}
}

func (s *gatherStream) start(ctx context.Context) {
	s.started = true
	pctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.closed = make(chan struct{})
	var wg sync.WaitGroup
	for i, in := range s.ins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.produce(pctx, i, in)
		}()
	}
	s.ins = nil
	go func() {
		wg.Wait()
		close(s.ch)
		close(s.closed)
	}()
}

// produce drives in until its end, an error or cancellation, sending its
// batches to s.ch; it closes in.
func (s *gatherStream) produce(ctx context.Context, i int, in Stream) {
	defer func() {
		if err := in.Close(); err != nil {
			s.mu.Lock()
			if s.closeErr == nil {
				s.closeErr = err
			}
			s.mu.Unlock()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			s.fail(err)
			return
		}
		b, err := in.Next(ctx)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// When another producer failed first, this is the
			// cancellation that followed, and fail keeps the first.
			s.fail(fmt.Errorf("partition %d: %w", i, err))
			return
		}
		select {
		case s.ch <- b:
		case <-ctx.Done():
			b.Release()
			s.fail(ctx.Err())
			return
		}
	}
}

// fail records err if it is the first and stops every producer.
func (s *gatherStream) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	s.cancel()
}

func (s *gatherStream) firstErr() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *gatherStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.done {
		return nil, io.EOF
	}
	if !s.started {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s.start(ctx)
	}
	select {
	case b, ok := <-s.ch:
		if err := s.firstErr(); err != nil {
			if ok {
				b.Release()
			}
			return nil, err
		}
		if !ok {
			return nil, io.EOF
		}
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops the producers, waits for them to close their inputs and
// releases the batches they had sent.
func (s *gatherStream) Close() error {
	if s.done {
		return nil
	}
	s.done = true
	if !s.started {
		return closeAll(s.ins)
	}
	s.cancel()
	for b := range s.ch {
		b.Release()
	}
	<-s.closed
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

// OpenGathered is Open for a Partitioned operator of another package: its
// partitions gathered into one stream, as this package's own operators do.
func OpenGathered(ctx context.Context, p Partitioned, t *Task) (Stream, error) {
	return openGathered(ctx, p, t)
}
