package op

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
)

// Project computes one output column per expression. It is streaming, and
// has its input's partitions.
// Column references cost nothing: the input column is shared.
type Project struct {
	Input  Operator
	Exprs  []expr.Expr
	schema *arrow.Schema
	Meter
}

// NewProject returns a projection of input; names[i] names Exprs[i] in the
// output (a column reference keeps its input name when names[i] is "").
func NewProject(input Operator, exprs []expr.Expr, names []string) *Project {
	fields := make([]arrow.Field, len(exprs))
	in := input.Schema()
	for i, e := range exprs {
		f := arrow.Field{Type: e.DataType(), Nullable: true}
		if c, ok := e.(*expr.Column); ok {
			f = in.Field(c.Index)
		}
		if i < len(names) && names[i] != "" {
			f.Name = names[i]
		}
		if f.Name == "" {
			f.Name = fmt.Sprintf("expr%d", i)
		}
		fields[i] = f
	}
	return &Project{Input: input, Exprs: exprs, schema: arrow.NewSchema(fields, nil)}
}

func (p *Project) Schema() *arrow.Schema { return p.schema }
func (p *Project) Children() []Operator  { return []Operator{p.Input} }

func (p *Project) String() string {
	s := make([]string, len(p.Exprs))
	for i, e := range p.Exprs {
		s[i] = e.String()
	}
	return fmt.Sprintf("Project [%s]", strings.Join(s, ", "))
}

func (p *Project) Open(ctx context.Context, t *Task) (Stream, error) {
	return openGathered(ctx, p, t)
}

// Partitions is the number of the input's partitions.
func (p *Project) Partitions(t *Task) int { return partitions(p.Input, t) }

// OpenPartition projects partition i of the input.
func (p *Project) OpenPartition(ctx context.Context, t *Task, i int) (Stream, error) {
	in, err := openPartition(ctx, p.Input, t, i)
	if err != nil {
		return nil, err
	}
	return p.Wrap(&projectStream{op: p, t: t, in: in}), nil
}

type projectStream struct {
	op *Project
	t  *Task
	in Stream
}

func (s *projectStream) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := s.in.Next(ctx)
	if err != nil {
		return nil, err
	}
	defer b.Release()
	cols := make([]arrow.Array, len(s.op.Exprs))
	defer func() { releaseArrays(cols) }()
	for i, e := range s.op.Exprs {
		if cols[i], err = e.Eval(ctx, s.t.Alloc, b); err != nil {
			return nil, fmt.Errorf("project: %w", err)
		}
	}
	return array.NewRecordBatch(s.op.schema, cols, b.NumRows()), nil
}

func (s *projectStream) Close() error { return s.in.Close() }
