package expr

import (
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
)

// round_temporal(x, rounding, unit, multiple, origin) rounds a date or
// timestamp to a multiple of multiple units counted from origin
// (functions_datetime.yaml). It is what SQL's date_trunc becomes: the SQL
// front end passes FLOOR, multiple 1 (3 months for a quarter) and an
// origin on a boundary of every unit, 1970-01-05 (a Monday) for weeks and
// 1970-01-01 otherwise. Timestamps are UTC.
//
// WEEK and shorter units have a fixed length, so x rounds down to
// origin + floor((x - origin) / step) * step. YEAR and MONTH are calendar
// units: the candidates are origin moved by whole steps of months, its day
// clamped to the month's last day as in date arithmetic (addMonths), its
// time of day kept. CEIL and the ROUND_TIE_* modes choose between that
// floor and the next candidate; a value on a boundary is its own rounding.

// roundingMode is round_temporal's rounding option.
type roundingMode int8

const (
	roundFloor roundingMode = iota
	roundCeil
	roundTieDown // the nearer candidate, the earlier on a tie
	roundTieUp   // the nearer candidate, the later on a tie
)

var roundingModes = map[string]roundingMode{
	"FLOOR": roundFloor, "CEIL": roundCeil, "ROUND_TIE_DOWN": roundTieDown, "ROUND_TIE_UP": roundTieUp,
}

// temporalUnitSeconds is the length of the fixed units in seconds; YEAR
// and MONTH (calendar units) are absent, sub-second units are below.
var temporalUnitSeconds = map[string]int64{"WEEK": 7 * 86400, "DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}

// temporalMonths is the length of the calendar units in months.
var temporalMonths = map[string]int64{"YEAR": 12, "MONTH": 1}

func bindRoundTemporal(_ *Registry, c *Call) (Expr, error) {
	if len(c.Args) == 6 {
		return nil, errkind.Errorf(errkind.Unimplemented, "round_temporal: time zones (the timestamp_tz variants)")
	}
	if err := wantArgs(c, 5); err != nil {
		return nil, err
	}
	enum := func(i int, what string) (string, error) {
		en, ok := c.Args[i].(*EnumArg)
		if !ok {
			return "", errkind.Errorf(errkind.InvalidArgument, "round_temporal: the %s (argument %d) is not an enum", what, i)
		}
		return en.Value, nil
	}
	rs, err := enum(1, "rounding")
	if err != nil {
		return nil, err
	}
	mode, ok := roundingModes[rs]
	if !ok {
		return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: rounding %s (want FLOOR, CEIL, ROUND_TIE_DOWN or ROUND_TIE_UP)", rs)
	}
	unit, err := enum(2, "unit")
	if err != nil {
		return nil, err
	}
	x, multiple, origin := c.Args[0], c.Args[3], c.Args[4]
	if nullArgs([]Expr{x, multiple, origin}) {
		return allNull("round_temporal", []Expr{x, multiple, origin}, x.DataType()), nil
	}
	if multiple.DataType().ID() != arrow.INT64 {
		return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: multiple is %s, not i64", multiple.DataType())
	}
	if !arrow.TypeEqual(x.DataType(), origin.DataType()) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: origin is %s, not %s like the value", origin.DataType(), x.DataType())
	}
	// perSec is the number of x's units in a second; 0 for dates, in days.
	var perSec int64
	switch t := x.DataType().(type) {
	case *arrow.Date32Type:
	case *arrow.TimestampType:
		if t.TimeZone != "" && t.TimeZone != "UTC" {
			return nil, errkind.Errorf(errkind.Unimplemented, "round_temporal: timestamp in time zone %s", t.TimeZone)
		}
		perSec = int64(time.Second / t.Unit.Multiplier())
	default:
		return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal of %s", t)
	}
	// Exactly one of step (x's units per unit) and months is set.
	var step, months int64
	if m, ok := temporalMonths[unit]; ok {
		months = m
	} else if s, ok := temporalUnitSeconds[unit]; ok {
		step = s * perSec
		if perSec == 0 {
			if s%86400 != 0 {
				return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: unit %s of a date (YEAR, MONTH, WEEK and DAY apply)", unit)
			}
			step = s / 86400
		}
	} else {
		switch unit {
		case "MILLISECOND":
			step = perSec / 1000
		case "MICROSECOND":
			step = perSec / 1000000
		default:
			return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: unit %s (want YEAR, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, MILLISECOND or MICROSECOND)", unit)
		}
		if step == 0 {
			return nil, errkind.Errorf(errkind.InvalidArgument, "round_temporal: unit %s is finer than %s", unit, x.DataType())
		}
	}
	dt := x.DataType()
	return &fn{name: "round_temporal", args: []Expr{x, multiple, origin}, dt: dt, k: func(alloc memory.Allocator, n int, args []arrow.Array) (arrow.Array, error) {
		mult := arrow.GetValues[int64](args[1].Data(), 1)
		if perSec == 0 {
			r := newFixedResult[int32](alloc, n, args...)
			xs, os := arrow.GetValues[int32](args[0].Data(), 1), arrow.GetValues[int32](args[2].Data(), 1)
			if err := roundTemporal(r, xs, mult, os, mode, step, months, 1); err != nil {
				r.discard()
				return nil, err
			}
			return r.array(dt), nil
		}
		r := newFixedResult[int64](alloc, n, args...)
		xs, os := arrow.GetValues[int64](args[0].Data(), 1), arrow.GetValues[int64](args[2].Data(), 1)
		if err := roundTemporal(r, xs, mult, os, mode, step, months, 86400*perSec); err != nil {
			r.discard()
			return nil, err
		}
		return r.array(dt), nil
	}}, nil
}

