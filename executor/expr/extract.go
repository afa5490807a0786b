package expr

import (
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// extract(component, x) returns a part of a date or timestamp as i64
// (functions_datetime.yaml). Timestamps are taken as UTC. MILLISECOND and
// MICROSECOND count from the start of the minute's second
// (15.22 s -> 15220 ms), as the Substrait test cases and SQL engines do.

// extractComponent reports whether the engine knows comp and whether it
// is a part of the time of day (timestamps only).
func extractComponent(comp string) (timeOfDay, known bool) {
	switch comp {
	case "YEAR", "ISO_YEAR", "QUARTER", "MONTH", "DAY", "DAY_OF_YEAR",
		"MONDAY_DAY_OF_WEEK", "SUNDAY_DAY_OF_WEEK", "ISO_WEEK":
		return false, true
	case "HOUR", "MINUTE", "SECOND", "MILLISECOND", "MICROSECOND", "UNIX_TIME":
		return true, true
	}
	return false, false
}

func bindExtract(_ *Registry, c *Call) (Expr, error) {
	if err := wantArgs(c, 2); err != nil {
		return nil, err
	}
	en, ok := c.Args[0].(*EnumArg)
	if !ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "extract: the component (argument 0) is not an enum")
	}
	comp := en.Value
	timeOfDay, known := extractComponent(comp)
	if !known {
		return nil, errkind.Errorf(errkind.Unimplemented, "extract: component %s", comp)
	}
	dt := arrow.PrimitiveTypes.Int64
	var perDay int64 // units of the input per day; 0 for dates
	switch t := c.Args[1].DataType().(type) {
	case *arrow.Date32Type:
		if timeOfDay && comp != "UNIX_TIME" {
			return nil, errkind.Errorf(errkind.InvalidArgument, "extract: %s of a date", comp)
		}
	case *arrow.TimestampType:
		if t.TimeZone != "" && t.TimeZone != "UTC" {
			return nil, errkind.Errorf(errkind.Unimplemented, "extract: timestamp in time zone %s", t.TimeZone)
		}
		perDay = 86400 * int64(time.Second/t.Unit.Multiplier())
	case *arrow.NullType:
		return allNull("extract", c.Args, dt), nil
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "extract from %s", t)
	}
	return &fn{name: "extract", args: c.Args[1:], dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		x := args[0]
		r := newFixedResult[int64](alloc, n, x)
		if perDay == 0 {
			for i, d := range arrow.GetValues[int32](x.Data(), 1) {
				r.vals[i] = datePart(comp, int64(d))
			}
			return r.array(dt), nil
		}
		perSec := perDay / 86400
		for i, ts := range arrow.GetValues[int64](x.Data(), 1) {
			days := floorDiv(ts, perDay)
			within := ts - days*perDay // units since midnight
			switch comp {
			case "HOUR":
				r.vals[i] = within / (3600 * perSec)
			case "MINUTE":
				r.vals[i] = within / (60 * perSec) % 60
			case "SECOND":
				r.vals[i] = within / perSec % 60
			case "MILLISECOND":
				r.vals[i] = within % (60 * perSec) * 1000 / perSec
			case "MICROSECOND":
				r.vals[i] = within % (60 * perSec) * 1000000 / perSec
			case "UNIX_TIME":
				r.vals[i] = floorDiv(ts, perSec)
			default:
				r.vals[i] = datePart(comp, days)
			}
		}
		return r.array(dt), nil
	}}, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days_from_civil, inverted).
func civil(z int64) (y int64, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// datePart is a date component of the day days since the epoch.
func datePart(comp string, days int64) int64 {
	y, m, d := civil(days)
	switch comp {
	case "YEAR":
		return y
	case "MONTH":
		return m
	case "DAY":
		return d
	case "QUARTER":
		return (m-1)/3 + 1
	case "UNIX_TIME":
		return days * 86400
	}
	t := time.Unix(days*86400, 0).UTC()
	switch comp {
	case "DAY_OF_YEAR":
		return int64(t.YearDay())
	case "MONDAY_DAY_OF_WEEK": // Monday 1 .. Sunday 7
		return (int64(t.Weekday())+6)%7 + 1
	case "SUNDAY_DAY_OF_WEEK": // Sunday 1 .. Saturday 7
		return int64(t.Weekday()) + 1
	case "ISO_YEAR":
		iy, _ := t.ISOWeek()
		return int64(iy)
	case "ISO_WEEK":
		_, w := t.ISOWeek()
		return int64(w)
	}
	return 0
}
