package expr

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// dateArith adds or subtracts an interval to or from a date. Year-month
// intervals move by calendar months and clamp to the month's last day, as
// SQL does ('2000-01-31' + 1 month = '2000-02-29').
type dateArith struct {
	op       arithOp
	date, iv Expr
}

// bindDateArith binds add/subtract of a date and an interval; ok is false if
// the call is not one.
func bindDateArith(op arithOp, c *Call) (Expr, bool, error) {
	a, b := c.Args[0].DataType(), c.Args[1].DataType()
	isInterval := func(dt arrow.DataType) bool {
		return dt.ID() == arrow.INTERVAL_MONTHS || dt.ID() == arrow.INTERVAL_DAY_TIME
	}
	date, iv := c.Args[0], c.Args[1]
	switch {
	case a.ID() == arrow.DATE32 && isInterval(b):
	case op == opAdd && isInterval(a) && b.ID() == arrow.DATE32:
		date, iv = iv, date
	case a.ID() == arrow.DATE32 || b.ID() == arrow.DATE32:
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of %s and %s", arithNames[op], a, b)
	default:
		return nil, false, nil
	}
	if op != opAdd && op != opSub {
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "%s of a date and an interval", arithNames[op])
	}
	if c.Out != nil && c.Out.ID() != arrow.DATE32 {
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of a date and an interval returning %s", arithNames[op], c.Out)
	}
	return &dateArith{op: op, date: date, iv: iv}, true, nil
}

func (e *dateArith) DataType() arrow.DataType { return arrow.FixedWidthTypes.Date32 }

func (e *dateArith) String() string { return fmt.Sprintf("%s(%s, %s)", arithNames[e.op], e.date, e.iv) }

func (e *dateArith) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	args, err := evalArgs(ctx, alloc, b, []Expr{e.date, e.iv})
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	d, iv := args[0], args[1]
	n := d.Len()
	dates := arrow.GetValues[int32](d.Data(), 1)
	sign := int32(1)
	if e.op == opSub {
		sign = -1
	}
	r := newFixedResult[int32](alloc, n, d, iv)
	out := r.vals
	switch iv.DataType().ID() {
	case arrow.INTERVAL_MONTHS:
		months := arrow.GetValues[arrow.MonthInterval](iv.Data(), 1)
		for i := range out {
			out[i] = addMonths(dates[i], sign*int32(months[i]))
		}
	case arrow.INTERVAL_DAY_TIME:
		dt := arrow.GetValues[arrow.DayTimeInterval](iv.Data(), 1)
		for i := range out {
			if dt[i].Milliseconds != 0 && r.isValid(i) {
				r.discard()
				return nil, errkind.Errorf(errkind.Unimplemented, "date %s an interval with a time part", arithNames[e.op])
			}
			out[i] = dates[i] + sign*dt[i].Days
		}
	}
	return r.array(arrow.FixedWidthTypes.Date32), nil
}

func addMonths(days, months int32) int32 {
	t := time.Unix(int64(days)*86400, 0).UTC()
	y, m, d := t.Date()
	total := int(m) - 1 + int(months)
	y += total / 12
	total %= 12
	if total < 0 {
		total += 12
		y--
	}
	first := time.Date(y, time.Month(total+1), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if d > last {
		d = last
	}
	return int32(time.Date(y, time.Month(total+1), d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}
