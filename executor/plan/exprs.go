package plan

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/arrow/scalar"
	substraitpb "github.com/substrait-io/substrait-protobuf/go/substraitpb"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/executor/expr"
	"github.com/trebuchet-dev/trebuchet/executor/op"
)

// CompileExpr binds one Substrait expression outside a plan: funcs maps
// the function anchors it uses to their (simple or compound) names, and
// field references resolve against in. It is what a plan's relations do
// for each of their expressions, for tools and tests that work on single
// expressions (the Substrait function test cases).
func CompileExpr(e *substraitpb.Expression, funcs map[uint32]string, in *arrow.Schema) (expr.Expr, error) {
	b := &builder{reg: expr.NewRegistry(), funcs: funcs}
	return b.expr(e, &scope{schema: in})
}

// CompileMeasure binds one Substrait aggregate measure outside a plan, as
// an AggregateRel binds each of its measures: funcs maps the function
// anchors it uses to their names, and field references (arguments and
// filter) resolve against in. It is for tools and tests that work on single
// aggregates (the Substrait aggregate function test cases).
func CompileMeasure(m *substraitpb.AggregateRel_Measure, funcs map[uint32]string, in *arrow.Schema) (op.Measure, error) {
	b := &builder{reg: expr.NewRegistry(), funcs: funcs}
	return b.measure(m, &scope{schema: in})
}

// Literal converts a Substrait literal to the Arrow scalar the engine
// computes with.
func Literal(l *substraitpb.Expression_Literal) (scalar.Scalar, error) { return literal(l) }

// scope is what field references in an expression resolve against.
type scope struct {
	schema *arrow.Schema
	// remap, if set, maps a referenced field to its column in the batches
	// the expression will see (a read's filter references the base schema
	// but runs on the scanned columns).
	remap map[int]int
	// used, if set, records the fields referenced.
	used map[int]bool
}

func (b *builder) expr(e *substraitpb.Expression, sc *scope) (expr.Expr, error) {
	switch rt := e.GetRexType().(type) {
	case *substraitpb.Expression_Selection:
		return b.fieldRef(rt.Selection, sc)
	case *substraitpb.Expression_Literal_:
		v, err := literal(rt.Literal)
		if err != nil {
			return nil, err
		}
		return expr.NewLiteral(v), nil
	case *substraitpb.Expression_ScalarFunction_:
		return b.scalarFunction(rt.ScalarFunction, sc)
	case *substraitpb.Expression_Cast_:
		in, err := b.expr(rt.Cast.GetInput(), sc)
		if err != nil {
			return nil, err
		}
		to, _, err := arrowType(rt.Cast.GetType())
		if err != nil {
			return nil, fmt.Errorf("cast: %w", err)
		}
		nullOnFailure := rt.Cast.GetFailureBehavior() == substraitpb.Expression_Cast_FAILURE_BEHAVIOR_RETURN_NULL
		return expr.NewCast(in, to, nullOnFailure)
	case *substraitpb.Expression_IfThen_:
		return b.ifThen(rt.IfThen, sc)
	case *substraitpb.Expression_SwitchExpression_:
		return b.switchExpr(rt.SwitchExpression, sc)
	case *substraitpb.Expression_SingularOrList_:
		v, err := b.expr(rt.SingularOrList.GetValue(), sc)
		if err != nil {
			return nil, fmt.Errorf("singular_or_list: %w", err)
		}
		opts, err := b.exprs("singular_or_list: option", rt.SingularOrList.GetOptions(), sc)
		if err != nil {
			return nil, err
		}
		return expr.NewInList(v, opts)
	case nil:
		return nil, errkind.Errorf(errkind.InvalidArgument, "empty expression")
	default:
		return nil, errkind.Errorf(errkind.Unimplemented, "expression %s is not supported", exprName(e))
	}
}

// exprs builds each of es; what names them in errors ("if_then: then").
func (b *builder) exprs(what string, es []*substraitpb.Expression, sc *scope) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(es))
	for i, e := range es {
		x, err := b.expr(e, sc)
		if err != nil {
			return nil, fmt.Errorf("%s %d: %w", what, i, err)
		}
		out[i] = x
	}
	return out, nil
}

func (b *builder) ifThen(x *substraitpb.Expression_IfThen, sc *scope) (expr.Expr, error) {
	conds := make([]*substraitpb.Expression, len(x.GetIfs()))
	results := make([]*substraitpb.Expression, len(x.GetIfs()))
	for i, c := range x.GetIfs() {
		conds[i], results[i] = c.GetIf(), c.GetThen()
	}
	ce, err := b.exprs("if_then: condition", conds, sc)
	if err != nil {
		return nil, err
	}
	re, err := b.exprs("if_then: result", results, sc)
	if err != nil {
		return nil, err
	}
	var els expr.Expr
	if x.GetElse() != nil {
		if els, err = b.expr(x.GetElse(), sc); err != nil {
			return nil, fmt.Errorf("if_then: else: %w", err)
		}
	}
	return expr.NewIfThen(ce, re, els)
}

