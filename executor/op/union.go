package op

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Union returns every row of each input, input after input (UNION ALL). It
// is streaming: one input is open at a time. Every input has the output's
// column types; the planner casts where they differ.
type Union struct {
	Inputs []Operator
	schema *arrow.Schema
	Meter
}

// NewUnion returns the concatenation of inputs, whose columns must have
// identical types; schema names the output columns (nil for the first
// input's).
func NewUnion(inputs []Operator, schema *arrow.Schema) (*Union, error) {
	if len(inputs) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "union: no inputs")
	}
	if schema == nil {
		schema = inputs[0].Schema()
	}
	if err := sameTypes(schema, inputs); err != nil {
		return nil, fmt.Errorf("union: %w", err)
	}
	return &Union{Inputs: inputs, schema: schema}, nil
}

// sameTypes checks that every input has schema's column types.
func sameTypes(schema *arrow.Schema, inputs []Operator) error {
	for i, in := range inputs {
		s := in.Schema()
		if s.NumFields() != schema.NumFields() {
			return errkind.Errorf(errkind.InvalidArgument, "input %d has %d columns, want %d", i, s.NumFields(), schema.NumFields())
		}
		for c := range s.NumFields() {
			if !arrow.TypeEqual(s.Field(c).Type, schema.Field(c).Type) {
				return errkind.Errorf(errkind.InvalidArgument, "input %d column %d is %s, want %s", i, c, s.Field(c).Type, schema.Field(c).Type)
			}
		}
	}
	return nil
}

func (u *Union) Schema() *arrow.Schema { return u.schema }
func (u *Union) Children() []Operator  { return u.Inputs }
func (u *Union) String() string        { return fmt.Sprintf("Union inputs=%d", len(u.Inputs)) }

func (u *Union) Open(_ context.Context, t *Task) (Stream, error) {
	return u.Wrap(&unionStream{op: u, t: t}), nil
}

type unionStream struct {
	op   *Union
	t    *Task
	next int    // the input to open after cur
	cur  Stream // nil between inputs
}

func (s *unionStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.cur == nil {
			if s.next >= len(s.op.Inputs) {
				return nil, io.EOF
			}
			in, err := s.op.Inputs[s.next].Open(ctx, s.t)
			if err != nil {
				return nil, fmt.Errorf("union: input %d: %w", s.next, err)
			}
			s.cur = in
			s.next++
		}
		b, err := s.cur.Next(ctx)
		if err == io.EOF {
			if err := s.cur.Close(); err != nil {
				s.cur = nil
				return nil, err
			}
			s.cur = nil
			continue
		}
		if err != nil {
			return nil, err
		}
		if b.Schema() == s.op.schema || b.Schema().Equal(s.op.schema) {
			return b, nil
		}
		// Same types, other names: relabel without copying.
		out := arrowRelabel(b, s.op.schema)
		b.Release()
		return out, nil
	}
}

func (s *unionStream) Close() error {
	s.next = len(s.op.Inputs)
	if s.cur != nil {
		err := s.cur.Close()
		s.cur = nil
		return err
	}
	return nil
}
