package op

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
)

// Fetch skips Offset rows and then returns at most Count rows (all when
// Count is negative). It is streaming and stops pulling its input once
// Count rows are out.
type Fetch struct {
	Input  Operator
	Offset int64
	Count  int64
	Meter
}

// NewFetch returns a fetch of input; count < 0 means no limit.
func NewFetch(input Operator, offset, count int64) *Fetch {
	return &Fetch{Input: input, Offset: offset, Count: count}
}

func (f *Fetch) Schema() *arrow.Schema { return f.Input.Schema() }
func (f *Fetch) Children() []Operator  { return []Operator{f.Input} }

func (f *Fetch) String() string {
	if f.Count < 0 {
		return fmt.Sprintf("Fetch offset=%d", f.Offset)
	}
	return fmt.Sprintf("Fetch offset=%d count=%d", f.Offset, f.Count)
}

func (f *Fetch) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := f.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	return f.Wrap(&fetchStream{in: in, skip: f.Offset, left: f.Count}), nil
}

type fetchStream struct {
	in   Stream
	skip int64 // rows still to skip
	left int64 // rows still to return; negative for all
}

func (s *fetchStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if s.left == 0 {
			return nil, io.EOF
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		n := b.NumRows()
		if s.skip >= n {
			s.skip -= n
			b.Release()
			continue
		}
		lo, hi := s.skip, n
		s.skip = 0
		if s.left >= 0 && hi-lo > s.left {
			hi = lo + s.left
		}
		if s.left >= 0 {
			s.left -= hi - lo
		}
		if lo == 0 && hi == n {
			return b, nil
		}
		out := b.NewSlice(lo, hi)
		b.Release()
		return out, nil
	}
}

func (s *fetchStream) Close() error { return s.in.Close() }