func (b *builder) switchExpr(x *substraitpb.Expression_SwitchExpression, sc *scope) (expr.Expr, error) {
	match, err := b.expr(x.GetMatch(), sc)
	if err != nil {
		return nil, fmt.Errorf("switch: match: %w", err)
	}
	values := make([]expr.Expr, len(x.GetIfs()))
	results := make([]*substraitpb.Expression, len(x.GetIfs()))
	for i, c := range x.GetIfs() {
		v, err := literal(c.GetIf())
		if err != nil {
			return nil, fmt.Errorf("switch: value %d: %w", i, err)
		}
		values[i], results[i] = expr.NewLiteral(v), c.GetThen()
	}
	re, err := b.exprs("switch: result", results, sc)
	if err != nil {
		return nil, err
	}
	var els expr.Expr
	if x.GetElse() != nil {
		if els, err = b.expr(x.GetElse(), sc); err != nil {
			return nil, fmt.Errorf("switch: else: %w", err)
		}
	}
	return expr.NewSwitch(match, values, re, els)
}

// exprName names an expression's kind as the spec does ("if_then").
func exprName(e *substraitpb.Expression) string {
	m := e.ProtoReflect()
	if od := m.Descriptor().Oneofs().ByName("rex_type"); od != nil {
		if fd := m.WhichOneof(od); fd != nil {
			return string(fd.Name())
		}
	}
	return "unknown"
}

func (b *builder) fieldRef(f *substraitpb.Expression_FieldReference, sc *scope) (expr.Expr, error) {
	if f.GetRootReference() == nil {
		if f.GetOuterReference() != nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "outer (correlated) field references are not supported")
		}
		if f.GetExpression() != nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "field references into expressions are not supported")
		}
	}
	sf := f.GetDirectReference().GetStructField()
	if sf == nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "field reference other than a struct field")
	}
	if sf.GetChild() != nil {
		return nil, errkind.Errorf(errkind.Unimplemented, "nested field references are not supported")
	}
	i := int(sf.GetField())
	if i < 0 || i >= sc.schema.NumFields() {
		return nil, errkind.Errorf(errkind.InvalidArgument,
			"field reference %d out of range: input has %d columns", i, sc.schema.NumFields())
	}
	if sc.used != nil {
		sc.used[i] = true
	}
	f0 := sc.schema.Field(i)
	if sc.remap != nil {
		i = sc.remap[i]
	}
	return &expr.Column{Index: i, Name: f0.Name, Type: f0.Type}, nil
}

func (b *builder) scalarFunction(f *substraitpb.Expression_ScalarFunction, sc *scope) (expr.Expr, error) {
	name, err := b.funcName(f.GetFunctionReference())
	if err != nil {
		return nil, err
	}
	var args []expr.Expr
	if name == "or" {
		if args, err = b.orAsInLists(f, sc); err != nil {
			return nil, err
		}
		if len(args) == 1 {
			return args[0], nil
		}
	}
	if args == nil {
		if args, err = b.args(name, f.GetArguments(), sc); err != nil {
			return nil, err
		}
	}
	out, err := declaredType(f.GetOutputType())
	if err != nil {
		return nil, fmt.Errorf("function %s: output type: %w", name, err)
	}
	return b.reg.Scalar(&expr.Call{Name: name, Args: args, Out: out, Options: options(f.GetOptions())})
}

// funcName returns the simple name of the function declared at anchor.
func (b *builder) funcName(anchor uint32) (string, error) {
	name, ok := b.funcs[anchor]
	if !ok {
		return "", errkind.Errorf(errkind.InvalidArgument, "function anchor %d is not declared in the plan's extensions", anchor)
	}
	simple, _, _ := strings.Cut(name, ":")
	return simple, nil
}

func (b *builder) args(fn string, in []*substraitpb.FunctionArgument, sc *scope) ([]expr.Expr, error) {
	out := make([]expr.Expr, len(in))
	for i, a := range in {
		if en, ok := a.GetArgType().(*substraitpb.FunctionArgument_Enum); ok {
			out[i] = &expr.EnumArg{Value: strings.ToUpper(en.Enum)}
			continue
		}
		v := a.GetValue()
		if v == nil {
			return nil, errkind.Errorf(errkind.Unimplemented, "function %s: argument %d: type arguments are not supported", fn, i)
		}
		e, err := b.expr(v, sc)
		if err != nil {
			return nil, fmt.Errorf("function %s: argument %d: %w", fn, i, err)
		}
		out[i] = e
	}
	return out, nil
}

// declaredType converts a function's declared output type; it is nil when
// the producer declared none.
func declaredType(t *substraitpb.Type) (arrow.DataType, error) {
	if t == nil {
		return nil, nil
	}
	dt, _, err := arrowType(t)
	return dt, err
}

