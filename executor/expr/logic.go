package expr

import (
	"context"
	"fmt"
	"math/bits"
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
//
// The state is kept in bitmaps, 64 rows to a word: decided has the rows an
// argument settled (false for and, true for or), sawNull the rows some
// argument left null. A row is null if it is undecided and saw a null, and
// otherwise the dominant value if decided and the identity if not.
func (e *logic) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	n := int(b.NumRows())
	nw := wordsFor(n)
	// flip turns an argument's value bits into "decides the row": and is
	// decided by false values, or by true ones.
	var flip uint64
	if e.op == logicAnd {
		flip = ^uint64(0)
	}
	scratch := make([]uint64, 4*nw)
	decided, sawNull := scratch[:nw], scratch[nw:2*nw]
	val, valid := scratch[2*nw:3*nw], scratch[3*nw:]
	undecided := n
	var sel *memory.Buffer // the undecided rows, as a filter mask
	defer func() {
		if sel != nil {
			sel.Release()
		}
	}()
	for k, arg := range e.args {
		if undecided == 0 {
			break
		}
		var a arrow.Array
		full := true
		var err error
		if k > 0 && undecided*4 <= n {
			if sel == nil {
				var w []uint64
				sel, w = newWords(alloc, n)
				for i := range w {
					w[i] = ^decided[i]
				}
			} else {
				w := wordsOf(sel.Buf(), n)
				for i := range w {
					w[i] = ^decided[i]
				}
			}
			a, full, err = evalOnMask(ctx, alloc, arg, b, sel, undecided)
		} else {
			a, err = arg.Eval(ctx, alloc, b)
		}
		if err != nil {
			return nil, err
		}
		ba, ok := a.(*array.Boolean)
		if !ok { // a null literal
			for i := range sawNull {
				sawNull[i] |= ^decided[i]
			}
			a.Release()
			continue
		}
		m := ba.Len()
		if vb := ba.Data().Buffers()[1]; vb != nil {
			loadBits(val[:wordsFor(m)], vb.Bytes(), ba.Data().Offset(), m)
		} else { // all null
			clear(val)
		}
		loadValidity(valid[:wordsFor(m)], ba)
		a.Release()
		if !full {
			scatterUndecided(val, valid, decided, n, m)
		}
		for i := range decided {
			// Rows already decided stay so; their new bits do not matter.
			decided[i] |= valid[i] & (val[i] ^ flip)
			sawNull[i] |= ^valid[i]
		}
		if nw > 0 {
			decided[nw-1] &= tailMask(n)
			sawNull[nw-1] &= tailMask(n)
		}
		undecided = n - countWords(decided)
	}
	// Result: valid where decided or no null was seen; the value is the
	// dominant one where decided, the identity elsewhere.
	vbuf, out := newWords(alloc, n)
	var vm *memory.Buffer
	var vw []uint64
	nulls := 0
	for i := range sawNull {
		nulls += bits.OnesCount64(sawNull[i] &^ decided[i])
	}
	if nulls > 0 {
		vm, vw = newWords(alloc, n)
	}
	for i := range out {
		if e.op == logicAnd {
			out[i] = ^decided[i] &^ sawNull[i]
		} else {
			out[i] = decided[i]
		}
		if vw != nil {
			vw[i] = decided[i] | ^sawNull[i]
		}
	}
	return boolsFromWords(n, vbuf, vm, nulls), nil
}

// scatterUndecided spreads the m bits of val and valid, which belong to the
// undecided rows in order, to those rows' positions; decided rows get
// valid, non-deciding bits (they are ignored anyway).
// REQUIRES: decided holds n rows, m of them undecided.
func scatterUndecided(val, valid, decided []uint64, n, m int) {
	// Work from the last row down so that sources (at or before their
	// destinations) are read before they are overwritten.
	p := m
	for w := len(decided) - 1; w >= 0; w-- {
		und := ^decided[w]
		if w == len(decided)-1 {
			und &= tailMask(n)
		}
		var v, ok uint64
		for und != 0 {
			j := 63 - bits.LeadingZeros64(und)
			und &^= 1 << j
			p-- // INVARIANT: p >= 0, as m rows are undecided
			v |= (val[p/64] >> (p % 64) & 1) << j
			ok |= (valid[p/64] >> (p % 64) & 1) << j
		}
		val[w] = v
		valid[w] = ok | decided[w]
	}
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
