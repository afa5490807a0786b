package op

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// Values is a table given in the plan, row by row (a VirtualTable): each
// row is one constant expression per column. It is a source and buffers
// nothing beyond its own rows, which it builds on Open.
type Values struct {
	Rows   [][]expr.Expr
	schema *arrow.Schema
	Meter
}

// NewValues returns a table of rows, each an expression per column of
// schema with that column's type, evaluated without input columns.
func NewValues(schema *arrow.Schema, rows [][]expr.Expr) (*Values, error) {
	for i, r := range rows {
		if len(r) != schema.NumFields() {
			return nil, errkind.Errorf(errkind.InvalidArgument, "values: row %d has %d fields, want %d", i, len(r), schema.NumFields())
		}
		for c, e := range r {
			if !arrow.TypeEqual(e.DataType(), schema.Field(c).Type) {
				return nil, errkind.Errorf(errkind.InvalidArgument, "values: row %d column %s is %s, want %s", i, schema.Field(c).Name, e.DataType(), schema.Field(c).Type)
			}
		}
	}
	return &Values{Rows: rows, schema: schema}, nil
}

func (v *Values) Schema() *arrow.Schema { return v.schema }
func (v *Values) Children() []Operator  { return nil }
func (v *Values) String() string        { return fmt.Sprintf("Values rows=%d", len(v.Rows)) }

func (v *Values) Open(ctx context.Context, t *Task) (Stream, error) {
	s := &valuesStream{t: t}
	if len(v.Rows) > 0 {
		b, err := v.build(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("values: %w", err)
		}
		s.out.b = b
	}
	return v.Wrap(s), nil
}

// build evaluates every row on a one-row batch without columns and joins
// the results column by column.
func (v *Values) build(ctx context.Context, t *Task) (arrow.RecordBatch, error) {
	one := array.NewRecordBatch(arrow.NewSchema(nil, nil), nil, 1)
	defer one.Release()
	cols := make([]arrow.Array, v.schema.NumFields())
	defer func() { releaseArrays(cols) }()
	parts := make([]arrow.Array, len(v.Rows))
	for c := range cols {
		for r, row := range v.Rows {
			a, err := row[c].Eval(ctx, t.Alloc, one)
			if err != nil {
				releaseArrays(parts[:r])
				return nil, fmt.Errorf("row %d column %s: %w", r, v.schema.Field(c).Name, err)
			}
			parts[r] = a
		}
		col, err := array.Concatenate(parts, t.Alloc)
		releaseArrays(parts)
		if err != nil {
			return nil, errkind.Errorf(errkind.Internal, "concatenate: %w", err)
		}
		cols[c] = col
	}
	return array.NewRecordBatch(v.schema, cols, int64(len(v.Rows))), nil
}

type valuesStream struct {
	t   *Task
	out batchCursor
}

func (s *valuesStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.out.next(s.t.batchSize())
}

func (s *valuesStream) Close() error {
	s.out.release()
	return nil
}
