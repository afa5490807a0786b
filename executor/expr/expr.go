package expr

import (
	"context"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// Expr is a compiled scalar expression. Exprs are immutable and safe for
// concurrent use.
type Expr interface {
	// DataType is the type of the arrays Eval returns.
	DataType() arrow.DataType
	// Eval computes the expression for every row of b. The result has
	// b.NumRows() rows; the caller owns it and must Release it.
	Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error)
	// String renders the expression for EXPLAIN output.
	String() string
}

// Column is a reference to a column of the input batch.
type Column struct {
	Index int
	Name  string
	Type  arrow.DataType
}

// NewColumn returns a reference to column i of schema s.
func NewColumn(s *arrow.Schema, i int) (*Column, error) {
	if i < 0 || i >= s.NumFields() {
		return nil, errkind.Errorf(errkind.InvalidArgument,
			"field reference %d out of range: input has %d columns", i, s.NumFields())
	}
	f := s.Field(i)
	return &Column{Index: i, Name: f.Name, Type: f.Type}, nil
}

func (c *Column) DataType() arrow.DataType { return c.Type }

func (c *Column) Eval(_ context.Context, _ memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	if c.Index >= int(b.NumCols()) {
		return nil, errkind.Errorf(errkind.Internal, "column %d of a %d-column batch", c.Index, b.NumCols())
	}
	col := b.Column(c.Index)
	col.Retain()
	return col, nil
}

func (c *Column) String() string {
	if c.Name != "" {
		return fmt.Sprintf("%s#%d", c.Name, c.Index)
	}
	return fmt.Sprintf("#%d", c.Index)
}

// Literal is a constant.
type Literal struct {
	Value scalar.Scalar
}

// NewLiteral returns a constant expression.
func NewLiteral(v scalar.Scalar) *Literal { return &Literal{Value: v} }

func (l *Literal) DataType() arrow.DataType { return l.Value.DataType() }

func (l *Literal) Eval(_ context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	a, err := scalar.MakeArrayFromScalar(l.Value, int(b.NumRows()), alloc)
	if err != nil {
		return nil, errkind.Errorf(errkind.Internal, "literal %s: %w", l.Value, err)
	}
	return a, nil
}

func (l *Literal) String() string {
	if !l.Value.IsValid() {
		return "null:" + l.Value.DataType().String()
	}
	switch l.Value.(type) {
	case *scalar.String:
		return fmt.Sprintf("%q", l.Value.String())
	}
	return l.Value.String() + ":" + l.Value.DataType().String()
}

// evalArgs evaluates each argument; on error it releases what it made.
func evalArgs(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch, args []Expr) ([]arrow.Array, error) {
	out := make([]arrow.Array, len(args))
	for i, a := range args {
		v, err := a.Eval(ctx, alloc, b)
		if err != nil {
			releaseAll(out[:i])
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

func releaseAll(as []arrow.Array) {
	for _, a := range as {
		if a != nil {
			a.Release()
		}
	}
}

// validity returns the AND of the inputs' validity bitmaps as a new buffer
// (nil when every row is valid) and the resulting null count.
func validity(alloc memory.Allocator, n int, arrs ...arrow.Array) (*memory.Buffer, int) {
	var out *memory.Buffer
	for _, a := range arrs {
		if a.NullN() == 0 {
			continue
		}
		bm := a.NullBitmapBytes()
		off := a.Data().Offset()
		if out == nil {
			out = newBitmap(alloc, n)
			bitutil.CopyBitmap(bm, off, n, out.Bytes(), 0)
			continue
		}
		bitutil.BitmapAnd(out.Bytes(), bm, 0, int64(off), out.Bytes(), 0, int64(n))
	}
	if out == nil {
		return nil, 0
	}
	return out, n - bitutil.CountSetBits(out.Bytes(), 0, n)
}

// isValid reports whether row i is valid given a bitmap from validity.
func isValid(bm *memory.Buffer, i int) bool {
	return bm == nil || bitutil.BitIsSet(bm.Bytes(), i)
}

// newBitmap allocates a bitmap buffer of n bits (not cleared).
func newBitmap(alloc memory.Allocator, n int) *memory.Buffer {
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	return buf
}

// newFixed allocates an n-element values buffer of T.
func newFixed[T arrow.FixedWidthType](alloc memory.Allocator, n int) (*memory.Buffer, []T) {
	var zero T
	buf := memory.NewResizableBuffer(alloc)
	buf.Resize(n * int(sizeOf(zero)))
	return buf, arrow.GetData[T](buf.Bytes())
}

// makeArray assembles an array from a validity bitmap (may be nil) and a
// values buffer, taking over both references.
func makeArray(dt arrow.DataType, n int, valid *memory.Buffer, nulls int, values *memory.Buffer) arrow.Array {
	data := array.NewData(dt, n, []*memory.Buffer{valid, values}, nil, nulls, 0)
	if valid != nil {
		valid.Release()
	}
	values.Release()
	a := array.MakeFromData(data)
	data.Release()
	return a
}

// fixedResult is a fixed-width result under construction: its values, and a
// validity bitmap that is created on the first null.
type fixedResult[T arrow.FixedWidthType] struct {
	alloc memory.Allocator
	n     int
	valid *memory.Buffer // nil while every row is valid
	nulls int
	buf   *memory.Buffer
	vals  []T
}

// newFixedResult starts an n-row result, null where any of inputs is.
func newFixedResult[T arrow.FixedWidthType](alloc memory.Allocator, n int, inputs ...arrow.Array) *fixedResult[T] {
	valid, nulls := validity(alloc, n, inputs...)
	buf, vals := newFixed[T](alloc, n)
	return &fixedResult[T]{alloc: alloc, n: n, valid: valid, nulls: nulls, buf: buf, vals: vals}
}

func (r *fixedResult[T]) isValid(i int) bool { return isValid(r.valid, i) }

func (r *fixedResult[T]) setNull(i int) {
	r.valid = setNull(r.alloc, r.valid, r.n, i)
	r.nulls++
}

// discard releases the buffers of a result that will not be returned.
func (r *fixedResult[T]) discard() {
	if r.valid != nil {
		r.valid.Release()
	}
	r.buf.Release()
}

// array hands the buffers over to an array of type dt.
func (r *fixedResult[T]) array(dt arrow.DataType) arrow.Array {
	return makeArray(dt, r.n, r.valid, r.nulls, r.buf)
}

// newBools packs vals into a boolean array with the given validity.
func newBools(alloc memory.Allocator, vals []bool, valid *memory.Buffer, nulls int) arrow.Array {
	buf, w := newWords(alloc, len(vals))
	packBools(w, vals)
	return boolsFromWords(len(vals), buf, valid, nulls)
}
