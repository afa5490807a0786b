package expr

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// dateArith adds or subtracts an interval to or from a date or timestamp.
// Year-month intervals move by calendar months and clamp to the month's
// last day, as SQL does ('2000-01-31' + 1 month = '2000-02-29'). A date
// plus a day-time interval is a timestamp in the Substrait extension (and
// a date when the producer declares one, as for TPC-H's date arithmetic);
// timestamps are UTC.
type dateArith struct {
	op       arithOp
	date, iv Expr
	out      arrow.DataType // date32 or a timestamp
}

// bindDateArith binds add/subtract of a date or timestamp and an interval;
// ok is false if the call is not one.
func bindDateArith(op arithOp, c *Call) (Expr, bool, error) {
	a, b := c.Args[0].DataType(), c.Args[1].DataType()
	isInterval := func(dt arrow.DataType) bool {
		return dt.ID() == arrow.INTERVAL_MONTHS || dt.ID() == arrow.INTERVAL_DAY_TIME
	}
	isTime := func(dt arrow.DataType) bool { return dt.ID() == arrow.DATE32 || dt.ID() == arrow.TIMESTAMP }
	date, iv := c.Args[0], c.Args[1]
	switch {
	case isTime(a) && isInterval(b):
	case op == opAdd && isInterval(a) && isTime(b):
		date, iv = iv, date
	case isTime(a) || isTime(b):
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of %s and %s", arithNames[op], a, b)
	default:
		return nil, false, nil
	}
	if op != opAdd && op != opSub {
		return nil, false, errkind.Errorf(errkind.InvalidArgument, "%s of a date and an interval", arithNames[op])
	}
	out := date.DataType()
	switch {
	case c.Out != nil && (c.Out.ID() == arrow.DATE32 || c.Out.ID() == arrow.TIMESTAMP):
		out = c.Out
	case c.Out != nil:
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of a date and an interval returning %s", arithNames[op], c.Out)
	}
	if t, ok := out.(*arrow.TimestampType); ok && t.TimeZone != "" {
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of an interval in time zone %s", arithNames[op], t.TimeZone)
	}
	if out.ID() == arrow.DATE32 && date.DataType().ID() != arrow.DATE32 {
		return nil, false, errkind.Errorf(errkind.Unimplemented, "%s of a timestamp and an interval returning a date", arithNames[op])
	}
	return &dateArith{op: op, date: date, iv: iv, out: out}, true, nil
}

func (e *dateArith) DataType() arrow.DataType { return e.out }

func (e *dateArith) String() string { return fmt.Sprintf("%s(%s, %s)", arithNames[e.op], e.date, e.iv) }

func (e *dateArith) Eval(ctx context.Context, alloc memory.Allocator, b arrow.RecordBatch) (arrow.Array, error) {
	args, err := evalArgs(ctx, alloc, b, []Expr{e.date, e.iv})
	if err != nil {
		return nil, err
	}
	defer releaseAll(args)
	d, iv := args[0], args[1]
	sign := int64(1)
	if e.op == opSub {
		sign = -1
	}
	if ts, ok := e.out.(*arrow.TimestampType); ok {
		return e.evalTimestamp(alloc, d, iv, ts, sign)
	}
	n := d.Len()
	dates := arrow.GetValues[int32](d.Data(), 1)
	r := newFixedResult[int32](alloc, n, d, iv)
	out := r.vals
	switch iv.DataType().ID() {
	case arrow.INTERVAL_MONTHS:
		months := arrow.GetValues[arrow.MonthInterval](iv.Data(), 1)
		for i := range out {
			out[i] = addMonths(dates[i], int32(sign)*int32(months[i]))
		}
	case arrow.INTERVAL_DAY_TIME:
		dt := arrow.GetValues[arrow.DayTimeInterval](iv.Data(), 1)
		for i := range out {
			if dt[i].Milliseconds != 0 && r.isValid(i) {
				r.discard()
				return nil, errkind.Errorf(errkind.Unimplemented, "date %s an interval with a time part, as a date", arithNames[e.op])
			}
			out[i] = dates[i] + int32(sign)*dt[i].Days
		}
	}
	return r.array(e.out), nil
}

// evalTimestamp computes in units of ts since the epoch; a date input is
// midnight of its day.
func (e *dateArith) evalTimestamp(alloc memory.Allocator, d, iv arrow.Array, ts *arrow.TimestampType, sign int64) (arrow.Array, error) {
	perSec := int64(time.Second / ts.Unit.Multiplier())
	perDay := 86400 * perSec
	var at func(i int) int64
	if d.DataType().ID() == arrow.DATE32 {
		dates := arrow.GetValues[int32](d.Data(), 1)
		at = func(i int) int64 { return int64(dates[i]) * perDay }
	} else {
		v := arrow.GetValues[int64](d.Data(), 1)
		at = func(i int) int64 { return v[i] }
	}
	r := newFixedResult[int64](alloc, d.Len(), d, iv)
	switch iv.DataType().ID() {
	case arrow.INTERVAL_MONTHS:
		months := arrow.GetValues[arrow.MonthInterval](iv.Data(), 1)
		for i := range r.vals {
			t := at(i)
			days := floorDiv(t, perDay)
			r.vals[i] = int64(addMonths(int32(days), int32(sign)*int32(months[i])))*perDay + (t - days*perDay)
		}
	case arrow.INTERVAL_DAY_TIME:
		dt := arrow.GetValues[arrow.DayTimeInterval](iv.Data(), 1)
		for i := range r.vals {
			r.vals[i] = at(i) + sign*(int64(dt[i].Days)*perDay+int64(dt[i].Milliseconds)*perSec/1000)
		}
	}
	return r.array(ts), nil
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