// roundTemporal rounds xs into r.vals: by step units of x when months is
// 0, else by months calendar months; perDay is the number of x's units in
// a day (1 for dates).
func roundTemporal[T int32 | int64](r *fixedResult[T], xs []T, mult []int64, origins []T, mode roundingMode, step, months, perDay int64) error {
	for i := range r.vals {
		if !r.isValid(i) {
			r.vals[i] = 0
			continue
		}
		m := mult[i]
		if m <= 0 || m > math.MaxInt32 {
			return errkind.Errorf(errkind.InvalidArgument, "round_temporal: multiple %d (want 1 to %d)", m, math.MaxInt32)
		}
		x, o := int64(xs[i]), int64(origins[i])
		var lo, hi int64 // the candidates at or before x, and after it
		if months == 0 {
			s := m * step
			lo = o + floorDiv(x-o, s)*s
			hi = lo + s
		} else {
			s := m * months
			oDays := floorDiv(o, perDay)
			oTime := o - oDays*perDay
			at := func(k int64) int64 { return int64(addMonths(int32(oDays), int32(k*s)))*perDay + oTime }
			// Months between the origin's month and x's, in whole steps;
			// the origin's day or time of day may put that candidate after x.
			oy, om, _ := civil(oDays)
			xy, xm, _ := civil(floorDiv(x, perDay))
			k := floorDiv((xy-oy)*12+xm-om, s)
			if (k-1)*s < math.MinInt32 || (k+1)*s > math.MaxInt32 {
				return errkind.Errorf(errkind.InvalidArgument, "round_temporal: %d months from the origin is out of range", k*s)
			}
			if lo = at(k); lo > x {
				k--
				lo = at(k)
			}
			hi = at(k + 1)
		}
		switch {
		case lo == x, mode == roundFloor:
			r.vals[i] = T(lo)
		case mode == roundCeil:
			r.vals[i] = T(hi)
		case x-lo < hi-x, x-lo == hi-x && mode == roundTieDown:
			r.vals[i] = T(lo)
		default:
			r.vals[i] = T(hi)
		}
	}
	return nil
}
