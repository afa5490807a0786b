package dataframe

import (
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// aggregate is the aggregate function name over args (none for count(*)).
func aggregate(name string, distinct bool, args ...Expr) Expr {
	names := make([]string, len(args))
	for i, a := range args {
		names[i] = a.name
	}
	label := strings.Join(names, ", ")
	if distinct {
		label = "DISTINCT " + label
	}
	if len(args) == 0 {
		label = "*"
	}
	return Expr{name: name + "(" + label + ")", agg: true, bind: func(b *binder) (logical.Expr, error) {
		return b.aggregate(name, distinct, args)
	}}
}

// Sum is the sum of e over a group's rows.
func Sum(e Expr) Expr { return aggregate("sum", false, e) }

// Avg is the mean of e over a group's rows.
func Avg(e Expr) Expr { return aggregate("avg", false, e) }

// Min is the least value of e in a group.
func Min(e Expr) Expr { return aggregate("min", false, e) }

// Max is the greatest value of e in a group.
func Max(e Expr) Expr { return aggregate("max", false, e) }

// Count is the number of a group's rows where e is not null.
func Count(e Expr) Expr { return aggregate("count", false, e) }

// CountAll is the number of a group's rows, SQL's count(*).
func CountAll() Expr { return aggregate("count", false) }

// CountDistinct is the number of distinct non-null values of e in a group.
func CountDistinct(e Expr) Expr { return aggregate("count", true, e) }

// SumDistinct is the sum of the distinct values of e in a group.
func SumDistinct(e Expr) Expr { return aggregate("sum", true, e) }

// Call calls the scalar function of the standard Substrait extensions
// with the simple name name ("upper", "round", "coalesce") on args;
// the variant is chosen by the argument types, without coercions.
func Call(name string, args ...any) Expr {
	es := operands(args...)
	names := make([]string, len(es))
	for i, a := range es {
		names[i] = a.name
	}
	return combine(name+"("+strings.Join(names, ", ")+")", es, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.call(name, xs...)
	})
}

// Substring is length characters of the string e from the 1-based start.
func Substring(e Expr, start, length int32) Expr {
	return Call("substring", e, start, length)
}

// Upper is the string e in upper case.
func Upper(e Expr) Expr { return Call("upper", e) }

// Lower is the string e in lower case.
func Lower(e Expr) Expr { return Call("lower", e) }

// Extract is a component of the date e: "YEAR", "MONTH", "DAY", ...
// (Substrait's extract components, case-insensitive).
func Extract(component string, e Expr) Expr {
	component = strings.ToUpper(component)
	return combine("extract("+component+" FROM "+e.name+")", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		return b.call("extract", &logical.Enum{Value: component}, xs[0])
	})
}

// Year is the year of the date e.
func Year(e Expr) Expr { return Extract("YEAR", e) }

// DateTrunc is the date or timestamp e truncated to the start of its unit
// ("year", "quarter", "month", "week" (from Monday), "day", "hour",
// "minute", "second", ...), as a timestamp: SQL's date_trunc
// (logical.DateTrunc).
func DateTrunc(unit string, e Expr) Expr {
	return combine("date_trunc('"+unit+"', "+e.name+")", []Expr{e}, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		x, err := logical.DateTrunc(b.fns, unit, xs[0])
		if err != nil {
			return nil, fmt.Errorf("dataframe: %s: %w", b.what, err)
		}
		return x, nil
	})
}

// CaseBuilder builds a CASE expression: When(cond, value).When(...)
// ...Otherwise(value) or .End().
type CaseBuilder struct {
	conds, values []Expr
}

// When starts a CASE expression: value where cond is true.
func When(cond Expr, value any) *CaseBuilder {
	return &CaseBuilder{conds: []Expr{cond}, values: []Expr{Lit(value)}}
}

// When adds a branch: value where cond is true and no earlier branch's
// condition is. The receiver is not modified.
func (c *CaseBuilder) When(cond Expr, value any) *CaseBuilder {
	return &CaseBuilder{
		conds:  append(append([]Expr{}, c.conds...), cond),
		values: append(append([]Expr{}, c.values...), Lit(value)),
	}
}

// Otherwise ends the expression: value where no condition is true.
func (c *CaseBuilder) Otherwise(value any) Expr { return c.build(Lit(value), true) }

// End ends the expression: null where no condition is true.
func (c *CaseBuilder) End() Expr { return c.build(Expr{}, false) }

// build binds the conditions, then gives every branch the values' common
// type, as SQL's CASE does.
func (c *CaseBuilder) build(otherwise Expr, hasElse bool) Expr {
	args := append(append([]Expr{}, c.conds...), c.values...)
	if hasElse {
		args = append(args, otherwise)
	}
	n := len(c.conds)
	return combine("case", args, func(b *binder, xs []logical.Expr) (logical.Expr, error) {
		for i, cond := range xs[:n] {
			if err := wantBool(cond, "CASE WHEN condition "+c.conds[i].name); err != nil {
				return nil, err
			}
		}
		results := xs[n:]
		t, err := logical.CommonType(results)
		if err != nil {
			return nil, errkind.Errorf(errkind.InvalidArgument, "dataframe: CASE values: %v", err)
		}
		if !hasElse {
			t = t.WithNullability(types.NullabilityNullable)
		}
		out := &logical.Case{T: t}
		for i := range n {
			out.Whens = append(out.Whens, logical.When{Cond: xs[i], Then: logical.ForceNull(logical.Coerce(results[i], t), t)})
		}
		if hasElse {
			out.Else = logical.ForceNull(logical.Coerce(results[n], t), t)
		}
		return out, nil
	})
}
