package op

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/spill"
)

// HashAggregate groups its input by key expressions and computes aggregate
// functions per group. It is a buffering operator: it reads all of its input
// on the first Next, holding one state slot per group per aggregate and the
// distinct key values, reserved from the task's pool. With no keys it is a
// global aggregate and returns exactly one row, even for empty input.
//
// Output columns are the keys, then the aggregates; groups come out in
// order of first appearance.
type HashAggregate struct {
	Input  Operator
	Keys   []expr.Expr
	Aggs   []expr.AggFunc
	schema *arrow.Schema
}

// NewHashAggregate returns an aggregate of input. names name the output
// columns: keys first, then aggregates.
func NewHashAggregate(input Operator, keys []expr.Expr, aggs []expr.AggFunc, names []string) (*HashAggregate, error) {
	fields := make([]arrow.Field, 0, len(keys)+len(aggs))
	for _, k := range keys {
		if err := checkKeyType(k.DataType()); err != nil {
			return nil, fmt.Errorf("aggregate: key %s: %w", k, err)
		}
		fields = append(fields, arrow.Field{Type: k.DataType(), Nullable: true})
	}
	for _, a := range aggs {
		fields = append(fields, arrow.Field{Type: a.DataType(), Nullable: true})
	}
	for i := range fields {
		if i < len(names) && names[i] != "" {
			fields[i].Name = names[i]
		} else if i < len(keys) {
			if c, ok := keys[i].(*expr.Column); ok {
				fields[i].Name = c.Name
			}
		}
		if fields[i].Name == "" {
			fields[i].Name = fmt.Sprintf("agg%d", i)
		}
	}
	return &HashAggregate{Input: input, Keys: keys, Aggs: aggs, schema: arrow.NewSchema(fields, nil)}, nil
}

func (h *HashAggregate) Schema() *arrow.Schema { return h.schema }
func (h *HashAggregate) Children() []Operator  { return []Operator{h.Input} }

func (h *HashAggregate) String() string {
	ks := make([]string, len(h.Keys))
	for i, k := range h.Keys {
		ks[i] = k.String()
	}
	as := make([]string, len(h.Aggs))
	for i, a := range h.Aggs {
		as[i] = a.String()
	}
	return fmt.Sprintf("HashAggregate keys=[%s] aggs=[%s]", strings.Join(ks, ", "), strings.Join(as, ", "))
}

func (h *HashAggregate) Open(ctx context.Context, t *Task) (Stream, error) {
	in, err := h.Input.Open(ctx, t)
	if err != nil {
		return nil, err
	}
	s := &aggStream{op: h, t: t, in: in, res: t.Pool.NewReservation("hash aggregate"), groups: map[string]uint32{}}
	s.states = make([]expr.AggState, len(h.Aggs))
	for i, a := range h.Aggs {
		s.states[i] = a.NewState()
	}
	s.keyParts = make([][]arrow.Array, len(h.Keys))
	return s, nil
}

type aggStream struct {
	op     *HashAggregate
	t      *Task
	in     Stream
	res    *spill.Reservation
	groups map[string]uint32
	// keyParts[k] holds, per input batch, the key column k values of the
	// groups that batch created, in group order.
	keyParts [][]arrow.Array
	states   []expr.AggState
	ngroups  int
	keyBytes int64

	out  batchCursor // the result
	done bool
}