func options(opts []*substraitpb.FunctionOption) map[string]string {
	if len(opts) == 0 {
		return nil
	}
	m := make(map[string]string, len(opts))
	for _, o := range opts {
		if p := o.GetPreference(); len(p) > 0 {
			m[o.GetName()] = p[0]
		}
	}
	return m
}

// literal converts a Substrait literal to an Arrow scalar.
func literal(l *substraitpb.Expression_Literal) (scalar.Scalar, error) {
	switch v := l.GetLiteralType().(type) {
	case *substraitpb.Expression_Literal_Boolean:
		return scalar.NewBooleanScalar(v.Boolean), nil
	case *substraitpb.Expression_Literal_I8:
		return scalar.NewInt8Scalar(int8(v.I8)), nil
	case *substraitpb.Expression_Literal_I16:
		return scalar.NewInt16Scalar(int16(v.I16)), nil
	case *substraitpb.Expression_Literal_I32:
		return scalar.NewInt32Scalar(v.I32), nil
	case *substraitpb.Expression_Literal_I64:
		return scalar.NewInt64Scalar(v.I64), nil
	case *substraitpb.Expression_Literal_Fp32:
		return scalar.NewFloat32Scalar(v.Fp32), nil
	case *substraitpb.Expression_Literal_Fp64:
		return scalar.NewFloat64Scalar(v.Fp64), nil
	case *substraitpb.Expression_Literal_String_:
		return scalar.NewStringScalar(v.String_), nil
	case *substraitpb.Expression_Literal_FixedChar:
		return scalar.NewStringScalar(v.FixedChar), nil
	case *substraitpb.Expression_Literal_VarChar_:
		return scalar.NewStringScalar(v.VarChar.GetValue()), nil
	case *substraitpb.Expression_Literal_Binary:
		return scalar.NewBinaryScalar(memory.NewBufferBytes(v.Binary), arrow.BinaryTypes.Binary), nil
	case *substraitpb.Expression_Literal_Date:
		return scalar.NewDate32Scalar(arrow.Date32(v.Date)), nil
	case *substraitpb.Expression_Literal_Decimal_:
		d := v.Decimal
		if len(d.GetValue()) != 16 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "decimal literal of %d bytes, want 16", len(d.GetValue()))
		}
		p, s := d.GetPrecision(), d.GetScale()
		if p < 1 || p > 38 || s < 0 || s > p {
			return nil, errkind.Errorf(errkind.InvalidArgument, "decimal literal with precision %d, scale %d", p, s)
		}
		lo := binary.LittleEndian.Uint64(d.GetValue()[:8])
		hi := int64(binary.LittleEndian.Uint64(d.GetValue()[8:]))
		n := decimal128.New(hi, lo)
		if !n.FitsInPrecision(p) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "decimal literal %s does not fit precision %d", n.ToString(s), p)
		}
		return scalar.NewDecimal128Scalar(n, &arrow.Decimal128Type{Precision: p, Scale: s}), nil
	case *substraitpb.Expression_Literal_IntervalYearToMonth_:
		m := v.IntervalYearToMonth.GetYears()*12 + v.IntervalYearToMonth.GetMonths()
		return scalar.NewMonthIntervalScalar(arrow.MonthInterval(m)), nil
	case *substraitpb.Expression_Literal_IntervalDayToSecond_:
		iv := v.IntervalDayToSecond
		ms := int64(iv.GetSeconds()) * 1000
		if sub := iv.GetSubseconds(); sub != 0 {
			prec := iv.GetPrecision()
			if iv.GetMicroseconds() != 0 || prec == 0 {
				// The deprecated microseconds field, or subseconds in µs.
				prec = 6
			}
			ms += sub * 1000 / pow10(prec)
		}
		ms += int64(iv.GetMicroseconds()) / 1000
		return scalar.NewDayTimeIntervalScalar(arrow.DayTimeInterval{Days: iv.GetDays(), Milliseconds: int32(ms)}), nil
	case *substraitpb.Expression_Literal_Timestamp:
		return scalar.NewTimestampScalar(arrow.Timestamp(v.Timestamp), &arrow.TimestampType{Unit: arrow.Microsecond}), nil
	case *substraitpb.Expression_Literal_PrecisionTimestamp_:
		unit, err := timeUnit(v.PrecisionTimestamp.GetPrecision())
		if err != nil {
			return nil, err
		}
		return scalar.NewTimestampScalar(arrow.Timestamp(v.PrecisionTimestamp.GetValue()), &arrow.TimestampType{Unit: unit}), nil
	case *substraitpb.Expression_Literal_Null:
		dt, _, err := arrowType(v.Null)
		if err != nil {
			return nil, fmt.Errorf("null literal: %w", err)
		}
		return scalar.MakeNullScalar(dt), nil
	case nil:
		return nil, errkind.Errorf(errkind.InvalidArgument, "empty literal")
	}
	return nil, errkind.Errorf(errkind.Unimplemented, "literal of type %T is not supported", l.GetLiteralType())
}

func pow10(k int32) int64 {
	r := int64(1)
	for ; k > 0; k-- {
		r *= 10
	}
	return r
}
