package op

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// Filter keeps the rows for which a boolean predicate is true (not false,
// not null). It is streaming; batches that keep every row pass through
// untouched and batches that keep none are skipped. It has its input's
// partitions.
type Filter struct {
	Input Operator
	Pred  expr.Expr
	Meter
}

// NewFilter returns a filter of input by pred, which must be boolean.
func NewFilter(input Operator, pred expr.Expr) (*Filter, error) {
	if pred.DataType().ID() != arrow.BOOL {
		return nil, errkind.Errorf(errkind.InvalidArgument, "filter: condition %s is %s, not boolean", pred, pred.DataType())
	}
	return &Filter{Input: input, Pred: pred}, nil
}

func (f *Filter) Schema() *arrow.Schema { return f.Input.Schema() }
func (f *Filter) Children() []Operator  { return []Operator{f.Input} }
func (f *Filter) String() string        { return fmt.Sprintf("Filter %s", f.Pred) }

func (f *Filter) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, f, t)
}

// Partitions is the number of the input's partitions.
func (f *Filter) Partitions(t *Task) int { return partitions(f.Input, t) }

// OpenPartition filters partition i of the input.
func (f *Filter) OpenPartition(ctx context.Context, t *Task, i int) (Stream, error) {
	in, err := openPartition(ctx, f.Input, t, i)
	if err != nil {
		return nil, err
	}
	return f.Wrap(&filterStream{op: f, t: t, in: in}), nil
}

type filterStream struct {
	op  *Filter
	t   *Task
	in  Stream
	sel []int32 // scratch: the selected rows of a batch
}

func (s *filterStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		b, err := s.in.Next(ctx)
		if err != nil {
			return nil, err
		}
		out, err := s.apply(ctx, b)
		if err != nil {
			return nil, fmt.Errorf("filter: %w", err)
		}
		if out != nil {
			return out, nil
		}
	}
}

// apply filters b, consuming it; it returns nil when no row is kept.
func (s *filterStream) apply(ctx context.Context, b arrow.RecordBatch) (arrow.RecordBatch, error) {
	defer b.Release()
	mask, err := s.op.Pred.Eval(ctx, s.t.Alloc, b)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	out, err := filterBatch(ctx, s.t.Alloc, b, mask.(*array.Boolean), &s.sel)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "%w", err)
	}
	return out, nil
}

func (s *filterStream) Close() error { return s.in.Close() }