func (s *aggStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.done {
		if err := s.consume(ctx); err != nil {
			return nil, fmt.Errorf("aggregate: %w", err)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.out.next(s.t.batchSize())
}

func (s *aggStream) consume(ctx context.Context) error {
	global := len(s.op.Keys) == 0
	if global {
		s.ngroups = 1
	}
	var keys rowKeys
	var ids []uint32
	err := forEachBatch(ctx, s.in, func(b arrow.RecordBatch) error {
		defer b.Release()
		return s.update(ctx, b, global, &keys, &ids)
	})
	if err != nil {
		return err
	}
	s.done = true
	return s.finish(ctx)
}

func (s *aggStream) update(ctx context.Context, b arrow.RecordBatch, global bool, keys *rowKeys, ids *[]uint32) error {
	n := int(b.NumRows())
	*ids = append((*ids)[:0], make([]uint32, n)...)
	if !global {
		cols, err := evalAll(ctx, s.t, b, s.op.Keys)
		if err != nil {
			return err
		}
		defer releaseArrays(cols)
		keys.encode(cols, n)
		var fresh []int // rows that start a new group
		for i := 0; i < n; i++ {
			k := keys.key(i)
			id, ok := s.groups[string(k)]
			if !ok {
				id = uint32(s.ngroups)
				s.groups[string(k)] = id
				s.ngroups++
				s.keyBytes += int64(len(k)) + 64 // map entry overhead, roughly
				fresh = append(fresh, i)
			}
			(*ids)[i] = id
		}
		if len(fresh) > 0 {
			if err := s.keepKeys(ctx, cols, fresh); err != nil {
				return err
			}
		}
	}
	for i, a := range s.op.Aggs {
		args, err := evalAll(ctx, s.t, b, a.Args())
		if err != nil {
			return err
		}
		err = s.states[i].Update(*ids, s.ngroups, args)
		releaseArrays(args)
		if err != nil {
			return fmt.Errorf("%s: %w", a, err)
		}
	}
	return s.reserve()
}

// keepKeys stores the key values of the rows that created groups.
func (s *aggStream) keepKeys(ctx context.Context, cols []arrow.Array, rows []int) error {
	ib := array.NewInt32Builder(s.t.Alloc)
	defer ib.Release()
	for _, r := range rows {
		ib.Append(int32(r))
	}
	idx := ib.NewArray()
	defer idx.Release()
	for k, c := range cols {
		taken, err := compute.TakeArray(compute.WithAllocator(ctx, s.t.Alloc), c, idx)
		if err != nil {
			return errkind.Errorf(errkind.Internal, "take keys: %w", err)
		}
		s.keyBytes += arrayBytes(taken.Data())
		s.keyParts[k] = append(s.keyParts[k], taken)
	}
	return nil
}

func (s *aggStream) reserve() error {
	total := s.keyBytes
	for _, st := range s.states {
		total += st.Size()
	}
	return s.res.Resize(total)
}

func (s *aggStream) finish(ctx context.Context) error {
	cols := make([]arrow.Array, 0, len(s.op.Keys)+len(s.op.Aggs))
	defer func() { releaseArrays(cols) }()
	for k := range s.op.Keys {
		var c arrow.Array
		if len(s.keyParts[k]) == 0 {
			c = array.MakeArrayOfNull(s.t.Alloc, s.op.schema.Field(k).Type, 0)
		} else {
			var err error
			if c, err = array.Concatenate(s.keyParts[k], s.t.Alloc); err != nil {
				return errkind.Errorf(errkind.Internal, "concatenate keys: %w", err)
			}
		}
		releaseArrays(s.keyParts[k])
		s.keyParts[k] = nil
		cols = append(cols, c)
	}
	for i, st := range s.states {
		c, err := st.Finish(s.t.Alloc, s.ngroups)
		if err != nil {
			return fmt.Errorf("%s: %w", s.op.Aggs[i], err)
		}
		cols = append(cols, c)
	}
	s.out.b = array.NewRecordBatch(s.op.schema, cols, int64(s.ngroups))
	return nil
}

func (s *aggStream) Close() error {
	for k := range s.keyParts {
		releaseArrays(s.keyParts[k])
		s.keyParts[k] = nil
	}
	s.out.release()
	s.states = nil
	s.groups = nil
	s.res.Free()
	return s.in.Close()
}

func evalAll(ctx context.Context, t *Task, b arrow.RecordBatch, es []expr.Expr) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(es))
	for i, e := range es {
		a, err := e.Eval(ctx, t.Alloc, b)
		if err != nil {
			releaseArrays(out[:i])
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

func releaseArrays(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}
