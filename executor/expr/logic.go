package expr

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

type logicOp int

const (
	logicAnd logicOp = iota
	logicOr
)

// logic is a variadic and/or with SQL three-valued logic: false and null is
// false, true or null is true, otherwise null wins over the identity.
type logic struct {
	op   logicOp
	args []Expr
}

func bindLogic(op logicOp) scalarBinder {
	return func(_ *Registry, c *Call) (Expr, error) {
		if len(c.Args) == 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "want at least one argument")
		}
		for _, a := range c.Args {
			if id := a.DataType().ID(); id != arrow.BOOL && id != arrow.NULL {
				return nil, errkind.Errorf(errkind.InvalidArgument, "argument %s is %s, not boolean", a, a.DataType())
			}
		}
		return &logic{op: op, args: c.Args}, nil
	}
}

func (e *logic) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

func (e *logic) String() string {
	s := make([]string, len(e.args))
	for i, a := range e.args {
		s[i] = a.String()
	}
	name := "and"
	if e.op == logicOr {
		name = "or"
	}
	return fmt.Sprintf("%s(%s)", name, strings.Join(s, ", "))
}

// Eval evaluates the arguments in order; once few rows are left undecided
// (a selective first conjunct), later arguments run on those rows only,
// which is also SQL's short-circuit: "x <> 0 and y / x > 1" never divides
// by zero.
func (e *logic) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	// dominant is the value that decides the result on its own: false for
	// and, true for or.
	dominant := e.op == logicOr
	val := make([]bool, n) // the result where known
	known := make([]bool, n)
	sawNull := make([]bool, n)
	undecided := n
	var sel []bool
	for k, arg := range e.args {
		if undecided == 0 {
			break
		}
		var a arrow.Array
		full := true
		var err error
		if k > 0 && undecided*4 <= n {
			if sel == nil {
				sel = make([]bool, n)
			}
			for i := range sel {
				sel[i] = !known[i]
			}
			a, full, err = evalOn(ctx, alloc, arg, b, sel, undecided)
		} else {
			a, err = arg.Eval(ctx, alloc, b)
		}
		if err != nil {
			return nil, err
		}
		ba, ok := a.(*array.Boolean)
		if !ok { // a null literal
			for i := range sawNull {
				sawNull[i] = sawNull[i] || !known[i]
			}
			a.Release()
			continue
		}
		p := 0
		for i := 0; i < n; i++ {
			if known[i] {
				continue
			}
			j := p
			if full {
				j = i
			}
			p++
			if ba.IsNull(j) {
				sawNull[i] = true
				continue
			}
			if ba.Value(j) == dominant {
				known[i], val[i] = true, dominant
				undecided--
			}
		}
		a.Release()
	}
	var valid *memory.Buffer
	nulls := 0
	for i := 0; i < n; i++ {
		if known[i] {
			continue
		}
		if sawNull[i] {
			valid = setNull(alloc, valid, n, i)
			nulls++
			continue
		}
		val[i] = !dominant
	}
	return newBools(alloc, val, valid, nulls), nil
}

type not struct{ a Expr }

func bindNot(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 1); err != nil {
		return nil, err
	}
	if c.Args[0].DataType().ID() != arrow.BOOL {
		return nil, errkind.Errorf(errkind.InvalidArgument, "argument is %s, not boolean", c.Args[0].DataType())
	}
	return &not{a: c.Args[0]}, nil
}

func (e *not) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }
func (e *not) String() string           { return fmt.Sprintf("not(%s)", e.a) }

func (e *not) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	a, err := e.a.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	n := a.Len()
	buf := newBitmap(alloc, n)
	bitutil.InvertBitmap(a.Data().Buffers()[1].Bytes(), a.Data().Offset(), n, buf.Bytes(), 0)
	valid, nulls := validity(alloc, n, a)
	return makeArray(arrow.FixedWidthTypes.Boolean, n, valid, nulls, buf), nil
}

// isNull is is_null, or is_not_null when negated; its result is never null.
type isNull struct {
	a       Expr
	negated bool
}

func bindIsNull(negated bool) scalarBinder {
	return func(_ *Registry, c *Call) (Expr, error) {
		if err := wantArgs(c, 1); err != nil {
			return nil, err
		}
		return &isNull{a: c.Args[0], negated: negated}, nil
	}
}

func (e *isNull) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

func (e *isNull) String() string {
	if e.negated {
		return fmt.Sprintf("is_not_null(%s)", e.a)
	}
	return fmt.Sprintf("is_null(%s)", e.a)
}

func (e *isNull) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	a, err := e.a.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer a.Release()
	// The result is the validity bitmap (is_not_null) or its inverse.
	n := a.Len()
	buf := newBitmap(alloc, n)
	switch bm := a.NullBitmapBytes(); {
	case len(bm) == 0: // every row valid
		bitutil.SetBitsTo(buf.Bytes(), 0, int64(n), e.negated)
	case e.negated:
		bitutil.CopyBitmap(bm, a.Data().Offset(), n, buf.Bytes(), 0)
	default:
		bitutil.InvertBitmap(bm, a.Data().Offset(), n, buf.Bytes(), 0)
	}
	return makeArray(arrow.FixedWidthTypes.Boolean, n, nil, 0, buf), nil
}
