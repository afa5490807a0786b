package dataframe

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Expr is an expression of the DataFrame API: a column, a literal, or an
// operator or function applied to expressions. It is unresolved — names
// are looked up when it is used on a DataFrame (Select, Filter, ...), and
// typed then, with SQL's coercions — so one Expr may be used on several
// DataFrames. An Expr built from bad input (Lit of an unsupported Go
// value, Date of a malformed date) carries the error to the DataFrame that
// uses it. Expr values are immutable; the zero Expr is invalid.
//
// Methods taking an `any` operand accept an Expr or a Go value, which
// becomes Lit(value).
type Expr struct {
	// name is the output column's name when the expression is selected.
	name string
	bind func(b *binder) (logical.Expr, error)
	// agg is set when the expression is or contains an aggregate call;
	// cols when it refers to a column outside aggregate calls.
	agg, cols bool
	// col is set for a plain column reference, whose qualifier a
	// projection keeps.
	col bool
}

// Col refers to a column by name: "name", or "qualifier.name" where the
// qualifier is a table's name (Context.Table) or an alias (DataFrame.Alias).
// Names match exactly, or else case-insensitively.
func Col(name string) Expr {
	return Expr{name: unqualified(name), cols: true, col: true, bind: func(b *binder) (logical.Expr, error) {
		return b.sc.resolve(name)
	}}
}

func unqualified(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// Lit is a constant: nil (a null), a bool, an integer (int32 if it fits,
// as SQL types integer constants, else int64; int64 values are int64), a
// float (float64), a string, or a time.Time (its date, in UTC). Strings
// take the type of what they meet, as SQL's literals do: Col("d").Lt("1995-03-15")
// compares dates. For decimals use Dec, for intervals Days, Months and
// Years.
func Lit(v any) Expr {
	if e, ok := v.(Expr); ok {
		return e
	}
	l, err := literal(v)
	if err != nil {
		return errExpr(err)
	}
	return litExpr(l)
}

func litExpr(l *logical.Literal) Expr {
	name := fmt.Sprint(l.Value)
	switch v := l.Value.(type) {
	case nil:
		name = "NULL"
	case string:
		name = "'" + v + "'"
	case logical.Date:
		name = time.Unix(int64(v)*86400, 0).UTC().Format(time.DateOnly)
	case logical.Decimal:
		name = v.Unscaled.ToString(l.T.(*types.DecimalType).Scale)
	}
	return Expr{name: name, bind: func(*binder) (logical.Expr, error) { return l, nil }}
}

func literal(v any) (*logical.Literal, error) {
	req := types.NullabilityRequired
	i32 := func(n int64) *logical.Literal {
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			return &logical.Literal{Value: int32(n), T: &types.Int32Type{Nullability: req}}
		}
		return &logical.Literal{Value: n, T: &types.Int64Type{Nullability: req}}
	}
	switch v := v.(type) {
	case nil:
		return &logical.Literal{T: &types.BooleanType{Nullability: types.NullabilityNullable}}, nil
	case bool:
		return &logical.Literal{Value: v, T: &types.BooleanType{Nullability: req}}, nil
	case int:
		return i32(int64(v)), nil
	case int8:
		return i32(int64(v)), nil
	case int16:
		return i32(int64(v)), nil
	case int32:
		return i32(int64(v)), nil
	case int64:
		return &logical.Literal{Value: v, T: &types.Int64Type{Nullability: req}}, nil
	case uint8:
		return i32(int64(v)), nil
	case uint16:
		return i32(int64(v)), nil
	case uint32:
		return i32(int64(v)), nil
	case uint:
		if uint64(v) > math.MaxInt64 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: literal %d does not fit in int64", v)
		}
		return i32(int64(v)), nil
	case uint64:
		if v > math.MaxInt64 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: literal %d does not fit in int64", v)
		}
		return i32(int64(v)), nil
	case float32:
		return &logical.Literal{Value: float64(v), T: &types.Float64Type{Nullability: req}}, nil
	case float64:
		return &logical.Literal{Value: v, T: &types.Float64Type{Nullability: req}}, nil
	case string:
		return &logical.Literal{Value: v, T: &types.StringType{Nullability: req}}, nil
	case time.Time:
		y, m, d := v.UTC().Date()
		days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		return &logical.Literal{Value: logical.Date(days), T: &types.DateType{Nullability: req}}, nil
	}
	return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: no literal of Go type %T", v)
}

