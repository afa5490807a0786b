package optimize

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// FoldConstants evaluates at plan time what does not depend on a row:
//
//   - a call, cast or IN list whose operands are all literals becomes the
//     literal it evaluates to. The value comes from the engine's own
//     kernels (package executor/expr) on a one-row batch, so folding agrees
//     with execution exactly; a call the kernels refuse or fail on
//     (division by zero, an overflow, a bad cast) is left for run time to
//     report;
//   - a strict function (arithmetic, comparisons, LIKE: null in, null out)
//     with a null literal operand becomes a null literal, whatever its
//     other operands;
//   - boolean logic simplifies: x AND true is x, x AND false is false, x OR
//     false is x, x OR true is true, NOT NOT x is x, and CASE drops the
//     branches whose condition is a false or null literal;
//   - a filter whose condition is the literal true is removed.
//
// Simplification may make an expression's type non-nullable where it was
// nullable; never the reverse.
type FoldConstants struct {
	reg *expr.Registry
}

// NewFoldConstants returns the rule.
func NewFoldConstants() *FoldConstants { return &FoldConstants{reg: expr.NewRegistry()} }

// Name returns "fold_constants".
func (*FoldConstants) Name() string { return "fold_constants" }

// Rewrite folds every expression of the plan.
func (r *FoldConstants) Rewrite(n logical.Node) (logical.Node, error) {
	n, err := mapInputs(n, r.Rewrite)
	if err != nil {
		return nil, err
	}
	n, err = mapExprs(n, func(x logical.Expr) (logical.Expr, error) { return r.Fold(x), nil })
	if err != nil {
		return nil, err
	}
	switch n := n.(type) {
	case *logical.Filter:
		if v, ok := boolLiteral(n.Cond); ok && v {
			return n.Input, nil
		}
	case *logical.Scan:
		if v, ok := boolLiteral(n.Filter); ok && v {
			c := *n
			c.Filter = nil
			return &c, nil
		}
	}
	return n, nil
}

// Fold returns x with its constant parts evaluated; an expression it
// cannot analyse is returned as it is.
func (r *FoldConstants) Fold(x logical.Expr) logical.Expr {
	out, err := transform(x, func(e logical.Expr) (logical.Expr, error) { return r.foldOne(e), nil })
	if err != nil {
		return x
	}
	return out
}

// strict lists the functions whose result is null when any operand is.
var strict = map[string]bool{
	"add": true, "subtract": true, "multiply": true, "divide": true, "modulus": true, "negate": true,
	"equal": true, "not_equal": true, "lt": true, "lte": true, "gt": true, "gte": true,
	"like": true, "not": true,
}

// volatile lists functions whose value is not fixed by their operands.
var volatile = map[string]bool{"random": true, "rand": true, "now": true, "current_date": true,
	"current_time": true, "current_timestamp": true, "uuid": true}

// foldOne folds e, whose operands are already folded.
func (r *FoldConstants) foldOne(e logical.Expr) logical.Expr {
	switch e := e.(type) {
	case *logical.Call:
		name := funcName(e)
		switch name {
		case "and", "or":
			if x := simplifyLogic(e, name == "and"); x != nil {
				return x
			}
		case "not":
			if funcName(e.Args[0]) == "not" {
				return e.Args[0].(*logical.Call).Args[0]
			}
		}
		if strict[name] {
			for _, a := range e.Args {
				if isNullLiteral(a) {
					return &logical.Literal{T: nullable(e.T)}
				}
			}
		}
		if volatile[name] {
			return e
		}
		for _, a := range e.Args {
			switch a.(type) {
			case *logical.Literal, *logical.Enum:
			default:
				return e
			}
		}
		return r.eval(e)
	case *logical.Cast:
		if l, ok := e.X.(*logical.Literal); ok {
			if l.Value == nil {
				return &logical.Literal{T: nullable(e.T)}
			}
			return r.eval(e)
		}
	case *logical.InList:
		if _, ok := e.X.(*logical.Literal); !ok {
			return e
		}
		for _, o := range e.List {
			if _, ok := o.(*logical.Literal); !ok {
				return e
			}
		}
		return r.eval(e)
	case *logical.Case:
		return simplifyCase(e)
	}
	return e
}

