package sql

import (
	"strconv"
	"strings"

	"github.com/substrait-io/substrait-go/v8/types"

	"github.com/trebuchet-dev/trebuchet/executor/errkind"
	"github.com/trebuchet-dev/trebuchet/sdk/sql/logical"
)

// Interval field bits of PostgreSQL's INTERVAL typmod (utils/datetime.h):
// the parser encodes a qualifier (DAY, YEAR TO MONTH) as the set of its
// fields; no qualifier is intervalFullRange.
const (
	maskMonth         = 1 << 1
	maskYear          = 1 << 2
	maskDay           = 1 << 3
	maskHour          = 1 << 10
	maskMinute        = 1 << 11
	maskSecond        = 1 << 12
	intervalFullRange = 0x7FFF
)

// intervalUnits maps the unit words of an interval string ('3 months') to
// months or seconds per unit.
var intervalUnits = map[string]struct{ months, seconds int64 }{
	"year": {months: 12}, "years": {months: 12}, "y": {months: 12},
	"month": {months: 1}, "months": {months: 1}, "mon": {months: 1}, "mons": {months: 1},
	"week": {seconds: 7 * 86400}, "weeks": {seconds: 7 * 86400}, "w": {seconds: 7 * 86400},
	"day": {seconds: 86400}, "days": {seconds: 86400}, "d": {seconds: 86400},
	"hour": {seconds: 3600}, "hours": {seconds: 3600}, "h": {seconds: 3600},
	"minute": {seconds: 60}, "minutes": {seconds: 60}, "min": {seconds: 60}, "mins": {seconds: 60}, "m": {seconds: 60},
	"second": {seconds: 1}, "seconds": {seconds: 1}, "sec": {seconds: 1}, "secs": {seconds: 1}, "s": {seconds: 1},
}

// qualifierUnits are the single-field qualifiers: INTERVAL '90' DAY.
var qualifierUnits = map[int32]string{
	maskYear: "year", maskMonth: "month", maskDay: "day",
	maskHour: "hour", maskMinute: "minute", maskSecond: "second",
}

// intervalLiteral parses an interval constant: a number under a
// qualifier ('90' DAY, '3' MONTH, '1-6' YEAR TO MONTH) or quantities with
// units ('90 days', '1 year 6 months', '-2 hours'). Years and months make
// a year-month interval, the other units a day-time one; Substrait has
// no literal type for a mix of both here.
func intervalLiteral(s string, mask int32) (logical.Expr, error) {
	bad := errkind.Errorf(errkind.InvalidArgument, "sql: invalid input syntax for type interval: %q", s)
	f := strings.Fields(strings.ToLower(s))
	if mask == 0 {
		mask = intervalFullRange
	}
	var months, seconds int64
	switch {
	case len(f) == 1 && mask == maskYear|maskMonth:
		// 'Y-M' YEAR TO MONTH.
		neg := strings.HasPrefix(f[0], "-")
		y, m, ok := strings.Cut(strings.TrimLeft(f[0], "+-"), "-")
		yi, err1 := strconv.ParseInt(y, 10, 32)
		mi, err2 := int64(0), error(nil)
		if ok {
			mi, err2 = strconv.ParseInt(m, 10, 32)
		}
		if err1 != nil || err2 != nil || mi > 11 {
			return nil, bad
		}
		months = yi*12 + mi
		if neg {
			months = -months
		}
	case len(f) == 1 && qualifierUnits[mask] != "":
		n, err := intervalNumber(f[0], s)
		if err != nil {
			return nil, err
		}
		u := intervalUnits[qualifierUnits[mask]]
		months, seconds = n*u.months, n*u.seconds
	case len(f) >= 2 && len(f)%2 == 0:
		for i := 0; i < len(f); i += 2 {
			n, err := intervalNumber(f[i], s)
			if err != nil {
				return nil, err
			}
			u, ok := intervalUnits[f[i+1]]
			if !ok {
				return nil, bad
			}
			months += n * u.months
			seconds += n * u.seconds
		}
	case len(f) == 1 && mask == intervalFullRange:
		// A bare number is seconds, as in PostgreSQL.
		n, err := intervalNumber(f[0], s)
		if err != nil {
			return nil, err
		}
		seconds = n
	default:
		if len(f) == 1 {
			return nil, errkind.Errorf(errkind.Unimplemented, "sql: interval qualifier with fields %#x", mask)
		}
		return nil, bad
	}
	req := types.NullabilityRequired
	switch {
	case months != 0 && seconds != 0:
		return nil, errkind.Errorf(errkind.Unimplemented, "sql: interval %q mixes months and days", s)
	case months != 0 || mask&(maskYear|maskMonth) != 0 && mask != intervalFullRange:
		if months/12 > 1<<31-1 || months/12 < -(1<<31) {
			return nil, errkind.Errorf(errkind.InvalidArgument, "sql: interval out of range: %q", s)
		}
		return &logical.Literal{Value: logical.IntervalYear{Years: int32(months / 12), Months: int32(months % 12)},
			T: &types.IntervalYearType{Nullability: req}}, nil
	}
	days := seconds / 86400
	if days > 1<<31-1 || days < -(1<<31) {
		return nil, errkind.Errorf(errkind.InvalidArgument, "sql: interval out of range: %q", s)
	}
	return &logical.Literal{Value: logical.IntervalDay{Days: int32(days), Seconds: int32(seconds % 86400)},
		T: &types.IntervalDayType{Precision: 0, Nullability: req}}, nil
}

// intervalNumber parses one integer quantity of an interval string.
func intervalNumber(f, s string) (int64, error) {
	n, err := strconv.ParseInt(f, 10, 32)
	if err == nil {
		return n, nil
	}
	if _, ferr := strconv.ParseFloat(f, 64); ferr == nil {
		return 0, errkind.Errorf(errkind.Unimplemented, "sql: fractional interval quantity in %q", s)
	}
	return 0, errkind.Errorf(errkind.InvalidArgument, "sql: invalid input syntax for type interval: %q", s)
}