// Dec is a decimal constant written in decimal notation, "0.06" (a
// decimal(2, 2)), typed as SQL types the number 0.06.
func Dec(s string) Expr {
	l, err := logical.NumericLiteral(s)
	if err != nil {
		return errExpr(fmt.Errorf("dataframe: Dec: %w", err))
	}
	if _, ok := l.T.(*types.DecimalType); !ok {
		return errExpr(errkind.Errorf(errkind.InvalidArgument, "dataframe: Dec(%q) is not a decimal number", s))
	}
	return litExpr(l)
}

// Date is a date constant, "1995-03-15".
func Date(s string) Expr {
	d, err := logical.ParseDate(s)
	if err != nil {
		return errExpr(fmt.Errorf("dataframe: Date: %w", err))
	}
	return litExpr(&logical.Literal{Value: d, T: &types.DateType{Nullability: types.NullabilityRequired}})
}

// Days is an interval of n days, to add to or subtract from dates.
func Days(n int32) Expr {
	return litExpr(&logical.Literal{Value: logical.IntervalDay{Days: n}, T: &types.IntervalDayType{Nullability: types.NullabilityRequired}})
}

// Months is an interval of n months.
func Months(n int32) Expr {
	return litExpr(&logical.Literal{Value: logical.IntervalYear{Years: n / 12, Months: n % 12}, T: &types.IntervalYearType{Nullability: types.NullabilityRequired}})
}

// Years is an interval of n years.
func Years(n int32) Expr {
	return litExpr(&logical.Literal{Value: logical.IntervalYear{Years: n}, T: &types.IntervalYearType{Nullability: types.NullabilityRequired}})
}

func errExpr(err error) Expr {
	return Expr{name: "?", bind: func(*binder) (logical.Expr, error) { return nil, err }}
}

// Alias names the expression's output column.
func (e Expr) Alias(name string) Expr {
	e.name = name
	e.col = false // a renamed column loses its qualifier
	return e
}

// Name returns the name the expression's column gets when selected.
func (e Expr) Name() string { return e.name }

// combine makes an expression of args, named name, bound by bind.
func combine(name string, args []Expr, bind func(b *binder, xs []logical.Expr) (logical.Expr, error)) Expr {
	out := Expr{name: name}
	for _, a := range args {
		out.agg = out.agg || a.agg
		out.cols = out.cols || a.cols
	}
	out.bind = func(b *binder) (logical.Expr, error) {
		xs := make([]logical.Expr, len(args))
		for i, a := range args {
			var err error
			if xs[i], err = b.expr(a); err != nil {
				return nil, err
			}
		}
		return bind(b, xs)
	}
	return out
}

func operands(vs ...any) []Expr {
	es := make([]Expr, len(vs))
	for i, v := range vs {
		es[i] = Lit(v)
	}
	return es
}

// binary applies the binary function fn, written op in names and errors.
func (e Expr) binary(op, fn string, other any) Expr {
	args := operands(e, other)
	return combine("("+args[0].name+" "+op+" "+args[1].name+")", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.binary(op, fn, xs[0], xs[1])
	})
}

// Add is e + other; a date plus Days, Months or Years is a date.
func (e Expr) Add(other any) Expr { return e.binary("+", "add", other) }

// Sub is e - other.
func (e Expr) Sub(other any) Expr { return e.binary("-", "subtract", other) }

// Mul is e * other.
func (e Expr) Mul(other any) Expr { return e.binary("*", "multiply", other) }

// Div is e / other.
func (e Expr) Div(other any) Expr { return e.binary("/", "divide", other) }

// Mod is e % other.
func (e Expr) Mod(other any) Expr { return e.binary("%", "modulus", other) }

// Concat is the string e || other.
func (e Expr) Concat(other any) Expr { return e.binary("||", "concat", other) }

// Eq is e = other.
func (e Expr) Eq(other any) Expr { return e.binary("=", "equal", other) }

// Ne is e <> other.
func (e Expr) Ne(other any) Expr { return e.binary("<>", "not_equal", other) }

// Lt is e < other.
func (e Expr) Lt(other any) Expr { return e.binary("<", "lt", other) }

// Le is e <= other.
func (e Expr) Le(other any) Expr { return e.binary("<=", "lte", other) }

// Gt is e > other.
func (e Expr) Gt(other any) Expr { return e.binary(">", "gt", other) }

// Ge is e >= other.
func (e Expr) Ge(other any) Expr { return e.binary(">=", "gte", other) }

// Neg is -e.
func (e Expr) Neg() Expr {
	return combine("(-"+e.name+")", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		if l, ok := xs[0].(*logical.Literal); ok {
			if n, ok := logical.Negate(l); ok {
				return n, nil
			}
		}
		return b.call("negate", xs...)
	})
}

// And is the conjunction of e and the others, which must be boolean.
func (e Expr) And(others ...any) Expr { return e.logic("AND", "and", others) }