// simplifyLogic drops the neutral literals of an AND (true) or OR (false)
// and collapses it on an absorbing one; nil when nothing changes.
func simplifyLogic(c *logical.Call, isAnd bool) logical.Expr {
	var keep []logical.Expr
	for _, a := range c.Args {
		v, ok := boolLiteral(a)
		switch {
		case !ok:
			keep = append(keep, a)
		case v != isAnd: // false in an AND, true in an OR
			return boolLit(v)
		}
	}
	switch {
	case len(keep) == len(c.Args):
		return nil
	case len(keep) == 0:
		return boolLit(isAnd)
	case len(keep) == 1:
		return keep[0]
	}
	out := *c
	out.Args = keep
	return &out
}

// simplifyCase drops the branches that can never be taken and resolves a
// CASE whose first remaining condition is true.
func simplifyCase(c *logical.Case) logical.Expr {
	var whens []logical.When
	for _, w := range c.Whens {
		v, ok := boolLiteral(w.Cond)
		switch {
		case isNullLiteral(w.Cond) || (ok && !v):
			continue
		case ok && v && len(whens) == 0:
			return w.Then
		}
		whens = append(whens, w)
	}
	switch {
	case len(whens) == len(c.Whens):
		return c
	case len(whens) == 0 && c.Else != nil:
		return c.Else
	case len(whens) == 0:
		return &logical.Literal{T: nullable(c.T)}
	}
	return &logical.Case{Whens: whens, Else: c.Else, T: c.T}
}

// eval computes a constant expression with the engine's kernels; it
// returns e itself when they cannot, or when the value has no literal form
// of e's type.
func (r *FoldConstants) eval(e logical.Expr) logical.Expr {
	want, ok := arrowType(e.Type())
	if !ok {
		return e
	}
	k, ok := r.kernel(e)
	if !ok || !arrow.TypeEqual(k.DataType(), want) {
		return e
	}
	empty := arrow.NewSchema(nil, nil)
	batch := array.NewRecordBatch(empty, nil, 1)
	defer batch.Release()
	arr, err := k.Eval(context.Background(), memory.DefaultAllocator, batch)
	if err != nil {
		return e
	}
	defer arr.Release()
	if arr.Len() != 1 {
		return e
	}
	s, err := scalar.GetScalar(arr, 0)
	if err != nil {
		return e
	}
	if rel, ok := s.(scalar.Releasable); ok {
		defer rel.Release()
	}
	if l, ok := literalOf(s, e.Type()); ok {
		return l
	}
	return e
}

// kernel binds a constant expression to the engine's kernels, as the
// engine's planner would bind its Substrait form.
func (r *FoldConstants) kernel(e logical.Expr) (expr.Expr, bool) {
	switch e := e.(type) {
	case *logical.Literal:
		s, ok := scalarOf(e)
		if !ok {
			return nil, false
		}
		return expr.NewLiteral(s), true
	case *logical.Enum:
		return &expr.EnumArg{Value: e.Value}, true
	case *logical.Call:
		out, ok := arrowType(e.T)
		if !ok {
			return nil, false
		}
		args := make([]expr.Expr, len(e.Args))
		for i, a := range e.Args {
			if args[i], ok = r.kernel(a); !ok {
				return nil, false
			}
		}
		k, err := r.reg.Scalar(&expr.Call{Name: funcName(e), Args: args, Out: out})
		return k, err == nil
	case *logical.Cast:
		to, ok := arrowType(e.T)
		if !ok {
			return nil, false
		}
		in, ok := r.kernel(e.X)
		if !ok {
			return nil, false
		}
		k, err := expr.NewCast(in, to, false)
		return k, err == nil
	case *logical.InList:
		v, ok := r.kernel(e.X)
		if !ok {
			return nil, false
		}
		opts := make([]expr.Expr, len(e.List))
		for i, o := range e.List {
			if opts[i], ok = r.kernel(o); !ok {
				return nil, false
			}
		}
		k, err := expr.NewInList(v, opts)
		return k, err == nil
	}
	return nil, false
}

