package logical

import (
	"errors"
	"fmt"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"
)

// ErrNotExpressible is returned (wrapped) when a plan has no form that
// EmitOptions allow.
var ErrNotExpressible = errors.New("not expressible with the emit options")

// EmitOptions are choices ToSubstraitWith makes for the consumer that will
// read the plan. The zero value emits the standard form.
type EmitOptions struct {
	// ValueArgumentsOnly writes no enum function arguments, for consumers
	// that reject them (DataFusion 55's Substrait consumer:
	// apache/datafusion#12493). extract(YEAR|MONTH|DAY FROM date) becomes
	// integer arithmetic on the date's day number (ExtractWithValues);
	// any other call with an enum argument is an error, since it has no
	// value-only form.
	ValueArgumentsOnly bool
}

// The civil-from-days computation below is Howard Hinnant's
// (http://howardhinnant.github.io/date_algorithms.html#civil_from_days),
// as the engine's extract computes it (executor/expr/extract.go), written
// with add, subtract, multiply and divide of i64 only.
const (
	// daysPerEra is the length of the Gregorian calendar's 400-year cycle.
	daysPerEra = 146097
	// marchEpoch moves day 0 from 1970-01-01 to 0000-03-01, so that the
	// leap day ends the computed year.
	marchEpoch = 719468
	// eraShift eras are added to every day number so that each division
	// sees a non-negative dividend, for which truncating division (which
	// Substrait's divide and every consumer's integer division do) is floor
	// division. 14700 eras (5,880,000 years) lift the smallest i32 day
	// number above zero; the years are taken off again at the end.
	eraShift = 14700
)

// ExtractWithValues returns extract(component FROM date), for component
// YEAR, MONTH or DAY of a date, as an expression of value arguments only:
// cast(cast(date AS i32) AS i64) and i64 arithmetic, exact for every date.
// A null date gives null. Years are astronomical (year 0 is 1 BC), as the
// extract function's are.
func ExtractWithValues(fns *Functions, component string, date Expr) (Expr, error) {
	if _, ok := date.Type().(*types.DateType); !ok {
		return nil, fmt.Errorf("logical: extract %s from %s: %w", component, date.Type(), ErrNotExpressible)
	}
	component = strings.ToUpper(component)
	if component != "YEAR" && component != "MONTH" && component != "DAY" {
		return nil, fmt.Errorf("logical: extract %s (YEAR, MONTH and DAY have value-argument forms): %w", component, ErrNotExpressible)
	}
	n := date.Type().GetNullability()
	b := &arith{fns: fns}
	days := &Cast{X: &Cast{X: date, T: &types.Int32Type{Nullability: n}}, T: &types.Int64Type{Nullability: n}}
	z := b.add(days, i64(marchEpoch+eraShift*daysPerEra))
	era := b.div(z, i64(daysPerEra))
	doe := b.sub(z, b.mul(era, i64(daysPerEra))) // day of era, [0, 146096]
	// year of era, [0, 399]
	yoe := b.div(b.sub(b.add(b.sub(doe, b.div(doe, i64(1460))), b.div(doe, i64(36524))), b.div(doe, i64(146096))), i64(365))
	// day of the year starting March 1, [0, 365]
	doy := b.sub(doe, b.sub(b.add(b.mul(i64(365), yoe), b.div(yoe, i64(4))), b.div(yoe, i64(100))))
	mp := b.div(b.add(b.mul(i64(5), doy), i64(2)), i64(153)) // month from March, [0, 11]
	janFeb := b.div(mp, i64(10))                             // 1 for January and February, else 0
	var out Expr
	switch component {
	case "YEAR":
		out = b.sub(b.add(b.add(yoe, b.mul(era, i64(400))), janFeb), i64(eraShift*400))
	case "MONTH":
		out = b.sub(b.add(mp, i64(3)), b.mul(i64(12), janFeb))
	case "DAY":
		out = b.add(b.sub(doy, b.div(b.add(b.mul(i64(153), mp), i64(2)), i64(5))), i64(1))
	}
	if b.err != nil {
		return nil, fmt.Errorf("logical: extract %s without enum arguments: %w", component, b.err)
	}
	return out, nil
}

// arith builds calls of the arithmetic functions, keeping the first error.
type arith struct {
	fns *Functions
	err error
}

func (a *arith) call(name string, x, y Expr) Expr {
	if a.err != nil {
		return x
	}
	c, err := a.fns.Call(name, x, y)
	if err != nil {
		a.err = err
		return x
	}
	return c
}

func (a *arith) add(x, y Expr) Expr { return a.call("add", x, y) }
func (a *arith) sub(x, y Expr) Expr { return a.call("subtract", x, y) }
func (a *arith) mul(x, y Expr) Expr { return a.call("multiply", x, y) }
func (a *arith) div(x, y Expr) Expr { return a.call("divide", x, y) }

func i64(v int64) *Literal {
	return &Literal{Value: v, T: &types.Int64Type{Nullability: types.NullabilityRequired}}
}
