package expr

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// InList is Substrait's singular_or_list, SQL's "value IN (o1, o2, ...)":
// true if value equals an option, else null if value or an option is null,
// else false. When every option is a literal and value is a string or an
// integer-like type, the options form a set probed once per row; otherwise
// it is the OR of the equalities.
type InList struct {
	Value   Expr
	Options []Expr
	// Set lookup, when the options are constant. Lists of up to
	// shortStrList strings are also kept as a slice: comparing a few short
	// strings by length then bytes is several times faster than hashing
	// every row (TPC-H Q12, Q19, Q22).
	strs     map[string]struct{}
	strList  []string
	ints     map[int64]struct{}
	nullOpt  bool // some option is null
	fallback Expr // or(equal(value, o1), ...)
}

// NewInList binds value IN (options).
func NewInList(value Expr, options []Expr) (*InList, error) {
	if len(options) == 0 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "singular_or_list: no options")
	}
	e := &InList{Value: value, Options: options}
	vt := value.DataType()
	if set := e.constantSet(vt); set {
		return e, nil
	}
	eqs := make([]Expr, len(options))
	for i, o := range options {
		args, err := coerceComparable([]Expr{value, o})
		if err != nil {
			return nil, fmt.Errorf("singular_or_list: option %d: %w", i, err)
		}
		eqs[i] = &compare{op: cmpEq, a: args[0], b: args[1]}
	}
	e.fallback = &logic{op: logicOr, args: eqs}
	return e, nil
}

// constantSet builds the lookup set if every option is a literal of value's
// kind; it reports whether it did.
func (e *InList) constantSet(vt arrow.DataType) bool {
	strKind := isString(vt)
	intKind := isInteger(vt) || vt.ID() == arrow.DATE32
	if !strKind && !intKind {
		return false
	}
	strs, ints := map[string]struct{}{}, map[int64]struct{}{}
	for _, o := range e.Options {
		l, ok := o.(*Literal)
		if !ok {
			return false
		}
		if !l.Value.IsValid() {
			e.nullOpt = true
			continue
		}
		switch v := l.Value.(type) {
		case *scalar.String:
			if !strKind {
				return false
			}
			strs[string(v.Data())] = struct{}{}
		case *scalar.LargeString:
			if !strKind {
				return false
			}
			strs[string(v.Data())] = struct{}{}
		case *scalar.Int8, *scalar.Int16, *scalar.Int32, *scalar.Int64, *scalar.Date32:
			if !intKind || (vt.ID() == arrow.DATE32) != (v.DataType().ID() == arrow.DATE32) {
				return false
			}
			ints[scalarInt(v)] = struct{}{}
		default:
			return false
		}
	}
	if strKind {
		e.strs = strs
		if len(strs) <= shortStrList {
			for s := range strs {
				e.strList = append(e.strList, s)
			}
		}
	} else {
		e.ints = ints
	}
	return true
}

// scalarInt is the value of an integer or date32 scalar.
func scalarInt(v scalar.Scalar) int64 {
	switch x := v.(type) {
	case *scalar.Int8:
		return int64(x.Value)
	case *scalar.Int16:
		return int64(x.Value)
	case *scalar.Int32:
		return int64(x.Value)
	case *scalar.Date32:
		return int64(x.Value)
	case *scalar.Int64:
		return x.Value
	}
	return 0
}

func (e *InList) DataType() arrow.DataType { return arrow.FixedWidthTypes.Boolean }

func (e *InList) String() string {
	s := make([]string, len(e.Options))
	for i, o := range e.Options {
		s[i] = o.String()
	}
	return fmt.Sprintf("%s in (%s)", e.Value, strings.Join(s, ", "))
}

func (e *InList) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	if e.fallback != nil {
		return e.fallback.Eval(ctx, alloc, b)
	}
	v, err := e.Value.Eval(ctx, alloc, b)
	if err != nil {
		return nil, err
	}
	defer v.Release()
	n := v.Len()
	res := make([]bool, n)
	if e.strs != nil {
		switch v.DataType().ID() {
		case arrow.STRING, arrow.BINARY:
			probeStrings(e, viewOf[int32](v), res)
		case arrow.LARGE_STRING, arrow.LARGE_BINARY:
			probeStrings(e, viewOf[int64](v), res)
		default:
			return nil, errkind.Errorf(errkind.Internal, "singular_or_list: string set probed with %s", v.DataType())
		}
	} else {
		ints, err := intLikeValues(v)
		if err != nil {
			return nil, err
		}
		for i := range res {
			_, res[i] = e.ints[ints[i]]
		}
	}
	valid, nulls := validity(alloc, n, v)
	if e.nullOpt {
		// No match against a list with a null is unknown.
		for i, hit := range res {
			if !hit && isValid(valid, i) {
				valid = setNull(alloc, valid, n, i)
				nulls++
			}
		}
	}
	return newBools(alloc, res, valid, nulls), nil
}

// shortStrList is the longest string list probed by comparison rather than
// by hashing.
const shortStrList = 8

// probeStrings sets res[i] when row i of v is one of the options.
func probeStrings[O offset](e *InList, v strView[O], res []bool) {
	if e.strList == nil {
		for i := range res {
			_, res[i] = e.strs[string(v.data[v.off[i]:v.off[i+1]])]
		}
		return
	}
	for i := range res {
		b := v.data[v.off[i]:v.off[i+1]]
		for _, o := range e.strList {
			if len(o) == len(b) && string(b) == o {
				res[i] = true
				break
			}
		}
	}
}

// intLikeValues widens integer or date32 values to int64.
func intLikeValues(x arrow.Array) ([]int64, error) {
	if x.DataType().ID() == arrow.DATE32 {
		return widen(arrow.GetValues[int32](x.Data(), 1)), nil
	}
	return int64Values(x)
}