// arrowType is the Arrow type the engine computes a Substrait type in (as
// executor/plan maps them).
func arrowType(t types.Type) (arrow.DataType, bool) {
	switch t := t.(type) {
	case *types.BooleanType:
		return arrow.FixedWidthTypes.Boolean, true
	case *types.Int8Type:
		return arrow.PrimitiveTypes.Int8, true
	case *types.Int16Type:
		return arrow.PrimitiveTypes.Int16, true
	case *types.Int32Type:
		return arrow.PrimitiveTypes.Int32, true
	case *types.Int64Type:
		return arrow.PrimitiveTypes.Int64, true
	case *types.Float32Type:
		return arrow.PrimitiveTypes.Float32, true
	case *types.Float64Type:
		return arrow.PrimitiveTypes.Float64, true
	case *types.StringType, *types.VarCharType, *types.FixedCharType:
		return arrow.BinaryTypes.String, true
	case *types.DateType:
		return arrow.FixedWidthTypes.Date32, true
	case *types.DecimalType:
		return &arrow.Decimal128Type{Precision: t.Precision, Scale: t.Scale}, true
	case *types.IntervalYearType:
		return arrow.FixedWidthTypes.MonthInterval, true
	case *types.IntervalDayType:
		return arrow.FixedWidthTypes.DayTimeInterval, true
	}
	return nil, false
}

// scalarOf converts a literal to the scalar the engine would read it as.
func scalarOf(l *logical.Literal) (scalar.Scalar, bool) {
	if l.Value == nil {
		dt, ok := arrowType(l.T)
		if !ok {
			return nil, false
		}
		return scalar.MakeNullScalar(dt), true
	}
	switch v := l.Value.(type) {
	case bool:
		return scalar.NewBooleanScalar(v), true
	case int32:
		return scalar.NewInt32Scalar(v), true
	case int64:
		return scalar.NewInt64Scalar(v), true
	case float64:
		return scalar.NewFloat64Scalar(v), true
	case string:
		return scalar.NewStringScalar(v), true
	case logical.Date:
		return scalar.NewDate32Scalar(arrow.Date32(v)), true
	case logical.Decimal:
		d, ok := l.T.(*types.DecimalType)
		if !ok {
			return nil, false
		}
		return scalar.NewDecimal128Scalar(v.Unscaled, &arrow.Decimal128Type{Precision: d.Precision, Scale: d.Scale}), true
	case logical.IntervalYear:
		return scalar.NewMonthIntervalScalar(arrow.MonthInterval(v.Years*12 + v.Months)), true
	case logical.IntervalDay:
		return scalar.NewDayTimeIntervalScalar(arrow.DayTimeInterval{Days: v.Days, Milliseconds: v.Seconds * 1000}), true
	}
	return nil, false
}

// literalOf converts a kernel's result to a literal of type t, if a
// literal of t can hold it.
func literalOf(s scalar.Scalar, t types.Type) (*logical.Literal, bool) {
	if !s.IsValid() {
		return &logical.Literal{T: nullable(t)}, true
	}
	var v any
	switch s := s.(type) {
	case *scalar.Boolean:
		v = s.Value
	case *scalar.Int32:
		v = s.Value
	case *scalar.Int64:
		v = s.Value
	case *scalar.Float64:
		v = s.Value
	case *scalar.String:
		v = string(s.Value.Bytes())
	case *scalar.Date32:
		v = logical.Date(s.Value)
	case *scalar.Decimal128:
		v = logical.Decimal{Unscaled: decimal128.New(s.Value.HighBits(), s.Value.LowBits())}
	default:
		return nil, false
	}
	return &logical.Literal{Value: v, T: t}, true
}