// Or is the disjunction of e and the others, which must be boolean.
func (e Expr) Or(others ...any) Expr { return e.logic("OR", "or", others) }

func (e Expr) logic(op, fn string, others []any) Expr {
	args := operands(append([]any{e}, others...)...)
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.name
	}
	return combine("("+strings.Join(names, " "+op+" ")+")", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		for i, x := range xs {
			if err := wantBool(x, op+" operand "+args[i].name); err != nil {
				return nil, err
			}
		}
		return b.call(fn, xs...)
	})
}

// Not is the negation of the boolean e.
func (e Expr) Not() Expr { return Not(e) }

// Not is the negation of the boolean e.
func Not(e Expr) Expr {
	return combine("(NOT "+e.name+")", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		if err := wantBool(xs[0], "NOT operand "+e.name); err != nil {
			return nil, err
		}
		return b.call("not", xs...)
	})
}

func wantBool(x logical.Expr, what string) error {
	if !logical.IsBoolean(x.Type()) {
		return errkind.Errorf(errkind.InvalidArgument, "dataframe: %s must be boolean, not %s", what, x.Type())
	}
	return nil
}

// Between is lo <= e AND e <= hi.
func (e Expr) Between(lo, hi any) Expr {
	args := operands(e, lo, hi)
	return combine("("+e.name+" BETWEEN "+args[1].name+" AND "+args[2].name+")", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		l, err := b.binary(">=", "gte", xs[0], xs[1])
		if err != nil {
			return nil, err
		}
		h, err := b.binary("<=", "lte", xs[0], xs[2])
		if err != nil {
			return nil, err
		}
		return b.call("and", l, h)
	})
}

// IsIn is true when e equals one of values; they and e are compared in
// their common type.
func (e Expr) IsIn(values ...any) Expr {
	args := operands(append([]any{e}, values...)...)
	names := make([]string, len(values))
	for i, a := range args[1:] {
		names[i] = a.name
	}
	return combine("("+e.name+" IN ("+strings.Join(names, ", ")+"))", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		if len(xs) == 1 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: IsIn of %s needs at least one value", e.name)
		}
		t, err := logical.CommonType(xs)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: %s IN list: %v", e.name, err)
		}
		for i := range xs {
			xs[i] = logical.Coerce(xs[i], t)
		}
		return &logical.InList{X: xs[0], List: xs[1:]}, nil
	})
}

// Like matches the string e against an SQL LIKE pattern (% any run of
// characters, _ any one).
func (e Expr) Like(pattern any) Expr {
	args := operands(e, pattern)
	return combine("("+e.name+" LIKE "+args[1].name+")", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.call("like", xs...)
	})
}

// IsNull is true when e is null.
func (e Expr) IsNull() Expr {
	return combine("("+e.name+" IS NULL)", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.call("is_null", xs...)
	})
}

// IsNotNull is true when e is not null.
func (e Expr) IsNotNull() Expr {
	return combine("("+e.name+" IS NOT NULL)", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.call("is_not_null", xs...)
	})
}

// Cast converts e to the Arrow type t (a date, decimal, integer, float,
// boolean or string type). A literal is converted at once.
func (e Expr) Cast(t arrow.DataType) Expr {
	return combine("CAST("+e.name+" AS "+t.String()+")", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		x := xs[0]
		st, err := logical.SubstraitType(t, logical.IsNullable(x.Type()))
		if err != nil {
			return nil, fmt.Errorf("dataframe: Cast: %w", err)
		}
		if l, ok := x.(*logical.Literal); ok && logical.IsUntypedString(l) {
			if _, ok := st.(*types.DateType); ok {
				d, err := logical.ParseDate(l.Value.(string))
				if err != nil {
					return nil, fmt.Errorf("dataframe: %w", err)
				}
				return &logical.Literal{Value: d, T: st}, nil
			}
		}
		return logical.Coerce(x, st), nil
	})
}

// SortKey is an expression to sort by, and how.
type SortKey struct {
	expr Expr
	desc bool
	// nulls is 0 for the default (PostgreSQL's: last ascending, first
	// descending), 1 for first, 2 for last.
	nulls int8
}

// Asc sorts by e ascending, nulls last.
func (e Expr) Asc() SortKey { return SortKey{expr: e} }

// Desc sorts by e descending, nulls first.
func (e Expr) Desc() SortKey { return SortKey{expr: e, desc: true} }

// NullsFirst puts nulls before other values.
func (k SortKey) NullsFirst() SortKey { k.nulls = 1; return k }

// NullsLast puts nulls after other values.
func (k SortKey) NullsLast() SortKey { k.nulls = 2; return k }
